"""The Telegram handlers offline: real Application and handlers, updates fed with process_update,
Bot API calls recorded by a fake HTTP client (nothing leaves the process)."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.core.assistant import Assistant
from bot.core.nlu import NluResult
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.flood import FLOOD_LIMIT
from tests.conftest import ScriptedNlu
from tests.telegram_emulator import BOT_USER, TEST_TOKEN, User


class RecordingRequest(BaseRequest):
    """Answers the Bot API like Telegram would and records each call; any other method fails."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((name, params))
        if name == "getMe":
            result: Any = BOT_USER
        elif name in ("sendMessage", "editMessageText"):
            chat_id = int(str(params["chat_id"]))
            result = {
                "message_id": next(self._ids), "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private"}, "text": params["text"],
            }  # fmt: skip
        elif name == "answerCallbackQuery":
            result = True
        else:
            return 404, json.dumps({"ok": False, "error_code": 404, "description": name}).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self) -> list[str]:
        return [
            str(p["text"]) for name, p in self.calls if name in ("sendMessage", "editMessageText")
        ]


@pytest.fixture
async def bot(
    make_assistant: Any,
) -> AsyncIterator[tuple[Application, RecordingRequest, ScriptedNlu, Assistant]]:  # type: ignore[type-arg]
    nlu = ScriptedNlu()
    assistant: Assistant = make_assistant(nlu)
    request = RecordingRequest()
    settings = Settings(telegram_bot_token=TEST_TOKEN, no_staff_group=True)
    application = build_application(settings, assistant, request)
    await application.initialize()
    yield application, request, nlu, assistant
    await application.shutdown()


_update_ids = itertools.count(1)


async def deliver(application: Application, payload: dict[str, Any]) -> None:  # type: ignore[type-arg]
    update = Update.de_json({"update_id": next(_update_ids), **payload}, application.bot)
    await application.process_update(update)


def message(user: User, **content: Any) -> dict[str, Any]:
    body = {
        "message_id": next(_update_ids), "date": int(time.time()), "chat": user.private_chat(),
        "from": user.as_json(), **content,
    }  # fmt: skip
    text = content.get("text", "")
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": body}


async def test_a_german_word_from_an_arabic_phone_is_answered_in_arabic(bot: Any) -> None:
    application, request, nlu, assistant = bot
    nlu.results["Deutschkurs?"] = NluResult("ask_language_course", 0.9)
    await deliver(application, message(User(1, "ar"), text="Deutschkurs?"))
    assert request.sent() == [assistant.catalogue.render("ask_language_course", "ar")]


async def test_an_unknown_command_gets_help(bot: Any) -> None:
    application, request, _, assistant = bot
    await deliver(application, message(User(2, "tr"), text="/weather"))
    assert request.sent() == [assistant.catalogue.render("help", "tr")]


async def test_a_failing_handler_is_answered_politely_and_the_bot_goes_on(bot: Any) -> None:
    application, request, nlu, assistant = bot

    async def broken(text: str) -> NluResult:
        raise RuntimeError("model exploded")

    nlu.parse = broken
    user = User(3, "fr")
    await deliver(application, message(user, text="Bonjour, une question"))
    assert request.sent() == [assistant.catalogue.render("error", "fr")]
    await deliver(application, message(user, text="/privacy"))
    assert request.sent()[-1] == assistant.catalogue.render("privacy", "fr")


async def test_a_pdf_is_kept_for_staff_with_its_file_id(bot: Any) -> None:
    application, request, _, assistant = bot
    document = {
        "file_id": "BQACAgIAAxk", "file_unique_id": "d1", "file_name": "Bescheid.pdf",
        "mime_type": "application/pdf", "file_size": 120_000,
    }  # fmt: skip
    await deliver(application, message(User(4, "uk"), document=document))
    assert request.sent() == [assistant.catalogue.render("non_text_kept", "uk")]
    [question] = await assistant.store.questions()
    assert (question.media_kind, question.media_file_id) == ("document", "BQACAgIAAxk")


async def test_other_files_are_not_passed_on(bot: Any) -> None:
    application, request, _, assistant = bot
    archive = {"file_id": "BQAC", "file_unique_id": "d2", "file_name": "a.zip",
               "mime_type": "application/zip", "file_size": 1000}  # fmt: skip
    await deliver(application, message(User(6, "uk"), document=archive))
    assert request.sent() == [assistant.catalogue.render("file_not_passed_on", "uk")]
    assert await assistant.store.questions() == []


async def test_every_message_goes_without_a_link_preview(bot: Any) -> None:
    application, request, nlu, _ = bot
    nlu.results["https://example.org"] = NluResult("out_of_scope", 0.9)
    await deliver(application, message(User(7, "en"), text="https://example.org"))
    [params] = [params for method, params in request.calls if method == "sendMessage"]
    assert params["link_preview_options"] == {"is_disabled": True}


async def test_edits_and_button_presses_pass_the_flood_guard_too(bot: Any) -> None:
    application, request, nlu, assistant = bot
    nlu.default = NluResult("out_of_scope", 0.9)
    user = User(8, "de")
    first = message(user, text="Wo ist das Jobcenter?")
    await deliver(application, first)
    for n in range(12):  # the same message edited again and again
        edited = {**first["message"], "text": f"Wo ist das Jobcenter {n}?",
                  "edit_date": int(time.time())}  # fmt: skip
        await deliver(application, {"edited_message": edited})
    sent = request.sent()
    assert sent.count(assistant.catalogue.render("slow_down", "de")) == 1
    assert len(sent) == 1 + FLOOD_LIMIT  # the message and 7 edits answered, one warning
    presses = len(request.calls)
    bot_message = {**first["message"], "from": BOT_USER}
    for _ in range(5):
        await deliver(application, {"callback_query": {
            "id": "c", "from": user.as_json(), "chat_instance": "i", "message": bot_message,
            "data": "topic:contact"}})  # fmt: skip
    answered = [c for c in request.calls[presses:] if c[0] == "sendMessage"]
    assert answered == []  # still over the limit: no answer to a button either


async def test_group_messages_are_not_answered(bot: Any) -> None:
    application, request, _, _ = bot
    user = User(5, "de")
    group = {"id": -100123, "type": "supergroup", "title": "Some group"}
    payload = message(user, text="Hallo")
    payload["message"]["chat"] = group
    await deliver(application, payload)
    assert request.sent() == []
