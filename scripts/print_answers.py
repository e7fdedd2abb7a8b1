"""Every answer of one language, filled in, as a newcomer sees it (for reviews of the texts).

Usage: python scripts/print_answers.py <lang> [--staff]   (--staff: the staff group's texts)
"""

from __future__ import annotations

import sys

from bot.core.answers import PER_USER_KEYS, USER_PLACEHOLDERS, Catalogue
from bot.telegram.staff_texts import StaffTexts


def main(argv: list[str]) -> None:
    if "--staff" in argv:
        texts = StaffTexts()
        for key, value in texts.raw.items():
            print(f"=== {key}\n{value}\n")
        return
    language = argv[0] if argv else "de"
    catalogue = Catalogue()
    example = dict.fromkeys(USER_PLACEHOLDERS, "…")
    for key in catalogue.texts[language]:
        if key in PER_USER_KEYS:
            text = catalogue.fill(key, language, **example)
        elif key == "unsupported_language":
            text = catalogue.unsupported_language_answer()
        else:
            text = catalogue.render(key, language)
        print(f"=== {key}\n{text}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
