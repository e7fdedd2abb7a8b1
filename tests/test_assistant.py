"""The assistant alone (NLU scripted): which answer, which language, what is kept for a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.answers import Catalogue
from bot.core.assistant import (
    MAX_MEDIA_BYTES,
    MAX_STORED_CHARS,
    QUESTIONS_PER_DAY,
    Assistant,
    Incoming,
    Media,
    clean_text,
)
from bot.core.language import LanguageDetector
from bot.core.nlu import FALLBACK_INTENT, NluResult, Ranked
from bot.core.store import Store
from tests.conftest import ScriptedNlu

MakeAssistant = Callable[[ScriptedNlu], Assistant]


def result(intent: str, confidence: float = 0.9, *ranking: tuple[str, float]) -> NluResult:
    return NluResult(intent, confidence, tuple(Ranked(n, c) for n, c in ranking))


@pytest.fixture
def out_of_scope_assistant(make_assistant: MakeAssistant) -> Assistant:
    """An assistant whose model finds every question out of scope: each is kept for a person."""
    nlu = ScriptedNlu()
    nlu.default = result("out_of_scope")
    return make_assistant(nlu)


async def test_a_known_question_is_answered_in_the_language_it_was_written_in(
    make_assistant: MakeAssistant, store: Store
) -> None:
    nlu = ScriptedNlu({"Wo kann ich Deutsch lernen?": result("ask_language_course")})
    reply = await make_assistant(nlu).handle(Incoming("Wo kann ich Deutsch lernen?", "u1"))
    assert (reply.language, reply.reply_language) == ("de", "de")
    assert reply.intent == "ask_language_course" and reply.answered
    assert "Integrationskurs" in reply.text and "+49 7721 82-2153" in reply.text
    assert await store.questions() == []  # nothing kept: the bot answered


async def test_a_fallback_is_kept_for_a_person_before_the_reply_is_returned(
    make_assistant: MakeAssistant, store: Store
) -> None:
    text = "مشكلة مع الكهرباء في البيت"
    nlu = ScriptedNlu(
        {text: result(FALLBACK_INTENT, 0.6, ("nlu_fallback", 0.6), ("ask_counselling", 0.4))}
    )
    reply = await make_assistant(nlu).handle(Incoming(text, "u7"))
    assert not reply.answered and reply.reason == "fallback"
    assert reply.reply_language == "ar"
    [question] = await store.questions()
    assert question.id == reply.question_id
    assert (question.user_id, question.text, question.language) == ("u7", text, "ar")
    # The staff see the model's best real guess, not "nlu_fallback".
    assert (question.intent, question.confidence) == ("ask_counselling", 0.4)


async def test_out_of_scope_gets_an_honest_answer_and_is_kept(
    make_assistant: MakeAssistant, store: Store
) -> None:
    nlu = ScriptedNlu({"wie wird das Wetter morgen": result("out_of_scope")})
    reply = await make_assistant(nlu).handle(Incoming("wie wird das Wetter morgen"))
    assert not reply.answered and reply.reason == "out_of_scope"
    assert "leider nicht helfen" in reply.text
    assert len(await store.questions()) == 1


async def test_when_the_model_cannot_be_asked_the_newcomer_still_gets_contact_details(
    make_assistant: MakeAssistant, store: Store
) -> None:
    nlu = ScriptedNlu()
    nlu.down = True
    reply = await make_assistant(nlu).handle(Incoming("Як записатися на курс?", "u2"))
    assert reply.reply_language == "uk" and not reply.answered
    assert reply.reason == "nlu_unavailable"
    assert "+49 7721 82-2153" in reply.text
    assert [q.text for q in await store.questions()] == ["Як записатися на курс?"]


async def test_a_language_the_bot_does_not_speak_gets_german_and_english(
    make_assistant: MakeAssistant, store: Store
) -> None:
    reply = await make_assistant(ScriptedNlu()).handle(Incoming("ሰላም ከመይ ኣለኹም", "u3"))
    assert reply.language == "ti" and not reply.answered
    assert "Diese Sprache spreche ich leider noch nicht" in reply.text
    assert "I don't speak this language yet" in reply.text
    assert (await store.questions())[0].reason == "unsupported_language"


async def test_short_messages_keep_the_language_of_the_conversation(
    make_assistant: MakeAssistant,
) -> None:
    assistant = make_assistant(ScriptedNlu())
    first = await assistant.handle(Incoming("سلام، کلاس زبان آلمانی کجاست؟", "u4"))
    assert first.reply_language == "fa"
    second = await assistant.handle(Incoming("ok", "u4"))
    assert second.reply_language == "fa"


async def test_a_chosen_language_is_kept_whatever_the_user_writes(
    make_assistant: MakeAssistant, store: Store
) -> None:
    await store.remember_language("u5", "tr", chosen=True)
    reply = await make_assistant(ScriptedNlu()).handle(
        Incoming("Hello, where is the office?", "u5")
    )
    assert reply.language == "en" and reply.reply_language == "tr"


async def test_the_phone_language_is_used_when_the_text_has_no_letters(
    make_assistant: MakeAssistant,
) -> None:
    reply = await make_assistant(ScriptedNlu()).handle(Incoming("👍", ui_language="ru-RU"))
    assert (reply.language, reply.reply_language) == ("und", "ru")


async def test_an_empty_message_asks_for_text_and_keeps_nothing(
    make_assistant: MakeAssistant, store: Store
) -> None:
    nlu = ScriptedNlu()
    reply = await make_assistant(nlu).handle(Incoming(" \u200b\n\t ", "u6", ui_language="fr"))
    assert reply.reason == "empty_message" and reply.reply_language == "fr"
    assert "texte" in reply.text
    assert nlu.seen == [] and await store.questions() == []


async def test_control_characters_never_reach_the_model_or_the_database(
    make_assistant: MakeAssistant, store: Store
) -> None:
    nlu = ScriptedNlu()
    nlu.default = result("out_of_scope")
    text = "hallo\x00 \u202ewelt\u202c\u200b  und   so"
    await make_assistant(nlu).handle(Incoming(text, "u8"))
    assert nlu.seen == ["hallo welt und so"]
    assert (await store.questions())[0].text == "hallo welt und so"


def test_clean_text_keeps_the_persian_zero_width_non_joiner() -> None:
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"


async def test_very_long_messages_are_kept_up_to_telegrams_limit(
    make_assistant: MakeAssistant, store: Store
) -> None:
    nlu = ScriptedNlu()
    nlu.default = result(FALLBACK_INTENT, 0.3)
    await make_assistant(nlu).handle(Incoming("Frage " * 2000, "u9"))
    assert len((await store.questions())[0].text) == MAX_STORED_CHARS


async def test_a_voice_note_is_kept_for_a_person_and_answered_in_the_users_language(
    make_assistant: MakeAssistant, store: Store
) -> None:
    assistant = make_assistant(ScriptedNlu())
    await assistant.handle(Incoming("سلام، کلاس زبان آلمانی کجاست؟", "u10"))
    reply = await assistant.handle_media("u10", None, Media("voice", "AwACAgIAAxk", 40_000))
    assert reply.reply_language == "fa" and not reply.answered
    assert reply.text == assistant.catalogue.render("non_text_kept", "fa")
    [voice] = await store.questions()  # the greeting was answered, not kept
    assert (voice.media_kind, voice.media_file_id, voice.id) == (
        "voice",
        "AwACAgIAAxk",
        reply.question_id,
    )


async def test_a_sticker_gets_an_explanation_and_nothing_is_kept(
    make_assistant: MakeAssistant, store: Store
) -> None:
    reply = await make_assistant(ScriptedNlu()).handle_media(
        "u11", "uk", Media("sticker", "CAACAgIAAxk")
    )
    assert reply.reply_language == "uk" and reply.answered and reply.key == "non_text"
    assert await store.questions() == []


@pytest.mark.parametrize(
    ("media", "kept"),
    [
        (Media("photo", "p", 200_000), True),
        (Media("document", "d", 300_000, "application/pdf"), True),
        (Media("document", "d", 300_000, "application/zip"), False),
        (Media("document", "d", MAX_MEDIA_BYTES + 1, "application/pdf"), False),
        (Media("video", "v", 1_000_000), False),
        (Media("audio", "a", 1_000_000), False),
        (Media("voice", "v", None), True),  # Telegram did not say: a voice note is small
    ],
    ids=["photo", "pdf", "zip", "huge-pdf", "video", "audio", "voice-unknown-size"],
)
async def test_only_photos_pdfs_and_voice_notes_within_the_limit_reach_staff(
    make_assistant: MakeAssistant, store: Store, media: Media, kept: bool
) -> None:
    reply = await make_assistant(ScriptedNlu()).handle_media("u13", "fr", media)
    assert (reply.question_id is not None) == kept
    assert reply.key == ("non_text_kept" if kept else "file_not_passed_on")
    assert len(await store.questions()) == int(kept)


async def test_repeats_count_once_and_a_person_gets_a_bounded_number_a_day(
    out_of_scope_assistant: Assistant, store: Store
) -> None:
    assistant = out_of_scope_assistant
    first = await assistant.handle(Incoming("Wo ist das Jobcenter?", "u14", message_id=1))
    again = await assistant.handle(Incoming("wo ist das jobcenter", "u14", message_id=2))
    assert first.question_id == again.question_id is not None
    for n in range(QUESTIONS_PER_DAY - 1):
        reply = await assistant.handle(Incoming(f"Frage Nummer {n} zum Wetter", "u14"))
        assert reply.key == "out_of_scope"
    over = await assistant.handle(Incoming("Und noch eine ganz andere Frage", "u14"))
    assert over.key == "question_limit" and over.question_id is None
    assert "+49 7721 82-2153" in over.text
    assert len(await store.questions()) == QUESTIONS_PER_DAY


async def test_an_edited_question_updates_the_one_kept(
    out_of_scope_assistant: Assistant, store: Store
) -> None:
    assistant = out_of_scope_assistant
    first = await assistant.handle(Incoming("Wo ist das Jobcentr", "u15", message_id=7))
    edited = await assistant.handle(Incoming("Wo ist das Jobcenter?", "u15", message_id=7))
    assert first.question_id == edited.question_id
    assert [q.text for q in await store.questions()] == ["Wo ist das Jobcenter?"]


async def test_without_a_staff_group_nothing_is_kept_and_nothing_promises_a_person(
    store: Store, catalogue: Catalogue, detector: LanguageDetector
) -> None:
    nlu = ScriptedNlu({"Wer hilft mir mit dem Brief?": result(FALLBACK_INTENT, 0.3)})
    assistant = Assistant(nlu, store, catalogue, detector, staff=False)
    replies = [
        await assistant.handle(Incoming("Wer hilft mir mit dem Brief?", "u16")),
        await assistant.handle_media("u16", "de", Media("voice", "v")),
    ]
    down = await assistant.feedback("u16", False, "ask_contact", 0.9, "Wo ist das Büro?")
    assert down is not None
    replies.append(down)
    texts = [reply.text for reply in replies]
    texts += [assistant.text(key, "de") for key in ("help", "privacy", "bot_challenge")]
    for text in texts:
        assert "antwortet Ihnen" not in text and "weitergegeben" not in text, text
    assert all(reply.question_id is None for reply in replies)
    assert await store.questions() == []


async def test_a_chosen_language_must_be_one_the_bot_speaks(make_assistant: MakeAssistant) -> None:
    assistant = make_assistant(ScriptedNlu())
    await assistant.choose_language("u12", "tr")
    assert await assistant.reply_language("u12", "de") == "tr"
    with pytest.raises(ValueError):
        await assistant.choose_language("u12", "xx")
