"""`python -m bot review …`: what staff labelled, and turning it into training data.

`review list` shows the questions; `review export` writes the questions staff labelled with a
topic to `rasa_project/data/nlu/reviewed.yml`, grouped by topic and language, skipping any text
the training data or the held-out set already has. What leaves the database this way carries no
link to the person (no chat id, no date, no number of the question) and no personal details:
names, phone numbers, e-mail and street addresses, ids and dates are replaced by placeholders
(bot/core/pii.py) before anything is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import yaml

from bot.core.language import SUPPORTED
from bot.core.nlu_data import (
    TRAINING_DIR,
    Example,
    all_held_out_examples,
    comparison_key,
    domain_intents,
    read_examples,
    training_examples,
)
from bot.core.pii import scrub
from bot.core.store import Question, Store

REVIEWED_PATH = TRAINING_DIR / "reviewed.yml"
HEADER = (
    "# Questions from newcomers, labelled by the integration office's staff in the Telegram\n"
    "# group and exported with `python -m bot review export`: personal details are replaced by\n"
    "# NAME, PHONE, EMAIL, ADDRESS, ID, DATE (bot/core/pii.py). Read them before committing.\n"
)
# Rasa reads "[word](entity)" inside an example as an entity annotation.
RASA_MARKUP = re.compile(r"\[[^\]]*\]\s*[({]")


@dataclass
class ExportResult:
    added: list[Example] = field(default_factory=list)
    already_known: list[Question] = field(default_factory=list)
    skipped: list[tuple[Question, str]] = field(default_factory=list)


def exportable(questions: list[Question], known: set[str], intents: set[str]) -> ExportResult:
    """Which labelled questions become new training examples, and why the others do not."""
    result = ExportResult()
    for question in questions:
        text = scrub(question.text)
        key = comparison_key(text)
        if question.label not in intents:
            result.skipped.append((question, f"label {question.label!r} is not an intent"))
        elif question.media_kind or not key:
            result.skipped.append((question, "no text (voice note, photo, or deleted)"))
        elif question.language not in SUPPORTED:
            result.skipped.append((question, f"language {question.language!r} not supported"))
        elif RASA_MARKUP.search(text):
            result.skipped.append((question, "looks like Rasa markup"))
        elif key in known:
            result.already_known.append(question)
        else:
            known.add(key)
            result.added.append(Example(text, question.label, question.language, False))
    return result


def write_examples(path: Path, examples: list[Example]) -> None:
    """Rasa NLU YAML, one block per topic and language (the language in the block's metadata)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for example in examples:
        groups[example.intent, example.language].append(example.text)
    blocks = [
        {
            "intent": intent,
            "metadata": {"language": language},
            "examples": "".join(f"- {text}\n" for text in texts),
        }
        for (intent, language), texts in sorted(groups.items())
    ]
    document = yaml.dump(
        {"version": "3.1", "nlu": blocks},
        allow_unicode=True,
        sort_keys=False,
        width=1000,
        Dumper=_LiteralDumper,
    )
    path.write_text(HEADER + document, encoding="utf-8")


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, the way every other NLU file is written."""


_LiteralDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


async def export(store: Store, path: Path = REVIEWED_PATH) -> ExportResult:
    """Add the newly labelled questions to `path` (earlier exports in it are kept)."""
    earlier = read_examples(path) if path.exists() else []
    # Every training file of the project (reviewed.yml included) and the held-out set.
    known = {
        comparison_key(e.text) for e in [*training_examples(path.parent), *all_held_out_examples()]
    }
    result = exportable(await store.labelled_questions(), known, set(domain_intents()))
    if result.added:
        write_examples(path, [*earlier, *result.added])
    return result


def print_export(result: ExportResult, path: Path, out: TextIO) -> None:
    out.write(f"{len(result.added)} new examples written to {path}\n")
    for example in result.added:
        out.write(f"  + [{example.language}] {example.intent}: {example.text}\n")
    if result.already_known:
        out.write(f"{len(result.already_known)} already in the training or held-out data\n")
    for question, why in result.skipped:
        out.write(f"  skipped #{question.id}: {why}\n")
    if result.added:
        out.write(
            "Next: read the new examples, then `make train`, `make evaluate`, `make promote`.\n"
        )


async def print_list(store: Store, status: str | None, out: TextIO) -> None:
    questions = await store.questions(status, limit=10_000)
    out.write(f"{'#':>5}  {'created':19}  {'status':9}  {'lang':4}  {'label':19}  text\n")
    for question in questions:
        text = question.text if not question.media_kind else f"({question.media_kind})"
        out.write(
            f"{question.id:>5}  {question.created_at[:19]:19}  {question.status:9}  "
            f"{question.language:4}  {question.label or '-':19}  {text[:80]}\n"
        )
    out.write(f"{len(questions)} questions\n")
