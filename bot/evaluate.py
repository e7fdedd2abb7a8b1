"""How good is the assistant? Intent and language accuracy on the held-out set, per language.

`make evaluate` prints the report; tests/test_evaluation.py holds the floors CI enforces.
Every message goes through `Assistant.handle`, exactly as a newcomer's would, with no prior
knowledge of the user (no previous language, no phone language): the hardest case.
"""

from __future__ import annotations

import filecmp
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.assistant import Assistant, Incoming
from bot.language import SUPPORTED
from bot.nlu import FALLBACK_INTENT, TRAINED_MODEL_PATH
from bot.nlu_data import Example, held_out_examples
from bot.settings import Settings

OUT_OF_SCOPE = "out_of_scope"
# A model is refused when it loses more held-out messages than chance would explain this often.
REGRESSION_SIGNIFICANCE = 0.05
# A message of at most this many words counts as "short" in the language figures.
SHORT_WORDS = 3


@dataclass(frozen=True)
class Outcome:
    example: Example
    intent: str
    language: str
    reply_language: str

    @property
    def correct(self) -> bool:
        """The right intent; an honest "not sure" for an out-of-scope message is right too,
        since both send the question to a person with the same answer."""
        if self.intent == self.example.intent:
            return True
        return self.example.intent == OUT_OF_SCOPE and self.intent == FALLBACK_INTENT

    @property
    def confidently_wrong(self) -> bool:
        """The bot gave an answer, and it was the wrong one (worse than "not sure")."""
        return not self.correct and self.intent != FALLBACK_INTENT

    @property
    def short(self) -> bool:
        return len(self.example.text.split()) <= SHORT_WORDS


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def languages(self) -> list[str]:
        """The languages of the evaluated messages, in the project's order."""
        return sorted({o.example.language for o in self.outcomes}, key=SUPPORTED.index)

    def select(self, language: str | None = None, hard: bool | None = None) -> list[Outcome]:
        return [
            outcome
            for outcome in self.outcomes
            if (language is None or outcome.example.language == language)
            and (hard is None or outcome.example.hard == hard)
        ]

    @staticmethod
    def rate(outcomes: list[Outcome], attribute: str) -> float:
        return (
            sum(bool(getattr(o, attribute)) for o in outcomes) / len(outcomes) if outcomes else 0.0
        )

    def intent_accuracy(self, language: str | None = None, hard: bool | None = None) -> float:
        return self.rate(self.select(language, hard), "correct")

    def confidently_wrong(self, language: str | None = None) -> float:
        return self.rate(self.select(language), "confidently_wrong")

    def fallback_rate(self, language: str | None = None) -> float:
        outcomes = self.select(language)
        return sum(o.intent == FALLBACK_INTENT for o in outcomes) / len(outcomes)

    def language_accuracy(self, language: str | None = None, short: bool | None = None) -> float:
        outcomes = [o for o in self.select(language) if short is None or o.short == short]
        hits = sum(o.language == o.example.language for o in outcomes)
        return hits / len(outcomes) if outcomes else 0.0

    def confusions(self, top: int = 12) -> list[tuple[tuple[str, str], int]]:
        pairs = Counter((o.example.intent, o.intent) for o in self.outcomes if not o.correct)
        return pairs.most_common(top)


async def evaluate(assistant: Assistant, examples: list[Example]) -> Report:
    report = Report()
    started = time.perf_counter()
    for example in examples:
        reply = await assistant.handle(Incoming(example.text))
        report.outcomes.append(Outcome(example, reply.intent, reply.language, reply.reply_language))
    report.seconds = time.perf_counter() - started
    return report


