"""What the bot keeps: each user's language, the questions a person has to answer, where they were
shown to staff, and what still has to be sent to (or removed from) the staff group.

SQLite through aiosqlite, in WAL mode (readers never block the writer), with versioned migrations
tracked in `PRAGMA user_version`. Privacy by default: no names, no phone numbers, question texts
only for questions a person still has to look at, and every deletion of a question also queues
the removal of whatever the staff group shows of it (docs/security.md).

All the bot's users share one connection. A write that must be all-or-nothing (a question and its
post job; a deletion and the clean-up it queues) runs in `_transaction`, which holds a lock that
every other write takes too: no other user's write can slip into it, or be rolled back with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any

import aiosqlite

logger = logging.getLogger(__name__)

# Each entry moves the schema one version up. Append; never edit a migration that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        user_id     TEXT PRIMARY KEY,
        language    TEXT NOT NULL,
        chosen      INTEGER NOT NULL DEFAULT 0,  -- 1: picked by the user, not detected
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE questions (
        id          INTEGER PRIMARY KEY,
        user_id     TEXT,
        text        TEXT NOT NULL,
        language    TEXT NOT NULL,   -- detected language (ISO 639-1 or "und")
        reply_language TEXT NOT NULL,
        intent      TEXT NOT NULL,   -- the model's best guess
        confidence  REAL NOT NULL,
        reason      TEXT NOT NULL,   -- why no answer: fallback, out_of_scope, unsupported_language…
        status      TEXT NOT NULL DEFAULT 'open',
        created_at  TEXT NOT NULL
    );
    CREATE INDEX questions_open ON questions (status, created_at);
    CREATE INDEX questions_user ON questions (user_id);
    """,
    # A voice note or photo is a question too: staff need Telegram's file id to look at it.
    """
    ALTER TABLE questions ADD COLUMN media_kind TEXT;
    ALTER TABLE questions ADD COLUMN media_file_id TEXT;
    """,
    # The staff loop: each question's post in the staff group, its label, who answered it; and
    # daily counts, which carry no text and so outlive the questions (statistics, /stats).
    """
    ALTER TABLE questions ADD COLUMN staff_message_id INTEGER;
    ALTER TABLE questions ADD COLUMN staff_media_message_id INTEGER;
    ALTER TABLE questions ADD COLUMN label TEXT;  -- an intent, or a dismissal: spam, duplicate
    ALTER TABLE questions ADD COLUMN labelled_by TEXT;
    ALTER TABLE questions ADD COLUMN labelled_at TEXT;
    ALTER TABLE questions ADD COLUMN answered_by TEXT;
    ALTER TABLE questions ADD COLUMN answered_at TEXT;
    ALTER TABLE questions ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX questions_post ON questions (staff_message_id);
    CREATE TABLE counts (
        day         TEXT NOT NULL,   -- UTC date
        event       TEXT NOT NULL,   -- message, unanswered, thumbs_up, thumbs_down
        language    TEXT NOT NULL,
        topic       TEXT NOT NULL,   -- the intent answered, or why not
        count       INTEGER NOT NULL,
        PRIMARY KEY (day, event, language, topic)
    );
    """,
    # Safe to launch: a question's number is never given twice (AUTOINCREMENT), so "#12" in the
    # staff group always means one question; a message in the staff group is known by its chat
    # AND its id (ids are per chat, and a group that becomes a supergroup gets a new id); repeats
    # and edits of a question collapse into it (dedupe_key, source_message_id); what the group
    # has to show or lose leaves from an outbox that survives restarts; users expire too.
    """
    CREATE TABLE questions_v4 (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     TEXT,
        text        TEXT NOT NULL,
        language    TEXT NOT NULL,
        reply_language TEXT NOT NULL,
        intent      TEXT NOT NULL,
        confidence  REAL NOT NULL,
        reason      TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open',
        created_at  TEXT NOT NULL,
        media_kind  TEXT,
        media_file_id TEXT,
        label       TEXT,
        labelled_by TEXT,
        labelled_at TEXT,
        answered_by TEXT,
        answered_at TEXT,
        replies     INTEGER NOT NULL DEFAULT 0,
        dedupe_key  TEXT,            -- the text compared loosely: a repeat is the same question
        source_message_id INTEGER,   -- the newcomer's message: an edit of it updates the question
        repeats     INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO questions_v4 (id, user_id, text, language, reply_language, intent, confidence,
        reason, status, created_at, media_kind, media_file_id, label, labelled_by, labelled_at,
        answered_by, answered_at, replies)
    SELECT id, user_id, text, language, reply_language, intent, confidence, reason, status,
        created_at, media_kind, media_file_id, label, labelled_by, labelled_at, answered_by,
        answered_at, replies FROM questions;
    DROP TABLE questions;
    ALTER TABLE questions_v4 RENAME TO questions;
    CREATE INDEX questions_open ON questions (status, created_at);
    CREATE INDEX questions_user ON questions (user_id, status);
    -- Every message the bot keeps in a staff group that shows a question (or a page of them).
    -- Posts of schema v3 knew no chat: they are not carried over (the bot had not launched).
    CREATE TABLE staff_messages (
        chat_id     INTEGER NOT NULL,
        message_id  INTEGER NOT NULL,
        kind        TEXT NOT NULL,   -- post, media, confirmation, staff_reply, inbox, other
        question_id INTEGER,         -- NULL for inbox pages and notices
        created_at  TEXT NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE INDEX staff_messages_question ON staff_messages (question_id);
    CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        action      TEXT NOT NULL,   -- post, update_post, confirm, redact, delete, notice
        question_id INTEGER,
        chat_id     INTEGER,         -- redact, delete: where the message is
        message_id  INTEGER,
        kind        TEXT,            -- redact, delete: what the message showed
        detail      TEXT,            -- confirm: who answered; notice: the text (never a question)
        status      TEXT NOT NULL DEFAULT 'pending',  -- pending, failed (set aside, reported)
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX outbox_pending ON outbox (status, id);
    -- The staff group the bot follows when Telegram moved it (a group became a supergroup).
    CREATE TABLE staff_chat (
        configured_id INTEGER PRIMARY KEY,
        current_id  INTEGER NOT NULL,
        changed_at  TEXT NOT NULL
    );
    ALTER TABLE users ADD COLUMN last_seen TEXT;
    UPDATE users SET last_seen = updated_at;
    """,
)
# Labels that take a question out of the inbox and out of the training data.
DISMISSALS = ("spam", "duplicate")
OPEN, ANSWERED, DISMISSED = "open", "answered", "dismissed"
# Kinds of staff-group messages: what they show and how they are removed (security.md).
POST, MEDIA, CONFIRMATION, STAFF_REPLY, INBOX = (
    "post",
    "media",
    "confirmation",
    "staff_reply",
    "inbox",
)
# The bot's own text messages can be edited at any age: they are emptied. The rest (media, and
# staff members' own messages) can only be deleted, which Telegram allows for 48 hours.
EDITED_WHEN_REMOVED = frozenset({POST, CONFIRMATION, INBOX})
# Outbox actions.
POST_QUESTION, UPDATE_POST, CONFIRM, REDACT, DELETE, NOTICE = (
    "post",
    "update_post",
    "confirm",
    "redact",
    "delete",
    "notice",
)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(moment: datetime | None = None) -> str:
    return (moment or utc_now()).isoformat(timespec="seconds")


