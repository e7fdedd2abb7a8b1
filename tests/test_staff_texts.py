"""What the staff group reads: complete texts, no personal data, the office's time."""

from __future__ import annotations

from bot.core.nlu_data import domain_intents
from bot.core.store import Counts, Question
from bot.telegram.limits import MAX_MESSAGE_LENGTH, telegram_length
from bot.telegram.staff_texts import StaffTexts, local_time


def question(**changes: object) -> Question:
    values: dict[str, object] = dict(
        id=12, user_id="555123", text="Wo lerne ich Deutsch am Abend?", language="ar",
        reply_language="ar", intent="ask_language_course", confidence=0.414, reason="fallback",
        status="open", created_at="2026-11-25T16:03:00+00:00",
    )  # fmt: skip
    values.update(changes)
    return Question(**values)  # type: ignore[arg-type]


def test_every_intent_has_a_topic_name() -> None:
    assert set(StaffTexts().topics) == set(domain_intents())


def test_a_post_shows_the_question_but_not_who_asked() -> None:
    post = StaffTexts().post(question())
    assert "Frage #12 · 25.11.2026 17:03" in post
    assert "Arabisch" in post and "Deutschkurs (41 %)" in post and "unsicher" in post
    assert "Wo lerne ich Deutsch am Abend?" in post
    assert "555123" not in post


def test_a_voice_note_post_says_the_message_is_attached() -> None:
    post = StaffTexts().post(question(text="(voice)", media_kind="voice", reason="voice"))
    assert "Sprachnachricht" in post and "angehängt" in post and "(voice)" not in post


def test_office_time_follows_daylight_saving() -> None:
    assert local_time("2026-07-01T10:00:00+00:00") == "01.07.2026 12:00"
    assert local_time("2026-12-01T10:00:00") == "01.12.2026 11:00"


def test_the_inbox_pages_and_links_to_posts() -> None:
    texts = StaffTexts()
    assert "Keine offenen Fragen" in texts.inbox([], 0, 0, None, {})
    page = texts.inbox([question(label="spam")], 6, 1, "https://t.me/c/123/{message_id}", {12: 77})
    assert "Seite 2 von 2" in page and "https://t.me/c/123/77" in page and "Spam" in page


def test_stats_are_numbers_per_language_and_topic() -> None:
    week = Counts({"ar": 2}, {"ask_contact": 1, "fallback": 1}, {"message": 2, "unanswered": 1})
    month = Counts(
        {"ar": 5, "uk": 1}, {"ask_contact": 4, "fallback": 2}, {"message": 6, "thumbs_up": 3}
    )
    text = StaffTexts().stats(week, month, open_questions=4)
    assert "Nachrichten: 2 / 6" in text
    assert "Arabisch: 2 / 5" in text and "Ukrainisch: 0 / 1" in text
    assert "Kontakt: 1 / 4" in text and "Der Bot war unsicher: 1 / 2" in text
    assert "👍 0 / 3" in text and "Jetzt offen: 4" in text


def test_every_text_with_a_question_number_shows_it() -> None:
    """A YAML trap: in an unquoted value, " #" starts a comment and cuts the text."""
    texts = StaffTexts()
    only_the_number = [
        key for key, value in texts.raw.items() if isinstance(value, str) and "{id}" in value
        and "{" not in value.replace("{id}", "")
    ]  # fmt: skip
    assert len(only_the_number) >= 5
    for key in only_the_number:
        assert "#12" in texts.render(key, id=12)
    assert texts.render("delivered_media", id=12, kind="Foto", name="Anna") == (
        "✅ Zugestellt (Frage #12): Foto von Anna."
    )


def test_a_post_fits_in_one_message_as_telegram_counts_it() -> None:
    """Telegram counts UTF-16 units: 2,500 emoji are 5,000, over its limit of 4,096."""
    post = StaffTexts().post(question(text="🙏" * 2500))
    assert telegram_length(post) <= MAX_MESSAGE_LENGTH and "…" in post
    assert "Frage #12" in post and "Antworten Sie auf diese Nachricht" in post


def test_a_confirmation_keeps_the_answer_within_the_limit() -> None:
    texts = StaffTexts()
    assert texts.delivered(12, "Anna", "Rufen Sie an.", "text").endswith("Rufen Sie an.")
    assert telegram_length(texts.delivered(12, "Anna", "😀" * 4000, "text")) <= 4096
    assert "Sprachnachricht von Anna" in texts.delivered(12, "Anna", None, "voice")


def test_a_language_the_bot_does_not_speak_is_named_for_staff() -> None:
    texts = StaffTexts()
    assert texts.language("ku-kmr") == "Kurdisch (Kurmanji)"
    assert texts.language("ps") == "Paschtu"
    assert texts.language("ar") == "Arabisch"
    assert "Kurdisch (Sorani)" in texts.post(question(language="ku-ckb"))
