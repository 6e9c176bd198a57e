"""Where one `briefing build` spends its time, stage by stage, in one process.

Times the imports, then ingest, clean, split, pool (normalise, candidates + decisions, the rest),
and in the briefing step each helper the orchestrator calls (quotes, disagreements, near
repeats, ranking, selection, headline, ...), then rendering. Each helper is wrapped where
briefing.pipeline looks it up, so the figures are the real calls, with no profiler overhead.

    python bench/stages.py DIR [--method default] [--wall]

`--wall` times each stage by the clock instead of this process's CPU: with a forked second
process (see briefing/parallel.py) the parent's CPU misses the child's share.
"""

from __future__ import annotations

import argparse
import functools
import gc
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
    ap.add_argument("--wall", action="store_true", help="time stages by the clock, not CPU")
    args = ap.parse_args()
    clock = time.perf_counter if args.wall else time.process_time
    spent: dict[str, float] = defaultdict(float)
    peak_after: dict[str, float] = {}
    gc.disable()  # as `build` runs (pipeline.without_cycle_collector)
    t0 = clock()
    w0 = time.perf_counter()
    from briefing import pipeline
    from briefing.compose import briefing as composer
    from briefing.compose.prompt import load_prompt
    from briefing.deliver.files import save_briefing  # noqa: F401  (the CLI imports it too)
    from briefing.pool import build as pool
    from briefing.read.files import ingest
    from briefing.render.formats import render

    spent["imports"] = clock() - t0

    def timed(module, name: str, label: str) -> None:
        fn = getattr(module, name, None)
        if fn is None:  # a helper the orchestrator no longer calls
            return

        @functools.wraps(fn)
        def wrapper(*a, **k):
            t = clock()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += clock() - t
                peak_after[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        setattr(module, name, wrapper)

    timed(pool, "signature", "pool: normalise (signatures)")
    timed(pool, "decide_links", "pool: candidate pairs + decisions")
    timed(pool, "families_from_copies", "pool: syndication families")
    timed(pool, "with_support", "pool: support")
    from briefing.compose import budget as budget_module

    timed(budget_module, "select_facts", "briefing: select_facts (in fill_sections)")
    for name in (
        "build_index", "find_attributions", "group_quotes", "find_disagreements", "near_repeats",
        "score_queries", "fill_sections", "headline_of", "pick_quotes", "stems", "list_sources",
        "shortest_versions", "credited_articles", "restricted",
    ):
        timed(composer, name, f"briefing: {name}")

    def stage(label: str, fn, *a):
        t = clock()
        out = fn(*a)
        spent[label] += clock() - t
        peak_after[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out

    prompt = stage("prompt", load_prompt, "default")
    result = stage("ingest (read files)", ingest, [args.folder])
    if args.wall:  # as the build does it: on two cores when one is idle
        articles, _, sentences = stage("clean + split", pipeline.prepare_and_split, result.articles)
    else:
        articles, _ = stage("clean", pipeline.prepare_articles, result.articles)
        sentences = stage("split (Punkt)", lambda: [pipeline.split_article(a) for a in articles])
    built = stage("pool (total)", pool.build_pool, articles, sentences)
    from briefing.settings import Settings

    settings = Settings(method=args.method)
    briefing = stage("briefing (total)", composer.make_briefing, built, prompt, settings)
    stage("render markdown", render, briefing, "markdown")
    total = clock() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_sent = sum(len(s) for s in sentences)
    print(f"{len(articles)} articles, {n_sent} sentences, {len(built.facts)} facts; "
          f"{'wall' if args.wall else 'CPU'} {total:.2f} s (stages), wall {time.perf_counter() - w0:.2f} s, peak {peak:.0f} MiB")
    print(f"| stage | {'wall' if args.wall else 'CPU'} s | share | peak MiB after |")
    print("|---|---:|---:|---:|")
    for label, secs in spent.items():
        print(f"| {label} | {secs:.3f} | {100 * secs / total:.0f}% | {peak_after.get(label, 0):.0f} |")


if __name__ == "__main__":
    main()
