"""The deployment files agree with the code: docker-compose.yml passes the bot every setting it
reads, the volumes hold what the settings point at, the slim image's packages suffice, and the
health check tells a live bot from a hung one. (`make compose` validates the file's syntax.)"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.health import beat, check, heartbeat_path
from bot.lifecycle.promote import RASA_MODEL_FILE
from bot.paths import ROOT
from bot.settings import Settings
from tests.helpers import variables_read_by_the_code

COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def test_the_bot_service_gets_every_setting_and_nothing_else() -> None:
    for name in ("bot", "promote"):
        assert set(SERVICES[name]["environment"]) == variables_read_by_the_code(), name


def test_secrets_come_from_the_environment_not_the_file() -> None:
    environment = SERVICES["bot"]["environment"]
    for secret in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "STAFF_CHAT_ID"):
        assert environment[secret] == "${" + secret + ":-}", secret
    assert environment["RASA_TOKEN"].startswith("${RASA_TOKEN:?")  # required, never a default


def test_rasa_answers_only_the_bot() -> None:
    """Rasa's API can load a model from a URL (models are pickles) or unload the live one: it
    needs the shared token, publishes no port, and lives on a network without a way out."""
    rasa = SERVICES["rasa"]
    command = rasa["command"]
    token = command[command.index("--auth-token") + 1]
    assert token.startswith("${RASA_TOKEN:?")
    assert "ports" not in rasa and rasa["networks"] == ["rasa"]
    assert COMPOSE["networks"]["rasa"]["internal"] is True
    assert "token=" in " ".join(rasa["healthcheck"]["test"])
    assert set(SERVICES["bot"]["networks"]) == {"rasa", "default"}
    assert SERVICES["promote"]["networks"] == ["rasa"]
    assert SERVICES["train"]["network_mode"] == "none"


def test_the_bot_image_is_on_a_supported_python() -> None:
    """Python 3.10 reached its end of life in October 2026; only the maintainers' image, which
    needs Rasa 3.6, stays on it."""
    stages = [line.split() for line in (ROOT / "Dockerfile").read_text().splitlines()
              if line.startswith("FROM ")]  # fmt: skip
    images = {stage[-1]: stage[1] for stage in stages}
    assert images["bot"] == "python:3.12-slim"
    assert images["tools"] == "python:3.10-slim"


def test_the_bot_asks_the_rasa_service_for_the_live_model() -> None:
    environment = SERVICES["bot"]["environment"]
    rasa = SERVICES["rasa"]
    assert rasa["image"] == "rasa/rasa:3.6.21-full"
    command = rasa["command"]
    assert "--enable-api" in command
    port = command[command.index("--port") + 1]
    assert environment["RASA_URL"] == f"http://rasa:{port}"
    # Rasa serves models/live.tar.gz from the mounted rasa_project/, which is what promote
    # replaces (MODEL_PATH in the promote container) and tells Rasa to load (PUT /model).
    served = command[command.index("--model") + 1]
    assert served == "models/live.tar.gz"
    assert "./rasa_project:/app:ro" in rasa["volumes"]
    assert "./rasa_project:/app/rasa_project" in SERVICES["promote"]["volumes"]
    assert environment["MODEL_PATH"] == "/app/rasa_project/" + served
    assert served == RASA_MODEL_FILE


def test_the_database_lives_on_the_named_volume() -> None:
    database = Path(SERVICES["bot"]["environment"]["DATABASE_PATH"])
    mounts = dict(volume.split(":")[::-1] for volume in SERVICES["bot"]["volumes"])
    assert mounts[str(database.parent)] in COMPOSE["volumes"]


def test_services_are_healthy_restarted_and_started_in_order() -> None:
    for name in ("rasa", "bot"):
        assert SERVICES[name]["restart"] == "unless-stopped"
        assert SERVICES[name]["healthcheck"]["test"]
    assert SERVICES["bot"]["depends_on"]["rasa"]["condition"] == "service_healthy"
    assert "/status" in " ".join(SERVICES["rasa"]["healthcheck"]["test"])
    assert SERVICES["bot"]["healthcheck"]["test"] == ["CMD", "python", "-m", "bot", "health"]
    for name in ("train", "promote"):
        assert SERVICES[name]["profiles"] == ["maintenance"]


def pinned(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    pairs = [line.split("==") for line in lines if "==" in line and not line.startswith("#")]
    return {name.lower().replace("_", "-"): version for name, version in pairs}


def test_the_slim_image_pins_the_same_versions_as_the_lock() -> None:
    slim, lock = pinned(ROOT / "requirements-bot.txt"), pinned(ROOT / "requirements.lock")
    assert {name: lock.get(name) for name in slim} == slim
    assert "rasa" not in slim and "tensorflow" not in slim


@pytest.mark.e2e
def test_the_bot_runs_without_rasa_or_tensorflow_installed() -> None:
    """What the slim image has: the bot's modules import, and the HTTP NLU client is chosen."""
    program = """
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("rasa", "tensorflow", "sklearn"):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Missing())
import bot.__main__, bot.telegram.app, bot.health
from bot.core.language import LanguageDetector
from bot.runtime import open_nlu
from bot.settings import Settings
print(type(open_nlu(Settings(rasa_url="http://rasa:5005"))).__name__)
print(LanguageDetector().detect("Wo ist das Büro?").language)
"""
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["RasaHttpNlu", "de"]


def test_health_needs_a_recent_heartbeat_and_a_readable_database(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "bot.sqlite3", rasa_url="http://127.0.0.1:9")
    with sqlite3.connect(settings.database_path) as database:
        database.execute("CREATE TABLE questions (id INTEGER)")
    out = io.StringIO()
    assert not check(settings, out)  # never beat
    beat(settings)
    assert check(settings, out)
    assert "rasa: unreachable" in out.getvalue()  # Rasa down: still healthy, and said so
    stale = time.time() - 300
    os.utime(heartbeat_path(settings), (stale, stale))
    assert not check(settings, out)  # a hung bot
