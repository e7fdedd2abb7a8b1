"""Shared fixtures. Tests marked `model` use the trained NLU model (`make model` trains it)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.core.answers import Catalogue
from bot.core.assistant import Assistant
from bot.core.language import LanguageDetector
from bot.core.nlu import TRAINED_MODEL_PATH, InProcessNlu, NluResult, NluUnavailable, Ranked
from bot.core.store import Store


class ScriptedNlu:
    """Answers with a fixed result per text (or raises), for tests of the assistant alone."""

    def __init__(self, results: dict[str, NluResult] | None = None) -> None:
        self.results = results or {}
        self.default = NluResult("greet", 0.95, (Ranked("greet", 0.95),))
        self.down = False
        self.seen: list[str] = []

    async def parse(self, text: str) -> NluResult:
        self.seen.append(text)
        if self.down:
            raise NluUnavailable("connection refused")
        return self.results.get(text, self.default)

    async def reload_if_changed(self) -> bool:
        return False

    async def close(self) -> None:
        return None


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue()


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A database file of the test module's own, for the bot process its tests share."""
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / "bot.sqlite3"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


@pytest.fixture
def make_assistant(
    store: Store, catalogue: Catalogue, detector: LanguageDetector
) -> Callable[[ScriptedNlu], Assistant]:
    def make(nlu: ScriptedNlu) -> Assistant:
        return Assistant(nlu, store, catalogue, detector)

    return make


@pytest.fixture(scope="session")
def model_nlu() -> InProcessNlu:
    if not TRAINED_MODEL_PATH.exists():
        pytest.fail(f"No trained model at {TRAINED_MODEL_PATH}: run `make model` (make test does).")
    return InProcessNlu.load(TRAINED_MODEL_PATH)


@pytest.fixture
def model_assistant(
    model_nlu: InProcessNlu, store: Store, catalogue: Catalogue, detector: LanguageDetector
) -> Assistant:
    return Assistant(model_nlu, store, catalogue, detector)
