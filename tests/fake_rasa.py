"""A small stand-in for Rasa's HTTP API (`POST /model/parse`, `GET /status`), loopback only.

The real bot process talks to it as to the `rasa` service of docker-compose (RASA_URL): it starts
in a second instead of loading TensorFlow and the model, so end-to-end tests of what does not
depend on the model (the staff group's plumbing, faults, privacy) are fast. It answers every text
with `intent` (or with the intent of the first key of `intents` found in the text), asks for the
shared token like `rasa run --auth-token`, and can be slow or down.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

FAKE_RASA_TOKEN = "fake-rasa-token-0123456789"


@dataclass
class FakeRasa:
    intent: str = "nlu_fallback"
    confidence: float = 0.4
    intents: dict[str, str] = field(default_factory=dict)  # text fragment -> intent
    token: str = FAKE_RASA_TOKEN
    delay: float = 0.0
    parsed: list[str] = field(default_factory=list)
    refused: int = 0  # requests without the right token
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """What the bot needs to use this Rasa."""
        return {"RASA_URL": self.url, "RASA_TOKEN": self.token}

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        app.router.add_get("/status", self._status)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _authorised(self, request: web.Request) -> bool:
        if request.query.get("token") == self.token:
            return True
        self.refused += 1
        return False

    async def _parse(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "User is not authenticated."}, status=401)
        text = (await request.json())["text"]
        await asyncio.sleep(self.delay)
        self.parsed.append(text)
        name = next((i for fragment, i in self.intents.items() if fragment in text), self.intent)
        best = {"name": name, "confidence": self.confidence if name == self.intent else 0.99}
        ranking = [best]
        if name == "nlu_fallback":
            ranking.append({"name": "ask_counselling", "confidence": self.confidence})
        return web.json_response({"text": text, "intent": best, "intent_ranking": ranking})

    async def _status(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"message": "User is not authenticated."}, status=401)
        return web.json_response({"model_file": "live.tar.gz"})
