"""End to end, the promises that make the bot safe to launch: each staff answer reaches the right
person, also when Telegram moves the group; an outage or a text Telegram refuses holds nothing
up; what the group shows leaves it in time; a bot without a staff group promises no person.

The real bot process and the Bot API emulator, with a fake Rasa (tests/fake_rasa.py): none of this
depends on the model, and without it a bot starts in seconds. The same through the real model is
in test_staff_e2e.py."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.store import timestamp, utc_now
from bot.paths import ROOT
from bot.telegram.staff_texts import StaffTexts
from tests.helpers import (
    ANNA,
    CATALOGUE,
    GROUP,
    bot_with_fake_rasa,
    latest_version,
    media_in_group,
    new_user,
    next_message,
    post_of,
    question_id_of,
)
from tests.telegram_emulator import (
    JSON,
    TEST_TOKEN,
    Emulator,
    Fault,
    Group,
    all_replies,
)

pytestmark = pytest.mark.e2e

STAFF = StaffTexts()
NEW_HOME = Group(-1009999999999, "Integrationsbüro Team")
FALLBACK_DE = CATALOGUE.render("nlu_fallback", "de")


async def ask(emulator: Emulator, text: str, chat_id: int = GROUP.id) -> tuple[int, JSON]:
    """A new newcomer asks what only a person can answer; their id, and the question's post."""
    newcomer = new_user()
    await emulator.send(newcomer, text=text)
    assert (await emulator.wait_for_messages(newcomer.id, 1))[0]["text"] == FALLBACK_DE
    return newcomer.id, await emulator.wait_for(post_of(emulator, text, chat_id))


async def test_a_group_that_became_a_supergroup_is_followed_and_answers_never_cross(
    tmp_path: Path,
) -> None:
    async with bot_with_fake_rasa(tmp_path) as bot:
        emulator = bot.emulator
        for n in range(5):  # the team chats first: the question's post gets a higher number
            await emulator.send(ANNA, chat=GROUP.as_chat(), text=f"Guten Morgen {n}")
        amal, old_post = await ask(emulator, "Frage von Amal zur Wohnung")

        await emulator.migrate(GROUP, NEW_HOME)
        # The bot follows, says so, and shows the open question again in the new group.
        await emulator.wait_for(post_of(emulator, "neue Nummer", NEW_HOME.id))
        amal_post = await emulator.wait_for(post_of(emulator, "von Amal", NEW_HOME.id))
        # The new group numbers its messages from 1: pad until the next post gets the number
        # that Amal's post has in the old group.
        while emulator.last_message_id(NEW_HOME.id) < old_post["message_id"] - 1:
            await emulator.send(ANNA, chat=NEW_HOME.as_chat(), text="…")
        bilal, bilal_post = await ask(emulator, "Frage von Bilal zum Kurs", NEW_HOME.id)
        assert bilal_post["message_id"] == old_post["message_id"]  # same number, other chat

        await emulator.send(ANNA, chat=NEW_HOME.as_chat(), reply_to=bilal_post, text="Für Bilal")
        await emulator.send(ANNA, chat=NEW_HOME.as_chat(), reply_to=amal_post, text="Für Amal")
        await emulator.wait_for(post_of(emulator, "Antwort von Anna:\n\nFür Amal", NEW_HOME.id))
        assert emulator.messages_to(bilal)[-1]["text"].endswith("Für Bilal")
        assert emulator.messages_to(amal)[-1]["text"].endswith("Für Amal")
        assert "Für Bilal" not in str(emulator.messages_to(amal))
        assert f"STAFF_CHAT_ID={NEW_HOME.id}" in bot.log.read_text()  # the maintainer is told

    # Restarted with the old STAFF_CHAT_ID, the bot stays in the new group.
    async with bot_with_fake_rasa(tmp_path, emulator) as bot:
        _, post = await ask(emulator, "Frage von Chiara nach dem Neustart", NEW_HOME.id)
        assert "Frage #" in post["text"]


async def test_after_an_outage_a_long_question_holds_up_nothing(tmp_path: Path) -> None:
    async with bot_with_fake_rasa(tmp_path) as bot:
        emulator = bot.emulator
        emulator.blocked.add(GROUP.id)  # the group cannot be reached
        emoji = "🙏" * 2500  # 2,500 characters for Python, 5,000 units for Telegram
        for text in (emoji, "Wer hilft mir beim Brief?"):
            newcomer = new_user()
            await emulator.send(newcomer, text=text)
            await emulator.wait_for_messages(newcomer.id, 1)
        await emulator.wait_for(  # the bot tried to post, and was refused
            lambda: any(
                method == "sendMessage" and int(params["chat_id"]) == GROUP.id
                for method, params in emulator.calls
            )
        )
        emulator.blocked.discard(GROUP.id)
        long_post = await emulator.wait_for(post_of(emulator, "🙏🙏🙏"), timeout=60)
        assert long_post["text"].count("🙏") < 2500 and "…" in long_post["text"]
        await emulator.wait_for(post_of(emulator, "Wer hilft mir beim Brief?"), timeout=60)


