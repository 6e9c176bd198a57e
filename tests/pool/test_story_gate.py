"""The story gate counts a fact's copies once: the same best cosines as every article pair."""

from __future__ import annotations

import random

import numpy as np

from briefing.models import Fact
from briefing.pool.story_gate import _article_rows, story_cosines
from briefing.text.signature import signature

WORDS = ["summit", "troops", "ceasefire", "pledge", "sanctions", "oil", "paris", "kyiv", "force", "talks"]


def _facts(seed: int) -> list[Fact]:
    """Facts spread over articles, many of them copies (articles carrying the same facts)."""
    rng = random.Random(seed)
    texts = [" ".join(rng.sample(WORDS, rng.randint(3, 6))) + "." for _ in range(rng.randint(2, 25))]
    originals = [rng.sample(range(len(texts)), rng.randint(1, min(4, len(texts)))) for _ in range(rng.randint(1, 6))]
    carried: dict[int, list[str]] = {}
    for k in range(rng.randint(1, 40)):  # article k: a copy of one original
        for t in originals[rng.randrange(len(originals))]:
            carried.setdefault(t, []).append(f"a{k}")
    return [Fact(id=f"f{t}", text=texts[t], articles=tuple(arts), members=(), origins=()) for t, arts in carried.items()]


def _brute(facts: list[Fact], sigs, idf, default, i, j) -> np.ndarray:
    A, row_of, _ = _article_rows(facts, sigs, idf, default)
    out = np.zeros(len(i))
    for k, (x, y) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        ax, ay = facts[x].articles, facts[y].articles
        if set(ax) & set(ay):
            continue
        out[k] = max(float(A[row_of[a]].multiply(A[row_of[b]]).sum()) for a in ax for b in ay)
    return out


def test_best_article_cosines_are_those_of_every_article_pair() -> None:
    for seed in range(30):
        facts = _facts(seed)
        sigs = [signature(f.text) for f in facts]
        idf = {w: 1.0 + (len(w) % 3) for w in WORDS}
        n = len(facts)
        i, j = np.array([x for x in range(n) for _ in range(n)]), np.array([y for _ in range(n) for y in range(n)])
        got = story_cosines(facts, sigs, idf, 1.0, i, j)
        assert np.allclose(got, _brute(facts, sigs, idf, 1.0, i, j), rtol=0, atol=1e-12), seed
