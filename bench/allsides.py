"""Corroboration, cross-event credit, budgets and ROUGE on the AllSides three-outlet events.

../shared/data/dev/allsides_roundups.jsonl holds 369 events, each reported by three outlets
that wrote their own story (left, centre, right), with one human roundup as reference. Every
briefing is built through the library API (`build_briefing`) from a temporary folder of one
.json record per document, and read back as data through the JSON renderer. Figures (issue 17):

  top >=2 outlets   share of events whose top key point (first bullet of the first section)
                    is credited to two or more independent origins (default settings)
  bullets >=2       share of all bullets (default settings) with two or more origins
  alike             pairs of bullets of one default briefing of which the shorter has half its
                    content stems in the other (one claim told twice, or two claims on one thing)
  false credit      builds over two unrelated events' articles mixed (pairs k, k+1 of the
                    split's order): share of bullets citing articles of both events
  words=100         bullet words per briefing (quartiles), briefings within 85-100 words and
                    over 100, bullets of 5 words or fewer, bullets cut with "..." or "…"
  sentences=N       briefings with exactly N bullets (of all; of those whose pool has >= N facts)
  ROUGE-1/2         recall of the words=100 bullets, cut to 100 words, against the reference
                    (rouge-score with stemming, as briefing/evaluate.py); `lead` is a baseline:
                    each outlet's first sentence in turn, cut to 100 words

Events are split once, by sha1 of their id: `held` are those whose digest falls in the lowest
20 % (74 of 369), `tune` the rest (295). Tune on `tune`; look at `held` only to check.

    .venv/bin/python bench/allsides.py                      # tune and held, a table
    .venv/bin/python bench/allsides.py --split held --show  # + the examples behind the figures
    .venv/bin/python bench/allsides.py --split all --json   # one split of every event, as JSON

A full run (tune and held: 369 events and 182 mixed pairs, about 2,000 builds) takes about 20 s
on the 2 cores of the dev machine (35 s with --workers 1); `--limit N` takes the first N events of each split (in digest order).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from briefing.evaluate import RougeRecall, truncate
from briefing.pipeline import build_briefing, read_pool
from briefing.render.formats import render
from briefing.settings import Settings
from briefing.text.stems import content_stems

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import DEV

EVENTS = DEV / "allsides_roundups.jsonl"
HELD_SHARE = 0.2
WORDS = 100
SENTENCES = (5, 8)
SHORT = 5  # a bullet of this many words or fewer is a fragment
CUT = ("...", "…")
ALIKE = 0.5  # two bullets of one briefing are alike when the shorter's content stems are this much in the other


# --- events and splits --------------------------------------------------------------------

def _digest(event_id: str) -> str:
    return hashlib.sha1(event_id.encode("utf-8")).hexdigest()


def split_of(event_id: str) -> str:
    """`held` when the id's sha1 falls in the lowest HELD_SHARE of the digest range."""
    return "held" if int(_digest(event_id)[:8], 16) < HELD_SHARE * 16**8 else "tune"


def load_events(split: str, limit: int | None = None) -> list[dict]:
    """The split's events in digest order (`all`: every event), at most `limit` of them."""
    if not EVENTS.exists():
        raise SystemExit(f"{EVENTS} is absent: the benchmark needs the shared dev data")
    rows = [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if split == "all" or split_of(r["id"]) == split]
    rows.sort(key=lambda r: _digest(r["id"]))
    return rows[:limit] if limit else rows


def _write(folder: Path, event: dict) -> None:
    """One .json record per document, as a user would hand them to `briefing build`."""
    for j, doc in enumerate(event["documents"]):
        record = {k: doc.get(k, "") for k in ("title", "source", "date", "url", "text")}
        (folder / f"{event['id']}-{j}.json").write_text(json.dumps(record), encoding="utf-8")


def _build(folder: Path, settings: Settings) -> dict:
    return json.loads(render(build_briefing([folder], settings), "json"))


def bullets(data: dict) -> list[dict]:
    return [item for section in data["sections"] for item in section["items"]]


# --- one event ------------------------------------------------------------------------------

