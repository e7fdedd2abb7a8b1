"""What newcomers see: commands, buttons, text and everything else a phone can send.

Every text is sent without a parse mode, so nothing a user writes (and nothing in our texts) can
break markup; Telegram still makes phone numbers and e-mail addresses tappable. Link previews are
off for every message (app.py), so no text shows a stranger's page.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core.assistant import RATED_INTENTS, Assistant, Incoming, Media, question_summary
from bot.core.store import UserData
from bot.telegram import keyboards
from bot.telegram.common import Context, media_kind, user_of
from bot.telegram.flood import FLOOD_LIMIT, FLOOD_SECONDS, Verdict
from bot.telegram.keyboards import TOPICS
from bot.telegram.limits import split_for_telegram
from bot.telegram.staff import wake_desk

logger = logging.getLogger(__name__)

# Replies after which the topic buttons help the user go on.
TOPIC_BUTTONS_AFTER = {
    "start",
    "greet",
    "help",
    "nlu_fallback",
    "out_of_scope",
    "empty_message",
}
CONTACT_INTENT = "ask_contact"


def markup_after(assistant: Assistant, key: str, language: str) -> InlineKeyboardMarkup | None:
    """The buttons that go with a text: a map after the contact card, the topics after a greeting,
    help, or an answer that could not help; the languages and the confirmation where asked for."""
    catalogue = assistant.catalogue
    if key == CONTACT_INTENT:
        return keyboards.map_link(catalogue, language)
    if key in TOPIC_BUTTONS_AFTER:
        return keyboards.topics(catalogue, language)
    if key in ("choose_language", "unsupported_language"):
        return keyboards.languages(catalogue)
    if key == "forget_confirm":
        return keyboards.forget_confirmation(catalogue, language)
    return None


async def send_text(message: Message, assistant: Assistant, key: str, language: str) -> None:
    await message.reply_text(
        assistant.text(key, language), reply_markup=markup_after(assistant, key, language)
    )


async def flood_gate(update: Update, context: Context) -> None:
    """Runs before every other handler, for every update from a private chat: new and edited
    messages and button presses alike (see FloodGuard)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    message = update.message or update.edited_message
    if message is not None:
        sent_at = (message.edit_date or message.date).timestamp()
    else:  # a button press carries no time of its own: it is now
        sent_at = time.time()
    user_id = user_of(update)[0]
    verdict = context.bot_data.flood_guard.check(user_id, sent_at)
    if verdict is Verdict.HANDLE:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if verdict is Verdict.WARN:  # once per window: a flood must not flood the log either
        logger.warning(
            "Flood limit: a user sends more than %d updates in %.0f s", FLOOD_LIMIT, FLOOD_SECONDS
        )
        await _reply_with(update, context, "slow_down")
    raise ApplicationHandlerStop


async def start(update: Update, context: Context) -> None:
    """/start, also with a deep link `?start=<lang>` that pins the language."""
    assistant = context.bot_data.assistant
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
    """/privacy: who is responsible, what is stored, for how long, who sees it, the rights."""
    await _reply_with(update, context, "privacy")


async def mydata_command(update: Update, context: Context) -> None:
    """/mydata: everything stored about the user, in their language (GDPR Art. 15)."""
    assistant = context.bot_data.assistant
    language = await _language(update, context)
    message = update.effective_message
    assert message is not None
    data = await assistant.user_data(user_of(update)[0])
    for part in split_for_telegram(render_user_data(assistant, data, language)):
        await message.reply_text(part)


def render_user_data(assistant: Assistant, data: UserData, language: str) -> str:
    catalogue = assistant.catalogue
    if data.empty:
        return catalogue.render("mydata_empty", language)
    isolate = catalogue.isolator(language)
    statuses = {
        s: catalogue.render(f"status_{s}", language) for s in ("open", "answered", "dismissed")
    }
    questions = [
        catalogue.fill(
            "mydata_question",
            language,
            number=str(q.id),
            date=isolate(q.created_at[:10]),
            status=statuses.get(q.status, q.status),
            text=question_summary(q),
        )
        for q in data.questions
    ]
    how = "language_chosen" if data.language and data.language.chosen else "language_detected"
    code = data.language.language if data.language else catalogue.fallback
    # Questions kept from before the staff group was switched off are still shown.
    return catalogue.fill(
        "mydata" if questions else assistant.key("mydata"),
        language,
        chat_id=isolate(data.user_id),
        language=catalogue.languages[code].name if code in catalogue.languages else code,
        language_how=catalogue.render(how, language),
        last_seen=isolate((data.last_seen or "")[:10]),
        questions="\n".join(questions) or catalogue.render("mydata_no_questions", language),
    )


async def forget_command(update: Update, context: Context) -> None:
    """/forget: asks for confirmation first."""
    await _reply_with(update, context, "forget_confirm")


async def _reply_with(update: Update, context: Context, key: str) -> None:
    assert update.effective_message is not None
    language = await _language(update, context)
    await send_text(update.effective_message, context.bot_data.assistant, key, language)


# A newcomer's button handler, given the message under the button and the button's value.
PressHandler = Callable[[Update, Context, Message, str], Coroutine[Any, Any, None]]


