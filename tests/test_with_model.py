"""Through the real parts: the trained Rasa model, the assistant, the store, the entry points."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.assistant import Assistant, Incoming
from bot.core.language import SUPPORTED
from bot.core.nlu import TRAINED_MODEL_PATH, InProcessNlu
from bot.core.nlu_data import (
    HELD_OUT_SETS,
    all_held_out_examples,
    held_out_examples,
    read_examples,
)
from bot.lifecycle.evaluate import evaluate
from bot.paths import ROOT

pytestmark = pytest.mark.model

# Typical questions newcomers ask, and one short question per language, with their answer.
QUESTIONS = [
    ("Wo kann ich Deutsch lernen?", "de", "ask_language_course"),
    ("مرحبا، كيف أتواصل معكم؟", "ar", "ask_contact"),
    ("Deutschkurs?", "de", "ask_language_course"),
    ("I need help, can I talk to someone?", "en", "ask_counselling"),
    ("سلام، آدرس دفتر کجاست؟", "fa", "ask_contact"),
    ("Що робить менеджер з інтеграції?", "uk", "ask_office_tasks"),
    ("Ты бот?", "ru", "bot_challenge"),
    ("Çok teşekkür ederim", "tr", "thanks"),
    ("Bonjour !", "fr", "greet"),
]


@pytest.mark.parametrize(("text", "language", "intent"), QUESTIONS)
async def test_questions_get_the_right_answer_in_their_language(
    model_assistant: Assistant, text: str, language: str, intent: str
) -> None:
    reply = await model_assistant.handle(Incoming(text, user_id="u1"))
    assert (reply.language, reply.reply_language, reply.intent) == (language, language, intent)
    assert reply.answered
    assert reply.text == model_assistant.catalogue.render(intent, language)


async def test_something_the_bot_cannot_answer_is_kept_for_a_person(
    model_assistant: Assistant,
) -> None:
    reply = await model_assistant.handle(Incoming("Wer gewinnt heute das Fußballspiel?", "u2"))
    assert not reply.answered
    [question] = await model_assistant.store.questions()
    assert question.id == reply.question_id and question.user_id == "u2"


# Floors for CI, set a little under the figures measured with `make evaluate` (docs/benchmarks.md):
# a drop below them means the data or the pipeline got worse.
FLOORS = {
    # held-out set: (intent accuracy in every language, confidently wrong, in-scope fallbacks)
    "personas": (0.95, 0.01, 0.03),
    "test_nlu": (0.95, 0.015, 0.03),
}
MIN_LANGUAGE_ACCURACY = 0.90  # text alone, no prior
MIN_LANGUAGE_ACCURACY_WITH_PHONE = 0.97  # replies in the message's language, phone set to it


@pytest.mark.parametrize("name", FLOORS)
async def test_held_out_accuracy_in_every_language(model_assistant: Assistant, name: str) -> None:
    report = await evaluate(model_assistant, read_examples(HELD_OUT_SETS[name]))
    min_accuracy, max_wrong, max_fallback = FLOORS[name]
    for language in SUPPORTED:
        assert report.intent_accuracy(language) >= min_accuracy, language
    assert report.confidently_wrong() <= max_wrong
    assert report.fallback_rate() <= max_fallback
    assert report.language_accuracy() >= MIN_LANGUAGE_ACCURACY
    assert report.language_accuracy(phone=True) >= MIN_LANGUAGE_ACCURACY_WITH_PHONE


async def test_an_answer_given_with_confidence_means_it(model_assistant: Assistant) -> None:
    """Calibration: of the answers given at 90% confidence or more, at most 1% are wrong."""
    report = await evaluate(model_assistant, all_held_out_examples())
    sure = [o for o in report.outcomes if o.confidence >= 0.9]
    assert len(sure) > len(report.outcomes) / 2
    assert sum(o.confidently_wrong for o in sure) / len(sure) <= 0.01


async def test_messages_parsed_together_get_the_same_result_as_one_by_one(
    model_nlu: InProcessNlu,
) -> None:
    """Messages arriving together go through the model as one batch (BatchedDIETClassifier and
    the soft vote predict a whole batch in one call): the scores must not change."""
    texts = [example.text for example in held_out_examples()[:200]]
    alone = [await model_nlu.parse(text) for text in texts]
    together = await asyncio.gather(*(model_nlu.parse(text) for text in texts))
    assert [result.intent for result in together] == [result.intent for result in alone]
    for batched, single in zip(together, alone, strict=True):
        assert [r.intent for r in batched.ranking] == [r.intent for r in single.ranking]
        assert batched.confidence == pytest.approx(single.confidence, abs=1e-6)


def run_bot(*args: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "MODEL_PATH": str(TRAINED_MODEL_PATH),  # the model of this checkout, not a live one
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def test_ask_jsonl_answers_each_line_with_one_json_line(tmp_path: Path) -> None:
    lines = [
        {"text": "Wo kann ich Deutsch lernen?"},
        {"text": "مرحبا، كيف أتواصل معكم؟", "user": "42"},
        {"text": "ok", "user": "42"},
        {"text": "👍", "ui_language": "uk"},
        {"text": "Hola, ¿dónde puedo aprender alemán en la ciudad?"},
    ]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines) + "not json\n"
    done = run_bot("ask", "--jsonl", stdin=stdin, tmp_path=tmp_path)

    outputs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(outputs) == len(lines) + 1, done.stderr
    german, arabic, ok, thumbs, spanish, broken = outputs
    assert set(german) == {
        "language",
        "reply_language",
        "intent",
        "confidence",
        "answered",
        "answer",
    }
    assert (german["language"], german["intent"], german["answered"]) == (
        "de", "ask_language_course", True,
    )  # fmt: skip
    assert (arabic["reply_language"], arabic["intent"]) == ("ar", "ask_contact")
    assert ok["reply_language"] == "ar"  # the same user, remembered
    assert (thumbs["language"], thumbs["reply_language"]) == ("und", "uk")
    assert spanish["language"] == "es" and spanish["answered"] is False
    assert "I understand" in spanish["answer"]
    assert "error" in broken
    assert done.returncode == 1  # one malformed line


def test_terminal_chat_answers_in_the_language_written(tmp_path: Path) -> None:
    done = run_bot("chat", stdin="Привіт! Де можна вчити німецьку?\n", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "bot [uk]>" in done.stdout
    assert "+49 7721 82-2153" in done.stdout


def test_the_batched_diet_scores_exactly_as_rasas_own_diet(model_nlu: InProcessNlu) -> None:
    """components/batched_diet.py predicts a batch in one network call: on both held-out sets,
    every message gets the same ranking as from Rasa's own DIETClassifier.process (one call per
    message)."""
    from components.rasa_internals import components_of, run_until
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier

    names = list(components_of(model_nlu.agent))
    diet_node = next(name for name in names if "BatchedDIETClassifier" in name)
    diet = components_of(model_nlu.agent)[diet_node]
    texts = [example.text for example in all_held_out_examples()]
    featurized = run_until(model_nlu.agent, texts, names[names.index(diet_node) - 1])
    batched = diet.process(copy.deepcopy(featurized))
    own = DIETClassifier.process(diet, copy.deepcopy(featurized))
    assert len(batched) == len(own) == len(texts)
    for ours, theirs in zip(batched, own, strict=True):
        assert [r["name"] for r in ours.get("intent_ranking")] == [
            r["name"] for r in theirs.get("intent_ranking")
        ]
        for a, b in zip(ours.get("intent_ranking"), theirs.get("intent_ranking"), strict=True):
            assert a["confidence"] == pytest.approx(b["confidence"], abs=1e-5)
