"""How `make evaluate` counts language: through the real detector and assistant, with the NLU
scripted (the intent figures are tested with the trained model in test_with_model.py)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.assistant import Assistant
from bot.core.language import LanguageDetector
from bot.core.nlu_data import Example
from bot.lifecycle.evaluate import evaluate, from_other_phones
from tests.conftest import ScriptedNlu


async def test_with_the_phone_set_a_message_without_letters_counts_by_its_replys_language(
    make_assistant: Callable[[ScriptedNlu], Assistant],
) -> None:
    """ "777" has no language to detect; its reply goes out in the phone's language, which is the
    writer's. A message taken for a language the bot does not speak gets "I don't speak it"."""
    examples = [
        Example("777", "out_of_scope", "uk", True),
        Example("Dzień dobry, szukam kursu niemieckiego", "ask_language_course", "de", False),
        Example("Wo kann ich Deutsch lernen?", "ask_language_course", "de", False),
    ]
    report = await evaluate(make_assistant(ScriptedNlu()), examples)
    assert [o.language_with_phone for o in report.outcomes] == ["uk", "pl", "de"]
    assert [o.language for o in report.outcomes] == ["und", "pl", "de"]
    assert report.language_accuracy(phone=True) == 2 / 3


def test_from_another_phone_a_reply_in_a_third_language_is_told_apart(
    detector: LanguageDetector,
) -> None:
    """Each message is also tried from the seven phones set to another of our languages."""
    examples = [
        Example("Wo kann ich Deutsch lernen?", "ask_language_course", "de", False),
        Example("777", "out_of_scope", "uk", True),
        Example("Dzień dobry, szukam kursu niemieckiego", "ask_language_course", "de", False),
    ]
    # The German sentence is German from every phone; "777" is answered in each phone's language;
    # the Polish one, mislabelled German here, is Polish to every phone: a third language.
    assert from_other_phones(detector, examples) == {"message": 7, "phone": 7, "elsewhere": 7}
