"""Fuzz the whole text-to-briefing path (files -> ingest -> clean -> split -> pool -> rank ->
select -> markdown/HTML/email HTML) and print how many input sets were tried and what failed.

    python bench/fuzz_pipeline.py [--examples 2000] [--round 250]      # hypothesis (default)
    python bench/fuzz_pipeline.py --engine atheris --runs 5000         # coverage-guided

The invariants (tests/fuzz/pipeline_cases.py) are the suite's property test, run here at high
counts: no exception but a one-line BriefingError; every input file gives articles or a skip
naming it; every bullet, quotation, dispute and headline traceable to an input article; no active
markup in the markdown, the HTML page or the email HTML.

hypothesis runs in rounds with fresh seeds and keeps going after a failure (printing the shrunk
input), so one run reports every distinct failure it meets. atheris (`pip install atheris`, not a
project dependency) turns its byte strings into 1-4 files and stops at the first failure.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fuzz"), str(ROOT / "tests")]

import logging  # noqa: E402

logging.disable(logging.CRITICAL)  # skips are logged as warnings; the counts say enough


HANG = 30.0  # seconds: an input set of at most four small files taking longer counts as a hang


def run_hypothesis(examples: int, per_round: int, seed: int) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed
    from pipeline_cases import check, inputs

    outcomes: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    slow: list[object] = []  # input sets that took longer than HANG seconds
    tried = 0
    rng = random.Random(seed)
    start = time.perf_counter()
    while tried < examples:
        n = min(per_round, examples - tried)
        before = sum(outcomes.values())

        @fixed_seed(rng.getrandbits(64))
        @settings(max_examples=n, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(inputs())
        def round_(files) -> None:
            begun = time.perf_counter()
            outcomes[check(files)] += 1
            if time.perf_counter() - begun > HANG:
                slow.append(files)

        try:
            round_()
        except Exception as exc:  # a failure: record the shrunk example, go on with a new seed
            failures.append("".join(traceback.format_exception(exc))[-3000:])
            print(f"FAILURE {len(failures)}:\n{failures[-1]}", flush=True)
        tried += max(1, sum(outcomes.values()) - before)
        rate = tried / (time.perf_counter() - start)
        print(f"{tried} input sets tried, {len(failures)} failures ({rate:.1f}/s)", flush=True)
    print(f"\nhypothesis: {tried} input sets tried (shrinking steps included), "
          f"{len(failures)} failures")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    print(f"counts: cases {tried}, clean {sum(outcomes.values())}, tracebacks {len(failures)}, "
          f"hangs {len(slow)} (over {HANG:g} s)")
    return 1 if failures or slow else 0


def run_atheris(runs: int) -> int:
    import tempfile

    import atheris

    with atheris.instrument_imports(include=["briefing"]):
        from pipeline_cases import HOSTILE, KINDS, WORDS, check, make_file

    tried: collections.Counter[str] = collections.Counter()

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        files = []
        for n in range(fdp.ConsumeIntInRange(1, 4)):
            kind = KINDS[fdp.ConsumeIntInRange(0, len(KINDS) - 1)]
            name, title, outlet, url = (fdp.ConsumeUnicodeNoSurrogates(24) for _ in range(4))
            body = fdp.ConsumeUnicodeNoSurrogates(1500)
            files.append(make_file(n, kind, name, body, title, outlet, url, fdp.ConsumeBytes(300)))
        tried[check(files)] += 1
        total = sum(tried.values())
        if total % 1000 == 0 or total == runs:
            print(f"atheris: {total} input sets tried; outcomes: "
                  + ", ".join(f"{k} {v}" for k, v in tried.most_common()), flush=True)

    # a dictionary of words and markup, so mutations build sentences and injections sooner
    words = tempfile.NamedTemporaryFile("w", suffix=".dict", delete=False, encoding="utf-8")
    for token in {*WORDS, *HOSTILE, " ", ". ", "\n\n"}:
        escaped = "".join(ch if ch.isalnum() or ch in " .,:;!?#*[]()<>/=-_'`~|&{}" else
                          "".join(f"\\x{b:02x}" for b in ch.encode()) for ch in token)
        words.write(f'"{escaped}"\n')
    words.close()
    atheris.Setup([sys.argv[0], f"-runs={runs}", "-max_len=8192", "-len_control=0",
                   f"-dict={words.name}", "-print_final_stats=1"], one)
    atheris.Fuzz()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["hypothesis", "atheris"], default="hypothesis")
    parser.add_argument("--examples", type=int, default=2000, help="hypothesis: input sets to try")
    parser.add_argument("--round", type=int, default=250, help="hypothesis: examples per seed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5000, help="atheris: executions")
    args = parser.parse_args()
    if args.engine == "atheris":
        raise SystemExit(run_atheris(args.runs))
    raise SystemExit(run_hypothesis(args.examples, args.round, args.seed))


if __name__ == "__main__":
    main()
