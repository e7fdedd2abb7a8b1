"""A second, different opinion on the intent, averaged with DIET's ("soft voting").

DIET learns dense embeddings and is often *sure* when it is wrong (confidence 1.00). A linear model
on TF-IDF character and word n-grams makes different mistakes and gives calibrated probabilities.
Averaging the two distributions is more accurate than either alone, and — what matters most here —
a wrong answer now rarely has a high confidence, so the FallbackClassifier after this component can
turn it into an honest "I'm not sure, here is who can help". Figures: docs/benchmarks.md.

Place it directly after DIETClassifier; it reads DIET's `intent_ranking` and replaces `intent` and
`intent_ranking` with the averaged ones. It needs no featurizer: it builds its own features from the
text, normalised so that spelling variants newcomers type (أ/ا, ي/ی, ё/е, missing accents) match.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

# Letters that people write interchangeably: Arabic hamza forms, alif maqsura and ta marbuta,
# Arabic vs Persian yeh/kaf (Persian typed on Arabic keyboards), tatweel, Russian yo.
_SPELLING = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ي": "ی",
        "ك": "ک",
        "ـ": "",
        "ё": "е",
    }
)


def normalise(text: str) -> str:
    """Case-folded, spelling variants merged, diacritics (accents, harakat) removed."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SPELLING)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def _fast(model: dict[str, Any]) -> dict[str, Any]:
    """The same model, with its weights laid out for multiplying with a sparse matrix.

    scikit-learn multiplies the features by `coef_.T`; stored row-major, that transpose is copied
    (9 x ~90k numbers) on every call, half the cost of classifying one message.
    """
    classifier: LogisticRegression = model["classifier"]
    classifier.coef_ = np.asfortranarray(classifier.coef_)
    return model


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SoftVotingIntentClassifier(GraphComponent, IntentClassifier):  # type: ignore[misc]
    """Averages DIET's intent distribution with a TF-IDF logistic regression's."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "char_ngram_max": 5,  # char_wb n-grams 1..5: robust to typos and missing letters
            "word_ngram_max": 2,
            "C": 100.0,  # weak regularisation: the data is small and clean
            "max_iter": 2000,
            "diet_weight": 0.3,  # share of DIET's distribution in the average
            "random_state": 42,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: dict[str, Any] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SoftVotingIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SoftVotingIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / "soft_voting.joblib")
        except ValueError:  # nothing was trained (no intents in the data)
            return cls(config, model_storage, resource, None)
        return cls(config, model_storage, resource, _fast(model))

    @staticmethod
    def _features(model: dict[str, Any], normalised: list[str]) -> Any:
        return hstack([model["chars"].transform(normalised), model["words"].transform(normalised)])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get("text")]
        if not examples:
            return self._resource
        texts = [normalise(m.get("text")) for m in examples]
        intents = [m.get("intent") for m in examples]
        model: dict[str, Any] = {
            "chars": TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(1, self.config["char_ngram_max"]),
                sublinear_tf=True,
            ).fit(texts),
            "words": TfidfVectorizer(
                analyzer="word",
                ngram_range=(1, self.config["word_ngram_max"]),
                sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",
            ).fit(texts),
        }
        features = self._features(model, texts)
        model["classifier"] = LogisticRegression(
            C=self.config["C"],
            max_iter=self.config["max_iter"],
            random_state=self.config["random_state"],
        ).fit(features, intents)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(model, directory / "soft_voting.joblib")
        self._model = _fast(model)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None or not messages:
            return messages
        classifier: LogisticRegression = self._model["classifier"]
        labels = list(classifier.classes_)
        # One call for all messages: the vectorisers' fixed cost is most of the time for one.
        texts = [normalise(message.get("text") or "") for message in messages]
        linear_all = classifier.predict_proba(self._features(self._model, texts))
        for message, linear in zip(messages, linear_all, strict=True):
            diet = {r["name"]: r["confidence"] for r in message.get("intent_ranking") or []}
            weight = self.config["diet_weight"] if diet else 0.0
            averaged = {
                label: float(weight * diet.get(label, 0.0) + (1 - weight) * probability)
                for label, probability in zip(labels, linear, strict=True)
            }
            ranking = sorted(
                ({"name": name, "confidence": value} for name, value in averaged.items()),
                key=lambda entry: -entry["confidence"],
            )
            message.set("intent", ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
