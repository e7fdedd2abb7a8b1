"""Language detection on both held-out sets: ours (with and without priors) against langdetect
alone. The figures in docs/language-detection.md come from this script.

Usage: python scripts/compare_language_detectors.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from langdetect import DetectorFactory, LangDetectException, detect

from bot.core.language import SUPPORTED, UNDETERMINED, LanguageDetector
from bot.core.nlu_data import Example, all_held_out_examples
from bot.lifecycle.evaluate import SHORT_WORDS


def langdetect_alone(text: str) -> str:
    try:
        return str(detect(text))
    except LangDetectException:
        return UNDETERMINED


def main() -> None:
    DetectorFactory.seed = 0
    examples = all_held_out_examples()
    rng = random.Random(0)
    other = {id(e): rng.choice([c for c in SUPPORTED if c != e.language]) for e in examples}
    ours = LanguageDetector()

    detectors: list[tuple[str, Callable[[Example], str]]] = [
        ("langdetect alone (seeded)", lambda e: langdetect_alone(e.text)),
        ("ours, text only", lambda e: ours.detect(e.text).language),
        (
            "ours, phone set to the language",
            lambda e: ours.detect(e.text, ui_language=e.language).language,
        ),
        ("ours, phone set to German", lambda e: ours.detect(e.text, ui_language="de").language),
        (
            "ours, previous message in it",
            lambda e: ours.detect(e.text, previous=e.language).language,
        ),
        (
            "ours, previous message in another",
            lambda e: ours.detect(e.text, previous=other[id(e)]).language,
        ),
    ]
    short = [e for e in examples if len(e.text.split()) <= SHORT_WORDS]
    print(
        f"held-out messages: {len(examples)}, of which short (<= {SHORT_WORDS} words): {len(short)}"
    )
    print(f"{'detector':36} {'all':>6} {'short':>6} {'worst language':>16} {'ms/msg':>7}")
    for name, guess in detectors:
        started = time.perf_counter()
        hits = {id(e): guess(e) == e.language for e in examples}
        elapsed = (time.perf_counter() - started) / len(examples) * 1000
        per_language = {
            code: sum(hits[id(e)] for e in examples if e.language == code)
            / sum(e.language == code for e in examples)
            for code in SUPPORTED
        }
        worst = min(per_language, key=per_language.__getitem__)
        print(
            f"{name:36} {sum(hits.values()) / len(examples):6.1%} "
            f"{sum(hits[id(e)] for e in short) / len(short):6.1%} "
            f"{worst + ' ' + format(per_language[worst], '.1%'):>16} {elapsed:7.2f}"
        )


if __name__ == "__main__":
    main()
