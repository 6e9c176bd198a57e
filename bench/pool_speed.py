"""Time the pool on every ../shared/data/dev cluster combined (about 900 articles).

    PYTHONPATH=. python bench/pool_speed.py [--limit N]

Prints the number of articles and sentences, the seconds taken by the pool stage alone (and
by split + pool), the peak traced memory of the pool stage, and the process's peak RSS.
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
from briefing.pool import build_pool
from briefing.sentences import split_article

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
    args = ap.parse_args()
    articles = load_articles(args.limit)
    t0 = time.perf_counter()
    sentences = [split_article(a) for a in articles]
    t1 = time.perf_counter()
    tracemalloc.start()
    pool = build_pool(articles, sentences)
    t2 = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # a second, untraced run: tracemalloc itself slows allocation-heavy code
    t3 = time.perf_counter()
    build_pool(articles, sentences)
    t4 = time.perf_counter()
    n = sum(len(s) for s in sentences)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    merged = sum(1 for f in pool.facts if len(f.members) > 1)
    families = len(set(pool.families.values()))
    print(f"articles        {len(articles)}")
    print(f"sentences       {n}")
    print(f"facts           {len(pool.facts)} ({merged} merged from several sentences)")
    print(f"families        {families}")
    print(f"split seconds   {t1 - t0:.2f}")
    print(f"pool seconds    {t4 - t3:.2f} (traced run: {t2 - t1:.2f})")
    print(f"pool peak MiB   {peak / 2**20:.1f} (tracemalloc)")
    print(f"process max RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
