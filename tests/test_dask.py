"""A Dask cluster changes nothing but where the work runs: a real LocalCluster (two worker
processes on loopback) gives the bytes one process gives, on the dev clusters and on a
2,000-article synthetic day; without a scheduler named nothing of Dask is imported."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from worksupport import boom, pid_and

pytest.importorskip("distributed", reason="Dask is not installed (pip install -e '.[dask]')")

from conftest import shared_path
from typer.testing import CliRunner

from briefing import cluster, executor, pipeline
from briefing.cli.main import app
from briefing.compose import briefing as compose_briefing
from briefing.daily import sections, stories
from briefing.daily.config import load_config, parse_config
from briefing.daily.run import run_daily
from briefing.errors import ConfigError
from briefing.pipeline import build_briefing
from briefing.pool import build as pool
from briefing.render.formats import render
from briefing.settings import Settings

BENCH = Path(__file__).resolve().parent.parent / "bench"
DAY = "2025-09-05"


@pytest.fixture(scope="module")
def address():
    """The address of a LocalCluster of two single-threaded worker processes, on loopback."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local:
        yield local.scheduler_address
        cluster.close_all()


@pytest.fixture
def everything_parallel(monkeypatch):
    """Every parallel step on, even for a handful of articles."""
    monkeypatch.setattr(pipeline, "PARALLEL_ARTICLES", 1)
    monkeypatch.setattr(compose_briefing, "PARALLEL_FACTS", 1)
    monkeypatch.setattr(pool, "PARALLEL_SENTENCES", 1)
    monkeypatch.setattr(pool, "PARALLEL_PAIRS", 1)




def _scale(k: int, x: int) -> int:
    return k * x


def _ran(addr: str, work) -> set[str]:
    """The names of the kinds of task the cluster ran while `work()` ran."""
    from dask.utils import key_split
    from distributed import get_task_stream

    with get_task_stream(client=cluster.client(addr)) as stream:
        work()
    return {key_split(t["key"]) for t in stream.data}  # without the leading _


def test_map_ordered_runs_on_the_workers_in_order(address) -> None:
    with executor.using(1, address):
        got = executor.map_ordered(pid_and, list(range(41)), min_items=2)
        scaled = executor.map_ordered(functools.partial(_scale, 3), list(range(41)), min_items=2,
                                      cost=lambda x: x * x)
    assert [x for _, x in got] == list(range(41))
    pids = {pid for pid, _ in got}
    assert os.getpid() not in pids and len(pids) == 2  # both worker processes, not this one
    assert scaled == [3 * x for x in range(41)]


def test_an_error_in_the_work_surfaces_as_in_one_process(address) -> None:
    with executor.using(1, address), pytest.raises(ValueError, match="bad item 7"):
        executor.map_ordered(boom, list(range(10)), min_items=2)
    with executor.using(1, address):
        assert executor.run_later(functools.partial(dict, a=(1, 2))).result() == {"a": (1, 2)}
        assert executor.run_later(pid_and, 5).result()[0] != os.getpid()


def test_shares_cover_the_items_in_order_by_cost() -> None:
    items = list(range(1, 101))
    for parts, cost in ((1, None), (4, None), (4, float), (7, lambda x: x**3), (500, None)):
        runs = cluster.shares(len(items), parts, cost, items)
        assert runs[0][0] == 0 and runs[-1][1] == len(items)
        assert all(a < b and b == c for (a, b), (c, _) in zip(runs, runs[1:], strict=False))
        assert len(runs) <= min(parts, len(items))
    heavy = cluster.shares(len(items), 2, lambda x: x**3, items)
    assert heavy[0][1] > 70  # cheap early items: the first share holds more of them


def test_scheduler_setting_checks_and_names() -> None:
    assert executor.check_scheduler(" TCP://10.0.0.5:8786 ") == "tcp://10.0.0.5:8786"
    assert executor.check_scheduler("Local") == "local"
    assert executor.check_scheduler("local:3") == "local:3"
    assert executor.check_scheduler("") == executor.check_scheduler("None") == "none"
    for bad in ("10.0.0.5:8786", "http://x:1", "local:0", "local:two", "tcp://"):
        with pytest.raises(ValueError, match="Dask scheduler address"):
            executor.check_scheduler(bad)


def test_setting_wins_over_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("BRIEFING_SCHEDULER", "tcp://127.0.0.1:1")
    assert executor.scheduler() == "tcp://127.0.0.1:1"
    with executor.using(None, "none"):
        assert executor.scheduler() == ""
    monkeypatch.delenv("BRIEFING_SCHEDULER")
    assert executor.scheduler() == ""


