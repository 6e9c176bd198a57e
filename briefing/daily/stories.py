"""Stories: group a day's articles into the events they report.

Two articles report one event when they share its words *and* its names: the people, places
and organisations written with a capital in mid-sentence. Topic words alone are not enough (two
car crashes, two essays on group psychology, a ransomware story and a pipeline story use the
same words), and names alone are not either (every Biden story names Biden). So the weight of a
pair is its TF-IDF cosine (words and word pairs, sublinear counts), taken
mostly in proportion to the cosine of the names the two articles write:

    weight = cosine x ((1 - NAME_SHARE) + NAME_SHARE x names cosine)

Articles are then grouped by average linkage: the two groups with the highest mean pairwise
weight merge while it reaches their limit. Two single articles need `threshold`; bigger groups
need less, down to `LARGE_LIMIT` (a mean over many pairs is firmer evidence than one pair:
`limit = LARGE_LIMIT + (threshold - LARGE_LIMIT) / sqrt(pairs)`), which lets a big story with
many loosely alike reports come together. Average linkage never chains two stories through one
odd article. A merge at mean weight `t` needs some pair at `t` or more, so the linkage runs on
the connected components of the graph "weight >= LARGE_LIMIT" alone: the result is exact and
the quadratic work stays inside components.

Measured (bench/stories_ari.py, bench/web_day.py): on a day of real pages, three-outlet AllSides
events and wire stories, no unrelated articles are grouped; multi-day topic clusters (DUC,
MultiLing) come out in more pieces than with the earlier neighbourhood-core grouping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.sparse import csr_matrix

from briefing import executor
from briefing.models import Article
from briefing.pool.clusters import components
from briefing.read.files import split_record
from briefing.text.lexicon import ENGLISH_STOP_WORDS
from briefing.text.tfidf import TfidfVectorizer
from briefing.text.tfidf import unit_rows as normalize

DEFAULT_THRESHOLD = 0.15  # weight at which two single articles are one story


LARGE_LIMIT = 0.07  # the mean weight big groups need, at the least


NAME_SHARE = 0.8  # how much of a pair's weight depends on the names both write


SMALL = 20  # fewer articles than this: a small collection (see `vectorise`)


_WORD = r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b"


_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'-]{1,40}(?:\([^)]{1,30}\))?\s*(?:—|–|--|-|_)\s+")


# A run of capitalised words after a lower-case word or a comma: `... said Rand Paul of Kentucky`.
_NAMES = re.compile(r"(?<=[a-z0-9,;:’'\")]\s)([A-Z][\w'’-]+(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’-]+)*)")


_CAPITALISED = re.compile(r"(?<![\w'’.-])[A-Z](?:[\w'’.-]*\w)?")  # `O'Brien`, `U.S`, `Ostrava's`


_POSSESSIVE = re.compile(r"['’]s$")


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
    article cannot link it to another, and an article full of rare words would otherwise look
    unlike its own story); in a small one that shared vocabulary is too thin to measure on, so
    every term counts, and by its counts alone (the rarity of a word among a handful of
    articles is noise, and would weigh down the words two reports of one event share)."""
    texts = [story_text(a) for a in articles]
    big = len(texts) >= SMALL
    vec = TfidfVectorizer(
        sublinear_tf=True,
        stop_words=sorted(ENGLISH_STOP_WORDS),
        token_pattern=_WORD,
        ngram_range=(1, 2),
        min_df=2 if big else 1,
        max_df=0.5 if big else 1.0,
        use_idf=big,  # a handful of articles says nothing of how rare a word is
    )
    try:
        X = vec.fit_transform(texts).tocsr()
    except ValueError:  # no usable term at all
        return csr_matrix((len(texts), 1))
    return normalize(X).tocsr()


def _name_words(text: str) -> list[str]:
    """Capitalised words of a text, lower-cased, without a possessive (`Ostrava's` is `ostrava`)."""
    return [_POSSESSIVE.sub("", w.lower()) for w in _CAPITALISED.findall(text)]


