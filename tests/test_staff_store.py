"""The store's part of the staff loop: posts, answers, labels, counts, deletion, backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import ANSWERED, DISMISSED, OPEN, Store


async def add(store: Store, user: str = "42", text: str = "Frage?", language: str = "de") -> int:
    return await store.add_question(
        user_id=user,
        text=text,
        language=language,
        reply_language=language,
        intent="ask_counselling",
        confidence=0.41,
        reason="fallback",
    )


async def test_a_question_is_unposted_until_its_staff_post_is_recorded(store: Store) -> None:
    first, second = await add(store), await add(store)
    assert [q.id for q in await store.unposted_questions()] == [first, second]
    await store.set_staff_post(first, 900, 901)
    assert [q.id for q in await store.unposted_questions()] == [second]
    by_post = await store.question_by_post(900)
    by_media = await store.question_by_post(901)
    assert by_post is not None and by_media is not None
    assert by_post.id == by_media.id == first
    assert await store.question_by_post(902) is None


async def test_every_staff_reply_counts_and_the_first_answers_the_question(store: Store) -> None:
    question_id = await add(store)
    await store.mark_answered(question_id, "Anna")
    await store.mark_answered(question_id, "Ben")
    question = await store.question(question_id)
    assert question is not None
    assert (question.status, question.replies, question.answered_by) == (ANSWERED, 2, "Ben")
    assert await store.count_questions(OPEN) == 0


async def test_labels_and_dismissals(store: Store) -> None:
    question_id = await add(store)
    await store.label_question(question_id, "spam", "Anna")
    question = await store.question(question_id)
    assert question is not None and (question.status, question.label) == (DISMISSED, "spam")
    assert await store.labelled_questions() == []
    # A wrong dismissal can be corrected: the question is open again, with its topic.
    await store.label_question(question_id, "ask_language_course", "Ben")
    question = await store.question(question_id)
    assert question is not None
    assert (question.status, question.label, question.labelled_by) == (
        OPEN, "ask_language_course", "Ben",
    )  # fmt: skip
    assert [q.id for q in await store.labelled_questions()] == [question_id]


async def test_the_inbox_pages_through_open_questions_oldest_first(store: Store) -> None:
    ids = [await add(store, text=f"Frage {n}") for n in range(7)]
    await store.mark_answered(ids[1], "Anna")
    page = await store.questions(OPEN, limit=5, offset=5)
    assert [q.id for q in page] == ids[6:]
    assert await store.count_questions(OPEN) == 6


async def test_counts_have_no_text_and_outlive_the_questions(store: Store) -> None:
    await store.count("message", "ar", "ask_contact")
    await store.count("message", "ar", "ask_contact")
    await store.count("thumbs_down", "ar", "ask_contact")
    await add(store, language="fa")  # counts "unanswered"
    await store._db.execute("UPDATE questions SET created_at = '2000-01-01T00:00:00+00:00'")
    await store.delete_questions_older_than(90)
    counts = await store.counts(7)
    assert counts.messages_by_language == {"ar": 2}
    assert counts.messages_by_topic == {"ask_contact": 2}
    assert counts.events == {"message": 2, "thumbs_down": 1, "unanswered": 1}
    assert await store.questions(None) == []


async def test_forgetting_returns_the_posts_to_empty(store: Store) -> None:
    posted, unposted, other = await add(store, "7"), await add(store, "7"), await add(store, "8")
    await store.set_staff_post(posted, 500, None)
    deleted = await store.forget_user("7")
    assert deleted.count == 2
    assert [(p.question_id, p.message_id) for p in deleted.posts] == [(posted, 500)]
    assert [q.id for q in await store.questions(None)] == [other]
    assert unposted not in [q.id for q in await store.questions(None)]


async def test_backup_is_a_consistent_copy_while_the_store_is_open(
    store: Store, tmp_path: Path
) -> None:
    await add(store, text="vor dem Backup")
    target = tmp_path / "backup" / "copy.sqlite3"
    await store.backup(target)
    await add(store, text="nach dem Backup")
    with sqlite3.connect(target) as copy:
        texts = [row[0] for row in copy.execute("SELECT text FROM questions")]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert texts == ["vor dem Backup"]
