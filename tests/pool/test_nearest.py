"""The support candidates found between distinct wordings are those of pairing fact by fact."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest

from briefing.pool.nearest import _alike_rows, nearest_pairs
from briefing.pool.story_gate import stem_rows

WORDS = [f"w{k}" for k in range(14)]


def _stem_sets(seed: int, n: int, distinct: int) -> list[frozenset[str]]:
    """n facts over `distinct` wordings (some repeated many times, as footers are), from a
    small vocabulary so that ties in cosine are common."""
    rng = random.Random(seed)
    wordings = [frozenset(rng.sample(WORDS, rng.randint(2, 7))) for _ in range(distinct)]
    weights = [rng.choice([1, 1, 1, 5, 40]) for _ in wordings]
    return rng.choices(wordings, weights=weights, k=n)


@pytest.mark.parametrize("seed", range(40))
def test_pairs_between_wordings_are_the_pairs_fact_by_fact(seed: int) -> None:
    rng = random.Random(1000 + seed)
    sets = _stem_sets(seed, n=rng.randint(2, 260), distinct=rng.randint(1, 30))
    idf = {w: rng.choice([1.0, 1.5, 2.0]) for w in WORDS}
    X = stem_rows(sets, idf, 1.0)
    open_ = np.array([len(s) >= 3 and rng.random() > 0.05 for s in sets], dtype=bool)
    k = rng.choice([1, 2, 5, 36])
    threshold = rng.choice([0.1, 0.3, 0.6])
    want = _alike_rows(X, open_, threshold, k)  # every pair of facts, pruned
    got = nearest_pairs(sets, X, open_, threshold, k)
    for w, g in zip(want, got, strict=True):
        assert np.array_equal(w, g)  # same pairs, same order, same floats


def test_a_line_repeated_ten_thousand_times_is_paired_once() -> None:
    # a footer on 10,000 articles differing only in a number: 50 million pairs fact by fact
    sets = [frozenset({"agency", "filed", "report", "item", "northern", "plant"})] * 10_000
    sets += [frozenset({"plant", "closed", "northern", "workers", "union"})] * 3
    X = stem_rows(sets, {}, 1.0)
    tracemalloc.start()
    i, j, _ = nearest_pairs(sets, X, np.ones(len(sets), dtype=bool), 0.1, 36)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    degree = np.bincount(np.r_[i, j], minlength=len(sets))
    assert degree[:10_000].min() >= 36  # each line still meets its k most alike
    assert len(i) <= 36 * len(sets)
    assert peak < 200 * 2**20
