"""Story clustering: real evaluation clusters mixed together come back apart."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from conftest import shared_path
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.daily.stories import cluster_articles
from briefing.models import Article
from briefing.pipeline import prepare_articles
from briefing.read.decode import article_id

runner = CliRunner()


def _art(name: str, text: str, title: str = "") -> Article:
    return Article(id=article_id(name, text), source=name, text=text, title=title)


def _dev_mix(n_clusters: int, seed: int) -> tuple[list[Article], list[str]]:
    path = shared_path("dev", "duc2003_task2.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    docs = [(row["id"], d) for row in rng.sample(rows, n_clusters) for d in row["documents"]]
    rng.shuffle(docs)
    raw = [_art(f"doc{i}", d["text"], d.get("title", "")) for i, (_, d) in enumerate(docs)]
    cleaned, _ = prepare_articles(raw)
    truth = {a.id: cid for a, (cid, _) in zip(raw, docs, strict=True)}
    return cleaned, [truth[a.id] for a in cleaned]


def _labels(articles: list[Article], stories) -> list[int]:
    where = {aid: n for n, s in enumerate(stories) for aid in s.articles}
    return [where[a.id] for a in articles]


def test_three_real_clusters_mixed_are_recovered() -> None:
    """Three DUC topic clusters (a week of reports each) mixed: no story mixes two of them, and
    each cluster is found (its biggest story holds three or more of its reports). A topic that
    drifts over days may come back in pieces: a story must be one event first."""
    for seed in (3, 4):
        articles, truth = _dev_mix(3, seed)
        stories = cluster_articles(articles)
        labels = _labels(articles, stories)
        members: dict[int, set[str]] = {}
        for lab, t in zip(labels, truth, strict=True):
            members.setdefault(lab, set()).add(t)
        assert all(len(m) == 1 for m in members.values()), seed
        for cluster in set(truth):
            sizes = [labels.count(lab) for lab, m in members.items() if m == {cluster}]
            assert max(sizes) >= 3, (seed, cluster, sizes)
        assert sorted(a for s in stories for a in s.articles) == sorted(a.id for a in articles)


def test_clustering_is_deterministic_and_orders_biggest_first() -> None:
    articles, _ = _dev_mix(3, 5)
    first = cluster_articles(articles)
    assert first == cluster_articles(articles)
    sizes = [len(s.articles) for s in first]
    assert sizes == sorted(sizes, reverse=True)
    assert [s.id for s in first] == [f"s{n}" for n in range(1, len(first) + 1)]
    assert all(s.title for s in first)


QUAKE = [
    "A magnitude 6.8 earthquake struck the coastal province of Valdoria early on Monday, "
    "collapsing houses in the port town of Sarren. Rescue teams searched the rubble for survivors "
    "as aftershocks rattled the region. The earthquake killed at least 40 people, officials said.",
    "Rescuers in Valdoria pulled survivors from collapsed houses after Monday's earthquake. The "
    "death toll from the magnitude 6.8 quake in Sarren rose to 52, and aftershocks continued to "
    "shake the port. Officials said thousands of people slept outdoors.",
    "The earthquake that hit Sarren in Valdoria province destroyed the port's main hospital. "
    "Aftershocks hampered rescue teams searching rubble for survivors of the magnitude 6.8 quake, "
    "the province's governor said.",
]
BUDGET = [
    "The finance minister of Ostrava presented a budget that raises taxes on fuel and tobacco "
    "while cutting spending on defence. Parliament will vote on the budget next month, and the "
    "opposition said the tax increases would hurt families.",
    "Ostrava's opposition parties attacked the budget presented by the finance minister, saying "
    "higher fuel and tobacco taxes would hurt families. The parliament vote on the budget is "
    "expected next month.",
]
LONE = ("A rare white stork nested on the roof of a bakery in a mountain village, drawing "
        "birdwatchers from across the region to photograph the chicks.")


def test_invented_stories_and_a_lone_article() -> None:
    arts = [_art(f"q{i}.txt", t) for i, t in enumerate(QUAKE)]
    arts += [_art(f"b{i}.txt", t) for i, t in enumerate(BUDGET)]
    arts.append(_art("stork.txt", LONE))
    order = [5, 0, 3, 1, 4, 2]
    stories = cluster_articles([arts[i] for i in order])
    groups = sorted(sorted(s.articles) for s in stories)
    assert groups == sorted([sorted(a.id for a in arts[:3]), sorted(a.id for a in arts[3:5]),
                             [arts[5].id]])
    assert cluster_articles([]) == []
    assert len(cluster_articles([arts[0]])) == 1


def test_stories_command_prints_json(seeds_dir: Path, tmp_path: Path) -> None:
    for i, text in enumerate(BUDGET):
        (tmp_path / f"budget{i}.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["stories", str(seeds_dir), str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"stories"}
    assert all(set(s) == {"id", "title", "articles"} for s in data["stories"])
    groups = sorted(sorted(s["articles"]) for s in data["stories"])
    seeds = sorted(p.name for p in seeds_dir.iterdir())
    assert groups == sorted([seeds, ["budget0.txt", "budget1.txt"]])


def test_stories_command_without_articles_fails_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stories", str(tmp_path)])  # an empty folder
    assert result.exit_code == 3
    assert "Traceback" not in result.output


def test_stories_command_names_json_records_uniquely(tmp_path: Path) -> None:
    rows = [{"documents": [{"text": t} for t in QUAKE]}, {"documents": [{"text": t} for t in BUDGET]}]
    path = tmp_path / "day.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["stories", str(path), "--json"])
    assert result.exit_code == 0, result.output
    groups = sorted(sorted(s["articles"]) for s in json.loads(result.stdout)["stories"])
    assert groups == [["day.jsonl#1/1", "day.jsonl#1/2", "day.jsonl#1/3"],
                      ["day.jsonl#2/1", "day.jsonl#2/2"]]


def test_two_step_assignment_gives_the_one_matrix_stories(monkeypatch) -> None:
    """Strong pairs found shard by shard, merged into components, each linked from its own
    rows: the same story numbers as the one pair matrix, whatever the shards (and on two
    processes), with names and without, at a low and a high threshold."""
    from briefing import executor
    from briefing.daily import stories

    articles = _dev_mix(4, 5)[0] + _dev_mix(3, 6)[0]
    X, names = stories.vectorise(articles), stories.name_vectors(articles)
    for threshold in (0.05, stories.DEFAULT_THRESHOLD, 0.3):
        for given in (names, None):
            one = stories.cluster_labels(X, threshold, given)  # (fewer than SHARDED_FROM rows)
            assert len(set(one.tolist())) > 3
            for cells, workers in ((X.shape[0], 1), (40 * X.shape[0], 2), (10**9, 1)):
                monkeypatch.setattr(stories, "SHARD_CELLS", cells)
                with executor.using(workers):
                    assert np.array_equal(stories.sharded_labels(X, threshold, given), one)
    monkeypatch.setattr(stories, "SHARDED_FROM", 2)
    two_step = cluster_articles(articles)
    monkeypatch.setattr(stories, "SHARDED_FROM", 10**9)
    assert two_step == cluster_articles(articles) and len(two_step) > 3
