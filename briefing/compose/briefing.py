"""Compose a briefing from a pool's index: ranked facts into the prompt's sections, quotes,
disputes, headline and sources.

`make_briefing` calls the steps in order: scoring and repeats (with quotes and disputes
found meanwhile), the sections sharing the briefing's budget (`compose.budget`, each claim in
its shortest version, `compose.versions`), the headline, the quotes, the sources, and the
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
from briefing.compose.budget import Pick, Plan, fill_sections
from briefing.compose.disputes import find_disagreements
from briefing.compose.echoes import echoes
from briefing.compose.headline import headline_of
from briefing.compose.prompt import Prompt, SectionSpec
from briefing.compose.quotes import QuoteGroup, group_quotes, pick_quotes
from briefing.compose.repeats import near_repeats
from briefing.compose.sources import list_sources
from briefing.compose.versions import credited_articles, shortest_versions
from briefing.executor import run_later
from briefing.models import Briefing, Disagreement, Fact, Item, Pool, Quote, Section, Skip, Source
from briefing.pool.index import PoolIndex, build_index, restricted
from briefing.rank.methods import score_queries
from briefing.rank.select import Budget
from briefing.settings import Settings
from briefing.text.stems import stems
from briefing.text.wording import tidy

log = logging.getLogger(__name__)


PARALLEL_FACTS = 1500  # from this many facts, scores and repeats are found on a second core


Scores = dict[str | None, np.ndarray]  # a section's query (None: none) -> a score per fact


@dataclass(frozen=True, slots=True)
class _Found:
    """What the steps after scoring read: every section's scores, the near repeats (with the
    reports of one claim, `Fact.repeats`, and two versions of one disputed fact counted as
    repeats), quotations and disputes."""

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
    sections = _sections(index, prompt.sections, total_budget(prompt, settings), found)
    shown = [it for sec in sections for it in sec.items]
    headline, headline_ids = headline_of(index.pool, [it.text for it in shown[:3]])
    quotes = _quotes(index, prompt, found, shown)
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


def total_budget(prompt: Prompt, settings: Settings) -> Budget:
    """The briefing's budget (the settings', else the prompt's), shared by its sections."""
    if settings.sentences or settings.words:
        return Budget(sentences=settings.sentences, words=settings.words)
    if prompt.sentences or prompt.words:
        return Budget(sentences=prompt.sentences, words=prompt.words)
    return Budget(sentences=10)


def _find(index: PoolIndex, prompt: Prompt, settings: Settings) -> _Found:
    """Scores and near repeats need nothing the quotes and disputes compute: for a large
    pool they are found in a second process (which inherits the index) meanwhile."""
    queries = [None, *(spec.query for spec in prompt.sections if spec.query)]
    parallel = len(index.facts) >= PARALLEL_FACTS
    later = run_later(_scores_and_repeats, index, settings, queries, parallel=parallel)
    groups = group_quotes(find_attributions(index.pool))  # quotes, disputes and echoes read them
    disputes = find_disagreements(index, groups) if prompt.disagreements else []
    scores, repeats = later.result()
    for i, fact in enumerate(index.facts):  # two reports of one claim are one fact for the reader
        if fact.repeats:
            repeats.setdefault(i, []).extend(index.row[f] for f in fact.repeats if f in index.row)
    for i, quoted in echoes(index, groups).items():  # a quotation of what a bullet reports
        repeats.setdefault(i, []).extend(quoted)
    for d in disputes:  # two versions of one disputed fact are one fact for the reader
        rows = [index.row[f] for v in d.versions for f in v.fact_ids if f in index.row]
        for i in rows:
            repeats.setdefault(i, []).extend(j for j in rows if j != i)
    return _Found(scores, repeats, groups, disputes)


def _scores_and_repeats(index: PoolIndex, settings: Settings, queries: list[str | None]) -> tuple[Scores, dict]:
    return score_queries(index, settings.method, queries, settings.weights), near_repeats(index)


def _hidden(index: PoolIndex, disputes: Sequence[Disagreement]) -> set[str]:
    """Facts no bullet shows: those that do not read on their own or are no whole sentence,
    and of disputed versions all but the best-supported one, if one is."""
    hidden = {
        f.id for f, alone, whole in zip(index.facts, index.standalone, index.whole, strict=True) if not (alone and whole)
    }
    for d in disputes:
        ranked = sorted(d.versions, key=lambda v: -len(v.citations))
        if len(ranked[0].citations) > len(ranked[1].citations):
            hidden |= {f for v in ranked[1:] for f in v.fact_ids}
    return hidden


def _sections(index: PoolIndex, specs: Sequence[SectionSpec], budget: Budget, found: _Found) -> list[Section]:
    """Each section's bullets, in order, sharing the budget by what each finds: no fact shown
    twice nor with a repeat of itself, each claim in its shortest version; a section with a
    query shows only facts sharing a word with it."""
    hidden = _hidden(index, found.disputes)
    plans = []
    for spec in specs:
        off_topic = set(hidden)
        if spec.query:
            wanted = stems(spec.query)
            off_topic |= {f.id for f, st in zip(index.facts, index.stems, strict=True) if not st & wanted}
        plans.append(Plan(found.scores[spec.query or None], off_topic, spec.words or spec.sentences or 1))
    picked = fill_sections(index, plans, budget, found.repeats, shortest_versions(index, hidden))
    return [
        Section(spec.title, tuple(_item(index, pick, plan.scores) for pick in chosen), spec.query)
        for spec, plan, chosen in zip(specs, plans, picked, strict=True)
    ]


def _item(index: PoolIndex, pick: Pick, scores: np.ndarray) -> Item:
    """The bullet of a pick: the version shown, credited to every article carrying the claim
    in any of its versions (credit follows support)."""
    fact = index.facts[pick.shown]
    arts = credited_articles(index, {pick.fact, pick.shown})
    support = index.corroboration
    return Item(
        fact.id,
        tidy(fact.text),
        index.citations.of_articles(arts),
        support.independent(arts),
        round(float(scores[pick.fact]), 6),
        len(arts),
        copies=support.copies(arts),
    )


def _quotes(index: PoolIndex, prompt: Prompt, found: _Found, shown: Sequence[Item]) -> list[Quote]:
    """The prompt's quotations: none already shown in a bullet or in a repeat of one."""
    if not prompt.quotes:
        return []
    repeats = {index.facts[j].id for it in shown for j in found.repeats.get(index.row[it.fact_id], ())}
    return pick_quotes(index, found.groups, found.scores[None], shown, prompt.quotes, repeats=repeats)


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
