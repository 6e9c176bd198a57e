"""Select: fill a budget (sentences or words) with the best facts, without redundancy."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

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
    redundancy: float = 0.6,
) -> list[int]:
    """Indices of chosen facts in score order: best first, skipping near-repeats."""
    facts = pool.facts
    if not facts:
        return []
    try:
        X = normalize(TfidfVectorizer().fit_transform([f.text for f in facts]))
    except ValueError:
        X = None
    order = sorted(range(len(facts)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    words = 0
    for i in order:
        if facts[i].id in exclude:
            continue
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        n = len(facts[i].text.split())
        if budget.words is not None and chosen and words + n > budget.words:
            continue
        if X is not None and chosen:
            sim = (X[chosen] @ X[i].T).toarray().ravel()
            if sim.max() > redundancy:
                continue
        chosen.append(i)
        words += n
        if budget.words is not None and words >= budget.words:
            break
    return chosen
