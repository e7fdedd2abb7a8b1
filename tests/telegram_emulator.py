"""A local Telegram Bot API server for end-to-end tests and benchmarks (loopback only).

The real bot talks to it over HTTP exactly as to api.telegram.org (via TELEGRAM_API_BASE_URL);
the test talks to it in Python: users send messages and press buttons, the test waits for what
the bot sent. It implements the part of the Bot API this bot uses, with real long polling
(`getUpdates` honours `offset` and `timeout`), Unix timestamps in seconds, and `chat_instance` on
callback queries. Unknown methods answer 404 like Telegram, so a new API call fails loudly; so
do calls Telegram would refuse (a reply to a missing message, a send to a user who blocked the bot)
with Telegram's status code and description, so the bot's error handling is tested too. Groups
are supergroups (negative ids) whose members the test sets, for features reserved to staff; as in
Telegram, a supergroup numbers its messages on its own (1, 2, 3…), a text longer than 4,096
UTF-16 units is refused, and a message older than 48 hours cannot be deleted. The bot is an
administrator with the right to delete messages unless a test says otherwise.

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
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar

from aiohttp import web

from bot.core.answers import Catalogue
from bot.core.nlu import TRAINED_MODEL_PATH
from bot.paths import ROOT
from bot.telegram.limits import MAX_MESSAGE_LENGTH, telegram_length

TEST_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
REAL_BOT = [sys.executable, "-m", "bot", "run"]
JSON = dict[str, Any]
T = TypeVar("T")
_catalogue = Catalogue()
# The answer to /privacy in every language: no other message gets it (unlike /help, which also
# answers unknown commands), so it marks the end of what came before.
PRIVACY_TEXTS = {
    _catalogue.render(key, code)
    for code in _catalogue.codes
    for key in ("privacy", "privacy_no_staff")
}
# Telegram lets a bot delete a message only this long after it was sent.
DELETE_WITHIN_SECONDS = 48 * 3600
# Parameters that python-telegram-bot sends JSON-encoded inside form fields.
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "commands",
    "scope",
    "entities",
    "caption_entities",
    "allowed_updates",
    "link_preview_options",
}
# What the bot can send by file_id (sendVoice, sendPhoto, sendVideoNote…): the fields besides
# file_id and file_unique_id that python-telegram-bot 22 requires of each; a photo is a list of one.
MEDIA: dict[str, JSON] = {
    "voice": {"duration": 3},
    "audio": {"duration": 3},
    "photo": {"width": 640, "height": 480},
    "video": {"width": 640, "height": 480, "duration": 3},
    "video_note": {"length": 240, "duration": 3},
    "document": {},
}
MEDIA_METHODS = {"send" + kind.title().replace("_", ""): kind for kind in MEDIA}
# What copyMessage does not copy: the rest of a message is its content.
METADATA = {"message_id", "date", "chat", "from", "reply_to_message", "reply_markup", "edit_date"}
BOT_USER: JSON = {
    "id": 1000,
    "is_bot": True,
    "first_name": "Integration Office VS",
    "username": "vs_integration_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


# What python-telegram-bot requires of an administrator (ChatMemberAdministrator).
ADMIN_RIGHTS: JSON = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": False, "can_restrict_members": False,
    "can_promote_members": False, "can_change_info": False, "can_invite_users": False,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
}  # fmt: skip


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
class Group:
    """A supergroup, e.g. the staff's; Telegram gives supergroups ids like -1001234567890."""

    id: int
    title: str

    def as_chat(self) -> JSON:
        return {"id": self.id, "type": "supergroup", "title": self.title}


