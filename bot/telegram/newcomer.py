"""What newcomers see: commands, buttons, text and everything else a phone can send.

Every text is sent without a parse mode, so nothing a user writes (and nothing in our texts) can
break markup; Telegram still makes phone numbers and e-mail addresses tappable.
"""

from __future__ import annotations

import logging
from typing import cast

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.answers import Catalogue
from bot.assistant import RATED_INTENTS, Assistant, Incoming
from bot.flood import FLOOD_LIMIT, FLOOD_SECONDS, FloodGuard, Verdict
from bot.telegram import keyboards, staff
from bot.telegram.common import Context, assistant_of, user_of
from bot.telegram.keyboards import TOPICS, parse_callback

logger = logging.getLogger(__name__)

# Replies after which the topic buttons help the user go on.
TOPIC_BUTTONS_AFTER = {
    "start", "greet", "help", "fallback", "out_of_scope", "nlu_unavailable", "empty_message",
}  # fmt: skip
CONTACT_INTENT = "ask_contact"


def markup_after(catalogue: Catalogue, key: str, language: str) -> InlineKeyboardMarkup | None:
    """The buttons that go with a text: a map after the contact card, the topics after a greeting,
    help, or an answer that could not help; the languages and the confirmation where asked for."""
    if key == CONTACT_INTENT:
        return keyboards.map_link(catalogue, language)
    if key in TOPIC_BUTTONS_AFTER:
        return keyboards.topics(catalogue, language)
    if key == "choose_language":
        return keyboards.languages(catalogue)
    if key == "forget_confirm":
        return keyboards.forget_confirmation(catalogue, language)
    return None


async def send_text(message: Message, assistant: Assistant, key: str, language: str) -> None:
    catalogue = assistant.catalogue
    await message.reply_text(
        catalogue.render(key, language), reply_markup=markup_after(catalogue, key, language)
    )


async def flood_gate(update: Update, context: Context) -> None:
    """Runs before every other handler for newcomers' messages (see FloodGuard)."""
    message = update.effective_message
    assert message is not None  # the handler only runs for messages
    verdict = flood_guard_of(context).check(user_of(update)[0], message.date.timestamp())
    if verdict is Verdict.HANDLE:
        return
    if verdict is Verdict.WARN:  # once per window: a flood must not flood the log either
        logger.warning(
            "Flood limit: a user sends more than %d messages in %.0f s", FLOOD_LIMIT, FLOOD_SECONDS
        )
        await _reply_with(update, context, "slow_down")
    raise ApplicationHandlerStop


def flood_guard_of(context: Context) -> FloodGuard:
    return cast(FloodGuard, context.bot_data["flood_guard"])


async def start(update: Update, context: Context) -> None:
    """/start, also with a deep link `?start=<lang>` that pins the language."""
    assistant = assistant_of(context)
    if context.args and context.args[0] in assistant.catalogue.languages:
        await assistant.choose_language(user_of(update)[0], context.args[0])
    await _reply_with(update, context, "start")


async def language_command(update: Update, context: Context) -> None:
    """/language: the eight languages in their own names."""
    await _reply_with(update, context, "choose_language")


async def contact_command(update: Update, context: Context) -> None:
    """/contact: the contact card and a map link."""
    await _reply_with(update, context, CONTACT_INTENT)


async def help_command(update: Update, context: Context) -> None:
    """/help, and any command the bot does not know."""
    await _reply_with(update, context, "help")


async def privacy_command(update: Update, context: Context) -> None:
    """/privacy: what is stored, for how long, how to delete it."""
    await _reply_with(update, context, "privacy")


async def forget_command(update: Update, context: Context) -> None:
    """/forget: asks for confirmation first."""
    await _reply_with(update, context, "forget_confirm")


async def _reply_with(update: Update, context: Context, key: str) -> None:
    assistant = assistant_of(context)
    user_id, ui_language = user_of(update)
    language = await assistant.reply_language(user_id, ui_language)
    assert update.effective_message is not None
    await send_text(update.effective_message, assistant, key, language)


