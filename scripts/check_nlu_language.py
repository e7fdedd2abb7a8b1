"""Check one language's NLU data (counts, duplicates, held-out leaks), for people writing data.

Usage: python scripts/check_nlu_language.py LANG   (the same check runs in tests/test_nlu_data.py)
"""

from __future__ import annotations

import sys
from collections import Counter

from bot.core.nlu_data import domain_intents, held_out_examples, problems, training_examples


def main(language: str) -> int:
    intents = domain_intents()
    training, held_out = training_examples(), held_out_examples()
    for name, examples in (("training", training), ("held-out", held_out)):
        counts = Counter(e.intent for e in examples if e.language == language)
        hard = Counter(e.intent for e in examples if e.language == language and e.hard)
        for intent in intents:
            print(f"{name:9} {intent:20} {counts[intent]:4}  (hard {hard[intent]})")
    found = problems(language, intents, training, held_out)
    print("\n".join(found) or "OK")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
