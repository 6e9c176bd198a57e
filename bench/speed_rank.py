"""Ranking-stage speed, in process: the default method (score + select) against sumy's methods
on the same pool, and how the default grows with pool size (the first N of all ~900 dev
articles pooled together).

    python bench/speed_rank.py [--sumy lex-rank text-rank] [--articles 50 100 250 500 900]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "data" / "dev"
if not DEV.exists():
    DEV = Path("/work/shared/data/dev")

from briefing.evaluate import load_clusters  # noqa: E402
from briefing.pipeline import pool_articles, prepare_articles  # noqa: E402
from briefing.pool.index import build_index  # noqa: E402
from briefing.rank.methods import score_facts  # noqa: E402
from briefing.rank.select import Budget, select_facts  # noqa: E402


def dev_articles() -> list:
    """All dev articles (about 900), in a fixed order."""
    out = []
    for name in ("duc2003_task2", "multiling2011_en", "duc2007_main_partial"):
        for cluster in load_clusters(DEV / f"{name}.jsonl"):
            out.extend(cluster.articles)
    return out


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def rank_and_select(pool, method: str) -> float:
    """Score and select, the pool's index built first (counted: the ranker's tf-idf is in it)."""

    def run() -> None:
        index = build_index(pool)
        select_facts(index, score_facts(index, method), Budget(sentences=12))

    return timed(run)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sumy", nargs="*", default=["lex-rank"])
    parser.add_argument("--articles", nargs="*", type=int, default=[50, 100, 250, 500, 900])
    args = parser.parse_args()
    clusters = load_clusters(DEV / "duc2003_task2.jsonl")[:4]
    arts, _ = prepare_articles([a for c in clusters for a in c.articles])
    pool = pool_articles(arts)
    print(f"same pool: 4 duc2003 clusters, {len(pool.facts)} facts")
    base = min(rank_and_select(pool, "default") for _ in range(5))
    print(f"  {'default':>10}: {base * 1000:8.1f} ms (score + select, best of 5)")
    for method in args.sumy:
        took = rank_and_select(pool, method)
        print(f"  {method:>10}: {took * 1000:8.1f} ms  ({took / base:,.0f}x the default)")
    print("\ndefault method, growth with pool size (score + select 12 facts):")
    print(f"{'articles':>8} {'facts':>8} {'rank ms':>9} {'ms/1k facts':>12}")
    every, _ = prepare_articles(dev_articles())
    for size in args.articles:
        pool = pool_articles(every[:size])
        took = min(rank_and_select(pool, "default") for _ in range(2))
        print(f"{len(pool.articles):8d} {len(pool.facts):8d} {took * 1000:9.1f} {took * 1e6 / len(pool.facts):12.1f}", flush=True)


if __name__ == "__main__":
    main()
