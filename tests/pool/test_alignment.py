"""Support's pair features for many pairs at once are those of the one-pair reference."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from pool.test_support import COURT, STORM

from briefing.pipeline import read_pool
from briefing.pool import support
from briefing.pool.alignment import aligned
from briefing.text.signature import signature

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "summit"

# Word forms (Ukraine/Ukrainian), spelling variants (Zelensky/Zelenskyy), a repeated bigram,
# names on one side only, equal stem counts on both sides (the reference's tie-break).
HAND = [
    "Zelensky said Ukraine would need Western troops, Western troops and more air defence.",
    "Ukrainian President Volodymyr Zelenskyy said Western troops were needed in Ukraine.",
    "The Kremlin said it would never accept Western troops on Ukrainian soil.",
    "Moscow will not tolerate soldiers from Western countries in Ukraine, the Kremlin said.",
    "Forecasters expect another six inches of snow by Wednesday.",
    "Forecasters expect six more inches of snow on Wednesday in Buffalo.",
    "Buffalo got 26 inches.",
    "",
]


def _check(sigs, pairs, leads) -> None:
    idf, default = support.idf_of(sigs)
    got = aligned(sigs, idf, default, pairs, leads)
    assert got.features.shape == (len(pairs), len(support.FEATURES))
    for k, (i, j) in enumerate(pairs.tolist()):
        want = support.pair_features(sigs[i], sigs[j], idf, default, bool(leads[k]))
        assert np.allclose(got.features[k], want, rtol=0, atol=1e-12), (i, j, want, got.features[k].tolist())
        assert np.isclose(got.found_i[k], support.found_in(sigs[i], sigs[j], idf, default), rtol=0, atol=1e-12)
        assert np.isclose(got.found_j[k], support.found_in(sigs[j], sigs[i], idf, default), rtol=0, atol=1e-12)


def test_every_pair_of_hand_sentences() -> None:
    sigs = [signature(t) for t in HAND]
    pairs = np.array([p for p in itertools.permutations(range(len(HAND)), 2)], dtype=np.int64)
    _check(sigs, pairs, np.arange(len(pairs)) % 2 == 0)


def test_every_candidate_pair_of_the_examples() -> None:
    pools = [read_pool([EXAMPLE])[0]]
    for pool in pools:
        sigs = [signature(f.text) for f in pool.facts]
        idf, default = support.idf_of(sigs)
        pairs = support.candidates(pool.facts, sigs, idf, default)
        assert len(pairs) > 20
        lead = np.array([f.position == 0 for f in pool.facts])
        _check(sigs, pairs, lead[pairs[:, 0]] & lead[pairs[:, 1]])


def test_no_pairs() -> None:
    sigs = [signature(t) for t in (*COURT[0], *STORM)]
    idf, default = support.idf_of(sigs)
    got = aligned(sigs, idf, default, np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=bool))
    assert got.features.shape == (0, len(support.FEATURES)) and len(got.found_i) == 0
