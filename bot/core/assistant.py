"""The assistant: one message in, one answer out. No Telegram types here.

Decides the message's language and the language of the reply, asks the NLU model what the message
is about, picks the answer, and keeps every question that a person has to look at — in the database
before the reply is returned, so that nothing is lost if the process dies right after.

Without a staff group (`staff=False`: the terminal, or an operator who opted out) nobody would read
a kept question: nothing is kept, and no text promises an answer from a person.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from bot.core.answers import Catalogue
from bot.core.language import FALLBACK_LANGUAGE, SUPPORTED, UNDETERMINED, LanguageDetector
from bot.core.nlu import FALLBACK_INTENT, Nlu, NluResult, NluUnavailable
from bot.core.nlu_data import OUT_OF_SCOPE_INTENT, comparison_key
from bot.core.store import Kept, Question, Store, UserData
from bot.telegram.limits import MAX_MESSAGE_LENGTH

logger = logging.getLogger(__name__)

# Why a question goes to a person instead of getting an answer from the catalogue.
FALLBACK = "fallback"  # the model is unsure (FallbackClassifier)
NLU_UNAVAILABLE = "nlu_unavailable"  # the model could not be asked
UNSUPPORTED_LANGUAGE = "unsupported_language"
OUT_OF_SCOPE = OUT_OF_SCOPE_INTENT  # the reason is the intent
THUMBS_DOWN = "thumbs_down"  # the newcomer said an answer did not help
UNANSWERED_REASONS = frozenset({FALLBACK, NLU_UNAVAILABLE, UNSUPPORTED_LANGUAGE, OUT_OF_SCOPE})
# Answers worth a 👍/👎: real information, not small talk.
RATED_INTENTS = frozenset(
    {"ask_counselling", "ask_language_course", "ask_contact", "ask_office_tasks", "bot_challenge"}
)
# What staff can open and need: voice notes, photos and PDF files (a letter, a form), not too big.
MEDIA_KEPT_FOR_STAFF = frozenset({"voice", "photo", "document"})
# Files a person may send with a question; the others (stickers, locations…) are no question.
FILE_KINDS = MEDIA_KEPT_FOR_STAFF | {"audio", "video", "video_note"}
DOCUMENT_TYPES_KEPT = frozenset({"application/pdf"})
MAX_MEDIA_BYTES = 10 * 1024 * 1024
# Long messages are kept whole up to Telegram's own limit (no message is longer); more is never
# a question. (limits.py is plain Python: the core still imports nothing of Telegram.)
MAX_STORED_CHARS = MAX_MESSAGE_LENGTH
# Questions for a person from one user in 24 hours; more are not passed on (the user is told).
QUESTIONS_PER_DAY = 6
# Texts that promise an answer from a person, and their versions for a bot without staff.
NO_STAFF_VARIANTS = frozenset(
    {"nlu_fallback", "help", "bot_challenge", "feedback_passed_on", "privacy", "mydata",
     "forget_confirm", "forgotten"}
)  # fmt: skip


@dataclass(frozen=True)
class Incoming:
    """A message from a person. `ui_language` is what their phone is set to (Telegram's
    `language_code`), `user_id` any stable id (a chat id), or None for anonymous one-off questions;
    `message_id` identifies the message in its chat, so that an edit updates its question."""

    text: str
    user_id: str | None = None
    ui_language: str | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class Media:
    """Something that is not text: its kind ("voice", "photo", "sticker"…) and Telegram's file."""

    kind: str
    file_id: str | None = None
    size: int | None = None  # bytes, when Telegram says
    mime_type: str | None = None

    @property
    def kept_for_staff(self) -> bool:
        if self.kind not in MEDIA_KEPT_FOR_STAFF or not self.file_id:
            return False
        if self.kind == "document" and self.mime_type not in DOCUMENT_TYPES_KEPT:
            return False
        return self.size is None or self.size <= MAX_MEDIA_BYTES


@dataclass(frozen=True)
class Reply:
    text: str
    key: str  # the catalogue's key of `text` (it decides the buttons that go with it)
    language: str  # detected language of the message (ISO 639-1, or "und")
    reply_language: str  # one of the supported languages
    intent: str  # the intent answered, or "nlu_fallback"
    confidence: float
    answered: bool  # False: a person has to look at this question
    reason: str  # the intent answered, or why not: one of UNANSWERED_REASONS, "empty_message"…
    question_id: int | None = None  # set when the question was kept for a person


def clean_text(text: str) -> str:
    """Drop control and invisible format characters (null bytes, bidi overrides, zero-width
    spaces…) and collapse whitespace: they carry no meaning and can confuse model and readers."""
    kept = "".join(
        char
        for char in text
        # The zero-width non-joiner is a real part of Persian spelling ("می‌خواهم"): keep it.
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn") or char == "\u200c"
    )
    return " ".join(kept.split())


