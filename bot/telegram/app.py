"""Builds the Telegram application from the settings: one place for handlers and start-up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from functools import partial
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.core.assistant import Assistant, phone_language
from bot.health import HEARTBEAT_EVERY_SECONDS, beat
from bot.runtime import running_assistant
from bot.settings import Settings, SettingsError
from bot.telegram import keyboards, newcomer, staff
from bot.telegram.common import CONTEXT_TYPES, BotApplication, BotData, Context, user_of
from bot.telegram.desk import StaffDesk
from bot.telegram.ordering import PerChatUpdateProcessor
from bot.telegram.retrying import RetryingRateLimiter
from bot.telegram.staff_texts import StaffTexts

logger = logging.getLogger(__name__)

COMMANDS = ("start", "language", "contact", "help", "privacy", "mydata", "forget")
# Expired questions, users, media and inbox pages are looked for this often (and at start).
HOUSEKEEPING_EVERY_SECONDS = 3600
# How often the bot looks for a newly promoted model file (in-process model only).
MODEL_CHECK_SECONDS = 5
# Chats handled at the same time (each chat's own messages stay in order).
CONCURRENT_UPDATES = 16


def build_application(
    settings: Settings, assistant: Assistant | None = None, request: BaseRequest | None = None
) -> BotApplication:
    """The bot, ready to run. Without `assistant`, one is opened at start-up from `settings`;
    `request` replaces the HTTP client (tests record the Bot API calls offline)."""
    if not settings.telegram_bot_token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set: ask @BotFather for a token")
    if settings.staff_chat_id is None and not settings.no_staff_group:
        raise SettingsError(
            "STAFF_CHAT_ID is not set: the bot promises newcomers that a person answers what it "
            "cannot, and that person reads the office's Telegram group (docs/staff-guide.md says "
            "how to find its id). To run without a group, set STAFF_CHAT_ID=off: then no text "
            "promises an answer from a person, and no question is stored."
        )
    # ExtBot[Any]: with the rate limiter the bot's type becomes ExtBot[int].
    builder: ApplicationBuilder[
        ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], BotData, None
    ] = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .job_queue(None)
        .token(settings.telegram_bot_token)
        # No link previews anywhere: a text with a URL must not show a stranger's page.
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
    )
    if settings.rate_limit:
        # Telegram's flood limits (429 with retry_after) and network hiccups: wait and retry.
        builder = builder.rate_limiter(RetryingRateLimiter(max_retries=3))
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    if request is not None:
        builder = builder.request(request)
    application = builder.build()
    application.bot_data.settings = settings
    application.bot_data.opened_assistant = assistant
    add_handlers(application, settings.staff_chat_id)
    return application


def add_handlers(application: BotApplication, staff_chat_id: int | None = None) -> None:
    """Newcomers talk to the bot in private chats, the office's team in its group; the order
    below is the order of matching."""
    if staff_chat_id is not None:
        # One filter object: when Telegram moves the group, the desk changes its id in place.
        in_staff_group = filters.Chat(staff_chat_id)
        application.bot_data.staff_filter = in_staff_group
        for name, callback in (
            ("inbox", staff.inbox_command),
            ("stats", staff.stats_command),
            ("help", staff.help_command),
        ):
            application.add_handler(CommandHandler(name, callback, filters=in_staff_group))
        application.add_handler(
            # New messages only: an edited reply would reach the newcomer a second time.
            MessageHandler(
                in_staff_group & filters.UpdateType.MESSAGE & filters.REPLY & ~filters.COMMAND,
                staff.reply,
            )
        )
        for kind, callback in (
            ("label", staff.label_button),
            ("inbox", staff.inbox_button),
            ("media", staff.media_button),
        ):
            application.add_handler(CallbackQueryHandler(callback, pattern=f"{kind}:"))
        # A group that becomes a supergroup gets a new id: the bot follows it.
        application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, staff.migrated))
    application.add_handler(CallbackQueryHandler(newcomer.feedback, pattern=r"^fb:"))
    private = filters.ChatType.PRIVATE
    # First, in a group of its own: every update from a private chat (messages, edits, button
    # presses) passes the flood guard; a newcomer sending too much is slowed down.
    application.add_handler(TypeHandler(Update, newcomer.flood_gate), group=-1)
    for name, callback in (
        ("start", newcomer.start),
        ("language", newcomer.language_command),
        ("contact", newcomer.contact_command),
        ("help", newcomer.help_command),
        ("privacy", newcomer.privacy_command),
        ("mydata", newcomer.mydata_command),
        ("forget", newcomer.forget_command),
    ):
        application.add_handler(CommandHandler(name, callback, filters=private))
    for pattern, on_press in (
        (keyboards.TOPIC_PRESS, newcomer.topic_button),
        (keyboards.LANGUAGE_MENU_PRESS, newcomer.language_menu_button),
        (keyboards.LANGUAGE_PRESS, newcomer.language_button),
        (keyboards.FORGET_PRESS, newcomer.forget_button),
    ):
        application.add_handler(CallbackQueryHandler(on_press, pattern=pattern))
    application.add_handler(CallbackQueryHandler(newcomer.unknown_button))
    # A command we do not know gets the help text, not a guess.
    application.add_handler(MessageHandler(private & filters.COMMAND, newcomer.help_command))
    application.add_handler(MessageHandler(private & filters.TEXT, newcomer.text))
    # Everything else a phone can send: voice, photos, stickers, locations, contacts, files…
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, newcomer.non_text)
    )
    application.add_error_handler(on_error)


async def on_error(update: object, context: Context) -> None:
    """Log the error, tell the user politely (with the office's contact details), keep going."""
    error = context.error
    if isinstance(error, sqlite3.Error):
        # Locked, read-only, disk full, corrupt: say so plainly; the traceback adds nothing.
        logger.error("Database unavailable (%s: %s): answering with the contact details",
                     type(error).__name__, error)  # fmt: skip
    elif isinstance(error, TelegramError):
        logger.error("Telegram API error: %s: %s", type(error).__name__, error)
    else:
        logger.error("Error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    assistant = context.bot_data.opened_assistant
    if assistant is None:
        return
    user_id, ui_language = user_of(update)
    try:
        language = await assistant.reply_language(user_id, ui_language)
    except sqlite3.Error:  # the database may be what failed: the phone's language, then German
        language = phone_language(ui_language)
    with contextlib.suppress(TelegramError):  # the error may be that Telegram cannot be reached
        await context.bot.send_message(update.effective_chat.id, assistant.text("error", language))


async def _post_init(application: BotApplication) -> None:
    shared = application.bot_data
    settings = shared.settings
    assert settings is not None, "build_application sets it"
    if shared.opened_assistant is None:
        shared.exit_stack = AsyncExitStack()
        shared.opened_assistant = await shared.exit_stack.enter_async_context(
            running_assistant(settings, staff=settings.staff_chat_id is not None)
        )
    assistant = shared.assistant
    missing = assistant.catalogue.missing_privacy_facts()
    if missing:
        logger.warning(
            "data/privacy.yml: %s not filled in yet; /privacy tells people to ask the office. "
            "The city's data-protection officer fills these in before launch.",
            ", ".join(missing),
        )
    await register_commands(application, assistant)
    tasks = [
        _every(MODEL_CHECK_SECONDS, assistant.reload_model_if_changed),
        # Proof of life for `python -m bot health`: the event loop still runs its jobs.
        _every(HEARTBEAT_EVERY_SECONDS, partial(asyncio.to_thread, beat, settings)),
    ]
    desk = None
    if settings.staff_chat_id is not None:
        desk = StaffDesk(
            application.bot,
            settings.staff_chat_id,
            assistant.store,
            StaffTexts(),
            shared.staff_filter,
        )
        shared.desk = desk
        await desk.start()
        tasks.append(desk.run())
    housekeeping_job = partial(housekeeping, assistant, desk, settings.retention_days)
    tasks.append(_every(HOUSEKEEPING_EVERY_SECONDS, housekeeping_job))
    shared.tasks = [asyncio.create_task(task) for task in tasks]
    logger.info("Bot ready")


async def _post_shutdown(application: BotApplication) -> None:
    shared = application.bot_data
    tasks, shared.tasks = shared.tasks, []
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    stack, shared.exit_stack = shared.exit_stack, None
    if stack is not None:
        await stack.aclose()


async def register_commands(application: BotApplication, assistant: Assistant) -> None:
    """The command menu in every language (German for phones set to other languages)."""
    catalogue = assistant.catalogue

    def commands(language: str) -> list[BotCommand]:
        return [
            BotCommand(name, catalogue.render(f"command_{name}", language)) for name in COMMANDS
        ]

    await application.bot.set_my_commands(commands(catalogue.fallback))
    for code in catalogue.codes:
        await application.bot.set_my_commands(commands(code), language_code=code)


async def housekeeping(assistant: Assistant, desk: StaffDesk | None, days: int) -> None:
    """Privacy: questions older than RETENTION_DAYS and users who have not written for as long
    are deleted; what the staff group shows of them, and media and inbox pages older than a day,
    leave the group."""
    await assistant.delete_expired(days)
    if desk is not None:
        await desk.expire()
        desk.wake()


async def _every(seconds: float, job: Callable[[], Awaitable[object]]) -> None:
    """Run `job` now and then every `seconds`; an error is logged and the next round comes."""
    while True:
        try:
            await job()
        except Exception:
            logger.exception("Background job %r failed; trying again later", job)
        await asyncio.sleep(seconds)


def run(settings: Settings) -> None:
    """Long polling, or a webhook when WEBHOOK_URL is set (its secret checked on every request)."""
    application = build_application(settings)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
