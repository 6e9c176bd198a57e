"""Rank: score every fact of a pool. The only module that imports sumy.

`default` is the project's own ranker; every sumy summarizer is selectable by its own name
and is fed the deduplicated pool (one sumy sentence per fact) through our tokenizer.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from briefing.errors import BriefingError
from briefing.models import Pool
from briefing.rank.default import _default_scores
from briefing.rank.sumy_adapter import _sumy_scores
from briefing.settings import RankWeights

SUMY_METHODS = (
    "lex-rank",
    "text-rank",
    "lsa",
    "luhn",
    "edmundson",
    "kl",
    "sum-basic",
    "reduction",
    "random",
)


METHODS = ("default", *SUMY_METHODS)


DEFAULT_WEIGHTS = RankWeights()


class UnknownMethodError(BriefingError):
    pass


_SUMY_CACHE: OrderedDict[tuple, tuple[Pool, np.ndarray]] = OrderedDict()


def score_facts(
    pool: Pool,
    method: str = "default",
    query: str | None = None,
    weights: RankWeights = DEFAULT_WEIGHTS,
) -> np.ndarray:
    """One score per fact of the pool, aligned with `pool.facts`."""
    if method not in METHODS:
        raise UnknownMethodError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not pool.facts:
        return np.zeros(0)
    if method == "default":
        return _default_scores(pool, query, weights)
    # sumy's methods ignore the query (Edmundson takes it as bonus words), and are slow: the
    # sections of one briefing share one run.
    key = (id(pool), method, query if method == "edmundson" else None)
    hit = _SUMY_CACHE.get(key)
    if hit is None or hit[0] is not pool:
        hit = (pool, _sumy_scores(pool, method, query))
        _SUMY_CACHE[key] = hit
        while len(_SUMY_CACHE) > 8:
            _SUMY_CACHE.popitem(last=False)
    return hit[1].copy()
