"""Property tests of the pool (hypothesis): idempotent, faithful, never grows, order-free."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.models import Article, Sentence
from briefing.pool.build import build_pool

# Statements and the ways outlets vary them: copies, light edits, paraphrases, near misses.
VARIANTS = [
    [
        "The Lakeport bridge reopened to traffic on Monday, six weeks after a storm.",
        "The Lakeport bridge reopened to traffic Monday, six weeks after a storm, officials said.",
        "The Lakeport bridge reopened to traffic on Monday, seven weeks after a storm.",
        "The Lakeport bridge did not reopen to traffic on Monday, six weeks after a storm.",
    ],
    [
        "“The planning work will be finalised with the United States,” Mr Macron said.",
        '"The planning work will be finalized with the United States," Macron said.',
        "The planning work will be finished together with Washington, President Macron said.",
    ],
    [
        "Russia received €1.1bn in fuel sales from the EU in one year, an official said.",
        "Russia received 1.1 billion euros in fuel sales from the EU in one year.",
        "Russia received 2.1 billion euros in fuel sales from the EU in one year.",
    ],
    [
        "Engineers replaced 40 metres of roadway and two support cables at a cost of 12 million dollars.",
        "Engineers replaced 40 metres of roadway and two support cables.",
        "Workers replaced 40 meters of road and two cables, costing $12 million.",
    ],
    [
        "Commuters had faced detours of up to 45 minutes while the bridge was closed.",
        "Drivers faced detours of up to 45 minutes during the closure.",
    ],
    ["Local shop owners said trade had fallen by a third during the closure."],
    ["The city council will vote next week on a plan to add a second crossing."],
    ["Mayor Ines Talbot said the repairs were finished two weeks ahead of schedule."],
    ["It is a sovereign country.", "It's a sovereign country."],
]
ALL = [v for group in VARIANTS for v in group]

article_texts = st.lists(st.lists(st.sampled_from(ALL), min_size=1, max_size=6), min_size=1, max_size=5)


def _make(texts: list[list[str]], prefix: str = "a") -> tuple[list[Article], list[list[Sentence]]]:
    arts, sents = [], []
    for k, lines in enumerate(texts):
        aid = f"{prefix}{k:02d}"
        arts.append(Article(id=aid, source=f"{aid}.txt", text="\n\n".join(lines)))
        sents.append(
            [Sentence(id=f"{aid}:{i}", article_id=aid, index=i, text=t) for i, t in enumerate(lines)]
        )
    return arts, sents


def _partition(pool) -> set[frozenset[str]]:
    return {frozenset(m.id for m in f.members) for f in pool.facts}


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(article_texts)
def test_every_member_traces_to_an_input_and_no_text_is_invented(texts) -> None:
    arts, sents = _make(texts)
    pool = build_pool(arts, sents)
    inputs = {s.id: s for ss in sents for s in ss}
    members = [m for f in pool.facts for m in f.members]
    assert sorted(m.id for m in members) == sorted(inputs)  # each input once, nothing else
    for m in members:
        assert inputs[m.id] == m
    for f in pool.facts:
        assert f.text in {m.text for m in f.members}
        assert set(f.articles) == {m.article_id for m in f.members}
        assert set(f.origins) == {pool.families[a] for a in f.articles}
        assert all(r != f.id for r in f.related)


@FAST
@given(article_texts)
def test_merging_is_idempotent(texts) -> None:
    arts, sents = _make(texts)
    pool = build_pool(arts, sents)
    assert _partition(build_pool(arts, sents)) == _partition(pool)
    # the pool's own output pooled again: each article retold with its facts' canonical texts.
    # Nothing is split or added; pair decisions weigh words by their rarity in the pool, so a
    # pair at the margin may still join, never the other way.
    fact_of = {m.id: f for f in pool.facts for m in f.members}
    retold = [list(dict.fromkeys(fact_of[s.id].text for s in ss)) for ss in sents]
    again = build_pool(*_make(retold))
    assert len(again.facts) <= len(pool.facts)
    texts_of = {f.text: f.id for f in pool.facts}
    for fact in again.facts:
        assert {m.text for m in fact.members} <= set(texts_of)


@FAST
@given(article_texts, st.data())
def test_pool_never_grows_when_an_input_is_duplicated(texts, data) -> None:
    arts, sents = _make(texts)
    pool = build_pool(arts, sents)
    k = data.draw(st.integers(0, len(texts) - 1))
    more_arts, more_sents = _make(texts + [texts[k]])
    bigger = build_pool(more_arts, more_sents)
    assert len(bigger.facts) <= len(pool.facts)
    # and the copy is recognised as a copy: no new origin
    assert len(set(bigger.families.values())) == len(set(pool.families.values()))


@FAST
@given(article_texts, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(texts, rnd) -> None:
    arts, sents = _make(texts)
    pool = build_pool(arts, sents)
    order = list(range(len(arts)))
    rnd.shuffle(order)
    shuffled = build_pool([arts[i] for i in order], [sents[i] for i in order])
    assert _partition(shuffled) == _partition(pool)
    assert shuffled.families == pool.families
    assert [(f.id, f.text, f.related) for f in shuffled.facts] == [
        (f.id, f.text, f.related) for f in pool.facts
    ]
