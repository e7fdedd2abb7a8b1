"""`python -m bot health`: is the running bot alive? For Docker's health check.

Alive means: the bot's own loop wrote its heartbeat file recently (it does so every 30 s, so a
hung process is caught, not only a dead one), and the database can be read. Rasa being down does
not make the bot unhealthy: it then still answers with the office's contact details and keeps the
questions, so restarting it would not help; the output says so.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TextIO

import httpx

from bot.settings import Settings

HEARTBEAT_EVERY_SECONDS = 30
HEARTBEAT_STALE_SECONDS = 120


def heartbeat_path(settings: Settings) -> Path:
    return settings.database_path.parent / "bot.heartbeat"


def beat(settings: Settings) -> None:
    path = heartbeat_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(int(time.time())))


def check(settings: Settings, out: TextIO) -> bool:
    healthy = True
    path = heartbeat_path(settings)
    age = time.time() - path.stat().st_mtime if path.exists() else None
    if age is None or age > HEARTBEAT_STALE_SECONDS:
        out.write(f"unhealthy: no heartbeat for {'ever' if age is None else f'{age:.0f} s'}\n")
        healthy = False
    try:
        with sqlite3.connect(f"file:{settings.database_path}?mode=ro", uri=True) as database:
            database.execute("SELECT COUNT(*) FROM questions").fetchone()
    except sqlite3.Error as error:
        out.write(f"unhealthy: database {settings.database_path}: {error}\n")
        healthy = False
    if settings.rasa_url:
        try:
            httpx.get(
                settings.rasa_url.rstrip("/") + "/status",
                params={"token": settings.rasa_token or ""},
                timeout=3,
            ).raise_for_status()
            out.write("rasa: ok\n")
        except httpx.HTTPError as error:
            out.write(f"rasa: unreachable ({error}); the bot answers with the contact details\n")
    if healthy:
        out.write("healthy\n")
    return healthy
