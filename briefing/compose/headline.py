"""The briefing's headline: the most central article title."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from briefing.models import Pool
from briefing.text.tfidf import TfidfVectorizer, unit_rows


def headline_of(pool: Pool, lead: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The most central article headline (closest to the lead facts and to the other
    headlines), with the articles that ran it; else the first lead fact."""
    titles: dict[str, list[str]] = {}
    for art in pool.articles:
        if art.title.strip():
            titles.setdefault(art.title.strip(), []).append(art.id)
    if not titles:
        return (lead[0] if lead else ""), ()
    names = list(titles)
    try:
        vec = TfidfVectorizer(sublinear_tf=True).fit([*names, *lead])
        T = unit_rows(vec.transform(names))
        L = unit_rows(vec.transform(list(lead))) if lead else None
    except ValueError:
        return names[0], tuple(titles[names[0]])
    to_lead = np.asarray((T @ L.T).todense()).mean(axis=1) if L is not None else np.zeros(len(names))
    to_titles = np.asarray((T @ T.T).todense()).sum(axis=1) - 1.0
    score = to_lead.ravel() + to_titles.ravel() / max(1, len(names) - 1)
    best = max(range(len(names)), key=lambda i: (score[i], -i))
    return names[best], tuple(titles[names[best]])
