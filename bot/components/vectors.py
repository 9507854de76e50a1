"""Count vectors for one message at a time, from fitted scikit-learn CountVectorizers.

`CountVectorizer.transform` is built for many documents: for one short message most of its
time goes to building and checking sparse matrices (about 0.2 ms per vectoriser). The bot
vectorises one message per request, so this counts the vectoriser's own n-grams (its
`build_analyzer()`) against its own vocabulary and builds the one row directly.
"""

from __future__ import annotations

import os
from collections import Counter

import numpy as np
import scipy.sparse
from joblib import Parallel, delayed, parallel_config
from scipy.special import expit
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight


class RowCounter:
    """The rows `scipy.sparse.hstack([v.transform(texts) for v in vectorizers])` would give."""

    def __init__(self, vectorizers: list[CountVectorizer]) -> None:
        self.parts = []
        offset = 0
        for vectorizer in vectorizers:
            if vectorizer.binary:
                raise ValueError("RowCounter counts; a binary CountVectorizer is not supported")
            self.parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, offset))
            offset += len(vectorizer.vocabulary_)
        self.width = offset

    def counts(self, text: str) -> dict[int, int]:
        """{column: count} of the text's n-grams that are in a vocabulary."""
        found: dict[int, int] = {}
        for analyze, vocabulary, offset in self.parts:
            for gram, count in Counter(analyze(text)).items():
                column = vocabulary.get(gram)
                if column is not None:
                    found[column + offset] = count
        return found

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's row as (columns, counts) arrays, for models that read only the columns
        a message has (`ovr_probabilities`)."""
        found = self.counts(text)
        return (np.fromiter(found.keys(), dtype=np.int64, count=len(found)),
                np.fromiter(found.values(), dtype=np.float64, count=len(found)))

    def rows(self, texts: list[str]) -> scipy.sparse.csr_matrix:
        columns: list[int] = []
        values: list[int] = []
        starts = [0]
        for text in texts:
            found = self.counts(text)
            for column in sorted(found):
                columns.append(column)
                values.append(found[column])
            starts.append(len(columns))
        return scipy.sparse.csr_matrix(
            (np.array(values, dtype=np.int64), np.array(columns, dtype=np.int32), np.array(starts, dtype=np.int32)),
            shape=(len(texts), self.width))


def is_one_vs_rest(model: LogisticRegression) -> bool:
    """Whether `model.predict_proba` normalises one-vs-rest logistic outputs over three or
    more classes (scikit-learn's own test, in `LogisticRegression.predict_proba`)."""
    ovr = model.multi_class in ("ovr", "warn") or (
        model.multi_class == "auto" and (model.classes_.size <= 2 or model.solver == "liblinear"))
    return ovr and model.classes_.size > 2


def ovr_probabilities(model: LogisticRegression, columns: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """`model.predict_proba` of one row given as (columns, counts), for a one-vs-rest model.

    The same sum as scikit-learn's (logistic of each class's score, normalised), over only
    the message's columns of the coefficients, with no sparse matrix built and no input
    checked: about 0.06 ms per model and message instead of 0.13 ms, most of it now the
    reading of those columns.
    """
    scores = model.coef_[:, columns] @ counts + model.intercept_
    probabilities = expit(scores)
    return probabilities / probabilities.sum()


def fit_one_vs_rest(template: LogisticRegression, rows: scipy.sparse.spmatrix, labelings: list[list[str]],
                    jobs: int | None = None) -> list[LogisticRegression]:
    """`clone(template).fit(rows, labels)` for each list of labels, the liblinear one-vs-rest
    way, with the binary fits of all of them shared out over `jobs` processes (default: one
    per CPU). liblinear fits the classes one after the other on one core, so two processes
    halve the bot's training time on two cores. Processes, not threads: liblinear keeps
    global state (its random numbers and its print function; scikit-learn issue 31883).

    The same problems as liblinear's own one-vs-rest: class k against the rest, with k's
    examples weighted by its class weight (`balanced`: n / (classes * n_k)) and every other
    example by 1."""
    if template.solver != "liblinear":
        raise ValueError(f"one-vs-rest fitting is for the liblinear solver, not {template.solver}")
    tasks, plans = [], []
    for labels in labelings:
        classes, y = np.unique(np.asarray(labels), return_inverse=True)
        if classes.size < 3:  # binary: one fit, as scikit-learn does it
            tasks.append((clone(template), labels))
            plans.append((classes, 1))
            continue
        weights = (compute_class_weight(template.class_weight, classes=classes, y=labels)
                   if template.class_weight is not None else np.ones(classes.size))
        for k, weight in enumerate(weights):
            binary = clone(template).set_params(class_weight={0: 1.0, 1: float(weight)})
            tasks.append((binary, (y == k).astype(np.int64)))
        plans.append((classes, classes.size))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    # liblinear's own input type, made here once: the processes receive the rows read-only
    # (joblib maps large arrays from a file) and could not convert them in place.
    rows = scipy.sparse.csr_matrix(rows, dtype=np.float64)
    rows.sum_duplicates()
    if jobs == 1:
        fitted = iter(_fit_each(tasks, rows))
    else:
        # Every jobs-th task to each process, so each is sent the rows once. The processes
        # end a second after the last task (joblib keeps them 5 minutes by default, each
        # holding a copy of the rows, in whatever process trained: the tests train in theirs).
        with parallel_config(backend="loky", idle_worker_timeout=1):
            shares = Parallel(n_jobs=jobs)(
                delayed(_fit_each)(tasks[i::jobs], rows) for i in range(jobs))
        fitted = iter([shares[i % jobs][i // jobs] for i in range(len(tasks))])
    models = []
    for classes, count in plans:
        parts = [next(fitted) for _ in range(count)]
        if count == 1:
            models.append(parts[0])
            continue
        model = clone(template)
        model.classes_ = classes
        model.coef_ = np.vstack([part.coef_[0] for part in parts])
        model.intercept_ = np.array([part.intercept_[0] for part in parts])
        model.n_iter_ = np.array([part.n_iter_.max() for part in parts])
        model.n_features_in_ = rows.shape[1]
        models.append(model)
    return models


def _fit_each(tasks: list[tuple[LogisticRegression, np.ndarray]], rows: scipy.sparse.spmatrix) -> list:
    return [model.fit(rows, labels) for model, labels in tasks]


class Neighbours:
    """The training examples as rows of scikit-learn's `TfidfTransformer(sublinear_tf=True)`
    (smoothed idf, 1 + log of counts, unit length) over the classifier's own counts, to find
    a message's nearest examples by cosine. Kept by feature, so a message reads only the
    columns it has: about 0.35 ms per message for 18,000 examples."""

    def __init__(self, rows: scipy.sparse.spmatrix, labels: list[str]) -> None:
        rows = scipy.sparse.csr_matrix(rows, dtype=np.float64)
        rows.sum_duplicates()
        examples = rows.shape[0]
        frequency = np.bincount(rows.indices, minlength=rows.shape[1])
        self.idf = np.log((1 + examples) / (1 + frequency)) + 1
        rows.data = 1 + np.log(rows.data)
        rows = rows @ scipy.sparse.diags(self.idf)
        lengths = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
        rows = scipy.sparse.diags(1 / np.where(lengths > 0, lengths, 1)) @ rows
        self.by_feature = rows.T.tocsr().astype(np.float32)
        self.labels = np.asarray(labels)

    def similarities(self, columns: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Cosine of one message's row (as `RowCounter.vector` gives it) with every example."""
        weights = (1 + np.log(counts)) * self.idf[columns]
        length = np.sqrt(weights @ weights)
        if not length:
            return np.zeros(self.labels.size, dtype=np.float32)
        return self.by_feature[columns].T @ (weights / length).astype(np.float32)

    def nearest(self, columns: np.ndarray, counts: np.ndarray, k: int) -> list[str]:
        """The labels of the k examples nearest to the message, nearest first; none for a
        message without a known n-gram."""
        if not columns.size:
            return []
        similarity = self.similarities(columns, counts)
        # k times the largest, not argpartition: most examples share no n-gram with a
        # message, and partitioning that many equal values took 0.15 ms; this takes 0.01.
        best = []
        for _ in range(min(k, similarity.size)):
            best.append(int(similarity.argmax()))
            similarity[best[-1]] = -np.inf
        return [str(self.labels[i]) for i in best]
