"""Reading the NLU project's examples: training data and the two held-out sets, with their
languages. Neither held-out set is ever trained on (tests/test_nlu_data.py checks):

- `test_nlu.yml`, written together with the first training data;
- `personas.yml`, written later from briefs of newcomers and their situations, by someone who had
  not read the training data: the measure of how the model does on questions it was not built
  from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.paths import RASA_PROJECT_DIR, read_yaml

# The intent of questions the office's bot does not answer (housing, jobs, films…).
OUT_OF_SCOPE_INTENT = "out_of_scope"

TRAINING_DIR = RASA_PROJECT_DIR / "data" / "nlu"
HELD_OUT_PATH = RASA_PROJECT_DIR / "tests" / "test_nlu.yml"
PERSONAS_PATH = RASA_PROJECT_DIR / "tests" / "personas.yml"
HELD_OUT_SETS = {"test_nlu": HELD_OUT_PATH, "personas": PERSONAS_PATH}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str  # from the block's metadata ("" if it has none)
    hard: bool  # a hard case of the held-out set


def read_examples(path: Path) -> list[Example]:
    """Every example of a Rasa NLU YAML file, with its block's intent and metadata."""
    document = read_yaml(path) or {}
    examples = []
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        metadata = block.get("metadata") or {}
        for line in str(block.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                examples.append(
                    Example(
                        text=line.strip()[2:].strip(),
                        intent=block["intent"],
                        language=str(metadata.get("language", "")),
                        hard=bool(metadata.get("hard")),
                    )
                )
    return examples


def domain_intents() -> list[str]:
    """The intents of rasa_project/domain.yml, in their order."""
    domain = read_yaml(RASA_PROJECT_DIR / "domain.yml")
    return list(domain["intents"])


def training_examples(directory: Path = TRAINING_DIR) -> list[Example]:
    return [example for path in sorted(directory.glob("*.yml")) for example in read_examples(path)]


def held_out_examples(path: Path = HELD_OUT_PATH) -> list[Example]:
    return read_examples(path)


def all_held_out_examples() -> list[Example]:
    """Both held-out sets together."""
    return [example for path in HELD_OUT_SETS.values() for example in read_examples(path)]


def comparison_key(text: str) -> str:
    """Two examples with the same key are the same example (case, punctuation, emoji ignored)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(c for c in text if c.isalnum() or c.isspace()).split())


# The floor for every language: training examples per intent (out_of_scope needs breadth),
# held-out examples per intent.
MIN_TRAINING = 40
MIN_TRAINING_OUT_OF_SCOPE = 100
MIN_HELD_OUT = 10


def problems(
    language: str, intents: list[str], training: list[Example], held_out: list[Example]
) -> list[str]:
    """What is wrong with one language's data: too few examples, duplicates, held-out leaks."""
    found: list[str] = []
    for name, examples in (("training", training), ("held-out", held_out)):
        own = [example for example in examples if example.language == language]
        for intent in intents:
            count = sum(example.intent == intent for example in own)
            if name == "held-out":
                need = MIN_HELD_OUT
            else:
                need = MIN_TRAINING_OUT_OF_SCOPE if intent == OUT_OF_SCOPE_INTENT else MIN_TRAINING
            if count < need:
                found.append(f"{name}: {intent} has {count} examples, fewer than {need}")
        unknown = {example.intent for example in own} - set(intents)
        if unknown:
            found.append(f"{name}: intents not in the domain: {sorted(unknown)}")
        seen: dict[str, str] = {}
        for example in own:
            key = comparison_key(example.text)
            if not key:
                continue  # emoji-only examples are fine, however many
            if key in seen:
                found.append(f"{name}: {example.text!r} twice ({seen[key]}, {example.intent})")
            seen[key] = example.intent
    trained = {comparison_key(example.text) for example in training}
    found += [
        f"held-out example also in the training data: {example.text!r}"
        for example in held_out
        if example.language == language and comparison_key(example.text) in trained
    ]
    return found
