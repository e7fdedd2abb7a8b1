"""End to end, the staff loop: the real bot process with the trained model, the office's group
and its members in the Bot API emulator (loopback only). A question the bot cannot answer is
posted to the group, a staff reply reaches the newcomer, buttons label it, outsiders can do
nothing, newcomers' 👍/👎 count, /mydata shows what is kept, /forget removes everything the group
shows of it, and a killed bot loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.store import ANSWERED, OPEN, Question, Store
from bot.telegram.staff_texts import StaffTexts
from tests.helpers import (
    ANNA,
    CATALOGUE,
    GROUP,
    MALLORY,
    NOT_ANSWERED,
    UNANSWERABLE,
    callback_data,
    latest_version,
    media_in_group,
    new_user,
    next_message,
    post_of,
    previews_were_off,
    question_id_of,
    serving_with_a_staff_group,
    staff_env,
)
from tests.telegram_emulator import (
    JSON,
    TEST_TOKEN,
    Emulator,
    User,
    all_replies,
    bot_process,
    the_one_reply,
)

pytestmark = [pytest.mark.model, pytest.mark.e2e]
STAFF = StaffTexts()


@pytest.fixture(scope="module")
async def emulator(database: Path) -> AsyncIterator[Emulator]:
    async with serving_with_a_staff_group(database) as server:
        yield server
    # No message texts in the log at INFO.
    assert UNANSWERABLE not in (database.parent / "bot.log").read_text()
    assert previews_were_off(server)


async def stored(database: Path, question_id: int) -> Question | None:
    store = await Store.open(database)
    try:
        return await store.question(question_id)
    finally:
        await store.close()


async def ask_unanswerable(emulator: Emulator, user: User, text: str = UNANSWERABLE) -> JSON:
    """The newcomer asks, is told a person will answer, and the question appears in the group."""
    await emulator.send(user, text=text)
    replies = await emulator.wait_for_messages(user.id, 1)
    assert replies[-1]["text"] in NOT_ANSWERED
    return await emulator.wait_for(post_of(emulator, text))


async def test_a_staff_reply_to_the_post_reaches_the_newcomer(
    emulator: Emulator, database: Path
) -> None:
    newcomer = new_user("uk")
    post = await ask_unanswerable(emulator, newcomer)
    assert str(newcomer.id) not in post["text"] and "Test" not in post["text"]
    assert "Deutsch" in post["text"] and "Der Bot war unsicher" in post["text"]
    question_id = question_id_of(post)
    assert f"label:{question_id}:ask_language_course" in callback_data(post)

    answer = "Es gibt Alphabetisierungskurse. Rufen Sie uns an, wir helfen gern."
    await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text=answer)
    received = (await emulator.wait_for_messages(newcomer.id, 2))[-1]
    assert received["text"] == f"{CATALOGUE.render('staff_answer_intro', 'de')}\n\n{answer}"
    # The group keeps the answer in the bot's own confirmation, which it can empty at any age.
    confirmation = await emulator.wait_for(post_of(emulator, f"Zugestellt (Frage #{question_id})"))
    assert confirmation["text"] == STAFF.delivered(question_id, "Anna", answer, "text")

    await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text="Noch ein Hinweis.")
    received = (await emulator.wait_for_messages(newcomer.id, 3))[-1]
    assert received["text"].endswith("Noch ein Hinweis.")
    await emulator.wait_for(post_of(emulator, "Antwort von Anna:\n\nNoch ein Hinweis."))
    question = await stored(database, question_id)
    assert question is not None
    assert (question.status, question.answered_by, question.replies) == (ANSWERED, "Anna", 2)


async def test_staff_label_by_button_and_forged_presses_are_ignored(
    emulator: Emulator, database: Path
) -> None:
    post = await ask_unanswerable(emulator, new_user(), "wo kann man hier Grammatik üben abends")
    question_id = question_id_of(post)

    # Someone outside the group forges the button data: on the group's post, and in a private chat.
    await emulator.press(MALLORY, post, f"label:{question_id}:spam")
    own = await emulator.send(MALLORY, text="hallo")
    assert await the_one_reply(emulator, MALLORY) == CATALOGUE.render("greet", "de")
    await emulator.press(MALLORY, own, f"label:{question_id}:spam")
    await emulator.press(ANNA, post, f"label:{question_id}:ask_language_course")

    def ticked() -> JSON | None:
        latest = latest_version(emulator, post)
        return latest if "✅ Deutschkurs" in str(latest.get("reply_markup")) else None

    await emulator.wait_for(ticked)
    question = await stored(database, question_id)
    assert question is not None
    assert (question.label, question.labelled_by, question.status) == (
        "ask_language_course", "Anna", OPEN,
    )  # fmt: skip


async def test_outsiders_get_no_staff_commands(emulator: Emulator) -> None:
    outsider = new_user()
    await emulator.send(outsider, text="/inbox")
    assert await the_one_reply(emulator, outsider) == CATALOGUE.render("help", "de")


async def test_inbox_and_stats_in_the_group(emulator: Emulator) -> None:
    post = await ask_unanswerable(emulator, new_user(), "Gibt es was für Analphabeten am Sonntag")
    question_id = question_id_of(post)
    # Found by their headings, not by position: other posts may still reach the group meanwhile.
    since = len(emulator.messages_to(GROUP.id))
    await emulator.send(ANNA, chat=GROUP.as_chat(), text="/inbox@vs_integration_bot")
    page = await emulator.wait_for(post_of(emulator, "Offene Fragen", since=since))
    # Oldest first, five a page: turn the pages until the new question shows.
    while f"#{question_id} ·" not in page["text"]:
        forward = [d for d in callback_data(page) if d.startswith("inbox:")]
        assert forward, f"#{question_id} is on no page"
        turned = next_message(emulator, GROUP.id)
        await emulator.press(ANNA, page, forward[-1])
        page = await emulator.wait_for(turned)
    assert "Gibt es was für Analphabeten am Sonntag" in page["text"]
    assert f"https://t.me/c/1234567890/{post['message_id']}" in page["text"]

    uploads = len(emulator.uploads)
    await emulator.send(ANNA, chat=GROUP.as_chat(), text="/stats")
    stats = await emulator.wait_for(post_of(emulator, "Statistik"))
    assert "Deutsch:" in stats["text"]
    await emulator.wait_for(lambda: len(emulator.uploads) > uploads)  # and the chart
    assert emulator.uploads[-1].startswith(b"\x89PNG")


async def test_a_voice_note_is_posted_with_the_recording(emulator: Emulator) -> None:
    newcomer = new_user("ar")
    voice = {"file_id": "voice-file-1", "file_unique_id": "v1", "duration": 4}
    since = len(emulator.messages_to(GROUP.id))
    await emulator.send(newcomer, voice=voice)
    reply = (await emulator.wait_for_messages(newcomer.id, 1))[-1]
    assert reply["text"] == CATALOGUE.render("non_text_kept", "ar")
    post = await emulator.wait_for(post_of(emulator, "Sprachnachricht", since=since))
    assert f"media:{question_id_of(post)}" in callback_data(post)  # to show it again later
    recording = await emulator.wait_for(media_in_group(emulator, "voice", "voice-file-1"))
    assert recording["reply_to_message"]["message_id"] == post["message_id"]

    # Staff answer with a voice note of their own: intro, then the recording itself.
    staff_voice = {"file_id": "staff-voice", "file_unique_id": "s1", "duration": 9}
    await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, voice=staff_voice)
    intro, copy = (await emulator.wait_for_messages(newcomer.id, 3))[-2:]
    assert intro["text"] == CATALOGUE.render("staff_answer_intro", "ar")
    assert copy["voice"]["file_id"] == "staff-voice"
    await emulator.wait_for(post_of(emulator, "Sprachnachricht von Anna"))


async def test_a_newcomer_who_blocked_the_bot_is_reported_in_the_group(
    emulator: Emulator,
) -> None:
    newcomer = new_user()
    post = await ask_unanswerable(
        emulator, newcomer, "Wie wird das Wetter am Wochenende in Villingen"
    )
    emulator.blocked.add(newcomer.id)
    await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text="Hallo!")
    await emulator.wait_for(
        post_of(emulator, f"(Frage #{question_id_of(post)}): Die Person hat den Bot blockiert")
    )


async def test_thumbs_down_sends_the_question_to_the_group(emulator: Emulator) -> None:
    newcomer = new_user("fr")
    await emulator.send(newcomer, text="Où se trouve le bureau ?")
    answer = (await emulator.wait_for_messages(newcomer.id, 1))[-1]
    assert answer["text"] == CATALOGUE.render("ask_contact", "fr")
    down = next(data for data in callback_data(answer) if data.startswith("fb:down:"))

    await emulator.press(newcomer, answer, down)
    passed_on = (await emulator.wait_for_messages(newcomer.id, 3))[-1]  # after the markup edit
    assert passed_on["text"] == CATALOGUE.render("feedback_passed_on", "fr")
    post = await emulator.wait_for(post_of(emulator, "Où se trouve le bureau ?"))
    assert "👎" in post["text"] and "Kontakt" in post["text"]
    assert callback_data(latest_version(emulator, answer)) == [CATALOGUE.map_url()]  # one vote

    await emulator.send(newcomer, text="Je cherche un conseil pour mon intégration")
    second = (await emulator.wait_for_messages(newcomer.id, 4))[-1]
    up = next(data for data in callback_data(second) if data.startswith("fb:up:"))
    await emulator.press(newcomer, second, up)
    await emulator.wait_for(
        lambda: any(
            params.get("text") == CATALOGUE.render("feedback_thanks", "fr")
            for method, params in emulator.calls
            if method == "answerCallbackQuery"
        )
    )


async def test_mydata_shows_what_is_kept_and_forget_removes_it_from_the_group(
    emulator: Emulator, database: Path
) -> None:
    newcomer = new_user()
    post = await ask_unanswerable(emulator, newcomer, "Grammatik üben abends in der Gruppe")
    question_id = question_id_of(post)
    since_voice = len(emulator.messages_to(GROUP.id))
    await emulator.send(newcomer, voice={"file_id": "v-2", "file_unique_id": "v2", "duration": 2})
    voice_post = await emulator.wait_for(post_of(emulator, "Sprachnachricht", since=since_voice))
    recording = await emulator.wait_for(media_in_group(emulator, "voice", "v-2"))
    staff_reply = await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text="Gern!")
    confirmation = await emulator.wait_for(post_of(emulator, "Antwort von Anna:\n\nGern!"))
    since = len(emulator.messages_to(GROUP.id))
    await emulator.send(ANNA, chat=GROUP.as_chat(), text="/inbox")
    inbox = await emulator.wait_for(post_of(emulator, "Offene Fragen", since=since))

    await emulator.send(newcomer, text="/mydata")
    mine = (await all_replies(emulator, newcomer))[-1]["text"]
    assert f"#{question_id}" in mine and "Grammatik üben abends in der Gruppe" in mine
    assert str(newcomer.id) in mine and "(voice)" in mine

    asked = next_message(emulator, newcomer.id)
    await emulator.send(newcomer, text="/forget")
    await emulator.press(newcomer, await emulator.wait_for(asked), "forget:yes")
    emptied = await emulator.wait_for(post_of(emulator, f"Frage #{question_id}: gelöscht"))
    assert emptied["message_id"] == post["message_id"]
    gone = {(GROUP.id, recording["message_id"]), (GROUP.id, staff_reply["message_id"])}
    await emulator.wait_for(lambda: gone <= set(emulator.deleted))
    await emulator.wait_for(lambda: "gelöscht" in latest_version(emulator, confirmation)["text"])
    await emulator.wait_for(lambda: "abgelaufen" in latest_version(emulator, inbox)["text"])
    assert "gelöscht" in latest_version(emulator, voice_post)["text"]
    assert await stored(database, question_id) is None
    await emulator.send(newcomer, text="/mydata")
    assert (await all_replies(emulator, newcomer))[-1]["text"] == CATALOGUE.render(
        "mydata_empty", "de"
    )


async def test_killed_in_a_burst_nothing_a_newcomer_was_promised_is_lost(
    tmp_path: Path,
) -> None:
    """The group is unreachable, so questions wait to be posted; the bot is killed (-9); after a
    restart every question whose asker was told "a person will answer" reaches the group."""
    database = tmp_path / "bot.sqlite3"
    server = Emulator(TEST_TOKEN)
    server.add_group(GROUP, ANNA)
    server.blocked.add(GROUP.id)
    await server.start()
    questions = [f"{UNANSWERABLE} Nummer {n}" for n in range(8)]
    newcomers = [new_user() for _ in questions]
    try:
        async with bot_process(server, staff_env(database)) as process:
            for newcomer, text in zip(newcomers, questions, strict=True):
                await server.send(newcomer, text=text)
            for newcomer in newcomers:
                reply = (await server.wait_for_messages(newcomer.id, 1, timeout=60))[-1]
                assert reply["text"] in NOT_ANSWERED
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        assert server.messages_to(GROUP.id) == []
        server.blocked.discard(GROUP.id)
        async with bot_process(server, staff_env(database)):
            for text in questions:  # the outbox is worked through at once after a start
                await server.wait_for(post_of(server, text), timeout=60)
    finally:
        await server.stop()
    posts = [m for m in server.messages_to(GROUP.id) if "❓ Frage #" in m.get("text", "")]
    assert len(posts) == len(questions)  # each one once


async def test_a_backup_while_the_bot_runs_is_complete(
    emulator: Emulator, database: Path, tmp_path: Path
) -> None:
    await ask_unanswerable(emulator, new_user(), "Wie wird das Wetter morgen in Schwenningen")
    copy = tmp_path / "backup.sqlite3"
    finished = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", str(copy)],
        env={**os.environ, "DATABASE_PATH": str(database)},
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(copy) as backup:
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        texts = {row[0] for row in backup.execute("SELECT text FROM questions")}
    assert "Wie wird das Wetter morgen in Schwenningen" in texts
