"""The story gate of the support relation, and the sparse rows it and the candidates share:
two facts can support each other only when some article of one and some article of the other
are alike enough to report one story."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from briefing.models import Fact
from briefing.text.signature import Signature

PAIR_SLICE = 1 << 20  # pairs (of facts, or of their articles) handled at a time: bounds memory


def stem_rows(stem_sets: Sequence[frozenset[str]], idf: Mapping[str, float], default: float) -> sp.csr_matrix:
    """L2-normalised binary idf rows over the stems (vocabulary in first-seen order)."""
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(s, len(vocab)) for stems in stem_sets for s in sorted(stems)]
    indptr = np.zeros(len(stem_sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in stem_sets], out=indptr[1:])
    weight = np.array([idf.get(s, default) for s in vocab], dtype=np.float64)
    data = weight[np.asarray(cols, dtype=np.int64)] if cols else np.zeros(0)
    X = sp.csr_matrix((data, np.asarray(cols, dtype=np.int64), indptr), shape=(len(stem_sets), max(1, len(vocab))))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


DOT_BLOCK = 20_000  # pairs whose rows are formed at once (bounds memory on a large pool)


def row_dots(A: sp.csr_matrix, B: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """A[i[k]] . B[j[k]] for each k, a block of pairs at a time."""
    out = np.zeros(len(i))
    for s in range(0, len(i), DOT_BLOCK):
        e = s + DOT_BLOCK
        out[s:e] = np.asarray(A[i[s:e]].multiply(B[j[s:e]]).sum(axis=1)).ravel()
    return out


def _article_rows(facts: Sequence[Fact], signatures: Sequence[Signature], idf, default):
    """(tf-idf rows of the articles over the stems of every fact each carries, row of each
    article id, and for each row the first row with the same stems: copies of one article
    carry one set of stems, so the same row and the same cosines)."""
    arts: dict[str, set[str]] = defaultdict(set)
    for f, sig in zip(facts, signatures, strict=True):
        for a in f.articles:
            arts[a] |= sig.stems
    sets = [frozenset(v) for v in arts.values()]
    first: dict[frozenset[str], int] = {}
    same = np.array([first.setdefault(v, k) for k, v in enumerate(sets)], dtype=np.int64)
    return stem_rows(sets, idf, default), {a: k for k, a in enumerate(arts)}, same


def story_cosines(
    facts: Sequence[Fact], signatures: Sequence[Signature], idf, default, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """For each pair (i[k], j[k]), the best cosine between an article of fact i and one of
    fact j (each distinct pair of articles of a slice computed once); 0 when they share an
    article. A fact copied into many articles counts each distinct set of stems once: the
    article pairs of a pair of facts grow with their distinct articles, not their copies."""
    A, row_of, same = _article_rows(facts, signatures, idf, default)
    n_rows = A.shape[0]
    members = np.array([row_of[a] for f in facts for a in f.articles], dtype=np.int64)
    lengths = np.array([len(f.articles) for f in facts], dtype=np.int64)
    F = sp.csr_matrix((np.ones(len(members)), members, np.r_[0, np.cumsum(lengths)]), shape=(len(facts), n_rows))
    shared = row_dots(F, F, i, j) > 0  # an article in common
    # each fact's distinct article rows, ascending (one sort of (fact, row) codes)
    codes = np.unique(np.repeat(np.arange(len(facts), dtype=np.int64), lengths) * n_rows + same[members])
    flat = codes % n_rows
    offsets = np.r_[0, np.cumsum(np.bincount(codes // n_rows, minlength=len(facts)))].astype(np.int64)
    best = np.zeros(len(i))
    # every (distinct article of i, distinct article of j) of each pair, a slice of pairs at a time
    sizes = (offsets[i + 1] - offsets[i]) * (offsets[j + 1] - offsets[j])
    ends = np.cumsum(sizes)
    start = 0
    while start < len(i):
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] - sizes[start] + PAIR_SLICE, "right")))
        best[start:stop] = _best_article_cosines(A, flat, offsets, i[start:stop], j[start:stop])
        start = stop
    best[shared] = 0.0
    return best


def _best_article_cosines(A: sp.csr_matrix, flat: np.ndarray, offsets: np.ndarray, i: np.ndarray,
                          j: np.ndarray) -> np.ndarray:
    n = A.shape[0]
    best = np.zeros(len(i))
    count_i, count_j = offsets[i + 1] - offsets[i], offsets[j + 1] - offsets[j]
    pair = np.repeat(np.arange(len(i)), count_i * count_j)
    if not len(pair):
        return best
    t = np.arange(len(pair)) - np.repeat(np.cumsum(count_i * count_j) - count_i * count_j, count_i * count_j)
    a = flat[offsets[i][pair] + t // count_j[pair]]
    b = flat[offsets[j][pair] + t % count_j[pair]]
    unique, inverse = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_inverse=True)
    cos = row_dots(A, A, unique // n, unique % n)
    np.maximum.at(best, pair, cos[inverse])
    return best
