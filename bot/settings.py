"""Settings, read once from the environment and checked at start-up.

Every variable is documented in `.env.example` and the README. A missing or malformed value stops
the program with a message that says which variable and what is wrong.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.core.nlu import LIVE_MODEL_PATH

TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # Telegram allows 1-256; we want entropy


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    database_path: Path = Path("var/bot.sqlite3")
    rasa_url: str | None = None  # Rasa's HTTP API; None: load the model in-process
    rasa_token: str | None = None  # Rasa's --auth-token, required with rasa_url
    model_path: Path = LIVE_MODEL_PATH  # the model the bot answers with
    log_level: str = "INFO"
    retention_days: int = 90
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None  # another Bot API server, e.g. a local emulator
    webhook_url: str | None = None  # None: long polling
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    rate_limit: bool = True  # Telegram's flood limits (off only against a local emulator)
    staff_chat_id: int | None = None  # the office's Telegram group
    no_staff_group: bool = False  # STAFF_CHAT_ID=off: the operator runs the bot without a group

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env.get(name, "").strip() or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None and not TOKEN_PATTERN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather "
                "(digits, a colon, then at least 30 letters, digits, - or _)"
            )
        webhook_url = _url(get("WEBHOOK_URL"), "WEBHOOK_URL", schemes=("https",))
        webhook_secret = get("WEBHOOK_SECRET")
        if webhook_url and not webhook_secret:
            raise SettingsError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        if webhook_secret is not None and not SECRET_PATTERN.match(webhook_secret):
            raise SettingsError("WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ or -")
        rasa_url = _url(get("RASA_URL"), "RASA_URL", example="http://rasa:5005")
        rasa_token = get("RASA_TOKEN")
        if rasa_url and not rasa_token:
            raise SettingsError(
                "RASA_TOKEN is required with RASA_URL: the same secret as Rasa's --auth-token "
                "(16-256 characters A-Z a-z 0-9 _ -), so that only the bot can use Rasa's API"
            )
        if rasa_token is not None and not SECRET_PATTERN.match(rasa_token):
            raise SettingsError("RASA_TOKEN must be 16-256 characters of A-Z, a-z, 0-9, _ or -")
        staff = get("STAFF_CHAT_ID")
        no_staff_group = staff is not None and staff.lower() == "off"
        log_level = (get("LOG_LEVEL") or "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(
                f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}"
            )
        return cls(
            database_path=Path(get("DATABASE_PATH") or cls.database_path),
            rasa_url=rasa_url,
            rasa_token=rasa_token,
            model_path=Path(get("MODEL_PATH") or cls.model_path),
            log_level=log_level,
            retention_days=_positive_int(get("RETENTION_DAYS"), "RETENTION_DAYS", 90),
            telegram_bot_token=token,
            telegram_api_base_url=_url(
                get("TELEGRAM_API_BASE_URL"),
                "TELEGRAM_API_BASE_URL",
                example="http://127.0.0.1:8081/bot",
            ),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=get("WEBHOOK_LISTEN") or cls.webhook_listen,
            webhook_port=_positive_int(get("WEBHOOK_PORT"), "WEBHOOK_PORT", cls.webhook_port),
            rate_limit=_on_off(get("TELEGRAM_RATE_LIMIT"), "TELEGRAM_RATE_LIMIT", True),
            staff_chat_id=None if no_staff_group else _group_id(staff, "STAFF_CHAT_ID"),
            no_staff_group=no_staff_group,
        )


def _url(
    value: str | None,
    name: str,
    schemes: tuple[str, ...] = ("http", "https"),
    example: str = "https://bot.example.org/telegram",
) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise SettingsError(
            f"{name} must be a {'/'.join(schemes)} URL like {example}, got {value!r}"
        )
    return value


def _group_id(value: str | None, name: str) -> int | None:
    """Telegram groups have negative ids (supergroups: -100…); a positive id is a person."""
    if value is None:
        return None
    if not re.fullmatch(r"-\d+", value):
        raise SettingsError(
            f"{name} must be the id of a Telegram group, a negative number like "
            f"-1001234567890, or off; got {value!r} (see docs/staff-guide.md: finding the "
            "group's id)"
        )
    return int(value)


def _on_off(value: str | None, name: str, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() not in ("on", "off"):
        raise SettingsError(f"{name} must be on or off, got {value!r}")
    return value.lower() == "on"


def _positive_int(value: str | None, name: str, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) == 0:
        raise SettingsError(f"{name} must be a whole number above 0, got {value!r}")
    return int(value)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Libraries log request URLs (with the bot token) and their own chatter at INFO.
    for noisy in ("httpx", "httpcore", "rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