@cache
def _scorer() -> RougeRecall:
    return RougeRecall()  # one a worker process


def _rouge(summary: str, references: list[str]) -> tuple[float, float]:
    return _scorer()(truncate(summary, WORDS), references)


def _lead(event: dict) -> str:
    """Baseline: each outlet's first sentence, then each one's second, ... (Punkt-free)."""
    split = [re.split(r"(?<=[.!?])\s+", d["text"].strip()) for d in event["documents"]]
    turns = [s[k] for k in range(max(map(len, split))) for s in split if k < len(s)]
    return " ".join(turns)


def _doc_index(event: dict, label: str) -> int:
    for j, doc in enumerate(event["documents"]):
        if label in (doc["url"], f"{event['id']}-{j}.json"):
            return j
    raise KeyError(label)


def measure_event(event: dict) -> dict:
    """Everything one event contributes to the figures (plain data, for the process pool)."""
    with tempfile.TemporaryDirectory(prefix="allsides-") as tmp:
        folder = Path(tmp)
        _write(folder, event)
        data = _build(folder, Settings())
        words = bullets(_build(folder, Settings(words=WORDS)))
        sentences = {n: len(bullets(_build(folder, Settings(sentences=n)))) for n in SENTENCES}
        facts = len(read_pool([folder])[0].facts)
    default = bullets(data)
    lead_items = data["sections"][0]["items"] if data["sections"] else []
    first = None
    if lead_items:  # which documents the top point cites, for --show
        doc_of = {s["number"]: _doc_index(event, s["label"]) for s in data["sources"]}
        first = {"text": lead_items[0]["text"], "origins": lead_items[0]["origins"],
                 "docs": sorted(doc_of[c] for c in lead_items[0]["citations"])}
    text = " ".join(b["text"] for b in words)
    return {
        "id": event["id"],
        "top": first,
        "origins": [b["origins"] for b in default],
        "alike": alike_pairs([b["text"] for b in default]),
        "words": [b["text"] for b in words],
        "sentences": sentences,
        "facts": facts,
        "rouge": _rouge(text, event["references"]),
        "lead": _rouge(_lead(event), event["references"]),
    }


def alike_pairs(texts: list[str]) -> int:
    """Pairs of bullets of which the shorter has at least ALIKE of its content stems in the
    other: a rough count of one claim told twice (or of two claims on one thing)."""
    sets = [set(content_stems(t)) for t in texts]
    return sum(
        len(a & b) >= ALIKE * min(len(a), len(b)) > 0
        for k, a in enumerate(sets) for b in sets[k + 1:]
    )


# --- two unrelated events mixed -------------------------------------------------------------

_STOP = frozenset("after amid about against over into with from that this their for the and "
                  "says said will would could than more new first".split())


def _topic_words(event: dict) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{4,}", event["issue"].lower()) if w not in _STOP}


def related(a: dict, b: dict) -> bool:
    """Two events about the same story: a shared article, or two shared topic words."""
    urls = {d["url"] for d in a["documents"]} & {d["url"] for d in b["documents"]}
    return bool(urls) or len(_topic_words(a) & _topic_words(b)) >= 2


def pairs(events: list[dict]) -> tuple[list[tuple[dict, dict]], int]:
    """Events (0, 1), (2, 3), ... of the split's order, less related pairs (and how many)."""
    both = [(events[k], events[k + 1]) for k in range(0, len(events) - 1, 2)]
    kept = [(a, b) for a, b in both if not related(a, b)]
    return kept, len(both) - len(kept)


def measure_pair(pair: tuple[dict, dict]) -> dict:
    """Bullets of one build over both events' articles, and those citing both events."""
    with tempfile.TemporaryDirectory(prefix="allsides-pair-") as tmp:
        folder = Path(tmp)
        owner: dict[str, int] = {}
        for k, event in enumerate(pair):
            _write(folder, event)
            for j, doc in enumerate(event["documents"]):
                owner[doc["url"]] = owner[f"{event['id']}-{j}.json"] = k
        data = _build(folder, Settings())
    event_of = {s["number"]: owner[s["label"]] for s in data["sources"]}
    items = bullets(data)
    false = [b["text"] for b in items if len({event_of[c] for c in b["citations"]}) > 1]
    return {"ids": [e["id"] for e in pair], "bullets": len(items), "false": false}


