"""How good is the assistant? Intent and language accuracy on the two held-out sets, per
language, and how well it recognises languages it does not speak.

`make evaluate` prints the report with the targets; tests/test_with_model.py holds the floors CI
enforces. Every message goes through `Assistant.handle`, exactly as a newcomer's would, with no
prior knowledge of the user (no previous language, no phone language): the hardest case. Language
detection is also measured with the phone set to the message's language, as most newcomers' are:
there the figure is the share of replies in the message's language, so a message without letters
("777"), answered in the phone's language, counts as right.
"""

from __future__ import annotations

import filecmp
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.core.assistant import Assistant, Incoming
from bot.core.language import SUPPORTED, UNDETERMINED, LanguageDetector
from bot.core.nlu import FALLBACK_INTENT, TRAINED_MODEL_PATH
from bot.core.nlu_data import (
    HELD_OUT_SETS,
    OUT_OF_SCOPE_INTENT,
    Example,
    all_held_out_examples,
    read_examples,
)
from bot.paths import RASA_PROJECT_DIR, read_yaml
from bot.settings import Settings

# A model is refused when it loses more held-out messages than chance would explain this often.
REGRESSION_SIGNIFICANCE = 0.05
# A message of at most this many words counts as "short" in the language figures.
SHORT_WORDS = 2
# Messages in languages the bot does not speak, and keyboard mash: never trained on.
OTHER_LANGUAGES_PATH = RASA_PROJECT_DIR / "tests" / "unsupported_languages.yml"


@dataclass(frozen=True)
class Target:
    """A figure that each held-out set must reach."""

    name: str
    value: Callable[[Report, OtherLanguagesReport], float]
    at_least: float | None = None
    at_most: float | None = None

    def met(self, report: Report, others: OtherLanguagesReport) -> bool:
        value = self.value(report, others)
        return (self.at_least is None or value >= self.at_least) and (
            self.at_most is None or value <= self.at_most
        )


@dataclass(frozen=True)
class Outcome:
    example: Example
    intent: str
    language: str  # detected from the text alone
    reply_language: str
    # The language the reply is written in, with the phone set to the message's language.
    language_with_phone: str | None = None
    confidence: float = 0.0  # the model's confidence in `intent`

    @property
    def correct(self) -> bool:
        """The right intent; an honest "not sure" for an out-of-scope message is right too,
        since both send the question to a person with the same answer."""
        if self.intent == self.example.intent:
            return True
        return self.example.intent == OUT_OF_SCOPE_INTENT and self.intent == FALLBACK_INTENT

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
        """Questions the bot could have answered, but said it was not sure."""
        outcomes = [o for o in self.select(language) if o.example.intent != OUT_OF_SCOPE_INTENT]
        fell_back = sum(o.intent == FALLBACK_INTENT for o in outcomes)
        return fell_back / len(outcomes) if outcomes else 0.0

    def worst_intent_accuracy(self) -> float:
        return min(self.intent_accuracy(language) for language in self.languages())

    def language_accuracy(
        self, language: str | None = None, short: bool | None = None, phone: bool = False
    ) -> float:
        outcomes = [o for o in self.select(language) if short is None or o.short == short]
        hits = sum(
            (o.language_with_phone if phone else o.language) == o.example.language for o in outcomes
        )
        return hits / len(outcomes) if outcomes else 0.0

    def confusions(self, top: int = 12) -> list[tuple[tuple[str, str], int]]:
        pairs = Counter((o.example.intent, o.intent) for o in self.outcomes if not o.correct)
        return pairs.most_common(top)


async def evaluate(assistant: Assistant, examples: list[Example]) -> Report:
    report = Report()
    started = time.perf_counter()
    for example in examples:
        reply = await assistant.handle(Incoming(example.text))
        with_phone = assistant.detector.detect(example.text, ui_language=example.language)
        # A message without letters ("777") has no language: its reply goes out in the phone's.
        # One taken for a language the bot does not speak gets "I don't speak it" instead.
        answered_in = (
            example.language if with_phone.language == UNDETERMINED else with_phone.language
        )
        report.outcomes.append(
            Outcome(
                example,
                reply.intent,
                reply.language,
                reply.reply_language,
                answered_in,
                reply.confidence,
            )
        )
    report.seconds = time.perf_counter() - started
    return report


