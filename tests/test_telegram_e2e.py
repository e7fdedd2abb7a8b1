"""End to end: the real bot process, real python-telegram-bot networking, against a local Bot API
emulator on 127.0.0.1 in long-polling mode (TELEGRAM_API_BASE_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers import Catalogue
from bot.core.store import Store
from tests.helpers import CATALOGUE, new_user, post_of, serving_with_a_staff_group
from tests.telegram_emulator import Emulator, User

pytestmark = [pytest.mark.model, pytest.mark.e2e]


@pytest.fixture(scope="module")
async def emulator(database: Path) -> AsyncIterator[Emulator]:
    # The process keeps running whatever it was sent: no traceback may reach its log.
    async with serving_with_a_staff_group(database) as server:
        yield server


async def last_reply(emulator: Emulator, user: User, count: int) -> dict[str, object]:
    return (await emulator.wait_for_messages(user.id, count))[-1]


def buttons(message: dict[str, object]) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [button.get("callback_data") or button.get("url") for row in rows for button in row]


async def test_commands_are_registered_in_every_language(emulator: Emulator) -> None:
    await emulator.wait_for_call("setMyCommands")
    assert set(emulator.commands) == {None, *CATALOGUE.codes}
    assert emulator.commands["ar"][0] == {
        "command": "start", "description": CATALOGUE.render("command_start", "ar"),
    }  # fmt: skip


async def test_start_greets_in_the_phones_language_with_topic_buttons(emulator: Emulator) -> None:
    user = new_user("ar")
    await emulator.send(user, text="/start")
    reply = await last_reply(emulator, user, 1)
    assert reply["text"] == CATALOGUE.render("start", "ar")
    assert buttons(reply) == [
        "topic:counselling",
        "topic:courses",
        "topic:contact",
        "menu:language",
    ]

    await emulator.press(user, reply, "topic:courses")
    assert (await last_reply(emulator, user, 2))["text"] == CATALOGUE.render(
        "ask_language_course", "ar"
    )


async def test_a_deep_link_pins_the_language(emulator: Emulator) -> None:
    user = new_user("de")
    await emulator.send(user, text="/start fa")
    assert (await last_reply(emulator, user, 1))["text"] == CATALOGUE.render("start", "fa")
    await emulator.send(user, text="Where is the office?")
    reply = await last_reply(emulator, user, 2)
    assert reply["text"] == CATALOGUE.render("ask_contact", "fa")
    map_link, thumbs_up, thumbs_down = buttons(reply)
    assert map_link == CATALOGUE.map_url()
    assert thumbs_up.startswith("fb:up:ask_contact:")
    assert thumbs_down.startswith("fb:down:ask_contact:")


async def test_the_language_is_switched_by_button_and_remembered(emulator: Emulator) -> None:
    user = new_user("en")
    await emulator.send(user, text="/language")
    menu = await last_reply(emulator, user, 1)
    assert buttons(menu) == [f"lang:{code}" for code in CATALOGUE.codes]
    names = [b["text"] for row in menu["reply_markup"]["inline_keyboard"] for b in row]  # type: ignore[index]
    assert names == [
        "العربية",
        "فارسی",
        "Українська",
        "Русский",
        "Türkçe",
        "Français",
        "English",
        "Deutsch",
    ]

    await emulator.press(user, menu, "lang:uk")
    messages = await emulator.wait_for_messages(user.id, 3)
    assert messages[1]["text"] == CATALOGUE.render("language_set", "uk")  # the menu, edited
    assert messages[2]["text"] == CATALOGUE.render("start", "uk")
    await emulator.send(user, text="Thank you very much!")
    assert (await last_reply(emulator, user, 4))["text"] == CATALOGUE.render("thanks", "uk")


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("Wo kann ich Deutsch lernen?", "de", "ask_language_course"),
        ("Where can I learn German?", "en", "ask_language_course"),
        ("مرحبا، كيف أتواصل معكم؟", "ar", "ask_contact"),
        ("سلام، آدرس دفتر کجاست؟", "fa", "ask_contact"),
        (
            "Добрий день! Мені потрібна допомога, можна поговорити з кимось?",
            "uk",
            "ask_counselling",
        ),
        ("Ты бот?", "ru", "bot_challenge"),
        ("Çok teşekkür ederim", "tr", "thanks"),
        ("Bonjour !", "fr", "greet"),
    ],
)
async def test_questions_in_all_eight_languages(
    emulator: Emulator, text: str, language: str, intent: str
) -> None:
    user = new_user(None)
    await emulator.send(user, text=text)
    assert (await last_reply(emulator, user, 1))["text"] == CATALOGUE.render(intent, language)


async def test_a_voice_note_gets_an_answer_and_is_kept_for_a_person(
    emulator: Emulator, database: Path
) -> None:
    user = new_user("tr")
    voice = {"file_id": "AwACAgIAAxkBAAIBVoice", "file_unique_id": "AgADVoice", "duration": 4}
    await emulator.send(user, voice=voice)
    assert (await last_reply(emulator, user, 1))["text"] == CATALOGUE.render("non_text_kept", "tr")
    store = await Store.open(database)
    try:
        kept = [q for q in await store.questions() if q.user_id == str(user.id)]
    finally:
        await store.close()
    assert [(q.media_kind, q.media_file_id) for q in kept] == [("voice", "AwACAgIAAxkBAAIBVoice")]


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "CAAC", "file_unique_id": "s1", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False, "type": "regular"}},
        {"location": {"latitude": 48.06, "longitude": 8.46}},
        {"contact": {"phone_number": "+4915100000000", "first_name": "A"}},
    ],
)  # fmt: skip
async def test_other_things_a_phone_sends_get_a_polite_answer(
    emulator: Emulator, content: dict[str, object]
) -> None:
    user = new_user("ru")
    await emulator.send(user, **content)
    assert (await last_reply(emulator, user, 1))["text"] == CATALOGUE.render("non_text", "ru")


async def test_a_5000_character_message_gets_one_answer(emulator: Emulator) -> None:
    user = new_user("de")
    await emulator.send(user, text="Ich habe eine Frage zu meinem Brief. " * 135)
    await last_reply(emulator, user, 1)
    await emulator.send(user, text="Danke!")
    assert (await last_reply(emulator, user, 2))["text"] == CATALOGUE.render("thanks", "de")


async def test_markup_characters_are_sent_back_untouched_without_parse_mode(
    emulator: Emulator,
) -> None:
    user = new_user("en")
    await emulator.send(user, text="<b>help</b> *me* _now_ [link](http://x) `code` & </i>")
    await last_reply(emulator, user, 1)
    sent = [p for m, p in emulator.calls if m == "sendMessage" and int(p["chat_id"]) == user.id]
    assert sent and all("parse_mode" not in p for p in sent)


async def test_forget_deletes_everything_after_confirmation(
    emulator: Emulator, database: Path
) -> None:
    user = new_user("fr")
    await emulator.send(user, text="Quel temps fera-t-il demain à Paris ?")  # kept: out of scope
    await last_reply(emulator, user, 1)
    await emulator.send(user, text="/forget")
    confirm = await last_reply(emulator, user, 2)
    assert buttons(confirm) == ["forget:yes", "forget:no"]
    await emulator.press(user, confirm, "forget:yes")
    assert (await last_reply(emulator, user, 3))["text"] == CATALOGUE.render("forgotten", "fr")
    store = await Store.open(database)
    try:
        assert (await store.user_data(str(user.id))).empty
    finally:
        await store.close()


async def test_forged_button_data_is_ignored(emulator: Emulator) -> None:
    user = new_user("de")
    await emulator.send(user, text="/help")
    help_message = await last_reply(emulator, user, 1)
    for data in ("lang:xx", "forget:maybe", "topic:../../etc", "x" * 64, ""):
        await emulator.press(user, help_message, data)
    await emulator.send(user, text="/privacy")
    messages = await emulator.wait_for_messages(user.id, 2)
    assert len(messages) == 2  # nothing came back for the forged presses
    assert messages[1]["text"] == Catalogue(retention_days=90).render("privacy", "de")


async def test_a_language_the_bot_does_not_speak_gets_the_language_buttons_and_reaches_staff(
    emulator: Emulator,
) -> None:
    user = new_user("pl")  # a phone in Polish: a hint, not an answer language
    await emulator.send(user, text="Dzień dobry, szukam kursu niemieckiego dla żony")
    reply = await last_reply(emulator, user, 1)
    assert reply["text"] == CATALOGUE.unsupported_language_answer()
    assert buttons(reply) == [f"lang:{code}" for code in CATALOGUE.codes]
    post = await emulator.wait_for(post_of(emulator, "szukam kursu niemieckiego"))
    assert "Sprache: Polnisch" in post["text"]
