"""The store: migrations, WAL, languages, questions kept for a person, a user's data, retention,
and the one shared connection (no write slips into another user's transaction)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.core.store import MIGRATIONS, Kept, Store, UserLanguage
from tests.helpers import backdate, keep, keep_out_of_scope


async def test_a_new_database_is_migrated_to_the_latest_version_in_wal_mode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new" / "bot.sqlite3"
    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
    finally:
        await store.close()
    async with aiosqlite.connect(path) as raw, raw.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone()) == ("wal",)


async def test_opening_again_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    for _ in range(2):
        store = await Store.open(path)
        await store.remember_language("u1", "ar")
        assert await store.schema_version() == len(MIGRATIONS)
        await store.close()


async def test_a_version_3_database_keeps_its_questions_and_users(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as old:
        for number, script in enumerate(MIGRATIONS[:3], start=1):
            old.executescript(f"{script}; PRAGMA user_version = {number};")
        old.execute(
            "INSERT INTO questions (id, user_id, text, language, reply_language, intent, "
            "confidence, reason, created_at, staff_message_id) VALUES "
            "(7, 'u1', 'alte Frage', 'de', 'de', 'greet', 0.5, 'fallback', '2026-11-01', 40)"
        )
        old.execute("INSERT INTO users VALUES ('u1', 'ar', 1, '2026-11-01')")
    store = await Store.open(path)
    try:
        question = await store.question(7)
        assert question is not None and question.text == "alte Frage"
        assert await store.user_language("u1") == UserLanguage("ar", chosen=True)
        assert (await store.user_data("u1")).last_seen == "2026-11-01"
    finally:
        await store.close()


async def test_a_chosen_language_is_not_overwritten_by_a_detected_one(store: Store) -> None:
    await store.remember_language("u1", "ar")
    await store.remember_language("u1", "fa", chosen=True)
    await store.remember_language("u1", "de")
    assert await store.user_language("u1") == UserLanguage("fa", chosen=True)
    await store.remember_language("u1", "uk", chosen=True)
    assert await store.user_language("u1") == UserLanguage("uk", chosen=True)


async def test_a_question_and_its_post_job_are_on_disk_when_keep_question_returns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    question_id = await keep(store, text="Wann kommt mein Geld?")
    # A second connection sees both at once: committed, not left in a transaction.
    async with aiosqlite.connect(path) as other:
        async with other.execute("SELECT text FROM questions WHERE id = ?", (question_id,)) as c:
            assert await c.fetchone() == ("Wann kommt mein Geld?",)
        async with other.execute("SELECT action, question_id FROM outbox") as c:
            assert [tuple(row) for row in await c.fetchall()] == [("post", question_id)]
    await store.close()


async def test_a_question_number_is_never_given_twice(store: Store) -> None:
    first = await keep(store, "u1", "eins")
    await store.forget_user("u1")
    assert await keep(store, "u2", "zwei") == first + 1


async def test_repeats_and_edits_collapse_into_the_open_question(store: Store) -> None:
    asked = await keep(store, text="Wo gibt es Hilfe?", dedupe_key="wo gibt es hilfe",
                       source_message_id=10)  # fmt: skip
    again = await keep_out_of_scope(
        store, text="wo gibt es Hilfe", dedupe_key="wo gibt es hilfe", source_message_id=11
    )
    assert (again.outcome, again.question_id) == (Kept.REPEATED, asked)
    edited = await keep_out_of_scope(
        store,
        text="Wo gibt es Hilfe beim Amt?",
        dedupe_key="wo gibt es hilfe beim amt",
        source_message_id=10,
    )
    assert (edited.outcome, edited.question_id) == (Kept.EDITED, asked)
    [question] = await store.questions()
    assert (question.text, question.repeats) == ("Wo gibt es Hilfe beim Amt?", 1)
    jobs = await store._all("SELECT action FROM outbox ORDER BY id")
    assert [row[0] for row in jobs] == ["post", "update_post"]


async def test_more_than_the_daily_limit_is_not_kept(store: Store) -> None:
    for n in range(3):
        await keep(store, text=f"Frage {n}", daily_limit=3)
    over = await store.keep_question(
        user_id="u1", text="Frage 3", language="de", reply_language="de", intent="greet",
        confidence=0.1, reason="fallback", daily_limit=3,
    )  # fmt: skip
    assert (over.outcome, over.question_id) == (Kept.OVER_LIMIT, None)
    assert await keep(store, "u2", "Frage von jemand anderem", daily_limit=3)
    await backdate(store, "questions", "user_id = 'u1'", days=1.1)
    assert await keep(store, text="am nächsten Tag", daily_limit=3)


async def test_what_a_user_sees_in_mydata_is_all_that_is_stored_about_them(store: Store) -> None:
    await store.remember_language("u1", "ru")
    await keep(store, "u1", "вопрос")
    await keep(store, "u2", "другой вопрос")
    data = await store.user_data("u1")
    assert data.language == UserLanguage("ru", chosen=False) and data.last_seen
    assert [q.text for q in data.questions] == ["вопрос"]
    assert not data.empty
    assert (await store.user_data("nobody")).empty


async def test_forget_user_deletes_everything_about_that_user_only(store: Store) -> None:
    for user in ("u1", "u2"):
        await store.remember_language(user, "ru")
        await keep(store, user, f"question of {user}")
    assert await store.forget_user("u1") == 1
    assert (await store.user_data("u1")).empty
    assert [q.user_id for q in await store.questions()] == ["u2"]
    assert await store.user_language("u2") == UserLanguage("ru", chosen=False)


async def test_old_questions_and_users_who_stopped_writing_are_deleted(store: Store) -> None:
    await keep(store, "u1", "old")
    await keep(store, "u1", "new")
    for user in ("gone", "active"):
        await store.remember_language(user, "fa")
    await backdate(store, "questions", "text = 'old'", days=91)
    await backdate(store, "users", "user_id = 'gone'", days=91)
    assert await store.delete_expired(90) == (1, 1)
    assert [q.text for q in await store.questions()] == ["new"]
    assert await store.user_language("gone") is None
    assert await store.user_language("active") is not None
    await store.seen("active")  # writing again keeps a user for another period


async def test_a_failing_deletion_rolls_back_nobody_elses_writes(store: Store) -> None:
    """The connection is shared: while one user's deletion runs in a transaction, another
    user's write waits for it, and is neither rolled back with it nor lost."""
    await keep(store, "u1", "mine")
    started, release = asyncio.Event(), asyncio.Event()

    async def failing() -> None:
        async with store._transaction():
            await store._execute("DELETE FROM questions WHERE user_id = 'u1'")
            started.set()
            await release.wait()
            raise RuntimeError("disk on fire")

    deletion = asyncio.create_task(failing())
    await started.wait()
    other = asyncio.create_task(store.remember_language("u2", "tr"))
    await asyncio.sleep(0)  # the other write is waiting for the lock, not inside the transaction
    release.set()
    with pytest.raises(RuntimeError):
        await deletion
    await other
    assert [q.text for q in await store.questions()] == ["mine"]  # rolled back
    assert await store.user_language("u2") == UserLanguage("tr", chosen=False)  # kept


async def test_a_voice_note_is_kept_with_its_file_id(store: Store) -> None:
    await store.keep_question(
        user_id="u1", text="(voice)", language="und", reply_language="ar", intent="nlu_fallback",
        confidence=0.0, reason="voice", media_kind="voice", media_file_id="AwACAgIAAxk",
    )  # fmt: skip
    [question] = await store.questions()
    assert (question.media_kind, question.media_file_id) == ("voice", "AwACAgIAAxk")
