"""What is the message about? One interface, two ways to reach the trained Rasa model.

- `InProcessNlu` loads the model into this process (default: `make run`, tests, evaluation).
- `RasaHttpNlu` asks a Rasa server (`rasa run --enable-api`) via `POST /model/parse`; used when
  `RASA_URL` is set (docker-compose), so the bot itself needs no TensorFlow.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from bot.nlu_data import RASA_PROJECT_DIR

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
DEFAULT_MODEL_PATH = RASA_PROJECT_DIR / "models" / "nlu.tar.gz"
# Rasa refuses very long texts slowly, and nothing past this helps classify a question.
MAX_PARSE_CHARS = 1000


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

    async def close(self) -> None: ...


class InProcessNlu:
    """The trained model loaded with Rasa's `Agent`; loading takes seconds, parsing milliseconds."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent

    @classmethod
    def load(cls, model_path: Path = DEFAULT_MODEL_PATH) -> InProcessNlu:
        if not model_path.exists():
            raise FileNotFoundError(f"No NLU model at {model_path}: run `make model` first.")
        # Importing Rasa pulls in TensorFlow: only pay for it when the in-process model is used.
        # It also imports Sanic, which replaces the process's event loop policy with uvloop's;
        # put the caller's back, or a loop the caller already runs can no longer be found.
        policy = asyncio.get_event_loop_policy()
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        asyncio.set_event_loop_policy(policy)

        # Rasa's structured logger prints every parsed message (its text) at DEBUG by default.
        configure_structlog(logging.WARNING)
        # The model names the project's custom components (rasa_project/components/).
        if str(RASA_PROJECT_DIR) not in sys.path:
            sys.path.insert(0, str(RASA_PROJECT_DIR))

        logger.info("Loading NLU model %s", model_path)
        return cls(Agent.load(str(model_path)))

    async def parse(self, text: str) -> NluResult:
        try:
            parsed = await self._agent.parse_message(text[:MAX_PARSE_CHARS])
        except Exception as error:  # a broken model must not take the bot down
            raise NluUnavailable(str(error)) from error
        return NluResult.from_rasa(parsed)

    async def close(self) -> None:
        return None


class RasaHttpNlu:
    """A Rasa server's `POST /model/parse`, with a short timeout so newcomers never wait long."""

    def __init__(
        self, base_url: str, timeout: float = 3.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport
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

    async def close(self) -> None:
        await self._client.aclose()
