"""The office's team in its Telegram group (STAFF_CHAT_ID): questions the bot could not answer are
posted there; a reply to a post goes to the newcomer; buttons label the question for training.

Only members of that group can do anything here: commands count only inside the group, and every
button press is checked against the group's member list (callback data can be forged).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import cast

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.assistant import MEDIA_KEPT_FOR_STAFF, Assistant
from bot.store import DISMISSALS, OPEN, Question, StaffPost, Store
from bot.telegram.common import Context, assistant_of
from bot.telegram.staff_texts import INBOX_PAGE_SIZE, StaffTexts, page_count

logger = logging.getLogger(__name__)

MEMBERSHIP_CACHE_SECONDS = 60.0
MAX_MESSAGE_CHARS = 4096  # Telegram's limit for one text message
STAFF_COMMANDS = {
    "inbox": "Offene Fragen",
    "stats": "Zahlen der letzten 7/30 Tage",
    "help": "Hilfe",
}


@dataclass(frozen=True)
class StaffCallback:
    kind: str  # "label" or "inbox"
    question_id: int  # the question (label), or the page (inbox)
    value: str  # the label; "" for inbox


def parse_staff_callback(data: str | None, labels: set[str]) -> StaffCallback | None:
    """`label:<question>:<label>` or `inbox:<page>`; anything else (forged, stale) is None."""
    parts = (data or "").split(":")
    if len(parts) == 3 and parts[0] == "label" and parts[1].isdigit() and parts[2] in labels:
        return StaffCallback("label", int(parts[1]), parts[2])
    if len(parts) == 2 and parts[0] == "inbox" and parts[1].isdigit():
        return StaffCallback("inbox", int(parts[1]), "")
    return None


class StaffDesk:
    """Posts questions to the staff group and keeps track of which post shows which question."""

    def __init__(self, bot: Bot, chat_id: int, store: Store, texts: StaffTexts) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.store = store
        self.texts = texts
        self.labels = set(texts.topics) | set(DISMISSALS)
        self._posting = asyncio.Lock()  # one post per question, also when retries overlap
        self._members: dict[int, tuple[bool, float]] = {}

    async def post(self, question_id: int) -> None:
        """Show the question in the staff group, once. Raises if Telegram refuses; the question
        stays unposted and `post_pending` tries again."""
        async with self._posting:
            question = await self.store.question(question_id)
            if question is None or question.staff_message_id is not None:
                return
            if question.status != OPEN:
                return
            post = await self.bot.send_message(
                self.chat_id, self.texts.post(question), reply_markup=self.keyboard(question)
            )
            media = await self._post_media(question, post.message_id)
            await self.store.set_staff_post(question.id, post.message_id, media)
            logger.info("Question %d posted to the staff group", question.id)

    async def post_safely(self, question_id: int) -> None:
        try:
            await self.post(question_id)
        except TelegramError as error:
            self._log_post_failure(error)

    def _log_post_failure(self, error: TelegramError) -> None:
        if isinstance(error, ChatMigrated):  # a group became a supergroup: its id changed
            logger.error(
                "The staff group has a new id: set STAFF_CHAT_ID=%d and restart",
                error.new_chat_id,
            )
        else:
            logger.warning("Could not post to the staff group, will retry: %s", error)

    async def post_pending(self) -> None:
        """Post every open question that has not reached the group yet (after a restart, or
        when Telegram was unreachable)."""
        for question in await self.store.unposted_questions():
            try:
                await self.post(question.id)
            except TelegramError as error:
                self._log_post_failure(error)
                return

    async def _post_media(self, question: Question, post_id: int) -> int | None:
        """The voice note or photo itself, as a reply to its post (Telegram keeps the file)."""
        if question.media_kind not in MEDIA_KEPT_FOR_STAFF or not question.media_file_id:
            return None
        send = cast(
            Callable[..., Awaitable[Message]], getattr(self.bot, f"send_{question.media_kind}")
        )
        try:
            media = await send(
                self.chat_id,
                question.media_file_id,
                reply_parameters=ReplyParameters(post_id, allow_sending_without_reply=True),
            )
        except TelegramError as error:
            logger.warning(
                "Could not attach the %s of question %d: %s",
                question.media_kind,
                question.id,
                error,
            )
            return None
        return media.message_id

    def keyboard(self, question: Question) -> InlineKeyboardMarkup:
        """One button per topic and dismissal; the chosen one is ticked (and can be changed)."""

        def button(label: str, name: str) -> InlineKeyboardButton:
            tick = "✅ " if label == question.label else ""
            return InlineKeyboardButton(tick + name, callback_data=f"label:{question.id}:{label}")

        buttons = [button(label, name) for label, name in self.texts.topics.items()]
        buttons += [button(label, name) for label, name in self.texts.dismissals.items()]
        return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])

    async def redact(self, posts: list[StaffPost]) -> None:
        """The questions were deleted (/forget, retention): their posts no longer show them."""
        for post in posts:
            try:
                await self.bot.edit_message_text(
                    self.texts.render("post_deleted", id=post.question_id),
                    self.chat_id,
                    post.message_id,
                )
                if post.media_message_id is not None:
                    await self.bot.delete_message(self.chat_id, post.media_message_id)
            except TelegramError as error:
                # Telegram lets bots delete messages only for 48 hours; staff can delete by hand.
                logger.warning("Could not empty staff post %d: %s", post.message_id, error)

    async def is_member(self, user_id: int) -> bool:
        """Is this person in the staff group now? Asked from Telegram, remembered for a minute."""
        cached = self._members.get(user_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
            allowed = member.status in (
                ChatMember.OWNER,
                ChatMember.ADMINISTRATOR,
                ChatMember.MEMBER,
            ) or (
                member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
            )
        except TelegramError as error:
            logger.warning("Could not check staff membership: %s", error)
            return False
        self._members[user_id] = (allowed, time.monotonic() + MEMBERSHIP_CACHE_SECONDS)
        return allowed

    def post_link(self) -> str | None:
        """A link pattern to a post, for supergroups (ids -100…): https://t.me/c/<id>/<post>."""
        text = str(self.chat_id)
        if not text.startswith("-100"):
            return None
        return f"https://t.me/c/{text[4:]}/{{message_id}}"

    async def register_commands(self) -> None:
        commands = [BotCommand(name, description) for name, description in STAFF_COMMANDS.items()]
        try:
            await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(self.chat_id))
        except TelegramError as error:
            logger.warning(
                "Staff group %d not reachable (is the bot a member?): %s", self.chat_id, error
            )


