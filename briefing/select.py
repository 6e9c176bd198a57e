"""Select: fill a budget (sentences or words) with the best facts, without redundancy."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from briefing.features import features
from briefing.models import Pool


@dataclass(frozen=True, slots=True)
class Budget:
    sentences: int | None = None
    words: int | None = None

    def __post_init__(self) -> None:
        if self.sentences is None and self.words is None:
            object.__setattr__(self, "sentences", 8)


def select_facts(
    pool: Pool,
    scores: np.ndarray,
    budget: Budget,
    exclude: Collection[str] = (),
    redundancy: float | None = 0.5,
    fill: bool = False,
) -> list[int]:
    """Indices of chosen facts, best first, skipping any too similar to one already chosen.

    `redundancy` is the tf-idf cosine above which a fact repeats a chosen one (None: keep
    every fact, in pure score order). With a word budget a fact that does not fit is passed
    over for a shorter one, unless `fill`: then the last fact may run past the budget (for
    evaluations that cut summaries to N words).
    """
    facts = pool.facts
    if not facts:
        return []
    feats = features(pool)
    X = feats.tfidf
    order = np.lexsort((np.arange(len(facts)), -np.asarray(scores, dtype=float)))
    chosen: list[int] = []
    words = 0
    for i in order:
        i = int(i)
        if facts[i].id in exclude:
            continue
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        if budget.words is not None and words >= budget.words:
            break
        n = int(feats.words[i])
        if budget.words is not None and words + n > budget.words and not (fill and chosen):
            continue
        if redundancy is not None and chosen and (X[chosen] @ X[i].T).max() > redundancy:
            continue
        chosen.append(i)
        words += n
    return chosen