def test_run_scheduler_in_the_config_and_the_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[run]\nscheduler = "tcp://127.0.0.1:8786"\n', encoding="utf-8")
    assert load_config(cfg, {}).scheduler == "tcp://127.0.0.1:8786"
    assert load_config(cfg, {"BRIEFING_SCHEDULER": "local"}).scheduler == "local"
    assert parse_config({}, tmp_path, "x").scheduler is None
    cfg.write_text('[run]\nscheduler = "somewhere"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.toml: \[run\] scheduler must be a Dask scheduler address"):
        load_config(cfg, {})
    with pytest.raises(ConfigError, match="BRIEFING_SCHEDULER: must be a Dask scheduler address"):
        load_config(None, {"BRIEFING_SCHEDULER": "8786"})


def test_cli_scheduler_option_is_checked(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--scheduler", "nowhere"])
    assert result.exit_code == 2 and "Dask scheduler address" in result.output


def test_build_scheduler_option_sends_the_work_there(address, everything_parallel, seeds_dir, tmp_path) -> None:
    outs = []
    for extra in ([], ["--scheduler", address]):
        out = tmp_path / f"b{len(extra)}.json"
        args = ["build", str(seeds_dir), "--workers", "1", "-o", str(out), *extra]
        ran = _ran(address, lambda args=args: CliRunner().invoke(app, args, catch_exceptions=False))
        assert bool(ran) == bool(extra)  # only with the option does the cluster work
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_an_unreachable_scheduler_is_a_config_error(everything_parallel, seeds_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
        build_briefing([seeds_dir], Settings(workers=1, scheduler="tcp://127.0.0.1:9"))


@pytest.mark.slow
def test_nothing_of_dask_is_imported_without_a_scheduler(tmp_path: Path) -> None:
    """A build large enough for every parallel stage, in a fresh process, imports no Dask."""
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(BENCH)!r})
        from _data import write_articles
        from briefing.pipeline import build_briefing
        from briefing.settings import Settings
        import briefing.cli.main, briefing.daily.run
        write_articles(__import__("pathlib").Path({str(tmp_path / "a")!r}), 70)
        build_briefing([{str(tmp_path / "a")!r}], Settings(workers=2))
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed")
                     or m == "briefing.cluster"))
    """)
    shared_path("dev")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_SCHEDULER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _dev_cluster_dirs(tmp_path: Path, name: str) -> list[Path]:
    folders = []
    for line in shared_path("dev", name).read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        folder = tmp_path / data["id"]
        folder.mkdir()
        for k, doc in enumerate(data["documents"]):
            title = doc.get("title") or ""
            (folder / f"{k:03d}.txt").write_text(f"{title}\n\n{doc['text']}\n" if title else doc["text"],
                                                 encoding="utf-8")
        folders.append(folder)
    return folders


def _both_ways(folders: list[Path], addr: str) -> None:
    for folder in folders:
        alone = build_briefing([folder], Settings(workers=1))
        spread = build_briefing([folder], Settings(workers=1, scheduler=addr))
        for fmt in ("markdown", "json", "html"):
            assert render(spread, fmt) == render(alone, fmt), f"{folder.name}: {fmt} differs"


def test_a_dev_cluster_on_the_cluster_is_the_same_bytes(address, everything_parallel, tmp_path) -> None:
    folders = _dev_cluster_dirs(tmp_path, "multiling2011_en.jsonl")[:2]
    assert {"run_share", "call"} <= _ran(address, lambda: _both_ways(folders, address))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["duc2003_task2.jsonl", "duc2007_main_partial.jsonl", "multiling2011_en.jsonl"])
def test_every_dev_cluster_on_the_cluster_is_the_same_bytes(address, everything_parallel, tmp_path, name) -> None:
    _both_ways(_dev_cluster_dirs(tmp_path, name), address)


def _daily(tmp_path: Path, inbox: Path, scheduler: str | None, least: int = 1000) -> dict[str, bytes]:
    cfg = parse_config({"inboxes": [str(inbox)], "archive": str(tmp_path / "archive"),
                        "output": str(tmp_path / "output"), "db": str(tmp_path / "history.sqlite3"),
                        "formats": ["md", "json", "html"], "run": {"scheduler": scheduler or "none"}},
                       tmp_path, "test config")
    result = run_daily(cfg, DAY, collect=True)
    assert result.articles_new > least and result.stories > 1
    return {p.name: p.read_bytes() for p in result.paths}


def test_a_day_s_stories_and_sections_go_to_the_cluster(address, tmp_path: Path, monkeypatch) -> None:
    """Story assignment (both steps) and every section of a small day, sent to the cluster
    (thresholds lowered), give the bytes of the run in one process."""
    sys.path.insert(0, str(BENCH))
    from _data import write_articles

    shared_path("dev")
    monkeypatch.setattr(stories, "SHARDED_FROM", 2)
    monkeypatch.setattr(stories, "SHARD_CELLS", 1)  # a shard of 16 rows
    monkeypatch.setattr(sections, "REMOTE_FACTS", 1)
    sent: list[str] = []
    to_cluster = cluster.map_ordered

    def recording(addr, fn, items, cost=None):
        sent.append(getattr(fn, "func", fn).__name__)
        return to_cluster(addr, fn, items, cost)

    monkeypatch.setattr(cluster, "map_ordered", recording)
    outputs = []
    for scheduler in (None, address):
        shutil.rmtree(tmp_path / "day", ignore_errors=True)
        write_articles(tmp_path / "day" / "inbox", 120)
        outputs.append(_daily(tmp_path / "day", tmp_path / "day" / "inbox", scheduler, least=100))
    assert {"strong_pairs", "component_linkage", "_on_worker"} <= set(sent)
    assert outputs[0] and outputs[1] == outputs[0]


@pytest.mark.slow
def test_a_2000_article_day_on_the_cluster_is_the_same_bytes(address, tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    from _data import write_articles

    shared_path("dev")
    outputs = []
    for scheduler in (None, address):  # the same folders each time: the JSON names the files
        shutil.rmtree(tmp_path / "day", ignore_errors=True)
        write_articles(tmp_path / "day" / "inbox", 2000)
        outputs.append(_daily(tmp_path / "day", tmp_path / "day" / "inbox", scheduler))
    assert set(outputs[0]) == {f"{DAY}.md", f"{DAY}.json", f"{DAY}.html"}
    for name in outputs[0]:
        assert outputs[1][name] == outputs[0][name], f"{name} differs"
