"""Support's pair features for many pairs at once: sparse row products, no loop over pairs.

The same features as `support.pair_features` gives for one pair (the reference, on which
bench/support.py fits the model), for every candidate pair of a pool in blocks: shared
stems and their weight, word forms that share their first letters, spelling variants
(rapidfuzz, found once per pair of distinct words of the pool, not once per pair of facts),
shared names, figures and bigrams. Also each side's share of weighted content found in the
other (`support.found_in`), from which what carries what follows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from briefing.pool.paraphrase import NAME_SIMILARITY
from briefing.text.signature import Signature

PREFIX = 5  # unmatched stems sharing this many first letters are one word's forms


FUZZY_LENGTH = 4  # shorter words have no spelling variants


BLOCK = 20_000  # pairs whose rows are formed at once (bounds memory on a large pool)


@dataclass(frozen=True, slots=True, eq=False)  # (holds arrays: compared by identity)
class Aligned:
    """Per pair: the features in the order of `support.FEATURES`; the share of i's weighted
    content j has (`found_i`) and of j's that i has (`found_j`)."""

    features: np.ndarray  # pairs x features
    found_i: np.ndarray
    found_j: np.ndarray


def _binary(sets: Sequence[Iterable[str]]) -> tuple[sp.csr_matrix, list[str]]:
    """Rows x items binary matrix (items numbered as first seen), and the items."""
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(x, len(vocab)) for items in sets for x in sorted(items)]
    indptr = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=indptr[1:])
    m = sp.csr_matrix(
        (np.ones(len(cols)), np.asarray(cols, dtype=np.int64), indptr), shape=(len(sets), max(1, len(vocab)))
    )
    return m, list(vocab)


def _variants(words: Sequence[str]) -> sp.csr_matrix:
    """Words x words: 1 where two distinct words of at least FUZZY_LENGTH letters share their
    first letter and are spelling variants (`paraphrase.fuzzy_matches`' test)."""
    by_initial: dict[str, list[int]] = {}
    for k, w in enumerate(words):
        if len(w) >= FUZZY_LENGTH:
            by_initial.setdefault(w[0], []).append(k)
    rows, cols = [], []
    for ks in by_initial.values():
        if len(ks) < 2:
            continue
        group = [words[k] for k in ks]
        scores = process.cdist(group, group, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
        a, b = np.nonzero(scores > 0)
        off = a != b
        ids = np.asarray(ks)
        rows.append(ids[a[off]])
        cols.append(ids[b[off]])
    n = len(words)
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(max(1, n), max(1, n)))


def _mask(words: Sequence[str], keep) -> sp.csr_matrix:
    return sp.diags(np.array([1.0 if keep(w) else 0.0 for w in words] or [0.0]))


def _prefixes(words: Sequence[str]) -> sp.csr_matrix:
    """Words x prefixes: each word of at least PREFIX letters to its first PREFIX letters."""
    ids: dict[str, int] = {}
    rows, cols = [], []
    for k, w in enumerate(words):
        if len(w) >= PREFIX:
            rows.append(k)
            cols.append(ids.setdefault(w[:PREFIX], len(ids)))
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(max(1, len(words)), max(1, len(ids))))


def _count(m: sp.csr_matrix) -> np.ndarray:
    """Nonzero entries of each row."""
    m = m.tocsr()
    m.eliminate_zeros()
    return np.diff(m.indptr).astype(float)