def desk_of(context: Context) -> StaffDesk:
    return cast(StaffDesk, context.bot_data["staff"])


def staff_name(message: Message) -> str:
    """Who answered: the name shown in the group (an anonymous admin shows as the group)."""
    if message.sender_chat is not None:
        return message.sender_chat.title or "Team"
    return message.from_user.full_name if message.from_user else "Team"


async def reply(update: Update, context: Context) -> None:
    """A message in the staff group that replies to one of the bot's posts: the answer goes to
    the newcomer, introduced in their language; the group hears whether it arrived."""
    message = update.effective_message
    assert message is not None
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    desk = desk_of(context)
    question = await desk.store.question_by_post(target.message_id)
    if question is None:
        await message.reply_text(desk.texts.render("unknown_post"))
        return
    if question.user_id is None:
        await message.reply_text(desk.texts.render("not_delivered_forgotten", id=question.id))
        return
    assistant = assistant_of(context)
    # Their language now (they may have changed it), else the one the bot answered them in.
    language = await assistant.reply_language(question.user_id, question.reply_language)
    intro = assistant.catalogue.render("staff_answer_intro", language)
    chat_id = int(question.user_id)
    try:
        if message.text and len(intro) + 2 + len(message.text) <= MAX_MESSAGE_CHARS:
            text = f"{intro}\n\n{message.text}"
            await context.bot.send_message(chat_id, text)
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
    await desk.store.mark_answered(question.id, staff_name(message))
    logger.info("Staff reply to question %d delivered", question.id)
    await message.reply_text(desk.texts.render("delivered", id=question.id))


async def button(update: Update, context: Context) -> None:
    """Label buttons and inbox pages, from members of the staff group only."""
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
        return
    if callback.kind == "inbox":
        await query.answer()
        text, markup = await inbox_page(desk, callback.question_id)
        await message.edit_text(text, reply_markup=markup)
        return
    question = await desk.store.question(callback.question_id)
    if question is None:
        await query.answer(desk.texts.render("post_deleted", id=callback.question_id))
        return
    await desk.store.label_question(question.id, callback.value, query.from_user.full_name)
    await query.answer(
        desk.texts.render(
            "labelled", label=desk.texts.label(callback.value), name=query.from_user.full_name
        )
    )
    await message.edit_reply_markup(desk.keyboard(replace(question, label=callback.value)))


async def inbox_page(desk: StaffDesk, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    total = await desk.store.count_questions(OPEN)
    pages = page_count(total)
    page = min(page, pages - 1)
    questions = await desk.store.questions(
        OPEN, limit=INBOX_PAGE_SIZE, offset=page * INBOX_PAGE_SIZE
    )
    text = desk.texts.inbox(questions, total, page, desk.post_link())
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
    """/inbox: open questions, oldest first, a page at a time."""
    assert update.effective_message is not None
    text, markup = await inbox_page(desk_of(context), 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def stats_command(update: Update, context: Context) -> None:
    """/stats: counts per language and topic, last 7 and 30 days. Numbers only."""
    assert update.effective_message is not None
    desk = desk_of(context)
    week, month = await desk.store.counts(7), await desk.store.counts(30)
    open_questions = await desk.store.count_questions(OPEN)
    await update.effective_message.reply_text(desk.texts.stats(week, month, open_questions))


async def help_command(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(desk_of(context).texts.render("help"))


async def post_after_reply(context: Context, question_id: int | None) -> None:
    """Called by the newcomer handlers once the newcomer has their reply."""
    desk = context.bot_data.get("staff")  # None without STAFF_CHAT_ID
    if question_id is not None and desk is not None:
        await desk.post_safely(question_id)


async def redact_posts(context: Context, posts: list[StaffPost]) -> None:
    desk = context.bot_data.get("staff")
    if posts and desk is not None:
        await desk.redact(posts)


def open_desk(bot: Bot, chat_id: int | None, assistant: Assistant) -> StaffDesk | None:
    if chat_id is None:
        logger.warning("STAFF_CHAT_ID is not set: unanswered questions are stored, not posted")
        return None
    return StaffDesk(bot, chat_id, assistant.store, StaffTexts())
