"""End-to-end scale benchmark: `briefing build` on 50 .. 2,500 articles, wall time and peak memory.

Also measures the floor: a whole process that only reads, cleans and sentence-splits the same
text (interpreter start and imports included, as for `build`).

    python bench/scale.py [--sizes 50,100,250,500,900,1500,2500] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import write_articles

ROOT = Path(__file__).resolve().parent.parent
FLOOR = """
import sys, time
from briefing.ingest import ingest
from briefing.pipeline import prepare_articles
from briefing.sentences import split_article
t = time.perf_counter()
arts, _ = prepare_articles(ingest([sys.argv[1]]).articles)
n = sum(len(split_article(a)) for a in arts)
print(n, time.perf_counter() - t)
"""


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS MiB of the child, stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: run sizes in increasing order
    return wall, max(peak, before) / 1024, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,250,500,900,1500,2500")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--method", default="default")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    py = sys.executable
    print(f"| articles | MB text | sentences | build s (median of {args.runs}) | peak MiB | floor s | build/floor |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            chars = write_articles(folder, n)
            out = Path(tmp) / f"out{n}"
            walls, peaks = [], []
            for _ in range(args.runs):
                wall, peak, _ = run(
                    [py, "-m", "briefing", "build", str(folder), "--out", str(out), "--method", args.method]
                )
                walls.append(wall)
                peaks.append(peak)
            floor_s, _, floor_out = run([py, "-c", FLOOR, str(folder)])
            n_sent, _ = floor_out.split()
            build_s = statistics.median(walls)
            print(
                f"| {n} | {chars / 1e6:.1f} | {n_sent} | {build_s:.2f} | {max(peaks):.0f} | "
                f"{float(floor_s):.2f} | {build_s / float(floor_s):.1f}× |",
                flush=True,
            )


if __name__ == "__main__":
    main()
