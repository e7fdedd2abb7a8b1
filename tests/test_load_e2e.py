"""Load, end to end and bounded (loopback only): 300 newcomers write at once while one more floods
the bot with 200 messages. Everyone gets exactly one correct answer; the flooder gets the answers
to the first messages, one polite "please slow down", and nothing more; the flood never reaches
the model, so it cannot slow the others down."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from pathlib import Path

import pytest

from bot.telegram.flood import FLOOD_LIMIT
from tests.helpers import CATALOGUE
from tests.telegram_emulator import TEST_TOKEN, Emulator, User, bot_process

pytestmark = [pytest.mark.model, pytest.mark.e2e]
USERS = 300
FLOOD = 200
# Questions the trained model answers with certainty, with the answer each one must get.
QUESTIONS = [
    ("Wo ist das Büro?", "de", "ask_contact"),
    ("Deutschkurs?", "de", "ask_language_course"),
    ("Привіт!", "uk", "greet"),
    ("مرحبا", "ar", "greet"),
    ("Где находится офис?", "ru", "ask_contact"),
    ("Merci beaucoup", "fr", "thanks"),
    ("I need help, can I talk to someone?", "en", "ask_counselling"),
    ("Almanca kursu var mı?", "tr", "ask_language_course"),
    ("سلام، آدرس دفتر کجاست؟", "fa", "ask_contact"),
]


async def test_hundreds_at_once_and_a_flood_that_slows_nobody(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    emulator = Emulator(TEST_TOKEN)
    await emulator.start()
    flooder = User(49_999, "de")
    users = [User(40_000 + n, None) for n in range(USERS)]
    latencies: list[float] = []

    async def ask(number: int, user: User) -> None:
        text, language, intent = QUESTIONS[number % len(QUESTIONS)]
        started = time.monotonic()
        await emulator.send(user, text=text)
        reply = (await emulator.wait_for_messages(user.id, 1, timeout=120))[0]
        latencies.append(time.monotonic() - started)
        assert reply["text"] == CATALOGUE.render(intent, language), (text, reply["text"][:60])

    try:
        env = {"DATABASE_PATH": str(database), "STAFF_CHAT_ID": "off"}
        async with bot_process(emulator, env) as bot:
            for number in range(FLOOD):  # as fast as the emulator takes them, no waiting
                await emulator.send(flooder, text=f"Deutschkurs? {number}")
            await asyncio.wait_for(
                asyncio.gather(*(ask(number, user) for number, user in enumerate(users))), 180
            )
            flood_replies = await emulator.wait_for_messages(flooder.id, FLOOD_LIMIT + 1, 60)
        # The bot has stopped, as after Ctrl-C: it handles every update it has fetched (all of
        # them: the newcomers' later ones were answered) before it exits, so whatever it would
        # send has been sent by now.
        assert bot.returncode == 0
    finally:
        await emulator.stop()
    assert all(len(emulator.messages_to(user.id)) == 1 for user in users)
    assert len(emulator.messages_to(flooder.id)) == FLOOD_LIMIT + 1
    assert flood_replies[-1]["text"] == CATALOGUE.render("slow_down", "de")
    assert all(
        reply["text"] == CATALOGUE.render("ask_language_course", "de")
        for reply in flood_replies[:FLOOD_LIMIT]
    )
    # The model saw every newcomer's message and only the flooder's first ones.
    with sqlite3.connect(database) as store:
        handled = store.execute("SELECT SUM(count) FROM counts WHERE event = 'message'")
        assert handled.fetchone()[0] == USERS + FLOOD_LIMIT
    print(
        f"\n{USERS} users at once + a flood of {FLOOD}: reply p50 "
        f"{statistics.median(latencies):.2f} s, max {max(latencies):.2f} s"
    )
