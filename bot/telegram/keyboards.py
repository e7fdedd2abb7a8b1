"""Inline keyboards and their callback data. Callback data is parsed strictly: anything that does
not match exactly (a forged or stale button) is ignored."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.answers import Catalogue
from bot.core.language import SUPPORTED

# Topic buttons: callback name -> the intent whose answer they show.
TOPICS = {
    "counselling": "ask_counselling",
    "courses": "ask_language_course",
    "contact": "ask_contact",
}
FORGET_CHOICES = ("yes", "no")
FEEDBACK_CHOICES = {"up": True, "down": False}
# A percentage: one to three ASCII digits ("²" and "١" are digits to str.isdigit, not to int()).
_PERCENT = re.compile(r"[0-9]{1,3}")


def _choice(kind: str, values: Collection[str]) -> re.Pattern[str]:
    """`kind:value`, exactly (matched from the start; \\Z, unlike $, allows no "\\n" after)."""
    return re.compile(rf"{kind}:({'|'.join(map(re.escape, values))})\Z")


# The newcomers' buttons, one pattern per kind: app.py routes a press by them to its handler, so
# anything else (a forged or stale button) reaches none of them.
TOPIC_PRESS = _choice("topic", TOPICS)
LANGUAGE_PRESS = _choice("lang", SUPPORTED)
LANGUAGE_MENU_PRESS = _choice("menu", ["language"])
FORGET_PRESS = _choice("forget", FORGET_CHOICES)
NEWCOMER_PRESSES = (TOPIC_PRESS, LANGUAGE_PRESS, LANGUAGE_MENU_PRESS, FORGET_PRESS)


@dataclass(frozen=True)
class Feedback:
    helpful: bool
    intent: str
    confidence: float


def parse_feedback(data: str | None, intents: Collection[str]) -> Feedback | None:
    """`fb:<up|down>:<intent>:<confidence in %>`, strictly."""
    parts = (data or "").split(":")
    if (
        len(parts) != 4
        or parts[0] != "fb"
        or parts[1] not in FEEDBACK_CHOICES
        or parts[2] not in intents
        or not _PERCENT.fullmatch(parts[3])
        or int(parts[3]) > 100
    ):
        return None
    return Feedback(FEEDBACK_CHOICES[parts[1]], parts[2], int(parts[3]) / 100)


def with_feedback(
    markup: InlineKeyboardMarkup | None, intent: str, confidence: float
) -> InlineKeyboardMarkup:
    """👍/👎 under an answer; the intent and confidence travel in the button, nothing is stored."""
    percent = round(confidence * 100)
    rows = [list(row) for row in markup.inline_keyboard] if markup else []
    rows.append(
        [
            InlineKeyboardButton(thumb, callback_data=f"fb:{choice}:{intent}:{percent}")
            for choice, thumb in (("up", "👍"), ("down", "👎"))
        ]
    )
    return InlineKeyboardMarkup(rows)


def topics(catalogue: Catalogue, language: str) -> InlineKeyboardMarkup:
    def button(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(catalogue.render(key, language), callback_data=data)

    return InlineKeyboardMarkup(
        [
            [button("button_counselling", "topic:counselling")],
            [button("button_courses", "topic:courses")],
            [button("button_contact", "topic:contact"), button("button_language", "menu:language")],
        ]
    )


def languages(catalogue: Catalogue) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(language.name, callback_data=f"lang:{code}")
        for code, language in catalogue.languages.items()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def map_link(catalogue: Catalogue, language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🗺️ " + catalogue.render("map_link", language), url=catalogue.map_url()
                )
            ]
        ]
    )


def forget_confirmation(catalogue: Catalogue, language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    catalogue.render("button_forget_yes", language), callback_data="forget:yes"
                ),
                InlineKeyboardButton(
                    catalogue.render("button_forget_no", language), callback_data="forget:no"
                ),
            ]
        ]
    )
