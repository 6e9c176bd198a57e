"""End-to-end scale benchmark: `briefing build` on 50 .. 2,500 articles, time and peak memory.

For each size: the whole `python -m briefing build DIR` process (interpreter start and imports
included), wall seconds and CPU seconds (user + sys, its forked worker included), median of
`--runs`, and the peak resident memory of its largest process. Then the floor: a whole process
that only reads, cleans and sentence-splits the same text (importing only that, on two cores
as the build does), and the ratio of the build to it. Then where the time goes: `bench/stages.py` on the
`--profile` size, one process, CPU by stage. The machine load is printed before and after:
the machine is shared, so CPU seconds are the steadier figure.

Inputs are the dev clusters written as .txt files (replicated with changed ids beyond the ~900
dev articles: see bench/_data.py), in a temporary folder.

    python bench/scale.py [--sizes 50,100,250,500,900,1500,2500] [--runs 3] [--profile 500]
"""

from __future__ import annotations

import argparse
import os
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
import sys
from briefing.executor import map_ordered
from briefing.read.clean import clean_article, fallback_outlet
from briefing.read.files import ingest
from briefing.read.sentences import split_article

def one(article):
    return len(split_article(fallback_outlet(clean_article(article))))

print(sum(map_ordered(one, ingest([sys.argv[1]]).articles, 60)))
"""


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS MiB (largest process of the run), stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        # this child's own rusage (its reaped forked worker included), not all children's so far
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read()[-500:]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read()


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,250,500,900,1500,2500")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--method", default="default")
    ap.add_argument("--profile", type=int, default=500, help="size to profile by stage (0: none)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    py = sys.executable
    print(f"before: {load()}; {os.cpu_count()} CPUs; BRIEFING_WORKERS={os.environ.get('BRIEFING_WORKERS', '')}")
    print(
        "| articles | MB text | sentences | build wall s | build CPU s | peak MiB | floor wall s | "
        "floor CPU s | build/floor (CPU) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folders: dict[int, Path] = {}
        for n in sizes:
            folder = folders[n] = Path(tmp) / str(n)
            chars = write_articles(folder, n)
            out = Path(tmp) / f"out{n}"
            walls, cpus, peaks = [], [], []
            for _ in range(args.runs):
                wall, cpu, peak, _ = run(
                    [py, "-m", "briefing", "build", str(folder), "--out", str(out), "--method", args.method]
                )
                walls.append(wall)
                cpus.append(cpu)
                peaks.append(peak)
            floor_wall, floor_cpu, _, floor_out = run([py, "-c", FLOOR, str(folder)])
            cpu = statistics.median(cpus)
            print(
                f"| {n} | {chars / 1e6:.1f} | {floor_out.strip()} | {statistics.median(walls):.2f} | "
                f"{cpu:.2f} | {max(peaks):.0f} | {floor_wall:.2f} | {floor_cpu:.2f} | "
                f"{cpu / floor_cpu:.1f}× |",
                flush=True,
            )
        print(f"after: {load()}")
        if args.profile:
            folder = folders.get(args.profile) or Path(tmp) / f"p{args.profile}"
            if args.profile not in folders:
                write_articles(folder, args.profile)
            print(f"\nBy stage, {args.profile} articles (bench/stages.py, one process, BRIEFING_WORKERS=1):")
            env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFING_WORKERS": "1"}
            stages = Path(__file__).resolve().parent / "stages.py"
            print(subprocess.run([py, str(stages), str(folder)], capture_output=True, text=True, env=env,
                                 check=True).stdout, end="")


if __name__ == "__main__":
    main()
