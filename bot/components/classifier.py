"""Rasa NLU component: intents from word and character n-gram counts by logistic regression."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.components.stored import StoredModel
from bot.components.vectors import (Neighbours, RowCounter, fit_one_vs_rest, is_one_vs_rest,
                                   ovr_probabilities)

OWN_CONFIDENCE = "intent_model_confidence"
# Set on every message when the model keeps its training examples: a function that returns
# the intents of the `neighbours` examples nearest to it, for SafetyOverrides (a long story
# told like an emergency's examples is one). Looked up on the first call, since most
# messages never need them (0.5 ms each).
NEAREST = "nearest_examples"
OUT_OF_SCOPE = "out_of_scope"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NgramIntentClassifier(StoredModel, GraphComponent, IntentClassifier):
    """The same model as Rasa's two CountVectorsFeaturizers plus LogisticRegressionClassifier
    (word counts and character n-gram counts within words, balanced class weights), built as
    one scikit-learn pipeline.

    Rasa's featurizers also build per-token sequence features, which this classifier never
    uses, and combine sparse matrices message by message: a quarter of the time the bot
    spent on a message. Here a message is vectorised once, straight into the sentence row
    the classifier needs. Runs after TextNormalizer and WhitespaceTokenizer and, like Rasa's
    featurizers, counts the tokens joined by spaces (so punctuation is not counted).

    A second logistic regression on the same rows learns the topic (`faq__<topic>`; other
    intents are their own group), from all of a topic's phrasings together. An intent's
    confidence is its own probability times its topic's (raised to `topic_weight`, 0 turns
    it off), renormalised: a long message that mixes words of several questions is then
    still answered from the topic most of its words belong to.

    A question it would answer is out of scope instead when at least `out_of_scope_votes` of
    the `neighbours` training examples nearest to the message (cosine of sublinear TF-IDF
    rows of the same counts) are out-of-scope examples: a message about another subject
    that uses a topic's words ("a job in the police station's canteen") is closer to the
    out-of-scope examples written for such cases than the regression, which weighs each
    n-gram on its own, can tell (docs/decisions.md). And a story of more than `story_words`
    words that it reads as out of scope is answered from the topic `topic_votes` of those
    examples share. 0 votes turns either off.
    """

    MODEL_FILE = "intent_classifier.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"word_ngrams": [1, 1], "char_ngrams": [2, 5], "C": 1.0, "max_iter": 200,
                "tol": 1e-4, "solver": "liblinear", "random_state": 42, "ranking_length": 10,
                "topic_weight": 0.5, "jobs": None, "neighbours": 3, "out_of_scope_votes": 2,
                "topic_votes": 2, "story_words": 25, "min_df": 1}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: tuple | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        if isinstance(model, Pipeline):  # stored before the topic model existed
            model = (model, None)
        # (pipeline, topic model[, nearest examples]): models stored before Neighbours have two
        self.pipeline, self.topics, self.neighbours = (*model, None)[:3] if model is not None else (None,) * 3
        self._counter: RowCounter | None = None
        self._topic_columns: np.ndarray | None = None

    def _new_classifier(self) -> LogisticRegression:
        c = self.config
        return LogisticRegression(C=c["C"], solver=c["solver"], max_iter=c["max_iter"], tol=c["tol"],
                                  random_state=c["random_state"], class_weight="balanced")

    def _new_pipeline(self) -> Pipeline:
        c = self.config
        features = FeatureUnion([
            ("words", CountVectorizer(token_pattern=r"(?u)\b\w+\b", lowercase=False,
                                      ngram_range=tuple(c["word_ngrams"]), min_df=c["min_df"])),
            ("chars", CountVectorizer(analyzer="char_wb", lowercase=False,
                                      ngram_range=tuple(c["char_ngrams"]), min_df=c["min_df"])),
        ])
        return Pipeline([("features", features), ("classifier", self._new_classifier())])

    @staticmethod
    def topic_of(intent: str) -> str:
        """`faq__school__turning_18` -> `faq__school`; any other intent is its own group."""
        return "__".join(intent.split("__")[:2]) if intent.startswith("faq__") else intent

    @staticmethod
    def _text(message: Message) -> str:
        """The tokens joined by spaces, with hyphens as spaces: people write "bed-bad-brood",
        "bed bad brood", "est-ce que" and "est ce que" for the same words."""
        tokens = message.get(TOKENS_NAMES[TEXT])
        text = " ".join(t.text for t in tokens) if tokens else message.get(TEXT) or ""
        return text.replace("-", " ")

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            raise ValueError("intent classifier: the training data needs at least two intents")
        self._counter, self._topic_columns = None, None
        texts, intents = [self._text(e) for e in examples], [e.get(INTENT) for e in examples]
        self.pipeline = self._new_pipeline()
        rows = self.pipeline.named_steps["features"].fit_transform(texts)
        groups = {self.topic_of(i) for i in intents}
        tasks = [intents]
        if self.config["topic_weight"] and 2 <= len(groups) < len(set(intents)):
            tasks.append([self.topic_of(i) for i in intents])
        if self.config["solver"] == "liblinear":  # the classes on every core (vectors.py)
            models = fit_one_vs_rest(self._new_classifier(), rows, tasks, self.config["jobs"])
        else:
            models = [self._new_classifier().fit(rows, labels) for labels in tasks]
        for model in models:  # half the memory; probabilities change by under 1e-7 (decisions.md)
            model.coef_ = model.coef_.astype(np.float32)
        self.pipeline.steps[-1] = ("classifier", models[0])
        self.topics = models[1] if len(models) > 1 else None
        votes = self.config["out_of_scope_votes"] or self.config["topic_votes"]
        self.neighbours = Neighbours(rows, intents) if votes else None
        self.store((self.pipeline, self.topics, self.neighbours))
        return self._resource

    def probabilities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(topic-weighted, intent model's own) probabilities, columns in `classes_` order."""
        weighted, own, _ = self._read(texts)
        return weighted, own

    def _read(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list]:
        """`probabilities`, and each text's (columns, counts) for the nearest examples."""
        if self._counter is None:
            features = self.pipeline.named_steps["features"]
            self._counter = RowCounter([vectorizer for _, vectorizer in features.transformer_list])
        models = [self.pipeline[-1]]
        if self.topics is not None and self.config["topic_weight"]:
            models.append(self.topics)
        if all(is_one_vs_rest(model) for model in models):
            # The same probabilities as the pipeline's predict_proba, computed from the
            # columns each message has (vectors.py: no FeatureUnion, joblib, sparse matrix).
            vectors = [self._counter.vector(text) for text in texts]
            outputs = [np.vstack([ovr_probabilities(model, *vector) for vector in vectors])
                       for model in models]
        else:
            vectors = [self._counter.vector(text) for text in texts] if self.neighbours else []
            rows = self._counter.rows(texts)
            outputs = [model.predict_proba(rows) for model in models]
        intents = outputs[0]
        if len(outputs) == 1:
            return intents, intents, vectors
        if self._topic_columns is None:
            column = {topic: i for i, topic in enumerate(self.topics.classes_)}
            self._topic_columns = np.array([column[self.topic_of(str(c))] for c in self.pipeline.classes_])
        weighted = intents * outputs[1][:, self._topic_columns] ** self.config["topic_weight"]
        return weighted / weighted.sum(axis=1, keepdims=True), intents, vectors

    def process(self, messages: list[Message]) -> list[Message]:
        if self.pipeline is None:
            return messages
        texts = [self._text(m) for m in messages]
        weighted, own, vectors = self._read(texts)
        names = self.pipeline.classes_
        vectors = vectors or [None] * len(messages)
        for message, text, row, own_row, vector in zip(messages, texts, weighted, own, vectors):
            order = row.argsort()[::-1][: self.config["ranking_length"]]
            ranking = [{"name": str(names[i]), "confidence": float(row[i])} for i in order]
            ranking, nearest = self._second_reading(text, ranking, vector)
            if vector is not None and self.neighbours is not None:
                message.set(NEAREST, (lambda found=nearest: found) if nearest is not None
                            else functools.cache(functools.partial(self._nearest, vector)))
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            # For SafetyOverrides only (not part of the parse result): whether a question was
            # asked next to an emergency is judged on the intent model alone.
            message.set(OWN_CONFIDENCE, {str(names[i]): float(own_row[i]) for i in order})
        return messages

    def _second_reading(self, text: str, ranking: list[dict],
                        vector: tuple[np.ndarray, np.ndarray] | None
                        ) -> tuple[list[dict], list[str] | None]:
        """The ranking, unless the training examples nearest to the message overrule it: a
        question is out of scope when `out_of_scope_votes` of the `neighbours` nearest are;
        a message of more than `story_words` words that it reads as out of scope is
        answered from the topic `topic_votes` of them share, with that topic's best-ranked
        question (a long story whose many other words pull the regression away). Not when
        it reads a question of another topic: with the fifteenth session's data the
        regression is right more often than the vote there (docs/decisions.md). The
        overruling intent comes first with confidence 1, the regression's ranking after it.
        Also returns the nearest examples' intents when it looked them up."""
        c, first = self.config, ranking[0]["name"]
        if self.neighbours is None or vector is None:
            return ranking, None
        nearest = None
        if first.startswith("faq__") and c["out_of_scope_votes"]:
            nearest = self._nearest(vector)
            if nearest.count(OUT_OF_SCOPE) >= c["out_of_scope_votes"]:
                return [{"name": OUT_OF_SCOPE, "confidence": 1.0},
                        *(r for r in ranking if r["name"] != OUT_OF_SCOPE)], nearest
        if first == OUT_OF_SCOPE and c["topic_votes"] and len(text.split()) > c["story_words"]:
            nearest = self._nearest(vector)  # not looked up above: that is for questions
            topics = [self.topic_of(name) for name in nearest]
            for topic in sorted(set(topics), key=topics.count, reverse=True):
                if topic.startswith("faq__") and topics.count(topic) >= c["topic_votes"]:
                    best = next((r for r in ranking if self.topic_of(r["name"]) == topic), None)
                    if best is not None:
                        return [{**best, "confidence": 1.0},
                                *(r for r in ranking if r is not best)], nearest
        return ranking, nearest

    def _nearest(self, vector: tuple[np.ndarray, np.ndarray]) -> list[str]:
        """The intents of the `neighbours` training examples nearest to a message's row."""
        return self.neighbours.nearest(*vector, self.config["neighbours"])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