class Kept(Enum):
    """What became of a question for a person."""

    NEW = "new"  # stored, and its post queued
    EDITED = "edited"  # the newcomer edited the message of an open question: it was updated
    REPEATED = "repeated"  # the same open question again: it counts once
    OVER_LIMIT = "over_limit"  # too many questions from one person in a day: not kept


@dataclass(frozen=True)
class KeptQuestion:
    outcome: Kept
    question_id: int | None


@dataclass(frozen=True)
class UserLanguage:
    language: str
    chosen: bool


@dataclass(frozen=True)
class Question:
    id: int
    user_id: str | None
    text: str
    language: str
    reply_language: str
    intent: str
    confidence: float
    reason: str
    status: str
    created_at: str
    media_kind: str | None = None
    media_file_id: str | None = None
    label: str | None = None
    labelled_by: str | None = None
    labelled_at: str | None = None
    answered_by: str | None = None
    answered_at: str | None = None
    replies: int = 0
    dedupe_key: str | None = None
    source_message_id: int | None = None
    repeats: int = 0


@dataclass(frozen=True)
class StaffMessage:
    chat_id: int
    message_id: int
    kind: str
    question_id: int | None
    created_at: str


@dataclass(frozen=True)
class Job:
    """Something the staff group has to show or lose, in the order it was queued."""

    id: int
    action: str
    question_id: int | None
    chat_id: int | None
    message_id: int | None
    kind: str | None
    detail: str | None
    attempts: int


