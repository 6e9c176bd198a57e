"""Candidate sentence pairs for the merge: a thresholded sparse product over distinct stem rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from briefing.pool.variants import (
    HEAVY_ROWS,
    Entries,
    Variants,
    candidates_among_variants,
    find_variants,
    pair_dots,
)
from briefing.text.signature import Signature

CANDIDATE_COSINE = 0.4  # TF-IDF cosine below which a pair is never scored


CHUNK_ROWS = 2048  # rows of the sparse product computed at once, at most ...


PRODUCT_ENTRIES = 4_000_000  # ... and entries, about (bounds memory)


# Candidates kept per distinct sentence (all of them on every dev cluster, where the most any
# sentence has is 38): bounds the cost of many near-identical lines to grow linearly.
MAX_NEIGHBOURS = 64


def candidate_pairs(signatures: Sequence[Signature], idf: dict[str, float], threshold: float) -> np.ndarray:
    """Pairs (i < j) whose TF-IDF cosine over stems and numbers reaches `threshold`.

    Computed as a chunked sparse product, keeping only entries above the threshold, so memory
    and time follow the number of similar pairs rather than the square of the pool. Sentences
    with the same stems and numbers (copies, reprints) share one row of the product: their
    cosines are the same numbers, and each pair of rows is expanded to all its sentences. A
    pair of rows is kept when either is among the other's `MAX_NEIGHBOURS` most similar rows.
    """
    keys, members = _distinct_rows(signatures)
    if len(signatures) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    words = [sorted(key) for key in keys]
    rows = _rows(words, idf)
    if rows is None:
        return np.zeros((0, 2), dtype=np.int64)
    x, scale = rows
    variants = find_variants(x, _variant_keys([signatures[ms[0]] for ms in members]), scale)
    pairs = _expand(_near_rows(x, threshold, variants), members, words)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs


def _variant_keys(signatures: Sequence[Signature]) -> list[frozenset[str]]:
    """A row's stems and its numbers that many rows hold ("Replica 3 of ... item 1204": the 3),
    so that the rows of one key differ in rare numbers (`pool.variants`)."""
    held = Counter(n for sig in signatures for n in sig.numbers)
    return [sig.stems | {n for n in sig.numbers if held[n] > HEAVY_ROWS} for sig in signatures]


def _distinct_rows(signatures: Sequence[Signature]) -> tuple[list[frozenset[str]], list[list[int]]]:
    """The distinct stems-and-numbers keys of the sentences, and the sentences of each."""
    row_of: dict[frozenset[str], int] = {}
    members: list[list[int]] = []
    for i, sig in enumerate(signatures):
        r = row_of.setdefault(sig.stems | sig.numbers, len(row_of))
        if r == len(members):
            members.append([])
        members[r].append(i)
    return list(row_of), members


def _rows(words: Sequence[list[str]], idf: dict[str, float]) -> tuple[sparse.csr_matrix, np.ndarray] | None:
    """The keys as L2-normalised IDF-weighted rows, and each row's scale (1 / its norm: a row
    is its idf weights times it); None when they hold no word at all."""
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(w, len(vocab)) for ws in words for w in ws]
    if not vocab:
        return None
    m = len(words)
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=m), out=indptr[1:])
    weight = np.fromiter((idf[w] for w in vocab), dtype=np.float64, count=len(vocab))
    x = sparse.csr_matrix((weight[cols], np.asarray(cols, dtype=np.int64), indptr), shape=(m, len(vocab)))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = 1.0 / norms
    return sparse.diags(scale) @ x, scale


def _near_rows(x: sparse.csr_matrix, threshold: float, variants: Variants) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (u < v) of rows with a cosine of at least `threshold`, where either is among the
    other's MAX_NEIGHBOURS most similar rows (ties: the lower row), so that many
    near-identical lines (a boilerplate sentence with a name or number changed) cost
    MAX_NEIGHBOURS decisions each instead of one per pair of them. Rows of a large group that
    differ only in their numbers are multiplied out only where they can be among those
    (`pool.variants`)."""
    m = x.shape[0]
    light = variants.light
    xt = x[light].T.tocsr()
    entries = Entries.of(x) if variants.order else None
    near: list[np.ndarray] = []
    for start, stop in _chunks(x, np.diff(xt.indptr)):
        block = x[start:stop]
        prod = (block @ xt).tocoo()
        # int64: a pair's code u * m + v passes int32 (the product's indices) past 46,340 rows
        us, vs, sims = prod.row.astype(np.int64), light[prod.col], prod.data
        if entries is not None:
            hu, hv, hs = _among_variants(x, block, start, variants, entries)
            us, vs, sims = np.r_[us, hu], np.r_[vs, hv], np.r_[sims, hs]
        us = us + start
        keep = (sims >= threshold) & (us != vs)
        us, vs, sims = us[keep], vs[keep], sims[keep]
        order = np.lexsort((vs, -sims, us))
        us, vs = us[order], vs[order]
        rank = np.arange(len(us)) - np.searchsorted(us, us, side="left")
        top = rank < MAX_NEIGHBOURS
        near.append(np.minimum(us[top], vs[top]) * m + np.maximum(us[top], vs[top]))
    row_pairs = np.unique(np.concatenate(near)) if near else np.zeros(0, dtype=np.int64)
    return row_pairs // m, row_pairs % m


