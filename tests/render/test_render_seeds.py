"""The product's own example: the briefing of the five seed articles reads as sendable."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from briefing.compose.attribution import fold
from briefing.models import Briefing
from briefing.pipeline import build_briefing
from briefing.render.markdown import render_markdown
from briefing.settings import Settings

CITED = re.compile(r"(?:\[\d+\])+ \*\(")


@lru_cache(maxsize=1)
def _build(seeds: Path) -> Briefing:
    return build_briefing([seeds], Settings(prompt="summit"))


@pytest.fixture
def seeds_briefing(seeds_dir: Path) -> Briefing:
    return _build(seeds_dir)


def test_every_bullet_is_cited_and_marked(seeds_briefing) -> None:
    md = render_markdown(seeds_briefing)
    body = md.split("## Sources")[0]
    bullets = [ln for ln in body.splitlines() if ln.startswith("- ")]
    assert len(bullets) >= 8
    for line in bullets:
        if line.startswith("- **"):
            continue  # a disagreement note: every version carries its own citations
        assert CITED.search(line), line
        assert re.search(r"\*\((?:1 outlet only|\d+ outlets)[^)]*\)\*$", line), line


def test_no_fact_is_repeated(seeds_briefing) -> None:
    items = [it for s in seeds_briefing.sections for it in s.items]
    ids = [it.fact_id for it in items]
    assert len(ids) == len(set(ids))
    texts = [fold(it.text) for it in items]
    for q in seeds_briefing.quotes:
        assert not set(q.fact_ids) & set(ids)
        assert not any(fold(q.text) in t for t in texts), q.text


def test_quotes_are_attributed(seeds_briefing) -> None:
    assert seeds_briefing.quotes
    speakers = {q.speaker for q in seeds_briefing.quotes}
    assert all(s and s[0].isupper() for s in speakers)
    assert not speakers & {"he", "she", "He", "She"}
    known = {"Macron", "Zelensky", "Zelenskyy", "Rutte", "Putin", "Trump", "Peskov", "Kornelius", "Keir", "Starmer"}
    for q in seeds_briefing.quotes:
        assert any(k in q.speaker for k in known), q.speaker


def test_no_false_disagreement(seeds_briefing) -> None:
    # the five reports agree on every figure (€1.1bn = 1.1 billion euros, 26 of 35 countries,
    # 112 drones fired and 84 intercepted) and on who said what
    assert seeds_briefing.disagreements == ()
