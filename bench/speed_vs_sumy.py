"""Whole-process `briefing build` speed: the default method against sumy's LexRank.

Writes 4 clusters of dev/duc2003_task2.jsonl (about 1,000 sentences) as text files in a
temporary folder, then times `python -m briefing build DIR --method default` and
`--method lex-rank` as separate processes, A/B interleaved, and prints the medians and ratio.

    python bench/speed_vs_sumy.py [--clusters 4] [--runs 5] [--other lex-rank] [--ranking-only]

`--ranking-only` builds with a copy of the default prompt whose quotes and disagreements are
turned off, so the two builds differ only in ranking and selection.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "dev" / "duc2003_task2.jsonl"
if not DATA.exists():
    DATA = Path("/work/shared/data/dev/duc2003_task2.jsonl")


def write_inputs(folder: Path, clusters: int) -> int:
    """One .txt file per document of the first `clusters` clusters; returns the article count."""
    n = 0
    with DATA.open(encoding="utf-8") as fh:
        for c, line in enumerate(fh):
            if c >= clusters:
                break
            row = json.loads(line)
            for d, doc in enumerate(row["documents"]):
                (folder / f"{row['id']}-{d:02d}.txt").write_text(doc["text"], encoding="utf-8")
                n += 1
    return n


def ranking_only_prompt(folder: Path) -> Path:
    """The default prompt without the quotes and disagreements extras."""
    text = (ROOT / "prompts" / "default.toml").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("quotes ="):
            line = "quotes = 0"
        elif line.startswith("disagreements ="):
            line = "disagreements = false"
        lines.append(line)
    path = folder / "ranking-only.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_once(folder: Path, method: str, out: Path, prompt: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys, forked worker included) of one whole build."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "briefing", "build", str(folder), "--method", method, "--out", str(out),
           "--prompt", prompt]
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # this run's own rusage
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"build --method {method} failed: {err.read().strip()}")
    return took, usage.ru_utime + usage.ru_stime


def count_facts(folder: Path) -> tuple[int, int]:
    sys.path.insert(0, str(ROOT))
    from briefing.pipeline import pool_articles, prepare_articles
    from briefing.read.files import ingest

    articles, _ = prepare_articles(ingest([folder]).articles)
    pool = pool_articles(articles)
    return sum(len(f.members) for f in pool.facts), len(pool.facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--other", default="lex-rank", help="the sumy method to compare with")
    parser.add_argument("--ranking-only", action="store_true", help="no quotes or disagreements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        out = Path(tmp) / "out"
        articles = write_inputs(folder, args.clusters)
        sentences, facts = count_facts(folder)
        prompt = str(ranking_only_prompt(Path(tmp))) if args.ranking_only else "default"
        print(f"input: {articles} articles, {sentences} sentences, {facts} facts after pooling")
        print(f"prompt: {'default without quotes/disagreements' if args.ranking_only else 'default'}")
        times: dict[str, list[float]] = {"default": [], args.other: []}
        cpus: dict[str, list[float]] = {"default": [], args.other: []}
        print(f"load before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for run in range(args.runs):
            for method in ("default", args.other) if run % 2 == 0 else (args.other, "default"):
                took, cpu = build_once(folder, method, out, prompt)
                times[method].append(took)
                cpus[method].append(cpu)
                print(f"  run {run + 1} {method:>10}: {took:7.2f} s wall, {cpu:7.2f} s CPU", flush=True)
        print(f"load after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        med = {m: statistics.median(t) for m, t in times.items()}
        cpu = {m: statistics.median(t) for m, t in cpus.items()}
        print(f"median default: {med['default']:.2f} s wall, {cpu['default']:.2f} s CPU; "
              f"median {args.other}: {med[args.other]:.2f} s wall, {cpu[args.other]:.2f} s CPU")
        print(f"ratio {args.other} / default: {med[args.other] / med['default']:.1f}x wall, "
              f"{cpu[args.other] / cpu['default']:.1f}x CPU")

if __name__ == "__main__":
    main()
