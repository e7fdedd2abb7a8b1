"""The store's part of the staff loop: where questions are shown (by chat AND message), the
outbox and what deletion queues, answers, labels, counts, and backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.core.store import (
    ANSWERED,
    CONFIRMATION,
    DISMISSED,
    INBOX,
    MEDIA,
    OPEN,
    POST,
    STAFF_REPLY,
    Store,
)
from tests.helpers import backdate, keep

OLD_GROUP, NEW_GROUP = -1001, -1002


async def test_two_posts_with_the_same_message_id_in_two_chats_never_cross(store: Store) -> None:
    first, second = await keep(store, "u1", "erste"), await keep(store, "u2", "zweite")
    await store.record_staff_message(OLD_GROUP, 5, POST, first)
    await store.record_staff_message(NEW_GROUP, 5, POST, second)
    in_old = await store.question_shown_by(OLD_GROUP, 5)
    in_new = await store.question_shown_by(NEW_GROUP, 5)
    assert in_old is not None and in_old.id == first
    assert in_new is not None and in_new.id == second
    assert await store.question_shown_by(-1003, 5) is None


async def test_a_moved_group_gets_every_open_question_again(store: Store) -> None:
    shown, answered = await keep(store, "u1", "offen"), await keep(store, "u2", "beantwortet")
    await store.mark_answered(answered, "Anna")
    await store.record_staff_message(OLD_GROUP, 3, POST, shown)
    assert await store.questions_to_show_again(OLD_GROUP) == []
    assert await store.questions_to_show_again(NEW_GROUP) == [shown]
    assert await store.follow_staff_chat(OLD_GROUP, NEW_GROUP) == [shown]
    assert await store.current_staff_chat(OLD_GROUP) == NEW_GROUP
    assert await store.current_staff_chat(-1999) == -1999


async def test_the_outbox_keeps_its_order_and_sets_refused_jobs_aside(store: Store) -> None:
    ids = [await keep(store, f"u{n}", f"Frage {n}") for n in range(3)]
    first = await store.next_job()
    assert first is not None and first.question_id == ids[0]
    await store.job_failed(first.id, "network down", for_good=False)
    retried = await store.next_job()
    assert retried is not None and (retried.id, retried.attempts) == (first.id, 1)  # still first
    await store.job_failed(first.id, "message is too long", for_good=True)
    following = await store.next_job()
    assert following is not None and following.question_id == ids[1]  # not held up
    await store.job_done(following.id)
    assert await store.pending_jobs() == 1
    assert [job.question_id for job in await store.failed_jobs()] == [ids[0]]


async def test_deleting_a_question_queues_the_removal_of_all_it_showed(store: Store) -> None:
    mine, other = await keep(store, "u1", "meine"), await keep(store, "u2", "andere")
    shown = [(POST, 10, mine), (MEDIA, 11, mine), (CONFIRMATION, 12, mine),
             (STAFF_REPLY, 13, mine), (INBOX, 14, None), (POST, 15, other)]  # fmt: skip
    for kind, message_id, question in shown:
        await store.record_staff_message(OLD_GROUP, message_id, kind, question)
    while (job := await store.next_job()) is not None:  # the posts' own jobs are done
        await store.job_done(job.id)

    await store.forget_user("u1")
    jobs = await store._all("SELECT action, message_id, kind FROM outbox ORDER BY id")
    # The bot's texts are emptied (any age); media and staff replies deleted; every inbox page
    # emptied too, since it may quote the question. The other user's post stays.
    assert [tuple(row) for row in jobs] == [
        ("redact", 10, POST), ("delete", 11, MEDIA), ("redact", 12, CONFIRMATION),
        ("delete", 13, STAFF_REPLY), ("redact", 14, INBOX),
    ]  # fmt: skip
    assert await store.staff_message(OLD_GROUP, 15) is not None
    assert await store.staff_message(OLD_GROUP, 10) is None


async def test_media_replies_and_inbox_pages_leave_the_group_after_a_day(store: Store) -> None:
    question = await keep(store)
    for kind, message_id in ((POST, 1), (MEDIA, 2), (STAFF_REPLY, 3), (INBOX, 4)):
        await store.record_staff_message(OLD_GROUP, message_id, kind, question)
    assert await store.expire_staff_messages((MEDIA, STAFF_REPLY, INBOX), 24) == 0
    await store._db.execute(
        "UPDATE staff_messages SET created_at = '2000-01-01T00:00:00+00:00' WHERE message_id > 1"
    )
    assert await store.expire_staff_messages((MEDIA, STAFF_REPLY, INBOX), 24) == 3
    jobs = await store._all("SELECT action, message_id FROM outbox WHERE action != 'post'")
    assert [tuple(row) for row in jobs] == [("delete", 2), ("delete", 3), ("redact", 4)]
    assert await store.post_of(question, OLD_GROUP) == 1  # the post itself stays


async def test_every_staff_reply_counts_and_the_first_answers_the_question(store: Store) -> None:
    question_id = await keep(store)
    await store.mark_answered(question_id, "Anna")
    await store.mark_answered(question_id, "Ben")
    question = await store.question(question_id)
    assert question is not None
    assert (question.status, question.replies, question.answered_by) == (ANSWERED, 2, "Ben")
    assert await store.count_questions(OPEN) == 0


async def test_labels_and_dismissals(store: Store) -> None:
    question_id = await keep(store)
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
    ids = [await keep(store, f"u{n}", f"Frage {n}") for n in range(7)]
    await store.mark_answered(ids[1], "Anna")
    page = await store.questions(OPEN, limit=5, offset=5)
    assert [q.id for q in page] == ids[6:]
    assert await store.count_questions(OPEN) == 6


async def test_counts_have_no_text_and_outlive_the_questions(store: Store) -> None:
    await store.count("message", "ar", "ask_contact")
    await store.count("message", "ar", "ask_contact")
    await store.count("thumbs_down", "ar", "ask_contact")
    await keep(store)  # counts "unanswered"
    await backdate(store, "questions", "1", days=100)
    await store.delete_expired(90)
    counts = await store.counts(7)
    assert counts.messages_by_language == {"ar": 2}
    assert counts.messages_by_topic == {"ask_contact": 2}
    assert counts.events == {"message": 2, "thumbs_down": 1, "unanswered": 1}
    assert await store.questions(None) == []


async def test_backup_is_a_consistent_copy_while_the_store_is_open(
    store: Store, tmp_path: Path
) -> None:
    await keep(store, text="vor dem Backup")
    target = tmp_path / "backup" / "copy.sqlite3"
    await store.backup(target)
    await keep(store, "u2", text="nach dem Backup")
    with sqlite3.connect(target) as copy:
        texts = [row[0] for row in copy.execute("SELECT text FROM questions")]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert texts == ["vor dem Backup"]
