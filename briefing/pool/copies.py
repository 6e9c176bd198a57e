"""Copies: sentences with the same text, decided once and joined once.

A line repeated by every reprint (a copyright notice, an agency footer, one sentence pasted a
thousand times) would make every pair of its copies a candidate, and every pair of copies of
two alike lines a link: quadratic in the copies. But copies of one text are interchangeable:
every decision about one is the same about another (the text is all a decision reads, with
whether the pair shares an article), all copies are joined first (a pair of equal signatures
is level 1 at score 1.0, the first joins made, and never kept apart), so after that one link
between two texts does what all their copies' links would do. Only the first of them in the
order joins are tried matters, per kind of pair (which text comes first, and whether the two
sentences share an article or a family, which decide whether a pair may join): `first_pairs`
finds those without listing the pairs. Families alone need the copies pair by pair (they count
copied sentences per pair of articles): `cross_article_pairs` lists those, for copied
reporting sentences only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

SAME_ARTICLE, SAME_FAMILY, OTHER_FAMILY = 0, 1, 2  # how two sentences of a pair stand


def text_groups(texts: Sequence[str]) -> list[list[int]]:
    """The indices of each distinct text (ascending), in order of first occurrence."""
    group_of: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        group_of.setdefault(t, []).append(i)
    return list(group_of.values())


def kind(i: int, j: int, art: Sequence[int], fam: Sequence[int]) -> int:
    if art[i] == art[j]:
        return SAME_ARTICLE
    return SAME_FAMILY if fam[i] == fam[j] else OTHER_FAMILY


def first_pairs(
    a: Sequence[int], b: Sequence[int], art: Sequence[int], fam: Sequence[int]
) -> dict[tuple[bool, int], tuple[int, int]]:
    """(a's member first, kind) -> the first pair (i < j) of that kind between groups a and b,
    in (i, j) order. Sentences of one article must have consecutive indices (the pool sorts
    them by article), so that every index past one article's sentences is in another article."""
    if len(a) == 1 and len(b) == 1:
        i, j = a[0], b[0]
        return {(i < j, kind(i, j, art, fam)): (min(i, j), max(i, j))}
    out = {(True, k): p for k, p in _first_after(a, b, art, fam).items()}
    out.update({(False, k): p for k, p in _first_after(b, a, art, fam).items()})
    return out


def _first_after(xs: Sequence[int], ys: Sequence[int], art: Sequence[int], fam: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Kind -> the first pair (x, y), x in xs, y in ys, x < y, of that kind."""
    found: dict[int, tuple[int, int]] = {}
    if not ys:
        return found
    kinds = 2 if fam is art else 3  # families not known yet: a pair shares an article or not
    next_art, next_fam, at_fam = _jumps(ys, art, fam)
    for x in xs:
        p = bisect_right(ys, x)
        if p == len(ys) or len(found) == kinds:
            break
        q = p  # the first y past x's article
        if art[ys[p]] == art[x]:
            found.setdefault(SAME_ARTICLE, (x, ys[p]))
            q = next_art[p]
        if q == len(ys):
            continue
        if fam[ys[q]] == fam[x]:
            found.setdefault(SAME_FAMILY, (x, ys[q]))
            if next_fam[q] < len(ys):
                found.setdefault(OTHER_FAMILY, (x, ys[next_fam[q]]))
        else:
            found.setdefault(OTHER_FAMILY, (x, ys[q]))
            same = at_fam.get(fam[x], ())
            k = bisect_left(same, q)
            if k < len(same):
                found.setdefault(SAME_FAMILY, (x, ys[same[k]]))
    return found


def _jumps(ys: Sequence[int], art: Sequence[int], fam: Sequence[int]) -> tuple[list[int], list[int], dict[int, list[int]]]:
    """For each position of ys: the next position in another article, the next in another
    family; and each family's positions."""
    n = len(ys)
    next_art, next_fam = [n] * n, [n] * n
    for p in range(n - 2, -1, -1):
        next_art[p] = p + 1 if art[ys[p + 1]] != art[ys[p]] else next_art[p + 1]
        next_fam[p] = p + 1 if fam[ys[p + 1]] != fam[ys[p]] else next_fam[p + 1]
    at_fam: dict[int, list[int]] = {}
    for p, y in enumerate(ys):
        at_fam.setdefault(fam[y], []).append(p)
    return next_art, next_fam, at_fam


def cross_article_pairs(a: Sequence[int], b: Sequence[int], art: np.ndarray, a_first: bool | None) -> np.ndarray:
    """Pairs (i < j) of a member of a and one of b in another article; with `a_first` set, only
    those where a's member is (True) or is not (False) the first. b is a: pairs within it.
    Never forms the pairs within one article (article codes must ascend with the index)."""
    x, y = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    art_y = art[y]
    lo = np.searchsorted(art_y, art[x], side="left")  # y[lo:hi]: b's members in x's article
    hi = np.searchsorted(art_y, art[x], side="right")
    parts = []
    if a_first is not False:  # partners after x's article
        parts.append(_with_ranges(x, y, hi, np.full(len(x), len(y))))
    if a_first is not True and a is not b:  # partners before it
        parts.append(_with_ranges(x, y, np.zeros(len(x), dtype=np.int64), lo))
    i, j = (np.concatenate(p) for p in zip(*parts, strict=True))
    return np.column_stack([np.minimum(i, j), np.maximum(i, j)])


def _with_ranges(x: np.ndarray, y: np.ndarray, start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each x[k] paired with y[start[k]:stop[k]]."""
    counts = np.maximum(stop - start, 0)
    total = int(counts.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(x, counts), y[np.repeat(start, counts) + offsets]
