"""The store: migrations, WAL, languages, unanswered questions, a user's data and its deletion."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiosqlite

from bot.store import MIGRATIONS, Store, UserLanguage


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


async def test_a_chosen_language_is_not_overwritten_by_a_detected_one(store: Store) -> None:
    await store.remember_language("u1", "ar")
    await store.remember_language("u1", "fa", chosen=True)
    await store.remember_language("u1", "de")
    assert await store.user_language("u1") == UserLanguage("fa", chosen=True)
    await store.remember_language("u1", "uk", chosen=True)
    assert await store.user_language("u1") == UserLanguage("uk", chosen=True)


async def test_an_unanswered_question_is_on_disk_when_add_question_returns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    question_id = await store.add_question(
        user_id="u1", text="Wann kommt mein Geld?", language="de", reply_language="de",
        intent="out_of_scope", confidence=0.9, reason="out_of_scope",
    )  # fmt: skip
    # A second connection sees it at once: it was committed, not left in a transaction.
    query = "SELECT text FROM questions WHERE id = ?"
    async with aiosqlite.connect(path) as other, other.execute(query, (question_id,)) as cursor:
        assert await cursor.fetchone() == ("Wann kommt mein Geld?",)
    await store.close()


async def test_forget_user_deletes_everything_about_that_user_only(store: Store) -> None:
    for user in ("u1", "u2"):
        await store.remember_language(user, "ru")
        await store.add_question(
            user_id=user, text=f"question of {user}", language="ru", reply_language="ru",
            intent="nlu_fallback", confidence=0.2, reason="fallback",
        )  # fmt: skip
    before = await store.user_data("u1")
    assert before["language"] == "ru" and len(before["questions"]) == 1  # type: ignore[arg-type]

    await store.forget_user("u1")

    assert await store.user_data("u1") == {
        "language": None, "language_chosen": None, "questions": []
    }  # fmt: skip
    assert [q.user_id for q in await store.questions()] == ["u2"]


async def test_questions_older_than_the_retention_period_are_deleted(store: Store) -> None:
    for text in ("old", "new"):
        await store.add_question(
            user_id="u1", text=text, language="de", reply_language="de",
            intent="out_of_scope", confidence=0.9, reason="out_of_scope",
        )  # fmt: skip
    # Make "old" 91 days old, as if it had been asked then.
    asked = (datetime.now(timezone.utc) - timedelta(days=91)).isoformat(timespec="seconds")
    await store._db.execute("UPDATE questions SET created_at = ? WHERE text = 'old'", (asked,))
    assert (await store.delete_questions_older_than(90)).count == 1
    assert [q.text for q in await store.questions()] == ["new"]


async def test_a_voice_note_is_kept_with_its_file_id(store: Store) -> None:
    await store.add_question(
        user_id="u1", text="(voice)", language="und", reply_language="ar", intent="nlu_fallback",
        confidence=0.0, reason="voice", media_kind="voice", media_file_id="AwACAgIAAxk",
    )  # fmt: skip
    [question] = await store.questions()
    assert (question.media_kind, question.media_file_id) == ("voice", "AwACAgIAAxk")
