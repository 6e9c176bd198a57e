"""Stories of a set of inputs, for `briefing stories`, and the check `briefing build` makes
that its inputs report one story rather than many unrelated ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from briefing.daily.stories import (
    DEFAULT_THRESHOLD,
    Story,
    article_labels,
    cluster_articles,
    vectorise,
)
from briefing.errors import NoArticlesError
from briefing.models import Article, Skip
from briefing.pipeline import prepare_articles
from briefing.read.files import ingest
from briefing.settings import DEFAULT_MAX_BYTES
from briefing.text.tfidf import unit_rows


@dataclass(frozen=True, slots=True)
class Grouping:
    stories: tuple[Story, ...]
    labels: dict[str, str]  # article id -> what a reader calls it (file name or URL)
    skipped: tuple[Skip, ...]

    def to_dict(self) -> dict:
        return {"stories": [{"id": s.id, "title": s.title, "articles": [self.labels[a] for a in s.articles]}
                            for s in self.stories]}


def group_inputs(
    paths: Sequence[str | Path], threshold: float | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Grouping:
    """Read, clean and group the inputs into stories; NoArticlesError when none is readable."""
    result = ingest(paths, max_bytes)
    articles, bad = prepare_articles(result.articles)
    skipped = (*result.skipped, *bad)
    if not articles:
        reasons = "; ".join(f"{Path(s.source).name}: {s.reason}" for s in skipped[:5])
        raise NoArticlesError(f"no readable article in the input ({reasons or 'no files found'})")
    found = cluster_articles(articles, DEFAULT_THRESHOLD if threshold is None else threshold)
    return Grouping(tuple(found), article_labels(articles), skipped)


# A build's inputs are "many unrelated stories" when their stories, and their topics too, are at
# least this many groups of two or more articles each, the largest with less than half the
# articles. A topic is a set
# of stories whose centroids are alike (cosine >= TOPIC_LINK, linked in chains): one event
# reported over weeks comes out of the grouping as several stories, and is still one topic.
# Measured over every dev cluster (one topic each; none flagged, 8 of 23 DUC 2007 at 0.2) and
# random mixes of them (3 events x 8 articles: 26 of 30 flagged; 5 x 6 and more: 29-30 of 30).
# A large input is judged on an even sample of it: grouping costs about 0.25 s at 60 articles,
# 1.5 s at 500.
MIXED_MIN_ARTICLES = 6
MIXED_MIN_STORIES = 3
MIXED_SAMPLE = 60
TOPIC_LINK = 0.15


def unrelated_stories(articles: Sequence[Article]) -> list[Story]:
    """The topics of `articles` (of an even sample of them, when many), each as one Story, when
    they look like several unrelated ones, else []."""
    if len(articles) < MIXED_MIN_ARTICLES:
        return []
    step = max(1.0, len(articles) / MIXED_SAMPLE)
    sample = [articles[int(k * step)] for k in range(min(len(articles), MIXED_SAMPLE))]
    stories = cluster_articles(sample)
    if not _spread(stories, len(sample)):
        return []
    topics = _topics(sample, stories)
    return topics if _spread(topics, len(sample)) else []


def _spread(groups: Sequence[Story], n: int) -> bool:
    """Enough groups of two or more articles, and none with half of the `n`."""
    shared = [g for g in groups if len(g.articles) >= 2]
    return len(shared) >= MIXED_MIN_STORIES and 2 * max(len(g.articles) for g in groups) < n


def _topics(sample: Sequence[Article], stories: Sequence[Story]) -> list[Story]:
    """Stories whose centroids are alike, joined; the largest first."""
    from scipy.sparse.csgraph import connected_components  # imports scipy.linalg: only when mixed

    X = vectorise(sample)
    row = {a.id: i for i, a in enumerate(sample)}
    member = csr_matrix((np.ones(len(sample)), ([k for k, s in enumerate(stories) for _ in s.articles],
                                                [row[a] for s in stories for a in s.articles])),
                        shape=(len(stories), len(sample)))
    C = unit_rows(member @ X)
    _, label = connected_components(C @ C.T >= TOPIC_LINK, directed=False)
    joined: dict[int, list[Story]] = {}
    for story, k in zip(stories, label.tolist(), strict=True):
        joined.setdefault(k, []).append(story)
    topics = [Story(parts[0].id, max(parts, key=lambda s: len(s.articles)).title,
                    tuple(a for s in parts for a in s.articles)) for parts in joined.values()]
    return sorted(topics, key=lambda t: -len(t.articles))
