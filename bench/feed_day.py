"""A daily run from local feeds against the same day from an inbox folder (issue 20's "a
500-page daily from local feeds within 2x of the inbox day").

A loopback HTTP server serves about 500 news pages (the saved real pages, three-outlet AllSides
events and DUC wire stories, each made-up page in nav/byline/caption furniture: tests/websupport),
listed in an RSS 2.0 and an Atom feed. The same pages' bytes are also written as .html files to
an inbox folder. Each run is a whole `briefing daily` process (the real console script) with a
fresh archive, history and fetch cache, alternating feed and inbox (ABBA); CPU is the process's
user + sys (its threads and children included), peak RSS its own (GNU time).

    .venv/bin/python bench/feed_day.py [--events 100] [--wire 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import websupport as ws  # noqa: E402  (tests/ is not a package)

SHARED = Path(os.environ.get("BRIEFING_SHARED_DATA") or ROOT.parent / "shared" / "data")
DATE = dt.date.today().isoformat()  # `daily` collects from its day on


def _config(folder: Path, source: str) -> Path:
    lines = [source, 'formats = ["md", "json", "html"]', 'db = "history.sqlite3"',
             "[budget]", "max_stories = 20", "also_reported = 20",
             "[fetch]", 'cache = "cache"', "max_entries = 1000", "timeout = 20", "allow_private = true",
             "[run]", "workers = 1"]
    path = folder / "briefing.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(kind: str, source: str, stash: Path) -> tuple[float, float, int, int]:
    """(CPU s, wall s, peak RSS MiB, new articles) of one whole daily process."""
    folder = Path(tempfile.mkdtemp(prefix=f"briefing-{kind}-"))
    try:
        if kind == "inbox":  # daily moves what it reads to the archive: a fresh inbox each run
            shutil.copytree(stash, folder / "inbox")
            source = 'inboxes = ["inbox"]'
        config = _config(folder, source)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "XDG_"))}
        env.update(HOME=str(folder / "home"), XDG_CACHE_HOME=str(folder / "home" / "cache"), NO_COLOR="1")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "peak %M", str(ROOT / ".venv" / "bin" / "briefing"), "daily", "--config", str(config),
                               "--date", DATE, "-v"], capture_output=True, text=True, env=env, timeout=1800)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(f"{kind} run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        new = re.search(r"articles (\d+) new", proc.stdout + proc.stderr)
        peak = re.findall(r"^peak (\d+)$", proc.stderr, re.M)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return cpu, wall, int(peak[-1]) // 1024 if peak else -1, int(new.group(1)) if new else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per page served
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100, help="AllSides events (3 pages each)")
    ap.add_argument("--wire", type=int, default=40, help="DUC wire stories (3 copies each)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not (SHARED / "web").is_dir():
        raise SystemExit(f"no shared data at {SHARED}")
    inbox = Path(tempfile.mkdtemp(prefix="briefing-pages-"))
    try:
        with ws.serve() as site:
            pages = ws.day_pages(site, SHARED / "web", SHARED / "dev", DATE, real=1000,
                                 events=args.events, wire=args.wire)
            day = ws.publish(site, pages, DATE)
            for k, page in enumerate(pages):
                suffix = ".html" if "html" in page.content_type else ".txt"
                (inbox / f"{k:04d}{suffix}").write_bytes(page.body)
            feeds = "feeds = [" + ", ".join(f'"{f}"' for f in day.feeds) + "]"
            sources = {"feed": feeds, "inbox": ""}
            print(f"{len(pages)} pages, served on {site.url_for('/')} and written to an inbox", flush=True)
            _run("inbox", sources["inbox"], inbox)  # warm-up: imports and the disk cache
            rows: dict[str, list[tuple[float, float, int, int]]] = {"feed": [], "inbox": []}
            for k in range(args.rounds * 2):
                kind = ("feed", "inbox")[k % 2] if (k // 2) % 2 == 0 else ("inbox", "feed")[k % 2]
                rows[kind].append(_run(kind, sources[kind], inbox))
                print(kind, rows[kind][-1], flush=True)
    finally:
        shutil.rmtree(inbox, ignore_errors=True)
    print("\n| daily from | CPU s per run | median CPU s | median wall s | peak MiB | new articles |")
    print("|---|---|---:|---:|---:|---:|")
    med = {}
    for kind, got in rows.items():
        med[kind] = statistics.median(c for c, _, _, _ in got)
        print(f"| {kind} | {', '.join(f'{c:.2f}' for c, _, _, _ in got)} | {med[kind]:.2f} | "
              f"{statistics.median(w for _, w, _, _ in got):.2f} | {max(m for _, _, m, _ in got)} | {got[0][3]} |")
    print(f"\nfeed / inbox CPU: {med['feed'] / med['inbox']:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
