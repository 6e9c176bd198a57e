"""Budgets that are met, whole sentences only, and the shortest version of a claim shown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pool.test_support import COURT

from briefing.compose.briefing import make_briefing
from briefing.compose.budget import Pick, Plan, fill_sections
from briefing.compose.prompt import load_prompt
from briefing.compose.versions import shortest_versions
from briefing.models import Article, Briefing
from briefing.pipeline import build_briefing, pool_articles
from briefing.pool.index import build_index
from briefing.rank.select import Budget
from briefing.settings import Settings
from briefing.text.wording import whole_sentence

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "summit"


def _bullets(briefing: Briefing) -> list[str]:
    return [item.text for section in briefing.sections for item in section.items]


def test_whole_sentences_only() -> None:
    assert whole_sentence("The court reversed two appeals court rulings on Monday.")
    assert whole_sentence('"The planning work will be finalised with the United States," Mr Macron said.')
    assert not whole_sentence("While there...")
    assert not whole_sentence("The Pentagon said on Friday that the first group of troops would…")
    assert not whole_sentence("Biden signs the bill.")  # five words
    assert not whole_sentence("Allies promise troops for a post-war Ukraine")  # a headline


@pytest.mark.parametrize("words", [60, 100, 150])
def test_a_word_budget_is_met_within_15_percent_never_above(words: int) -> None:
    for prompt in ("default", "summit"):
        got = _bullets(build_briefing([EXAMPLE], Settings(prompt=prompt, words=words)))
        total = sum(len(t.split()) for t in got)
        assert 0.85 * words <= total <= words, (prompt, words, total)
        assert all(whole_sentence(t) for t in got)


@pytest.mark.parametrize("sentences", [3, 7, 12])
def test_a_sentence_budget_gives_that_many_bullets(sentences: int) -> None:
    for prompt in ("default", "summit"):
        got = _bullets(build_briefing([EXAMPLE], Settings(prompt=prompt, sentences=sentences)))
        assert len(got) == sentences, prompt


def test_what_a_section_cannot_use_goes_to_the_others() -> None:
    """The default prompt's "Background" and "What happens next" ask for words the court
    reports hardly use: the bullets they cannot fill go to the key points."""
    arts = [Article(id=f"a{k}", source=f"a{k}.txt", text="\n\n".join(lines), outlet=o)
            for k, (lines, o) in enumerate(zip(COURT, ("X", "Y", "Z"), strict=True))]
    pool = pool_articles(arts)
    briefing = make_briefing(pool, load_prompt("default"), Settings(sentences=6))
    assert len(_bullets(briefing)) == 6
    assert len(briefing.sections[0].items) > 3  # more than its own share of 6 x 5/12


def test_the_shortest_version_of_a_claim_is_shown_with_every_versions_citations() -> None:
    arts = [Article(id=f"a{k}", source=f"a{k}.txt", text="\n\n".join(lines), outlet=o)
            for k, (lines, o) in enumerate(zip(COURT, ("X", "Y", "Z"), strict=True))]
    pool = pool_articles(arts)
    leads = [f for f in pool.facts if f.position == 0]
    shortest = min(leads, key=lambda f: len(f.text.split()))
    index = {f.id: k for k, f in enumerate(pool.facts)}
    versions = shortest_versions(build_index(pool), set())
    for fact in leads:
        if fact is not shortest:
            assert versions[index[fact.id]] == index[shortest.id]
    briefing = make_briefing(pool, load_prompt("default"), Settings(sentences=3))
    top = briefing.sections[0].items[0]
    assert top.text == shortest.text
    assert top.citations == (1, 2, 3) and top.origins == 3
    shown = _bullets(briefing)
    assert sum(t in {f.text for f in leads} for t in shown) == 1, "one claim, one bullet"


def test_a_bullet_hides_the_repeats_of_the_version_it_shows_not_of_the_fact_it_stands_for() -> None:
    """Fact a is shown as its shorter version b. Fact c repeats only a (by a detail the
    shorter version leaves out): it stays a fact of its own. Fact d repeats b: it is hidden."""
    arts = [Article(id=f"a{k}", source=f"a{k}.txt", text="\n\n".join(lines), outlet=o)
            for k, (lines, o) in enumerate(zip(COURT, ("X", "Y", "Z"), strict=True))]
    index = build_index(pool_articles(arts))
    n = len(index.facts)
    rows = [k for k in range(n) if index.whole[k]][:4]
    assert len(rows) == 4
    a, b, c, d = rows
    scores = np.zeros(n)
    scores[[a, c, d]] = [3.0, 2.0, 2.5]
    repeats = {a: [c], c: [a], b: [d], d: [b]}
    picked = fill_sections(index, [Plan(scores, set())], Budget(sentences=3), repeats, {a: b})[0]
    assert picked[0] == Pick(a, b)
    later = {p.fact for p in picked[1:]}
    assert c in later
    assert d not in later
