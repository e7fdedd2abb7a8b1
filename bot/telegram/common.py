"""What every handler needs: the context type, the assistant, and who wrote."""

from __future__ import annotations

from typing import cast

from telegram import Update
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