def name_vectors(articles: Sequence[Article]) -> csr_matrix:
    """Unit-length TF-IDF rows of the names each article writes: words the collection writes
    with a capital in mid-sentence somewhere, counted wherever they stand (`Ostrava's budget`
    opening a sentence too). In a big collection, names two or more articles share and fewer
    than half do."""
    texts = [story_text(a) for a in articles]
    lexicon = {w for text in texts for m in _NAMES.finditer(text) for w in _name_words(m.group(1))}
    lexicon -= ENGLISH_STOP_WORDS
    docs = [" ".join(w for w in _name_words(text) if w in lexicon) or "-" for text in texts]
    big = len(docs) >= SMALL
    vec = TfidfVectorizer(sublinear_tf=True, token_pattern=r"[^\s-]\S*", lowercase=False,
                          min_df=2 if big else 1, max_df=0.5 if big else 1.0, use_idf=big)
    try:
        return normalize(vec.fit_transform(docs)).tocsr()
    except ValueError:  # no name at all
        return csr_matrix((len(docs), 1))


def pair_weights(X: csr_matrix, names: csr_matrix | None = None) -> csr_matrix:
    """Each pair's weight: word cosine, scaled by how much the pair's names agree."""
    return _weights((X @ X.T).tocsr(), None if names is None else (names @ names.T).tocsr())


def _weights(S: csr_matrix, Q: csr_matrix | None) -> csr_matrix:
    """Pair weights from the pairs' word cosines `S` and name cosines `Q`."""
    if Q is None:
        return S
    return ((1 - NAME_SHARE) * S + NAME_SHARE * S.multiply(Q)).tocsr()


def _limits(size: np.ndarray, threshold: float) -> np.ndarray:
    """The mean weight each pair of groups needs to merge: `threshold` for two articles, less
    for groups with more pairs between them, never below LARGE_LIMIT."""
    floor = link_floor(threshold)
    return floor + (threshold - floor) / np.sqrt(np.outer(size, size))


def _upgma(W: np.ndarray, groups: np.ndarray, threshold: float) -> np.ndarray:
    """Average linkage from an initial partition: merge the two groups whose mean pairwise
    weight is furthest above their limit, while one is. Returns a group number per row."""
    ids, start = np.unique(groups, return_inverse=True)
    m = len(ids)
    P = csr_matrix((np.ones(len(start)), (start, np.arange(len(start)))), shape=(m, len(start)))
    total = np.asarray(P @ W @ P.T)
    size = np.asarray(P.sum(axis=1)).ravel()
    owner = np.arange(m)
    alive = np.ones(m, dtype=bool)
    while alive.sum() > 1:
        margin = total / np.outer(size, size) - _limits(size, threshold)
        np.fill_diagonal(margin, -np.inf)
        margin[~alive, :] = -np.inf
        margin[:, ~alive] = -np.inf
        i, j = np.unravel_index(np.argmax(margin), margin.shape)
        if margin[i, j] < 0:
            break
        i, j = min(i, j), max(i, j)
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        alive[j] = False
        owner[owner == j] = i
    return owner[start]


def _linkage_in_components(W: csr_matrix, threshold: float) -> np.ndarray:
    """`_upgma` over the whole collection, run component by component of "W >= the lowest
    limit" (a merge needs one pair at its limit or above)."""
    n = W.shape[0]
    strong = W.copy()
    strong.data[strong.data < link_floor(threshold)] = 0
    strong.eliminate_zeros()
    comp = np.asarray(components(n, zip(*(a.tolist() for a in strong.nonzero()), strict=True)))
    groups = component_rows(comp)
    merged = [_upgma(W[rows][:, rows].toarray(), np.arange(len(rows)), threshold) if len(rows) > 1 else None
              for rows in groups]
    return joined_labels(n, groups, merged)


def link_floor(threshold: float) -> float:
    """The weight below which a pair links no two groups (the lowest limit)."""
    return min(threshold, LARGE_LIMIT)


def component_rows(comp: np.ndarray) -> list[np.ndarray]:
    """The rows of each component (`comp`: a component number per row, numbered by or in
    the order of its smallest row), components in that order, rows ascending."""
    order = np.argsort(comp, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(comp[order])) + 1)


def joined_labels(n: int, groups: Sequence[np.ndarray], merged: Sequence[np.ndarray | None]) -> np.ndarray:
    """A story number per row, from each component's rows and the linkage's groups in it
    (None: a single row)."""
    labels = np.arange(n, dtype=np.int64)
    for c, (rows, inside) in enumerate(zip(groups, merged, strict=True)):
        if inside is not None:
            labels[rows] = inside + n * (c + 1)  # numbers no other component uses
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def cluster_labels(X: csr_matrix, threshold: float = DEFAULT_THRESHOLD,
                   names: csr_matrix | None = None) -> np.ndarray:
    """One story number per row of X (unit-length vectors; `names`, the name vectors of the
    same articles); see the module notes. A large day in two steps (`sharded_labels`)."""
    if X.shape[0] == 0:
        return np.zeros(0, dtype=int)
    if X.shape[0] >= SHARDED_FROM:
        return sharded_labels(X, threshold, names)
    W = pair_weights(X, names)
    W.setdiag(0)
    W.eliminate_zeros()
    return _linkage_in_components(W, threshold)


