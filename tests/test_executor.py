"""The executor changes nothing but time: work in a second process gives the result computed
in this one, in order, and errors surface as without it."""

from __future__ import annotations

import functools
import subprocess
import sys
import time

import pytest
from worksupport import boom, pid_and

from briefing import executor, pipeline
from briefing.compose import briefing as compose_briefing
from briefing.pipeline import build_briefing
from briefing.pool import build as pool
from briefing.settings import Settings


def test_map_ordered_keeps_order_with_two_workers() -> None:
    items = [f"item {k}" for k in range(101)]
    with executor.using(2):
        assert executor.map_ordered(str.upper, items, min_items=2) == [s.upper() for s in items]


def test_the_second_share_really_runs_in_another_process() -> None:
    import os

    with executor.using(2):
        got = executor.map_ordered(pid_and, list(range(10)), min_items=2)
    assert [x for _, x in got] == list(range(10))
    assert got[0][0] == os.getpid() and got[-1][0] != os.getpid()
    with executor.using(1):
        assert {pid for pid, _ in executor.map_ordered(pid_and, list(range(10)), min_items=2)} == {os.getpid()}


def test_an_error_in_the_work_surfaces_as_with_one_worker() -> None:
    with executor.using(2), pytest.raises(ValueError, match="bad item 7"):
        executor.map_ordered(boom, list(range(10)), min_items=2)  # 7 is in the second share
    with executor.using(2):
        assert executor.run_later(functools.partial(dict, a=(1, 2))).result() == {"a": (1, 2)}


def test_the_setting_wins_over_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    assert executor.workers() == 2
    with executor.using(1):
        assert executor.workers() == 1
    monkeypatch.setenv("BRIEFING_WORKERS", "1")
    assert executor.workers() == 1
    with executor.using(5):
        assert executor.workers() == executor.MAX_WORKERS


def test_a_build_on_two_workers_is_the_build_on_one(monkeypatch, seeds_dir) -> None:
    alone = build_briefing([seeds_dir], Settings(workers=1))
    # every parallel step on, even for five articles
    monkeypatch.setattr(pipeline, "PARALLEL_ARTICLES", 1)
    monkeypatch.setattr(compose_briefing, "PARALLEL_FACTS", 1)
    monkeypatch.setattr(pool, "PARALLEL_SENTENCES", 1)
    monkeypatch.setattr(pool, "PARALLEL_PAIRS", 1)
    assert build_briefing([seeds_dir], Settings(workers=2)) == alone


def test_the_split_by_cost_keeps_order() -> None:
    items = [f"{'x' * (k * k)}|{k}" for k in range(60)]  # the late items cost far more
    with executor.using(2):
        assert executor.map_ordered(str.upper, items, min_items=2, cost=len) == [s.upper() for s in items]
        assert executor.map_ordered(str.upper, items[:2], min_items=2, cost=len) == [s.upper() for s in items[:2]]


def test_another_busy_process_counts_as_load(monkeypatch) -> None:
    monkeypatch.delenv("BRIEFING_WORKERS", raising=False)
    busy = subprocess.Popen([sys.executable, "-c", "import time\nt = time.time()\nwhile time.time() - t < 3: pass"])
    try:
        time.sleep(0.3)
        executor._load.others()  # a fresh interval starts now
        time.sleep(0.5)
        assert executor._load.others() >= 0.5  # it kept (at least half) a CPU busy
    finally:
        busy.kill()
        busy.wait()


def test_our_own_and_our_pool_processes_time_is_not_load(monkeypatch) -> None:
    # (wall, machine busy, own) samples: the machine was busy exactly as long as we were
    samples = iter([(0.0, 100.0, 10.0), (1.0, 101.9, 11.9), (2.0, 103.0, 12.0)])
    monkeypatch.setattr(executor._Load, "_look", staticmethod(lambda: next(samples)))
    load = executor._Load()
    assert load.others() == pytest.approx(0.0)
    assert load.others() == pytest.approx(1.0)  # then someone else kept a CPU busy for 1 s


def test_a_running_pool_process_counts_as_our_own() -> None:
    t = executor._Load._look()
    grew = 0.0
    with executor.using(2):
        later = executor.run_later(sum, range(60_000_000))
        deadline = time.monotonic() + 10
        while grew < 0.2 and time.monotonic() < deadline:  # this process only sleeps meanwhile
            time.sleep(0.1)
            grew = executor._Load._look()[2] - t[2]
        later.result()
    assert grew >= 0.2  # the pool process's CPU time so far is in "own"