def from_other_phones(detector: LanguageDetector, examples: list[Example]) -> Counter[str]:
    """Where the reply goes when the phone is set to another of our languages than the
    message's: "message" (its own language), "phone" (the phone's: one the writer chose to read,
    also for a message without letters) or "elsewhere" (a third language, or "I don't speak
    it"): the worst miss."""
    where: Counter[str] = Counter()
    for example in examples:
        for phone in SUPPORTED:
            if phone != example.language:
                detected = detector.detect(example.text, ui_language=phone).language
                if detected == example.language:
                    where["message"] += 1
                elif detected in (phone, UNDETERMINED):
                    where["phone"] += 1
                else:
                    where["elsewhere"] += 1
    return where


@dataclass
class OtherLanguagesReport:
    """Messages in languages the bot does not speak (recognised as such?) and keyboard mash
    (undetermined, or the user's own language?)."""

    detected: dict[str, list[str]] = field(default_factory=dict)  # label -> detected languages
    mash: list[str] = field(default_factory=list)  # detected from the text alone
    mash_with_phone: list[str] = field(default_factory=list)  # … with a German phone

    def recognised(self, language: str | None = None) -> float:
        detected = [
            code
            for label, codes in self.detected.items()
            if language in (None, label)
            for code in codes
        ]
        return sum(code not in SUPPORTED for code in detected) / len(detected)


def evaluate_other_languages(
    detector: LanguageDetector, path: Path = OTHER_LANGUAGES_PATH
) -> OtherLanguagesReport:
    data: dict[str, Any] = read_yaml(path)
    return OtherLanguagesReport(
        detected={
            code: [detector.detect(text).language for text in entry["messages"]]
            for code, entry in data["languages"].items()
        },
        mash=[detector.detect(text).language for text in data["gibberish"]],
        mash_with_phone=[detector.detect(t, ui_language="de").language for t in data["gibberish"]],
    )


# The targets, met on each held-out set.
TARGETS = (
    Target("intent accuracy, worst language", lambda r, o: r.worst_intent_accuracy(), 0.97),
    Target("in-scope questions that fall back", lambda r, o: r.fallback_rate(), at_most=0.03),
    Target("confidently wrong answers", lambda r, o: r.confidently_wrong(), at_most=0.01),
    Target("other languages recognised as such", lambda r, o: o.recognised(), 0.90),
    Target(
        "replies in the message's language (phone set)",
        lambda r, o: r.language_accuracy(phone=True),
        0.985,
    ),
    Target(
        "… messages of 1-2 words (phone set)",
        lambda r, o: r.language_accuracy(short=True, phone=True),
        0.96,
    ),
)


def format_report(report: Report, name: str = "", other_phones: Counter[str] | None = None) -> str:
    """The report's table and confusions; with `other_phones` (from_other_phones), where the
    replies go from the other phones."""
    lines = [
        f"Held-out set {name}: {len(report.outcomes)} messages, answered in {report.seconds:.1f} s",
        "",
        " " * 46 + f"{'text alone:':19}phone set:",
        "lang  n    intent  hard    wrong*  fallback*  detected  short**  replied  short**",
    ]
    languages = report.languages()
    for language in [*languages, None]:
        outcomes = report.select(language)
        lines.append(
            f"{language or 'all':5} {len(outcomes):<4} "
            f"{report.intent_accuracy(language):6.1%}  "
            f"{report.intent_accuracy(language, hard=True):6.1%}  "
            f"{report.confidently_wrong(language):6.1%}  "
            f"{report.fallback_rate(language):7.1%}  "
            f"{report.language_accuracy(language):8.1%}  "
            f"{report.language_accuracy(language, short=True):7.1%}  "
            f"{report.language_accuracy(language, phone=True):7.1%}  "
            f"{report.language_accuracy(language, short=True, phone=True):7.1%}"
        )
    lines += [
        "",
        "* wrong: the bot answered, and with the wrong topic (an honest fallback is not counted);",
        '  fallback: questions about our topics that got "not sure" (of those questions).',
        "** short: messages of one or two words. replied: the reply is in the message's language",
        '  (a message without letters, "777", is answered in the language of the phone).',
        "",
        "Most frequent confusions (label -> answered as):",
    ]
    for (gold, predicted), count in report.confusions():
        lines.append(f"  {count:3}  {gold} -> {predicted}")
    wrong_language: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome in report.outcomes:
        if outcome.language != outcome.example.language:
            wrong_language[outcome.example.language][outcome.language] += 1
    if other_phones and (total := sum(other_phones.values())):
        where = other_phones
        lines += [
            "",
            "From a phone set to another of our languages (each message x 7), the reply is in",
            f"  the message's language {where['message'] / total:.1%}, the phone's "
            f"{where['phone'] / total:.1%}, a third language {where['elsewhere'] / total:.1%}",
        ]
    lines += ["", "Language detection mistakes (label: detected as):"]
    for language in languages:
        mistakes = ", ".join(f"{code} {n}" for code, n in wrong_language[language].most_common(5))
        lines.append(f"  {language}: {mistakes or '-'}")
    return "\n".join(lines)


