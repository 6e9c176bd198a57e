"""Compose a briefing from a pool's index: ranked facts into the prompt's sections, quotes,
disputes, headline and sources.

`make_briefing` calls the steps in order: budgets, scoring and repeats (with quotes and
disputes found meanwhile), the sections, the headline, the quotes, the sources, and the
briefing around them. `story_briefing` does the same for some of a pool's facts (a daily
story's), reading the same index.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from briefing.compose.attribution import find_attributions
from briefing.compose.disputes import find_disagreements
from briefing.compose.headline import headline_of
from briefing.compose.prompt import Prompt, SectionSpec
from briefing.compose.quotes import QuoteGroup, group_quotes, pick_quotes
from briefing.compose.repeats import near_repeats
from briefing.compose.sources import list_sources
from briefing.executor import run_later
from briefing.models import Briefing, Disagreement, Fact, Item, Pool, Quote, Section, Skip, Source
from briefing.pool.index import PoolIndex, build_index, restricted
from briefing.rank.methods import score_queries
from briefing.rank.select import Budget, select_facts
from briefing.settings import Settings
from briefing.text.stems import stems
from briefing.text.wording import tidy

log = logging.getLogger(__name__)


PARALLEL_FACTS = 1500  # from this many facts, scores and repeats are found on a second core


SELECT_ROUNDS = 8  # a section's selection is redone at most this often to replace repeats


Scores = dict[str | None, np.ndarray]  # a section's query (None: none) -> a score per fact


@dataclass(frozen=True, slots=True)
class _Found:
    """What the steps after scoring read: every section's scores, the near repeats (with two
    versions of one disputed fact counted as repeats), quotations and disputes."""

    scores: Scores
    repeats: dict[int, list[int]]  # fact row -> rows of facts that would repeat it
    groups: list[QuoteGroup]
    disputes: list[Disagreement]


def make_briefing(
    pool: Pool, prompt: Prompt, settings: Settings, skipped: Sequence[Skip] = (), *, index: PoolIndex | None = None
) -> Briefing:
    """Rank and select facts into the prompt's sections; add quotes, disputes, sources.
    `index` is the pool's index (`build_index(pool)`) when the caller has built it."""
    index = build_index(pool) if index is None else index
    if index.pool is not pool:
        raise ValueError("make_briefing: the index given is another pool's")
    found = _find(index, prompt, settings)
    sections = _sections(index, prompt.sections, section_budgets(prompt, settings), found)
    shown = [it for sec in sections for it in sec.items]
    headline, headline_ids = headline_of(index.pool, [it.text for it in shown[:3]])
    quotes = pick_quotes(index, found.groups, found.scores[None], shown, prompt.quotes) if prompt.quotes else []
    return _briefing(
        index,
        prompt,
        settings,
        skipped,
        _Parts(
            sections=_mark_disputed(sections, found.disputes),
            sources=list_sources(index),
            headline=headline,
            headline_citations=index.citations.of_articles(headline_ids),
            quotes=quotes,
            disputes=found.disputes,
        ),
    )


def story_briefing(index: PoolIndex, facts: Sequence[Fact], title: str, prompt: Prompt, settings: Settings,
                   sentences: int) -> Briefing:
    """A briefing of one section, `title`, from only these facts of the indexed pool (a daily
    story's), of at most `sentences` bullets, its sources numbered over the whole pool. What
    the index holds of each fact is read, not found again; only the tf-idf is fitted on
    these facts (as for a pool that held only them)."""
    sub = restricted(index, facts)
    one = replace(prompt, sections=(SectionSpec(title),), sentences=sentences, words=None)
    return make_briefing(sub.pool, one, replace(settings, sentences=sentences, words=None), index=sub)


def section_budgets(prompt: Prompt, settings: Settings) -> list[Budget]:
    """Each section's share of the briefing's budget (the settings', else the prompt's)."""
    if settings.sentences or settings.words:
        total_s, total_w = settings.sentences, settings.words
    elif prompt.sentences or prompt.words:
        total_s, total_w = prompt.sentences, prompt.words
    else:
        total_s, total_w = 10, None
    specs = prompt.sections
    s_shares = _split_budget(total_s, [s.sentences for s in specs]) if total_s else [None] * len(specs)
    w_shares = _split_budget(total_w, [s.words for s in specs]) if total_w else [None] * len(specs)
    return [Budget(sentences=s, words=w) for s, w in zip(s_shares, w_shares, strict=True)]


def _split_budget(total: int | None, specs: Sequence[int | None]) -> list[int | None]:
    """Share a total budget among sections by their own weights (equal when unset)."""
    if total is None:
        return list(specs)
    weights = [s or 1 for s in specs]
    raw = [total * w / sum(weights) for w in weights]
    shares = [max(1, int(r)) for r in raw]
    shares[0] += max(0, total - sum(shares))
    return shares


def _find(index: PoolIndex, prompt: Prompt, settings: Settings) -> _Found:
    """Scores and near repeats need nothing the quotes and disputes compute: for a large
    pool they are found in a second process (which inherits the index) meanwhile."""
    queries = [None, *(spec.query for spec in prompt.sections if spec.query)]
    parallel = len(index.facts) >= PARALLEL_FACTS
    later = run_later(_scores_and_repeats, index, settings, queries, parallel=parallel)
    groups = group_quotes(find_attributions(index.pool)) if prompt.quotes or prompt.disagreements else []
    disputes = find_disagreements(index, groups) if prompt.disagreements else []
    scores, repeats = later.result()
    for d in disputes:  # two versions of one disputed fact are one fact for the reader
        rows = [index.row[f] for v in d.versions for f in v.fact_ids if f in index.row]
        for i in rows:
            repeats.setdefault(i, []).extend(j for j in rows if j != i)
    return _Found(scores, repeats, groups, disputes)


