"""Precision and recall of the pool's support relation (briefing/pool/support.py) on AllSides events.

Three measures, on one split of ../shared/data/dev/allsides_roundups.jsonl (`tune` unless
told; `held` only to check):

  lead pairs     the first sentences of two outlets' reports of one event mostly report the
                 event's news: share of such pairs (facts opening articles of different
                 origins) that support links, and share of events with at least one linked
  cross-event    builds over two unrelated events' articles (pairs k, k+1 of the split's order,
                 as bench/allsides.py): support links between facts of different events (all
                 false), against all links made in those builds
  hand labels    bench/support_labels.tsv: candidate pairs of the tune split labelled by hand
                 (does one report the other's claim?), drawn per score stratum; precision and
                 recall of the links, each pair weighted by its stratum's size

    .venv/bin/python bench/support.py                 # tune
    .venv/bin/python bench/support.py --split held    # the honest check (no labels there)
    .venv/bin/python bench/support.py --fit           # refit the weights on the hand labels,
                                                      # with each feature's contribution
    .venv/bin/python bench/support.py --show          # the cross-event links and label errors
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from briefing.pipeline import read_pool
from briefing.pool import support
from briefing.text.signature import signature

sys.path.insert(0, str(Path(__file__).resolve().parent))
from allsides import _write, load_events, pairs

LABELS = Path(__file__).resolve().parent / "support_labels.tsv"


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _pool(events: list[dict]):
    with tempfile.TemporaryDirectory(prefix="support-") as tmp:
        for event in events:
            _write(Path(tmp), event)
        pool, _ = read_pool([tmp])
    return pool


def _linked(pool) -> set[tuple[int, int]]:
    index = {f.id: k for k, f in enumerate(pool.facts)}
    return {(min(k, index[s]), max(k, index[s])) for k, f in enumerate(pool.facts) for s in f.support}


def measure_event(event: dict) -> dict:
    pool = _pool([event])
    linked = _linked(pool)
    leads = [k for k, f in enumerate(pool.facts) if f.position == 0]
    lead_pairs = [
        (i, j) for i, j in itertools.combinations(leads, 2)
        if not set(pool.facts[i].origins) & set(pool.facts[j].origins)
    ]
    found = sum(p in linked for p in lead_pairs)
    texts = {_digest(f.text): k for k, f in enumerate(pool.facts)}
    return {"id": event["id"], "lead_pairs": len(lead_pairs), "lead_linked": found,
            "links": len(linked), "texts": texts, "linked": sorted(linked)}


def measure_pair(pair: tuple[dict, dict]) -> dict:
    pool = _pool(list(pair))
    first = {d["url"] for d in pair[0]["documents"]} | {f"{pair[0]['id']}-{j}.json" for j in range(3)}
    event_of = {a.id: 0 if (a.url in first or a.label in first) else 1 for a in pool.articles}
    false = []
    linked = _linked(pool)
    for i, j in linked:
        ei = {event_of[a] for a in pool.facts[i].articles}
        ej = {event_of[a] for a in pool.facts[j].articles}
        if ei != ej:
            false.append((pool.facts[i].text, pool.facts[j].text))
    return {"ids": [e["id"] for e in pair], "links": len(linked), "false": false}


def load_labels() -> list[dict]:
    with LABELS.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return [{**r, "y": r["label"] == "Y", "weight": float(r["weight"])} for r in rows]


def label_figures(labels: list[dict], results: dict[str, dict]) -> dict:
    tp = fp = fn = 0.0
    errors = []
    for r in labels:
        res = results.get(r["event"])
        if res is None:
            continue
        i, j = res["texts"].get(r["a"]), res["texts"].get(r["b"])
        if i is None or j is None:
            continue
        got = (min(i, j), max(i, j)) in set(map(tuple, res["linked"]))
        tp += r["weight"] * (got and r["y"])
        fp += r["weight"] * (got and not r["y"])
        fn += r["weight"] * (not got and r["y"])
        if got != r["y"]:
            errors.append((r["event"], r["a"], r["b"], r["label"]))
    return {"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None,
            "errors": errors}


# --- fitting on the hand labels ---------------------------------------------------------------

def _label_features(args: tuple[dict, list[dict]]) -> list[tuple[list[float], bool]]:
    event, rows = args
    pool = _pool([event])
    sigs = support.feature_signatures([signature(f.text) for f in pool.facts])  # as likely_links
    idf, default = support.idf_of(sigs)
    by_digest = {_digest(f.text): k for k, f in enumerate(pool.facts)}
    out = []
    for r in rows:
        i, j = by_digest.get(r["a"]), by_digest.get(r["b"])
        if i is None or j is None:
            continue
        leads = pool.facts[i].position == 0 and pool.facts[j].position == 0
        out.append((support.pair_features(sigs[i], sigs[j], idf, default, leads), r["y"], r["weight"]))
    return out


def fit(events: list[dict], workers: int) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    labels = load_labels()
    by_event: dict[str, list[dict]] = {}
    for r in labels:
        by_event.setdefault(r["event"], []).append(r)
    jobs = [(e, by_event[e["id"]]) for e in events if e["id"] in by_event]
    with ProcessPoolExecutor(workers) as ex:
        got = [row for rows in ex.map(_label_features, jobs) for row in rows]
    X = np.array([g[0] for g in got])
    y = np.array([g[1] for g in got])
    model = LogisticRegression(C=1.0, max_iter=5000).fit(X, y)
    print(f"{len(y)} labelled pairs ({int(y.sum())} same claim)")
    print("WEIGHTS =", tuple(round(float(w), 2) for w in model.coef_[0]))
    print("BIAS =", round(float(model.intercept_[0]), 2))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)

    def auc(cols: list[int]) -> float:
        pred = cross_val_predict(LogisticRegression(C=1.0, max_iter=5000), X[:, cols], y, cv=folds,
                                 method="decision_function")
        return roc_auc_score(y, pred)

    every = list(range(X.shape[1]))
    print(f"5-fold AUC, all features: {auc(every):.3f}; without one (its contribution):")
    for k, name in enumerate(support.FEATURES):
        print(f"  - {name:<12} {auc([c for c in every if c != k]):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "held"), default="tune")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    events = load_events(args.split)
    if args.fit:
        if args.split != "tune":
            raise SystemExit("fit on the tune split only")
        fit(events, args.workers)
        return
    kept, _ = pairs(events)
    with ProcessPoolExecutor(args.workers) as ex:
        results = list(ex.map(measure_event, events, chunksize=4))
        mixed = list(ex.map(measure_pair, kept, chunksize=2))
    lead_pairs = sum(r["lead_pairs"] for r in results)
    linked = sum(r["lead_linked"] for r in results)
    with_pairs = [r for r in results if r["lead_pairs"]]
    print(f"events {len(results)}, mixed builds {len(mixed)}")
    print(f"lead pairs linked: {linked} of {lead_pairs} ({linked / max(1, lead_pairs):.1%}); "
          f"events with a linked lead pair: {sum(r['lead_linked'] > 0 for r in with_pairs)} of {len(with_pairs)}")
    false = sum(len(m["false"]) for m in mixed)
    print(f"cross-event links: {false} of {sum(m['links'] for m in mixed)} links in the mixed builds")
    print(f"links per event: {np.mean([r['links'] for r in results]):.2f}")
    if args.split == "tune" and LABELS.exists():
        f = label_figures(load_labels(), {r["id"]: r for r in results})
        print(f"hand labels (weighted): precision {f['precision']:.2f}, recall {f['recall']:.2f}")
    if args.show:
        for m in mixed:
            for a, b in m["false"]:
                print(f"\nFALSE {' + '.join(m['ids'])}\n  {a}\n  {b}")


if __name__ == "__main__":
    main()
