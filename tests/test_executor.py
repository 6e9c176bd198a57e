"""The second core changes nothing but time: forked work gives the result computed in-process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing import executor as parallel
from briefing import pipeline
from briefing.compose import briefing as compose_briefing
from briefing.pipeline import build_briefing
from briefing.pool import build as pool


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
    monkeypatch.setattr(compose_briefing, "PARALLEL_FACTS", 1)
    monkeypatch.setattr(pool, "PARALLEL_SENTENCES", 1)
    monkeypatch.setattr(pool, "PARALLEL_PAIRS", 1)
    assert build_briefing([seeds_dir]) == alone


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="needs Linux's /proc/stat")
def test_another_busy_process_counts_as_load(monkeypatch):
    monkeypatch.delenv("BRIEFING_WORKERS", raising=False)
    busy = subprocess.Popen([sys.executable, "-c", "import time\nt = time.time()\nwhile time.time() - t < 3: pass"])
    try:
        time.sleep(0.3)
        parallel._others_load()  # a fresh interval starts now
        time.sleep(0.5)
        assert parallel._others_load() >= 0.5  # it kept (at least half) a CPU busy
        if len(os.sched_getaffinity(0)) == 2:
            assert parallel.workers() == 1  # no whole CPU is left for a second process
    finally:
        busy.kill()
        busy.wait()


def test_our_own_work_and_our_childs_are_not_load(monkeypatch):
    # a machine where only this process runs: its busy time is our own CPU time
    monkeypatch.setattr(parallel, "_machine_busy", lambda: parallel._own_cpu() + 1000.0)
    monkeypatch.setattr(parallel, "_last", parallel._Sample())
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    work = parallel.Background(lambda: sum(i * i for i in range(3_000_000)))
    sum(i * i for i in range(1_000_000))
    time.sleep(0.25)
    assert parallel._children  # the child is still running, its time counted as ours
    assert parallel._others_load() == pytest.approx(0.0, abs=0.1)
    work.result()
    monkeypatch.delenv("BRIEFING_WORKERS")
    time.sleep(0.25)
    assert parallel._others_load() == pytest.approx(0.0, abs=0.1)
    assert parallel.workers() == 2


def test_the_split_by_cost_keeps_order(monkeypatch):
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    items = [f"{'x' * (k * k)}|{k}" for k in range(60)]  # the late items cost far more
    assert parallel.map_ordered(str.upper, items, min_items=2, cost=len) == [s.upper() for s in items]
    assert parallel.map_ordered(str.upper, items[:2], min_items=2, cost=len) == [s.upper() for s in items[:2]]
