"""Telegram's limits on what the bot sends, measured the way Telegram measures them.

Telegram counts a text's length in UTF-16 code units, not in characters: an emoji or a rare
letter outside the Basic Multilingual Plane counts twice. A text of 2,500 emoji is 2,500
characters for Python and 5,000 units for Telegram, which refuses it as "message is too long".
"""

from __future__ import annotations

MAX_MESSAGE_LENGTH = 4096  # one text message, in UTF-16 code units
ELLIPSIS = "…"


def telegram_length(text: str) -> int:
    """The length Telegram sees: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """`text` if Telegram would count at most `limit` units, else its beginning and "…"."""
    if telegram_length(text) <= limit:
        return text
    budget = limit - telegram_length(ELLIPSIS)
    kept: list[str] = []
    for char in text:
        budget -= telegram_length(char)
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def split_for_telegram(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """`text` in as few messages as it takes, split between lines where possible."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while telegram_length(line) > limit:  # a single line longer than a message
            head = shorten(line, limit)[:-1]
            parts.append(head)
            line = line[len(head) :]
        current = line
    if current or not parts:
        parts.append(current)
    return parts
