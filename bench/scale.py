"""End-to-end scale benchmark: `briefing build` on 50 .. 10,000 articles, beside its floor and peers.

For each input family and size: the whole `python -m briefing build DIR` process (interpreter
start and imports included), wall seconds and CPU seconds (user + sys, its forked worker
included), median of `--runs`, and the peak resident memory of its largest process. Then the
floor: a whole process that only reads, cleans and sentence-splits the same text (importing
only that, on two cores as the build does), and the ratio of the build to it. Then the peers
on the sizes up to `--peers-up-to` (each a whole process, one summary of 10 sentences of all the
text, killed after `--peer-timeout` s): sumy's LexRank, the `lexrank` package and summa's
TextRank (those installed). Then the growth exponent of build CPU and memory between
consecutive sizes, and from the smallest size of at least 1,000 to the largest. Then, for the
`--profile` sizes, where the time goes (`bench/stages.py`, one process, CPU by stage).

Input families (bench/_data.py): `replicas`, the dev articles replicated with an id line beyond
the ~970 dev articles; `boilerplate`, the same with an agency line differing only in its
numbers on every article and each replica's paragraphs shuffled. The machine is shared: its
load is printed before and after, and CPU seconds are the steadier figure.

    python bench/scale.py [--sizes 50,500,1000,2000,10000] [--families replicas,boilerplate]
                          [--runs 1] [--peers-up-to 500] [--profile 500,10000]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
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
# Each peer summarises all the text (one file) in 10 sentences, as its documentation shows
# (sumy with this project's sentence splitter: its own tokenizer needs nltk data).
PEERS = {
    "sumy LexRank": ("sumy", """
import sys
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from briefing.rank.sumy_adapter import _Tokenizer  # sumy's own needs nltk data, never downloaded
doc = PlaintextParser.from_file(sys.argv[1], _Tokenizer()).document
print(len(LexRankSummarizer()(doc, 10)))
"""),
    "lexrank": ("lexrank", """
import re, sys
from lexrank import LexRank, STOPWORDS
docs = [re.split(r"(?<=[.!?])\\s+", a) for a in open(sys.argv[1], encoding="utf-8").read().split("\\n\\n\\n")]
print(len(LexRank(docs, stopwords=STOPWORDS["en"]).get_summary([s for d in docs for s in d], summary_size=10)))
"""),
    "summa TextRank": ("summa", """
import sys
from summa.summarizer import summarize
print(len(summarize(open(sys.argv[1], encoding="utf-8").read(), split=True)[:10]))
"""),
}


def run(cmd: list[str], timeout: float | None = None) -> tuple[float, float, float, str] | None:
    """Wall seconds, CPU seconds, peak RSS MiB (largest process of the run), stdout; None when
    killed after `timeout` seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        # this child's own rusage (its reaped forked worker included), not all children's so far
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        if timer:
            timer.cancel()
            if wall >= timeout:
                return None
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read()[-500:]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read()


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def exponent(a: tuple[int, float], b: tuple[int, float]) -> float:
    return math.log(b[1] / a[1]) / math.log(b[0] / a[0])


def one_file(folder: Path) -> Path:
    """All the articles as one text file (what the peers summarise), articles apart by 2 blank lines."""
    path = folder.with_suffix(".all.txt")
    path.write_text("\n\n\n".join(p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("*.txt"))),
                    encoding="utf-8")
    return path


