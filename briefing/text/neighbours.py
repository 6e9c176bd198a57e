"""Pairs of alike rows of a tf-idf matrix without forming every pair that shares a word.

The briefing step asks "which facts are this alike?" of thousands of facts. The sparse
product X @ X.T answers it but forms every pair sharing any word (quadratic: common words
link nearly all pairs). Here a cheap bound picks the few pairs that may pass a threshold, and
only those are scored, to the same floats, in the same order, as the product gives them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

# Rows of the rare-word product formed at once: a block's product holds every pair of its rows
# with the rows sharing a rare word, so the block stays small to bound memory.
BLOCK_ROWS = 256


BLOCK_PAIRS = 100_000  # pairs whose shared columns are formed at once


def alike_pairs_by_product(X: sp.csr_matrix, floor: float) -> Iterator[tuple[int, int, float]]:
    """(i, j, cosine) above `floor`, i != j, in the order the sparse product X @ X.T lists them."""
    XT = X.T.tocsr()
    found = []
    for start in range(0, X.shape[0], 2048):  # a block of rows at a time: memory stays bounded
        sim = (X[start : start + 2048] @ XT).tocoo()
        keep = (sim.data > floor) & (sim.row + start != sim.col)
        found.append((sim.row[keep] + start, sim.col[keep], sim.data[keep]))
    rows, cols, vals = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return _as_tuples(rows, cols, vals)


def _as_tuples(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> Iterator[tuple[int, int, float]]:
    """(row, col, value) tuples, made a slice at a time: a million pairs as Python tuples at
    once would take hundreds of MB."""
    for s in range(0, len(rows), BLOCK_PAIRS):
        e = s + BLOCK_PAIRS
        yield from zip(rows[s:e].tolist(), cols[s:e].tolist(), vals[s:e].tolist(), strict=True)


def in_stored_order(X: sp.csr_matrix) -> sp.csr_matrix | None:
    """X with its columns renumbered so every row's stored order is ascending column order
    (text.tfidf keeps each row in the order its terms were first seen, one order for all rows),
    or None when no renumbering does that. Values and stored order are unchanged."""
    first_seen = np.fromiter(dict.fromkeys(X.indices.tolist()), dtype=np.int64)
    renumber = np.zeros(X.shape[1], dtype=np.int64)
    renumber[first_seen] = np.arange(len(first_seen))
    out = sp.csr_matrix((X.data.copy(), renumber[X.indices], X.indptr.copy()), shape=X.shape)
    steps = np.diff(out.indices)
    inner = np.ones(len(steps), dtype=bool)
    inner[out.indptr[1:-1][(out.indptr[1:-1] > 0) & (out.indptr[1:-1] < out.nnz)] - 1] = False
    if np.any(steps[inner] <= 0):
        return None
    out.has_sorted_indices = True
    return out


def pairs_possibly_above(X: sp.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows of X (non-negative, L2-normalised) that may have a cosine above
    `threshold`: a superset of them, never all pairs sharing a column.

    Columns held by more than D rows are "common", the rest "rare". A pair's cosine is its
    rare part plus its common part, and the common part is at most the product of the two
    rows' common norms (Cauchy-Schwarz). So a pair qualifies only if its rare part (a sparse
    product over rare columns only) plus that bound passes, or, sharing no rare column, if the
    bound alone passes (the few rows heavy in common words). D is chosen to keep both small."""
    n, m = X.shape
    if n < 2 or X.nnz == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    t = threshold * (1 - 1e-9)  # a margin for rounding in the bound, never a pair lost
    df = np.bincount(X.indices, minlength=m)
    rowid = np.repeat(np.arange(n), np.diff(X.indptr))
    squares = X.data * X.data
    best = None
    for D in [*(2**k for k in range(3, max(4, n.bit_length()))), n]:
        common = df > D
        weights = np.where(common[X.indices], squares, 0.0)
        norms = np.sqrt(np.bincount(rowid, weights=weights, minlength=n))
        # the product's work, and a candidate costs about as much as 100 of its steps
        cost = float(np.sum(df[~common].astype(np.float64) ** 2)) + 100.0 * _count_heavy(norms, t)
        if best is None or cost < best[0]:
            best = (cost, common, norms)
    _, common, norms = best
    rare = ~common[X.indices]
    indptr = np.r_[0, np.cumsum(np.bincount(rowid[rare], minlength=n))]
    R = sp.csr_matrix((X.data[rare], X.indices[rare], indptr), shape=(n, m))
    found = [_heavy_pairs(norms, t)]
    RT = R.T.tocsr()
    for start in range(0, n, BLOCK_ROWS):  # a block of rows at a time: memory follows the pairs kept
        shared = (R[start : start + BLOCK_ROWS] @ RT).tocoo()
        rows = shared.row.astype(np.int64) + start
        cols = shared.col.astype(np.int64)
        ok = (rows < cols) & (shared.data + norms[rows] * norms[cols] > t)
        found.append((rows[ok], cols[ok]))
    return union_pairs(n, *found)


