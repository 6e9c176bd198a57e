"""Interruption: `python -m briefing build` and `briefing daily` killed (SIGKILL, no cleanup
possible) at random points leave no partial briefing, lose no input, and keep the history
database consistent; the next run gives exactly what an uninterrupted run gives.

The kill times are drawn late in a reference run's duration (imports take the first part), over
a few runs per test; the invariants are checked after every kill."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from robustsupport import env, write_articles

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

KILLS = 3


def _run(args: list[str], cwd: Path, kill_after: float | None = None) -> tuple[int, float]:
    """Run `python -m briefing ARGS`; with kill_after, SIGKILL it then (if still running)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "briefing", *args], cwd=cwd, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = proc.communicate(timeout=kill_after if kill_after is not None else 600)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    else:
        assert b"Traceback" not in err, err.decode(errors="replace")
    return proc.returncode, time.perf_counter() - start


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _hidden(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob(".*") if p.is_file())


def _delays(reference: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    return sorted(rng.uniform(0.45, 1.0) * reference for _ in range(KILLS))


def test_killed_build_leaves_only_complete_briefings(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write_articles(inputs, 16)
    args = ["build", str(inputs), "--date", "2031-01-02", "--format", "html"]
    code, took = _run([*args, "--out", str(tmp_path / "ref")], tmp_path)
    assert code == 0
    [ref] = _visible(tmp_path / "ref")
    expected = ref.read_bytes()

    out = tmp_path / "out"
    outcomes = []
    for delay in _delays(took, seed=len(expected)):
        code, _ = _run([*args, "--out", str(out)], tmp_path, kill_after=delay)
        outcomes.append(code)
        assert code in (0, -signal.SIGKILL)
        for path in _visible(out):  # every briefing there is whole
            assert path.read_bytes() == expected, (path, delay)
        for tmp in _hidden(out):  # at most an unfinished temp file, hidden, never a briefing name
            assert tmp.name.startswith(f".{ref.name.rsplit('.', 1)[0]}") and tmp.suffix == ".tmp"
    # the next run completes whatever was interrupted before
    code, _ = _run([*args, "--out", str(out)], tmp_path)
    assert code == 0
    finished = _visible(out)
    assert finished and all(p.read_bytes() == expected for p in finished)
    # each finished run wrote one (a run killed after its rename, before exiting, did too)
    assert outcomes.count(0) + 1 <= len(finished) <= len(outcomes) + 1


def _hashes(*folders: Path) -> list[str]:
    return sorted(hashlib.sha256(p.read_bytes()).hexdigest() for f in folders for p in _visible(f))


def _daily_setup(root: Path, articles: list[Path]) -> Path:
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    for a in articles:
        shutil.copy(a, inbox / a.name)
    config = root / "briefing.toml"
    config.write_text(
        'inboxes = ["inbox"]\narchive = "archive"\noutput = "output"\ndb = "history.sqlite3"\n'
        'formats = ["md", "html", "json"]\n[fetch]\ncache = "cache"\n',
        encoding="utf-8",
    )
    return config


def _history(db: Path) -> tuple[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT date, digest, articles FROM briefings").fetchall()
    finally:
        conn.close()
    return check, rows


def test_killed_daily_loses_no_input_and_keeps_history_consistent(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "source", 12, seed=4)
    wanted = _hashes(tmp_path / "source")

    ref_root = tmp_path / "ref"
    config = _daily_setup(ref_root, articles)
    code, took = _run(["daily", "--config", str(config)], ref_root)
    assert code == 0
    ref_out = {p.name: p.read_bytes() for p in _visible(ref_root / "output")}
    assert len(ref_out) == 3
    check, ref_rows = _history(ref_root / "history.sqlite3")
    assert check == "ok" and len(ref_rows) == 1

    root = tmp_path / "run"
    config = _daily_setup(root, articles)
    for delay in _delays(took, seed=7):
        code, _ = _run(["daily", "--config", str(config)], root, kill_after=delay)
        assert code in (0, -signal.SIGKILL)
        # nothing lost: every article is in the inbox or the archive (possibly both)
        assert set(wanted) <= set(_hashes(root / "inbox", root / "archive")), delay
        # outputs present are whole, and the same as an uninterrupted run's
        for path in _visible(root / "output"):
            assert path.read_bytes() == ref_out[path.name], (path.name, delay)
        db = root / "history.sqlite3"
        if db.exists():
            check, rows = _history(db)
            assert check == "ok"
            assert rows in ([], ref_rows), (rows, delay)  # the day is recorded whole or not at all
    code, _ = _run(["daily", "--config", str(config)], root)
    assert code == 0
    assert {p.name: p.read_bytes() for p in _visible(root / "output")} == ref_out
    assert _hashes(root / "archive") == wanted and not _visible(root / "inbox")
    assert _history(root / "history.sqlite3") == ("ok", ref_rows)
    assert not _hidden(root / "output")  # a finished run leaves no temp file behind
    os.sync()
