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
)


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
        return question_id

    async def questions(self, status: str | None = "open", limit: int = 100) -> list[Question]:
        """Questions, oldest first."""
        query = "SELECT * FROM questions"
        parameters: tuple[object, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            parameters = (status,)
        query += " ORDER BY id LIMIT ?"
        async with self._db.execute(query, (*parameters, limit)) as cursor:
            rows = await cursor.fetchall()
        return [Question(**dict(row)) for row in rows]

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

    async def delete_questions_older_than(self, days: int) -> int:
        """Privacy: question texts are kept at most `days` days. Returns how many were deleted."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
        cursor = await self._db.execute("DELETE FROM questions WHERE created_at < ?", (cutoff,))
        deleted = cursor.rowcount
        await cursor.close()
        return deleted

    async def forget_user(self, user_id: str) -> None:
        """Delete everything stored about one user."""
        await self._db.execute("BEGIN")
        try:
            await self._db.execute("DELETE FROM questions WHERE user_id = ?", (user_id,))
            await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        await self._db.execute("COMMIT")
