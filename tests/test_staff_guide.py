"""The staff guide quotes the bot word for word: every „…“ in docs/staff-guide.md is one of the
texts of data/staff.yml or data/answers/de.yml (filled in with example values), or a language name
the bot uses, so staff recognise what they see in the group."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.paths import ROOT

EXAMPLES = {"id": 42, "label": "Deutschkurs", "count": 7, "page": 1, "pages": 2, "kind": "Foto"}


class _KeepUnknown(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def _flat(text: str) -> str:
    return " ".join(text.split())


def bot_texts() -> list[str]:
    texts = [
        text
        for name in ("data/staff.yml", "data/answers/de.yml")
        for text in _strings(yaml.safe_load((ROOT / name).read_text(encoding="utf-8")))
    ]
    others = yaml.safe_load((ROOT / "data/other_languages.yml").read_text(encoding="utf-8"))
    texts += [entry["name"] for entry in others["languages"].values()]
    filled = [
        text.format_map(_KeepUnknown(EXAMPLES, name=name))
        for text in texts
        for name in ("Anna", "Anna Beispiel")
    ]
    return [_flat(text) for text in texts + filled]


def quotes() -> list[str]:
    """Every outermost „…“ of the guide (quotes may contain quotes), joined over line breaks."""
    source = (ROOT / "docs/staff-guide.md").read_text(encoding="utf-8")
    source = re.sub(r"\\\n", "\n", source)  # Markdown's line break
    source = re.sub(r"\n\s*>\s?", "\n", source)  # quoted blocks
    found, opened = [], []
    for index, char in enumerate(source):
        if char == "„":
            opened.append(index)
        elif char == "“" and opened:
            start = opened.pop()
            if not opened:
                found.append(_flat(source[start + 1 : index]))
    return found


def test_every_quote_of_the_guide_is_a_text_of_the_bot() -> None:
    texts = bot_texts()
    missing = []
    for quote in quotes():
        # "…" in a quote stands for a part left out.
        pattern = re.compile(
            ".*?".join(re.escape(part) for part in quote.removesuffix(" …").split("…"))
        )
        if not any(pattern.search(text) for text in texts):
            missing.append(quote)
    assert len(quotes()) >= 30
    assert missing == []