def private_press(handler: PressHandler) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Acknowledges the press; calls `handler` with the message under the button and the value
    after "kind:" if the press came from a private chat, and ignores it anywhere else."""

    @functools.wraps(handler)
    async def handle(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None  # routed by a pattern on the data
        await query.answer()
        message = query.message
        if not isinstance(message, Message) or message.chat.type != ChatType.PRIVATE:
            logger.info("Ignored a newcomer button outside a private chat")
            return
        await handler(update, context, message, query.data.split(":", 1)[1])

    return handle


@private_press
async def topic_button(update: Update, context: Context, message: Message, topic: str) -> None:
    """A topic button (keyboards.TOPIC_PRESS): that topic's answer."""
    language = await _language(update, context)
    await send_text(message, context.bot_data.assistant, TOPICS[topic], language)


@private_press
async def language_menu_button(update: Update, context: Context, message: Message, _: str) -> None:
    """The "language" button under the topics (keyboards.LANGUAGE_MENU_PRESS): the languages."""
    language = await _language(update, context)
    await send_text(message, context.bot_data.assistant, "choose_language", language)


@private_press
async def language_button(update: Update, context: Context, message: Message, code: str) -> None:
    """One of the eight languages (keyboards.LANGUAGE_PRESS): kept until changed again."""
    assistant = context.bot_data.assistant
    await assistant.choose_language(user_of(update)[0], code)
    await message.edit_text(assistant.text("language_set", code))
    await send_text(message, assistant, "start", code)


@private_press
async def forget_button(update: Update, context: Context, message: Message, choice: str) -> None:
    """The answer to "delete everything?" (keyboards.FORGET_PRESS)."""
    assistant = context.bot_data.assistant
    language = await _language(update, context)
    if choice == "yes":
        await assistant.forget(user_of(update)[0])
        wake_desk(context)  # the staff group loses the questions' posts now
        await message.edit_text(assistant.text("forgotten", language))
    else:
        await message.edit_text(assistant.text("forget_cancelled", language))


async def unknown_button(update: Update, context: Context) -> None:
    """Callback data none of our patterns know: forged, or from an older version of the bot."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    logger.info("Ignored unknown button data")


async def _language(update: Update, context: Context) -> str:
    user_id, ui_language = user_of(update)
    return await context.bot_data.assistant.reply_language(user_id, ui_language)


async def text(update: Update, context: Context) -> None:
    """A question in words (or an edit of one): the assistant's answer in the reply language."""
    message = update.effective_message
    assert message is not None and message.text is not None
    user_id, ui_language = user_of(update)
    assistant = context.bot_data.assistant
    reply = await assistant.handle(
        Incoming(message.text, user_id, ui_language, message_id=message.message_id)
    )
    if reply.question_id is not None:
        wake_desk(context)
    markup = markup_after(assistant, reply.key, reply.reply_language)
    rated = reply.answered and reply.intent in RATED_INTENTS
    if rated:
        markup = keyboards.with_feedback(markup, reply.intent, reply.confidence)
    # A rated answer quotes the question: a 👎 then finds its text in Telegram, not in our store.
    # (If the question was deleted meanwhile, the answer goes out unquoted rather than failing.)
    quote = message.build_reply_arguments(allow_sending_without_reply=True) if rated else False
    await message.reply_text(reply.text, reply_markup=markup, do_quote=quote)


async def feedback(update: Update, context: Context) -> None:
    """👍 or 👎 under an answer: counted; a 👎 sends the question to the office's team."""
    query = update.callback_query
    assert query is not None
    assistant = context.bot_data.assistant
    parsed = keyboards.parse_feedback(query.data, RATED_INTENTS)
    message = query.message
    if parsed is None or not isinstance(message, Message) or message.chat.type != ChatType.PRIVATE:
        logger.info("Ignored unknown feedback data")
        await query.answer()
        return
    question = message.reply_to_message.text if message.reply_to_message else None
    reply = await assistant.feedback(
        user_of(update)[0], parsed.helpful, parsed.intent, parsed.confidence, question
    )
    language = await _language(update, context)
    await query.answer(assistant.text("feedback_thanks", language) if reply is None else None)
    # One vote per answer: the thumbs go, the other buttons (a map link) stay.
    await message.edit_reply_markup(markup_after(assistant, parsed.intent, language))
    if reply is not None:
        if reply.question_id is not None:
            wake_desk(context)
        await message.reply_text(reply.text)


def media_of(message: Message) -> Media:
    kind = media_kind(message)
    attachment = message.effective_attachment
    if isinstance(attachment, tuple):  # photos come in several sizes: keep the largest
        attachment = attachment[-1] if attachment else None
    return Media(
        kind,
        file_id=getattr(attachment, "file_id", None),
        size=getattr(attachment, "file_size", None),
        mime_type=getattr(attachment, "mime_type", None),
    )


async def non_text(update: Update, context: Context) -> None:
    """Voice notes, photos, files, stickers, locations…: the bot reads text; voice notes, photos
    and PDFs are passed on to the team."""
    message = update.effective_message
    assert message is not None
    user_id, ui_language = user_of(update)
    reply = await context.bot_data.assistant.handle_media(user_id, ui_language, media_of(message))
    if reply.question_id is not None:
        wake_desk(context)
    await message.reply_text(reply.text)
