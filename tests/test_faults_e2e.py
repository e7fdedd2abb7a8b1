"""Faults survived, end to end (loopback only, bounded waits): the real bot process, with Rasa as
its own HTTP service (as in docker-compose, here a small fake Rasa that can be slow or down), the
Bot API emulator returning 429, 5xx and broken connections, and a locked database."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fake_rasa import FakeRasa
from tests.helpers import CATALOGUE, new_user
from tests.telegram_emulator import (
    TEST_TOKEN,
    Emulator,
    Fault,
    Group,
    User,
    serving_a_bot,
    the_one_reply,
)

pytestmark = pytest.mark.e2e

GROUP = Group(-1009876543210, "Team")
STAFF = User(9101, "de", "Berta")


@dataclass
class Setup:
    emulator: Emulator
    rasa: FakeRasa
    database: Path
    log: Path


@pytest.fixture(scope="module")
async def setup(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Setup]:
    directory = tmp_path_factory.mktemp("faults")
    # Every question is about the office's contact: enough to tell a model answer from a fallback.
    emulator, rasa = Emulator(TEST_TOKEN), FakeRasa(intent="ask_contact", confidence=0.99)
    emulator.add_group(GROUP, STAFF)
    await rasa.start()
    env = {
        "DATABASE_PATH": str(directory / "bot.sqlite3"),
        **rasa.env(),
        "STAFF_CHAT_ID": str(GROUP.id),
        "TELEGRAM_RATE_LIMIT": "on",  # as in production: 429 and network errors are retried
        "LOG_LEVEL": "INFO",
    }
    log = directory / "bot.log"
    try:
        async with serving_a_bot(emulator, env, log):
            yield Setup(emulator, rasa, directory / "bot.sqlite3", log)
    finally:
        await rasa.stop()


async def ask(setup: Setup, text: str, timeout: float = 20) -> tuple[str, float]:
    """A new newcomer asks; their one reply and how long it took."""
    user, elapsed = await ask_and_time(setup, text, timeout)
    return await the_one_reply(setup.emulator, user), elapsed  # exactly one, however it went


async def ask_and_time(setup: Setup, text: str, timeout: float = 20) -> tuple[User, float]:
    """A new newcomer asks; who they are, and how long until the bot first replied."""
    user = new_user()
    started = time.monotonic()
    await setup.emulator.send(user, text=text)
    await setup.emulator.wait_for_messages(user.id, 1, timeout)
    return user, time.monotonic() - started


async def test_rasa_down_slow_and_back_without_a_restart(setup: Setup) -> None:
    answer, _ = await ask(setup, "Wo ist das Büro?")
    assert answer == CATALOGUE.render("ask_contact", "de")

    port = setup.rasa.port
    await setup.rasa.stop()  # down: connection refused
    answer, seconds = await ask(setup, "Wie ist die Telefonnummer?")
    # Under 8 s: the 3 s NLU timeout plus room for a slow CI machine, still well below the 10 s
    # a newcomer would wait for the slow Rasa below.
    assert answer == CATALOGUE.render("nlu_fallback", "de") and seconds < 8
    post = await setup.emulator.wait_for(
        lambda: next(
            (m for m in setup.emulator.messages_to(GROUP.id) if "Telefonnummer" in m["text"]),
            None,
        )
    )
    assert "Technische Störung" in post["text"]  # queued for a person, with the reason

    setup.rasa.port, setup.rasa.delay = port, 10.0
    await setup.rasa.start()  # back, but slow: the newcomer does not wait for it
    answer, seconds = await ask(setup, "Adresse bitte")
    assert answer == CATALOGUE.render("nlu_fallback", "de") and seconds < 8

    setup.rasa.delay = 0.0  # healthy again: normal answers, same process
    answer, _ = await ask(setup, "Wo finde ich euch?")
    assert answer == CATALOGUE.render("ask_contact", "de")


async def test_telegram_429_5xx_and_dropped_connections_are_retried(setup: Setup) -> None:
    emulator = setup.emulator
    emulator.fail("sendMessage", Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    answer, seconds = await ask(setup, "Wo ist das Büro?")
    assert answer == CATALOGUE.render("ask_contact", "de") and seconds >= 1

    emulator.fail("sendMessage", Fault(502), Fault(500, "Internal Server Error"))
    answer, _ = await ask(setup, "Wo ist das Büro?")
    assert answer == CATALOGUE.render("ask_contact", "de")

    emulator.fail("sendMessage", Fault(drop=True))
    answer, _ = await ask(setup, "Wo ist das Büro?")
    assert answer == CATALOGUE.render("ask_contact", "de")

    # Telegram takes longer than python-telegram-bot waits (5 s): a timeout, then a retry.
    emulator.fail("sendMessage", Fault(delay=6.0))
    answer, _ = await ask(setup, "Wo ist das Büro?", timeout=30)
    assert answer == CATALOGUE.render("ask_contact", "de")


async def test_a_staff_reply_survives_a_telegram_error(setup: Setup) -> None:
    emulator = setup.emulator
    setup.rasa.delay = 10.0  # the bot cannot answer: the question goes to the team
    user = new_user()
    await emulator.send(user, text="Brauche einen Termin, schnell")
    await emulator.wait_for_messages(user.id, 1)
    setup.rasa.delay = 0.0
    post = await emulator.wait_for(
        lambda: next(
            (m for m in emulator.messages_to(GROUP.id) if "einen Termin" in m["text"]), None
        )
    )
    emulator.fail("sendMessage", Fault(503, "Service Unavailable"))
    await emulator.send(STAFF, chat=GROUP.as_chat(), reply_to=post, text="Rufen Sie uns an.")
    delivered = (await emulator.wait_for_messages(user.id, 2))[-1]
    assert delivered["text"].endswith("Rufen Sie uns an.")
    await emulator.wait_for(
        lambda: any("Zugestellt" in m["text"] for m in emulator.messages_to(GROUP.id))
    )


async def test_a_locked_database_still_gets_the_newcomer_the_contact_details(
    setup: Setup,
) -> None:
    locker = sqlite3.connect(setup.database, timeout=1)
    locker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock (busy_timeout 5 s)
    try:
        user, seconds = await ask_and_time(setup, "Wo ist das Büro?", timeout=30)
    finally:
        locker.rollback()
        locker.close()
    answer = await the_one_reply(setup.emulator, user)  # its /privacy needs the database
    assert answer == CATALOGUE.render("error", "de")  # sorry + phone + e-mail
    assert CATALOGUE.facts()["email"] in answer
    # SQLite waits 5 s for the lock (busy_timeout), twice if another write queued before.
    assert seconds < 15
    assert "Database unavailable" in setup.log.read_text()
    # The lock is gone: everything works again, without a restart.
    answer, _ = await ask(setup, "Wo ist das Büro?")
    assert answer == CATALOGUE.render("ask_contact", "de")
