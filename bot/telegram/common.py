"""What every handler needs: the typed context, the assistant, and who wrote."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, filters

from bot.core.assistant import Assistant
from bot.settings import Settings
from bot.telegram.desk import StaffDesk
from bot.telegram.flood import FloodGuard


@dataclass
class BotData:
    """What the application shares between handlers (python-telegram-bot's `bot_data`), typed.
    Filled in by `app.build_application` and at start-up (`app._post_init`)."""

    settings: Settings | None = None
    # Opened at start-up unless a test passes one in.
    opened_assistant: Assistant | None = None
    # The staff group's desk; None without STAFF_CHAT_ID.
    desk: StaffDesk | None = None
    flood_guard: FloodGuard = field(default_factory=FloodGuard)
    # Matches the staff group; the desk changes its id in place when Telegram moves the group.
    staff_filter: filters.Chat | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    exit_stack: AsyncExitStack | None = None

    @property
    def assistant(self) -> Assistant:
        if self.opened_assistant is None:
            raise RuntimeError("The assistant is opened at start-up; no update comes before")
        return self.opened_assistant


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
# No job queue: the bot's periodic work runs as its own tasks (app.py).
BotApplication = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], BotData, None]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)


def user_of(update: Update) -> tuple[str, str | None]:
    """The chat id (our user id) and the phone's language."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None
    return str(chat.id), user.language_code if user else None


# Attribute of telegram.Message -> the kind we record; checked in this order.
MEDIA_KINDS = (
    "voice",
    "audio",
    "video_note",
    "video",
    "photo",
    "animation",
    "document",
    "sticker",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


def media_kind(message: Message) -> str:
    """What a message that is not text carries: "voice", "photo", "sticker"…, or "other"."""
    return next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), "other")
