"""Fuzz the input half of the pipeline (bytes -> decode -> format -> clean -> split) with hypothesis
at high example counts, and print how many inputs were tried and how many failed.

    python bench/fuzz_ingest.py [--examples 5000] [--hang 10]

Invariants checked for every input: no exception other than the documented ValueError for
binary bytes; every input gives articles or a reason (never nothing); every sentence has a
letter or digit, at most 100 words of at most 100 characters, and its letters and digits appear
in order in the input; no text keeps bidi controls, invisible characters or lone surrogates;
metadata is text (a JSON `true`, `3.5` or list never shows as "True" or "A, 3.5"); `<noscript>`
text never reaches a sentence. Each input gets `--hang` seconds; longer counts as a hang.
Counts per target: cases, clean (articles or a documented reason), tracebacks, hangs.

Failures found and fixed with it: `<svg><!DOCTYPE html>` crashed htmldate (inside trafilatura)
with an AssertionError; article_from_html now falls back to text without metadata, then to a
skip with a reason.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.read.clean import clean_article
from briefing.read.decode import decode_bytes, normalize_text
from briefing.read.formats import articles_from_text
from briefing.read.language import language_problem
from briefing.read.sentences import split_text

PIECES = [
    *"abcXYZ019 .,;:!?()[]<>#*_-—'\"“”‘’`/\\|&@©\n\t\u00a0é",
    "Skip to content", "By Jo Lin", "(AP) — ", "date 2030-01-02 ", "LONDON", "---\n",
    "(Photo: Ana Bell/Coast)", "Subscribe to our newsletter", "```", "<!--", "-->", "<script>",
    "Mr.", "U.S.", "''", "``", "nn", "(STORY CAN END HERE)", "<html><body><p>", "</p>",
    "<!DOCTYPE html>", "<svg>", "{\"text\": \"", "\"}", "\x00", "\ufeff",
    # issue 16
    "<noscript>", "</noscript>", "<noscript/>", "&lt;noscript&gt;", "<noscript>HIDDENTEXT",
    "<noscript/>HIDDENTEXT", "&lt;noscript&gt;HIDDENTEXT", "\u202e",
    "\u2066", "\u200d", "\u00ad", "\ud800", "\udfff", "\\ud800", "a" * 150, "b" * 3000,
    "=?utf-8?q?Hi=0D=0A?=",
]
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                       "\ud800-\udfff]")
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                          | st.text(max_size=20), lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.sampled_from(["name", "title", "x"]), inner, max_size=3),
                          max_leaves=8)
FIELDS = ["title", "headline", "outlet", "source", "site", "publisher", "url", "link", "byline",
          "author", "authors", "date", "published"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=200).map("".join) | st.text(max_size=400)
KINDS = st.sampled_from(["text", "markdown", "html", "json"])


def check_text(text: str, kind: str) -> str:
    text = normalize_text(text)  # what decode_bytes hands on for every file and page
    articles, skipped = articles_from_text(text, f"fuzz.{kind}", kind)
    assert articles or skipped, "input vanished without a reason"
    for art in articles:
        for value in (art.text, art.title, art.outlet, art.byline, art.url):
            assert not INVISIBLE.search(value), repr(value)
        cleaned = clean_article(art)
        language_problem(cleaned.text)
        letters = "".join(ch for ch in cleaned.text if ch.isalnum())
        for _, sent in split_text(cleaned.text):
            core = "".join(ch for ch in sent if ch.isalnum())
            assert core and core in letters and len(sent.split()) <= 100, sent
            assert max(map(len, sent.split())) <= 100 and "HIDDENTEXT" not in sent, sent
    return "articles" if articles else "reason"


def check_record(record: dict, escapes: bool) -> str:
    """A JSON record with metadata of any type (and lone surrogates as escapes)."""
    text = json.dumps(record)
    if escapes:
        text = text.replace("@HIGH@", "\\ud800").replace("@LOW@", "\\udc01")
    articles, skipped = articles_from_text(text, "fuzz.json", "json")
    assert articles or skipped
    for art in articles:
        for name, value in (("title", art.title), ("outlet", art.outlet), ("byline", art.byline),
                            ("url", art.url)):
            given = " ".join(normalize_text(v) for v in _texts(record) if isinstance(v, str))
            assert not value or all(part.strip() in given for part in value.split(", ")), (
                name, value, record)  # only text the record gave: no "True", no "3.5"
            assert not INVISIBLE.search(value), (name, value)
    return "articles" if articles else "reason"


def _texts(value: object) -> list[object]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _texts(v)]
    if isinstance(value, list):
        return [x for v in value for x in _texts(v)]
    return [value]


def check_bytes(data: bytes) -> str:
    try:
        text = decode_bytes(data)
    except ValueError as exc:
        assert str(exc).startswith("binary file"), exc
        return "reason"
    assert not INVISIBLE.search(text)
    return "text"


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


class Counts:
    """cases, clean outcomes, tracebacks (an invariant broken or an exception not documented)
    and hangs, per target; one case's failure never stops the others."""

    def __init__(self, hang: float) -> None:
        self.hang = hang
        self.table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.examples: list[str] = []

    def run(self, target: str, work) -> None:
        row = self.table[target]
        row["cases"] += 1
        signal.setitimer(signal.ITIMER_REAL, self.hang)
        try:
            work()
        except Hang:
            row["hangs"] += 1
            self.examples.append(f"{target}: hang")
        except Exception as exc:  # counted and shown; fuzzing goes on
            row["tracebacks"] += 1
            self.examples.append(f"{target}: {type(exc).__name__}: {str(exc)[:300]}")
        else:
            row["clean"] += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per target")
    parser.add_argument("--hang", type=float, default=10.0, help="seconds before a case is a hang")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    counts = Counts(args.hang)
    config = settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck),
                      database=None)

    @config
    @given(TEXT, KINDS)
    def fuzz_text(text: str, kind: str) -> None:
        counts.run("text", lambda: check_text(text, kind))

    @config
    @given(st.binary(max_size=600))
    def fuzz_bytes(data: bytes) -> None:
        counts.run("bytes", lambda: check_bytes(data))

    @config
    @given(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=6), TEXT, st.booleans())
    def fuzz_records(meta: dict, text: str, escapes: bool) -> None:
        record = {**meta, "text": text + " @HIGH@ said the council @LOW@."}
        counts.run("records", lambda: check_record(record, escapes))

    start = time.perf_counter()
    for target in (fuzz_text, fuzz_bytes, fuzz_records):
        target()
    elapsed = time.perf_counter() - start
    for name, row in counts.table.items():
        print(f"{name}: cases {row['cases']}, clean {row['clean']}, tracebacks {row['tracebacks']}, "
              f"hangs {row['hangs']}")
    for example in dict.fromkeys(counts.examples):
        print("  " + example)
    print(f"{elapsed:.0f} s")


if __name__ == "__main__":
    main()