def _among_variants(
    x: sparse.csr_matrix, block: sparse.csr_matrix, start: int, variants: Variants, entries: Entries
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(block row, heavy row, cosine) for the heavy rows the block's rows must be ranked against."""
    first, (pu, pv) = candidates_among_variants(variants, block, MAX_NEIGHBOURS)
    extra = (block @ x[first].T.tocsr()).tocoo()
    return (np.r_[extra.row.astype(np.int64), pu], np.r_[first[extra.col], pv],
            np.r_[extra.data, pair_dots(x, entries, pu + start, pv)])


def _chunks(x: sparse.csr_matrix, column_rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive row ranges whose products hold at most about PRODUCT_ENTRIES entries (a
    row's product has at most the rows of its columns), CHUNK_ROWS rows at most."""
    pattern = sparse.csr_matrix((np.ones(len(x.indices)), x.indices, x.indptr), shape=x.shape)
    total = np.cumsum(pattern @ column_rows.astype(np.float64))
    ranges: list[tuple[int, int]] = []
    start = 0
    while start < x.shape[0]:
        before = total[start - 1] if start else 0.0
        stop = int(np.searchsorted(total, before + PRODUCT_ENTRIES, side="right"))
        stop = min(max(stop, start + 1), start + CHUNK_ROWS, x.shape[0])
        ranges.append((start, stop))
        start = stop
    return ranges


def _expand(
    row_pairs: tuple[np.ndarray, np.ndarray], members: Sequence[list[int]], words: Sequence[list[str]]
) -> np.ndarray:
    """Sentence pairs (i < j) of the row pairs, and every pair of copies of one another."""
    us, vs = row_pairs
    # the sentence of a row that stands for one sentence only, else -1 (copies: expanded below)
    alone = np.array([ms[0] if len(ms) == 1 else -1 for ms in members], dtype=np.int64)
    a, b = alone[us], alone[vs]
    simple = (a >= 0) & (b >= 0)
    found = [np.column_stack([np.minimum(a[simple], b[simple]), np.maximum(a[simple], b[simple])])]
    for u, v in zip(us[~simple].tolist(), vs[~simple].tolist(), strict=True):
        ai = np.repeat(np.asarray(members[u], dtype=np.int64), len(members[v]))
        bj = np.tile(np.asarray(members[v], dtype=np.int64), len(members[u]))
        found.append(np.column_stack([np.minimum(ai, bj), np.maximum(ai, bj)]))
    for ms, ws in zip(members, words, strict=True):  # copies of one another: every pair of them
        if len(ms) > 1 and ws:
            idx = np.asarray(ms, dtype=np.int64)
            iu, ju = np.triu_indices(len(ms), k=1)
            found.append(np.column_stack([idx[iu], idx[ju]]))
    return np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
