"""Settings, read once from the environment and checked at start-up.

Every variable is documented in `.env.example` and the README. A missing or malformed value stops
the program with a message that says which variable and what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.nlu import DEFAULT_MODEL_PATH


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    database_path: Path = Path("var/bot.sqlite3")
    rasa_url: str | None = None  # Rasa's HTTP API; None: load the model in-process
    model_path: Path = DEFAULT_MODEL_PATH
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        rasa_url = env.get("RASA_URL", "").strip() or None
        if rasa_url is not None:
            parsed = urlparse(rasa_url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise SettingsError(
                    f"RASA_URL must be an http(s) URL like http://rasa:5005, got {rasa_url!r}"
                )
        log_level = env.get("LOG_LEVEL", "INFO").strip().upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(
                f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}"
            )
        return cls(
            database_path=Path(env.get("DATABASE_PATH", "").strip() or cls.database_path),
            rasa_url=rasa_url,
            model_path=Path(env.get("MODEL_PATH", "").strip() or cls.model_path),
            log_level=log_level,
        )