class ApiError(Exception):
    """A call Telegram refuses, answered with its status code and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Fault:
    """What Telegram's side does wrong on one call: an error status (with `retry_after` for
    429), a delay first, or a dropped connection with no answer at all."""

    status: int = 502
    description: str = "Bad Gateway"
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    delivered: bool = False  # with drop: the call took effect, only its answer is lost
    chat_id: int | None = None  # only calls for this chat (None: any call of the method)


@dataclass
class Emulator:
    token: str
    host: str = "127.0.0.1"
    port: int = 0
    updates: list[JSON] = field(default_factory=list)
    sent: list[JSON] = field(default_factory=list)  # every message the bot sent or edited
    calls: list[tuple[str, JSON]] = field(default_factory=list)
    commands: dict[str | None, list[JSON]] = field(default_factory=dict)  # default scope
    # (json.dumps(scope, sort_keys=True), language_code) -> commands, for the other scopes
    scoped_commands: dict[tuple[str, str | None], list[JSON]] = field(default_factory=dict)
    webhook: JSON | None = None  # what the bot asked for with setWebhook
    members: dict[int, set[int]] = field(default_factory=dict)  # chat id -> user ids
    faults: dict[str, list[Fault]] = field(default_factory=dict)  # method -> the next calls' faults
    blocked: set[int] = field(default_factory=set)  # chats of users who blocked the bot
    migrated: dict[int, int] = field(default_factory=dict)  # old group id -> new supergroup id
    deleted: list[tuple[int, int]] = field(default_factory=list)  # (chat id, message id)
    may_delete: bool = True  # the bot is an administrator who may delete messages in groups
    uploads: list[bytes] = field(default_factory=list)  # files the bot uploaded (charts)
    _runner: web.AppRunner | None = None
    _closing: bool = False
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Supergroups count their messages on their own; private chats share one counter.
    _group_ids: dict[int, itertools.count[int]] = field(default_factory=dict)
    _messages: dict[tuple[int, int], JSON] = field(default_factory=dict)  # by users and the bot
    _chats: dict[int, JSON] = field(default_factory=dict)  # as users wrote in them
    _users: dict[int, JSON] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        """For TELEGRAM_API_BASE_URL (python-telegram-bot appends the token and the method)."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> None:
        """Serve (again, after `stop`: what happened before is kept, as Telegram keeps it)."""
        self._closing = False
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

    def add_group(self, group: Group, *members: User) -> None:
        """`group` is known (its title in the bot's messages) and `members` belong to it."""
        self._chats[group.id] = group.as_chat()
        self.members.setdefault(group.id, set()).update(member.id for member in members)
        self._users.update({member.id: member.as_json() for member in members})

    async def send(
        self, user: User, chat: Any = None, reply_to: Any = None, **content: Any
    ) -> JSON:
        """A message from `user`: text="…", or voice={…}, photo=[…], sticker={…}, location={…}…

        In `chat` (a chat JSON, e.g. group.as_chat(); else the user's private chat), replying to
        `reply_to` (a message JSON, e.g. one the bot sent). Kept, so that the bot can reply to it
        or copy it. `chat` and `reply_to` are typed Any, not JSON | None, because tests spread a
        dict[str, object] into **content, and mypy checks its values against them too."""
        chat = chat or user.private_chat()
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user.as_json(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = _without_reply(reply_to)
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            command = text.split()[0]  # in groups "/inbox@vs_integration_bot"
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._chats[chat["id"]] = chat
        self._users[user.id] = user.as_json()
        self._messages[(chat["id"], message["message_id"])] = message
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

    async def migrate(self, group: Group, to: Group) -> None:
        """Telegram turns `group` into the supergroup `to`, with a new id and its own message
        numbering (1, 2, 3…): the two service messages of a migration, as Telegram sends them."""
        self.add_group(to)
        self.members[to.id] = set(self.members.get(group.id, set()))
        self.migrated[group.id] = to.id
        for chat, field_name, value in ((group, "migrate_to_chat_id", to.id),
                                        (to, "migrate_from_chat_id", group.id)):  # fmt: skip
            message = {
                "message_id": self._next_message_id(chat.id),
                "date": int(time.time()),
                "chat": chat.as_chat(),
                "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                field_name: value,
            }
            await self._add_update({"message": message})

    def age(self, chat_id: int, message_id: int, seconds: float) -> None:
        """The message was sent `seconds` earlier than it was (for Telegram's 48 hours)."""
        self._messages[(chat_id, message_id)]["date"] -= int(seconds)

    def last_message_id(self, chat_id: int) -> int:
        """The number of the latest message in the chat, whoever sent it."""
        return max((m for c, m in self._messages if c == chat_id), default=0)

    def _next_message_id(self, chat_id: int) -> int:
        if chat_id < 0:
            return next(self._group_ids.setdefault(chat_id, itertools.count(1)))
        return next(self._ids)

    async def add_update(self, update: JSON) -> None:
        """Any update as Telegram would deliver it (edited messages, member changes…)."""
        await self._add_update(update)

    async def _add_update(self, update: JSON) -> None:
        async with self._changed:
            self.updates.append({"update_id": next(self._ids), **update})
            self._changed.notify_all()

    # --- what the test waits for --------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[JSON]:
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 20) -> T:
        """`predicate()` once true (a found message, or True), checked again whenever a user or
        the bot did something; asyncio.TimeoutError after `timeout` seconds."""
        async with self._changed:
            found = await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
        assert found is not None
        return found

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 20) -> list[JSON]:
        """The bot's messages to `chat_id`, once there are at least `count` of them."""
        await self.wait_for(lambda: len(self.messages_to(chat_id)) >= count, timeout)
        return self.messages_to(chat_id)

    async def wait_for_call(self, method: str, timeout: float = 30, since: int = 0) -> None:
        """Once the bot has called `method`, counting only from the `since`-th call on."""
        await self.wait_for(lambda: any(m == method for m, _ in self.calls[since:]), timeout)

    # --- the Bot API --------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _parameters(request)
        async with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
        fault = self._next_fault(method, params)
        if fault is not None and fault.delivered:
            handler = self._handler(method)
            assert handler is not None
            await handler(params)
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.drop and request.transport is not None:
                request.transport.close()  # the connection breaks: no answer at all
            body: JSON = {"ok": False, "error_code": fault.status, "description": fault.description}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return web.json_response(body, status=fault.status)
        handler = self._handler(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        sending = method.startswith("send") or method == "copyMessage"
        if sending and str(params.get("chat_id")) in map(str, self.blocked):
            return _error(403, "Forbidden: bot was blocked by the user")
        moved_to = self.migrated.get(_int(params, "chat_id"))
        if moved_to is not None:
            body = {
                "ok": False, "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": moved_to},
            }  # fmt: skip
            return web.json_response(body, status=400)
        try:
            result = await handler(params)
        except ApiError as error:
            return _error(error.code, error.description)
        return web.json_response({"ok": True, "result": result})

    def fail(self, method: str, *faults: Fault) -> None:
        """The next calls of `method` (one per fault, in order) go wrong as described."""
        self.faults.setdefault(method, []).extend(faults)

    def _next_fault(self, method: str, params: JSON) -> Fault | None:
        queued = self.faults.get(method, [])
        for index, fault in enumerate(queued):
            if fault.chat_id is None or fault.chat_id == _int(params, "chat_id"):
                return queued.pop(index)
        return None

    def _handler(self, method: str) -> Callable[[JSON], Awaitable[Any]] | None:
        """`_api_<method>`; sendVoice, sendPhoto… share one."""
        if method in MEDIA_METHODS:
            return partial(self._send_media, MEDIA_METHODS[method])
        handler: Callable[[JSON], Awaitable[Any]] | None = getattr(self, f"_api_{method}", None)
        return handler

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
        text = str(params["text"])
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if telegram_length(text) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return await self._send(params, {"text": text})

    async def _send_media(self, kind: str, params: JSON) -> JSON:
        """sendVoice, sendPhoto…, with the file given by file_id (uploads are not emulated)."""
        file_id = params.get(kind)
        if isinstance(file_id, web.FileField):  # an upload (a chart): Telegram gives it an id
            self.uploads.append(file_id.file.read())
            file_id = f"uploaded-{len(self.uploads)}"
        if not isinstance(file_id, str):
            raise ApiError(400, f"Bad Request: {kind} must be a file id or an upload")
        media = {"file_id": file_id, "file_unique_id": f"unique-{file_id}", **MEDIA[kind]}
        content: JSON = {kind: [media] if kind == "photo" else media}
        if params.get("caption"):
            content["caption"] = str(params["caption"])
        return await self._send(params, content)

    async def _api_copyMessage(self, params: JSON) -> JSON:
        source = self._messages.get((_int(params, "from_chat_id"), _int(params, "message_id")))
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        content = {key: value for key, value in source.items() if key not in METADATA}
        if "caption" in params and "text" not in content:  # a new caption; "" removes it
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if params["caption"]:
                content["caption"] = str(params["caption"])
        message = await self._send(params, content)
        return {"message_id": message["message_id"]}

    async def _send(self, params: JSON, content: JSON) -> JSON:
        """A new bot message with `content` in params["chat_id"], with its markup and reply."""
        chat_id = int(params["chat_id"])
        message: JSON = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
            **content,
        }
        replied = self._replied(chat_id, params)
        if replied is not None:
            message["reply_to_message"] = replied
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return await self._record(message)

    def _chat(self, chat_id: int) -> JSON:
        """The chat as users saw it; else private, or a supergroup for a negative id."""
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id < 0:
            return Group(chat_id, "Group").as_chat()
        return {"id": chat_id, "type": "private"}

    def _replied(self, chat_id: int, params: JSON) -> JSON | None:
        """The message that reply_parameters (or the older reply_to_message_id) answers.

        A missing one is refused like Telegram does, but only in chats users wrote in through
        `send`: in others (updates posted straight to the bot's webhook) the emulator cannot know
        the message, so the reply goes out unquoted."""
        reply: JSON = params.get("reply_parameters") or {}
        if not reply and params.get("reply_to_message_id"):
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply"),
            }
        if not reply:
            return None
        key = (int(reply.get("chat_id") or chat_id), int(reply["message_id"]))
        if key in self._messages:
            return _without_reply(self._messages[key])
        if reply.get("allow_sending_without_reply") in (True, "true") or key[0] not in self._chats:
            return None
        raise ApiError(400, "Bad Request: message to be replied not found")

    async def _api_editMessageText(self, params: JSON) -> JSON:
        return await self._edit(params, "text")

    async def _api_editMessageCaption(self, params: JSON) -> JSON:
        return await self._edit(params, "caption")

    async def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        return await self._edit(params, None)

    async def _edit(self, params: JSON, part: str | None) -> JSON:
        """The bot's message with a new text or caption (`part`, if any) and a new reply markup
        (none removes it, as in Telegram); recorded in `sent` again."""
        stored = self._messages.get((_int(params, "chat_id"), _int(params, "message_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if stored["from"]["id"] != BOT_USER["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        message = dict(stored)
        text = params.get(part or "", "")
        if isinstance(text, str) and telegram_length(text) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        if (
            part == "text"
            and text == stored.get("text")
            and params.get("reply_markup") == stored.get("reply_markup")
        ):
            raise ApiError(400, "Bad Request: message is not modified")
        if part is not None:
            if (part == "text") != ("text" in message):
                raise ApiError(400, f"Bad Request: there is no {part} in the message to edit")
            entities = "entities" if part == "text" else "caption_entities"
            for key in (part, entities):
                message.pop(key, None)
                if params.get(key):
                    message[key] = params[key]
        message["edit_date"] = int(time.time())
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return await self._record(message)

    async def _api_deleteMessage(self, params: JSON) -> bool:
        key = (_int(params, "chat_id"), _int(params, "message_id"))
        async with self._changed:
            message = self._messages.get(key)
            if message is None:
                raise ApiError(400, "Bad Request: message to delete not found")
            own = message["from"]["id"] == BOT_USER["id"]
            too_old = time.time() - message["date"] > DELETE_WITHIN_SECONDS
            if too_old or (key[0] < 0 and not own and not self.may_delete):
                raise ApiError(400, "Bad Request: message can't be deleted")
            del self._messages[key]
            self.deleted.append(key)
            self._changed.notify_all()
        return True

    async def _api_getChatMember(self, params: JSON) -> JSON:
        chat_id, user_id = _int(params, "chat_id"), _int(params, "user_id")
        if chat_id not in self.members and chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if user_id == BOT_USER["id"]:
            if not self.may_delete:
                return {"status": "member", "user": BOT_USER}
            return {"status": "administrator", "user": BOT_USER, **ADMIN_RIGHTS}
        user = self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "User"})
        status = "member" if user_id in self.members.get(chat_id, set()) else "left"
        return {"status": status, "user": user}

    async def _record(self, message: JSON) -> JSON:
        async with self._changed:
            self._messages[(message["chat"]["id"], message["message_id"])] = message
            self.sent.append(message)
            self._changed.notify_all()
        return message

    async def _api_answerCallbackQuery(self, params: JSON) -> bool:
        return True

    async def _api_setMyCommands(self, params: JSON) -> bool:
        key = _scope(params)
        if key is None:
            self.commands[params.get("language_code") or None] = params["commands"]
        else:
            self.scoped_commands[key] = params["commands"]
        return True

    async def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        key = _scope(params)
        if key is None:
            return self.commands.get(params.get("language_code") or None, [])
        return self.scoped_commands.get(key, [])

    async def _api_deleteMyCommands(self, params: JSON) -> bool:
        key = _scope(params)
        if key is None:
            self.commands.pop(params.get("language_code") or None, None)
        else:
            self.scoped_commands.pop(key, None)
        return True

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


def _int(params: JSON, name: str) -> int:
    """An id parameter; 0 (never a chat or a message) when absent."""
    return int(params.get(name) or 0)


def _without_reply(message: JSON) -> JSON:
    """`message` as a reply_to_message: Telegram does not nest replies further."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def _scope(params: JSON) -> tuple[str, str | None] | None:
    """The key of commands in `scoped_commands`; None for the default scope (in `commands`)."""
    scope = params.get("scope")
    if not scope or scope == {"type": "default"}:
        return None
    return json.dumps(scope, sort_keys=True), params.get("language_code") or None


def _error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code)


async def all_replies(emulator: Emulator, user: User) -> list[JSON]:
    """Everything the real bot sent `user`'s private chat for what they sent so far, with nothing
    left on its way: a /privacy is sent after it and answered only after all of it, because the
    bot handles one chat's updates one after the other. That answer is left out."""
    before = len(emulator.messages_to(user.id))

    def privacy_answered() -> list[JSON] | None:
        sent = emulator.messages_to(user.id)
        return sent if len(sent) > before and sent[-1].get("text") in PRIVACY_TEXTS else None

    await emulator.send(user, text="/privacy")
    return (await emulator.wait_for(privacy_answered))[:-1]


async def the_one_reply(emulator: Emulator, user: User) -> str:
    """The text of the one message the bot sent `user` for what they sent so far; fails if there
    is none or more than one."""
    replies = await all_replies(emulator, user)
    assert len(replies) == 1, [reply.get("text", "")[:60] for reply in replies]
    return str(replies[0]["text"])


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
    # A bot restarted against the same emulator is ready at its own first call, not its
    # predecessor's.
    calls_before = len(emulator.calls)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            # The model trained from the repository's data, not whatever is live on this machine.
            "MODEL_PATH": str(TRAINED_MODEL_PATH),
            **env,
        },
        stdout=log,
        stderr=log,
    )
    try:
        await emulator.wait_for_call(ready_when, timeout=120, since=calls_before)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:  # in a thread: the emulator in this event loop must keep answering meanwhile
            await asyncio.to_thread(process.wait, 60)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.asynccontextmanager
async def serving_a_bot(
    emulator: Emulator, env: dict[str, str], log_path: Path
) -> AsyncIterator[Emulator]:
    """`emulator` started, the real bot running against it with its log in `log_path`; on exit
    both stopped, and the bot must have stayed up and logged no traceback."""
    await emulator.start()
    try:
        with log_path.open("a") as log:  # a restarted bot's log follows the first one's
            async with bot_process(emulator, env, log) as process:
                yield emulator
                assert process.poll() is None, "the bot process died"
    finally:
        await emulator.stop()
    assert "Traceback" not in log_path.read_text()