async def test_a_refused_post_goes_out_without_its_text_and_the_next_follows(
    tmp_path: Path,
) -> None:
    async with bot_with_fake_rasa(tmp_path) as bot:
        emulator = bot.emulator
        emulator.fail("sendMessage", Fault(400, "Bad Request: can't parse entities",
                                           chat_id=GROUP.id))  # fmt: skip
        newcomer = new_user()
        await emulator.send(newcomer, text="Eine Frage, die Telegram nicht zeigen will")
        post = await emulator.wait_for(post_of(emulator, "Den Text kann ich hier nicht zeigen"))
        assert "Frage #" in post["text"]  # staff can still reply to it
        await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text="Rufen Sie an")
        await emulator.wait_for_messages(newcomer.id, 2)
        await ask(emulator, "Die nächste Frage")


async def test_a_post_that_arrived_although_its_send_failed_is_emptied(tmp_path: Path) -> None:
    async with bot_with_fake_rasa(tmp_path) as bot:
        emulator = bot.emulator
        # The post reaches the group, but the connection breaks before the bot hears so.
        emulator.fail("sendMessage", Fault(drop=True, delivered=True, chat_id=GROUP.id))
        newcomer = new_user()
        await emulator.send(newcomer, text="Eine Frage, die zweimal ankommt")
        stub = STAFF.render("duplicate_removed")
        await emulator.wait_for(lambda: post_of(emulator, stub)() is not None, timeout=60)
        copies = [
            m for m in emulator.messages_to(GROUP.id) if "zweimal ankommt" in m.get("text", "")
        ]
        assert len(copies) == 2  # the lost one, and the one the bot knows
        assert latest_version(emulator, copies[0])["text"] == stub
        assert "zweimal ankommt" in latest_version(emulator, copies[1])["text"]


async def test_media_answers_and_inbox_pages_leave_the_group_within_48_hours(
    tmp_path: Path,
) -> None:
    voice = {"file_id": "v-media", "file_unique_id": "vm", "duration": 3}
    async with bot_with_fake_rasa(tmp_path) as bot:
        emulator = bot.emulator
        newcomer = new_user()
        await emulator.send(newcomer, voice=voice)
        post = await emulator.wait_for(post_of(emulator, "Sprachnachricht"))
        recording = await emulator.wait_for(media_in_group(emulator, "voice", "v-media"))
        fresh = await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text="Gern!")
        await emulator.wait_for(post_of(emulator, "Antwort von Anna"))
        old = await emulator.send(ANNA, chat=GROUP.as_chat(), reply_to=post, text="Noch was")
        await emulator.wait_for(post_of(emulator, "Antwort von Anna:\n\nNoch was"))
        page = next_message(emulator, GROUP.id)
        await emulator.send(ANNA, chat=GROUP.as_chat(), text="/inbox")
        inbox = await emulator.wait_for(page)
        # The group's updates are handled in order: once /stats is answered, the bot has
        # recorded everything before it.
        await emulator.send(ANNA, chat=GROUP.as_chat(), text="/stats")
        await emulator.wait_for(post_of(emulator, "Statistik"))
    # A day goes by (in the database); one answer is even older than Telegram's 48 hours.
    a_day_ago = timestamp(utc_now() - timedelta(hours=25))
    with sqlite3.connect(bot.database) as database:
        database.execute("UPDATE staff_messages SET created_at = ?", (a_day_ago,))
    emulator.age(GROUP.id, old["message_id"], 49 * 3600)

    async with bot_with_fake_rasa(tmp_path, emulator):  # the day's housekeeping runs at start
        await emulator.wait_for(lambda: (GROUP.id, recording["message_id"]) in emulator.deleted)
        await emulator.wait_for(lambda: (GROUP.id, fresh["message_id"]) in emulator.deleted)
        await emulator.wait_for(lambda: "abgelaufen" in latest_version(emulator, inbox)["text"])
        # Too old for a bot to delete: the group is asked to, under that very message.
        by_hand = await emulator.wait_for(post_of(emulator, "von Hand"))
        assert by_hand["reply_to_message"]["message_id"] == old["message_id"]
        # The post stays, and shows the recording again on request.
        await emulator.press(ANNA, post, f"media:{question_id_of(post)}")
        shown = await emulator.wait_for(
            lambda: (
                (m := media_in_group(emulator, "voice", "v-media")())
                and m["message_id"] != recording["message_id"]
                and m
            )
        )
        assert shown["reply_to_message"]["message_id"] == post["message_id"]


