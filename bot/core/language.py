"""Which language is this message in? Decided per message, from several signals.

1. The **script** of the text: Arabic letters can only be Arabic, Persian, or a language the bot
   does not speak (Pashto, Sorani Kurdish, Urdu); Cyrillic only Ukrainian, Russian, or one it does
   not speak (Bulgarian, Serbian, Macedonian); Ge'ez, Devanagari, Georgian… only languages it does
   not speak. Letters that only one such language uses decide at once (Pashto ټ, Sorani ێ…).
2. A **character n-gram model** (naive Bayes), one per script, trained on the project's own NLU
   examples for the eight languages the bot speaks (so it knows how newcomers really write,
   Latin-script Arabic "mar7aba" and Persian "kelas almani koja ast" included) and on samples of
   the languages it does not speak (`data/other_languages.yml`), so that "Dzień dobry" is Polish,
   not Ukrainian. Words that are in no language's n-grams ("xqzt blorf") say nothing: such a text
   is undetermined and the reply keeps the user's language.
3. **Priors**: the language the user wrote in last time, and Telegram's `language_code` (also when
   it is a language the bot does not speak). Short messages ("ok", "Deutschkurs?") carry little
   evidence, so the priors decide; long ones overrule them. Latin letters that merely look like
   transliterated Arabic, Persian, Russian or Ukrainian ("doytsch") need more evidence when the
   phone is set to another of our languages.

The languages the bot speaks, and their scripts, come from `data/languages.yml` alone.
docs/language-detection.md explains the design and its measured accuracy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.core.nlu_data import training_examples
from bot.paths import DATA_DIR, read_yaml

UNDETERMINED = "und"


_SPEC = read_yaml(DATA_DIR / "languages.yml")
SUPPORTED: tuple[str, ...] = tuple(_SPEC["languages"])
FALLBACK_LANGUAGE: str = _SPEC["fallback"]
# The languages the bot speaks that are written in Latin letters by nature (the others are written
# in Latin letters too, by some, which the training examples show).
NATIVE_LATIN = tuple(c for c, entry in _SPEC["languages"].items() if entry["script"] == "latin")
TRANSLITERATED = tuple(c for c in SUPPORTED if c not in NATIVE_LATIN)


@dataclass(frozen=True)
class OtherLanguage:
    """A language the bot does not speak but recognises (data/other_languages.yml)."""

    code: str
    name: str  # in German, for the staff group
    telegram: tuple[str, ...]  # phone languages that hint at it
    samples: tuple[str, ...]


@cache
def other_languages() -> dict[str, OtherLanguage]:
    return {
        code: OtherLanguage(
            code, entry["name"], tuple(entry.get("telegram") or ()), tuple(entry["samples"])
        )
        for code, entry in read_yaml(DATA_DIR / "other_languages.yml")["languages"].items()
    }


# Letters that only a language the bot does not speak uses, within a script it otherwise shares.
OWN_LETTERS: dict[str, str] = {
    **dict.fromkeys("ټډړږښګڼېۍځڅ", "ps"),  # Pashto
    **dict.fromkeys("ڵڕۆێە", "ku-ckb"),  # Sorani Kurdish
    **dict.fromkeys("ٹڈڑںےۃ", "ur"),  # Urdu
    **dict.fromkeys("әғқңөұүһ", "kk"),  # Kazakh
    **dict.fromkeys("ђћџ", "sr"),  # Serbian (ј љ њ are Macedonian too: the model decides)
    **dict.fromkeys("ѓќѕ", "mk"),  # Macedonian
    **dict.fromkeys("ӣӯҳҷ", "tg"),  # Tajik
}

# Scripts of languages the bot has no samples of: the script names the most likely language.
OTHER_SCRIPTS: dict[str, str] = {
    "hebrew": "he",
    "bengali": "bn",
    "gurmukhi": "pa",
    "tamil": "ta",
    "greek": "el",
    "thai": "th",
    "hangul": "ko",
    "kana": "ja",
    "han": "zh",
}

_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0A00, 0x0A7F, "gurmukhi"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1200, 0x139F, "ethiopic"),
    (0x2D80, 0x2DDF, "ethiopic"),
    (0x3040, 0x30FF, "kana"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
)

# Weights of the priors, in nats added to a language's log-likelihood (docs/language-detection.md).
# A previous message is stronger evidence than the phone's setting.
EVIDENCE_WEIGHT = 0.25
PREVIOUS_LANGUAGE_BONUS = 5.0
UI_LANGUAGE_BONUS = 4.0
# Taken from the scores of our languages written in another script when a Latin-script message
# comes from a phone set to another of our languages (docs/language-detection.md).
TRANSLITERATION_DOUBT = 3.0
# A language the bot does not speak is decided only when the text makes it this likely: a message
# in one of our languages that looks a little like Polish stays ours. One or two words are little
# evidence: for them, the bar is higher.
MIN_OTHER_LANGUAGE_CONFIDENCE = 0.8
MIN_OTHER_LANGUAGE_CONFIDENCE_SHORT = 0.95
SHORT_WORDS = 2
# Below this share of known character trigrams, a word is no language we know ("xqzt", "asdfgh").
MIN_KNOWN_TRIGRAMS = 0.5
# A Latin word of German, English, French or Turkish examples counts as a loanword (no evidence)
# when the other languages' examples use it at least this often per use in those four.
MIN_BORROWED_SHARE = 0.1


@dataclass(frozen=True)
class Detection:
    """`language` is one of ours (ISO 639-1), one we recognise (a code of other_languages.yml), or
    "und"; `source` says what decided."""

    language: str
    confidence: float
    source: str

    @property
    def supported(self) -> bool:
        return self.language in SUPPORTED


def script_of(char: str) -> str | None:
    point = ord(char)
    for low, high, script in _SCRIPT_RANGES:
        if low <= point <= high:
            return script if char.isalpha() or script != "latin" else None
    return None


def dominant_script(text: str) -> str | None:
    """The script that decides the language. Any non-Latin script wins over Latin: in
    "وين Integrationskurs" the Latin word is a German loanword, the Arabic words tell the language.
    """
    counts = Counter(script for char in text if char.isalpha() and (script := script_of(char)))
    if len(counts) > 1:
        del counts["latin"]
    return counts.most_common(1)[0][0] if counts else None


def words_in_script(text: str, script: str) -> str:
    return " ".join(word for word in text.split() if dominant_script(word) == script)


_NOT_LETTERS = re.compile(r"[^\w\s]|_", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case words (with digits inside words, for "mar7aba"); no punctuation, no emoji."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NOT_LETTERS.sub(" ", text)
    words = [word for word in text.split() if not word.isdigit()]
    return " ".join(words)


_ELONGATED = re.compile(r"(\w)\1{2,}")


def squeeze(text: str) -> str:
    """Letters typed three times or more count once: "hallooo" is "hallo"."""
    return _ELONGATED.sub(r"\1", text)


def char_ngrams(text: str, low: int = 1, high: int = 4) -> list[str]:
    grams: list[str] = []
    for word in squeeze(text).split():
        padded = f" {word} "
        for size in range(low, high + 1):
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


class NaiveBayes:
    """Multinomial naive Bayes over character n-grams: tiny, and trained in under a second."""

    def __init__(self, samples: Iterable[tuple[str, str]], alpha: float = 0.1) -> None:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        documents: Counter[str] = Counter()
        for language, text in samples:
            counts[language].update(char_ngrams(text))
            documents[language] += 1
        vocabulary = set().union(*counts.values()) if counts else set()
        self.trigrams = {gram for gram in vocabulary if len(gram) == 3}
        self.languages = sorted(counts)
        # How often each language writes in this script: Latin-script Arabic exists, but a
        # Latin-script message is far more often German, English, Turkish or French.
        total = sum(documents.values())
        self._log_prior = {language: math.log(documents[language] / total) for language in counts}
        self._log_prob: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for language, grams in counts.items():
            denominator = sum(grams.values()) + alpha * (len(vocabulary) + 1)
            self._log_prob[language] = {
                gram: math.log((count + alpha) / denominator) for gram, count in grams.items()
            }
            self._unseen[language] = math.log(alpha / denominator)

    def log_scores(self, text: str) -> dict[str, float]:
        """log P(language) + log P(text | language), up to a constant."""
        grams = char_ngrams(text)
        return {
            language: self._log_prior[language]
            + sum(self._log_prob[language].get(g, self._unseen[language]) for g in grams)
            for language in self.languages
        }

    def known_share(self, text: str) -> float:
        """The share of the text's character trigrams that some language of this script has;
        a word of one or two letters repeated ("hhhhhh", "şşşşş") is no word at all."""
        grams = char_ngrams(text, 3, 3)
        if not grams:
            return 1.0
        mashed = {w for w in text.split() if len(w) >= 4 and len(set(w)) <= 2}
        known = sum(
            gram in self.trigrams and not any(gram.strip() in w for w in mashed) for gram in grams
        )
        return known / len(grams)


def read_training_texts() -> list[tuple[str, str]]:
    """(language, text) of every training example of the languages the bot speaks, and every
    sample of the languages it recognises."""
    ours = [
        (example.language, example.text)
        for example in training_examples()
        if example.language in SUPPORTED
    ]
    others = [
        (language.code, sample)
        for language in other_languages().values()
        for sample in language.samples
    ]
    return ours + others


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {key: math.exp(value - top) for key, value in scores.items()}
    total = sum(exp.values())
    return {key: value / total for key, value in exp.items()}


class LanguageDetector:
    """detect(text, previous=..., ui_language=...) -> Detection. Build once, then reuse."""

    def __init__(
        self,
        samples: Iterable[tuple[str, str]] | None = None,
        *,
        evidence_weight: float = EVIDENCE_WEIGHT,
        previous_bonus: float = PREVIOUS_LANGUAGE_BONUS,
        ui_bonus: float = UI_LANGUAGE_BONUS,
        transliteration_doubt: float = TRANSLITERATION_DOUBT,
    ) -> None:
        self.evidence_weight = evidence_weight
        self.previous_bonus = previous_bonus
        self.ui_bonus = ui_bonus
        self.transliteration_doubt = transliteration_doubt
        rows = [
            (language, normalise(text))
            for language, text in (read_training_texts() if samples is None else samples)
        ]
        # German words inside other languages' examples ("Integrationskurs", "Termin") say nothing
        # about the writer's language: they are kept out of every other class, and ignored in a
        # message that has other words too. A word that German, English, French or Turkish
        # examples use far more often than the others ("du", "ich", "und") is not borrowed but
        # quoted now and then: it stays evidence of its own language.
        native_uses: Counter[str] = Counter()
        borrowed_uses: Counter[str] = Counter()
        for language, text in rows:
            uses = native_uses if language in NATIVE_LATIN else borrowed_uses
            uses.update(set(text.split()))
        self.loanwords = {
            word
            for word, count in borrowed_uses.items()
            if word in native_uses and count >= MIN_BORROWED_SHARE * native_uses[word]
        }
        by_script: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for language, text in rows:
            for script in {s for word in text.split() if (s := dominant_script(word))}:
                words = words_in_script(text, script).split()
                if script == "latin" and language not in NATIVE_LATIN:
                    words = [word for word in words if word not in native_uses]
                if words:
                    by_script[script].append((language, " ".join(words)))
        self._models = {script: NaiveBayes(samples) for script, samples in by_script.items()}
        self._hints = {
            code: language.code
            for language in other_languages().values()
            for code in language.telegram
        }

    def _hinted(self, ui_language: str | None, languages: list[str]) -> str | None:
        """The language of this script that the phone's language points to, if any."""
        if ui_language in languages:
            return ui_language
        hinted = self._hints.get(ui_language or "")
        if hinted is None:
            return None
        # "hi" on the phone: Hindi in Devanagari, or Hindi/Urdu in Latin letters.
        return next((code for code in languages if code.split("-")[0] == hinted.split("-")[0]),
                    None)  # fmt: skip

    def detect(
        self, text: str, previous: str | None = None, ui_language: str | None = None
    ) -> Detection:
        clean = normalise(text)
        script = dominant_script(clean)
        if script is None:
            return Detection(UNDETERMINED, 0.0, "no letters")
        own = Counter(OWN_LETTERS[char] for char in clean if char in OWN_LETTERS)
        if own:
            return Detection(own.most_common(1)[0][0], 1.0, "letters")
        model = self._models.get(script)
        if model is None:
            return Detection(OTHER_SCRIPTS.get(script, UNDETERMINED), 1.0, "script")

        words = words_in_script(clean, script).split()
        content = [word for word in words if word not in self.loanwords]
        hinted = self._hinted(ui_language, model.languages)
        prior = next((code for code in (previous, hinted) if code in model.languages), None)
        if not content and prior:
            # Only words every newcomer uses ("Jobcenter", "Termin"): the text cannot tell.
            return Detection(prior, 0.5, "prior")
        evidence = " ".join(content or words)
        if model.known_share(evidence) < MIN_KNOWN_TRIGRAMS:
            # Keyboard mash or a language we have never seen: the user's language, if known.
            return Detection(prior or UNDETERMINED, 0.0, "no language we know")
        # Character n-grams of one text overlap heavily, so their evidence is not independent:
        # scaling it down keeps naive Bayes from being sure of "Adresse" after one word.
        scores = {
            language: score * self.evidence_weight
            for language, score in model.log_scores(evidence).items()
        }
        text_only = max(scores, key=scores.__getitem__)
        for language, bonus in ((previous, self.previous_bonus), (hinted, self.ui_bonus)):
            if language in scores:
                scores[language] += bonus
        if script == "latin" and hinted in SUPPORTED:
            # Arabic, Persian, Russian or Ukrainian in Latin letters from a phone set to another of
            # our languages: a short text that merely looks like one ("doytsch") is more likely
            # the phone's language, and a reply in a third language is the worst miss.
            for language in TRANSLITERATED:
                if language in scores and language not in (hinted, previous):
                    scores[language] -= self.transliteration_doubt
        posterior = _softmax(scores)
        best = max(posterior, key=posterior.__getitem__)
        source = "text" if best == text_only else "prior"
        short = len(words) <= SHORT_WORDS
        bar = MIN_OTHER_LANGUAGE_CONFIDENCE_SHORT if short else MIN_OTHER_LANGUAGE_CONFIDENCE
        if best not in SUPPORTED and best != hinted and posterior[best] < bar:
            ours = max(
                (language for language in posterior if language in SUPPORTED),
                key=posterior.__getitem__,
                default=None,
            )
            if ours is not None:
                best, source = ours, "ours unless sure"
        return Detection(best, posterior[best], source)
