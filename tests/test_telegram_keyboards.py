"""Buttons and their callback data, offline."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.answers import Catalogue
from bot.assistant import Assistant
from bot.telegram.keyboards import Callback, languages, parse_callback, parse_feedback, topics
from bot.telegram.newcomer import markup_after
from tests.conftest import ScriptedNlu

CODES = ["ar", "fa", "uk", "ru", "tr", "fr", "en", "de"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("topic:courses", Callback("topic", "courses")),
        ("lang:fa", Callback("lang", "fa")),
        ("forget:yes", Callback("forget", "yes")),
        ("menu:language", Callback("menu", "language")),
    ],
)
def test_our_own_callback_data_is_understood(data: str, expected: Callback) -> None:
    assert parse_callback(data, CODES) == expected


@pytest.mark.parametrize(
    "data",
    [None, "", "lang:xx", "lang:", "topic:ask_counselling", "forget:yes:now", "menu", "x" * 64],
)
def test_anything_else_is_rejected(data: str | None) -> None:
    assert parse_callback(data, CODES) is None


def test_every_button_we_send_parses_back(catalogue: Catalogue) -> None:
    for markup in (topics(catalogue, "ar"), languages(catalogue)):
        for row in markup.inline_keyboard:
            for button in row:
                assert parse_callback(str(button.callback_data), catalogue.codes) is not None


def test_the_map_follows_the_contact_card_and_topics_follow_a_miss(
    catalogue: Catalogue, make_assistant: Callable[[ScriptedNlu], Assistant]
) -> None:
    assistant = make_assistant(ScriptedNlu())
    contact = markup_after(assistant, "ask_contact", "de")
    assert contact is not None and contact.inline_keyboard[0][0].url == catalogue.map_url()
    assert markup_after(assistant, "nlu_fallback", "de") == topics(catalogue, "de")
    assert markup_after(assistant, "thanks", "de") is None


@pytest.mark.parametrize(
    "data", ["fb:up:ask_contact:²", "fb:up:ask_contact:١٢", "fb:up:ask_contact:101", "fb:up:x:5"]
)
def test_feedback_data_with_other_digits_is_refused(data: str) -> None:
    """str.isdigit() is true for "²" and "١", which int() cannot read: an error per press."""
    assert parse_feedback(data, {"ask_contact"}) is None