def measure(folder: Path, n: int, args: argparse.Namespace) -> dict:
    """The build (median of runs), its floor and the peers for one input folder."""
    py = sys.executable
    builds = [run([py, "-m", "briefing", "build", str(folder), "--out", str(folder.with_suffix(".md")), "--force"])
              for _ in range(args.runs)]
    floor = run([py, "-c", FLOOR, str(folder)])
    row = {
        "wall": statistics.median(b[0] for b in builds), "cpu": statistics.median(b[1] for b in builds),
        "peak": max(b[2] for b in builds), "floor_wall": floor[0], "floor_cpu": floor[1],
        "sentences": floor[3].strip(), "peers": {},
    }
    if n <= args.peers_up_to:
        text = one_file(folder)
        for name, (module, code) in PEERS.items():
            if importlib.util.find_spec(module) is None:
                row["peers"][name] = "not installed"
                continue
            got = run([py, "-c", code, str(text)], timeout=args.peer_timeout)
            row["peers"][name] = (f"> {args.peer_timeout:.0f} s (killed)" if got is None
                                  else f"{got[0]:.1f} s wall, {got[1]:.1f} s CPU, {got[2]:.0f} MiB")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,500,1000,2000,10000")
    ap.add_argument("--families", default="replicas,boilerplate")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--peers-up-to", type=int, default=500)
    ap.add_argument("--peer-timeout", type=float, default=300.0)
    ap.add_argument("--profile", default="500,10000", help="sizes to profile by stage ('': none)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"before: {load()}; {os.cpu_count()} CPUs; BRIEFING_WORKERS={os.environ.get('BRIEFING_WORKERS', '')}")
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.families.split(","):
            rows = {}
            print(f"\n### {family}\n")
            print("| articles | sentences | build wall s | build CPU s | peak MiB | floor wall s | floor CPU s "
                  "| build/floor (CPU) |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|")
            for n in sizes:
                folder = Path(tmp) / f"{family}-{n}"
                write_articles(folder, n, boilerplate=family == "boilerplate")
                r = rows[n] = measure(folder, n, args)
                print(f"| {n} | {r['sentences']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['peak']:.0f} | "
                      f"{r['floor_wall']:.2f} | {r['floor_cpu']:.2f} | {r['cpu'] / r['floor_cpu']:.1f}× |", flush=True)
            report_growth(rows)
            report_peers(rows)
            for n in [int(s) for s in args.profile.split(",") if s]:
                profile(Path(tmp) / f"{family}-{n}", n, family)
    print(f"\nafter: {load()}")


def report_growth(rows: dict[int, dict]) -> None:
    sizes = sorted(rows)
    print("\nGrowth exponents (log ratio of build CPU, of peak memory, over log ratio of articles):")
    for a, b in zip(sizes, sizes[1:], strict=False):
        print(f"- {a} → {b}: CPU {exponent((a, rows[a]['cpu']), (b, rows[b]['cpu'])):.2f}, "
              f"memory {exponent((a, rows[a]['peak']), (b, rows[b]['peak'])):.2f}")
    big = [n for n in sizes if n >= 1000]
    if len(big) >= 2:
        a, b = big[0], big[-1]
        print(f"- **{a} → {b}: CPU {exponent((a, rows[a]['cpu']), (b, rows[b]['cpu'])):.2f}**, "
              f"memory {exponent((a, rows[a]['peak']), (b, rows[b]['peak'])):.2f}")


def report_peers(rows: dict[int, dict]) -> None:
    with_peers = [n for n in sorted(rows) if rows[n]["peers"]]
    if not with_peers:
        return
    print("\n| articles | briefing build | " + " | ".join(PEERS) + " |")
    print("|---:|---|" + "---|" * len(PEERS))
    for n in with_peers:
        r = rows[n]
        print(f"| {n} | {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, {r['peak']:.0f} MiB | "
              + " | ".join(r["peers"][p] for p in PEERS) + " |")


def profile(folder: Path, n: int, family: str) -> None:
    if not folder.exists():
        write_articles(folder, n, boilerplate=family == "boilerplate")
    print(f"\nBy stage, {family}, {n} articles (bench/stages.py, one process, BRIEFING_WORKERS=1):")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFING_WORKERS": "1"}
    stages = Path(__file__).resolve().parent / "stages.py"
    print(subprocess.run([sys.executable, str(stages), str(folder)], capture_output=True, text=True, env=env,
                         check=True).stdout, end="", flush=True)


if __name__ == "__main__":
    main()
