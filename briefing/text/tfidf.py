"""tf-idf vectors as scikit-learn's `TfidfVectorizer` makes them, without importing scikit-learn.

`import sklearn` imports scipy.stats and costs about 1.5 s of CPU in every process, more than a
small build's whole work; the few tf-idf calls of the pipeline need none of it. `TfidfVectorizer`
here takes the options the pipeline uses (`sublinear_tf`, `stop_words="english"`, `token_pattern`)
and gives the same matrix as scikit-learn's with its other defaults (lower case, smooth idf, l2
rows, vocabulary in sorted order): tests/text/test_textvec.py checks that they agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

from briefing.text.lexicon import ENGLISH_STOP_WORDS

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def unit_rows(X: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to unit l2 length (all-zero rows stay zero), summing squares in column
    order as scikit-learn's `normalize` does, so the floats are the same."""
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)  # keeps the stored order of each row
    lengths = np.diff(X.indptr)
    if X.nnz == 0:
        return X
    squares = np.zeros(X.shape[0])
    starts = X.indptr[:-1]
    for k in range(int(lengths.max())):  # k-th stored value of every row at once, in order
        rows = np.flatnonzero(lengths > k)
        vals = X.data[starts[rows] + k]
        squares[rows] += vals * vals
    norms = np.sqrt(squares)
    norms[norms == 0.0] = 1.0
    X.data /= np.repeat(norms, lengths)
    return X


class TfidfVectorizer:
    """fit / transform / fit_transform over strings; `ValueError` on an empty vocabulary."""

    def __init__(
        self,
        *,
        sublinear_tf: bool = False,
        stop_words: str | None = None,
        token_pattern: str = DEFAULT_TOKEN_PATTERN,
    ):
        if stop_words not in (None, "english"):
            raise ValueError(f"unknown stop word list {stop_words!r}")
        self.sublinear_tf = sublinear_tf
        self.stop_words = ENGLISH_STOP_WORDS if stop_words == "english" else frozenset()
        self._token = re.compile(token_pattern)
        self.vocabulary_: dict[str, int] = {}
        self.idf_: np.ndarray = np.zeros(0)

    def _tokens(self, doc: str) -> list[str]:
        stop = self.stop_words
        return [t for t in self._token.findall(doc.lower()) if t not in stop]

    def _counts(self, docs: Iterable[str]) -> sp.csr_matrix:
        vocab = self.vocabulary_
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for doc in docs:
            counter: dict[int, int] = {}
            for tok in self._tokens(doc):
                j = vocab.get(tok)
                if j is not None:
                    counter[j] = counter.get(j, 0) + 1
            indices.extend(counter)
            values.extend(counter.values())
            indptr.append(len(indices))
        X = sp.csr_matrix(
            (
                np.asarray(values, dtype=np.float64),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(indptr) - 1, len(vocab)),
        )
        X.sort_indices()
        return X

    def fit(self, docs: Iterable[str]) -> TfidfVectorizer:
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Iterable[str]) -> sp.csr_matrix:
        docs = list(docs)
        # As scikit-learn: count with terms numbered as first seen, then renumber in sorted
        # order without re-sorting the rows, so values are stored (and summed) in its order.
        seen: dict[str, int] = {}
        for doc in docs:
            for tok in self._tokens(doc):
                seen.setdefault(tok, len(seen))
        if not seen:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        self.vocabulary_ = seen
        counts = self._counts(docs)
        terms = sorted(seen)
        self.vocabulary_ = {t: j for j, t in enumerate(terms)}
        renumber = np.empty(len(terms), dtype=np.int32)
        for t, j in seen.items():
            renumber[j] = self.vocabulary_[t]
        counts.indices = renumber[counts.indices]
        counts.has_sorted_indices = False
        df = np.bincount(counts.indices, minlength=len(terms)).astype(np.float64)
        df += 1.0  # smooth idf: as if one more document held every term once
        idf = np.full_like(df, fill_value=len(docs) + 1, dtype=np.float64)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self.idf_ = idf
        return self._weigh(counts)

    def transform(self, docs: Iterable[str]) -> sp.csr_matrix:
        if not self.vocabulary_:
            raise ValueError("the vectorizer is not fitted")
        return self._weigh(self._counts(docs))

    def _weigh(self, X: sp.csr_matrix) -> sp.csr_matrix:
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        X.data *= self.idf_[X.indices]
        return unit_rows(X)

    def get_feature_names_out(self) -> np.ndarray:
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.__getitem__), dtype=object)
