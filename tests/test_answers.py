"""The answer catalogue is complete, every placeholder resolves, and no office fact is invented."""

from __future__ import annotations

import re
import string

import pytest

from bot.core.answers import (
    EXTRA_KEYS,
    LTR_ISOLATE,
    PER_USER_KEYS,
    POP_ISOLATE,
    TELEGRAM_KEYS,
    USER_PLACEHOLDERS,
    Catalogue,
    international_phone,
)
from bot.core.nlu_data import domain_intents
from bot.paths import ROOT

# The page separates the contact person's names with a no-break space: compare words, not spaces.
SEED_PAGE = " ".join((ROOT / "data/source/integrationsfoerderung.txt").read_text("utf-8").split())
INTENTS = domain_intents()
KEYS = [*INTENTS, *EXTRA_KEYS, *TELEGRAM_KEYS]
ALLOWED_PLACEHOLDERS = {
    "department", "division", "street", "postcode", "city", "phone", "fax", "email",
    "contact_person", "contact_card", "languages", "retention_days", "address",
    # data/privacy.yml
    "controller", "data_protection_officer", "legal_basis", "supervisory_authority",
    "supervisory_authority_url",
}  # fmt: skip


def test_there_are_eight_languages_with_german_as_fallback(catalogue: Catalogue) -> None:
    assert sorted(catalogue.codes) == sorted(["ar", "fa", "uk", "ru", "tr", "fr", "en", "de"])
    assert catalogue.fallback == "de"


@pytest.mark.parametrize("key", KEYS)
def test_every_answer_exists_in_every_language(catalogue: Catalogue, key: str) -> None:
    missing = [code for code in catalogue.codes if not catalogue.texts[code].get(key, "").strip()]
    assert not missing, f"{key!r} is missing in {missing}"


def test_no_language_has_keys_the_others_lack(catalogue: Catalogue) -> None:
    for code, texts in catalogue.texts.items():
        assert set(texts) == set(KEYS), code


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_are_known_and_resolve(catalogue: Catalogue, key: str) -> None:
    per_user = key in PER_USER_KEYS
    allowed = ALLOWED_PLACEHOLDERS | (USER_PLACEHOLDERS if per_user else set())
    for code in catalogue.codes:
        template = catalogue.texts[code][key]
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names <= allowed, (code, key, names - allowed)
        values = dict.fromkeys(USER_PLACEHOLDERS, "x") if per_user else {}
        rendered = catalogue.fill(key, code, **values)
        assert "{" not in rendered and "}" not in rendered, (code, key)


def test_office_facts_are_copied_exactly_from_the_city_page(catalogue: Catalogue) -> None:
    for name, value in catalogue.office.items():
        assert value in SEED_PAGE, f"office.yml {name}={value!r} is not on the city's page"
    # The controller is the city itself; what the page does not say stays a placeholder.
    assert str(catalogue.privacy["controller"]) in SEED_PAGE
    assert "Datenschutz" not in SEED_PAGE
    assert catalogue.missing_privacy_facts() == ["data_protection_officer", "legal_basis"]


def test_a_missing_privacy_fact_sends_people_to_the_office(catalogue: Catalogue) -> None:
    for code in catalogue.codes:
        ask = catalogue.render("privacy_ask_office", code)
        assert catalogue.render("privacy", code).count(ask) == 2, code


@pytest.mark.parametrize("code", ["ar", "fa", "uk", "ru", "tr", "fr", "en", "de"])
def test_answers_state_no_fact_of_their_own(catalogue: Catalogue, code: str) -> None:
    """Numbers, e-mail addresses and links only ever come from data/office.yml."""
    for key, template in catalogue.texts[code].items():
        assert not re.search(r"\d{3,}|@|https?://|www\.", template), (code, key)


def test_phone_numbers_are_shown_in_international_dialable_form(catalogue: Catalogue) -> None:
    assert international_phone("07721 / 82-2153") == "+49 7721 82-2153"
    contact = catalogue.render("ask_contact", "en")
    assert "+49 7721 82-2153" in contact
    assert "+49 7721 82-2187" in contact
    assert "jsi@villingen-schwenningen.de" in contact
    assert "Justinus-Kerner-Straße 7, 78048 Villingen-Schwenningen" in contact
    assert "Annette Hug-Kalisch" in contact


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_right_to_left_answers_isolate_numbers_and_addresses(
    catalogue: Catalogue, code: str
) -> None:
    contact = catalogue.render("ask_contact", code)
    assert f"{LTR_ISOLATE}+49 7721 82-2153{POP_ISOLATE}" in contact
    assert f"{LTR_ISOLATE}jsi@villingen-schwenningen.de{POP_ISOLATE}" in contact


def test_left_to_right_answers_have_no_direction_marks(catalogue: Catalogue) -> None:
    assert LTR_ISOLATE not in catalogue.render("ask_contact", "de")


SCRIPT_CHECKS = {
    # language: (a pattern its answers must contain, a pattern they must not contain)
    "ar": (r"[\u0627-\u064a]", r"[پچژگ]"),
    "fa": (r"[پچژگ]", r"[يك]"),  # Persian yeh/kaf, never the Arabic ones
    "uk": (r"[іїєґ]", r"[ыэъё]"),
    "ru": (r"[ыэ]", r"[іїєґ]"),
    "tr": (r"[ğışİ]", r"[\u0400-\u04ff]"),
    "fr": (r"[éèàç]", r"[\u0400-\u04ff]"),
}


@pytest.mark.parametrize("code", sorted(SCRIPT_CHECKS))
def test_answers_are_written_in_the_right_script(catalogue: Catalogue, code: str) -> None:
    must, must_not = SCRIPT_CHECKS[code]
    texts = {key: text for key, text in catalogue.texts[code].items() if key != "contact_card"}
    # The contact card carries the office's German names on purpose.
    assert re.search(must, " ".join(texts.values())), code
    for key, template in texts.items():
        assert not re.search(must_not, template), (code, key)


def test_unsupported_language_answer_is_german_then_english_with_language_list(
    catalogue: Catalogue,
) -> None:
    answer = catalogue.unsupported_language_answer()
    german, english = answer.split("\n\n")
    assert "Sprache" in german and "language" in english
    for language in catalogue.languages.values():
        assert language.name in german and language.name in english


def test_missing_text_falls_back_to_german(catalogue: Catalogue) -> None:
    assert catalogue.text("greet", "xx") == catalogue.texts["de"]["greet"]


def test_the_map_link_is_a_search_for_the_address_not_invented_coordinates(
    catalogue: Catalogue,
) -> None:
    assert catalogue.map_url() == (
        "https://www.openstreetmap.org/search?query="
        "Justinus-Kerner-Stra%C3%9Fe%207%2C%2078048%20Villingen-Schwenningen"
    )


@pytest.mark.parametrize("code", ["ar", "fa", "uk", "ru", "tr", "fr", "en", "de"])
def test_buttons_and_command_descriptions_are_short(catalogue: Catalogue, code: str) -> None:
    for key in TELEGRAM_KEYS:
        text = catalogue.fill(key, code)
        if key.startswith("button_"):
            assert len(text) <= 32, (code, key, text)
        if key.startswith("command_"):
            assert 3 <= len(text) <= 256 and "\n" not in text, (code, key)  # Bot API limits
