"""Settings come from the environment and are checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import DEFAULT_MODEL_PATH
from bot.settings import Settings, SettingsError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.database_path == Path("var/bot.sqlite3")
    assert settings.rasa_url is None
    assert settings.model_path == DEFAULT_MODEL_PATH
    assert settings.log_level == "INFO"


def test_values_are_read_and_trimmed() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_PATH": " /data/bot.sqlite3 ",
            "RASA_URL": "http://rasa:5005",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.database_path == Path("/data/bot.sqlite3")
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"), [("RASA_URL", "rasa:5005"), ("RASA_URL", "ftp://x"), ("LOG_LEVEL", "LOUD")]
)
def test_malformed_values_are_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
