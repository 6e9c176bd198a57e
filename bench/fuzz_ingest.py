"""Fuzz the input half of the pipeline (bytes -> decode -> format -> clean -> split) with hypothesis
at high example counts, and print how many inputs were tried and how many failed.

    python bench/fuzz_ingest.py [--examples 5000]

Invariants checked for every input: no exception other than the documented ValueError for
binary bytes; every input gives articles or a reason (never nothing); every sentence has a
letter or digit, at most 100 words, and its letters and digits appear in order in the input.

Failures found and fixed with it: `<svg><!DOCTYPE html>` crashed htmldate (inside trafilatura)
with an AssertionError; article_from_html now falls back to text without metadata, then to a
skip with a reason.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.read.clean import clean_article
from briefing.read.decode import decode_bytes
from briefing.read.formats import articles_from_text
from briefing.read.language import language_problem
from briefing.read.sentences import split_text

PIECES = [
    *"abcXYZ019 .,;:!?()[]<>#*_-—'\"“”‘’`/\\|&@©\n\t\u00a0é",
    "Skip to content", "By Jo Lin", "(AP) — ", "date 2030-01-02 ", "LONDON", "---\n",
    "(Photo: Ana Bell/Coast)", "Subscribe to our newsletter", "```", "<!--", "-->", "<script>",
    "Mr.", "U.S.", "''", "``", "nn", "(STORY CAN END HERE)", "<html><body><p>", "</p>",
    "<!DOCTYPE html>", "<svg>", "{\"text\": \"", "\"}", "\x00", "\ufeff",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=200).map("".join) | st.text(max_size=400)
KINDS = st.sampled_from(["text", "markdown", "html", "json"])


def check_text(text: str, kind: str) -> None:
    articles, skipped = articles_from_text(text, f"fuzz.{kind}", kind)
    assert articles or skipped, "input vanished without a reason"
    for art in articles:
        cleaned = clean_article(art)
        language_problem(cleaned.text)
        letters = "".join(ch for ch in cleaned.text if ch.isalnum())
        for _, sent in split_text(cleaned.text):
            core = "".join(ch for ch in sent if ch.isalnum())
            assert core and core in letters and len(sent.split()) <= 100, sent


def check_bytes(data: bytes) -> None:
    try:
        decode_bytes(data)
    except ValueError as exc:
        assert str(exc).startswith("binary file"), exc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per target")
    args = parser.parse_args()
    tried = {"text": 0, "bytes": 0}
    config = settings(max_examples=args.examples, deadline=None, suppress_health_check=list(HealthCheck),
                      database=None)

    @config
    @given(TEXT, KINDS)
    def fuzz_text(text: str, kind: str) -> None:
        tried["text"] += 1
        check_text(text, kind)

    @config
    @given(st.binary(max_size=600))
    def fuzz_bytes(data: bytes) -> None:
        tried["bytes"] += 1
        check_bytes(data)

    failures = 0
    start = time.perf_counter()
    for target in (fuzz_text, fuzz_bytes):
        try:
            target()
        except Exception as exc:  # report, keep going with the next target
            failures += 1
            print(f"FAILURE in {target.__name__}: {type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - start
    print(f"inputs tried: text {tried['text']}, bytes {tried['bytes']}; failures: {failures}; "
          f"{elapsed:.0f} s")


if __name__ == "__main__":
    main()
