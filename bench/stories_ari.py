"""Story clustering on mixed, shuffled news clusters: adjusted Rand index, pair precision and
recall, purity, story count.

Usage: PYTHONPATH=. python bench/stories_ari.py [--threshold T] [--seed N]

Every document of each evaluation set is mixed with the others and shuffled, then grouped
back with `briefing.stories`; the true clusters are the sets' own clusters. Besides each set
alone and all of them together, it runs mixes of 50 clusters x 10 documents drawn from all
sets (the shape of the reviewers' held-out check), mixes shaped like a news day (60
stories of 1 to 15 articles: many single reports, a few big stories), and days of AllSides
events (three outlets' own reports of one event; 20 events a day, drawn from the whole set,
so two events on one subject can meet), and the pages of bench/web_day.py's days (real saved
pages, AllSides events and wire stories in page furniture, read as `daily` reads them). Pair precision is the share of article pairs put in
one story that report one event; pair recall, the share of same-event pairs put together.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from briefing.daily.stories import DEFAULT_THRESHOLD, cluster_articles
from briefing.models import Article
from briefing.pipeline import prepare_articles
from briefing.read.decode import article_id, decode_bytes


def _dev_dir() -> Path:
    """$BRIEFING_SHARED_DATA/dev, else the nearest `shared/data/dev` above this script."""
    if os.environ.get("BRIEFING_SHARED_DATA"):
        return Path(os.environ["BRIEFING_SHARED_DATA"]) / "dev"
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data" / "dev").is_dir():
            return parent / "shared" / "data" / "dev"
    return Path("shared/data/dev")


DEV = _dev_dir()
SETS = ("duc2003_task2", "multiling2011_en", "duc2007_main_partial")
ALLSIDES = "allsides_roundups"


def load(name: str) -> list[tuple[str, list[dict]]]:
    with open(DEV / f"{name}.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [(f"{name}/{row['id']}", row["documents"]) for row in rows]


# story sizes of a news day: many single reports, some pairs and threes, a few big stories
DAY_SIZES = (1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8, 10, 15)


def mix(clusters: list[tuple[str, list[dict]]], seed: int, per: int | None = None,
        n_clusters: int | None = None, day: bool = False) -> tuple[list[Article], list[str]]:
    rng = random.Random(seed)
    if n_clusters is not None:
        clusters = rng.sample(clusters, n_clusters)
    docs: list[tuple[str, dict]] = []
    for cid, documents in clusters:
        size = rng.choice(DAY_SIZES) if day else per
        chosen = rng.sample(documents, size) if size and len(documents) > size else documents
        docs += [(cid, d) for d in chosen]
    rng.shuffle(docs)
    articles = []
    for i, (_, d) in enumerate(docs):
        source = f"doc{i}"
        articles.append(Article(id=article_id(source, d["text"]), source=source, text=d["text"],
                                title=d.get("title", ""), date=d.get("date", "")))
    return articles, [cid for cid, _ in docs]


def purity(truth: list[str], pred: list[int]) -> float:
    groups: dict[int, list[str]] = defaultdict(list)
    for t, p in zip(truth, pred, strict=True):
        groups[p].append(t)
    return sum(Counter(g).most_common(1)[0][1] for g in groups.values()) / len(truth)


def pair_scores(truth: list[str], pred: list[int]) -> tuple[float, float]:
    """(precision, recall) over article pairs: put together, and reporting one event."""
    together = same = both = 0
    by_pred: dict[int, Counter] = defaultdict(Counter)
    for t, p in zip(truth, pred, strict=True):
        by_pred[p][t] += 1
    for counts in by_pred.values():
        n = sum(counts.values())
        together += n * (n - 1) // 2
        both += sum(c * (c - 1) // 2 for c in counts.values())
    same = sum(c * (c - 1) // 2 for c in Counter(truth).values())
    return (both / together if together else 1.0), (both / same if same else 1.0)


def evaluate(name: str, articles: list[Article], truth: list[str], threshold: float) -> float:
    cleaned, _ = prepare_articles(articles)
    keep = {a.id for a in cleaned}
    truth = [t for a, t in zip(articles, truth, strict=True) if a.id in keep]
    start = time.perf_counter()
    stories = cluster_articles(cleaned, threshold)
    seconds = time.perf_counter() - start
    where = {aid: n for n, s in enumerate(stories) for aid in s.articles}
    pred = [where[a.id] for a in cleaned]
    ari = adjusted_rand_score(truth, pred)
    precision, recall = pair_scores(truth, pred)
    print(f"{name:<28} docs {len(cleaned):>4}  clusters {len(set(truth)):>3}  stories {len(stories):>4}"
          f"  ARI {ari:.3f}  pairs P {precision:.3f} R {recall:.3f}  purity {purity(truth, pred):.3f}"
          f"  {seconds:.2f}s")
    return ari


class _Site:  # where bench pages say they are served (nothing is served: pages are read as bytes)
    @staticmethod
    def url_for(path: str) -> str:
        return "http://127.0.0.1:8000" + path


def web_day(seed: int) -> tuple[list[Article], list[str]]:
    """The pages of bench/web_day.py's day for `seed` (real saved pages, AllSides events and
    wire stories in page furniture), read as `daily` reads a fetched page."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import websupport

    from briefing.read.page import article_from_html

    shared = DEV.parent
    articles, truth = [], []
    for page in websupport.day_pages(_Site(), shared / "web", DEV, "2026-12-02", seed=seed):
        url = _Site.url_for(page.path)
        try:
            articles.append(article_from_html(decode_bytes(page.body), url, url))
        except ValueError:
            continue
        truth.append(page.group)
    return articles, truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not DEV.exists():
        print(f"{DEV} is absent: nothing to measure", file=sys.stderr)
        return 1
    data = {name: load(name) for name in SETS}
    aris = []
    for name in SETS:
        aris.append(evaluate(name, *mix(data[name], args.seed), args.threshold))
    everything = [c for name in SETS for c in data[name]]
    aris.append(evaluate("all sets", *mix(everything, args.seed), args.threshold))
    for k in range(3):
        seed = args.seed + k
        aris.append(evaluate(f"50 clusters x 10 (seed {seed})",
                             *mix(everything, seed, per=10, n_clusters=50), args.threshold))
    for k in range(2):
        seed = args.seed + k
        aris.append(evaluate(f"60 stories of 1-15 (seed {seed})",
                             *mix(everything, seed, n_clusters=60, day=True), args.threshold))
    if (DEV / f"{ALLSIDES}.jsonl").exists():
        events = load(ALLSIDES)
        for k in range(3):
            seed = args.seed + k
            aris.append(evaluate(f"AllSides 20 events (seed {seed})",
                                 *mix(events, seed, n_clusters=20), args.threshold))
    if (DEV.parent / "web" / "pages.json").exists():
        for k in range(3):
            seed = args.seed + k
            aris.append(evaluate(f"web day (seed {seed})", *web_day(seed), args.threshold))
    print(f"threshold {args.threshold}: mean ARI {sum(aris) / len(aris):.3f}, min {min(aris):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
