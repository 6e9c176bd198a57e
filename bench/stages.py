"""Where one `briefing build` spends its time, stage by stage, in one process.

Times the imports, then ingest, clean, split, pool (normalise, candidates + decisions, the rest),
and in the briefing step each helper the orchestrator calls (quotes, disagreements, near
repeats, ranking, selection, headline, ...), then rendering. Each helper is wrapped where
briefing.pipeline looks it up, so the figures are the real calls, with no profiler overhead.

    python bench/stages.py DIR [--method default]
"""

from __future__ import annotations

import argparse
import functools
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--method", default="default")
    args = ap.parse_args()
    spent: dict[str, float] = defaultdict(float)
    peak_after: dict[str, float] = {}
    t0 = time.process_time()
    w0 = time.perf_counter()
    from briefing import pipeline, pool
    from briefing.ingest import ingest
    from briefing.output import save_briefing  # noqa: F401  (the CLI imports it too)
    from briefing.prompts import load_prompt
    from briefing.render import render

    spent["imports"] = time.process_time() - t0

    def timed(module, name: str, label: str) -> None:
        fn = getattr(module, name)

        @functools.wraps(fn)
        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += time.process_time() - t
                peak_after[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        setattr(module, name, wrapper)

    timed(pool, "signature", "pool: normalise (signatures)")
    timed(pool, "decide_links", "pool: candidate pairs + decisions")
    timed(pool, "families_from_links", "pool: syndication families")
    for name in (
        "find_attributions", "group_quotes", "find_disagreements", "near_repeats", "score_facts",
        "select_facts", "headline_of", "pick_quotes", "stems", "standalone", "originals_of",
    ):
        timed(pipeline, name, f"briefing: {name}")

    def stage(label: str, fn, *a):
        t = time.process_time()
        out = fn(*a)
        spent[label] += time.process_time() - t
        peak_after[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out

    prompt = stage("prompt", load_prompt, "default")
    result = stage("ingest (read files)", ingest, [args.folder])
    articles, _ = stage("clean", pipeline.prepare_articles, result.articles)
    sentences = stage("split (Punkt)", lambda: [pipeline.split_article(a) for a in articles])
    built = stage("pool (total)", pool.build_pool, articles, sentences)
    settings = pipeline.Settings(method=args.method)
    briefing = stage("briefing (total)", pipeline.make_briefing, built, prompt, settings)
    stage("render markdown", render, briefing, "markdown")
    total = time.process_time() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_sent = sum(len(s) for s in sentences)
    print(f"{len(articles)} articles, {n_sent} sentences, {len(built.facts)} facts; "
          f"CPU {total:.2f} s, wall {time.perf_counter() - w0:.2f} s, peak {peak:.0f} MiB")
    print("| stage | CPU s | share | peak MiB after |")
    print("|---|---:|---:|---:|")
    for label, secs in spent.items():
        print(f"| {label} | {secs:.3f} | {100 * secs / total:.0f}% | {peak_after.get(label, 0):.0f} |")


if __name__ == "__main__":
    main()
