"""Near repeats: facts so alike that showing both would tell the reader one thing twice."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import scipy.sparse as sp

from briefing.pool.index import PoolIndex
from briefing.text.neighbours import (
    alike_pairs_by_product,
    exact_cosines,
    in_stored_order,
)
from briefing.text.tfidf import TfidfVectorizer, unit_rows

REPEAT = 0.35  # facts this alike (stems and figures, tf-idf cosine) say the same thing


REPEAT_SAME_FIGURE = 0.25  # ... or this alike when they also give the same figure of a thing


def repeat_keys(index: PoolIndex) -> list[str]:
    """Each fact as its stems plus its normalised figures: "Twenty-six allies" and "26 of the
    allies" share both (the words of the repeats' own tf-idf)."""
    return [
        " ".join(sorted(st | {f"#{c.value:g}" for c in cs}))
        for st, cs in zip(index.stems, index.claims, strict=True)
    ]


def near_repeats(index: PoolIndex) -> Mapping[int, list[int]]:
    """For each fact, the other facts so alike that showing both would repeat a fact.

    Found for a fact when first asked (`NearRepeats`): a briefing asks about the few facts it
    shows, and a day with thousands of near-identical lines (a boilerplate sentence with an id
    changed) would otherwise list every pair of them."""
    try:
        vec = TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+")
        X = unit_rows(vec.fit_transform(repeat_keys(index)))
    except ValueError:
        return {}
    figures = [{(c.value, u) for c in cs for u in c.unit} for cs in index.claims]
    Xs = in_stored_order(X)
    if Xs is None:  # (never with text.tfidf's rows) every pair sharing a stem, as a product
        out: dict[int, list[int]] = {}
        for i, j, v in alike_pairs_by_product(X, REPEAT_SAME_FIGURE):
            if v > REPEAT or figures[i] & figures[j]:
                out.setdefault(i, []).append(j)
        return out
    return NearRepeats(Xs, figures)


class NearRepeats(Mapping):
    """Fact row -> rows of the facts that would repeat it (absent: none), each row's found
    when first asked: its cosine with every fact sharing a word, the same floats as the
    sparse product gives (`exact_cosines`). `setdefault` gives a list whose items are added to
    the row (as a dict's does) without finding the row then."""

    __slots__ = ("Xs", "XT", "figures", "found", "added")

    def __init__(self, Xs: sp.csr_matrix, figures: list[set]) -> None:
        self.Xs = Xs
        self.XT = Xs.T.tocsr()
        self.figures = figures
        self.found: dict[int, list[int] | None] = {}
        self.added: dict[int, list[int]] = {}

    def _row(self, i: int) -> list[int] | None:
        if i not in self.found:
            lo, hi = self.Xs.indptr[i], self.Xs.indptr[i + 1]
            js = np.unique(self.XT[self.Xs.indices[lo:hi]].indices)  # the facts sharing a word
            js = js[js != i].astype(np.int64)
            sims = exact_cosines(self.Xs, np.full(len(js), i), js)
            fi = self.figures[i]
            row = [
                j for j, v in zip(js.tolist(), sims.tolist(), strict=True)
                if v > REPEAT or (v > REPEAT_SAME_FIGURE and fi & self.figures[j])
            ]
            self.found[i] = row or None
        return self.found[i]

    def __getitem__(self, i: int) -> list[int]:
        row = self._row(i) if 0 <= i < len(self.figures) else None
        added = self.added.get(i)
        if row is None and added is None:
            raise KeyError(i)
        return [*(row or ()), *(added or ())]

    def __iter__(self) -> Iterator[int]:
        return (i for i in range(len(self.figures)) if i in self.added or self._row(i) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def setdefault(self, i: int, default: list[int]) -> list[int]:
        return self.added.setdefault(i, default)