def _count_heavy(norms: np.ndarray, t: float) -> int:
    """How many pairs i < j have norms[i] * norms[j] > t."""
    s = np.sort(norms)
    with np.errstate(divide="ignore"):
        need = np.where(s > 0, t / np.where(s > 0, s, 1.0), np.inf)
    partners = len(s) - np.searchsorted(s, need, side="right")
    return int((np.sum(partners) - np.sum(s * s > t)) // 2)


def _heavy_pairs(norms: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j with norms[i] * norms[j] > t."""
    order = np.argsort(norms, kind="stable")
    s = norms[order]
    with np.errstate(divide="ignore"):
        need = np.where(s > 0, t / np.where(s > 0, s, 1.0), np.inf)
    lo = np.maximum(np.searchsorted(s, need, side="right"), np.arange(len(s)) + 1)
    counts = np.maximum(len(s) - lo, 0)
    a = np.repeat(np.arange(len(s)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    b = offsets + np.repeat(lo, counts)
    i, j = order[a], order[b]
    return np.minimum(i, j), np.maximum(i, j)


def union_pairs(n: int, *parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    codes = np.sort(np.concatenate([np.asarray(i, dtype=np.int64) * n + j for i, j in parts]))
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes  # (np.unique hashes: slower)
    return codes // n, codes % n


def exact_cosines(Xs: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Row i . row j for each pair, the same floats as the sparse product X @ X.T gives: the
    shared columns' products summed one by one in row i's stored order (`Xs` from
    `in_stored_order`, so that order is column order, and the elementwise product keeps it)."""
    if len(i) == 0:
        return np.zeros(0)
    P = Xs[i].multiply(Xs[j]).tocsr()  # sorted rows: merged in column order
    lengths = np.diff(P.indptr)
    sums = np.zeros(len(i))
    starts = P.indptr[:-1]
    for k in range(int(lengths.max(initial=0))):  # k-th shared column of every pair at once
        r = np.flatnonzero(lengths > k)
        sums[r] += P.data[starts[r] + k]
    return sums


def as_product_lists(
    Xs: sp.csr_matrix, i: np.ndarray, j: np.ndarray, sims: np.ndarray
) -> Iterator[tuple[int, int, float]]:
    """Both directions of each pair, in the order the sparse product X @ X.T lists them: rows
    ascending; within a row, the later the first shared column (then the higher the index),
    the earlier (it links each new column at the head of its list)."""
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    vals = np.concatenate([sims, sims])
    first = np.zeros(len(rows), dtype=np.int64)
    for s in range(0, len(rows), BLOCK_PAIRS):  # a slice at a time: a pair's rows held once
        P = Xs[rows[s : s + BLOCK_PAIRS]].multiply(Xs[cols[s : s + BLOCK_PAIRS]]).tocsr()
        first[s : s + BLOCK_PAIRS] = P.indices[P.indptr[:-1]]  # every kept pair shares a column
    order = np.lexsort((-cols, -first, rows))
    return _as_tuples(rows[order], cols[order], vals[order])
