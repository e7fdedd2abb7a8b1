"""Buttons and their callback data, offline."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.core.answers import Catalogue
from bot.core.assistant import Assistant
from bot.telegram.keyboards import (
    NEWCOMER_PRESSES,
    forget_confirmation,
    languages,
    parse_feedback,
    topics,
)
from bot.telegram.newcomer import markup_after
from tests.conftest import ScriptedNlu


def _kinds_matching(data: str | None) -> list[str]:
    """The newcomer button kinds whose pattern routes `data` (as CallbackQueryHandler does)."""
    return [p.pattern.split(":")[0] for p in NEWCOMER_PRESSES if re.match(p, data or "")]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ("topic:courses", "topic"),
        ("lang:fa", "lang"),
        ("forget:yes", "forget"),
        ("menu:language", "menu"),
    ],
)
def test_our_own_callback_data_goes_to_one_handler(data: str, kind: str) -> None:
    assert _kinds_matching(data) == [kind]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "lang:xx",
        "lang:",
        "topic:ask_counselling",
        "forget:yes:now",
        "forget:yes\n",
        "menu",
        "x" * 64,
    ],
)
def test_anything_else_goes_to_none(data: str | None) -> None:
    assert _kinds_matching(data) == []


def test_every_button_we_send_goes_to_its_handler(catalogue: Catalogue) -> None:
    markups = (topics(catalogue, "ar"), languages(catalogue), forget_confirmation(catalogue, "ar"))
    for markup in markups:
        for row in markup.inline_keyboard:
            for button in row:
                assert len(_kinds_matching(str(button.callback_data))) == 1, button


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
