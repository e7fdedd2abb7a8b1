"""Promotion's gate and file handling (the full loop with real models is in the end-to-end
tests: test_model_loop_e2e.py)."""

from __future__ import annotations

import io
from pathlib import Path

from bot.core.nlu_data import Example
from bot.lifecycle.evaluate import Outcome, Report, format_comparison, regressions, sign_test_p
from bot.lifecycle.promote import promote, replace_atomically
from bot.settings import Settings


def report(right: dict[str, int], wrong_answers: int = 0) -> Report:
    """Ten messages per language, `right[lang]` of them answered right; the rest fall back,
    except `wrong_answers` that get a wrong answer."""
    outcomes = []
    for language, count in right.items():
        for number in range(10):
            example = Example(f"{language}{number}", "ask_contact", language, False)
            if number < count:
                intent = "ask_contact"
            elif wrong_answers and number == 9:
                intent = "ask_counselling"
            else:
                intent = "nlu_fallback"
            outcomes.append(Outcome(example, intent, language, language))
    return Report(outcomes)


def test_a_model_worse_in_any_language_is_a_regression() -> None:
    old = report({"ar": 9, "de": 9})
    assert regressions(old, report({"ar": 10, "de": 9})) == []
    # A few messages lost and none gained is the noise between two trainings; five are not.
    assert regressions(old, report({"ar": 9, "de": 6})) == []
    assert regressions(old, report({"ar": 10, "de": 4})) == ["de"]
    assert regressions(old, report({"ar": 4, "de": 4})) == ["ar", "de", "all languages together"]


def test_the_gate_is_an_exact_sign_test() -> None:
    assert sign_test_p(2, 2) == 0.25
    assert sign_test_p(5, 5) == 1 / 32
    assert sign_test_p(0, 4) == 1.0


def test_more_wrong_answers_are_a_regression() -> None:
    languages = ("ar", "de", "fa", "uk", "ru")
    old = report(dict.fromkeys(languages, 8))
    new = report(dict.fromkeys(languages, 8), wrong_answers=1)  # one wrong answer per language
    assert regressions(old, new) == ["wrong answers"]


def test_the_comparison_shows_both_models_side_by_side() -> None:
    text = format_comparison(report({"ar": 9}), report({"ar": 10}), "live", "new")
    assert "ar       90.0%    100.0%  +10.0" in text


def test_replacing_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    source, target = tmp_path / "new.tar.gz", tmp_path / "models" / "live.tar.gz"
    source.write_bytes(b"new model")
    replace_atomically(source, target)
    assert target.read_bytes() == b"new model"
    assert sorted(p.name for p in target.parent.iterdir()) == ["live.tar.gz"]


async def test_the_first_model_goes_live_without_a_comparison(tmp_path: Path) -> None:
    candidate = tmp_path / "nlu.tar.gz"
    candidate.write_bytes(b"model")
    settings = Settings(model_path=tmp_path / "live.tar.gz")
    out = io.StringIO()
    assert await promote(settings, candidate, out)
    assert settings.model_path.read_bytes() == b"model"
    assert await promote(settings, candidate, out)  # the same file again: nothing to do
    assert "already the live model" in out.getvalue()
    assert not await promote(settings, tmp_path / "missing.tar.gz", out)
