"""`/privacy` says what the code does: every line of the German text is in the promise table of
docs/security.md, with the code that keeps it and tests that exist; every fact of data/privacy.yml
is used."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.paths import ROOT

GERMAN = yaml.safe_load((ROOT / "data/answers/de.yml").read_text(encoding="utf-8"))
SECURITY = (ROOT / "docs/security.md").read_text(encoding="utf-8")
HEADING = "Datenschutz 🔒"


def promise_table() -> list[list[str]]:
    """The rows of the table under "## The promises of `/privacy`": promise, code, tests."""
    section = SECURITY.split("## The promises of `/privacy`")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]


def promises(key: str) -> list[str]:
    return [line for line in GERMAN[key].splitlines() if line.strip() and line != HEADING]


@pytest.mark.parametrize("key", ["privacy", "privacy_no_staff"])
def test_every_line_of_privacy_is_a_promise_in_the_table(key: str) -> None:
    table = {row[0] for row in promise_table()}
    missing = [line for line in promises(key) if line not in table]
    assert not missing, f"add to docs/security.md: {missing}"


def test_the_table_promises_nothing_that_privacy_does_not_say() -> None:
    said = set(promises("privacy")) | set(promises("privacy_no_staff"))
    assert [row[0] for row in promise_table() if row[0] not in said] == []


def test_each_promise_names_code_and_tests_that_exist() -> None:
    for promise, code, tests in promise_table():
        paths = re.findall(r"`((?:bot|data|rasa_project)/[\w/.]+)", code)
        # A row without a test says why ("– a fact about Telegram…"); the others name code.
        assert paths or tests.startswith("–"), promise
        for path in paths:
            assert (ROOT / path).exists(), (promise, path)
        for file, name in re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", tests):
            source = (ROOT / file).read_text(encoding="utf-8")
            assert not name or re.search(rf"def {name}\(", source), (promise, file, name)
        assert re.search(r"tests/", tests) or tests.startswith("–"), promise


def test_every_fact_for_the_data_protection_officer_is_used() -> None:
    facts = yaml.safe_load((ROOT / "data/privacy.yml").read_text(encoding="utf-8"))
    assert all("{" + fact + "}" in GERMAN["privacy"] for fact in facts)
