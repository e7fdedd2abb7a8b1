"""Right-to-left texts display right: every Arabic and Persian answer, filled in, goes through the
Unicode Bidirectional Algorithm (python-bidi, a wrapper of the unicode-bidi crate, which handles
isolates) and its visual result is checked line by line: each line is right-to-left, and phone
numbers, e-mail, address, names, links and commands appear intact and in reading order."""

from __future__ import annotations

import re
import unicodedata

import pytest
from bidi import get_base_level, get_display

from bot.core.answers import PER_USER_KEYS, USER_PLACEHOLDERS
from tests.helpers import CATALOGUE

RIGHT_TO_LEFT = [code for code, language in CATALOGUE.languages.items() if language.rtl]
CONTROLS = re.compile("[\u2066-\u2069\u200e\u200f\u202a-\u202e]")
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
# A word of three Arabic or Persian letters or more (no comma, no digit).
ARABIC_WORD = re.compile("[\u0620-\u064a\u0671-\u06d3\u200c]{3,}")
COMMAND = re.compile(r"/[a-z_]+")


def rendered(code: str) -> dict[str, str]:
    """Every text of `code` as a newcomer sees it (the /mydata templates with sample values)."""
    values = dict.fromkeys(USER_PLACEHOLDERS, "x")
    values.update(chat_id="\u2066123456789\u2069", last_seen="\u20662026-11-30\u2069")
    return {
        key: CATALOGUE.fill(key, code, **values)
        if key in PER_USER_KEYS
        else CATALOGUE.render(key, code)
        for key in CATALOGUE.texts[code]
    }


def facts() -> list[str]:
    shown = CATALOGUE.facts()
    return [shown[name] for name in ("phone", "fax", "email", "address", "contact_person",
                                     "department", "division")] + [
        str(CATALOGUE.privacy["supervisory_authority_url"])
    ]  # fmt: skip


def visual(line: str) -> str:
    """The line as a right-to-left screen shows it, left to right, without the invisible marks."""
    return CONTROLS.sub("", get_display(line))


def tappable(text: str, start: int, end: int) -> bool:
    """Telegram's rule for a bot command (TDLib, match_bot_commands): the characters around it
    must not be letters, digits, "_", "/", "<" or ">"; an invisible isolate is none of these."""

    def word(char: str) -> bool:
        return char.isalnum() or char in "_/<>"

    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not word(before) and not word(after)


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_every_line_reads_right_to_left(code: str) -> None:
    for key, text in rendered(code).items():
        for line in text.splitlines():
            if ARABIC_LETTER.search(line):
                assert get_base_level(line) == 1, (key, line)


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_numbers_addresses_and_links_stay_intact_and_in_reading_order(code: str) -> None:
    checked = 0
    for key, text in rendered(code).items():
        for line in text.splitlines():
            shown = visual(line)
            for fact in facts():
                if fact not in CONTROLS.sub("", line):
                    continue
                checked += 1
                assert fact in shown, (key, fact, shown)
                # The word before the fact in reading order stands to its right on screen.
                before = re.findall(ARABIC_WORD, CONTROLS.sub("", line).split(fact)[0])
                if before:
                    assert shown.find(before[-1][::-1], shown.index(fact)) > 0, (key, line)
    assert checked >= 20  # the contact card, and the phone and e-mail in many answers


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_commands_read_the_right_way_round_and_stay_tappable(code: str) -> None:
    commands = 0
    for key, text in rendered(code).items():
        for match in COMMAND.finditer(text):
            if text[max(0, match.start() - 1)] not in " \u2066" and match.start():
                continue  # a "/" inside a word or a link, not a command
            commands += 1
            assert tappable(text, match.start(), match.end()), (key, match[0])
            line = next(line for line in text.splitlines() if match[0] in line)
            assert match[0] in visual(line), (key, visual(line))  # not "language/"
    assert commands >= 10


@pytest.mark.parametrize("code", ["de", "en"])
def test_the_language_names_keep_their_order_in_a_left_to_right_text(code: str) -> None:
    """In "Ich verstehe: العربية, فارسی, …" Persian must not jump before Arabic."""
    text = CATALOGUE.render("unsupported_language", code)
    line = next(line for line in text.splitlines() if "العربية" in line)
    shown = visual(line)
    assert get_base_level(line) == 0
    assert shown.index("العربية"[::-1]) < shown.index("فارسی"[::-1]) < shown.index("Deutsch")


def test_no_text_carries_a_control_character_of_its_own() -> None:
    """Direction marks come from the code (facts, commands, language names), never from a
    template: a stray one would be invisible in review and break the display."""
    for code, texts in CATALOGUE.texts.items():
        for key, template in texts.items():
            stray = [c for c in template if unicodedata.category(c) == "Cf" and c != "\u200c"]
            assert not stray, (code, key, stray)