# --- figures --------------------------------------------------------------------------------

def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _quartiles(values: list[int]) -> list[float]:
    if len(values) < 2:
        return [float(v) for v in values * 3]
    return [round(q, 1) for q in statistics.quantiles(values, n=4)]


def budget_figures(results: list[dict]) -> dict:
    """Words per `words=100` briefing, fragments and cut sentences; `sentences=N` met or not."""
    per = [sum(len(t.split()) for t in r["words"]) for r in results]
    texts = [t for r in results for t in r["words"]]
    out = {
        "words_quartiles": _quartiles(per),
        "words_within_85_100": _share(sum(WORDS * 0.85 <= w <= WORDS for w in per), len(per)),
        "words_over": sum(w > WORDS for w in per),
        "words_bullets": len(texts),
        "words_short_bullets": sum(len(t.split()) <= SHORT for t in texts),
        "words_cut_bullets": sum(t.rstrip().endswith(CUT) for t in texts),
    }
    for n in SENTENCES:
        got = [r["sentences"][n] for r in results]
        able = [r["sentences"][n] for r in results if r["facts"] >= n]
        out[f"sentences_{n}_exact"] = _share(sum(g == n for g in got), len(got))
        out[f"sentences_{n}_exact_when_possible"] = _share(sum(g == n for g in able), len(able))
        out[f"sentences_{n}_median"] = statistics.median(got) if got else None
    return out


def figures(results: list[dict], mixed: list[dict], related_pairs: int) -> dict:
    origins = [o for r in results for o in r["origins"]]
    n = len(results)
    mixed_bullets = sum(p["bullets"] for p in mixed)
    return {
        "events": n,
        "top_multi": _share(sum(bool(r["top"] and r["top"]["origins"] >= 2) for r in results), n),
        "top_missing": sum(r["top"] is None for r in results),
        "bullets": len(origins),
        "bullets_median": statistics.median(len(r["origins"]) for r in results) if n else None,
        "bullets_multi": _share(sum(o >= 2 for o in origins), len(origins)),
        "alike_pairs": sum(r["alike"] for r in results),
        "alike_briefings": _share(sum(r["alike"] > 0 for r in results), n),
        "pairs": len(mixed),
        "pairs_related_skipped": related_pairs,
        "pair_bullets": mixed_bullets,
        "false_credit": _share(sum(len(p["false"]) for p in mixed), mixed_bullets),
        **budget_figures(results),
        "rouge1": round(statistics.fmean(r["rouge"][0] for r in results), 4) if n else None,
        "rouge2": round(statistics.fmean(r["rouge"][1] for r in results), 4) if n else None,
        "lead_rouge1": round(statistics.fmean(r["lead"][0] for r in results), 4) if n else None,
        "lead_rouge2": round(statistics.fmean(r["lead"][1] for r in results), 4) if n else None,
    }


def run(events: list[dict], workers: int) -> tuple[list[dict], list[dict], int]:
    """Every event and every pair of the split, over a process pool (results in input order)."""
    kept, skipped = pairs(events)
    with ProcessPoolExecutor(workers) as ex:
        results = list(ex.map(measure_event, events, chunksize=4))
        mixed = list(ex.map(measure_pair, kept, chunksize=2))
    return results, mixed, skipped


# --- output ---------------------------------------------------------------------------------

