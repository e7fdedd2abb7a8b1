"""Builds the assistant from the settings and closes what it opened: one place for the wiring."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.core.answers import Catalogue
from bot.core.assistant import Assistant
from bot.core.language import LanguageDetector
from bot.core.nlu import InProcessNlu, Nlu, RasaHttpNlu
from bot.core.store import Store
from bot.settings import Settings


def open_nlu(settings: Settings) -> Nlu:
    if settings.rasa_url:
        return RasaHttpNlu(settings.rasa_url, token=settings.rasa_token)
    return InProcessNlu.load(settings.model_path)


@asynccontextmanager
async def running_assistant(
    settings: Settings, database_path: Path | str | None = None, *, staff: bool = False
) -> AsyncIterator[Assistant]:
    """The assistant with its NLU client and database open; closed again on exit. `staff`: a
    staff group reads the questions the assistant cannot answer (only the Telegram bot has one)."""
    # The language detector learns its n-grams (a few seconds) in a thread while the model loads.
    learning = asyncio.get_running_loop().run_in_executor(None, LanguageDetector)
    nlu = open_nlu(settings)
    detector = await learning
    store = await Store.open(database_path or settings.database_path)
    try:
        catalogue = Catalogue(retention_days=settings.retention_days)
        yield Assistant(nlu, store, catalogue, detector, staff=staff)
    finally:
        await store.close()
        await nlu.close()
