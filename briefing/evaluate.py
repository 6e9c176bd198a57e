"""Evaluate: summarise evaluation clusters through the build pipeline and score them with ROUGE.

A cluster file holds one cluster a line: `{"id", "documents": [{"title", "text", ...}],
"references": [...]}`, plus `"topic": {"title", "narrative"}` for query-focused sets. Scores are
rouge-score ROUGE-1 and ROUGE-2 *recall* with stemming, each summary truncated to N words,
averaged over a cluster's references, then over clusters. The library never prints: callers
get numbers and summaries back and format them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import InputError
from briefing.models import Article
from briefing.pipeline import pool_articles, prepare_articles
from briefing.pool.index import build_index
from briefing.rank.methods import DEFAULT_WEIGHTS, SUMY_METHODS, score_facts
from briefing.rank.select import Budget, select_facts
from briefing.read.formats import loads_json, records_from_json
from briefing.settings import RankWeights


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    articles: tuple[Article, ...]
    references: tuple[str, ...]
    topic: str = ""  # title + narrative of a query-focused topic, else empty


@dataclass(frozen=True, slots=True)
class Score:
    """Mean ROUGE recall of one method (or submitted system) over the clusters it covered."""

    method: str
    rouge1: float
    rouge2: float
    clusters: int


@dataclass(frozen=True, slots=True)
class Summary:
    id: str
    method: str
    summary: str


@dataclass(frozen=True, slots=True)
class Report:
    scores: tuple[Score, ...]
    summaries: tuple[Summary, ...] = field(default=())
    words: int = 100


def _read_lines(path: Path) -> list[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    rows: list[tuple[int, dict]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = loads_json(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or "id" not in row:
            raise InputError(f"{path}:{lineno}: expected a JSON object with an `id`")
        rows.append((lineno, row))
    if not rows:
        raise InputError(f"{path}: no clusters in the file")
    return rows


def _topic_text(topic: object) -> str:
    if isinstance(topic, dict):
        return " ".join(str(topic.get(k) or "") for k in ("title", "narrative")).strip()
    return str(topic or "").strip()


def load_clusters(path: str | Path) -> list[Cluster]:
    """Clusters of a JSONL evaluation file, read through the same record ingest as `build`."""
    path = Path(path)
    clusters: list[Cluster] = []
    for lineno, row in _read_lines(path):
        docs, refs = row.get("documents"), row.get("references")
        if not isinstance(docs, list) or not docs:
            raise InputError(f"{path}:{lineno}: cluster has no `documents` list")
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs) or not refs:
            raise InputError(f"{path}:{lineno}: cluster has no `references` list of texts")
        articles, _ = records_from_json(json.dumps({"documents": docs}), f"{path.name}#{lineno}")
        clusters.append(Cluster(str(row["id"]), tuple(articles), tuple(refs), _topic_text(row.get("topic"))))
    return clusters


def load_systems(path: str | Path) -> dict[str, dict[str, str]]:
    """Submitted system summaries: cluster id -> {system name: summary text}."""
    path = Path(path)
    out: dict[str, dict[str, str]] = {}
    for lineno, row in _read_lines(path):
        systems = row.get("systems")
        if not isinstance(systems, dict):
            raise InputError(f"{path}:{lineno}: expected a `systems` object of name -> summary")
        out[str(row["id"])] = {str(k): str(v or "") for k, v in systems.items()}
    return out


def truncate(text: str, words: int) -> str:
    """The first `words` whitespace-separated words of a text."""
    return " ".join(text.split()[:words])


class RougeRecall:
    """ROUGE-1/2 recall of a summary against references (rouge-score, Porter stemming)."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def __call__(self, summary: str, references: Sequence[str]) -> tuple[float, float]:
        r1 = r2 = 0.0
        for ref in references:
            got = self._scorer.score(ref, summary)
            r1 += got["rouge1"].recall
            r2 += got["rouge2"].recall
        n = max(1, len(references))
        return r1 / n, r2 / n


def _summaries(
    cluster: Cluster,
    methods: Sequence[str],
    words: int,
    use_topic: bool,
    weights: RankWeights,
) -> dict[str, str]:
    articles, _ = prepare_articles(cluster.articles)
    pool = pool_articles(articles)
    index = build_index(pool)
    query = cluster.topic if use_topic and cluster.topic else None
    out: dict[str, str] = {}
    for method in methods:
        scores = score_facts(index, method, query, weights)
        if method in SUMY_METHODS:
            # sumy's own sentence ranking, filled in rank order: its figures as published
            chosen = select_facts(
                index, scores, Budget(words=words), redundancy=None, fill=True, coverage=False
            )
        else:
            chosen = select_facts(index, scores, Budget(words=words), fill=True)
        out[method] = truncate(" ".join(pool.facts[i].text for i in chosen), words)
    return out


def evaluate(
    clusters: Iterable[Cluster],
    methods: Sequence[str] = ("default",),
    words: int = 100,
    use_topic: bool = False,
    systems: dict[str, dict[str, str]] | None = None,
    weights: RankWeights = DEFAULT_WEIGHTS,
    progress: Callable[[Cluster], None] | None = None,
) -> Report:
    """Summarise every cluster with every method and score them (and any given systems)."""
    rouge = RougeRecall()
    sums: dict[str, list[float]] = {}
    summaries: list[Summary] = []

    def add(name: str, cid: str, text: str) -> None:
        r1, r2 = rouge(truncate(text, words), refs)
        acc = sums.setdefault(name, [0.0, 0.0, 0])
        acc[0] += r1
        acc[1] += r2
        acc[2] += 1
        summaries.append(Summary(cid, name, truncate(text, words)))

    for cluster in clusters:
        refs = cluster.references
        for method, text in _summaries(cluster, methods, words, use_topic, weights).items():
            add(method, cluster.id, text)
        for name, text in sorted((systems or {}).get(cluster.id, {}).items(), key=_natural):
            add(name, cluster.id, text)
        if progress is not None:
            progress(cluster)
    scores = tuple(Score(n, a[0] / a[2], a[1] / a[2], int(a[2])) for n, a in sums.items())
    return Report(scores, tuple(summaries), words)


def _natural(item: tuple[str, str]) -> tuple:
    """ID2 before ID10."""
    name = item[0]
    digits = "".join(c for c in name if c.isdigit())
    return (name.rstrip("0123456789"), int(digits) if digits else -1, name)
