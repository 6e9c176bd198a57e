"""What the render stage produces on the dev clusters: quotations attributed, disagreements
reported (to read for false ones), repeats and time. Prints figures; run from the repository:

    PYTHONPATH=. python bench/render_quality.py [--show]

`--show` prints every reported disagreement with its versions, to check them by eye.
The shared data is found next to the repository, or where BRIEFING_SHARED_DATA points.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from briefing.compose.attribution import find_attributions
from briefing.compose.briefing import make_briefing
from briefing.compose.prompt import load_prompt
from briefing.models import Article
from briefing.pipeline import pool_articles, prepare_articles
from briefing.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(os.environ.get("BRIEFING_SHARED_DATA") or ROOT.parent / "shared" / "data") / "dev"
SETS = ("duc2003_task2.jsonl", "multiling2011_en.jsonl", "duc2007_main_partial.jsonl")


def clusters():
    if not DEV.exists():
        raise SystemExit(f"{DEV} is absent: the benchmark needs the shared dev data")
    for name in SETS:
        for line in (DEV / name).read_text(encoding="utf-8").splitlines():
            yield name, json.loads(line)


def main(show: bool) -> None:
    prompt = load_prompt("default")
    totals: Counter[str] = Counter()
    per_set: dict[str, Counter[str]] = {}
    for name, cluster in clusters():
        arts = [
            Article(
                id=f"{cluster['id']}-{i}",
                source=f"{cluster['id']}-{i}.txt",
                text=d["text"],
                title=d.get("title", ""),
                outlet=d.get("source", ""),
                date=d.get("date", ""),
            )
            for i, d in enumerate(cluster["documents"])
        ]
        cleaned, _ = prepare_articles(arts)
        pool = pool_articles(cleaned)
        start = time.perf_counter()
        briefing = make_briefing(pool, prompt, Settings())
        spent = time.perf_counter() - start
        atts = find_attributions(pool)
        items = [it for s in briefing.sections for it in s.items]
        c = per_set.setdefault(name, Counter())
        c["clusters"] += 1
        c["articles"] += len(pool.articles)
        c["quotes found"] += len(atts)
        c["quotes via he/she or continuation"] += sum(1 for a in atts if not a.direct)
        c["quotes shown"] += len(briefing.quotes)
        c["bullets"] += len(items)
        c["repeated fact ids"] += len(items) - len({it.fact_id for it in items})
        c["bullets without citation"] += sum(1 for it in items if not it.citations)
        for d in briefing.disagreements:
            c[f"disagreements: {d.kind}"] += 1
            if show:
                print(f"{cluster['id']} {d.kind} ({d.subject})")
                for v in d.versions:
                    print(f"    {v.value} {list(v.citations)}: {v.text}")
        c["make_briefing ms"] += round(spent * 1000)
    for c in per_set.values():
        totals.update(c)
    for name, c in per_set.items():
        print(f"\n{name}")
        for key, value in sorted(c.items()):
            print(f"  {key:40} {value}")
    print(f"\nms per cluster (make_briefing): {totals['make_briefing ms'] / totals['clusters']:.0f}")


if __name__ == "__main__":
    main("--show" in sys.argv[1:])
