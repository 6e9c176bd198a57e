"""Near repeats: facts so alike that showing both would tell the reader one thing twice."""

from __future__ import annotations

import numpy as np

from briefing.pool.index import PoolIndex
from briefing.text.neighbours import (
    BLOCK_PAIRS,
    alike_pairs_by_product,
    as_product_lists,
    exact_cosines,
    in_stored_order,
    pairs_possibly_above,
    union_pairs,
)
from briefing.text.tfidf import TfidfVectorizer, unit_rows

REPEAT = 0.35  # facts this alike (stems and figures, tf-idf cosine) say the same thing


REPEAT_SAME_FIGURE = 0.25  # ... or this alike when they also give the same figure of a thing


def repeat_keys(index: PoolIndex) -> list[str]:
    """Each fact as its stems plus its normalised figures: "Twenty-six allies" and "26 of the
    allies" share both (the words of the repeats' own tf-idf)."""
    return [
        " ".join(sorted(st | {f"#{c.value:g}" for c in cs}))
        for st, cs in zip(index.stems, index.claims, strict=True)
    ]


def near_repeats(index: PoolIndex) -> dict[int, list[int]]:
    """For each fact, the other facts so alike that showing both would repeat a fact."""
    try:
        vec = TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+")
        X = unit_rows(vec.fit_transform(repeat_keys(index)))
    except ValueError:
        return {}
    figures = [{(c.value, u) for c in cs for u in c.unit} for cs in index.claims]
    Xs = in_stored_order(X)
    if Xs is None:  # (never with text.tfidf's rows) every pair sharing a stem, as a product
        pairs = alike_pairs_by_product(X, REPEAT_SAME_FIGURE)
    else:
        pairs = _scored_pairs(X, Xs, figures)
    out: dict[int, list[int]] = {}
    for i, j, v in pairs:
        if v > REPEAT or figures[i] & figures[j]:
            out.setdefault(i, []).append(j)
    return out


def _scored_pairs(X, Xs, figures: list[set]):
    """The pairs above REPEAT_SAME_FIGURE, as the sparse product lists them. Only pairs that
    may be above REPEAT, or above REPEAT_SAME_FIGURE with a figure in common, are scored:
    never all pairs sharing a word."""
    with_figures = np.flatnonzero([bool(f) for f in figures])
    fi, fj = pairs_possibly_above(X[with_figures], REPEAT_SAME_FIGURE)
    figure_pairs = (with_figures[fi], with_figures[fj])
    i, j = union_pairs(X.shape[0], pairs_possibly_above(X, REPEAT), figure_pairs)
    # scored a slice at a time: a million candidates at once would hold their rows twice
    kept = []
    for s in range(0, len(i), BLOCK_PAIRS):
        si, sj = i[s : s + BLOCK_PAIRS], j[s : s + BLOCK_PAIRS]
        sims = exact_cosines(Xs, si, sj)
        keep = sims > REPEAT_SAME_FIGURE
        kept.append((si[keep], sj[keep], sims[keep]))
    ki, kj, ks = (np.concatenate(parts) for parts in zip(*kept, strict=True)) if kept else (i, j, np.zeros(0))
    return as_product_lists(Xs, ki, kj, ks)
