"""A full disk while writing output, made real: a tiny tmpfs filled to the last byte (needs root
and mount; skipped with a reason elsewhere unless CI is set), and a file-size limit
(RLIMIT_FSIZE, works for any user). Either way: one `error:` line naming the file, exit code 5,
no traceback, the earlier briefings byte for byte as they were, no partial or temp file."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from robustsupport import ROOT, cli, env
from typer.testing import CliRunner

from briefing.cli.main import app

EXAMPLES = ROOT / "examples" / "articles"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs and RLIMIT_FSIZE: Linux")


def _fill(folder: Path) -> None:
    """Write zeros until the file system says it is full (unbuffered: nothing left to flush)."""
    with (folder / "filler").open("wb", buffering=0) as fh:
        for size in (65536, 4096, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == 28, exc  # ENOSPC


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=192k,mode=0755", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        message = f"cannot mount a tmpfs here ({proc.stderr.strip() or proc.returncode})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


class _Result:
    def __init__(self, returncode: int, stderr: str) -> None:
        self.returncode, self.stderr = returncode, stderr


def _run(*args: str) -> _Result:
    """The CLI in this process: the file system under it is as real as in a subprocess."""
    result = CliRunner().invoke(app, list(args))
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return _Result(result.exit_code, result.stderr)


def _one_error(stderr: str) -> str:
    assert "Traceback" not in stderr
    errors = [ln for ln in stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_full_disk_keeps_earlier_briefings_and_exits_5(small_disk: Path) -> None:
    out = small_disk / "output"
    first = _run("build", str(EXAMPLES), "--out", str(out), "--date", "2031-01-01")
    assert first.returncode == 0, first.stderr
    before = _contents(out)
    assert len(before) == 1
    _fill(small_disk)

    again = _run("build", str(EXAMPLES), "--out", str(out), "--date", "2031-01-01")
    assert again.returncode == 5
    line = _one_error(again.stderr)
    name = next(iter(before)).removesuffix(".md")
    assert line == f"error: cannot write {out / name}-2.md: No space left on device"
    assert _contents(out) == before  # nothing new, nothing partial, no temp file

    html = _run("build", str(EXAMPLES), "--out", str(out / "named.html"))
    assert html.returncode == 5 and "No space left on device" in _one_error(html.stderr)
    assert _contents(out) == before

    with (small_disk / "stdout.md").open("w") as target:  # the shell's `> file` on a full disk
        piped = cli("build", str(EXAMPLES), "--out", "-", stdout=target, stderr=subprocess.PIPE)
    assert piped.returncode == 5
    assert _one_error(piped.stderr) == (
        "error: cannot write the briefing to standard output: No space left on device")


def test_full_disk_during_daily_keeps_yesterdays_files_and_history(small_disk: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for f in EXAMPLES.iterdir():
        (inbox / f.name).write_bytes(f.read_bytes())
    config = tmp_path / "briefing.toml"
    config.write_text(
        f'inboxes = ["inbox"]\narchive = "archive"\noutput = "{small_disk / "output"}"\n'
        f'db = "history.sqlite3"\nformats = ["md", "html"]\n[fetch]\ncache = "{tmp_path / "cache"}"\n',
        encoding="utf-8",
    )
    first = _run("daily", "--config", str(config))
    assert first.returncode == 0, first.stderr
    before = _contents(small_disk / "output")
    history = sqlite3.connect(tmp_path / "history.sqlite3")
    rows = history.execute("SELECT * FROM briefings").fetchall()
    history.close()

    (inbox / "late.txt").write_text(
        "The harbour board said on Friday that the bridge would get a new inspection regime.\n\n"
        "Engineers will check the cables every month instead of every year, the board said.\n",
        encoding="utf-8",
    )
    _fill(small_disk)
    again = _run("daily", "--config", str(config))
    assert again.returncode == 5
    assert "No space left on device" in _one_error(again.stderr)
    assert _contents(small_disk / "output") == before
    history = sqlite3.connect(tmp_path / "history.sqlite3")
    assert history.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert history.execute("SELECT * FROM briefings").fetchall() == rows  # the failed run: unrecorded
    history.close()
    archived = [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    assert "late.txt" in archived or (inbox / "late.txt").exists()  # the new article is not lost


def _limited(limit: int):
    def apply() -> None:  # in the child: a real file-size limit; EFBIG instead of a kill
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_file_size_limit_while_writing_is_reported_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "output"
    first = _run("build", str(EXAMPLES), "--out", str(out), "--date", "2031-01-01")
    assert first.returncode == 0
    before = _contents(out)
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(EXAMPLES), "--out", str(out), "--date",
         "2031-01-01", "--format", "html"],
        env=env(), capture_output=True, text=True, timeout=600, check=False, preexec_fn=_limited(512),
    )
    assert proc.returncode == 5, proc.stderr
    line = _one_error(proc.stderr)
    assert line.startswith(f"error: cannot write {out}") and line.endswith(": File too large")
    assert _contents(out) == before


def test_briefings_get_the_usual_file_mode(tmp_path: Path) -> None:
    """Written through a private temp file, but readable like any file the user creates."""
    old = os.umask(0o022)
    try:
        result = _run("build", str(EXAMPLES), "--out", str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert result.returncode == 0
    [path] = (tmp_path / "out").iterdir()
    assert path.stat().st_mode & 0o777 == 0o644


def test_inbox_on_another_disk_never_leaves_half_a_file_in_the_archive(
    small_disk: Path, tmp_path: Path
) -> None:
    """Moving across file systems is a copy: cut short (here by a file-size limit, as by a crash
    or a full disk), it must not leave a partial article that a later run would read."""
    from robustsupport import write_articles

    inbox = small_disk / "inbox"
    articles = write_articles(inbox, 3, sentences=40, seed=2)
    wanted = sorted(p.read_bytes() for p in articles)
    config = tmp_path / "briefing.toml"
    config.write_text(
        f'inboxes = ["{inbox}"]\narchive = "archive"\noutput = "output"\ndb = "h.sqlite3"\n'
        f'[fetch]\ncache = "{tmp_path / "cache"}"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "briefing", "daily", "--config", str(config)],
                          env=env(), capture_output=True, text=True, timeout=600, check=False,
                          preexec_fn=_limited(1000))
    assert proc.returncode == 5 and "File too large" in _one_error(proc.stderr)
    archived = [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    assert all(p.read_bytes() in wanted for p in archived if not p.name.startswith("."))
    again = _run("daily", "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert "articles 3 new" in again.stderr
    archived = sorted(p.read_bytes() for p in (tmp_path / "archive").rglob("*")
                      if p.is_file() and not p.name.startswith("."))
    assert archived == wanted and not list(inbox.iterdir())
