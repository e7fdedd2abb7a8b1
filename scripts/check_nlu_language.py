"""Check one language's NLU training file and held-out file: counts, duplicates, overlap.

Usage: python scripts/check_nlu_language.py LANG
Reads rasa_project/data/nlu/LANG.yml and rasa_project/tests/held_out_LANG.yml (or the merged
rasa_project/tests/test_nlu.yml if the per-language file is absent).
"""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
INTENTS = [
    "greet", "goodbye", "thanks", "ask_counselling", "ask_language_course",
    "ask_contact", "ask_office_tasks", "bot_challenge", "out_of_scope",
]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(c for c in text if c.isalnum() or c.isspace()).split())


def read(path: Path, lang: str) -> list[tuple[str, str, bool]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = []
    for block in doc["nlu"]:
        meta = block.get("metadata") or {}
        if meta.get("language") != lang:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                rows.append((block["intent"], line[2:].strip(), bool(meta.get("hard"))))
            elif line:
                raise SystemExit(f"{path}: line not starting with '- ': {line!r}")
    return rows


def main(lang: str) -> None:
    train = read(ROOT / f"rasa_project/data/nlu/{lang}.yml", lang)
    held_path = ROOT / f"rasa_project/tests/held_out_{lang}.yml"
    if not held_path.exists():
        held_path = ROOT / "rasa_project/tests/test_nlu.yml"
    held = read(held_path, lang)
    problems = []
    for name, rows, minimum, oos_min, hard_min in (("train", train, 45, 110, 0), ("held-out", held, 12, 20, 4)):
        counts = Counter(i for i, _, _ in rows)
        hard = Counter(i for i, _, h in rows if h)
        for intent in INTENTS:
            need = oos_min if intent == "out_of_scope" else minimum
            print(f"{name:9} {intent:20} {counts[intent]:4}  (hard {hard[intent]})")
            if counts[intent] < need:
                problems.append(f"{name}: {intent} has {counts[intent]} < {need}")
            if hard[intent] < hard_min:
                problems.append(f"{name}: {intent} has {hard[intent]} hard < {hard_min}")
        unknown = set(counts) - set(INTENTS)
        if unknown:
            problems.append(f"{name}: unknown intents {unknown}")
        seen: dict[str, str] = {}
        for intent, text, _ in rows:
            key = normalise(text)
            if key in seen:
                problems.append(f"{name}: duplicate {text!r} ({seen[key]} / {intent})")
            seen[key] = intent
    train_keys = {normalise(t) for _, t, _ in train}
    for intent, text, _ in held:
        if normalise(text) in train_keys:
            problems.append(f"held-out example also in training: {text!r}")
    print("\n".join(problems) or "OK")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv[1])
