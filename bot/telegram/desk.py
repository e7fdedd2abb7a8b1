"""The staff desk: everything the bot shows in (and removes from) the office's Telegram group.

Newcomers never wait for the group. A question for a person is stored together with a job in the
outbox (bot/core/store.py); one background task here works through the outbox in order, at the pace
Telegram allows a group (about 20 messages a minute, kept by the rate limiter). The outbox
survives restarts and outages:
- the group unreachable (network, Telegram down, bot removed): the task pauses, then goes on
  where it stopped, in the same order;
- a job Telegram refuses for good (a text it will not show): a post is sent again without the
  text; anything else is set aside, logged and reported in the group, and the next job goes on;
- the group became a supergroup (new id): the desk follows it and shows the open questions there.

Removals keep /privacy's promises within Telegram's limits: bots may edit their own messages at
any age but delete messages only for 48 hours. So the bot's own text posts are emptied (edited to
"gelöscht"), and media, staff members' replies and inbox pages are taken out after 24 hours, or
at once when their question is deleted (docs/security.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import filters

from bot.core.store import (
    CONFIRMATION,
    DELETE,
    INBOX,
    MEDIA,
    NOTICE,
    POST,
    POST_QUESTION,
    REDACT,
    STAFF_REPLY,
    UPDATE_POST,
    Job,
    Question,
    Store,
)
from bot.telegram.staff_texts import StaffTexts

logger = logging.getLogger(__name__)

MEMBERSHIP_CACHE_SECONDS = 60.0
# Media, staff members' replies and inbox pages stay this long, then the bot removes them: well
# within the 48 hours in which Telegram lets a bot delete messages.
SHOWN_FOR_HOURS = 24
EXPIRING_KINDS = (MEDIA, STAFF_REPLY, INBOX)
# Pauses after the group could not be reached: 5 s, 10 s, … at most a minute.
FIRST_PAUSE_SECONDS = 5.0
LONGEST_PAUSE_SECONDS = 60.0
# After a send whose fate is unknown (the connection broke), how far back the bot looks for a
# copy that arrived after all (message ids of a supergroup count up one by one).
DUPLICATE_SEARCH_LIMIT = 50
STAFF_COMMANDS = {
    "inbox": "Offene Fragen",
    "stats": "Zahlen der letzten 7/30 Tage",
    "help": "Hilfe",
}
# Telegram's answers that mean "there is nothing (left) to change": the job is done.
NOTHING_TO_DO = ("not found", "can't be edited", "not modified", "message_id_invalid")


class GroupUnreachable(Exception):
    """The staff group cannot be reached now: the outbox pauses and tries again."""


class StaffDesk:
    """Posts questions to the staff group and removes them again; remembers what shows what."""

    def __init__(
        self,
        bot: Bot,
        configured_chat_id: int,
        store: Store,
        texts: StaffTexts,
        chat_filter: filters.Chat | None = None,
    ) -> None:
        self.bot = bot
        self.configured_chat_id = configured_chat_id
        self.chat_id = configured_chat_id
        self.store = store
        self.texts = texts
        self.labels = set(texts.topics) | set(texts.dismissals)
        self._chat_filter = chat_filter
        self._wake = asyncio.Event()
        self._pause = FIRST_PAUSE_SECONDS
        self._members: dict[int, tuple[bool, float]] = {}
        # The last message id known before a send whose fate is unknown; None: none pending.
        self._unsure_after: int | None = None

    # --- start-up -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Follow a move of the group recorded earlier, register the staff commands, check the
        bot's right to delete, and show whatever is still open and not shown in this group."""
        current = await self.store.current_staff_chat(self.configured_chat_id)
        if current != self.configured_chat_id:
            logger.error(
                "The staff group moved to %d; the bot follows it. Set STAFF_CHAT_ID=%d.",
                current,
                current,
            )
            self._switch_filter(current)
            self.chat_id = current
        try:
            commands = [BotCommand(name, text) for name, text in STAFF_COMMANDS.items()]
            await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(self.chat_id))
            if not await self._may_delete():
                logger.warning("The bot may not delete messages in the staff group")
                await self.store.queue(NOTICE, detail=self.texts.render("needs_delete_right"))
        except ChatMigrated as moved:
            await self.follow(moved.new_chat_id)
        except (NetworkError, Forbidden) as error:  # BadRequest ("chat not found") included
            logger.warning(
                "Staff group %d not reachable (is the bot a member?): %s", self.chat_id, error
            )
        for question_id in await self.store.questions_to_show_again(self.chat_id):
            await self.store.queue(POST_QUESTION, question_id=question_id)
        self.wake()

    async def _may_delete(self) -> bool:
        member = await self.bot.get_chat_member(self.chat_id, self.bot.id)
        return member.status == ChatMember.OWNER or bool(
            member.status == ChatMember.ADMINISTRATOR
            and getattr(member, "can_delete_messages", False)
        )

    # --- the outbox -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Something was queued: work on it now rather than at the next round."""
        self._wake.set()

    async def run(self) -> None:
        """The background task: work through the outbox whenever something is queued."""
        while True:
            self._wake.clear()
            try:
                await self.drain()
            except GroupUnreachable as error:
                logger.warning(
                    "Staff group unreachable, trying again in %.0f s: %s", self._pause, error
                )
                await asyncio.sleep(self._pause)
                self._pause = min(self._pause * 2, LONGEST_PAUSE_SECONDS)
                continue
            self._pause = FIRST_PAUSE_SECONDS
            # Also every few minutes without a wake-up: a job queued by another process.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=300)

    async def drain(self) -> None:
        """Do the queued jobs, oldest first, until none is left. Raises GroupUnreachable (the
        job stays first in line) when the group cannot be reached."""
        while (job := await self.store.next_job()) is not None:
            try:
                await self._do(job)
            except ChatMigrated as moved:
                if job.chat_id not in (None, self.chat_id):  # a message in the group's old home
                    await self._set_aside(job, f"the group moved to {moved.new_chat_id}")
                else:
                    await self.follow(moved.new_chat_id)
                continue
            except RetryAfter as error:
                raise GroupUnreachable(f"flood limit, retry after {error.retry_after}") from error
            except BadRequest as error:
                if "chat not found" in error.message.lower():
                    raise GroupUnreachable(error.message) from error
                await self._set_aside(job, error.message)
                continue
            except (Forbidden, NetworkError) as error:
                await self.store.job_failed(job.id, str(error), for_good=False)
                raise GroupUnreachable(str(error)) from error
            await self.store.job_done(job.id)

    async def _do(self, job: Job) -> None:
        if job.action == POST_QUESTION:
            await self._post(job)
        elif job.action == UPDATE_POST:
            await self._update_post(job)
        elif job.action == REDACT:
            await self._redact(job)
        elif job.action == DELETE:
            await self._delete(job)
        elif job.action == NOTICE:
            await self.send(job.detail or "")
        else:  # written by a newer version of the bot: nothing this one can do
            logger.error("Unknown outbox action %r dropped", job.action)

    async def _set_aside(self, job: Job, error: str) -> None:
        """Telegram refuses this job for good: keep it out of the way, and say so."""
        await self.store.job_failed(job.id, error, for_good=True)
        logger.error(
            "Outbox job %d (%s, question %s) refused by Telegram: %s",
            job.id,
            job.action,
            job.question_id,
            error,
        )
        if job.action in (POST_QUESTION, REDACT, DELETE):
            key = "set_aside" if job.action == POST_QUESTION else "removal_failed"
            await self.store.queue(
                NOTICE, detail=self.texts.render(key, id=job.question_id or "–", error=error)
            )

    async def _post(self, job: Job) -> None:
        assert job.question_id is not None
        question = await self.store.question(job.question_id)
        if question is None or question.status != "open":
            return  # deleted meanwhile, or already dealt with
        if await self.store.post_of(question.id, self.chat_id) is not None:
            return  # shown here already (a job queued twice)
        try:
            post = await self.send(
                self.texts.post(question), self.keyboard(question), POST, question.id
            )
        except BadRequest as refused:
            if "chat not found" in refused.message.lower():
                raise
            # The text itself may be what Telegram will not show: the post without it.
            post = await self.send(
                self.texts.minimal_post(question, refused.message),
                self.keyboard(question),
                POST,
                question.id,
            )
        logger.info("Question %d posted to the staff group", question.id)
        await self.show_media(question, post.message_id)

    async def _update_post(self, job: Job) -> None:
        """The newcomer edited their question: the post shows the new text."""
        assert job.question_id is not None
        question = await self.store.question(job.question_id)
        post_id = await self.store.post_of(job.question_id, self.chat_id)
        if question is None or post_id is None:
            return  # gone, or not posted yet (the post will show the new text)
        await self._edit(post_id, self.texts.post(question), self.keyboard(question))

    async def _redact(self, job: Job) -> None:
        assert job.chat_id is not None and job.message_id is not None
        key = {POST: "post_deleted", CONFIRMATION: "confirmation_deleted"}.get(
            job.kind or "", "inbox_expired"
        )
        text = self.texts.render(key, id=job.question_id)
        await self._edit(job.message_id, text, None, job.chat_id)

    async def _delete(self, job: Job) -> None:
        assert job.chat_id is not None and job.message_id is not None
        try:
            await self.bot.delete_message(job.chat_id, job.message_id)
        except BadRequest as error:
            reason = error.message.lower()
            if any(phrase in reason for phrase in NOTHING_TO_DO):
                return
            if "can't be deleted" not in reason:
                raise
            # Older than 48 hours, or no right to delete: only a person can now.
            logger.warning("Staff group message could not be deleted; asking staff to")
            await self.send(
                self.texts.render("delete_by_hand", id=job.question_id or "–"),
                reply_to=job.message_id,
                chat_id=job.chat_id,
            )

    async def _edit(
        self,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        chat_id: int | None = None,
    ) -> None:
        try:
            await self.bot.edit_message_text(
                text, chat_id or self.chat_id, message_id, reply_markup=markup
            )
        except BadRequest as error:
            if not any(phrase in error.message.lower() for phrase in NOTHING_TO_DO):
                raise

    # --- sending --------------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        kind: str = "other",
        question_id: int | None = None,
        reply_to: int | None = None,
        chat_id: int | None = None,
    ) -> Message:
        """A text message to the staff group, recorded with what it shows."""
        chat_id = chat_id or self.chat_id
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        return await self._recorded(
            chat_id,
            kind,
            question_id,
            lambda: self.bot.send_message(
                chat_id, text, reply_markup=markup, reply_parameters=reply
            ),
        )

    async def send_photo(self, picture: bytes) -> Message:
        """A picture for the staff group (a chart: numbers only, nothing to remove later)."""
        return await self._recorded(
            self.chat_id, "other", None, lambda: self.bot.send_photo(self.chat_id, picture)
        )

    async def _recorded(
        self,
        chat_id: int,
        kind: str,
        question_id: int | None,
        sending: Callable[[], Awaitable[Message]],
    ) -> Message:
        """Send, record the message, and clean up a copy of an earlier send that arrived
        although its answer did not (a broken connection is not proof that nothing arrived)."""
        known = await self.store.last_staff_message_id(chat_id)
        try:
            message = await sending()
        except NetworkError as error:
            if not isinstance(error, BadRequest) and self._unsure_after is None:
                self._unsure_after = known
            raise
        await self.store.record_staff_message(chat_id, message.message_id, kind, question_id)
        if self._unsure_after is not None:
            unsure_after, self._unsure_after = self._unsure_after, None
            await self._remove_lost_copies(chat_id, unsure_after, message.message_id)
        return message

    async def _remove_lost_copies(self, chat_id: int, after: int, before: int) -> None:
        """Messages between `after` and `before` that the bot did not record are other people's,
        or the bot's own whose send seemed to fail: those can be edited (only the bot's own can),
        and are emptied. Supergroups only: there message ids count up per group."""
        if not str(chat_id).startswith("-100"):
            return
        known = await self.store.known_staff_message_ids(chat_id, after, before)
        start = max(after + 1, before - DUPLICATE_SEARCH_LIMIT)
        for message_id in range(start, before):
            if message_id in known:
                continue
            try:
                await self.bot.edit_message_text(
                    self.texts.render("duplicate_removed"), chat_id, message_id
                )
                logger.info("Emptied a copy of a staff post that was sent twice")
            except BadRequest:
                pass  # someone else's message, or gone

    async def show_media(self, question: Question, post_id: int) -> None:
        """The voice note, photo or PDF itself, as a reply to its post (Telegram keeps the file;
        the bot takes this copy out of the group after 24 hours)."""
        if not question.media_kind or not question.media_file_id:
            return
        senders: dict[str, Callable[..., Awaitable[Message]]] = {
            "voice": self.bot.send_voice,
            "photo": self.bot.send_photo,
            "document": self.bot.send_document,
        }
        send = senders.get(question.media_kind)
        if send is None:  # not a kind kept for staff (MEDIA_KEPT_FOR_STAFF)
            return
        file_id = question.media_file_id
        try:
            await self._recorded(
                self.chat_id,
                MEDIA,
                question.id,
                lambda: send(
                    self.chat_id,
                    file_id,
                    reply_parameters=ReplyParameters(post_id, allow_sending_without_reply=True),
                ),
            )
        except BadRequest as error:
            logger.warning(
                "Could not attach the %s of question %d: %s",
                question.media_kind,
                question.id,
                error,
            )

    def keyboard(self, question: Question) -> InlineKeyboardMarkup:
        """One button per topic and dismissal (the chosen one ticked, and it can be changed);
        for a voice note, photo or PDF one more that shows it again."""

        def button(label: str, name: str) -> InlineKeyboardButton:
            tick = "✅ " if label == question.label else ""
            return InlineKeyboardButton(tick + name, callback_data=f"label:{question.id}:{label}")

        buttons = [button(label, name) for label, name in self.texts.topics.items()]
        buttons += [button(label, name) for label, name in self.texts.dismissals.items()]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
        if question.media_kind:
            rows.append(
                [
                    InlineKeyboardButton(
                        self.texts.render("button_show_media"), callback_data=f"media:{question.id}"
                    )
                ]
            )
        return InlineKeyboardMarkup(rows)

    # --- housekeeping ---------------------------------------------------------------------------

    async def expire(self) -> None:
        """Media, staff replies and inbox pages older than 24 hours leave the group."""
        removed = await self.store.expire_staff_messages(EXPIRING_KINDS, SHOWN_FOR_HOURS)
        if removed:
            logger.info("Taking %d media, replies and inbox pages out of the staff group", removed)
            self.wake()

    async def follow(self, new_chat_id: int) -> None:
        """Telegram moved the group (it became a supergroup): work there from now on, and show
        the open questions there again, since the old posts can no longer be replied to."""
        if new_chat_id == self.chat_id:
            return
        logger.error(
            "The staff group moved from %d to %d; the bot follows it. Set STAFF_CHAT_ID=%d.",
            self.chat_id,
            new_chat_id,
            new_chat_id,
        )
        self._switch_filter(new_chat_id)
        self.chat_id = new_chat_id
        await self.store.follow_staff_chat(self.configured_chat_id, new_chat_id)
        await self.store.queue(NOTICE, detail=self.texts.render("moved"))
        self.wake()

    def _switch_filter(self, new_chat_id: int) -> None:
        if self._chat_filter is not None:
            self._chat_filter.add_chat_ids(new_chat_id)
            self._chat_filter.remove_chat_ids(self.chat_id)

    # --- who may do what ------------------------------------------------------------------------

    async def is_member(self, user_id: int) -> bool:
        """Is this person in the staff group now? Asked from Telegram, remembered for a minute."""
        cached = self._members.get(user_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
        except (NetworkError, Forbidden) as error:
            logger.warning("Could not check staff membership: %s", error)
            return False
        allowed = member.status in (
            ChatMember.OWNER,
            ChatMember.ADMINISTRATOR,
            ChatMember.MEMBER,
        ) or (member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False)))
        self._members[user_id] = (allowed, time.monotonic() + MEMBERSHIP_CACHE_SECONDS)
        return allowed

    def post_link(self) -> str | None:
        """A link pattern to a post, for supergroups (ids -100…): https://t.me/c/<id>/<post>."""
        text = str(self.chat_id)
        if not text.startswith("-100"):
            return None
        return f"https://t.me/c/{text[4:]}/{{message_id}}"
