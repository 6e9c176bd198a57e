"""Rows that differ only in their numbers are ranked without pairing them all, and the merge's
candidates are exactly those of the full sparse product."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
from scipy import sparse

from briefing.pool import candidates, variants
from briefing.pool.build import sentence_idf
from briefing.text.signature import signature

TEMPLATES = [
    "Filed by the agency desk as item {a}, reference {b}.",
    "Replica {a} of this report, filed as item {b}.",
    "The agency desk filed item {a} on the northern plant.",
    "Workers at the northern plant voted {a} to {b} to strike.",
    "The union said the plant would close in {a} days.",
]
WORDS = "plant union workers northern closure agency desk report strike vote council".split()


def _full_product_pairs(x: sparse.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The specification: every row against every row in one sparse product, then each row's
    MAX_NEIGHBOURS most similar (ties: the lower row), kept when either side keeps the pair."""
    m = x.shape[0]
    block = (x @ x.T.tocsr()).tocoo()
    keep = (block.data >= threshold) & (block.row != block.col)
    us, vs, sims = block.row[keep].astype(np.int64), block.col[keep].astype(np.int64), block.data[keep]
    order = np.lexsort((vs, -sims, us))
    us, vs = us[order], vs[order]
    rank = np.arange(len(us)) - np.searchsorted(us, us, side="left")
    top = rank < candidates.MAX_NEIGHBOURS
    pairs = np.unique(np.minimum(us[top], vs[top]) * m + np.maximum(us[top], vs[top]))
    return pairs // m, pairs % m


def _sentences(rng: random.Random, n: int) -> list[str]:
    spread = rng.choice([3, 12, 400])  # few numbers: many shared; many: nearly all rare
    out = []
    for _ in range(n):
        if rng.random() < 0.8:
            t = rng.choice(TEMPLATES[: rng.randint(1, len(TEMPLATES))])
            out.append(t.format(a=rng.randint(1, spread), b=rng.randint(1, spread * 7)))
        else:
            out.append(" ".join(rng.sample(WORDS, rng.randint(2, 6))).capitalize() + ".")
    return out


@pytest.mark.parametrize("seed", range(30))
def test_candidates_are_those_of_the_full_product(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(variants, "HEAVY_ROWS", rng.choice([2, 5, 20]))
    monkeypatch.setattr(candidates, "HEAVY_ROWS", variants.HEAVY_ROWS)
    monkeypatch.setattr(candidates, "MAX_NEIGHBOURS", rng.choice([1, 3, 8]))
    monkeypatch.setattr(candidates, "CHUNK_ROWS", rng.choice([7, 64, 2048]))
    monkeypatch.setattr(candidates, "PRODUCT_ENTRIES", rng.choice([50, 10_000]))
    sigs = [signature(t) for t in _sentences(rng, rng.randint(2, 300))]
    idf, _ = sentence_idf(sigs)
    if rng.random() < 0.5:  # equal weights: ties everywhere
        idf = dict.fromkeys(idf, 1.0)
    threshold = rng.choice([0.1, 0.4, 0.7])
    keys, members = candidates._distinct_rows(sigs)
    rows = candidates._rows([sorted(k) for k in keys], idf)
    assert rows is not None
    x, scale = rows
    found = variants.find_variants(x, candidates._variant_keys([sigs[ms[0]] for ms in members]), scale)
    got = candidates._near_rows(x, threshold, found)
    want = _full_product_pairs(x, threshold)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_a_row_is_its_idf_weights_times_its_scale() -> None:
    # what lets rows of equal scale have equal cosines, bit for bit
    sigs = [signature(t) for t in _sentences(random.Random(7), 200)]
    idf, _ = sentence_idf(sigs)
    keys, _ = candidates._distinct_rows(sigs)
    words = [sorted(k) for k in keys]
    rows = candidates._rows(words, idf)
    assert rows is not None
    x, scale = rows
    for r in range(x.shape[0]):
        lo, hi = x.indptr[r], x.indptr[r + 1]
        assert sorted(x.data[lo:hi].tolist()) == sorted(scale[r] * idf[w] for w in words[r])


def test_pair_dots_are_the_products_floats() -> None:
    rng = np.random.default_rng(3)
    x = sparse.random(60, 40, density=0.2, format="csr", random_state=4, data_rvs=lambda n: rng.random(n))
    full = (x @ x.T.tocsr()).toarray()
    us, vs = rng.integers(0, 60, 500), rng.integers(0, 60, 500)
    got = variants.pair_dots(x, variants.Entries.of(x), us, vs)
    assert np.array_equal(got, full[us, vs])


def test_a_footer_on_twenty_thousand_articles_is_not_multiplied_out() -> None:
    # 20,000 agency lines with their own ids (400 million entries in a full product) and a replica
    # line per copy: each keeps its most similar lines, in a bounded product
    lines = [f"Filed by the agency desk as item {i}, reference {7 * i + 1000}." for i in range(20_000)]
    lines += [f"Replica {i % 10} of this report, filed as item {i}." for i in range(5_000)]
    sigs = [signature(t) for t in lines]
    idf = dict.fromkeys(sentence_idf(sigs)[0], 1.0)  # equal weights: every pair above 0.4
    tracemalloc.start()
    pairs = candidates.candidate_pairs(sigs, idf, 0.4)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    degree = np.bincount(pairs.ravel(), minlength=len(lines))
    assert degree.min() >= candidates.MAX_NEIGHBOURS  # each still meets its closest lines
    assert len(pairs) <= candidates.MAX_NEIGHBOURS * len(lines)
    assert peak < 300 * 2**20  # a full product: about 2.9 GiB


def test_scales_a_hair_below_the_kth_are_kept() -> None:
    # two scales that differ in their last bits can give the same cosine, and then the lower
    # row ranks first: rows of a scale within the margin of the k-th are candidates too
    rows = np.arange(10, dtype=np.int64)
    scale = np.array([0.5] * 5 + [0.5 * (1 - 1e-15)] * 5)
    scale = scale[::-1].copy()  # the slightly smaller scale on the lower rows
    order = rows[np.lexsort((rows, -scale))]
    s = scale[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s) != 0) + 1]
    rank = np.arange(len(s)) - np.repeat(starts, np.diff(np.r_[starts, len(s)]))
    v = variants.Variants(np.zeros(10, dtype=np.int64), (order,), (s,), (rank,), sparse.csr_matrix((1, 1)),
                          sparse.csr_matrix((1, 10)))
    got = variants._first_by_scale(v, 0, 3)
    assert set(got.tolist()) == {5, 6, 7, 0, 1, 2}  # the first 3 by scale, and the 3 lowest of the next


def test_row_pairs_past_46341_rows_do_not_overflow() -> None:
    # a pair's code is u * rows + v: past 46,341 rows it leaves int32 (the sparse product's
    # index type), and the pairs came back as other rows
    m = 50_000
    rows = np.repeat(np.arange(m), 2)
    cols = np.c_[np.arange(m), m + np.arange(m) // 2].ravel()  # rows 2k and 2k+1 share a column
    x = sparse.csr_matrix((np.full(2 * m, np.sqrt(0.5)), (rows, cols)), shape=(m, m + m // 2))
    found = variants.find_variants(x, [frozenset({str(r)}) for r in range(m)], np.ones(m))
    u, v = candidates._near_rows(x, 0.4, found)
    assert np.array_equal(u, np.arange(0, m, 2)) and np.array_equal(v, np.arange(1, m, 2))
