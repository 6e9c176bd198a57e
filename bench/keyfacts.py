"""Key-fact coverage of the seeds briefing (five outlets' reports of the Paris summit, 4 Sept 2025).

Twelve facts an editor would put in a briefing of that story, each a small set of regex
alternatives that recognise it however an outlet worded it (case-insensitive, over one bullet).
For the default method and every sumy method, at the prompt's default budget and at
`words=400`, the table gives: key facts covered by the bullets (and with the "What they said"
quotes added), bullet words, and facts shown twice (matched by two or more bullets).

    .venv/bin/python bench/keyfacts.py            # the table (about 10 s on 2 cores)
    .venv/bin/python bench/keyfacts.py --check    # each fact's sentences in the seeds' pool
    .venv/bin/python bench/keyfacts.py --show     # which bullet matched which fact
    .venv/bin/python bench/keyfacts.py --json

`--check` is there to trust the patterns: every fact must be found in the pool, in most of
the outlets, and nothing else should match.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from briefing.pipeline import build_briefing, read_pool
from briefing.rank.methods import METHODS
from briefing.render.formats import render
from briefing.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import SHARED

SEEDS = Path(SHARED) / "seeds"
BUDGETS = {"default": {}, "words=400": {"words": 400}}

_US = r"(?:U\.?S\.?|US|American|Washington|United States)"
FACTS: dict[str, tuple[str, ...]] = {
    "26 countries pledge troops": (
        r"\b(?:26|twenty-six)\b.{0,120}\b(?:troops|deploy\w*|reassurance force|security guarantees)",
        r"(?:pledged|committed|agreed|ready) to (?:send|deploy|provide)\w*.{0,40}\b(?:troops|forces|guarantees)",
    ),
    "deployed after a ceasefire / once fighting ends": (
        r"day after a ceasefire", r"once (?:the )?fighting ends", r"the day the conflict stops",
        r"(?:ceasefire|peace) (?:deal )?is (?:agreed|achieved)",
    ),
    "35-country coalition summit": (r"\b(?:35|thirty-five) (?:countries|nations)\b",),
    "US backing to be finalised / unclear": (
        r"finali[sz]ed", rf"(?:details|extent) of (?:any )?{_US} (?:participation|involvement)",
        r"expressed willingness to be part", r"no explicit commitment", rf"{_US} backing could",
    ),
    "Russia rejects foreign troops": (
        r"no (?:western|foreign) (?:forces|troops)", r"definitely not, they cannot",
        r"ruled out the deployment of (?:troops|forces)", r"(?:rejects?|rejected|opposes) (?:any )?(?:western|foreign|nato) troops",
    ),
    "Rutte: not for Russia to decide": (
        r"not for them to decide", r"no veto", r"what Russia thinks", r"Russia has nothing to do with this",
    ),
    "Trump: Europe must stop buying Russian oil and gas": (
        r"(?:stop|halt|end)\w* (?:buying |purchasing |imports of )?Russian (?:oil|gas|energy)",
        r"economic pressure on Russia", r"war machine by economic means", r"1\.1 ?(?:bn|billion)",
    ),
    "Trump: pressure on China": (r"pressure on China", r"China for indirectly funding", r"and on China"),
    "sanctions raised if Russia stalls": (r"sanctions",),
    "Zelensky-Putin meeting": (
        r"meeting (?:with|between|involving) (?:Mr\.? )?(?:Putin|Zelensk)", r"come to Moscow",
        r"talks between .{0,40}Putin and Zelensk",
        r"(?:Putin|Zelensk\w*) (?:and|or) (?:Mr\.? )?(?:Putin|Zelensk\w*)[^.]{0,40}meet",
    ),
    "Starmer: unbreakable pledge, press Putin": (r"unbreakable pledge", r"Starmer.{0,160}press\w* (?:on )?(?:Putin|Russia)"),
    "force not to wage war on Russia": (r"waging war against Russia", r"prevent any new major aggression"),
}
PATTERNS = {name: [re.compile(p, re.IGNORECASE) for p in alts] for name, alts in FACTS.items()}


def facts_in(text: str) -> set[str]:
    """The key facts a text reports."""
    return {name for name, pats in PATTERNS.items() if any(p.search(text) for p in pats)}


def measure(job: tuple[str, str]) -> dict:
    """One seeds briefing: key facts in its bullets (and quotes), words, facts shown twice."""
    method, budget = job
    data = json.loads(render(build_briefing([SEEDS], Settings(method=method, **BUDGETS[budget])), "json"))
    texts = [item["text"] for section in data["sections"] for item in section["items"]]
    per_bullet = [sorted(facts_in(t)) for t in texts]
    counts = {name: sum(name in got for got in per_bullet) for name in FACTS}
    quoted = set().union(*(facts_in(q["text"]) for q in data["quotes"]))
    covered = {name for name, n in counts.items() if n}
    return {
        "method": method,
        "budget": budget,
        "covered": len(covered),
        "with_quotes": len(covered | quoted),
        "words": sum(len(t.split()) for t in texts),
        "bullets": len(texts),
        "twice": sorted(name for name, n in counts.items() if n >= 2),
        "matches": list(zip(texts, per_bullet, strict=True)),
    }


def check() -> None:
    """Each fact's sentences in the seeds' pool, with the number of articles carrying it."""
    pool, _ = read_pool([SEEDS])
    outlets = {a.id: a.label for a in pool.articles}
    for name in FACTS:
        hits = [f for f in pool.facts if name in facts_in(f.text)]
        arts = {m.article_id for f in hits for m in f.members}
        print(f"\n## {name}: {len(hits)} pool facts, {len(arts)} of {len(outlets)} articles")
        for f in hits:
            print(f"  [{len(f.articles)}] {f.text}")


def print_table(rows: list[dict]) -> None:
    by = {(r["method"], r["budget"]): r for r in rows}
    width = max(len(m) for m in METHODS)
    head = "facts +quotes words twice"
    print(f"of {len(FACTS)} key facts".ljust(width + 2), *(f"| {b:<{len(head)}}" for b in BUDGETS))
    print("method".ljust(width + 2), *(f"| {head}" for _ in BUDGETS))
    for method in METHODS:
        cells = [by[(method, b)] for b in BUDGETS]
        print(method.ljust(width + 2), *(
            f"| {r['covered']:>5} {r['with_quotes']:>7} {r['words']:>5} {len(r['twice']):>5}" for r in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="print each fact's sentences in the pool")
    ap.add_argument("--show", action="store_true", help="print which bullet matched which fact")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    if not SEEDS.exists():
        raise SystemExit(f"{SEEDS} is absent: the benchmark needs the shared seeds")
    if args.check:
        check()
        return
    jobs = [(m, b) for m in METHODS for b in BUDGETS]
    with ProcessPoolExecutor(args.workers) as ex:
        rows = list(ex.map(measure, jobs))
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "matches"} for r in rows], indent=2))
        return
    print_table(rows)
    if args.show:
        for r in rows:
            print(f"\n## {r['method']} @ {r['budget']}: twice {r['twice']}")
            for text, got in r["matches"]:
                print(f"  {got or '-'}  {text}")


if __name__ == "__main__":
    main()
