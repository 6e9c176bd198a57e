"""Select: fill a budget (sentences or words) with the best facts, without redundancy.

The default is a coverage objective: facts are added greedily so that the chosen set, taken
as one bag of words, stays as close as possible (cosine) to the pool's tf-idf centroid, with
each fact's own score as a prior. A fact that adds words the selection already has gains
little, so the selection spreads over the story instead of repeating its lead; a hard cosine
threshold keeps near-duplicates out altogether. Each step is one sparse matrix-vector
product: cost grows with the text, not with pairs of facts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from briefing.pool.index import PoolIndex


@dataclass(frozen=True, slots=True)
class Budget:
    sentences: int | None = None
    words: int | None = None

    def __post_init__(self) -> None:
        if self.sentences is None and self.words is None:
            object.__setattr__(self, "sentences", 8)


def select_facts(
    index: PoolIndex,
    scores: np.ndarray,
    budget: Budget,
    exclude: Collection[str] = (),
    redundancy: float | None = 0.35,
    fill: bool = False,
    coverage: bool = True,
    score_weight: float = 0.3,
    centroid_power: float = 1.5,
) -> list[int]:
    """Indices of chosen facts, in the order they were chosen (best first).

    `redundancy`: tf-idf cosine above which a fact repeats a chosen one (None: no check).
    `coverage`: choose by centroid coverage plus `score_weight` times the fact's min-max
    scaled score; False: in pure score order. `centroid_power` sharpens the centroid (each
    stem's summed weight raised to it) so the pool's most carried words steer the choice.
    With a word budget a fact that does not fit is passed over for a shorter one, unless
    `fill`: then the last fact may run past the budget (for evaluations that cut summaries to
    N words).
    """
    n = len(index.facts)
    if n == 0:
        return []
    X = index.terms.tfidf
    s = np.asarray(scores, dtype=float)
    span = float(s.max() - s.min())
    prior = (s - s.min()) / span if span > 0 else np.zeros(n)
    open_ = np.array([f.id not in exclude for f in index.facts])
    cover = _Coverage(X, centroid_power) if coverage else None
    rank_bonus = None if coverage else _rank_bonus(s)
    chosen: list[int] = []
    words = 0
    # the facts by value, best first (ties: the lower index, as argmax): a fact passed over
    # changes no value, so the order holds until a fact is chosen
    order: np.ndarray | None = None
    at = 0
    while True:
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        if budget.words is not None and words >= budget.words:
            break
        if order is None:
            value = cover.value() + score_weight * prior if cover is not None else rank_bonus
            order, at = np.argsort(-value, kind="stable"), 0
        if (at := _next_open(order, at, open_)) == n:
            break
        i = int(order[at])
        open_[i] = False
        n_words = int(index.words[i])
        if budget.words is not None and words + n_words > budget.words and not (fill and chosen):
            continue
        if redundancy is not None and chosen and (X[chosen] @ X[i].T).max() > redundancy:
            continue
        chosen.append(i)
        words += n_words
        if cover is not None:
            cover.add(i)
            order = None
    return chosen


def _next_open(order: np.ndarray, at: int, open_: np.ndarray) -> int:
    """The first place from `at` in `order` holding an open fact (len(order): none)."""
    while at < len(order) and not open_[order[at]]:
        at += 1
    return at


def _rank_bonus(s: np.ndarray) -> np.ndarray:
    """Pure score order as a value to maximise: the best fact 0, the next -1, ..."""
    n = len(s)
    order = np.lexsort((np.arange(n), -s))
    bonus = np.empty(n)
    bonus[order] = -np.arange(n, dtype=float)
    return bonus


class _Coverage:
    """How close the selection, taken as one bag of words, comes to the pool's centroid if
    each fact were added (cosine, the centroid sharpened by a power)."""

    def __init__(self, X, centroid_power: float) -> None:
        self.present = X.copy()
        self.present.data[:] = 1.0  # a fact's words, each once
        self.centroid = np.asarray(X.sum(axis=0)).ravel() ** centroid_power
        self.c_norm = float(np.linalg.norm(self.centroid)) or 1.0
        self.own = self.present @ self.centroid  # each fact's overlap with the centroid
        self.sizes = np.asarray(self.present.sum(axis=1)).ravel()
        self.summary = np.zeros(X.shape[1])
        self.s_dot_c = self.s_sq = 0.0

    def value(self) -> np.ndarray:
        overlap = self.present @ self.summary
        norm = np.sqrt(np.maximum(self.s_sq + 2.0 * overlap + self.sizes, 1e-12)) * self.c_norm
        return (self.s_dot_c + self.own) / norm

    def add(self, i: int) -> None:
        row = self.present.getrow(i)
        self.summary[row.indices] += row.data
        self.s_dot_c = float(self.summary @ self.centroid)
        self.s_sq = float(self.summary @ self.summary)
