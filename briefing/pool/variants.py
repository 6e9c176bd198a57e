"""Rows that differ only in their numbers (an agency footer with an item id), ranked without
pairing them all.

The merge's candidates are each row's MAX_NEIGHBOURS most similar rows (`pool.candidates`). A
line carried by 50,000 articles with a different id each is 50,000 rows, and their sparse
product is 2.5 billion entries, nearly all below the threshold. Those rows share their
stems; call the columns every member has the group's common part and the rest (its ids) a
member's own part. Against another row w that shares none of a member's own columns, the
member's cosine is a sum over the same common columns of w's weights times the member's
weights, which are one scale (1 / its norm) times one idf each: the cosine grows with the
scale, and members of equal scale have equal cosines, bit for bit. So w's most similar members
are among those that share an own column with it and, of the rest, the first ones by scale:
the first K (K: MAX_NEIGHBOURS plus the ones w shares own columns with, plus w itself), and of
each scale within a hair of the K-th, its K lowest rows. Only those are multiplied out; their
cosines are summed in the same order as the full product sums them (`pair_dots`), so they are
the same floats and the ranking is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

HEAVY_ROWS = 256  # a group of rows with the same stems larger than this is ranked by scale


SCALE_MARGIN = 1e-9  # scales this close to the K-th may round to its cosine: kept too


@dataclass(frozen=True, slots=True)
class Variants:
    """The large groups of rows that differ only in their own columns."""

    heavy: np.ndarray  # row -> its group, -1 for a row in no large group
    order: tuple[np.ndarray, ...]  # per group: its rows by scale (descending), then row
    scale: tuple[np.ndarray, ...]  # per group: their scales, in that order
    class_rank: tuple[np.ndarray, ...]  # per group: place of each among its rows of equal scale
    common: sparse.csr_matrix  # groups x columns: the columns all of a group's rows have
    own: sparse.csr_matrix  # columns x rows: each heavy row's own columns

    @property
    def light(self) -> np.ndarray:
        return np.flatnonzero(self.heavy < 0)


def find_variants(x: sparse.csr_matrix, keys: Sequence[frozenset[str]], scale: np.ndarray) -> Variants:
    """Groups of more than HEAVY_ROWS rows of `x` with the same `keys` (any key is right; a
    good one leaves each row few own columns in common with others: stems and frequent numbers)."""
    by_key: dict[frozenset[str], list[int]] = {}
    for r, key in enumerate(keys):
        by_key.setdefault(key, []).append(r)
    groups = [np.asarray(rows, dtype=np.int64) for rows in by_key.values() if len(rows) > HEAVY_ROWS]
    heavy = np.full(x.shape[0], -1, dtype=np.int64)
    order, scales, ranks, common_rows = [], [], [], []
    own_r: list[np.ndarray] = []
    own_c: list[np.ndarray] = []
    for g, rows in enumerate(groups):
        heavy[rows] = g
        sub = x[rows]
        cols, counts = np.unique(sub.indices, return_counts=True)
        shared = cols[counts == len(rows)]  # a row holds a column once: all of them hold these
        common_rows.append(shared)
        mine = ~np.isin(sub.indices, shared)
        own_r.append(np.repeat(rows, np.diff(sub.indptr))[mine])
        own_c.append(sub.indices[mine])
        ordered = rows[np.lexsort((rows, -scale[rows]))]
        s = scale[ordered]
        starts = np.r_[0, np.flatnonzero(np.diff(s) != 0) + 1]
        rank = np.arange(len(s)) - np.repeat(starts, np.diff(np.r_[starts, len(s)]))
        order.append(ordered), scales.append(s), ranks.append(rank)
    n_cols = x.shape[1]
    common = _pattern([np.full(len(c), g) for g, c in enumerate(common_rows)], common_rows, (len(groups), n_cols))
    own = _pattern(own_c, own_r, (n_cols, x.shape[0]))
    return Variants(heavy, tuple(order), tuple(scales), tuple(ranks), common, own)


def _pattern(rows: list[np.ndarray], cols: list[np.ndarray], shape: tuple[int, int]) -> sparse.csr_matrix:
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=shape)


def candidates_among_variants(
    v: Variants, block: sparse.csr_matrix, keep: int
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Where the rows of `block` (rows of the product's left side) find their `keep` most
    similar heavy rows: heavy rows for all of them (ascending, no repeats), and pairs (block
    row, heavy row) that share an own column (none of those heavy rows)."""
    pattern = block.copy()
    pattern.data[:] = 1.0
    shares = (pattern @ v.own).tocoo()  # (block row, heavy row) sharing an own column
    rows, heavy = shares.row.astype(np.int64), shares.col.astype(np.int64)
    n_groups = len(v.order)
    # the most own-column partners one block row has in each group
    pair_codes, per_pair = np.unique(rows * n_groups + v.heavy[heavy], return_counts=True)
    most = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(most, pair_codes % n_groups, per_pair)
    touched = np.flatnonzero(np.asarray((pattern @ v.common.T).sum(axis=0)).ravel() > 0)
    tops = [_first_by_scale(v, g, keep + 1 + int(most[g])) for g in touched.tolist()]
    first = np.unique(np.concatenate(tops)) if tops else np.zeros(0, dtype=np.int64)
    rest = ~np.isin(heavy, first)
    return first, (rows[rest], heavy[rest])


def _first_by_scale(v: Variants, g: int, k: int) -> np.ndarray:
    """Group g's first k rows by scale, and of each scale within SCALE_MARGIN of the k-th its
    k lowest rows: a superset of any row's k most similar among the group's rows it shares
    no own column with."""
    scale, order = v.scale[g], v.order[g]
    if k >= len(order):
        return order
    end = int(np.searchsorted(-scale, -scale[k - 1] * (1 - SCALE_MARGIN), side="right"))
    return order[:end][v.class_rank[g][:end] < k]


@dataclass(frozen=True, slots=True)
class Entries:
    """The entries of a matrix by (row, column) code, to look single entries up."""

    codes: np.ndarray  # row * columns + column, ascending
    at: np.ndarray  # where each code's entry is in the matrix's data

    @classmethod
    def of(cls, x: sparse.csr_matrix) -> Entries:
        rows = np.repeat(np.arange(x.shape[0], dtype=np.int64), np.diff(x.indptr))
        codes = rows * x.shape[1] + x.indices
        at = np.argsort(codes, kind="stable")
        return cls(codes[at], at)


def pair_dots(x: sparse.csr_matrix, entries: Entries, us: np.ndarray, vs: np.ndarray) -> np.ndarray:
    """Row u times row v for each pair, summed as a sparse product `x @ x.T` sums them (over u's
    entries in their stored order, starting from 0), so the floats are the product's."""
    lengths = np.diff(x.indptr)[us]
    total = np.zeros(len(us))
    if not len(us) or not len(entries.codes):
        return total
    for p in range(int(lengths.max())):
        live = np.flatnonzero(lengths > p)
        at = x.indptr[us[live]] + p
        want = vs[live] * x.shape[1] + x.indices[at]
        q = np.minimum(np.searchsorted(entries.codes, want), len(entries.codes) - 1)
        hit = entries.codes[q] == want
        # adding 0.0 where v lacks the column leaves the sum as the product leaves it
        total[live] += np.where(hit, x.data[at] * x.data[entries.at[q]], 0.0)
    return total
