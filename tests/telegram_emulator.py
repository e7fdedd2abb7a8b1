"""A local Telegram Bot API server for end-to-end tests and benchmarks (loopback only).

The real bot talks to it over HTTP exactly as to api.telegram.org (via TELEGRAM_API_BASE_URL);
the test talks to it in Python: users send messages and press buttons, the test waits for what
the bot sent. It implements the part of the Bot API this bot uses, with real long polling
(`getUpdates` honours `offset` and `timeout`), Unix timestamps in seconds, and `chat_instance` on
callback queries. Unknown methods answer 404 like Telegram, so a new API call fails loudly.

Why our own and not the npm package telegram-test-api: that one needs eleven patches to work with
python-telegram-bot 22 (see docs/architecture.md); this file is shorter than the patches.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
TEST_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
REAL_BOT = [sys.executable, "-m", "bot", "run"]
JSON = dict[str, Any]
# Parameters that python-telegram-bot sends JSON-encoded inside form fields.
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "entities",
    "allowed_updates",
    "link_preview_options",
}
BOT_USER: JSON = {
    "id": 1000,
    "is_bot": True,
    "first_name": "Integration Office VS",
    "username": "vs_integration_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class User:
    id: int
    language_code: str | None = None
    first_name: str = "Test"

    def as_json(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def private_chat(self) -> JSON:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass
class Emulator:
    token: str
    host: str = "127.0.0.1"
    port: int = 0
    updates: list[JSON] = field(default_factory=list)
    sent: list[JSON] = field(default_factory=list)  # every message the bot sent or edited
    calls: list[tuple[str, JSON]] = field(default_factory=list)
    commands: dict[str | None, list[JSON]] = field(default_factory=dict)
    webhook: JSON | None = None  # what the bot asked for with setWebhook
    _runner: web.AppRunner | None = None
    _closing: bool = False
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _messages: dict[tuple[int, int], JSON] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        """For TELEGRAM_API_BASE_URL (python-telegram-bot appends the token and the method)."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        async with self._changed:  # let long polls return before the server goes
            self._closing = True
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what users do ------------------------------------------------------------------------

    async def send(self, user: User, **content: Any) -> JSON:
        """A message from `user`: text="…", or voice={…}, photo=[…], sticker={…}, location={…}…"""
        message: JSON = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": user.private_chat(),
            "from": user.as_json(),
            **content,
        }
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self._add_update({"message": message})
        return message

    async def press(self, user: User, message: JSON, data: str) -> None:
        """`user` presses an inline button with callback `data` under the bot's `message`."""
        await self._add_update(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": user.as_json(),
                    "chat_instance": f"instance-{user.id}",
                    "message": message,
                    "data": data,
                }
            }
        )

    async def _add_update(self, update: JSON) -> None:
        async with self._changed:
            self.updates.append({"update_id": next(self._ids), **update})
            self._changed.notify_all()

    # --- what the test waits for --------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[JSON]:
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 20) -> list[JSON]:
        """The bot's messages to `chat_id`, once there are at least `count` of them."""

        def enough() -> bool:
            return len(self.messages_to(chat_id)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), timeout)
        return self.messages_to(chat_id)

    async def wait_for_call(self, method: str, timeout: float = 30) -> None:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: any(m == method for m, _ in self.calls)), timeout
            )

    # --- the Bot API --------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _parameters(request)
        async with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result = await handler(params)
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: JSON) -> JSON:
        return BOT_USER

    async def _api_getUpdates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)

        def pending() -> list[JSON]:
            return [u for u in self.updates if u["update_id"] >= offset][:limit]

        async with self._changed:
            # Telegram forgets updates once a later offset confirms them.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if not pending() and timeout > 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(pending()) or self._closing), timeout
                    )
            return pending()

    async def _api_sendMessage(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        message: JSON = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": str(params["text"]),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return await self._record(message)

    async def _api_editMessageText(self, params: JSON) -> JSON:
        message = dict(self._messages[(int(params["chat_id"]), int(params["message_id"]))])
        message["text"] = str(params["text"])
        message["edit_date"] = int(time.time())
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return await self._record(message)

    async def _record(self, message: JSON) -> JSON:
        async with self._changed:
            self._messages[(message["chat"]["id"], message["message_id"])] = message
            self.sent.append(message)
            self._changed.notify_all()
        return message

    async def _api_answerCallbackQuery(self, params: JSON) -> bool:
        return True

    async def _api_setMyCommands(self, params: JSON) -> bool:
        self.commands[params.get("language_code")] = params["commands"]
        return True

    async def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        return self.commands.get(params.get("language_code"), [])

    async def _api_deleteWebhook(self, params: JSON) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: JSON) -> bool:
        self.webhook = params
        return True

    async def _api_getWebhookInfo(self, params: JSON) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def _api_sendChatAction(self, params: JSON) -> bool:
        return True


async def _parameters(request: web.Request) -> JSON:
    """python-telegram-bot sends form fields, complex values JSON-encoded; others send JSON."""
    if request.content_type == "application/json":
        return dict(await request.json())
    params: JSON = {}
    for key, value in (await request.post()).items():
        params[key] = json.loads(value) if key in JSON_FIELDS and isinstance(value, str) else value
    return params


def _error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code)


@contextlib.asynccontextmanager
async def bot_process(
    emulator: Emulator,
    env: dict[str, str],
    log: IO[str] | int = subprocess.DEVNULL,
    command: list[str] = REAL_BOT,
    ready_when: str = "getUpdates",
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """A bot process talking to `emulator`, from its first `ready_when` call to the block's end;
    then stopped with Ctrl-C, as an operator would."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            **env,
        },
        stdout=log,
        stderr=log,
    )
    try:
        await emulator.wait_for_call(ready_when, timeout=120)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:  # in a thread: the emulator in this event loop must keep answering meanwhile
            await asyncio.to_thread(process.wait, 60)
        except subprocess.TimeoutExpired:
            process.kill()
