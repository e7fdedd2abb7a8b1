"""The NLU data: every language complete, consistent with the domain, held-out set never leaked."""

from __future__ import annotations

import pytest

from bot.core.language import SUPPORTED
from bot.core.nlu_data import (
    PERSONAS_PATH,
    Example,
    all_held_out_examples,
    comparison_key,
    domain_intents,
    held_out_examples,
    problems,
    training_examples,
)

INTENTS = domain_intents()


@pytest.fixture(scope="module")
def training() -> list[Example]:
    return training_examples()


@pytest.fixture(scope="module")
def held_out() -> list[Example]:
    return held_out_examples()


def test_the_domain_has_exactly_the_nine_intents() -> None:
    assert INTENTS == [
        "greet", "goodbye", "thanks", "ask_counselling", "ask_language_course",
        "ask_contact", "ask_office_tasks", "bot_challenge", "out_of_scope",
    ]  # fmt: skip


@pytest.mark.parametrize("language", SUPPORTED)
def test_each_language_has_enough_distinct_examples_and_no_leak(
    language: str, training: list[Example], held_out: list[Example]
) -> None:
    assert problems(language, INTENTS, training, held_out) == []


def test_every_example_belongs_to_a_supported_language(
    training: list[Example], held_out: list[Example]
) -> None:
    assert {example.language for example in training + held_out} == set(SUPPORTED)


def test_no_example_of_either_held_out_set_is_in_the_training_data(
    training: list[Example],
) -> None:
    trained = {comparison_key(example.text) for example in training}
    leaks = [e.text for e in all_held_out_examples() if comparison_key(e.text) in trained]
    assert leaks == []


def test_the_personas_set_covers_every_intent_in_every_language() -> None:
    personas = held_out_examples(PERSONAS_PATH)
    assert {example.language for example in personas} == set(SUPPORTED)
    for language in SUPPORTED:
        own = [example for example in personas if example.language == language]
        assert len(own) >= 60, language
        assert {example.intent for example in own} == set(INTENTS), language


def test_the_held_out_set_has_hard_cases_in_every_language(held_out: list[Example]) -> None:
    for language in SUPPORTED:
        assert sum(e.hard for e in held_out if e.language == language) >= len(INTENTS) * 3


def test_the_problem_check_can_fail() -> None:
    data = [Example("hallo", "greet", "de", False)] * 2
    found = problems("de", ["greet"], data, [Example("Hallo!", "greet", "de", False)])
    assert any("twice" in p for p in found)
    assert any("fewer than" in p for p in found)
    assert any("also in the training data" in p for p in found)
