"""What is the message about? One interface, two ways to reach the trained Rasa model.

- `InProcessNlu` loads the model into this process (default: `make run`, tests, evaluation).
- `RasaHttpNlu` asks a Rasa server (`rasa run --enable-api`) via `POST /model/parse`; used when
  `RASA_URL` is set (docker-compose), so the bot itself needs no TensorFlow.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from bot.paths import RASA_PROJECT_DIR

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
MODELS_DIR = RASA_PROJECT_DIR / "models"
# `make model` trains this one from the repository's data; `python -m bot promote` checks it
# against the live model (the one the bot answers with) and only then replaces that.
TRAINED_MODEL_PATH = MODELS_DIR / "nlu.tar.gz"
LIVE_MODEL_PATH = MODELS_DIR / "live.tar.gz"
# Rasa refuses very long texts slowly, and nothing past this helps classify a question.
MAX_PARSE_CHARS = 1000
# Messages that arrive while the model is busy are parsed together, up to this many at once.
MAX_BATCH = 64
# A newcomer waits at most this long for the in-process model (as for Rasa's HTTP API), then gets
# the contact details and the question goes to a person.
PARSE_TIMEOUT_SECONDS = 3.0


class NluUnavailable(Exception):
    """The model could not be asked (server down, timeout, broken answer)."""


@dataclass(frozen=True)
class Ranked:
    intent: str
    confidence: float


@dataclass(frozen=True)
class NluResult:
    intent: str
    confidence: float
    ranking: tuple[Ranked, ...] = field(default=())

    @property
    def best_guess(self) -> Ranked:
        """The best real intent, also when the fallback classifier replaced it."""
        for ranked in self.ranking:
            if ranked.intent != FALLBACK_INTENT:
                return ranked
        return Ranked(self.intent, self.confidence)

    @classmethod
    def from_rasa(cls, parsed: dict[str, Any]) -> NluResult:
        intent = parsed.get("intent") or {}
        ranking = tuple(
            Ranked(str(entry["name"]), float(entry["confidence"]))
            for entry in parsed.get("intent_ranking") or []
        )
        return cls(
            intent=str(intent.get("name") or FALLBACK_INTENT),
            confidence=float(intent.get("confidence") or 0.0),
            ranking=ranking,
        )


class Nlu(Protocol):
    async def parse(self, text: str) -> NluResult: ...

    async def reload_if_changed(self) -> bool: ...

    async def close(self) -> None: ...


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class InProcessNlu:
    """The trained model loaded with Rasa's `Agent`; loading takes seconds, parsing milliseconds.

    Parsing runs in a thread of its own, so the event loop keeps sending replies meanwhile. The
    texts that arrive while it is busy are parsed together next, in one pass through the model:
    a message never waits for a batch to fill, and a burst of messages costs a fraction of the
    CPU per message (docs/benchmarks.md).

    When the model file is replaced (a promotion), `reload_if_changed` loads the new one in a
    thread while the old one keeps answering, then swaps them: no restart, no message dropped.
    """

    def __init__(self, agent: Any, model_path: Path | None = None) -> None:
        self._agent = agent
        self._model_path = model_path
        self._stamp = _file_stamp(model_path) if model_path else None
        self._waiting: list[tuple[str, asyncio.Future[dict[str, Any]]]] = []
        self._batches: asyncio.Task[None] | None = None
        # One thread: Rasa's components are not made to run two batches at once.
        self._parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")

    @classmethod
    def load(cls, model_path: Path = TRAINED_MODEL_PATH) -> InProcessNlu:
        if not model_path.exists():
            raise FileNotFoundError(
                f"No NLU model at {model_path}: `make run` trains one and puts it live "
                "(or `make model`, then `make promote`)."
            )
        import_rasa()
        from rasa.utils.log_utils import configure_structlog

        # Rasa's structured logger prints every parsed message (its text) at DEBUG by default.
        configure_structlog(logging.WARNING)
        _components_on_path()
        return cls(_load_agent(model_path), model_path)

    @property
    def agent(self) -> Any:
        """The loaded Rasa agent (tests compare its components with Rasa's own)."""
        return self._agent

    async def parse(self, text: str) -> NluResult:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((text[:MAX_PARSE_CHARS], future))
        if self._batches is None or self._batches.done():
            self._batches = asyncio.create_task(self._parse_waiting())
        try:
            return NluResult.from_rasa(await asyncio.wait_for(future, PARSE_TIMEOUT_SECONDS))
        except asyncio.TimeoutError as error:
            raise NluUnavailable(f"no answer within {PARSE_TIMEOUT_SECONDS:.0f} s") from error

    async def _parse_waiting(self) -> None:
        """Parse what waits, batch after batch, until nothing does."""
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            texts = [text for text, _ in batch]
            try:
                results = await loop.run_in_executor(self._parser, _parse_texts, self._agent, texts)
            except asyncio.CancelledError:  # the bot is stopping: nobody waits for the rest
                for _, future in batch + self._waiting:
                    future.cancel()
                raise
            except Exception as error:  # a broken model must not take the bot down
                unavailable = NluUnavailable(str(error))
                for _, future in batch:
                    if not future.done():  # done: the caller gave up waiting
                        future.set_exception(unavailable)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def reload_if_changed(self) -> bool:
        if self._model_path is None:
            return False
        stamp = _file_stamp(self._model_path)
        if stamp is None or stamp == self._stamp:
            return False
        self._stamp = stamp  # a broken file is tried once, not every few seconds
        try:
            agent = await asyncio.to_thread(_load_agent, self._model_path)
        except Exception:
            logger.exception("New NLU model could not be loaded; keeping the current one")
            return False
        self._agent = agent
        logger.info("NLU model reloaded from %s", self._model_path)
        return True

    async def close(self) -> None:
        self._parser.shutdown(wait=False, cancel_futures=True)


def import_rasa() -> None:
    """Import Rasa, which pulls in TensorFlow: only paid for when the in-process model is used.

    Rasa imports Sanic, which replaces the process's event loop policy with uvloop's; the caller's
    is put back, or a loop the caller already runs can no longer be found.
    """
    policy = asyncio.get_event_loop_policy()
    import rasa.core.agent  # noqa: F401  (the import that brings Sanic and uvloop)

    asyncio.set_event_loop_policy(policy)


def _components_on_path() -> None:
    """The model names the project's own components (rasa_project/components/): importable."""
    if str(RASA_PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(RASA_PROJECT_DIR))


@functools.cache
def _batch_parser() -> Callable[[Any, list[str]], list[dict[str, Any]]]:
    """Imported once, not per batch: the parser runs for every message."""
    _components_on_path()
    from components.rasa_internals import parse_batch

    return parse_batch


def _parse_texts(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Several texts through the model at once (Rasa's API parses one at a time)."""
    return _batch_parser()(agent, texts)


def _load_agent(model_path: Path) -> Any:
    from rasa.core.agent import Agent

    logger.info("Loading NLU model %s", model_path)
    return Agent.load(str(model_path))


class RasaHttpNlu:
    """A Rasa server's `POST /model/parse`, with a short timeout so newcomers never wait long.
    `token` is the server's `--auth-token` (Rasa reads it from the `token` query parameter)."""

    def __init__(
        self,
        base_url: str,
        timeout: float = PARSE_TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
        token: str | None = None,
    ) -> None:
        self._timeout = timeout
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            params={"token": token} if token else None,
        )

    async def parse(self, text: str) -> NluResult:
        try:
            response = await self._client.post(
                "/model/parse", json={"text": text[:MAX_PARSE_CHARS]}
            )
            response.raise_for_status()
            return NluResult.from_rasa(response.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            raise NluUnavailable(f"{type(error).__name__}: {error}") from error

    async def reload_if_changed(self) -> bool:
        return False  # the Rasa server is switched with `PUT /model` (python -m bot promote)

    async def load_model(self, model_file: str) -> None:
        """Tell the Rasa server to serve another model file (a path on the server's side)."""
        response = await self._client.put(
            "/model", json={"model_file": model_file}, timeout=max(self._timeout, 120.0)
        )
        response.raise_for_status()

    async def close(self) -> None:
        await self._client.aclose()