async def button(update: Update, context: Context) -> None:
    """A press on one of our inline buttons."""
    query = update.callback_query
    assert query is not None
    assistant = assistant_of(context)
    callback = parse_callback(query.data, assistant.catalogue.codes)
    await query.answer()
    if callback is None or not isinstance(query.message, Message):
        logger.info("Ignored unknown button data")
        return
    user_id, ui_language = user_of(update)
    if callback.kind == "lang":
        await assistant.choose_language(user_id, callback.value)
    language = await assistant.reply_language(user_id, ui_language)
    catalogue = assistant.catalogue
    message = query.message
    if callback.kind == "topic":
        await send_text(message, assistant, TOPICS[callback.value], language)
    elif callback.kind == "menu":
        await send_text(message, assistant, "choose_language", language)
    elif callback.kind == "lang":
        await message.edit_text(catalogue.render("language_set", language))
        await send_text(message, assistant, "start", language)
    elif callback.value == "yes":
        deleted = await assistant.store.forget_user(user_id)
        await message.edit_text(catalogue.render("forgotten", language))
        await staff.redact_posts(context, deleted.posts)
    else:
        await message.edit_text(catalogue.render("forget_cancelled", language))


async def text(update: Update, context: Context) -> None:
    """A question in words: the assistant's answer in the reply language."""
    message = update.effective_message
    assert message is not None and message.text is not None
    user_id, ui_language = user_of(update)
    assistant = assistant_of(context)
    reply = await assistant.handle(Incoming(message.text, user_id, ui_language))
    markup = markup_after(assistant.catalogue, reply.reason, reply.reply_language)
    rated = reply.answered and reply.intent in RATED_INTENTS
    if rated:
        markup = keyboards.with_feedback(markup, reply.intent, reply.confidence)
    # A rated answer quotes the question: a 👎 then finds its text in Telegram, not in our store.
    # (If the question was deleted meanwhile, the answer goes out unquoted rather than failing.)
    quote = message.build_reply_arguments(allow_sending_without_reply=True) if rated else False
    await message.reply_text(reply.text, reply_markup=markup, do_quote=quote)
    await staff.post_after_reply(context, reply.question_id)


async def feedback(update: Update, context: Context) -> None:
    """👍 or 👎 under an answer: counted; a 👎 sends the question to the office's team."""
    query = update.callback_query
    assert query is not None
    assistant = assistant_of(context)
    parsed = keyboards.parse_feedback(query.data, RATED_INTENTS)
    message = query.message
    if parsed is None or not isinstance(message, Message) or message.chat.type != ChatType.PRIVATE:
        logger.info("Ignored unknown feedback data")
        await query.answer()
        return
    user_id, ui_language = user_of(update)
    question = message.reply_to_message.text if message.reply_to_message else None
    question_id = await assistant.feedback(
        user_id, parsed.helpful, parsed.intent, parsed.confidence, question
    )
    language = await assistant.reply_language(user_id, ui_language)
    catalogue = assistant.catalogue
    await query.answer(catalogue.render("feedback_thanks", language) if parsed.helpful else None)
    # One vote per answer: the thumbs go, the other buttons (a map link) stay.
    await message.edit_reply_markup(markup_after(catalogue, parsed.intent, language))
    if not parsed.helpful:
        await message.reply_text(catalogue.render("feedback_passed_on", language))
        await staff.post_after_reply(context, question_id)


# Attribute of telegram.Message -> the kind we record; checked in this order.
MEDIA_KINDS = (
    "voice", "audio", "video_note", "video", "photo", "animation", "document", "sticker",
    "location", "venue", "contact", "poll", "dice",
)  # fmt: skip


async def non_text(update: Update, context: Context) -> None:
    """Voice notes, photos, stickers, locations…: the bot reads text; voice and photos are kept."""
    message = update.effective_message
    assert message is not None
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    attachment = message.effective_attachment
    if isinstance(attachment, tuple):  # photos come in several sizes: keep the largest
        attachment = attachment[-1] if attachment else None
    file_id = getattr(attachment, "file_id", None)
    user_id, ui_language = user_of(update)
    reply = await assistant_of(context).handle_media(user_id, ui_language, kind, file_id)
    await message.reply_text(reply.text)
    await staff.post_after_reply(context, reply.question_id)
