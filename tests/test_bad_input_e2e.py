"""Every entry of the bad-input corpus (tests/bad_inputs.py) through the real bot process and the
trained model: each gets exactly one clear answer in the user's language, none gets the error
message, nothing crashes, and nothing is stored that should not be."""

from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers import PER_USER_KEYS
from bot.core.assistant import MAX_STORED_CHARS
from tests.bad_inputs import CALLBACK_DATA, NON_TEXT, TEXTS, Nasty
from tests.helpers import ANNA, CATALOGUE, GROUP, new_user, staff_env
from tests.telegram_emulator import (
    TEST_TOKEN,
    Emulator,
    all_replies,
    serving_a_bot,
    the_one_reply,
)

pytestmark = [pytest.mark.model, pytest.mark.e2e]
PHONE_LANGUAGE = "uk"
# Every text the bot can send a newcomer: each key in each language, and the answer for
# languages it does not speak.
KNOWN_ANSWERS = {
    CATALOGUE.render(key, code)
    for code in CATALOGUE.codes
    for key in CATALOGUE.texts[code]
    if key not in PER_USER_KEYS
} | {CATALOGUE.unsupported_language_answer()}
IN_PHONE_LANGUAGE = {
    CATALOGUE.render(key, PHONE_LANGUAGE)
    for key in CATALOGUE.texts[PHONE_LANGUAGE]
    if key not in PER_USER_KEYS
}
ERROR = {CATALOGUE.render("error", code) for code in CATALOGUE.codes}


@pytest.fixture(scope="module")
async def emulator(database: Path) -> AsyncIterator[Emulator]:
    log = database.parent / "bot.log"
    emulator = Emulator(TEST_TOKEN)
    emulator.add_group(GROUP, ANNA)
    async with serving_a_bot(emulator, staff_env(database), log) as server:
        yield server
    assert "Error while handling" not in log.read_text()


@pytest.mark.parametrize("nasty", [*TEXTS, *NON_TEXT], ids=lambda nasty: nasty.name)
async def test_each_nasty_message_gets_one_clear_answer(emulator: Emulator, nasty: Nasty) -> None:
    user = new_user(PHONE_LANGUAGE)
    await emulator.send(user, **nasty.content)
    reply = await the_one_reply(emulator, user)
    assert reply not in ERROR
    assert reply in KNOWN_ANSWERS
    if not nasty.letters:  # nothing to tell a language by: the phone's
        assert reply in IN_PHONE_LANGUAGE


@pytest.mark.parametrize("data", CALLBACK_DATA)
async def test_forged_or_stale_button_data_is_ignored(emulator: Emulator, data: str) -> None:
    user = new_user(PHONE_LANGUAGE)
    await emulator.send(user, text="/start")
    menu = (await emulator.wait_for_messages(user.id, 1))[-1]
    calls = len(emulator.calls)
    await emulator.press(user, menu, data)
    await emulator.wait_for(
        lambda: any(method == "answerCallbackQuery" for method, _ in emulator.calls[calls:])
    )
    assert len(await all_replies(emulator, user)) == 1  # no answer, no edit


async def test_other_update_kinds_are_survived(emulator: Emulator) -> None:
    user = new_user(PHONE_LANGUAGE)
    message = await emulator.send(user, text="Wo ist das Büro?")
    await emulator.wait_for_messages(user.id, 1)
    edited = {**message, "text": "Wo ist das Büro??", "edit_date": int(time.time())}
    await emulator.add_update({"edited_message": edited})  # a corrected question is answered
    await emulator.wait_for_messages(user.id, 2)
    blocked = {
        "chat": user.private_chat(), "from": user.as_json(), "date": int(time.time()),
        "old_chat_member": {"status": "member", "user": {"id": 1000, "is_bot": True,
                                                         "first_name": "Bot"}},
        "new_chat_member": {"status": "kicked", "until_date": 0,
                            "user": {"id": 1000, "is_bot": True, "first_name": "Bot"}},
    }  # fmt: skip
    await emulator.add_update({"my_chat_member": blocked})
    no_data = {"id": "77", "from": user.as_json(), "chat_instance": "i", "game_short_name": "g"}
    await emulator.add_update({"callback_query": no_data})
    # Still answering:
    await emulator.send(user, text="Danke")
    await emulator.wait_for_messages(user.id, 3)


async def test_nothing_is_stored_that_should_not_be(emulator: Emulator, database: Path) -> None:
    # Runs last in this module: everything above has been stored by now.
    with sqlite3.connect(database) as store:
        texts = [row[0] for row in store.execute("SELECT text FROM questions")]
        users = store.execute("SELECT COUNT(*) FROM users").fetchone()[0]
        assert store.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert texts, "some of the corpus needs a person"
    for stored in texts:
        assert stored.strip() and len(stored) <= MAX_STORED_CHARS
        assert not any(
            unicodedata.category(char) in ("Cc", "Cf") and char != "\u200c" for char in stored
        ), repr(stored[:50])
    assert users <= len(TEXTS) + len(NON_TEXT) + len(CALLBACK_DATA) + 1
