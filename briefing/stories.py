"""Stories: group a day's articles into the events they report.

Articles are TF-IDF vectors (words and word pairs, sublinear counts); two groups of articles are
one story when their average cosine similarity reaches a threshold (average-linkage
agglomerative clustering). Average linkage never chains two stories through one odd article,
and a merge at average similarity `t` needs at least one pair at `t` or more, so clustering
each connected component of the graph "similarity >= t" on its own gives exactly the global
result while keeping the quadratic work inside components.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from briefing.models import Article

DEFAULT_THRESHOLD = 0.1  # minimum average cosine similarity for two groups to be one story
SMALL = 20  # fewer articles than this: a small collection (see `vectorise`)
_WORD = r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b"
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'-]{1,40}(?:\([^)]{1,30}\))?\s*(?:—|–|--|-|_)\s+")


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    articles: tuple[str, ...]  # article ids, in input order


def story_text(article: Article) -> str:
    """What an article is about: its title and body, without a leading dateline."""
    return f"{article.title}\n{_DATELINE.sub('', article.text, count=1)}"


def vectorise(articles: Sequence[Article]) -> csr_matrix:
    """Unit-length TF-IDF rows.

    In a big collection the vectors keep only terms two or more articles share (a term of one
    article cannot link it to another, and an article full of rare names would otherwise look
    unlike its own story); in a small one that shared vocabulary is too thin to measure on, so
    every term counts."""
    texts = [story_text(a) for a in articles]
    big = len(texts) >= SMALL
    vec = TfidfVectorizer(
        sublinear_tf=True,
        stop_words=sorted(ENGLISH_STOP_WORDS),
        token_pattern=_WORD,
        ngram_range=(1, 2),
        min_df=2 if big else 1,
        max_df=0.5 if big else 1.0,
        dtype=np.float64,
    )
    try:
        X = vec.fit_transform(texts)
    except ValueError:  # no term shared by two articles
        return csr_matrix((len(texts), 1))
    return normalize(X).tocsr()


def cluster_labels(X: csr_matrix, threshold: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """One label per row; rows are in one cluster when their groups' mean similarity >= threshold."""
    n = X.shape[0]
    labels = np.full(n, -1, dtype=int)
    if n == 0:
        return labels
    sim = (X @ X.T).tocsr()
    sim.data[sim.data < threshold] = 0
    sim.eliminate_zeros()
    n_comp, comp = connected_components(sim, directed=False)
    next_label = 0
    for c in range(n_comp):
        rows = np.flatnonzero(comp == c)
        if len(rows) == 1:
            labels[rows[0]] = next_label
            next_label += 1
            continue
        dense = (X[rows] @ X[rows].T).toarray()
        dist = np.clip(1.0 - dense, 0.0, None)
        np.fill_diagonal(dist, 0.0)
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=1.0 - threshold + 1e-9,
        )
        sub = model.fit(dist).labels_
        labels[rows] = sub + next_label
        next_label += int(sub.max()) + 1
    return labels


def _title(members: Sequence[Article], X: csr_matrix) -> str:
    """The title of the article closest to the story's centre (its lead sentence if untitled)."""
    centre = np.asarray(X.mean(axis=0)).ravel()
    closeness = X @ centre
    order = sorted(range(len(members)), key=lambda i: (-closeness[i], i))
    for i in order:
        if members[i].title.strip():
            return members[i].title.strip()
    lead = members[order[0]].text.strip().split("\n", 1)[0]
    words = lead.split()
    return " ".join(words[:14]) + ("…" if len(words) > 14 else "")


def cluster_articles(articles: Sequence[Article], threshold: float = DEFAULT_THRESHOLD) -> list[Story]:
    """Stories of the given articles, biggest first (ties: earliest article first)."""
    if not articles:
        return []
    X = vectorise(articles)
    labels = cluster_labels(X, threshold)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    ordered = sorted(groups.values(), key=lambda rows: (-len(rows), rows[0]))
    stories = []
    for n, rows in enumerate(ordered, 1):
        members = [articles[i] for i in rows]
        stories.append(Story(f"s{n}", _title(members, X[rows]), tuple(a.id for a in members)))
    return stories