async def evaluate_model(settings: Settings, model_path: Path) -> Report:
    """The report of one model file on both held-out sets together, loaded in this process,
    with a throwaway store."""
    from bot.runtime import running_assistant

    only_this_model = replace(settings, model_path=model_path, rasa_url=None)
    async with running_assistant(only_this_model, ":memory:") as assistant:
        return await evaluate(assistant, all_held_out_examples())


def format_other_languages(others: OtherLanguagesReport) -> str:
    lines = ["Languages the bot does not speak (text alone): recognised as not ours"]
    for label, detected in others.detected.items():
        found = Counter(detected).most_common(3)
        lines.append(
            f"  {label:7} {others.recognised(label):6.1%}  "
            + ", ".join(f"{code} {count}" for code, count in found)
        )
    lines.append(f"  all     {others.recognised():6.1%}")
    mash = Counter(others.mash).most_common(4)
    lines.append(
        f"Keyboard mash: undetermined {others.mash.count(UNDETERMINED)}/{len(others.mash)} "
        f"({', '.join(f'{c} {n}' for c, n in mash)}); with a German phone, German "
        f"{others.mash_with_phone.count('de')}/{len(others.mash_with_phone)}"
    )
    return "\n".join(lines)


def format_targets(report: Report, others: OtherLanguagesReport, name: str) -> str:
    lines = [f"Targets (held-out set {name}):"]
    for target in TARGETS:
        bound = (
            f">= {target.at_least:.1%}"
            if target.at_least is not None
            else f"<= {target.at_most:.1%}"
        )
        mark = "ok " if target.met(report, others) else "NOT"
        lines.append(f"  {mark} {target.name:47} {target.value(report, others):6.1%}  ({bound})")
    return "\n".join(lines)


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
    """The trained model's report on both held-out sets, the languages it does not speak, the
    targets; and beside the live model's when that one is different."""
    from bot.runtime import running_assistant

    only_this_model = replace(settings, model_path=TRAINED_MODEL_PATH, rasa_url=None)
    async with running_assistant(only_this_model, ":memory:") as assistant:
        examples = {name: read_examples(path) for name, path in HELD_OUT_SETS.items()}
        reports = {name: await evaluate(assistant, examples[name]) for name in examples}
        others = evaluate_other_languages(assistant.detector)
    for name, report in reports.items():
        other_phones = from_other_phones(assistant.detector, examples[name])
        print(format_report(report, name, other_phones) + "\n")
    print(format_other_languages(others) + "\n")
    print("\n\n".join(format_targets(report, others, name) for name, report in reports.items()))
    report = Report([o for r in reports.values() for o in r.outcomes])
    live = settings.model_path
    if live.exists() and not same_file(live, TRAINED_MODEL_PATH):
        print(f"\nIntent accuracy, live model ({live}) vs newly trained ({TRAINED_MODEL_PATH}):")
        print(format_comparison(await evaluate_model(settings, live), report, "live", "trained"))
    return 0
