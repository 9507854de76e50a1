"""Count vectors for one message at a time, from fitted scikit-learn CountVectorizers.

`CountVectorizer.transform` is built for many documents: for one short message most of its
time goes to building and checking sparse matrices (about 0.2 ms per vectoriser). The bot
vectorises one message per request, so this counts the vectoriser's own n-grams (its
`build_analyzer()`) against its own vocabulary and builds the one row directly.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import CountVectorizer


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
        found: dict[int, int] = {}
        for analyze, vocabulary, offset in self.parts:
            for gram in analyze(text):
                column = vocabulary.get(gram)
                if column is not None:
                    column += offset
                    found[column] = found.get(column, 0) + 1
        return found

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
