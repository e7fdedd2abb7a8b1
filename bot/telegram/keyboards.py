"""Inline keyboards and their callback data. Callback data is parsed strictly: anything that does
not match exactly (a forged or stale button) is ignored."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers import Catalogue

# Topic buttons: callback name -> the intent whose answer they show.
TOPICS = {
    "counselling": "ask_counselling",
    "courses": "ask_language_course",
    "contact": "ask_contact",
}
FORGET_CHOICES = ("yes", "no")


@dataclass(frozen=True)
class Callback:
    kind: str  # "topic", "lang", "forget", "menu"
    value: str


def parse_callback(data: str | None, languages: list[str]) -> Callback | None:
    kind, _, value = (data or "").partition(":")
    valid = {
        "topic": set(TOPICS),
        "lang": set(languages),
        "forget": set(FORGET_CHOICES),
        "menu": {"language"},
    }
    return Callback(kind, value) if value in valid.get(kind, set()) else None


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