async def test_questions_and_users_are_deleted_after_the_retention_period(
    tmp_path: Path,
) -> None:
    async with bot_with_fake_rasa(tmp_path, RETENTION_DAYS="2") as bot:
        emulator = bot.emulator
        asker, post = await ask(emulator, "Eine alte Frage")
        await ask(emulator, "Noch eine alte Frage")
    three_days_ago = timestamp(utc_now() - timedelta(days=3))
    with sqlite3.connect(bot.database) as database:
        database.execute("UPDATE questions SET created_at = ?", (three_days_ago,))
        database.execute("UPDATE users SET last_seen = ?", (three_days_ago,))

    async with bot_with_fake_rasa(tmp_path, emulator, RETENTION_DAYS="2") as bot:
        await emulator.wait_for(lambda: "gelöscht" in latest_version(emulator, post)["text"])
        assert "Deleted 2 questions and 2 users" in bot.log.read_text()
        with sqlite3.connect(bot.database) as database:
            assert database.execute("SELECT COUNT(*) FROM questions").fetchone() == (0,)
            assert database.execute("SELECT COUNT(*) FROM users").fetchone() == (0,)
        assert str(asker) not in bot.log.read_text()


def test_a_bot_with_a_token_but_no_staff_group_refuses_to_start(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "STAFF_CHAT_ID": "",
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "STAFF_CHAT_ID is not set" in finished.stderr and "STAFF_CHAT_ID=off" in finished.stderr


async def test_a_bot_without_a_staff_group_promises_no_person(tmp_path: Path) -> None:
    async with bot_with_fake_rasa(tmp_path, STAFF_CHAT_ID="off") as bot:
        emulator = bot.emulator
        newcomer = new_user()
        for text in ("Wer hilft mir mit dem Brief?", "/help"):
            await emulator.send(newcomer, text=text)
        await emulator.send(newcomer, voice={"file_id": "x", "file_unique_id": "x", "duration": 1})
        replies = [m["text"] for m in await all_replies(emulator, newcomer)]
        privacy = emulator.messages_to(newcomer.id)[-1]["text"]  # all_replies asked for it
        await emulator.send(newcomer, text="/mydata")
        mydata = (await emulator.wait_for_messages(newcomer.id, 5))[-1]["text"]
        await emulator.send(newcomer, text="/forget")
        confirm = (await emulator.wait_for_messages(newcomer.id, 6))[-1]
        await emulator.press(newcomer, confirm, "forget:yes")
        forgotten = await emulator.wait_for(
            lambda: next(
                (
                    m["text"]
                    for m in emulator.messages_to(newcomer.id)
                    if m["text"] != confirm["text"] and m["message_id"] == confirm["message_id"]
                ),
                None,
            )
        )
        assert emulator.messages_to(GROUP.id) == []
    assert replies == [
        CATALOGUE.render(key, "de")
        for key in ("nlu_fallback_no_staff", "help_no_staff", "non_text")
    ]
    assert privacy == CATALOGUE.render("privacy_no_staff", "de")
    # What is stored, and what /forget deletes, without a word about a team's group.
    after_the_data = CATALOGUE.text("mydata_no_staff", "de").split("{last_seen}")[1]
    assert mydata.endswith(after_the_data) and str(newcomer.id) in mydata
    assert confirm["text"] == CATALOGUE.render("forget_confirm_no_staff", "de")
    assert forgotten == CATALOGUE.render("forgotten_no_staff", "de")
    with sqlite3.connect(bot.database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM questions").fetchone() == (0,)


async def test_newcomer_buttons_do_nothing_in_a_group(tmp_path: Path) -> None:
    async with bot_with_fake_rasa(tmp_path) as bot:
        emulator = bot.emulator
        message = await emulator.send(ANNA, chat=GROUP.as_chat(), text="hallo zusammen")
        since = len(emulator.messages_to(GROUP.id))
        for data in ("forget:yes", "topic:contact", "lang:ar", "fb:down:ask_contact:90"):
            await emulator.press(ANNA, message, data)
        # The group's updates are handled in order: when /stats is answered, so were the presses.
        await emulator.send(ANNA, chat=GROUP.as_chat(), text="/stats")
        await emulator.wait_for(post_of(emulator, "Statistik", since=since))
        assert len(emulator.messages_to(GROUP.id)[since:]) == 1
        with sqlite3.connect(bot.database) as database:
            assert database.execute("SELECT COUNT(*) FROM questions").fetchone() == (0,)