class Assistant:
    def __init__(
        self,
        nlu: Nlu,
        store: Store,
        catalogue: Catalogue,
        detector: LanguageDetector,
        *,
        staff: bool = True,
    ) -> None:
        self.nlu = nlu
        self.store = store
        self.catalogue = catalogue
        self.detector = detector
        self.staff = staff

    def text(self, key: str, language: str) -> str:
        """The catalogue's text `key`, in the version that promises only what happens."""
        return self.catalogue.render(self.key(key), language)

    def key(self, key: str) -> str:
        return f"{key}_no_staff" if not self.staff and key in NO_STAFF_VARIANTS else key

    async def handle(self, message: Incoming) -> Reply:
        text = clean_text(message.text)
        stored = await self.store.user_language(message.user_id) if message.user_id else None
        pinned = stored is not None and stored.chosen
        ui_language = _base_language(message.ui_language)
        previous = stored.language if stored else None
        detection = self.detector.detect(text, previous=previous, ui_language=ui_language)
        if pinned or not detection.supported:
            reply_language = _first_supported(previous, ui_language)
        else:
            reply_language = detection.language

        if not text:
            return self._reply(
                "empty_message",
                reply_language,
                detection.language,
                NluResult(FALLBACK_INTENT, 0),
                answered=True,  # nothing a person could answer: the reply asks for text
                reason="empty_message",
            )

        result, reason = await self._classify(text)
        if not detection.supported and detection.language != UNDETERMINED and not pinned:
            reason = UNSUPPORTED_LANGUAGE
        if message.user_id and detection.supported and not pinned:
            await self.store.remember_language(message.user_id, detection.language)
        elif message.user_id:
            await self.store.seen(message.user_id)  # what is kept about them is kept longer

        await self.store.count("message", detection.language, reason)
        key = self._answer_key(reason)
        if reason not in UNANSWERED_REASONS:
            return self._reply(key, reply_language, detection.language, result, True, reason)
        if not self.staff:
            return self._reply(key, reply_language, detection.language, result, False, reason)
        guess = result.best_guess
        kept = await self.store.keep_question(
            user_id=message.user_id,
            text=text[:MAX_STORED_CHARS],
            language=detection.language,
            reply_language=reply_language,
            intent=guess.intent,
            confidence=guess.confidence,
            reason=reason,
            dedupe_key=comparison_key(text) or None,
            source_message_id=message.message_id,
            daily_limit=QUESTIONS_PER_DAY if message.user_id else None,
        )
        if kept.outcome is Kept.OVER_LIMIT:
            logger.info("Question not kept: the user's daily limit is reached (%s)", reason)
            key = "question_limit"
        else:
            logger.info(
                "Question %d %s for a person (%s)", kept.question_id, kept.outcome.value, reason
            )
        return self._reply(
            key, reply_language, detection.language, result, False, reason, kept.question_id
        )

    def _reply(
        self,
        key: str,
        reply_language: str,
        language: str,
        result: NluResult,
        answered: bool,
        reason: str,
        question_id: int | None = None,
    ) -> Reply:
        if key == UNSUPPORTED_LANGUAGE:
            text = self.catalogue.unsupported_language_answer()
        else:
            text = self.text(key, reply_language)
        return Reply(
            text=text,
            key=key,
            language=language,
            reply_language=reply_language,
            intent=result.intent,
            confidence=result.confidence,
            answered=answered,
            reason=reason,
            question_id=question_id,
        )

    async def reply_language(self, user_id: str, ui_language: str | None = None) -> str:
        """The language to talk to this user in when there is no message to go by (commands)."""
        stored = await self.store.user_language(user_id)
        return _first_supported(stored.language if stored else None, _base_language(ui_language))

    async def choose_language(self, user_id: str, language: str) -> None:
        """The user picked a language (button, deep link): it is kept until they pick another."""
        if language not in SUPPORTED:
            raise ValueError(f"unsupported language {language!r}")
        await self.store.remember_language(user_id, language, chosen=True)

    async def handle_media(self, user_id: str, ui_language: str | None, media: Media) -> Reply:
        """Something that is not text. A voice note, photo or PDF may hold a question a person
        can answer, so it is kept for staff; other files get a polite "not passed on", stickers,
        locations and the like an explanation."""
        language = await self.reply_language(user_id, ui_language)
        await self.store.seen(user_id)
        await self.store.count("message", UNDETERMINED, media.kind)
        no_answer = NluResult(FALLBACK_INTENT, 0.0)
        if not self.staff or not media.kept_for_staff:
            # A file that is not passed on (a video, a ZIP, too big): say what would pass.
            refused = self.staff and media.kind in FILE_KINDS
            key = "file_not_passed_on" if refused else "non_text"
            return self._reply(key, language, UNDETERMINED, no_answer, True, media.kind)
        kept = await self.store.keep_question(
            user_id=user_id,
            text=f"({media.kind})",
            language=UNDETERMINED,
            reply_language=language,
            intent=FALLBACK_INTENT,
            confidence=0.0,
            reason=media.kind,
            media_kind=media.kind,
            media_file_id=media.file_id,
            daily_limit=QUESTIONS_PER_DAY,
        )
        key = "question_limit" if kept.outcome is Kept.OVER_LIMIT else "non_text_kept"
        logger.info("Media %s: %s (question %s)", media.kind, kept.outcome.value, kept.question_id)
        return self._reply(
            key, language, UNDETERMINED, no_answer, False, media.kind, kept.question_id
        )

    async def feedback(
        self, user_id: str, helpful: bool, intent: str, confidence: float, question: str | None
    ) -> Reply | None:
        """👍 or 👎 on an answer. A 👎 makes the question one for a person: it is kept (with an
        empty text if Telegram no longer shows the question), and the reply says so."""
        language = await self.reply_language(user_id)
        await self.store.count("thumbs_up" if helpful else "thumbs_down", language, intent)
        if helpful:
            return None
        result = NluResult(intent, confidence)
        if not self.staff:
            return self._reply("feedback_passed_on", language, language, result, False, THUMBS_DOWN)
        text = clean_text(question or "")
        kept = await self.store.keep_question(
            user_id=user_id,
            text=text[:MAX_STORED_CHARS],
            language=language,
            reply_language=language,
            intent=intent,
            confidence=confidence,
            reason=THUMBS_DOWN,
            # A 👎 pressed again on the same answer (or replayed) is the same question.
            dedupe_key=f"👎 {intent} {comparison_key(text)}",
            daily_limit=QUESTIONS_PER_DAY,
        )
        logger.info(
            "Question %s %s for a person (%s)", kept.question_id, kept.outcome.value, THUMBS_DOWN
        )
        key = "question_limit" if kept.outcome is Kept.OVER_LIMIT else "feedback_passed_on"
        return self._reply(key, language, language, result, False, THUMBS_DOWN, kept.question_id)

    async def user_data(self, user_id: str) -> UserData:
        return await self.store.user_data(user_id)

    async def forget(self, user_id: str) -> int:
        """Delete everything about the user; what staff were shown is removed from the outbox."""
        deleted = await self.store.forget_user(user_id)
        logger.info("A user deleted their data (%d questions)", deleted)
        return deleted

    async def reload_model_if_changed(self) -> bool:
        """A promoted model goes live without a restart (promotion replaces the file)."""
        return await self.nlu.reload_if_changed()

    async def delete_expired(self, days: int) -> tuple[int, int]:
        """Privacy: questions older than `days` and users who have not written for as long."""
        questions, users = await self.store.delete_expired(days)
        if questions or users:
            logger.info("Deleted %d questions and %d users after %d days", questions, users, days)
        return questions, users

    def _answer_key(self, reason: str) -> str:
        if reason in (FALLBACK, NLU_UNAVAILABLE):
            return FALLBACK_INTENT
        return reason  # the intent, out_of_scope, or unsupported_language

    async def _classify(self, text: str) -> tuple[NluResult, str]:
        """The model's result and the reason for the answer (the intent, or why there is none)."""
        try:
            result = await self.nlu.parse(text)
        except NluUnavailable as error:
            logger.warning("NLU unavailable, answering with the fallback: %s", error)
            return NluResult(FALLBACK_INTENT, 0.0), NLU_UNAVAILABLE
        if result.intent == FALLBACK_INTENT:
            return result, FALLBACK
        return result, result.intent


def question_summary(question: Question) -> str:
    """A question as /mydata lists it: its text, or the kind of attachment."""
    return question.text if not question.media_kind else f"({question.media_kind})"


def phone_language(ui_language: str | None) -> str:
    """The reply language from the phone's setting alone (German when it is not supported)."""
    return _first_supported(_base_language(ui_language))


def _base_language(code: str | None) -> str | None:
    """Telegram sends IETF tags ("pt-br", "de-DE"); we need the language part."""
    return code.split("-")[0].lower() if code else None


def _first_supported(*codes: str | None) -> str:
    for code in codes:
        if code in SUPPORTED:
            return code
    return FALLBACK_LANGUAGE
