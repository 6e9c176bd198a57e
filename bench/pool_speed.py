"""Time the pool on every ../shared/data/dev cluster combined (about 900 articles).

    PYTHONPATH=. python bench/pool_speed.py [--limit N]

Prints the number of articles and sentences, the seconds taken by the split and the pool
stages, the process's peak RSS, and with --trace the pool's peak memory under tracemalloc.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import tracemalloc
from pathlib import Path

from briefing.models import Article
from briefing.pipeline import prepare_articles
from briefing.pool.build import build_pool
from briefing.read.sentences import split_article

ROOT = Path(__file__).resolve().parent.parent

SHARED = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)


def load_articles(limit: int | None) -> list[Article]:
    raw: list[Article] = []
    for path in sorted((SHARED / "dev").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cluster = json.loads(line)
            for k, doc in enumerate(cluster.get("documents", [])):
                text = doc.get("text") or ""
                if text.strip():
                    aid = f"{path.stem}:{cluster.get('id', '')}:{k}"
                    raw.append(Article(id=aid, source=aid, text=text, title=doc.get("title") or ""))
    articles, _ = prepare_articles(raw)
    return articles[:limit] if limit else articles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    ap.add_argument("--trace", action="store_true", help="also measure peak memory with tracemalloc")
    args = ap.parse_args()
    articles = load_articles(args.limit)
    t0 = time.perf_counter()
    sentences = [split_article(a) for a in articles]
    t1 = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c1 = time.process_time()
    pool = build_pool(articles, sentences)
    t2 = time.perf_counter()
    cpu = time.process_time() - c1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = sum(len(s) for s in sentences)
    merged = sum(1 for f in pool.facts if len(f.members) > 1)
    print(f"articles        {len(articles)}")
    print(f"sentences       {n}")
    print(f"facts           {len(pool.facts)} ({merged} merged from several sentences)")
    print(f"families        {len(set(pool.families.values()))}")
    print(f"split seconds   {t1 - t0:.2f}")
    print(f"pool seconds    {t2 - t1:.2f} wall, {cpu:.2f} CPU (wall counts other load too)")
    print(f"process max RSS {rss:.0f} MiB ({rss - rss_before:+.0f} MiB during the pool)")
    if args.trace:
        # tracemalloc slows allocation-heavy code several times: a separate, traced run
        from briefing.text.signature import signature

        signature.cache_clear()
        tracemalloc.start()
        build_pool(articles, sentences)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"pool peak MiB   {peak / 2**20:.1f} (tracemalloc, separate run)")


if __name__ == "__main__":
    main()
