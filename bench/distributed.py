"""The daily run in one process and on a Dask LocalCluster of 1 and 2 workers: wall, CPU,
peak memory of each process, growth exponent; and a same-run A/B of this tree's daily run,
no scheduler named, against the same tree with the scheduler lookup short-circuited (what the
run costs without the seam) or against git `--ref`'s.

    .venv/bin/python bench/distributed.py                 # 1,000 and 10,000 articles, A/B on 500
    .venv/bin/python bench/distributed.py --sizes 1000 10000 50000 --ab 500 --rounds 5
    .venv/bin/python bench/distributed.py --sizes --ab 500 --ref off   # the seam on vs off
    .venv/bin/python bench/distributed.py --sizes 50000 --modes one local:2 --ab 0
    .venv/bin/python bench/distributed.py --sizes 2000 --modes local:2 --ab 0

Articles are the dev clusters' documents replicated: each copy has a changed id and its
sentences in a shuffled order (seeded), so copies are distinct articles and the day has the
dev clusters' stories many times over. Each measurement runs in a fresh process (peak RSS is
that run's) with a fresh cluster; CPU is this process's plus every worker's (the scheduler
runs in this process). The day's outputs of every mode are compared byte for byte.
Needs the shared dev data and briefing[dask].
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this file's name is the `distributed` package's: its folder must not shadow the package
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_data", HERE / "_data.py")
_data = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_data)  # type: ignore[union-attr]
dev_documents = _data.dev_documents
DAY = "2025-09-05"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def write_day(folder: Path, n: int, seed: int = 7) -> int:
    """n article files: the dev documents, then copies with changed ids and shuffled sentences."""
    docs = dev_documents()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for i in range(n):
        doc = docs[i % len(docs)]
        copy = i // len(docs)
        paragraphs = [p for p in doc["text"].split("\n") if p.strip()]
        if copy:
            sentences = [s for p in paragraphs for s in _SENTENCE.split(p)]
            lead, rest = sentences[:1], sentences[1:]
            rng.shuffle(rest)  # the lead stays first: the story is still the story
            paragraphs = [" ".join(lead + rest[k : k + 3]) if k == 0 else " ".join(rest[k : k + 3])
                          for k in range(0, max(1, len(rest)), 3)]
            paragraphs.append(f"Filed as item {i} (copy {copy}).")
        title = doc.get("title") or ""
        body = (f"{title}\n\n" if title else "") + "\n\n".join(paragraphs) + "\n"
        (folder / f"{i:06d}-{doc['cluster']}.txt").write_text(body, encoding="utf-8")
        chars += len(body)
    return chars


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _worker_usage() -> tuple[float, int]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss


def one(n: int, mode: str, keep: Path | None) -> dict:
    """One daily run of n articles (mode: one | local:N), in this fresh process."""
    import os

    from briefing import executor
    from briefing.daily.config import parse_config
    from briefing.daily.run import run_daily

    if os.environ.get("BENCH_SEAM") == "off":
        # the seam's one entry point answers "no scheduler" without looking: what the run
        # would cost if the seam were not there (every remote branch hangs off this call)
        executor.scheduler = lambda: ""

    tmp = Path(tempfile.mkdtemp(prefix="briefing-dist-"))
    try:
        write_day(tmp / "inbox", n)
        client = None
        scheduler = "none"
        if mode.startswith("local"):
            from briefing import cluster

            client = cluster.client(mode)  # started before the clock: a deployment's cluster is up
            scheduler = mode
            client.run(_worker_usage)  # every worker up
            before = dict(client.run(_worker_usage))
        cfg = parse_config({"inboxes": [str(tmp / "inbox")], "archive": str(tmp / "archive"),
                            "output": str(tmp / "output"), "db": str(tmp / "history.sqlite3"),
                            "formats": ["md", "json", "html"], "run": {"workers": 1, "scheduler": scheduler}},
                           tmp, "bench")
        t0, c0 = time.perf_counter(), _cpu_self()
        result = run_daily(cfg, DAY)
        wall, cpu = time.perf_counter() - t0, _cpu_self() - c0
        workers = []
        if client is not None:
            after = dict(client.run(_worker_usage))
            workers = [{"cpu": round(after[w][0] - before[w][0], 1), "peak_mb": after[w][1] // 1024}
                       for w in sorted(after)]
        # the JSON names the files read: the folder's name is left out of the comparison
        digest = hashlib.sha256(b"".join(p.read_bytes().replace(str(tmp).encode(), b"TMP")
                                         for p in result.paths)).hexdigest()[:16]
        if keep:
            shutil.copytree(tmp / "output", keep / f"{mode}-{n}", dirs_exist_ok=True)
        return {"n": n, "mode": mode, "wall": round(wall, 1), "cpu_main": round(cpu, 1),
                "cpu_total": round(cpu + sum(w["cpu"] for w in workers), 1),
                "peak_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                "workers": workers, "stories": result.stories, "articles": result.articles_new,
                "digest": digest}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run_child(n: int, mode: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", str(n), mode], capture_output=True, text=True,
                         env=env)
    if out.returncode:
        raise SystemExit(f"{mode} {n} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _exponent(rows: list[dict], key: str) -> str:
    if len(rows) < 2:
        return "-"
    a, b = rows[0], rows[-1]
    return f"{math.log(b[key] / a[key]) / math.log(b['n'] / a['n']):.2f}"


def scaling(sizes: list[int], modes: list[str]) -> None:
    rows = []
    for n in sizes:
        for mode in modes:
            row = _run_child(n, mode)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| articles | mode | wall s | CPU s (all processes) | peak RSS MB: main | workers | stories | output |")
    print("|---:|---|---:|---:|---:|---|---:|---|")
    for r in rows:
        peaks = ", ".join(str(w["peak_mb"]) for w in r["workers"]) or "-"
        print(f"| {r['n']:,} | {r['mode']} | {r['wall']} | {r['cpu_total']} | {r['peak_main_mb']} | "
              f"{peaks} | {r['stories']} | {r['digest']} |")
    print("\n| mode | growth exponent, wall | CPU |")
    print("|---|---:|---:|")
    for mode in modes:
        mine = [r for r in rows if r["mode"] == mode]
        print(f"| {mode} | {_exponent(mine, 'wall')} | {_exponent(mine, 'cpu_total')} |")
    for n in sizes:
        digests = {r["digest"] for r in rows if r["n"] == n}
        print(f"{n:,} articles: outputs {'identical' if len(digests) == 1 else 'DIFFER'} across modes")


def _reference_tree(ref: str) -> Path:
    """The `briefing` package as at git `ref` (before this branch's changes), in a folder of its own."""
    root = Path(__file__).resolve().parent.parent
    folder = Path(tempfile.mkdtemp(prefix="briefing-ref-"))
    archive = subprocess.run(["git", "-C", str(root), "archive", ref, "briefing"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def ab(n: int, rounds: int, ref: str) -> None:
    """Daily runs of n articles, no scheduler named, workers=1, each in a fresh process,
    alternating this tree's code (A) and B (this tree with the seam off, or git `ref`'s) in ABBA order: CPU (user + sys of
    `run_daily`) and wall per run, and whether the outputs are the same."""
    import os

    here = str(Path(__file__).resolve().parent.parent)
    paths = {"A": here, "B": here if ref == "off" else str(_reference_tree(ref))}
    times: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
    digests = set()
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_SCHEDULER", "BRIEFING_WORKERS")}
    _run_child(n, "one", {**env, "PYTHONPATH": paths["A"]})  # warm-up: the disk cache
    for k in range(rounds * 2):
        side = "AB"[k % 2] if (k // 2) % 2 == 0 else "BA"[k % 2]  # ABBA: drift cancels
        seam = {"BENCH_SEAM": "off"} if side == "B" and ref == "off" else {}
        row = _run_child(n, "one", {**env, "PYTHONPATH": paths[side], **seam})
        times[side].append((row["cpu_main"], row["wall"]))
        digests.add(row["digest"])
    if ref != "off":
        shutil.rmtree(paths["B"], ignore_errors=True)
    print(f"\nA/B, {n} articles, {rounds} daily runs each (ABBA order), workers=1, no scheduler:")
    print("| code | CPU s per run (each) | median CPU s | median wall s |")
    print("|---|---|---:|---:|")
    for side, label in (("A", "this tree"), ("B", "this tree, seam off" if ref == "off" else f"git {ref}")):
        cpus = sorted(c for c, _ in times[side])
        walls = sorted(w for _, w in times[side])
        print(f"| {label} | {', '.join(f'{c:.2f}' for c, _ in times[side])} | {cpus[len(cpus) // 2]:.2f} | "
              f"{walls[len(walls) // 2]:.2f} |")
    print(f"outputs identical: {len(digests) == 1}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--modes", nargs="*", default=["one", "local:1", "local:2"])
    parser.add_argument("--ab", type=int, default=500, help="articles of the A/B (0: none)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ref", default="off",
                        help="git ref the A/B compares with (off: this tree with the scheduler lookup short-circuited)")
    parser.add_argument("--one", nargs=2, metavar=("N", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1], None)))
        return
    if args.ab:
        ab(args.ab, args.rounds, args.ref)
    if args.sizes:
        scaling(args.sizes, args.modes)


if __name__ == "__main__":
    main()
