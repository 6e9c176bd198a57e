"""The SQLite history: days replace themselves, transactions are all or nothing, WAL on disk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.daily.history import DayRecord, History, HistoryError, content_hash, fact_key

ROOT = Path(__file__).resolve().parents[2]


def _day(date: str, arts: list[str], facts: list[str]) -> DayRecord:
    return DayRecord(
        date=date,
        articles=tuple((content_hash(a), f"{a[:5]}.txt", "") for a in arts),
        facts=tuple((fact_key(f), f) for f in facts),
        digest="d" + date,
        path=f"output/{date}.md",
        stories=1,
    )


def test_days_are_recorded_and_replaced(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with History(db) as h:
        h.record_day(_day("2025-09-05", ["Alpha text.", "Beta text."], ["Fact one.", "Fact two."]))
        h.record_day(_day("2025-09-06", ["Gamma text.", "Alpha text."], ["Fact three."]))
        first = h.first_seen([content_hash("alpha TEXT"), content_hash("Gamma text."), "nope"])
        assert first == {content_hash("Alpha text."): "2025-09-05",
                         content_hash("Gamma text."): "2025-09-06"}
        assert [b.text for b in h.briefed_before("2025-09-06")] == ["Fact one.", "Fact two."]
        assert [b.text for b in h.briefed_before("2025-09-07")] == ["Fact one.", "Fact two.", "Fact three."]
        # running a day again replaces what it said
        h.record_day(_day("2025-09-05", ["Alpha text."], ["Fact one, revised."]))
        assert [b.text for b in h.briefed_before("2025-09-06")] == ["Fact one, revised."]
        assert h.days() == ["2025-09-05", "2025-09-06"]
        assert h.briefing("2025-09-06") == ("d2025-09-06", "output/2025-09-06.md")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_day_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with History(db) as h:
        h.record_day(_day("2025-09-05", ["Alpha text."], ["Fact one."]))
        broken = DayRecord("2025-09-05", ((content_hash("New."), "new.txt", ""),),
                           (("k", None),), "x", "p", 1)  # type: ignore[arg-type]
        with pytest.raises(HistoryError):
            h.record_day(broken)
        assert [b.text for b in h.briefed_before("2025-09-06")] == ["Fact one."]
        assert h.first_seen([content_hash("New.")]) == {}


KILLED_WRITER = """
import os, signal, sys
from briefing.daily.history import History, content_hash
with History(sys.argv[1]) as h:
    conn = h.conn
    conn.execute("BEGIN")
    conn.execute("DELETE FROM facts WHERE date = '2025-09-05'")
    conn.execute("INSERT INTO articles(hash, first_date, label) VALUES ('zz', '2025-09-05', 'z')")
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_run_leaves_the_history_consistent(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with History(db) as h:
        h.record_day(_day("2025-09-05", ["Alpha text."], ["Fact one.", "Fact two."]))
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(db)], cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT)}, capture_output=True)
    assert proc.returncode == -9
    with History(db) as h:
        assert [b.text for b in h.briefed_before("2025-09-06")] == ["Fact one.", "Fact two."]
        assert h.first_seen(["zz"]) == {}
        assert h.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_readonly_never_creates_and_bad_file_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "h.sqlite3"
    with History(missing, readonly=True) as h:
        assert h.briefed_before("2030-01-01") == []
        with pytest.raises(HistoryError):
            h.record_day(_day("2025-09-05", [], []))
    assert not missing.exists()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(HistoryError, match="junk.sqlite3"):
        History(junk).open()


def test_hash_and_key_ignore_case_spacing_and_punctuation() -> None:
    assert content_hash("Hello,  World!\n") == content_hash("hello world")
    assert content_hash("Hello world") != content_hash("Hello world again")
    assert fact_key("“Twenty-six” allies pledged troops.") == fact_key('"twenty-six" Allies pledged troops')