def format_report(report: Report) -> str:
    lines = [
        f"Held-out set: {len(report.outcomes)} messages, answered in {report.seconds:.1f} s",
        "",
        "lang  n    intent  hard    wrong*  fallback  language  lang(short)",
    ]
    languages = report.languages()
    for language in [*languages, None]:
        outcomes = report.select(language)
        lines.append(
            f"{language or 'all':5} {len(outcomes):<4} "
            f"{report.intent_accuracy(language):6.1%}  "
            f"{report.intent_accuracy(language, hard=True):6.1%}  "
            f"{report.confidently_wrong(language):6.1%}  "
            f"{report.fallback_rate(language):8.1%}  "
            f"{report.language_accuracy(language):8.1%}  "
            f"{report.language_accuracy(language, short=True):8.1%}"
        )
    lines += [
        "",
        "* wrong: the bot answered, and with the wrong topic (an honest fallback is not counted).",
        "",
        "Most frequent confusions (label -> answered as):",
    ]
    for (gold, predicted), count in report.confusions():
        lines.append(f"  {count:3}  {gold} -> {predicted}")
    wrong_language: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome in report.outcomes:
        if outcome.language != outcome.example.language:
            wrong_language[outcome.example.language][outcome.language] += 1
    lines += ["", "Language detection mistakes (label: detected as):"]
    for language in languages:
        mistakes = ", ".join(f"{code} {n}" for code, n in wrong_language[language].most_common(5))
        lines.append(f"  {language}: {mistakes or '-'}")
    return "\n".join(lines)


async def evaluate_model(settings: Settings, model_path: Path) -> Report:
    """The held-out report of one model file, loaded in this process, with a throwaway store."""
    from bot.runtime import running_assistant

    only_this_model = replace(settings, model_path=model_path, rasa_url=None)
    async with running_assistant(only_this_model, ":memory:") as assistant:
        return await evaluate(assistant, held_out_examples())


def regressions(old: Report, new: Report) -> list[str]:
    """Where `new` is worse than `old` beyond the noise between two trainings: in a language, in
    all languages together, or in confidently wrong answers.

    Both reports answer the same held-out messages, so they are compared message by message
    (McNemar's exact test, one-sided): a measure got worse when so many more messages were lost
    than gained that chance would do it less than 5% of the time. Retraining with one more
    example flips a few messages either way; two or three lost and none gained is such noise,
    five lost and none gained is not.
    """
    pairs = list(zip(old.outcomes, new.outcomes, strict=True))
    assert all(before.example == after.example for before, after in pairs)

    def got_worse(selected: list[tuple[Outcome, Outcome]], good: Callable[[Outcome], bool]) -> bool:
        lost = sum(good(before) and not good(after) for before, after in selected)
        gained = sum(good(after) and not good(before) for before, after in selected)
        return lost > gained and sign_test_p(lost, lost + gained) < REGRESSION_SIGNIFICANCE

    def correct(outcome: Outcome) -> bool:
        return outcome.correct

    languages = old.languages()
    worse = [
        language
        for language in languages
        if got_worse([p for p in pairs if p[0].example.language == language], correct)
    ]
    if got_worse(pairs, correct):
        worse.append("all languages together")
    if got_worse(pairs, lambda outcome: not outcome.confidently_wrong):
        worse.append("wrong answers")
    return worse


def sign_test_p(successes: int, trials: int) -> float:
    """P(at least `successes` of `trials` fair coin flips come up heads)."""
    return sum(math.comb(trials, k) for k in range(successes, trials + 1)) / (1 << trials)


def format_comparison(old: Report, new: Report, old_name: str, new_name: str) -> str:
    languages = old.languages()
    lines = [f"lang  {old_name:>8}  {new_name:>8}  change"]
    for language in [*languages, None]:
        before, after = old.intent_accuracy(language), new.intent_accuracy(language)
        lines.append(
            f"{language or 'all':5} {before:8.1%}  {after:8.1%}  {(after - before) * 100:+5.1f}"
        )
    before, after = old.confidently_wrong(), new.confidently_wrong()
    lines.append(f"wrong {before:8.1%}  {after:8.1%}  {(after - before) * 100:+5.1f}")
    return "\n".join(lines)


def same_file(first: Path, second: Path) -> bool:
    return first.exists() and second.exists() and filecmp.cmp(first, second, shallow=False)


async def main(settings: Settings) -> int:
    """The trained model's report; beside the live model's when that one is different."""
    report = await evaluate_model(settings, TRAINED_MODEL_PATH)
    print(format_report(report))
    live = settings.model_path
    if live.exists() and not same_file(live, TRAINED_MODEL_PATH):
        print(f"\nIntent accuracy, live model ({live}) vs newly trained ({TRAINED_MODEL_PATH}):")
        print(format_comparison(await evaluate_model(settings, live), report, "live", "trained"))
    return 0
