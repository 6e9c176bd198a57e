"""Rank: score every fact of a pool, through its index. The METHODS registry.

`default` is the project's own ranker; every sumy summarizer is selectable by its own name
and is fed the deduplicated pool (one sumy sentence per fact) through our tokenizer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from briefing.errors import BriefingError
from briefing.pool.index import PoolIndex
from briefing.rank import METHODS, SUMY_METHODS
from briefing.rank.default import default_scores
from briefing.rank.sumy_adapter import sumy_scores
from briefing.settings import RankWeights

DEFAULT_WEIGHTS = RankWeights()


class UnknownMethodError(BriefingError):
    pass


def _check(method: str) -> None:
    if method not in METHODS:
        raise UnknownMethodError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def score_facts(
    index: PoolIndex,
    method: str = "default",
    query: str | None = None,
    weights: RankWeights = DEFAULT_WEIGHTS,
) -> np.ndarray:
    """One score per fact of the indexed pool, aligned with its facts."""
    _check(method)
    if not index.facts:
        return np.zeros(0)
    if method == "default":
        return default_scores(index, query, weights)
    return sumy_scores(index.pool, method, query)


def score_queries(
    index: PoolIndex,
    method: str,
    queries: Iterable[str | None],
    weights: RankWeights = DEFAULT_WEIGHTS,
) -> dict[str | None, np.ndarray]:
    """Scores for each query (None: the briefing's own ranking, no query). sumy's methods
    ignore the query (Edmundson takes it as bonus words) and are slow: one run serves all."""
    _check(method)
    out: dict[str | None, np.ndarray] = {}
    for query in dict.fromkeys(queries):
        shared = method in SUMY_METHODS and method != "edmundson" and out
        out[query] = next(iter(out.values())).copy() if shared else score_facts(index, method, query, weights)
    return out
