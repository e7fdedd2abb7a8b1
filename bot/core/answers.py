"""The answer catalogue: texts per language and intent, filled in with the office's facts.

`data/answers/<lang>.yml` holds the texts with placeholders, `data/office.yml` each fact once,
`data/privacy.yml` who is responsible for the data (filled in by the city's data-protection
officer), `data/languages.yml` the supported languages. Nothing here knows about Telegram.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bot.paths import DATA_DIR, read_yaml

# Unicode "left-to-right isolate" and "pop directional isolate": inside Arabic or Persian text
# they keep "+49 7721 82-2153" or an e-mail address in its own order instead of reshuffling it.
LTR_ISOLATE = "\u2066"
POP_ISOLATE = "\u2069"
# "First strong isolate": a language's name in a list keeps its own direction, whatever the text
# around it ("العربية, فارسی" in an English sentence stays in that order).
FIRST_STRONG_ISOLATE = "\u2068"
# A slash command in a right-to-left text: isolated, or "/language" shows as "language/".
_COMMAND = re.compile(r"(?<![\w/])/[a-z_]+")

# Keys every language must have, besides one per intent of the NLU domain.
EXTRA_KEYS = (
    "contact_card", "nlu_fallback", "unsupported_language", "empty_message", "question_limit",
    "file_not_passed_on", "privacy_ask_office",
    # The versions of texts that promise a person's answer, for a bot without a staff group.
    "nlu_fallback_no_staff", "help_no_staff", "bot_challenge_no_staff",
    "feedback_passed_on_no_staff", "privacy_no_staff", "mydata_no_staff",
    "forget_confirm_no_staff", "forgotten_no_staff",
    # /mydata: what is stored about the user.
    "mydata", "mydata_empty", "mydata_question", "mydata_no_questions", "language_chosen",
    "language_detected", "status_open", "status_answered", "status_dismissed",
)  # fmt: skip
# Texts filled in with one user's own data (/mydata): `fill` them with these values.
PER_USER_KEYS = ("mydata", "mydata_no_staff", "mydata_question")
USER_PLACEHOLDERS = frozenset(
    {"chat_id", "language", "language_how", "last_seen", "questions", "number", "date", "status",
     "text"}
)  # fmt: skip
# Texts of the Telegram front end: commands, notices, buttons, command descriptions.
TELEGRAM_KEYS = (
    "start", "help", "privacy", "forget_confirm", "forgotten", "forget_cancelled",
    "choose_language", "language_set", "non_text", "non_text_kept", "error", "map_link",
    "staff_answer_intro", "feedback_thanks", "feedback_passed_on", "slow_down",
    "button_counselling", "button_courses", "button_contact", "button_language",
    "button_forget_yes", "button_forget_no",
    "command_start", "command_language", "command_contact", "command_help", "command_privacy",
    "command_mydata", "command_forget",
)  # fmt: skip


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    rtl: bool


def international_phone(local: str, country_code: str = "49") -> str:
    """'07721 / 82-2153' -> '+49 7721 82-2153': readable and dialable from any phone."""
    area, _, rest = local.partition("/")
    area_digits = re.sub(r"\D", "", area).removeprefix("0")
    return f"+{country_code} {area_digits} {rest.strip()}".strip()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalogue:
    """All answers in all languages, rendered with the office's facts."""

    def __init__(self, data_dir: Path = DATA_DIR, retention_days: int = 90) -> None:
        self.retention_days = retention_days
        self._rendered: dict[tuple[str, str], str] = {}
        spec = read_yaml(data_dir / "languages.yml")
        self.fallback: str = spec["fallback"]
        self.languages: dict[str, Language] = {
            code: Language(code, entry["name"], entry["direction"] == "rtl")
            for code, entry in spec["languages"].items()
        }
        self.office: dict[str, str] = {
            key: str(value) for key, value in read_yaml(data_dir / "office.yml").items()
        }
        # None: a placeholder the city's data-protection officer has not filled in yet.
        self.privacy: dict[str, str | None] = {
            key: None if value is None else str(value)
            for key, value in read_yaml(data_dir / "privacy.yml").items()
        }
        self.texts: dict[str, dict[str, str]] = {
            code: read_yaml(data_dir / "answers" / f"{code}.yml") for code in self.languages
        }

    @property
    def codes(self) -> list[str]:
        return list(self.languages)

    def facts(self) -> dict[str, str]:
        """The office facts as shown to people: the phone numbers in international form, and the
        address as one piece (isolated as one unit in right-to-left texts)."""
        shown = dict(self.office)
        shown["phone"] = international_phone(self.office["phone"])
        shown["fax"] = international_phone(self.office["fax"])
        shown["address"] = (
            f"{self.office['street']}, {self.office['postcode']} {self.office['city']}"
        )
        return shown

    def is_rtl(self, language: str) -> bool:
        """Written right to left (an unknown language counts as the fallback)."""
        return self.languages.get(language, self.languages[self.fallback]).rtl

    def language_list(self, language: str | None = None) -> str:
        """The languages' own names, each isolated: in any text, they keep this order (with the
        Arabic comma in a right-to-left text)."""
        rtl = language is not None and self.is_rtl(language)
        return ("، " if rtl else ", ").join(
            f"{FIRST_STRONG_ISOLATE}{language.name}{POP_ISOLATE}"
            for language in self.languages.values()
        )

    def text(self, key: str, language: str) -> str:
        """The raw template; German (the fallback) when the language lacks it."""
        texts = self.texts.get(language) or {}
        if key in texts:
            return texts[key]
        return self.texts[self.fallback][key]

    def missing_privacy_facts(self) -> list[str]:
        """The placeholders of data/privacy.yml that nobody has filled in yet."""
        return [key for key, value in self.privacy.items() if value is None]

    def render(self, key: str, language: str) -> str:
        """The answer `key` in `language`, with every placeholder filled in."""
        # Texts and facts never change while the bot runs: fill each answer in once.
        cached = self._rendered.get((key, language))
        if cached is None:
            cached = self._rendered[key, language] = self.fill(key, language)
        return cached

    def fill(self, key: str, language: str, /, **values: str) -> str:
        """The answer `key` with the facts and `values` (e.g. a user's own data) filled in;
        in a right-to-left language each value keeps its own left-to-right order."""
        isolate = self.isolator(language)
        facts = {name: isolate(value) for name, value in self.facts().items()}
        ask_office = self.text("privacy_ask_office", language).format(**facts)
        for name, value in self.privacy.items():
            facts[name] = ask_office if value is None else isolate(value)
        facts["languages"] = self.language_list(language)
        facts["retention_days"] = str(self.retention_days)
        facts["contact_card"] = self.text("contact_card", language).format(**facts)
        text = self.text(key, language).format(**facts, **values).strip()
        if self.is_rtl(language):
            text = _COMMAND.sub(lambda match: isolate(match[0]), text)
        return text

    def isolator(self, language: str) -> Callable[[str], str]:
        """Wraps a left-to-right value for a text in `language` (unchanged in ltr languages)."""
        if not self.is_rtl(language):
            return str
        return lambda value: f"{LTR_ISOLATE}{value}{POP_ISOLATE}"

    def map_url(self) -> str:
        """A map search for the office's address: no coordinates of our own to get wrong."""
        return "https://www.openstreetmap.org/search?query=" + quote(self.facts()["address"])

    def unsupported_language_answer(self) -> str:
        """For a language the bot does not speak: German, then English, with the language list."""
        return "\n\n".join(
            self.render("unsupported_language", code) for code in (self.fallback, "en")
        )
