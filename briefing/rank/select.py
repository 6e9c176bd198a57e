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

from briefing.models import Pool
from briefing.pool.index import features


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
    facts = pool.facts
    n = len(facts)
    if n == 0:
        return []
    feats = features(pool)
    X = feats.tfidf
    s = np.asarray(scores, dtype=float)
    span = float(s.max() - s.min())
    prior = (s - s.min()) / span if span > 0 else np.zeros(n)
    open_ = np.array([f.id not in exclude for f in facts])
    if coverage:
        present = X.copy()
        present.data[:] = 1.0  # a fact's words, each once
        centroid = np.asarray(X.sum(axis=0)).ravel() ** centroid_power
        c_norm = float(np.linalg.norm(centroid)) or 1.0
        own = present @ centroid  # each fact's overlap with the centroid
        sizes = np.asarray(present.sum(axis=1)).ravel()
        summary = np.zeros(X.shape[1])
        s_dot_c = s_sq = 0.0
    else:
        order = np.lexsort((np.arange(n), -s))
        rank_bonus = np.empty(n)
        rank_bonus[order] = -np.arange(n, dtype=float)
    chosen: list[int] = []
    words = 0
    while open_.any():
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        if budget.words is not None and words >= budget.words:
            break
        if coverage:
            overlap = present @ summary
            norm = np.sqrt(np.maximum(s_sq + 2.0 * overlap + sizes, 1e-12)) * c_norm
            value = (s_dot_c + own) / norm + score_weight * prior
        else:
            value = rank_bonus
        i = int(np.argmax(np.where(open_, value, -np.inf)))
        open_[i] = False
        n_words = int(feats.words[i])
        if budget.words is not None and words + n_words > budget.words and not (fill and chosen):
            continue
        if redundancy is not None and chosen and (X[chosen] @ X[i].T).max() > redundancy:
            continue
        chosen.append(i)
        words += n_words
        if coverage:
            row = present.getrow(i)
            summary[row.indices] += row.data
            s_dot_c = float(summary @ centroid)
            s_sq = float(summary @ summary)
    return chosen
