"""Cost bounded whatever the repetition: copies decided once, near repeats found when asked.

The memory bound (docs/scale.md): a build of one 460 KB line repeating one sentence 10,000
times peaks under REPEATED_LINE_MIB (measured 164 MiB; before copies were decided once it
took about 2.5 GB, and 4.2 GB for the 465 KB case of issue 16).
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np

from briefing.compose.repeats import REPEAT, REPEAT_SAME_FIGURE, near_repeats
from briefing.models import Article
from briefing.pool.build import build_pool
from briefing.pool.copies import cross_article_pairs, first_pairs, kind
from briefing.pool.index import build_index
from briefing.read.sentences import split_article
from briefing.text.neighbours import in_stored_order

ROOT = Path(__file__).resolve().parents[2]
REPEATED_LINE_MIB = 400  # the documented bound (docs/scale.md)
SENTENCE = "The council approved the new budget for the northern district on Monday. "


# Measured from a small launcher process: on Linux a child's peak RSS counts the memory of the
# process it was forked from (kept across exec), and pytest's own can be larger than the build's.
LAUNCH = """
import os, subprocess, sys
proc = subprocess.Popen([sys.executable, "-m", "briefing", *sys.argv[1:]], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True)
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024)
sys.stdout.write(out)
"""


def _peak_mib(args: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    got = subprocess.run([sys.executable, "-c", LAUNCH, *args], env=env, capture_output=True, text=True,
                         check=True).stdout
    head, _, out = got.partition("\n")
    status, peak = head.split()
    assert status == "0"
    return float(peak), out


def test_one_sentence_repeated_ten_thousand_times_builds_in_bounded_memory(tmp_path):
    (tmp_path / "one.txt").write_text(SENTENCE * 10_000 + "\n", encoding="utf-8")
    peak, out = _peak_mib(["build", str(tmp_path), "--out", "-", "--date", "2025-09-05"])
    assert peak < REPEATED_LINE_MIB, f"peak {peak:.0f} MiB"
    assert out.count("approved the new budget") >= 1  # a briefing, not an error


def _pool(texts: list[str]):
    arts = [Article(id=f"a{k:02d}", source=f"a{k}.txt", text=t) for k, t in enumerate(texts)]
    return build_pool(arts, [split_article(a) for a in arts])


def test_copies_in_many_articles_are_one_fact_and_make_few_links():
    line = "The agency said the northern plant would close next spring after forty years of work."
    other = "Officials in the port city confirmed that the plant's four hundred workers were told on Friday."
    texts = [f"{line} {other if k % 2 else ''} Story number {k} of the day was about the harbour.".strip()
             for k in range(120)]
    pool = _pool(texts)
    carrying = [f for f in pool.facts if any(m.text == line for m in f.members)]
    assert len(carrying) == 1 and len(carrying[0].articles) == 120


def test_first_pairs_are_the_first_of_each_kind_as_listing_every_pair_finds():
    rng = random.Random(7)
    for _ in range(400):
        n = rng.randint(2, 24)
        art = sorted(rng.randint(0, 5) for _ in range(n))  # consecutive per article, as the pool's
        fam_of = {a: rng.randint(0, 2) for a in range(6)}
        fam = [fam_of[a] for a in art]
        idx = rng.sample(range(n), n)
        cut = rng.randint(1, n - 1)
        a, b = sorted(idx[:cut]), sorted(idx[cut:])
        want: dict[tuple[bool, int], tuple[int, int]] = {}
        for x, y in itertools.product(a, b):
            key, pair = (x < y, kind(min(x, y), max(x, y), art, fam)), (min(x, y), max(x, y))
            want[key] = min(want.get(key, pair), pair)
        assert first_pairs(a, b, art, fam) == want
        every = {(min(x, y), max(x, y)) for x, y in itertools.product(a, b) if art[x] != art[y]}
        assert {tuple(p) for p in cross_article_pairs(a, b, np.array(art), None).tolist()} == every


def test_near_repeats_when_asked_are_every_pair_above_the_thresholds():
    # alike facts kept apart (other figures, other places): near repeats of one another
    base = [
        "The ministry said 26 allies backed the plan for the eastern border on Tuesday.",
        "The ministry said 31 allies backed the plan for the eastern border on Tuesday.",
        "Heavy rain closed the coast road near Split for a third day, the police said.",
        "Heavy rain closed the coast road near Zadar for a second day, the police said.",
        "Prices of bread rose by 4 percent in March in the capital.",
    ]
    pool = _pool([" ".join(base), " ".join(reversed(base)), " ".join(base[1::2])])
    index = build_index(pool)
    got = near_repeats(index)
    from briefing.compose.repeats import repeat_keys
    from briefing.text.tfidf import TfidfVectorizer, unit_rows

    X = in_stored_order(unit_rows(TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+")
                                  .fit_transform(repeat_keys(index))))
    S = (X @ X.T).toarray()
    figures = [{(c.value, u) for c in cs for u in c.unit} for cs in index.claims]
    for i in range(len(index.facts)):
        want = {j for j in range(len(index.facts)) if j != i and (
            S[i, j] > REPEAT or (S[i, j] > REPEAT_SAME_FIGURE and figures[i] & figures[j]))}
        assert set(got.get(i, ())) == want
    assert any(got.get(i) for i in range(len(index.facts)))  # the case has repeats at all
