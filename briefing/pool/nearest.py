"""The most alike facts of each fact (the support relation's candidates), each wording once.

A day's feeds repeat lines that differ only in a number (an agency footer with an id, "filed
as item N"): thousands of facts with one set of stems, so one row of the stem matrix. Paired
fact by fact they make every pair of those thousands (1.25 billion at 50,000 articles), though
each fact keeps only its k most alike. So the pairs are found between distinct rows, pruned to
each row's k most alike (a superset of what its facts keep: a row gives each fact at least one
partner), and only then spread over the facts: a fact's k most alike are the first k of the
first k + 1 facts of each row near its own (its own row included), in order of cosine, then
of index. The pairs and cosines are those of pairing fact by fact (the same floats: equal rows
give equal products).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from briefing.pool.story_gate import PAIR_SLICE, row_dots
from briefing.text.neighbours import pairs_possibly_above


def most_alike(i: np.ndarray, j: np.ndarray, cos: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """The pairs among each fact's k most alike (either side), ties to the lower index."""
    if not len(i):
        return i, j, cos
    rows, others, alike = np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([cos, cos])
    by = np.argsort(-alike, kind="stable")
    level = np.empty(len(alike), dtype=np.int64)  # most alike first, equal cosines equal
    level[by] = np.r_[0, np.cumsum(alike[by][1:] != alike[by][:-1])]
    n, levels = int(max(rows.max(), others.max())) + 1, int(level.max()) + 1
    if n * levels * n < 2**62:  # one sort of one integer key (row, level, other)
        order = np.argsort((rows * levels + level) * n + others)
    else:
        order = np.lexsort((others, level, rows))
    ranked = rows[order]
    rank = np.arange(len(ranked)) - np.searchsorted(ranked, ranked, side="left")
    top = np.zeros(len(rows), dtype=bool)
    top[order[rank < k]] = True
    keep = top[: len(i)] | top[len(i) :]
    return i[keep], j[keep], cos[keep]


def _alike_rows(X: sp.csr_matrix, open_: np.ndarray, threshold: float, k: int) -> tuple[np.ndarray, ...]:
    """Pairs (p < q) of open rows with a cosine of at least `threshold`, pruned to each row's k
    most alike, a slice of the pairs at a time (a pair among a row's k most alike of all pairs
    is among them in any subset: the result is that of pruning all at once)."""
    kept = sp.csr_matrix(sp.diags(open_.astype(float)) @ X)  # fragments pair with nothing
    kept.eliminate_zeros()
    found_i, found_j = pairs_possibly_above(kept, threshold)
    i, j, cos = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    for start in range(0, len(found_i), PAIR_SLICE):
        si, sj = found_i[start : start + PAIR_SLICE], found_j[start : start + PAIR_SLICE]
        sc = row_dots(X, X, si, sj)
        keep = (sc >= threshold) & open_[si] & open_[sj]
        i, j, cos = most_alike(np.r_[i, si[keep]], np.r_[j, sj[keep]], np.r_[cos, sc[keep]], k)
    return i, j, cos


def nearest_pairs(
    stem_sets: Sequence[frozenset[str]], X: sp.csr_matrix, open_: np.ndarray, threshold: float, k: int
) -> tuple[np.ndarray, ...]:
    """(i, j, cos): the pairs (i < j, in order) of open facts whose cosine (rows of X, one per
    fact, equal for equal `stem_sets`) reaches `threshold` and that are among the k most alike
    of either fact, ties to the lower index."""
    key: dict[tuple[frozenset[str], bool], int] = {}
    group = np.array([key.setdefault((s, bool(o)), len(key)) for s, o in zip(stem_sets, open_, strict=True)], dtype=np.int64)
    first = np.unique(group, return_index=True)[1]  # each row's first fact (groups in first-seen order)
    if len(first) == len(group):  # no wording twice: the rows are the facts
        return _alike_rows(X, open_, threshold, k)
    gi, gj, gcos = _alike_rows(X[first], open_[first], threshold, k)
    by_group = np.argsort(group, kind="stable")  # the facts of each row, by index
    sizes = np.bincount(group)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    own = np.flatnonzero(open_[first] & (sizes > 1))  # a row's own other facts are its most alike
    self_cos = row_dots(X[first], X[first], own, own)
    own, self_cos = own[self_cos >= threshold], self_cos[self_cos >= threshold]
    # (row, near row, cosine), both ways, then the first k + 1 facts of each near row
    row = np.r_[gi, gj, own]
    near = np.r_[gj, gi, own]
    alike = np.r_[gcos, gcos, self_cos]
    take = np.minimum(sizes[near], k + 1)
    row, alike = np.repeat(row, take), np.repeat(alike, take)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(take) - take, take)
    member = by_group[np.repeat(starts[near], take) + offset]
    order = np.lexsort((member, -alike, row))
    row, member, alike = row[order], member[order], alike[order]
    rank = np.arange(len(row)) - np.searchsorted(row, row, side="left")
    head = rank < k + 1  # each row's k + 1 most alike facts, best first
    row, member, alike = row[head], member[head], alike[head]
    return _spread(group, open_, row, member, alike, k)


def _spread(
    group: np.ndarray, open_: np.ndarray, row: np.ndarray, member: np.ndarray, alike: np.ndarray, k: int
) -> tuple[np.ndarray, ...]:
    """Each open fact with the first k of its row's list (itself left out), as pairs i < j."""
    n_groups = int(group.max()) + 1
    count = np.bincount(row, minlength=n_groups)
    begin = np.r_[0, np.cumsum(count)[:-1]]
    facts = np.flatnonzero(open_)
    width = count[group[facts]]
    x = np.repeat(facts, width)
    at = np.repeat(begin[group[facts]], width) + (np.arange(len(x)) - np.repeat(np.cumsum(width) - width, width))
    y, c = member[at], alike[at]
    other = y != x
    x, y, c = x[other], y[other], c[other]
    rank = np.arange(len(x)) - np.searchsorted(x, x, side="left")  # x ascending: one run per fact
    first = rank < k
    x, y, c = x[first], y[first], c[first]
    lo, hi = np.minimum(x, y), np.maximum(x, y)
    n = len(group)
    codes, at = np.unique(lo * n + hi, return_index=True)
    return codes // n, codes % n, c[at]