def _scores_and_repeats(index: PoolIndex, settings: Settings, queries: list[str | None]) -> tuple[Scores, dict]:
    return score_queries(index, settings.method, queries, settings.weights), near_repeats(index)


def _hidden(index: PoolIndex, disputes: Sequence[Disagreement]) -> set[str]:
    """Facts no bullet shows: those that do not read on their own, and of disputed versions
    all but the best-supported one, if one is."""
    hidden = {f.id for f, alone in zip(index.facts, index.standalone, strict=True) if not alone}
    for d in disputes:
        ranked = sorted(d.versions, key=lambda v: -len(v.citations))
        if len(ranked[0].citations) > len(ranked[1].citations):
            hidden |= {f for v in ranked[1:] for f in v.fact_ids}
    return hidden


def _sections(index: PoolIndex, specs: Sequence[SectionSpec], budgets: Sequence[Budget], found: _Found) -> list[Section]:
    """Each section's bullets, in order: no fact shown twice nor next to a repeat of itself; a
    section with a query shows only facts sharing a word with it."""
    hidden = _hidden(index, found.disputes)
    used: list[int] = []
    sections: list[Section] = []
    for spec, budget in zip(specs, budgets, strict=True):
        scores = found.scores[spec.query or None]
        off_topic = set(hidden)
        if spec.query:
            wanted = stems(spec.query)
            off_topic |= {f.id for f, st in zip(index.facts, index.stems, strict=True) if not st & wanted}
        chosen = _fill_section(index, scores, budget, used, found.repeats, off_topic)
        sections.append(Section(spec.title, tuple(_item(index, i, scores) for i in chosen), spec.query))
    return sections


def _fill_section(
    index: PoolIndex,
    scores: np.ndarray,
    budget: Budget,
    used: list[int],
    repeats: dict[int, list[int]],
    off_topic: set[str],
) -> list[int]:
    """Select a section's facts, never one shown above nor a near repeat of one; `used` grows.
    Selection cannot know the repeats: a pick that repeats an earlier one is dropped and the
    rest of the budget selected again."""
    facts = index.facts
    chosen: list[int] = []
    words = 0
    for _ in range(SELECT_ROUNDS):
        banned = {facts[i].id for i in used} | off_topic
        banned |= {facts[j].id for i in used for j in repeats.get(i, ())}
        left = Budget(
            sentences=None if budget.sentences is None else budget.sentences - len(chosen),
            words=None if budget.words is None else budget.words - words,
        )
        if (left.sentences is not None and left.sentences <= 0) or (left.words is not None and left.words <= 0):
            break
        picked = select_facts(index, scores, left, exclude=banned)
        if not picked:
            break
        for i in picked:
            if facts[i].id in banned:
                continue
            chosen.append(i)
            used.append(i)
            words += int(index.words[i])
            banned |= {facts[j].id for j in repeats.get(i, ())}
        if len(chosen) and all(i in chosen for i in picked):
            break
    return chosen


def _item(index: PoolIndex, i: int, scores: np.ndarray) -> Item:
    fact = index.facts[i]
    support = index.corroboration
    return Item(
        fact.id,
        tidy(fact.text),
        index.citations.of_articles(fact.articles),
        support.independent(fact.articles),
        round(float(scores[i]), 6),
        len(fact.articles),
        copies=support.copies(fact.articles),
    )


def _mark_disputed(sections: Sequence[Section], disputes: Sequence[Disagreement]) -> list[Section]:
    disputed = {f for d in disputes for v in d.versions for f in v.fact_ids}
    return [
        replace(sec, items=tuple(replace(it, disputed=it.fact_id in disputed) for it in sec.items))
        for sec in sections
    ]


@dataclass(frozen=True, slots=True)
class _Parts:
    """The composed parts of a briefing."""

    sections: Sequence[Section]
    sources: Sequence[Source]
    headline: str
    headline_citations: tuple[int, ...]
    quotes: Sequence[Quote]
    disputes: Sequence[Disagreement]


def _briefing(index: PoolIndex, prompt: Prompt, settings: Settings, skipped: Sequence[Skip], parts: _Parts) -> Briefing:
    """The briefing around its parts: title, date, dateline."""
    articles = index.pool.articles
    dates = sorted(a.date for a in articles if a.date)
    date = settings.date or (dates[-1] if dates else dt.date.today().isoformat())
    headline = parts.headline
    short = headline if len(headline) <= 110 else headline[:107].rsplit(" ", 1)[0] + "…"
    return Briefing(
        title=prompt.title.format(headline=short, date=date),
        date=date,
        headline=headline,
        sections=tuple(parts.sections),
        sources=tuple(parts.sources),
        origins=index.corroboration.independent([a.id for a in articles]),
        skipped=tuple(skipped),
        method=settings.method,
        prompt=prompt.name,
        dates=(dates[0], dates[-1]) if dates else (),
        outlets=tuple(dict.fromkeys(s.outlet for s in parts.sources if s.outlet)),
        quotes=tuple(parts.quotes),
        disagreements=tuple(parts.disputes),
        headline_citations=parts.headline_citations,
    )
