"""From labelled questions to training data: what is exported, what is skipped, and the file."""

from __future__ import annotations

import io
from pathlib import Path

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.core.nlu_data import (
    Example,
    comparison_key,
    held_out_examples,
    read_examples,
    training_examples,
)
from bot.core.store import Question, Store
from bot.lifecycle.review import export, exportable, print_export, write_examples

INTENTS = {"ask_counselling", "ask_language_course", "out_of_scope"}


def question(text: str, label: str | None = "ask_language_course", **changes: object) -> Question:
    values: dict[str, object] = dict(
        id=1, user_id="7", text=text, language="de", reply_language="de", intent="nlu_fallback",
        confidence=0.5, reason="fallback", status="answered", created_at="2026-11-25T10:00:00",
        label=label,
    )  # fmt: skip
    values.update(changes)
    return Question(**values)  # type: ignore[arg-type]


def test_only_new_texts_with_a_topic_become_examples_without_personal_details() -> None:
    known = {comparison_key("Deutschkurs?")}
    result = exportable(
        [
            question("Alphabetisierung für meine Mutter"),
            question("deutschkurs"),  # already known, case and punctuation aside
            question("Ich heiße Amira Haddad, meine Nummer ist 0176 1234567"),
            question("schreib an max@example.org wegen Kurs"),
            question("[Kurs](entity) bitte"),
            question("(voice)", media_kind="voice"),
            question("Як записатися", language="ps"),
            question("egal", label="spam"),
        ],
        known,
        INTENTS,
    )
    assert [e.text for e in result.added] == [
        "Alphabetisierung für meine Mutter",
        "Ich heiße NAME, meine Nummer ist PHONE",
        "schreib an EMAIL wegen Kurs",
    ]
    assert [q.text for q in result.already_known] == ["deutschkurs"]
    assert len(result.skipped) == 4


async def test_export_writes_rasa_yaml_with_languages_and_never_twice(
    store: Store, tmp_path: Path
) -> None:
    for text, language, label in (
        ("Alphabetisierung für meine Mutter", "de", "ask_language_course"),
        ("Курси для мами, яка не вміє писати", "uk", "ask_language_course"),
        ("Wie wird das Wetter morgen in Schwenningen", "de", "out_of_scope"),
        (held_out_examples()[0].text, "de", "greet"),  # never leak the test set
    ):
        kept = await store.keep_question(
            user_id="7", text=text, language=language, reply_language=language,
            intent="nlu_fallback", confidence=0.4, reason="fallback",
        )  # fmt: skip
        assert kept.question_id is not None
        await store.label_question(kept.question_id, label, "Anna")
    directory = tmp_path / "nlu"
    directory.mkdir()
    path = directory / "reviewed.yml"

    first = await export(store, path)
    second = await export(store, path)

    assert len(first.added) == 3 and second.added == []
    assert len(second.already_known) == 4
    examples = read_examples(path)
    assert {(e.language, e.intent, e.text) for e in examples} == {
        (e.language, e.intent, e.text) for e in first.added
    }
    assert training_examples(directory) == examples
    assert "7" not in path.read_text()  # no link to the person who asked
    out = io.StringIO()
    print_export(first, path, out)
    assert "3 new examples" in out.getvalue()


def test_rasa_reads_the_exported_file(tmp_path: Path) -> None:
    path = tmp_path / "reviewed.yml"
    texts = ["Alphabetisierung: für meine Mutter?", "# Kurs", "- Kurs", "كورس للأم"]
    write_examples(path, [Example(text, "ask_language_course", "de", False) for text in texts])
    data = RasaYAMLReader().read(path)
    assert sorted(m.get("text") for m in data.training_examples) == sorted(texts)
