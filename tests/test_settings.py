"""Settings come from the environment and are checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.nlu import LIVE_MODEL_PATH
from bot.settings import Settings, SettingsError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.database_path == Path("var/bot.sqlite3")
    assert settings.rasa_url is None
    assert settings.model_path == LIVE_MODEL_PATH
    assert settings.log_level == "INFO"


def test_values_are_read_and_trimmed() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_PATH": " /data/bot.sqlite3 ",
            "RASA_URL": "http://rasa:5005",
            "RASA_TOKEN": " a-long-shared-secret-0123 ",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.database_path == Path("/data/bot.sqlite3")
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.rasa_token == "a-long-shared-secret-0123"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RASA_URL", "rasa:5005"),
        ("RASA_URL", "ftp://x"),
        ("LOG_LEVEL", "LOUD"),
        ("STAFF_CHAT_ID", "12345"),  # a person, not a group
        ("RASA_TOKEN", "short"),
    ],
)
def test_malformed_values_are_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def test_telegram_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": "s3cret-s3cret-s3cret",
            "WEBHOOK_PORT": "8443",
            "RETENTION_DAYS": "30",
        }
    )
    assert settings.telegram_bot_token == TOKEN
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert (settings.webhook_url, settings.webhook_port) == (
        "https://bot.example.org/telegram",
        8443,
    )
    assert settings.retention_days == 30


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"WEBHOOK_URL": "https://bot.example.org/x"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": "http://bot.example.org/x", "WEBHOOK_SECRET": "a" * 20}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
        ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS"),
        ({"WEBHOOK_PORT": "eighty"}, "WEBHOOK_PORT"),
        ({"TELEGRAM_RATE_LIMIT": "maybe"}, "TELEGRAM_RATE_LIMIT"),
        ({"TELEGRAM_API_BASE_URL": "127.0.0.1:8081"}, "TELEGRAM_API_BASE_URL"),
    ],
)
def test_malformed_telegram_settings_are_refused(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


def test_rasa_over_http_needs_its_token() -> None:
    with pytest.raises(SettingsError, match="RASA_TOKEN is required"):
        Settings.from_env({"RASA_URL": "http://rasa:5005"})


def test_a_staff_group_or_an_explicit_off() -> None:
    assert Settings.from_env({"STAFF_CHAT_ID": "-1001234567890"}).staff_chat_id == -1001234567890
    off = Settings.from_env({"STAFF_CHAT_ID": "off"})
    assert (off.staff_chat_id, off.no_staff_group) == (None, True)
    assert not Settings.from_env({}).no_staff_group
