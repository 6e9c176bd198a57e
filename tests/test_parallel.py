"""The second core changes nothing but time: forked work gives the result computed in-process."""

from __future__ import annotations

import pytest

from briefing import parallel, pipeline, pool
from briefing.pipeline import build_briefing


def test_map_ordered_keeps_order_with_a_child(monkeypatch):
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    items = [f"item {k}" for k in range(101)]
    assert parallel.map_ordered(str.upper, items, min_items=2) == [s.upper() for s in items]


def test_an_error_in_the_work_surfaces_as_without_a_child(monkeypatch):
    monkeypatch.setenv("BRIEFING_WORKERS", "2")

    def boom(x: int) -> int:
        if x == 7:
            raise ValueError("bad item 7")
        return x

    with pytest.raises(ValueError, match="bad item 7"):
        parallel.map_ordered(boom, list(range(10)), min_items=2)  # 7 is in the child's half
    assert parallel.Background(lambda: {"a": (1, 2)}).result() == {"a": (1, 2)}


def test_one_worker_means_no_child(monkeypatch):
    monkeypatch.setenv("BRIEFING_WORKERS", "1")
    assert parallel.workers() == 1


def test_a_build_on_two_cores_is_the_build_on_one(monkeypatch, seeds_dir):
    monkeypatch.setenv("BRIEFING_WORKERS", "1")
    alone = build_briefing([seeds_dir])
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    # every parallel step on, even for five articles
    monkeypatch.setattr(pipeline, "PARALLEL_ARTICLES", 1)
    monkeypatch.setattr(pipeline, "PARALLEL_FACTS", 1)
    monkeypatch.setattr(pool, "PARALLEL_SENTENCES", 1)
    monkeypatch.setattr(pool, "PARALLEL_PAIRS", 1)
    assert build_briefing([seeds_dir]) == alone
