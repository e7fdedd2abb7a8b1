"""What the bot keeps: each user's language and the questions it could not answer.

SQLite through aiosqlite, in WAL mode (readers never block the writer), with versioned migrations
tracked in `PRAGMA user_version`. Privacy by default: no names, no phone numbers, and question texts
only for questions a person still has to look at.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

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
)
# Labels that take a question out of the inbox and out of the training data.
DISMISSALS = ("spam", "duplicate")
OPEN, ANSWERED, DISMISSED = "open", "answered", "dismissed"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
    staff_message_id: int | None = None
    staff_media_message_id: int | None = None
    label: str | None = None
    labelled_by: str | None = None
    labelled_at: str | None = None
    answered_by: str | None = None
    answered_at: str | None = None
    replies: int = 0


@dataclass(frozen=True)
class StaffPost:
    """Where a question was shown to staff: its post and, for a voice note or photo, the media."""

    question_id: int
    message_id: int
    media_message_id: int | None


@dataclass(frozen=True)
class Deleted:
    """How many questions were deleted, and the staff posts that still show them."""

    count: int
    posts: list[StaffPost]


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
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            logger.info("Migrating database schema to version %d", number)
            # executescript commits first; BEGIN … COMMIT makes each migration all-or-nothing.
            await self._db.executescript(
                f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;"
            )

    async def user_language(self, user_id: str) -> UserLanguage | None:
        async with self._db.execute(
            "SELECT language, chosen FROM users WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return UserLanguage(row["language"], bool(row["chosen"])) if row else None

    async def remember_language(self, user_id: str, language: str, chosen: bool = False) -> None:
        """Store the user's language; a detected one never overrides one the user chose."""
        await self._db.execute(
            """
            INSERT INTO users (user_id, language, chosen, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                language = excluded.language, chosen = excluded.chosen,
                updated_at = excluded.updated_at
            WHERE excluded.chosen = 1 OR users.chosen = 0
            """,
            (user_id, language, int(chosen), now()),
        )

    async def add_question(
        self,
        *,
        user_id: str | None,
        text: str,
        language: str,
        reply_language: str,
        intent: str,
        confidence: float,
        reason: str,
        media_kind: str | None = None,
        media_file_id: str | None = None,
    ) -> int:
        """Keep an unanswered question; committed before this returns (autocommit)."""
        cursor = await self._db.execute(
            """
            INSERT INTO questions (user_id, text, language, reply_language, intent, confidence,
                                   reason, created_at, media_kind, media_file_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                user_id, text, language, reply_language, intent, confidence, reason, now(),
                media_kind, media_file_id,
            ),
        )  # fmt: skip
        question_id = cursor.lastrowid
        await cursor.close()
        assert question_id is not None
        await self.count("unanswered", language, reason)
        return question_id

    async def question(self, question_id: int) -> Question | None:
        return await self._one_question("id = ?", question_id)

    async def question_by_post(self, message_id: int) -> Question | None:
        """The question whose staff post (or its media) is `message_id`."""
        return await self._one_question(
            "staff_message_id = ? OR staff_media_message_id = ?", message_id, message_id
        )

    async def _one_question(self, where: str, *parameters: object) -> Question | None:
        found = await self._select(f"{where} LIMIT 1", *parameters)
        return found[0] if found else None

    async def _select(self, where: str, *parameters: object) -> list[Question]:
        async with self._db.execute(f"SELECT * FROM questions WHERE {where}", parameters) as cursor:
            rows = await cursor.fetchall()
        return [Question(**dict(row)) for row in rows]

    async def questions(
        self, status: str | None = OPEN, limit: int = 100, offset: int = 0
    ) -> list[Question]:
        """Questions, oldest first."""
        if status is None:
            return await self._select("1 ORDER BY id LIMIT ? OFFSET ?", limit, offset)
        return await self._select("status = ? ORDER BY id LIMIT ? OFFSET ?", status, limit, offset)

    async def count_questions(self, status: str = OPEN) -> int:
        async with self._db.execute(
            "SELECT COUNT(*) FROM questions WHERE status = ?", (status,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def unposted_questions(self) -> list[Question]:
        """Open questions that have not reached the staff group yet (it was down, or we were)."""
        return await self._select("status = ? AND staff_message_id IS NULL ORDER BY id", OPEN)

    async def labelled_questions(self) -> list[Question]:
        """Questions staff labelled with an intent (not dismissed): training data to be."""
        return await self._select("label IS NOT NULL AND status != ? ORDER BY id", DISMISSED)

    async def set_staff_post(
        self, question_id: int, message_id: int, media_message_id: int | None = None
    ) -> None:
        await self._db.execute(
            "UPDATE questions SET staff_message_id = ?, staff_media_message_id = ? WHERE id = ?",
            (message_id, media_message_id, question_id),
        )

    async def mark_answered(self, question_id: int, by: str) -> None:
        """A staff reply reached the newcomer; every further reply counts too."""
        await self._db.execute(
            """
            UPDATE questions SET replies = replies + 1, answered_by = ?, answered_at = ?,
                status = CASE WHEN status = 'open' THEN 'answered' ELSE status END
            WHERE id = ?
            """,
            (by, now(), question_id),
        )

    async def label_question(self, question_id: int, label: str, by: str) -> None:
        """Staff chose the question's topic, or dismissed it (spam, duplicate)."""
        await self._db.execute(
            """
            UPDATE questions SET label = ?, labelled_by = ?, labelled_at = ?,
                status = CASE
                    WHEN ? THEN 'dismissed'
                    WHEN status = 'dismissed' THEN CASE WHEN replies > 0 THEN 'answered'
                                                        ELSE 'open' END
                    ELSE status END
            WHERE id = ?
            """,
            (label, by, now(), label in DISMISSALS, question_id),
        )

    async def count(self, event: str, language: str, topic: str) -> None:
        """One more `event` today: numbers only, no text, no user."""
        await self._db.execute(
            """
            INSERT INTO counts (day, event, language, topic, count) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (day, event, language, topic) DO UPDATE SET count = count + 1
            """,
            (datetime.now(timezone.utc).date().isoformat(), event, language, topic),
        )

    async def counts(self, days: int) -> Counts:
        """The counts of the last `days` days, today included."""
        since = (datetime.now(timezone.utc).date() - timedelta(days=days - 1)).isoformat()
        async with self._db.execute(
            "SELECT event, language, topic, SUM(count) AS n FROM counts WHERE day >= ? "
            "GROUP BY event, language, topic",
            (since,),
        ) as cursor:
            rows = await cursor.fetchall()
        by_language: dict[str, int] = {}
        by_topic: dict[str, int] = {}
        events: dict[str, int] = {}
        for row in rows:
            events[row["event"]] = events.get(row["event"], 0) + row["n"]
            if row["event"] == "message":
                by_language[row["language"]] = by_language.get(row["language"], 0) + row["n"]
                by_topic[row["topic"]] = by_topic.get(row["topic"], 0) + row["n"]
        return Counts(by_language, by_topic, events)

    async def user_data(self, user_id: str) -> dict[str, object]:
        """Everything stored about one user (what /privacy shows)."""
        language = await self.user_language(user_id)
        async with self._db.execute(
            "SELECT id, text, created_at, status FROM questions WHERE user_id = ? ORDER BY id",
            (user_id,),
        ) as cursor:
            questions = [dict(row) for row in await cursor.fetchall()]
        return {
            "language": language.language if language else None,
            "language_chosen": language.chosen if language else None,
            "questions": questions,
        }

    async def delete_questions_older_than(self, days: int) -> Deleted:
        """Privacy: question texts are kept at most `days` days (counts stay). The staff posts
        of the deleted questions are returned, so that they can be emptied too."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
        return await self._delete_questions("created_at < ?", cutoff)

    async def forget_user(self, user_id: str) -> Deleted:
        """Delete everything stored about one user; returns the staff posts of their questions."""
        await self._db.execute("BEGIN")
        try:
            deleted = await self._delete_questions("user_id = ?", user_id)
            await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        await self._db.execute("COMMIT")
        return deleted

    async def _delete_questions(self, where: str, value: str) -> Deleted:
        async with self._db.execute(
            f"DELETE FROM questions WHERE {where} "
            "RETURNING id, staff_message_id, staff_media_message_id",
            (value,),
        ) as cursor:
            rows = list(await cursor.fetchall())
        posts = [
            StaffPost(row["id"], row["staff_message_id"], row["staff_media_message_id"])
            for row in rows
            if row["staff_message_id"] is not None
        ]
        return Deleted(len(rows), posts)

    async def backup(self, target: Path) -> None:
        """A consistent copy of the database, also while the bot writes (SQLite's backup API)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(target) as copy:
            await self._db.backup(copy)
