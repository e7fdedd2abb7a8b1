"""Terminal entry points on the same assistant as the Telegram bot: a chat, and JSON lines."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any, TextIO

from bot.core.assistant import Assistant, Incoming, Reply
from bot.runtime import running_assistant
from bot.settings import Settings

CHAT_USER = "terminal"
CHAT_BANNER = (
    "Chat with the integration office's assistant – write in any of its languages.\n"
    "Schreiben Sie in Ihrer Sprache. Ctrl-D (or an empty line twice) ends the chat.\n"
)


async def chat(settings: Settings) -> None:
    """A conversation in the terminal, remembered like a Telegram user's."""
    async with running_assistant(settings) as assistant:
        print(CHAT_BANNER)
        empty_lines = 0
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                print()
                return
            empty_lines = empty_lines + 1 if not line.strip() else 0
            if empty_lines >= 2:
                return
            reply = await assistant.handle(Incoming(line, user_id=CHAT_USER))
            print(f"\nbot [{reply.reply_language}]> {reply.text}\n")


def reply_as_json(reply: Reply) -> dict[str, Any]:
    """The stable JSON-lines output format (see README: `python -m bot ask --jsonl`)."""
    return {
        "language": reply.language,
        "reply_language": reply.reply_language,
        "intent": reply.intent,
        "confidence": round(reply.confidence, 4),
        "answered": reply.answered,
        "answer": reply.text,
    }


def parse_request(line: str) -> Incoming:
    request = json.loads(line)
    if not isinstance(request, dict) or not isinstance(request.get("text"), str):
        raise ValueError('each line must be a JSON object with a "text" string')
    ui_language = request.get("ui_language")
    user = request.get("user")
    return Incoming(
        text=request["text"],
        user_id=None if user is None else str(user),
        ui_language=ui_language if isinstance(ui_language, str) else None,
    )


async def answer_lines(assistant: Assistant, source: TextIO, sink: TextIO) -> int:
    """Answer each JSON line of `source` with one JSON line on `sink`; returns the error count.

    A malformed line gets `{"error": ...}` so that output lines stay aligned with input lines.
    """
    errors = 0
    while line := await asyncio.to_thread(source.readline):
        if not line.strip():
            continue
        try:
            output: dict[str, Any] = reply_as_json(await assistant.handle(parse_request(line)))
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            errors += 1
            output = {"error": str(error)}
        sink.write(json.dumps(output, ensure_ascii=False) + "\n")
        sink.flush()
    return errors


async def ask_jsonl(settings: Settings, database: str | None) -> int:
    async with running_assistant(settings, database) as assistant:
        return await answer_lines(assistant, sys.stdin, sys.stdout)
