"""What every handler needs: the context type, the assistant, and who wrote."""

from __future__ import annotations

from typing import cast

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.assistant import Assistant

Context = ContextTypes.DEFAULT_TYPE


def assistant_of(context: Context) -> Assistant:
    return cast(Assistant, context.bot_data["assistant"])


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
