"""The check `briefing build` makes that its inputs are one story: one event reported over
weeks (a DUC 2007 topic) is not "unrelated stories"; a jumble of several events is."""

from __future__ import annotations

import json
import random

from conftest import shared_path

from briefing.daily.grouping import unrelated_stories
from briefing.models import Article
from briefing.pipeline import prepare_articles


def _clusters(name: str) -> list[list[Article]]:
    found = []
    with shared_path("dev", f"{name}.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            rec = json.loads(line)
            raw = [Article(id=f"{rec['id']}-{i}", source=f"{rec['id']}-{i}.txt", text=d["text"],
                           title=d.get("title", "")) for i, d in enumerate(rec["documents"])]
            found.append(prepare_articles(raw)[0])
    return found


def test_one_topic_over_weeks_is_not_unrelated_stories() -> None:
    topics = _clusters("duc2007_main_partial")[:8]  # 25 articles each, split into several stories
    assert [len(unrelated_stories(c)) for c in topics] == [0] * len(topics)


def test_a_jumble_of_events_is_found_and_counted() -> None:
    clusters = _clusters("duc2003_task2")
    rng = random.Random(3)
    picks = [rng.sample(clusters, 6) for _ in range(5)]
    found = [unrelated_stories([a for c in pick for a in c[:6]]) for pick in picks]
    assert sum(bool(f) for f in found) >= 4
    assert all(3 <= len(f) <= 12 for f in found if f)  # about the six events, not every article
