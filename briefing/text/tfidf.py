"""tf-idf vectors as scikit-learn's `TfidfVectorizer` makes them, without importing scikit-learn.

`import sklearn` imports scipy.stats and costs about 1.5 s of CPU in every process, more than a
small build's whole work; the few tf-idf calls of the pipeline need none of it. `TfidfVectorizer`
here takes the options the pipeline uses (`sublinear_tf`, `stop_words` ("english" or a list),
`token_pattern`, `lowercase`, `ngram_range` up to word pairs, `min_df`, `max_df`, `use_idf`) and
gives the same matrix as scikit-learn's with its other defaults (smooth idf, l2 rows, vocabulary
in sorted order): tests/text/test_textvec.py checks that they agree.
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
        stop_words: str | Iterable[str] | None = None,
        token_pattern: str = DEFAULT_TOKEN_PATTERN,
        lowercase: bool = True,
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int = 1,
        max_df: float = 1.0,
        use_idf: bool = True,
    ):
        if isinstance(stop_words, str) and stop_words != "english":
            raise ValueError(f"unknown stop word list {stop_words!r}")
        if ngram_range not in ((1, 1), (1, 2)):
            raise ValueError(f"unsupported ngram_range {ngram_range!r}")
        self.sublinear_tf = sublinear_tf
        self.stop_words = (
            ENGLISH_STOP_WORDS if stop_words == "english" else frozenset(stop_words or ())
        )
        self._token = re.compile(token_pattern)
        self.lowercase, self.pairs = lowercase, ngram_range == (1, 2)
        self.min_df, self.max_df, self.use_idf = min_df, max_df, use_idf
        self.vocabulary_: dict[str, int] = {}
        self.idf_: np.ndarray = np.zeros(0)

    def _tokens(self, doc: str) -> list[str]:
        stop = self.stop_words
        words = [t for t in self._token.findall(doc.lower() if self.lowercase else doc) if t not in stop]
        if self.pairs:  # as scikit-learn: the words, then each pair of adjacent ones
            words += [" ".join(p) for p in zip(words, words[1:], strict=False)]
        return words

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
        counts = self._limit(counts, terms, len(docs))
        if not self.use_idf:
            self.idf_ = np.zeros(0)
            return self._weigh(counts)
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        df += 1.0  # smooth idf: as if one more document held every term once
        idf = np.full_like(df, fill_value=len(docs) + 1, dtype=np.float64)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self.idf_ = idf
        return self._weigh(counts)

    def _limit(self, counts: sp.csr_matrix, terms: list[str], n_docs: int) -> sp.csr_matrix:
        """Terms in fewer than `min_df` documents, or more than `max_df` of them, dropped;
        each row keeps its stored order (as scikit-learn's column selection does)."""
        df = np.bincount(counts.indices, minlength=len(terms))
        keep = (df <= self.max_df * n_docs) & (df >= self.min_df)
        if keep.all():
            return counts
        if not keep.any():
            raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
        new = np.cumsum(keep) - 1
        self.vocabulary_ = {t: int(new[j]) for j, t in enumerate(terms) if keep[j]}
        kept = keep[counts.indices]
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        indptr = np.zeros(counts.shape[0] + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows[kept], minlength=counts.shape[0]), out=indptr[1:])
        return sp.csr_matrix(
            (counts.data[kept], new[counts.indices[kept]].astype(np.int32), indptr),
            shape=(counts.shape[0], int(keep.sum())),
        )

    def transform(self, docs: Iterable[str]) -> sp.csr_matrix:
        if not self.vocabulary_:
            raise ValueError("the vectorizer is not fitted")
        return self._weigh(self._counts(docs))

    def _weigh(self, X: sp.csr_matrix) -> sp.csr_matrix:
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        if self.use_idf:
            X.data *= self.idf_[X.indices]
        return unit_rows(X)

    def get_feature_names_out(self) -> np.ndarray:
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.__getitem__), dtype=object)
