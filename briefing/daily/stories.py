"""Stories: group a day's articles into the events they report.

Articles are TF-IDF vectors (words and word pairs, sublinear counts, names weighted up), and
grouping takes two average-linkage passes:

1. cores: each article's nearest neighbours (cosine >= `FLOOR`, at most `NEIGHBOURS`) are its
   company; two articles that keep the same company (Jaccard overlap of their neighbourhoods)
   report the same event. This is robust to how wordy a story's coverage is: a tight wire story
   and a loose set of features both form cores, and a single report stays alone.
2. stories: cores are merged while the average cosine similarity between all their articles
   reaches the threshold, which joins the pieces of a large story that no neighbourhood spans.

Average linkage never chains two stories through one odd article. A merge at average weight
`t` needs some pair at `t` or more, so each pass runs on the connected components of the graph
"weight >= t" alone: the result is exact and the quadratic work stays inside components.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, diags
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from briefing.models import Article
from briefing.read.files import split_record

DEFAULT_THRESHOLD = 0.15  # average cosine similarity at which two cores are one story


NEIGHBOURS = 7  # neighbourhood size of the core pass


FLOOR = 0.05  # articles less alike than this are never neighbours


CORE = 0.2  # average neighbourhood overlap (Jaccard) within a core


NAME_BOOST = 1.5  # weight of a term the article writes as a name (capitalised mid-sentence)


SMALL = 20  # fewer articles than this: a small collection (see `vectorise`)


_WORD = r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b"


_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'-]{1,40}(?:\([^)]{1,30}\))?\s*(?:—|–|--|-|_)\s+")


_NAME = re.compile(r"(?<=[a-z,;:]\s)([A-Z][a-z][\w'-]*)")  # capitalised after a lower-case word


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    articles: tuple[str, ...]  # article ids, in input order


def story_text(article: Article) -> str:
    """What an article is about: its title and body, without a leading dateline."""
    return f"{article.title}\n{_DATELINE.sub('', article.text, count=1)}"


def _name_weights(X: csr_matrix, texts: Sequence[str], terms: np.ndarray) -> csr_matrix:
    """Multiply the weight of terms each article writes as names (every word of the term)."""
    words: dict[str, int] = {}
    first = np.empty(len(terms), dtype=np.int64)
    second = np.full(len(terms), -1, dtype=np.int64)
    for f, term in enumerate(terms):
        a, _, b = term.partition(" ")
        first[f] = words.setdefault(a, len(words))
        if b:
            second[f] = words.setdefault(b, len(words))
    width = len(words) + 1
    keys = sorted({i * width + words[w] for i, text in enumerate(texts)
                   for w in {m.group(1).lower() for m in _NAME.finditer(text)} if w in words})
    if not keys:
        return X
    named = np.asarray(keys, dtype=np.int64)
    rows = np.repeat(np.arange(X.shape[0], dtype=np.int64), np.diff(X.indptr))
    hit = np.isin(rows * width + first[X.indices], named)
    two = second[X.indices] >= 0
    hit[two] &= np.isin(rows[two] * width + second[X.indices][two], named)
    data = np.where(hit, X.data * NAME_BOOST, X.data)
    return csr_matrix((data, X.indices, X.indptr), shape=X.shape)


def vectorise(articles: Sequence[Article]) -> csr_matrix:
    """Unit-length TF-IDF rows.

    In a big collection the vectors keep only terms two or more articles share (a term of one
    article cannot link it to another, and an article full of rare words would otherwise look
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
        X = vec.fit_transform(texts).tocsr()
    except ValueError:  # no usable term at all
        return csr_matrix((len(texts), 1))
    X.sort_indices()
    return normalize(_name_weights(X, texts, vec.get_feature_names_out())).tocsr()


def _upgma(W: np.ndarray, groups: np.ndarray, threshold: float) -> np.ndarray:
    """Average linkage from an initial partition: merge the two groups with the highest mean
    pairwise weight while it reaches `threshold`. Returns a group number per row."""
    ids, start = np.unique(groups, return_inverse=True)
    m = len(ids)
    P = csr_matrix((np.ones(len(start)), (start, np.arange(len(start)))), shape=(m, len(start)))
    total = np.asarray(P @ W @ P.T)
    size = np.asarray(P.sum(axis=1)).ravel()
    owner = np.arange(m)
    alive = np.ones(m, dtype=bool)
    while alive.sum() > 1:
        mean = total / np.outer(size, size)
        np.fill_diagonal(mean, -np.inf)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        i, j = np.unravel_index(np.argmax(mean), mean.shape)
        if mean[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        alive[j] = False
        owner[owner == j] = i
    return owner[start]


def _linkage_in_components(W: csr_matrix, groups: np.ndarray, threshold: float) -> np.ndarray:
    """`_upgma` over the whole collection, run component by component of "W >= threshold"."""
    n = W.shape[0]
    strong = W.copy()
    strong.data[strong.data < threshold] = 0
    strong.eliminate_zeros()
    # rows of one initial group are always connected
    link = csr_matrix((np.ones(n), (np.arange(n), groups)), shape=(n, n))
    _, comp = connected_components(strong + link @ link.T, directed=False)
    labels = groups.astype(np.int64)
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    for c, rows in enumerate(np.split(order, bounds)):
        if len(np.unique(groups[rows])) < 2:
            continue
        merged = _upgma(W[rows][:, rows].toarray(), groups[rows], threshold)
        labels[rows] = merged + n * (c + 1)  # numbers no other component uses
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def cluster_labels(X: csr_matrix, threshold: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """One story number per row of X (unit-length vectors); see the module notes."""
    n = X.shape[0]
    if n == 0:
        return np.zeros(0, dtype=int)
    S = (X @ X.T).tocsr()
    S.data[S.data < FLOOR] = 0
    S.setdiag(0)
    S.eliminate_zeros()
    S.sort_indices()
    # each row's NEIGHBOURS most similar articles (ties: the earlier article), and itself
    rows, cols = [], []
    for i in range(n):
        lo, hi = S.indptr[i], S.indptr[i + 1]
        idx, val = S.indices[lo:hi], S.data[lo:hi]
        top = idx[np.lexsort((idx, -val))[:NEIGHBOURS]]
        rows += [i] * (len(top) + 1)
        cols += [i, *top.tolist()]
    A = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    inter = (A @ A.T).tocsr()
    size = np.asarray(A.sum(axis=1)).ravel()
    linked = (S + diags(np.ones(n))).tocsr()  # only alike pairs may share a core
    J = inter.multiply(linked > 0).tocoo()
    J = csr_matrix((J.data / (size[J.row] + size[J.col] - J.data), (J.row, J.col)), shape=(n, n))
    cores = _linkage_in_components(J, np.arange(n), CORE)
    full = (X @ X.T).tocsr()
    return _linkage_in_components(full, cores, threshold)


def article_labels(articles: Sequence[Article]) -> dict[str, str]:
    """article id -> what to call it: its URL, else its file name (with the `#record` part of
    a JSON record), else its full source when two would read the same."""
    def short(a: Article) -> str:
        if a.url:
            return a.url
        path, record = split_record(a.source)
        return path.replace("\\", "/").rsplit("/", 1)[-1] + record

    names = {a.id: short(a) for a in articles}
    count: dict[str, int] = {}
    for name in names.values():
        count[name] = count.get(name, 0) + 1
    return {a.id: names[a.id] if count[names[a.id]] == 1 else (a.url or a.source) for a in articles}


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