# Story assignment in two steps: the day's pair matrix is never held (at 10,000 articles it
# took 4.7 GB), and each step is a map of `briefing.executor`, so on a cluster when one is
# named. 1: each shard of rows, weighed against every article, keeps its strong pairs (at the
# lowest limit or above: all that can start a merge). 2: the pairs of every shard merged here
# into the components of the strong-pair graph; each component of two or more articles then
# linked from its rows' vectors alone. Every weight is the float the one-matrix product gives
# (a dot product sums the same terms in the same order, whatever the other rows), so the
# stories are the same. Measured at 10,000 articles: 7.4 s of CPU and 0.33 GB at the peak,
# against 16.7 s and 4.8 GB for the one matrix; the same at 2,000.
SHARDED_FROM = 1000  # articles
SHARD_CELLS = 2_500_000  # a shard's rows x the articles: bounds a shard's pair block


def strong_pairs(X: csr_matrix, XT: csr_matrix, names: csr_matrix | None, NT: csr_matrix | None,
                 floor: float, span: tuple[int, int]) -> np.ndarray:
    """Step 1, rows `span` (start, stop) of X (`XT`, `NT`: X and `names` transposed, as CSR):
    their pairs (i < j, as rows x 2) of weight `floor` or more, whichever row found them."""
    start, stop = span
    Q = None if names is None else (names[start:stop] @ NT).tocsr()
    W = _weights((X[start:stop] @ XT).tocsr(), Q).tocoo()
    i, j = W.row.astype(np.int64) + start, W.col.astype(np.int64)
    keep = ~(W.data < floor) & (W.data != 0) & (i != j)
    i, j = i[keep], j[keep]
    return np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)


def component_linkage(threshold: float, block: tuple[csr_matrix, csr_matrix | None]) -> np.ndarray:
    """Step 2, one component: the linkage's group of each of its rows (`block`: their word
    and name vectors)."""
    X, names = block
    W = pair_weights(X, names)
    W.setdiag(0)
    return _upgma(W.toarray(), np.arange(X.shape[0]), threshold)


def sharded_labels(X: csr_matrix, threshold: float, names: csr_matrix | None = None) -> np.ndarray:
    """`cluster_labels` in two steps, each a map of the executor (see above)."""
    from scipy.sparse.csgraph import connected_components  # (imports scipy.linalg: only here)

    n = X.shape[0]
    rows = max(16, min(1000, SHARD_CELLS // max(1, n)))
    spans = [(a, min(n, a + rows)) for a in range(0, n, rows)]
    NT = None if names is None else names.T.tocsr()
    find = partial(strong_pairs, X, X.T.tocsr(), names, NT, link_floor(threshold))
    found = executor.map_ordered(find, spans, 2)
    pairs = np.unique(np.concatenate([np.zeros((0, 2), dtype=np.int64), *found]), axis=0)
    graph = csr_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    groups = component_rows(connected_components(graph, directed=False)[1])  # by smallest row
    big = [k for k, members in enumerate(groups) if len(members) > 1]
    blocks = [(X[groups[k]], None if names is None else names[groups[k]]) for k in big]
    linked = executor.map_ordered(partial(component_linkage, threshold), blocks, 2,
                                  cost=lambda b: float(b[0].shape[0]) ** 3)
    merged: list[np.ndarray | None] = [None] * len(groups)
    for k, inside in zip(big, linked, strict=True):
        merged[k] = inside
    return joined_labels(n, groups, merged)


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
    labels = cluster_labels(X, threshold, name_vectors(articles))
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    ordered = sorted(groups.values(), key=lambda rows: (-len(rows), rows[0]))
    stories = []
    for n, rows in enumerate(ordered, 1):
        members = [articles[i] for i in rows]
        stories.append(Story(f"s{n}", _title(members, X[rows]), tuple(a.id for a in members)))
    return stories
