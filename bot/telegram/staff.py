"""The office's team in its Telegram group (STAFF_CHAT_ID): a reply to a question's post goes to
the newcomer; buttons label the question for training or show its attachment again; /inbox and
/stats give an overview. What the bot posts there on its own comes from the desk (desk.py).

Only members of that group can do anything here: commands count only inside the group, and every
button press is checked against the group's member list (callback data can be forged).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core.store import CONFIRMATION, OPEN, STAFF_REPLY, Question, utc_now
from bot.telegram.common import Context, media_kind
from bot.telegram.desk import StaffDesk
from bot.telegram.limits import MAX_MESSAGE_LENGTH, telegram_length
from bot.telegram.staff_texts import INBOX_PAGE_SIZE, page_count
from bot.telegram.stats_chart import Week, chart

logger = logging.getLogger(__name__)

# /stats draws the last eight calendar weeks.
CHART_WEEKS = 8
# Callback data: a kind, then numbers of at most nine ASCII digits (no "²", no "١").
_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class StaffCallback:
    kind: str  # "label", "inbox" or "media"
    number: int  # the question (label, media), or the page (inbox)
    value: str  # the label; "" otherwise


def parse_staff_callback(data: str | None, labels: set[str]) -> StaffCallback | None:
    """`label:<question>:<label>`, `inbox:<page>` or `media:<question>`; anything else (forged,
    stale) is None."""
    parts = (data or "").split(":")
    if len(parts) < 2 or not _NUMBER.fullmatch(parts[1]):
        return None
    if len(parts) == 3 and parts[0] == "label" and parts[2] in labels:
        return StaffCallback("label", int(parts[1]), parts[2])
    if len(parts) == 2 and parts[0] in ("inbox", "media"):
        return StaffCallback(parts[0], int(parts[1]), "")
    return None


def desk_of(context: Context) -> StaffDesk:
    """The desk; staff handlers are only added with a staff group (app.add_handlers)."""
    desk = context.bot_data.desk
    assert desk is not None
    return desk


def staff_name(message: Message) -> str:
    """Who answered: the name shown in the group (an anonymous admin shows as the group)."""
    if message.sender_chat is not None:
        return message.sender_chat.title or "Team"
    return message.from_user.full_name if message.from_user else "Team"


async def reply(update: Update, context: Context) -> None:
    """A message in the staff group that replies to one of the bot's posts: the answer goes to
    the newcomer, introduced in their language; the group hears whether it arrived, and keeps the
    answer's text in the bot's own confirmation (the bot can empty that one at any age; the staff
    member's message itself leaves the group after 24 hours, see desk.py)."""
    message = update.effective_message
    assert message is not None
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    desk = desk_of(context)
    question = await desk.store.question_shown_by(message.chat.id, target.message_id)
    if question is None:
        await message.reply_text(desk.texts.render("unknown_post"))
        return
    if question.user_id is None:
        await message.reply_text(desk.texts.render("not_delivered_forgotten", id=question.id))
        return
    assistant = context.bot_data.assistant
    # Their language now (they may have changed it), else the one the bot answered them in.
    language = await assistant.reply_language(question.user_id, question.reply_language)
    intro = assistant.text("staff_answer_intro", language)
    chat_id = int(question.user_id)
    text = message.text
    try:
        if text and telegram_length(f"{intro}\n\n{text}") <= MAX_MESSAGE_LENGTH:
            await context.bot.send_message(chat_id, f"{intro}\n\n{text}")
        else:  # a photo, a voice note, a file, a very long text: the intro, then a copy
            await context.bot.send_message(chat_id, intro)
            await message.copy(chat_id)
    except TelegramError as error:
        gone = isinstance(error, Forbidden) or (
            isinstance(error, BadRequest) and "chat not found" in error.message.lower()
        )
        logger.info("Staff reply to question %d not delivered: %s", question.id, error)
        key = "not_delivered_blocked" if gone else "not_delivered_error"
        await message.reply_text(desk.texts.render(key, id=question.id))
        return
    name = staff_name(message)
    await desk.store.mark_answered(question.id, name)
    await desk.store.record_staff_message(
        message.chat.id, message.message_id, STAFF_REPLY, question.id
    )
    logger.info("Staff reply to question %d delivered", question.id)
    kind = media_kind(message)
    await desk.send(
        desk.texts.delivered(question.id, name, text, kind),
        kind=CONFIRMATION,
        question_id=question.id,
        reply_to=message.message_id,
    )


@dataclass(frozen=True)
class StaffPress:
    desk: StaffDesk
    query: CallbackQuery
    message: Message
    callback: StaffCallback


async def _press_by_a_member(update: Update, context: Context) -> StaffPress | None:
    """A staff button's press, if its data is ours and it came from a member of the group; else
    the press is acknowledged and ignored."""
    query = update.callback_query
    assert query is not None
    desk = desk_of(context)
    callback = parse_staff_callback(query.data, desk.labels)
    message = query.message
    if (
        callback is None
        or not isinstance(message, Message)
        or message.chat.id != desk.chat_id
        or not await desk.is_member(query.from_user.id)
    ):
        logger.info("Ignored a staff button from outside the staff group")
        await query.answer()
        return None
    return StaffPress(desk, query, message, callback)


async def inbox_button(update: Update, context: Context) -> None:
    """ "Previous" / "next" under an /inbox page."""
    press = await _press_by_a_member(update, context)
    if press is not None:
        await press.query.answer()
        text, markup = await inbox_page(press.desk, press.callback.number)
        await press.message.edit_text(text, reply_markup=markup)


async def media_button(update: Update, context: Context) -> None:
    """ "Show the attachment" under a question's post."""
    press = await _press_by_a_member(update, context)
    if press is None:
        return
    question = await _pressed_question(press)
    if question is not None:
        await press.query.answer()
        await press.desk.show_media(question, press.message.message_id)


async def label_button(update: Update, context: Context) -> None:
    """A topic or dismissal under a question's post: the question is labelled for training."""
    press = await _press_by_a_member(update, context)
    if press is None:
        return
    question = await _pressed_question(press)
    if question is None:
        return
    desk, label, name = press.desk, press.callback.value, press.query.from_user.full_name
    await desk.store.label_question(question.id, label, name)
    key = "dismissed" if label in desk.texts.dismissals else "labelled"
    await press.query.answer(desk.texts.render(key, label=desk.texts.label(label), name=name))
    await press.message.edit_reply_markup(desk.keyboard(replace(question, label=label)))


async def _pressed_question(press: StaffPress) -> Question | None:
    """The question a button belongs to; None (and the group is told) if it was deleted."""
    question = await press.desk.store.question(press.callback.number)
    if question is None:
        await press.query.answer(press.desk.texts.render("post_deleted", id=press.callback.number))
    return question


async def inbox_page(desk: StaffDesk, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    total = await desk.store.count_questions(OPEN)
    pages = page_count(total)
    page = min(page, pages - 1)
    questions = await desk.store.questions(
        OPEN, limit=INBOX_PAGE_SIZE, offset=page * INBOX_PAGE_SIZE
    )
    posts = {q.id: await desk.store.post_of(q.id, desk.chat_id) for q in questions}
    text = desk.texts.inbox(questions, total, page, desk.post_link(), posts)
    buttons = []
    if page > 0:
        buttons.append(
            InlineKeyboardButton(
                desk.texts.render("button_previous"), callback_data=f"inbox:{page - 1}"
            )
        )
    if page + 1 < pages:
        buttons.append(
            InlineKeyboardButton(
                desk.texts.render("button_next"), callback_data=f"inbox:{page + 1}"
            )
        )
    return text, InlineKeyboardMarkup([buttons]) if buttons else None


async def inbox_command(update: Update, context: Context) -> None:
    """/inbox: open questions, oldest first, a page at a time. The page quotes questions, so it
    is recorded: it leaves the group after 24 hours or when one of its questions is deleted."""
    desk = desk_of(context)
    text, markup = await inbox_page(desk, 0)
    await desk.send(text, markup, kind="inbox")


async def stats_command(update: Update, context: Context) -> None:
    """/stats: counts per language and topic, last 7 and 30 days, and a chart of the last weeks.
    Numbers only."""
    desk = desk_of(context)
    week, month = await desk.store.counts(7), await desk.store.counts(30)
    open_questions = await desk.store.count_questions(OPEN)
    await desk.send(desk.texts.stats(week, month, open_questions))
    picture = chart(await weekly(desk, CHART_WEEKS), desk.texts.chart_texts())
    await desk.send_photo(picture)


async def weekly(desk: StaffDesk, weeks: int) -> list[Week]:
    """The last `weeks` calendar weeks (this one included), named in German."""
    today = utc_now().date()
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    since = starts[0].isoformat()
    messages: dict[date, Counter[str]] = defaultdict(Counter)
    topics: dict[date, Counter[str]] = defaultdict(Counter)
    statuses: dict[date, Counter[str]] = defaultdict(Counter)
    for day, language, count in await desk.store.daily_messages(since):
        messages[_monday(day)][desk.texts.language(language)] += count
    for day, status, topic in await desk.store.questions_since(since):
        topics[_monday(day)][desk.texts.label_or_reason(topic)] += 1
        statuses[_monday(day)][desk.texts.status(status)] += 1
    return [
        Week(
            desk.texts.render("stats_chart_week", number=start.isocalendar()[1]),
            dict(messages[start]),
            dict(topics[start]),
            dict(statuses[start]),
        )
        for start in starts
    ]


def _monday(day: str) -> date:
    moment = date.fromisoformat(day)
    return moment - timedelta(days=moment.weekday())


async def help_command(update: Update, context: Context) -> None:
    desk = desk_of(context)
    await desk.send(desk.texts.render("help"))


async def migrated(update: Update, context: Context) -> None:
    """Telegram made the staff group a supergroup (or moved it): the desk follows."""
    message = update.effective_message
    assert message is not None
    desk = desk_of(context)
    if message.migrate_to_chat_id and message.chat.id == desk.chat_id:
        await desk.follow(message.migrate_to_chat_id)
    elif message.migrate_from_chat_id == desk.chat_id:
        await desk.follow(message.chat.id)


def wake_desk(context: Context) -> None:
    """Something was queued for the staff group (a question, a deletion)."""
    if context.bot_data.desk is not None:  # None without STAFF_CHAT_ID
        context.bot_data.desk.wake()
