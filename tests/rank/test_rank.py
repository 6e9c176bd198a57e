"""Ranking: every method runs and maps back to facts; the default's signals move facts the
right way."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.models import Article, Fact, Pool, Sentence
from briefing.pipeline import pool_articles, prepare_articles
from briefing.pool.index import PoolIndex, build_index
from briefing.rank.methods import (
    METHODS,
    SUMY_METHODS,
    UnknownMethodError,
    score_facts,
)
from briefing.settings import RankWeights

STORY = [
    (
        "Flood waters rose across the northern valley on Monday, forcing thousands of residents "
        "to leave their homes. Rescue teams used boats to reach villages cut off by the river. "
        "The regional governor declared a state of emergency and asked for army support. "
        "Forecasters expect more heavy rain over the valley on Wednesday."
    ),
    (
        "Thousands of residents fled their homes as flood waters rose across the northern valley. "
        "The governor declared a state of emergency in the region on Monday evening. "
        "Army engineers began building temporary barriers along the river banks. "
        "Schools in the valley will stay closed until the end of the week."
    ),
    (
        "A state of emergency was declared after the river burst its banks in the northern valley. "
        "Rescue boats reached cut-off villages where residents had waited on rooftops. "
        "Insurance companies said claims could reach record levels this year. "
        "The local football club postponed its weekend match against a rival team."
    ),
]


def _pool(texts: list[str] = STORY) -> Pool:
    raw = [
        Article(id=f"a{n}", source=f"a{n}.txt", text=t, outlet=f"Outlet {n}", title="Valley floods")
        for n, t in enumerate(texts)
    ]
    articles, _ = prepare_articles(raw)
    return pool_articles(articles)


def _index(texts: list[str] = STORY) -> PoolIndex:
    return build_index(_pool(texts))


@pytest.mark.parametrize("method", METHODS)
def test_every_method_scores_every_fact(method: str) -> None:
    index = _index()
    scores = score_facts(index, method)
    assert scores.shape == (len(index.facts),)
    assert np.isfinite(scores).all()
    assert len(set(np.round(scores, 9))) > 1  # a ranking, not a constant


@pytest.mark.parametrize("method", SUMY_METHODS)
def test_sumy_scores_agree_with_sumys_own_choice(method: str) -> None:
    """The ratings we map back to facts pick the very sentences sumy itself returns."""
    import random

    from briefing.rank import sumy_adapter as rank

    pool = _pool()
    scores = score_facts(build_index(pool), method)
    doc, index = rank._sumy_document(pool, rank._Tokenizer())
    summarizer = rank._sumy_summarizer(method, ())
    random.seed(0)
    picked = {str(s) for s in summarizer(doc, 4)}
    chosen = [i for i in index if pool.facts[i].text in picked]
    others = [i for i in index if pool.facts[i].text not in picked]
    assert len(chosen) == 4
    assert min(scores[chosen]) >= max(scores[others])


def test_random_is_deterministic() -> None:
    index = _index()
    assert np.array_equal(score_facts(index, "random"), score_facts(index, "random"))


def test_unknown_method_is_a_clear_error() -> None:
    with pytest.raises(UnknownMethodError, match="unknown method 'nope'"):
        score_facts(_index(), "nope")


def _hand_pool(families: dict[str, str]) -> PoolIndex:
    """Three articles; `lead` opens all three, `oneoff` sits mid-way in one of them."""
    arts = tuple(Article(id=a, source=f"{a}.txt", text="x") for a in ("a", "b", "c"))

    def fact(fid: str, text: str, where: list[tuple[str, int]]) -> Fact:
        members = tuple(Sentence(f"{a}:{i}", a, i, text) for a, i in where)
        articles = tuple(a for a, _ in where)
        origins = tuple(sorted({families[a] for a in articles}))
        return Fact(fid, text, members, articles, origins, position=min(i for _, i in where) / 6)

    facts = (
        fact("lead", "Storms cut power to two million homes across the coast on Sunday.",
             [("a", 0), ("b", 0), ("c", 0)]),
        fact("oneoff", "Storms cut power to a bakery whose owner shared photos of the coast.",
             [("b", 3)]),
        fact("f3", "Repair crews from five states arrived to restore the power lines.", [("a", 1)]),
        fact("f4", "Officials said it could take a week to reconnect every home.", [("c", 2)]),
    )
    return build_index(Pool(articles=arts, facts=facts, families=families))


def test_default_prefers_corroborated_lead_over_one_off() -> None:
    pool = _hand_pool({"a": "a", "b": "b", "c": "c"})
    scores = score_facts(pool)
    assert scores[0] > scores[1]
    assert int(np.argmax(scores)) == 0


def test_copies_do_not_corroborate() -> None:
    independent = score_facts(_hand_pool({"a": "a", "b": "b", "c": "c"}))
    copies = score_facts(_hand_pool({"a": "a", "b": "a", "c": "a"}))
    assert copies[0] < independent[0]


def test_corroboration_weight_is_a_setting() -> None:
    pool = _hand_pool({"a": "a", "b": "b", "c": "c"})
    off = score_facts(pool, weights=RankWeights(corroboration=0.0))
    on = score_facts(pool, weights=RankWeights(corroboration=2.0))
    assert on[0] - on[1] > off[0] - off[1]


def test_query_moves_on_topic_facts_up() -> None:
    index = _index()
    texts = [f.text for f in index.facts]
    target = next(i for i, t in enumerate(texts) if "Insurance" in t)
    plain = score_facts(index)
    asked = score_facts(index, query="insurance claims and the cost of the damage")
    rank_plain = int((plain > plain[target]).sum())
    rank_asked = int((asked > asked[target]).sum())
    assert rank_asked < rank_plain
    assert rank_asked == 0


def test_quality_demotes_fragments_questions_and_dangling_starts() -> None:
    from briefing.text.wording import quality

    good = "The governor declared a state of emergency in the region on Monday evening."
    assert quality(good) == 1.0
    assert quality("He declared a state of emergency in the region on Monday evening.") < 1.0
    assert quality("Will the governor declare a state of emergency in the region this week?") < 1.0
    assert quality("``We will rebuild every single home in this valley, all of them.''") < 1.0
    assert quality("(scl)") < 0.5


def test_empty_pool_scores_nothing() -> None:
    assert score_facts(build_index(Pool(articles=(), facts=())), "default").shape == (0,)


@pytest.mark.slow
def test_default_method_never_imports_sumy() -> None:
    """The default's import path stays light: sumy loads only when a sumy method is asked for."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "from briefing.models import Article\n"
        "from briefing.pipeline import pool_articles, prepare_articles\n"
        "from briefing.pool.index import build_index\n"
        "from briefing.rank.methods import score_facts\n"
        "from briefing.rank.select import Budget, select_facts\n"
        f"arts, _ = prepare_articles([Article(id='a', source='a.txt', text={STORY[0]!r})])\n"
        "index = build_index(pool_articles(arts))\n"
        "select_facts(index, score_facts(index), Budget(sentences=2))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sumy'))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert out.stdout.strip() == "[]"


def test_lead_weight_with_a_query_is_its_own_setting() -> None:
    """With a query, `query_position` (not `position`) weighs the lead: relevance leads there."""
    pool = _hand_pool({"a": "a", "b": "b", "c": "c"})
    query = "repair crews from other states"
    low = score_facts(pool, query=query, weights=RankWeights(position=5.0, query_position=0.0))
    high = score_facts(pool, query=query, weights=RankWeights(position=0.0, query_position=5.0))
    assert high[0] - high[2] > low[0] - low[2]
    plain = score_facts(pool, weights=RankWeights(position=5.0, query_position=0.0))
    assert plain[0] - plain[2] > low[0] - low[2]
