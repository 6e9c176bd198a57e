"""The pool's index: built once after pooling, read by every later stage, never refitted."""

from __future__ import annotations

import random
import sys
from dataclasses import replace

import numpy as np
import pytest

from briefing.compose.briefing import make_briefing, story_briefing
from briefing.compose.prompt import SectionSpec, load_prompt
from briefing.models import Article, Fact, Pool, Sentence
from briefing.pipeline import build_briefing, pool_articles, prepare_articles
from briefing.pool import index as index_module
from briefing.pool.index import Citations, PoolIndex, build_index, restricted
from briefing.rank import methods
from briefing.read.files import ingest
from briefing.settings import Settings
from briefing.text import figures, stems, wording


def _pool(folder) -> Pool:
    articles, _ = prepare_articles(ingest([folder]).articles)
    return pool_articles(articles)


def _same_matrix(a, b) -> bool:
    a, b = a.tocsr(), b.tocsr()
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)  # the same floats, not close ones
    )


def _content(index: PoolIndex, k: int) -> list[str]:
    t = index.tokens
    return [t.words[w] for w in t.ids[t.offsets[k] : t.offsets[k + 1]]]


def _assert_same_index(got: PoolIndex, want: PoolIndex) -> None:
    assert got.pool == want.pool
    assert (got.row, got.fact_of_sentence, got.citations) == (want.row, want.fact_of_sentence, want.citations)
    assert (got.stems, got.claims, got.days, got.standalone) == (want.stems, want.claims, want.days, want.standalone)
    for name in ("words", "quality", "lead", "origins"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert [_content(got, k) for k in range(len(got.facts))] == [_content(want, k) for k in range(len(want.facts))]
    assert _same_matrix(got.terms.tfidf, want.terms.tfidf)
    assert list(got.terms.vocab.items()) == list(want.terms.vocab.items())
    assert np.array_equal(got.terms.idf, want.terms.idf)
    assert _same_matrix(got.terms.concepts, want.terms.concepts)
    assert np.array_equal(got.terms.concept_weight, want.terms.concept_weight)


def test_a_build_fits_the_facts_tf_idf_once_and_stems_each_fact_once(monkeypatch, examples_dir) -> None:
    fits: list[int] = []
    stemmed: dict[str, int] = {}
    fit, content = index_module.fit_terms, index_module.content_stems

    def counting_fit(*args, **kwargs):
        fits.append(1)
        return fit(*args, **kwargs)

    def counting_content(text: str) -> list[str]:
        stemmed[text] = stemmed.get(text, 0) + 1
        return content(text)

    monkeypatch.setattr(index_module, "fit_terms", counting_fit)
    monkeypatch.setattr(index_module, "content_stems", counting_content)
    briefing = build_briefing([examples_dir], Settings(workers=1))
    assert briefing.sections and len(fits) == 1
    facts = {f.text for f in _pool(examples_dir).facts}
    assert all(stemmed.get(t) == 1 for t in facts)  # (the prompt's queries are stemmed too)


def test_no_stage_parses_again_what_the_index_holds(monkeypatch, examples_dir) -> None:
    """Once the index is built, ranking, selection, repeats, quotes, disputes and sections
    read each fact's stems, figures, days and form from it."""
    pool = _pool(examples_dir)
    prompt, settings = load_prompt("default"), Settings(workers=1, date="2025-09-05")
    index = build_index(pool)
    want = make_briefing(pool, prompt, settings, index=index)
    texts = {f.text for f in pool.facts}

    def guarded(fn):
        def call(text: str, *args):
            assert text not in texts, f"{fn.__name__} called again on a fact"
            return fn(text, *args)

        return call

    held = [figures.claims, figures.days, figures.claims_and_days, stems.stems, stems.content_stems, wording.quality, wording.standalone]
    patched = 0
    for name, module in list(sys.modules.items()):  # wherever a module imported one of them
        if name.split(".")[0] == "briefing":
            for attr, value in list(vars(module).items()):
                if any(value is fn for fn in held):
                    monkeypatch.setattr(module, attr, guarded(value))
                    patched += 1
    assert patched >= len(held) + 1  # their own modules, the index's, and the composer's stems
    assert make_briefing(pool, prompt, settings, index=index) == want


@pytest.mark.parametrize("seed", range(3))
def test_the_index_of_some_facts_is_the_index_of_a_pool_of_them(examples_dir, seed: int) -> None:
    pool = _pool(examples_dir)
    index = build_index(pool)
    rng = random.Random(seed)
    facts = [f for f in pool.facts if rng.random() < 0.5]
    rng.shuffle(facts)
    _assert_same_index(restricted(index, facts), build_index(replace(pool, facts=tuple(facts))))
    _assert_same_index(restricted(index, pool.facts), index)
    assert restricted(index, ()).facts == ()


def test_a_story_briefing_is_the_briefing_of_a_pool_of_its_facts(examples_dir) -> None:
    pool = _pool(examples_dir)
    index = build_index(pool)
    prompt, settings = load_prompt("default"), Settings(workers=1, date="2025-09-05")
    facts = list(pool.facts[1::2])
    got = story_briefing(index, facts, "Story", prompt, settings, 3)
    one = replace(prompt, sections=(SectionSpec("Story"),), sentences=3, words=None)
    want = make_briefing(replace(pool, facts=tuple(facts)), one, replace(settings, sentences=3, words=None))
    assert got == want
    assert len(got.sections) == 1 and 0 < len(got.sections[0].items) <= 3
    assert {it.fact_id for it in got.sections[0].items} <= {f.id for f in facts}
    assert [s.number for s in got.sources] == list(range(1, len(pool.articles) + 1))


def _hand_pool() -> Pool:
    arts = tuple(
        Article(id=a, source=f"{a}.txt", text="x", outlet=o)
        for a, o in (("a", "Wire"), ("b", "Wire"), ("c", "Daily"), ("d", ""))
    )
    text = "Storms cut power to two million homes across the coast on Sunday."
    members = tuple(Sentence(f"{a}:0", a, 0, text) for a in "abcd")
    fact = Fact("f1", text, members, tuple("abcd"), ("a", "c", "d"))
    return Pool(articles=arts, facts=(fact,), families={"a": "a", "b": "a", "c": "c", "d": "d"})


def test_citations_and_corroboration_read_the_pool_once() -> None:
    index = build_index(_hand_pool())
    assert index.citations == Citations({"a": 1, "b": 2, "c": 3, "d": 4})
    assert index.citations.of_articles(["d", "a", "c"]) == (1, 3, 4)
    assert index.fact_of_sentence == {"a:0": "f1", "b:0": "f1", "c:0": "f1", "d:0": "f1"}
    support = index.corroboration
    assert support.independent("abcd") == 3  # the reprint b adds nothing
    assert support.independent("ab") == 1 and support.copies("abcd") == 1
    assert index.origins.tolist() == [3.0]  # families a, c and d


def test_sumy_methods_run_once_for_every_query(monkeypatch) -> None:
    index = build_index(_hand_pool())
    runs: list[tuple[str, str | None]] = []

    def fake(pool, method, query):
        runs.append((method, query))
        return np.arange(len(pool.facts), dtype=float)

    monkeypatch.setattr(methods, "sumy_scores", fake)
    got = methods.score_queries(index, "lex-rank", [None, "power", "storms"])
    assert runs == [("lex-rank", None)] and set(got) == {None, "power", "storms"}
    assert got["power"] is not got[None]  # each section may use its scores freely
    runs.clear()
    methods.score_queries(index, "edmundson", [None, "power"])
    assert runs == [("edmundson", None), ("edmundson", "power")]  # its bonus words are the query


def test_a_briefing_is_never_made_from_another_pools_index(examples_dir) -> None:
    pool = _pool(examples_dir)
    other = replace(pool, facts=pool.facts[:3])
    with pytest.raises(ValueError, match="another pool"):
        make_briefing(other, load_prompt("default"), Settings(workers=1), index=build_index(pool))