@dataclass(frozen=True)
class UserData:
    """Everything stored about one person (what /mydata shows)."""

    user_id: str
    language: UserLanguage | None
    last_seen: str | None
    questions: list[Question]

    @property
    def empty(self) -> bool:
        return self.language is None and not self.questions


@dataclass(frozen=True)
class Counts:
    """Statistics of a period: numbers only."""

    messages_by_language: dict[str, int]
    messages_by_topic: dict[str, int]
    events: dict[str, int]


class Store:
    """Open with `await Store.open(path)`; close with `await store.close()`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._writing = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA synchronous=NORMAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute("PRAGMA busy_timeout=5000")
        store = cls(connection)
        await store._migrate()
        return store

    async def close(self) -> None:
        await self._db.close()

    async def schema_version(self) -> int:
        row = await self._one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            logger.info("Migrating database schema to version %d", number)
            # executescript commits first; BEGIN … COMMIT makes each migration all-or-nothing.
            await self._db.executescript(
                f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;"
            )

    # --- reading and writing --------------------------------------------------------------------

    async def _one(self, sql: str, *parameters: object) -> Any:
        async with self._db.execute(sql, parameters) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, *parameters: object) -> list[Any]:
        async with self._db.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())

    async def _write(self, sql: str, *parameters: object) -> int | None:
        """One statement, committed when it returns; the new row's id for an INSERT."""
        async with self._writing, self._db.execute(sql, parameters) as cursor:
            return cursor.lastrowid

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        async with self._writing:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _execute(self, sql: str, *parameters: object) -> int | None:
        """A statement inside `_transaction` (which holds the lock already)."""
        async with self._db.execute(sql, parameters) as cursor:
            return cursor.lastrowid

    # --- users ----------------------------------------------------------------------------------

    async def user_language(self, user_id: str) -> UserLanguage | None:
        row = await self._one("SELECT language, chosen FROM users WHERE user_id = ?", user_id)
        return UserLanguage(row["language"], bool(row["chosen"])) if row else None

    async def remember_language(self, user_id: str, language: str, chosen: bool = False) -> None:
        """Store the user's language; a detected one never overrides one the user chose."""
        moment = timestamp()
        await self._write(
            """
            INSERT INTO users (user_id, language, chosen, updated_at, last_seen)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                language = CASE WHEN excluded.chosen = 1 OR users.chosen = 0
                                THEN excluded.language ELSE users.language END,
                chosen = MAX(users.chosen, excluded.chosen),
                updated_at = excluded.updated_at, last_seen = excluded.last_seen
            """,
            user_id,
            language,
            int(chosen),
            moment,
            moment,
        )

    async def seen(self, user_id: str) -> None:
        """The user wrote: their row's retention period starts again."""
        await self._write("UPDATE users SET last_seen = ? WHERE user_id = ?", timestamp(), user_id)

    async def user_data(self, user_id: str) -> UserData:
        row = await self._one(
            "SELECT language, chosen, last_seen FROM users WHERE user_id = ?", user_id
        )
        language = UserLanguage(row["language"], bool(row["chosen"])) if row else None
        questions = await self._select("user_id = ? ORDER BY id", user_id)
        return UserData(user_id, language, row["last_seen"] if row else None, questions)

    # --- questions ------------------------------------------------------------------------------

    async def keep_question(
        self,
        *,
        user_id: str | None,
        text: str,
        language: str,
        reply_language: str,
        intent: str,
        confidence: float,
        reason: str,
        dedupe_key: str | None = None,
        source_message_id: int | None = None,
        media_kind: str | None = None,
        media_file_id: str | None = None,
        daily_limit: int | None = None,
    ) -> KeptQuestion:
        """Keep a question for a person and queue its post, in one transaction: when this
        returns, both are on disk. An edit of the message behind an open question updates it; the
        same open question again counts once; past `daily_limit` questions from one person in 24
        hours nothing is kept."""
        async with self._transaction():
            if user_id is not None:
                same = await self._one(
                    """
                    SELECT id, source_message_id FROM questions
                    WHERE user_id = ? AND status = 'open'
                      AND (source_message_id = ? OR dedupe_key = ?)
                    ORDER BY source_message_id = ? DESC, id DESC LIMIT 1
                    """,
                    user_id,
                    source_message_id,
                    dedupe_key,
                    source_message_id,
                )
                if (
                    same is not None
                    and source_message_id is not None
                    and (same["source_message_id"] == source_message_id)
                ):
                    await self._execute(
                        "UPDATE questions SET text = ?, dedupe_key = ?, language = ?, "
                        "intent = ?, confidence = ?, reason = ? WHERE id = ?",
                        text,
                        dedupe_key,
                        language,
                        intent,
                        confidence,
                        reason,
                        same["id"],
                    )
                    await self._queue(UPDATE_POST, question_id=same["id"])
                    return KeptQuestion(Kept.EDITED, same["id"])
                if same is not None and dedupe_key:
                    await self._execute(
                        "UPDATE questions SET repeats = repeats + 1 WHERE id = ?", same["id"]
                    )
                    return KeptQuestion(Kept.REPEATED, same["id"])
                if daily_limit is not None:
                    since = timestamp(utc_now() - timedelta(days=1))
                    row = await self._one(
                        "SELECT COUNT(*) FROM questions WHERE user_id = ? AND created_at > ?",
                        user_id,
                        since,
                    )
                    if row[0] >= daily_limit:
                        return KeptQuestion(Kept.OVER_LIMIT, None)
            question_id = await self._execute(
                """
                INSERT INTO questions (user_id, text, language, reply_language, intent,
                    confidence, reason, created_at, media_kind, media_file_id, dedupe_key,
                    source_message_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                user_id,
                text,
                language,
                reply_language,
                intent,
                confidence,
                reason,
                timestamp(),
                media_kind,
                media_file_id,
                dedupe_key,
                source_message_id,
            )
            assert question_id is not None
            await self._queue(POST_QUESTION, question_id=question_id)
            await self._count("unanswered", language, reason)
        return KeptQuestion(Kept.NEW, question_id)

    async def question(self, question_id: int) -> Question | None:
        found = await self._select("id = ?", question_id)
        return found[0] if found else None

    async def question_shown_by(self, chat_id: int, message_id: int) -> Question | None:
        """The question that the staff group's message (`chat_id`, `message_id`) shows: its post,
        its media, or the confirmation of an answer. Both must match: ids are per chat."""
        row = await self._one(
            "SELECT question_id FROM staff_messages WHERE chat_id = ? AND message_id = ? "
            "AND question_id IS NOT NULL",
            chat_id,
            message_id,
        )
        return await self.question(row["question_id"]) if row else None

    async def _select(self, where: str, *parameters: object) -> list[Question]:
        rows = await self._all(f"SELECT * FROM questions WHERE {where}", *parameters)
        return [Question(**dict(row)) for row in rows]

    async def questions(
        self, status: str | None = OPEN, limit: int = 100, offset: int = 0
    ) -> list[Question]:
        """Questions, oldest first."""
        if status is None:
            return await self._select("1 ORDER BY id LIMIT ? OFFSET ?", limit, offset)
        return await self._select("status = ? ORDER BY id LIMIT ? OFFSET ?", status, limit, offset)

    async def count_questions(self, status: str = OPEN) -> int:
        row = await self._one("SELECT COUNT(*) FROM questions WHERE status = ?", status)
        return int(row[0]) if row else 0

    async def labelled_questions(self) -> list[Question]:
        """Questions staff labelled with an intent (not dismissed): training data to be."""
        return await self._select("label IS NOT NULL AND status != ? ORDER BY id", DISMISSED)

    async def mark_answered(self, question_id: int, by: str) -> None:
        """A staff reply reached the newcomer; every further reply counts too."""
        await self._write(
            """
            UPDATE questions SET replies = replies + 1, answered_by = ?, answered_at = ?,
                status = CASE WHEN status = 'open' THEN 'answered' ELSE status END
            WHERE id = ?
            """,
            by,
            timestamp(),
            question_id,
        )

    async def label_question(self, question_id: int, label: str, by: str) -> None:
        """Staff chose the question's topic, or dismissed it (spam, duplicate)."""
        await self._write(
            """
            UPDATE questions SET label = ?, labelled_by = ?, labelled_at = ?,
                status = CASE
                    WHEN ? THEN 'dismissed'
                    WHEN status = 'dismissed' THEN CASE WHEN replies > 0 THEN 'answered'
                                                        ELSE 'open' END
                    ELSE status END
            WHERE id = ?
            """,
            label,
            by,
            timestamp(),
            label in DISMISSALS,
            question_id,
        )

    # --- the staff group's messages -------------------------------------------------------------

    async def record_staff_message(
        self, chat_id: int, message_id: int, kind: str, question_id: int | None = None
    ) -> None:
        await self._write(
            "INSERT OR REPLACE INTO staff_messages (chat_id, message_id, kind, question_id, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            chat_id,
            message_id,
            kind,
            question_id,
            timestamp(),
        )

    async def staff_message(self, chat_id: int, message_id: int) -> StaffMessage | None:
        row = await self._one(
            "SELECT * FROM staff_messages WHERE chat_id = ? AND message_id = ?",
            chat_id,
            message_id,
        )
        return StaffMessage(**dict(row)) if row else None

    async def post_of(self, question_id: int, chat_id: int) -> int | None:
        """The message id of the question's post in `chat_id`, if it has one there."""
        row = await self._one(
            "SELECT message_id FROM staff_messages WHERE question_id = ? AND chat_id = ? "
            "AND kind = ? ORDER BY message_id DESC LIMIT 1",
            question_id,
            chat_id,
            POST,
        )
        return int(row["message_id"]) if row else None

    async def last_staff_message_id(self, chat_id: int) -> int:
        row = await self._one(
            "SELECT MAX(message_id) FROM staff_messages WHERE chat_id = ?", chat_id
        )
        return int(row[0] or 0)

    async def known_staff_message_ids(self, chat_id: int, after: int, before: int) -> set[int]:
        rows = await self._all(
            "SELECT message_id FROM staff_messages WHERE chat_id = ? AND message_id > ? "
            "AND message_id < ?",
            chat_id,
            after,
            before,
        )
        return {int(row[0]) for row in rows}

    async def questions_to_show_again(self, chat_id: int) -> list[int]:
        """Open questions without a post in `chat_id` (the group moved, or posts failed)."""
        rows = await self._all(
            """
            SELECT id FROM questions WHERE status = 'open' AND id NOT IN (
                SELECT question_id FROM staff_messages
                WHERE chat_id = ? AND kind = ? AND question_id IS NOT NULL)
            ORDER BY id
            """,
            chat_id,
            POST,
        )
        return [int(row[0]) for row in rows]

    async def current_staff_chat(self, configured_id: int) -> int:
        """The staff group's id now: the configured one, unless Telegram moved the group."""
        row = await self._one(
            "SELECT current_id FROM staff_chat WHERE configured_id = ?", configured_id
        )
        return int(row[0]) if row else configured_id

    async def follow_staff_chat(self, configured_id: int, new_id: int) -> list[int]:
        """The group moved to `new_id`: remember it, and queue a new post there for every open
        question (the old posts can no longer be replied to). Returns those questions."""
        async with self._transaction():
            await self._execute(
                "INSERT OR REPLACE INTO staff_chat (configured_id, current_id, changed_at) "
                "VALUES (?, ?, ?)",
                configured_id,
                new_id,
                timestamp(),
            )
            rows = await self._all("SELECT id FROM questions WHERE status = 'open' ORDER BY id")
            for row in rows:
                await self._queue(POST_QUESTION, question_id=row[0])
        return [int(row[0]) for row in rows]

    # --- the outbox -----------------------------------------------------------------------------

    async def _queue(self, action: str, **fields: object) -> None:
        """Inside a transaction: one more job for the staff group."""
        columns = ", ".join(("action", "created_at", *fields))
        marks = ", ".join("?" for _ in range(len(fields) + 2))
        await self._execute(
            f"INSERT INTO outbox ({columns}) VALUES ({marks})",
            action,
            timestamp(),
            *fields.values(),
        )

    async def queue(self, action: str, **fields: object) -> None:
        async with self._transaction():
            await self._queue(action, **fields)

    async def next_job(self) -> Job | None:
        row = await self._one(
            "SELECT id, action, question_id, chat_id, message_id, kind, detail, attempts "
            "FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1"
        )
        return Job(**dict(row)) if row else None

    async def job_done(self, job_id: int) -> None:
        await self._write("DELETE FROM outbox WHERE id = ?", job_id)

    async def job_failed(self, job_id: int, error: str, *, for_good: bool) -> None:
        """A failed attempt; `for_good`: set aside (kept, reported), never tried again."""
        await self._write(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
            "status = CASE WHEN ? THEN 'failed' ELSE status END WHERE id = ?",
            error[:500],
            for_good,
            job_id,
        )

    async def pending_jobs(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        return int(row[0])

    async def failed_jobs(self) -> list[Job]:
        rows = await self._all(
            "SELECT id, action, question_id, chat_id, message_id, kind, detail, attempts "
            "FROM outbox WHERE status = 'failed' ORDER BY id"
        )
        return [Job(**dict(row)) for row in rows]

    # --- deletion -------------------------------------------------------------------------------

    async def forget_user(self, user_id: str) -> int:
        """Delete everything stored about one user, and queue the removal of whatever the
        staff group shows of their questions. Returns how many questions were deleted."""
        async with self._transaction():
            deleted = await self._delete_questions("user_id = ?", user_id)
            await self._execute("DELETE FROM users WHERE user_id = ?", user_id)
        return deleted

    async def delete_expired(self, days: int) -> tuple[int, int]:
        """Privacy: questions older than `days` days, and users who have not written for that
        long, are deleted (counts stay). Returns (questions, users) deleted."""
        cutoff = timestamp(utc_now() - timedelta(days=days))
        async with self._transaction():
            questions = await self._delete_questions("created_at < ?", cutoff)
            users = await self._all(
                "DELETE FROM users WHERE COALESCE(last_seen, updated_at) < ? RETURNING user_id",
                cutoff,
            )
        return questions, len(users)

    async def _delete_questions(self, where: str, value: str) -> int:
        """Inside a transaction: the questions, and their messages in staff groups (queued for
        removal, with every inbox page, since a page may quote one of them)."""
        rows = await self._all(f"DELETE FROM questions WHERE {where} RETURNING id", value)
        ids = [int(row[0]) for row in rows]
        if not ids:
            return 0
        marks = ", ".join("?" for _ in ids)
        shown = await self._all(
            f"DELETE FROM staff_messages WHERE question_id IN ({marks}) OR kind = ? RETURNING *",
            *ids,
            INBOX,
        )
        await self._queue_removal(StaffMessage(**dict(row)) for row in shown)
        return len(ids)

    async def _queue_removal(self, messages: Iterable[StaffMessage]) -> None:
        for message in sorted(messages, key=lambda m: (m.chat_id, m.message_id)):
            action = REDACT if message.kind in EDITED_WHEN_REMOVED else DELETE
            await self._queue(
                action,
                chat_id=message.chat_id,
                message_id=message.message_id,
                kind=message.kind,
                question_id=message.question_id,
            )

    async def expire_staff_messages(self, kinds: Iterable[str], hours: float) -> int:
        """Media and inbox pages are shown for `hours`, then removed (media must go before
        Telegram's 48 hours for bots to delete are over; an inbox page quotes questions)."""
        kinds = list(kinds)
        cutoff = timestamp(utc_now() - timedelta(hours=hours))
        marks = ", ".join("?" for _ in kinds)
        async with self._transaction():
            rows = await self._all(
                f"DELETE FROM staff_messages WHERE kind IN ({marks}) AND created_at < ? "
                "RETURNING *",
                *kinds,
                cutoff,
            )
            await self._queue_removal(StaffMessage(**dict(row)) for row in rows)
        return len(rows)

    # --- counts ---------------------------------------------------------------------------------

    async def count(self, event: str, language: str, topic: str) -> None:
        """One more `event` today: numbers only, no text, no user."""
        async with self._writing:
            await self._count(event, language, topic)

    async def _count(self, event: str, language: str, topic: str) -> None:
        await self._execute(
            """
            INSERT INTO counts (day, event, language, topic, count) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (day, event, language, topic) DO UPDATE SET count = count + 1
            """,
            utc_now().date().isoformat(),
            event,
            language,
            topic,
        )

    async def counts(self, days: int) -> Counts:
        """The counts of the last `days` days, today included."""
        since = (utc_now().date() - timedelta(days=days - 1)).isoformat()
        rows = await self._all(
            "SELECT event, language, topic, SUM(count) AS n FROM counts WHERE day >= ? "
            "GROUP BY event, language, topic",
            since,
        )
        by_language: dict[str, int] = {}
        by_topic: dict[str, int] = {}
        events: dict[str, int] = {}
        for row in rows:
            events[row["event"]] = events.get(row["event"], 0) + row["n"]
            if row["event"] == "message":
                by_language[row["language"]] = by_language.get(row["language"], 0) + row["n"]
                by_topic[row["topic"]] = by_topic.get(row["topic"], 0) + row["n"]
        return Counts(by_language, by_topic, events)

    async def daily_messages(self, since: str) -> list[tuple[str, str, int]]:
        """(day, language, messages) from `since` (an ISO date) on: counts only."""
        rows = await self._all(
            "SELECT day, language, SUM(count) FROM counts WHERE event = 'message' AND day >= ? "
            "GROUP BY day, language",
            since,
        )
        return [(row[0], row[1], int(row[2])) for row in rows]

    async def questions_since(self, since: str) -> list[tuple[str, str, str]]:
        """(created day, status, topic) of the questions kept from `since` on: the topic staff
        chose, else the reason it came to them. No text."""
        rows = await self._all(
            "SELECT substr(created_at, 1, 10), status, COALESCE(label, reason) FROM questions "
            "WHERE created_at >= ?",
            since,
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def backup(self, target: Path) -> None:
        """A consistent copy of the database, also while the bot writes (SQLite's backup API)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(target) as copy:
            await self._db.backup(copy)
