"""The assistant: one message in, one answer out. No Telegram types here.

Decides the message's language and the language of the reply, asks the NLU model what the message
is about, picks the answer, and keeps every question that a person has to look at — in the database
before the reply is returned, so that nothing is lost if the process dies right after.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from bot.answers import Catalogue
from bot.language import SUPPORTED, UNDETERMINED, LanguageDetector
from bot.nlu import FALLBACK_INTENT, Nlu, NluResult, NluUnavailable
from bot.store import Store

logger = logging.getLogger(__name__)

# Why a question goes to a person instead of getting an answer from the catalogue.
FALLBACK = "fallback"  # the model is unsure (FallbackClassifier)
NLU_UNAVAILABLE = "nlu_unavailable"  # the model could not be asked
UNSUPPORTED_LANGUAGE = "unsupported_language"
OUT_OF_SCOPE = "out_of_scope"
THUMBS_DOWN = "thumbs_down"  # the newcomer said an answer did not help
UNANSWERED_REASONS = frozenset({FALLBACK, NLU_UNAVAILABLE, UNSUPPORTED_LANGUAGE, OUT_OF_SCOPE})
# Answers worth a 👍/👎: real information, not small talk.
RATED_INTENTS = frozenset(
    {"ask_counselling", "ask_language_course", "ask_contact", "ask_office_tasks", "bot_challenge"}
)
# Kinds of non-text messages that may hold a question for a person (the rest get an explanation).
MEDIA_KEPT_FOR_STAFF = frozenset({"voice", "audio", "video_note", "photo", "video", "document"})
# Long messages are kept whole up to Telegram's own limit; more is never a question.
MAX_STORED_CHARS = 4096


@dataclass(frozen=True)
class Incoming:
    """A message from a person. `ui_language` is what their phone is set to (Telegram's
    `language_code`), `user_id` any stable id (a chat id), or None for anonymous one-off questions.
    """

    text: str
    user_id: str | None = None
    ui_language: str | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    language: str  # detected language of the message (ISO 639-1, or "und")
    reply_language: str  # one of the supported languages
    intent: str  # the intent answered, or "nlu_fallback"
    confidence: float
    answered: bool  # False: a person has to look at this question
    reason: str  # the intent answered, or why not: one of UNANSWERED_REASONS, "empty_message"
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
        self, nlu: Nlu, store: Store, catalogue: Catalogue, detector: LanguageDetector
    ) -> None:
        self.nlu = nlu
        self.store = store
        self.catalogue = catalogue
        self.detector = detector

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
            return Reply(
                text=self.catalogue.render("empty_message", reply_language),
                language=detection.language,
                reply_language=reply_language,
                intent=FALLBACK_INTENT,
                confidence=0.0,
                answered=True,  # nothing a person could answer: the reply asks for text
                reason="empty_message",
            )

        result, reason = await self._classify(text)
        if not detection.supported and detection.language != UNDETERMINED and not pinned:
            reason = UNSUPPORTED_LANGUAGE
        if message.user_id and detection.supported and not pinned:
            await self.store.remember_language(message.user_id, detection.language)

        await self.store.count("message", detection.language, reason)
        answered = reason not in UNANSWERED_REASONS
        question_id = None
        if not answered:
            guess = result.best_guess
            question_id = await self.store.add_question(
                user_id=message.user_id,
                text=text[:MAX_STORED_CHARS],
                language=detection.language,
                reply_language=reply_language,
                intent=guess.intent,
                confidence=guess.confidence,
                reason=reason,
            )
            logger.info("Question %d kept for a person (%s)", question_id, reason)

        return Reply(
            text=self._answer(reason, reply_language),
            language=detection.language,
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

    async def handle_media(
        self, user_id: str, ui_language: str | None, kind: str, file_id: str | None
    ) -> Reply:
        """Something that is not text. A voice note or photo may hold a question a person can
        answer, so it is kept for staff; stickers, locations and the like get an explanation."""
        language = await self.reply_language(user_id, ui_language)
        keep = kind in MEDIA_KEPT_FOR_STAFF
        await self.store.count("message", UNDETERMINED, kind)
        question_id = None
        if keep:
            question_id = await self.store.add_question(
                user_id=user_id,
                text=f"({kind})",
                language=UNDETERMINED,
                reply_language=language,
                intent=FALLBACK_INTENT,
                confidence=0.0,
                reason=kind,
                media_kind=kind,
                media_file_id=file_id,
            )
            logger.info("Question %d kept for a person (%s)", question_id, kind)
        return Reply(
            text=self.catalogue.render("non_text_kept" if keep else "non_text", language),
            language=UNDETERMINED,
            reply_language=language,
            intent=FALLBACK_INTENT,
            confidence=0.0,
            answered=not keep,
            reason=kind,
            question_id=question_id,
        )

    async def feedback(
        self, user_id: str, helpful: bool, intent: str, confidence: float, question: str | None
    ) -> int | None:
        """👍 or 👎 on an answer. A 👎 makes the question one for a person: it is kept (with an
        empty text if Telegram no longer shows the question) and its id returned."""
        language = await self.reply_language(user_id)
        await self.store.count("thumbs_up" if helpful else "thumbs_down", language, intent)
        if helpful:
            return None
        text = clean_text(question or "")
        question_id = await self.store.add_question(
            user_id=user_id,
            text=text[:MAX_STORED_CHARS],
            language=language,
            reply_language=language,
            intent=intent,
            confidence=confidence,
            reason=THUMBS_DOWN,
        )
        logger.info("Question %d kept for a person (%s)", question_id, THUMBS_DOWN)
        return question_id

    def _answer(self, reason: str, language: str) -> str:
        if reason == UNSUPPORTED_LANGUAGE:
            return self.catalogue.unsupported_language_answer()
        if reason in (FALLBACK, NLU_UNAVAILABLE):
            return self.catalogue.render(FALLBACK_INTENT, language)
        return self.catalogue.render(reason, language)  # the intent, or out_of_scope

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
    return "de"
