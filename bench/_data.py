"""Build benchmark inputs from ../shared/data/dev (never copied into the repository)."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

# BRIEFING_SHARED_DATA points elsewhere (e.g. from a git worktree one level deeper), as for tests.
SHARED = os.environ.get("BRIEFING_SHARED_DATA") or Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEV = Path(SHARED) / "dev"
SETS = ("duc2003_task2.jsonl", "multiling2011_en.jsonl", "duc2007_main_partial.jsonl")


def dev_documents() -> list[dict]:
    """Every document of every dev cluster, in a fixed order."""
    if not DEV.exists():
        raise SystemExit(f"{DEV} is absent: the benchmarks need the shared dev data")
    docs: list[dict] = []
    for name in SETS:
        for line in (DEV / name).read_text(encoding="utf-8").splitlines():
            cluster = json.loads(line)
            for doc in cluster["documents"]:
                docs.append({**doc, "cluster": cluster["id"]})
    return docs


def write_articles(folder: Path, n: int, boilerplate: bool = False) -> int:
    """Write n articles as .txt files (replicated with changed ids beyond the dev total).

    `boilerplate`: every article also ends with an agency line that differs only in its
    numbers, and each replica has its paragraphs in another order (as feeds re-edit).
    Returns the number of characters written."""
    docs = dev_documents()
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for i in range(n):
        doc = docs[i % len(docs)]
        copy = i // len(docs)
        text = doc["text"]
        if copy and boilerplate:
            paras = text.split("\n\n")
            random.Random(i).shuffle(paras)
            text = "\n\n".join(paras)
        if boilerplate:
            text = f"{text}\n\nFiled by the agency desk as item {i}, reference {7 * i + 1000}."
        if copy:
            # a changed id: a distinct article, not a byte-identical duplicate
            text = f"{text}\n\nReplica {copy} of this report, filed as item {i}."
        title = doc.get("title") or ""
        body = f"{title}\n\n{text}\n" if title else f"{text}\n"
        (folder / f"{i:05d}-{doc['cluster']}.txt").write_text(body, encoding="utf-8")
        chars += len(body)
    return chars