def _positive(m: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(m)
    m.data = (m.data > 0).astype(float)
    m.eliminate_zeros()
    return m


def _sum(m: sp.spmatrix) -> np.ndarray:
    return np.asarray(m.sum(axis=1)).ravel()


class _Pool:
    """What the features read of every fact, found once."""

    def __init__(self, signatures: Sequence[Signature], idf: Mapping[str, float], default: float) -> None:
        self.stems, words = _binary([s.stems for s in signatures])
        self.weight = np.array([idf.get(w, default) for w in words] or [0.0])
        self.total = self.stems @ self.weight
        self.count = np.diff(self.stems.indptr)
        self.long = _mask(words, lambda w: len(w) >= PREFIX)
        self.fuzzy = _mask(words, lambda w: len(w) >= FUZZY_LENGTH)
        self.prefix = _prefixes(words)
        self.variant = _variants(words)
        self.names, name_words = _binary([s.names for s in signatures])
        self.name_count = np.diff(self.names.indptr)
        self.name_variant = _variants(name_words)
        self.numbers, _ = _binary([s.numbers for s in signatures])
        self.bigrams, _ = _binary([{f"{a}\x00{b}" for a, b in zip(s.core, s.core[1:], strict=False)} for s in signatures])
        self.bigram_count = np.diff(self.bigrams.indptr)
        self.default = default
        # the reference puts first the side with fewer stems, ties broken by the sorted stems
        order = sorted(range(len(signatures)), key=lambda k: sorted(signatures[k].stems))
        self.rank = np.zeros(len(signatures), dtype=np.int64)
        previous, r = None, -1
        for k in order:
            key = sorted(signatures[k].stems)
            if key != previous:
                r, previous = r + 1, key
            self.rank[k] = r


def _fuzzy(left: sp.csr_matrix, right: sp.csr_matrix, variant: sp.csr_matrix) -> np.ndarray:
    """Per row: words on the left with a spelling variant on the right."""
    return _count(left.multiply(right @ variant))


def _soft(own: sp.csr_matrix, other: sp.csr_matrix, p: _Pool) -> sp.csr_matrix:
    """The row's unmatched long stems sharing a prefix with an unmatched long stem of the other."""
    there = _positive((other @ p.long) @ p.prefix) @ p.prefix.T
    return _positive((own @ p.long).multiply(there))


def _block(p: _Pool, i: np.ndarray, j: np.ndarray, leads: np.ndarray) -> tuple[np.ndarray, ...]:
    bi, bj = p.stems[i], p.stems[j]
    shared = bi.multiply(bj).tocsr()
    only_i, only_j = _positive(bi - shared), _positive(bj - shared)
    soft_i, soft_j = _soft(only_i, only_j, p), _soft(only_j, only_i, p)
    w_shared, w_soft_i, w_soft_j = shared @ p.weight, soft_i @ p.weight, soft_j @ p.weight
    rest_i = _positive(only_i - soft_i) @ p.fuzzy
    rest_j = _positive(only_j - soft_j) @ p.fuzzy
    swap = (p.count[i] > p.count[j]) | ((p.count[i] == p.count[j]) & (p.rank[i] > p.rank[j]))
    fuzzy = np.where(swap, _fuzzy(rest_j, rest_i, p.variant), _fuzzy(rest_i, rest_j, p.variant))
    ws = w_shared + 0.35 * (w_soft_i + w_soft_j) + 0.5 * fuzzy * p.default
    total_i, total_j = p.total[i], p.total[j]
    wa = np.where(swap, total_j, total_i)
    wb = np.where(swap, total_i, total_j)
    wa, wb = np.where(wa > 0, wa, 1e-9), np.where(wb > 0, wb, 1e-9)
    ni, nj = p.names[i], p.names[j]
    both = ni.multiply(nj).tocsr()
    names = _count(both)
    extra_i, extra_j = _positive(ni - both), _positive(nj - both)
    fz = np.where(swap, _fuzzy(extra_j, extra_i, p.name_variant), _fuzzy(extra_i, extra_j, p.name_variant))
    count_i, count_j = p.name_count[i], p.name_count[j]
    names = names + np.where((count_i > names) & (count_j > names), fz, 0.0)
    names_a = np.where(swap, count_j, count_i).astype(float)
    names_b = np.where(swap, count_i, count_j).astype(float)
    names = np.minimum(names, np.minimum(names_a, names_b))
    big = _count(p.bigrams[i].multiply(p.bigrams[j]))
    features = np.column_stack([
        np.minimum(1.0, ws / wa),
        np.minimum(1.0, ws / wb),
        np.log1p(ws),
        names,
        np.divide(names, names_a, out=np.ones_like(names), where=names_a > 0),
        np.divide(names, names_b, out=np.ones_like(names), where=names_b > 0),
        _count(p.numbers[i].multiply(p.numbers[j])),
        big / np.maximum(1, np.minimum(p.bigram_count[i], p.bigram_count[j])),
        leads.astype(float),
    ])
    found_i = (w_shared + w_soft_i) / np.where(total_i > 0, total_i, 1e-9)
    found_j = (w_shared + w_soft_j) / np.where(total_j > 0, total_j, 1e-9)
    return features, found_i, found_j


def aligned(
    signatures: Sequence[Signature], idf: Mapping[str, float], default: float, pairs: np.ndarray, leads: np.ndarray
) -> Aligned:
    """The features of every pair (rows of `pairs`: i, j); `leads`: both facts open their
    articles."""
    n = len(pairs)
    if not n:
        return Aligned(np.zeros((0, 9)), np.zeros(0), np.zeros(0))
    p = _Pool(signatures, idf, default)
    parts = [
        _block(p, pairs[s : s + BLOCK, 0], pairs[s : s + BLOCK, 1], leads[s : s + BLOCK]) for s in range(0, n, BLOCK)
    ]
    return Aligned(*(np.concatenate([part[k] for part in parts]) for k in range(3)))
