"""Rasa NLU component: the language of a message, as a `language` entity when it is clear enough."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from babel import Locale
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

from bot.components.stored import StoredModel
from bot.components.vectors import RowCounter
from bot.normalize import normalize

EXPLICIT = "language_explicit"
WORD = re.compile(r"\w+")


# Names people type that are not in the Unicode locale data (Babel says "Persian").
ALIASES = {"farsi": "fa", "parsi": "fa", "arabi": "ar", "arabic": "ar", "turkish": "tr"}


def language_names(codes: list[str]) -> dict[str, str]:
    """Normalised name -> code, for every language named in every language (from Babel)."""
    names: dict[str, str] = {alias: code for alias, code in ALIASES.items() if code in codes}
    for code in codes:
        for other in codes:
            name = Locale.parse(other).languages.get(code)
            if name:
                names[normalize(name)] = code
    return names


def lingua_detector(codes: list[str], preload: bool = False):
    """A lingua detector for these languages.

    lingua keeps its models in one cache per process, shared by every detector, and loads a
    language's models on its first message unless asked to preload them. The bot's launcher
    (bot/run.py) preloads them once, before the web server forks its workers: the first
    Arabic or Turkish question then does not wait for a disk read, and the workers share
    that memory instead of each holding a copy. Preloading uses a thread pool that does
    not survive a fork, so detectors made inside a worker must not preload.
    """
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    return (builder.with_preloaded_language_models() if preload else builder).build()


LATIN = "-latn"  # n-gram class suffix: a non-Latin-script language typed in Latin letters


def is_latin(text: str) -> bool:
    """Whether most letters of a text are Latin (ASCII or accented)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c < "\u0250" for c in letters) * 2 > len(letters) if letters else False


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageDetector(StoredModel, GraphComponent, EntityExtractorMixin):
    """Detect the message language among the bot's languages.

    In order: a message that names a language ("English", "عربی", "فارسی") is an explicit
    choice; else lingua plus a character n-gram model trained on the bot's own examples
    (`examples_file`: language -> texts, written by rightsinfo/botdata.py) decide when the
    message is long enough and the result clear; else the page language the web chat sends
    in metadata. When none applies no entity is set and the conversation keeps its language.

    Arabic and Farsi are also typed in Latin letters ("3andi", "kaghaz nadaram"). lingua has
    no model for that, and in the n-gram model those few examples were drowned by the
    language's Arabic-script ones, so such messages were read as Turkish or English. Latin
    examples of a language written mostly in another script are therefore their own class
    (`fa-latn`), counted as the language; and when that class is sure (`latin_confidence`)
    the n-gram model decides alone, since lingua cannot vote for it.
    """

    MODEL_FILE = "language_model.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"languages": ["en", "nl", "ar", "fa", "fr", "es", "pt", "tr"],
                "examples_file": None, "min_letters": 12, "min_words": 2, "min_confidence": 0.55,
                "latin_confidence": 0.9}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: tuple | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self.languages: list[str] = list(self._config["languages"])
        self.names = language_names(self.languages)
        self.model = model
        self._counter = RowCounter([model[0]]) if model is not None else None
        self.detector = lingua_detector(self.languages)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        if self._config["examples_file"]:
            data = json.loads(Path(self._config["examples_file"]).read_text(encoding="utf-8"))
            for lang, items in data.items():
                if lang in self.languages:
                    folded = [normalize(text) for text in items]
                    latin_language = sum(map(is_latin, folded)) * 2 > len(folded)
                    texts += folded
                    labels += [lang if latin_language or not is_latin(text) else f"{lang}{LATIN}"
                               for text in folded]
        if len(set(labels)) >= 2:
            vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2)
            classifier = MultinomialNB(alpha=0.1).fit(vectorizer.fit_transform(texts), labels)
            self.model = (vectorizer, classifier)
            self._counter = RowCounter([vectorizer])
            self.store(self.model)
        return self._resource

    def detect(self, text: str) -> tuple[str | None, bool]:
        """(language, explicit) of a text; language None when it is not clear."""
        folded = normalize(text)
        words = WORD.findall(folded)
        stripped = re.sub(r"\b(in|en|em|to|please|plz|svp|por favor|lutfen|alsjeblieft)\b", " ", folded)
        stripped = " ".join(WORD.findall(stripped))
        if stripped in self.names:
            return self.names[stripped], True
        letters = sum(c.isalpha() for c in folded)
        if letters < self._config["min_letters"] or len(words) < self._config["min_words"]:
            return None, False
        scores = {c: 0.0 for c in self.languages}
        if self.model is not None:
            ngrams = self.ngram_probabilities(folded)
            classes = [str(code) for code in self.model[1].classes_]
            top = int(ngrams.argmax())
            if classes[top].endswith(LATIN) and ngrams[top] >= self._config["latin_confidence"]:
                return classes[top].removesuffix(LATIN), False  # lingua cannot vote for it
            for code, p in zip(classes, ngrams):
                scores[code.removesuffix(LATIN)] += p
        for result in self.detector.compute_language_confidence_values(text):
            code = result.language.iso_code_639_1.name.lower()
            if code in scores:
                scores[code] += result.value
        best = max(scores, key=scores.get)
        return (best if scores[best] / 2 >= self._config["min_confidence"] else None), False

    def ngram_probabilities(self, folded: str) -> np.ndarray:
        """The n-gram model's `predict_proba` for one normalised text, computed from its
        fitted log-probabilities (scikit-learn's input checks cost more than the sum)."""
        classifier = self.model[1]
        columns, counts = self._counter.vector(folded)
        joint = classifier.class_log_prior_ + classifier.feature_log_prob_[:, columns] @ counts
        joint -= joint.max()
        probabilities = np.exp(joint)
        return probabilities / probabilities.sum()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            lang, explicit = self.detect(text)
            page_lang = (message.get("metadata") or {}).get("lang")
            if lang is None and page_lang in self.languages:
                lang = page_lang
            if lang is None:
                continue
            message.set(EXPLICIT, explicit)
            entity = {"entity": "language", "value": lang, "start": 0, "end": len(text),
                      "confidence_entity": 1.0}
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name([entity]),
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