def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def _rows(f: dict) -> list[tuple[str, str]]:
    q = f["words_quartiles"]
    rows = [
        ("events (pairs mixed, related skipped)",
         f"{f['events']} ({f['pairs']}, {f['pairs_related_skipped']})"),
        ("top point >= 2 outlets (no top point)", f"{_pct(f['top_multi'])} ({f['top_missing']})"),
        ("bullets >= 2 outlets (of all; median a briefing)",
         f"{_pct(f['bullets_multi'])} (of {f['bullets']}; {f['bullets_median']:g})"),
        (f"bullet pairs alike ({ALIKE:g} of the shorter's stems; briefings with any)",
         f"{f['alike_pairs']} ({_pct(f['alike_briefings'])})"),
        ("false credit, mixed pairs", f"{_pct(f['false_credit'])} of {f['pair_bullets']}"),
        (f"words={WORDS}: bullet words q1/med/q3", "/".join(f"{v:g}" for v in q)),
        (f"words={WORDS}: within 85-100, over", f"{_pct(f['words_within_85_100'])}, {f['words_over']}"),
        (f"words={WORDS}: bullets <= {SHORT} words, cut",
         f"{f['words_short_bullets']}, {f['words_cut_bullets']} of {f['words_bullets']}"),
    ]
    for n in SENTENCES:
        rows.append((f"sentences={n}: exactly {n} (pool >= {n}), median",
                     f"{_pct(f[f'sentences_{n}_exact'])} ({_pct(f[f'sentences_{n}_exact_when_possible'])}),"
                     f" {f[f'sentences_{n}_median']:g}"))
    rows.append((f"ROUGE-1/2 recall @{WORDS} (lead)",
                 f"{f['rouge1']:.3f}/{f['rouge2']:.3f} ({f['lead_rouge1']:.3f}/{f['lead_rouge2']:.3f})"))
    return rows


def print_table(by_split: dict[str, dict]) -> None:
    names = list(by_split)
    table = [_rows(by_split[s]) for s in names]
    width = max(len(label) for label, _ in table[0])
    cols = [max(len(s), *(len(v) for _, v in t)) for s, t in zip(names, table, strict=True)]
    print(" " * width, *(s.rjust(c) for s, c in zip(names, cols, strict=True)), sep="  ")
    for k, (label, _) in enumerate(table[0]):
        print(label.ljust(width), *(t[k][1].rjust(c) for t, c in zip(table, cols, strict=True)), sep="  ")


def _first_sentences(text: str, n: int = 2) -> str:
    return " ".join(re.split(r"(?<=[.!?])\s+", text.strip())[:n])


def show(events: list[dict], results: list[dict], mixed: list[dict]) -> None:
    """The cases behind the figures: single-outlet top points next to the other outlets' leads,
    fragments and cut bullets at words=100, false credits in mixed builds."""
    by_id = {e["id"]: e for e in events}
    print("\n## Top point credited to one outlet")
    for r in results:
        top, event = r["top"], by_id[r["id"]]
        if top is None or top["origins"] >= 2:
            continue
        print(f"\n{r['id']} — {event['issue']}\n  TOP   [{event['documents'][top['docs'][0]]['source']}] {top['text']}")
        for j, doc in enumerate(event["documents"]):
            if j not in top["docs"]:
                print(f"  OTHER [{doc['source']}] {_first_sentences(doc['text'])}")
    print(f"\n## Bullets of {SHORT} words or fewer, or cut, at words={WORDS}")
    for r in results:
        for t in r["words"]:
            if len(t.split()) <= SHORT or t.rstrip().endswith(CUT):
                print(f"  {r['id']}: {t}")
    print("\n## False credits in mixed builds")
    for p in mixed:
        for t in p["false"]:
            print(f"  {' + '.join(p['ids'])}: {t}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "held", "all"), action="append",
                    help="repeatable; default: tune and held")
    ap.add_argument("--limit", type=int, help="first N events of each split")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--show", action="store_true", help="print the examples behind the figures")
    args = ap.parse_args()
    by_split: dict[str, dict] = {}
    for split in args.split or ["tune", "held"]:
        start = time.perf_counter()
        events = load_events(split, args.limit)
        results, mixed, skipped = run(events, args.workers)
        by_split[split] = {**figures(results, mixed, skipped), "seconds": round(time.perf_counter() - start, 1)}
        if args.show:
            print(f"# {split}")
            show(events, results, mixed)
    if args.json:
        print(json.dumps(by_split, indent=2))
        return
    print_table(by_split)
    print("seconds", *(f"{s}: {f['seconds']}" for s, f in by_split.items()), sep="  ")


if __name__ == "__main__":
    main()
