"""Buttons and their callback data, offline."""

from __future__ import annotations

import pytest

from bot.answers import Catalogue
from bot.telegram.keyboards import Callback, languages, parse_callback, topics
from bot.telegram.newcomer import markup_after

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


def test_the_map_follows_the_contact_card_and_topics_follow_a_miss(catalogue: Catalogue) -> None:
    contact = markup_after(catalogue, "ask_contact", "de")
    assert contact is not None and contact.inline_keyboard[0][0].url == catalogue.map_url()
    assert markup_after(catalogue, "fallback", "de") == topics(catalogue, "de")
    assert markup_after(catalogue, "thanks", "de") is None
