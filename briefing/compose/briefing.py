"""Compose a briefing from a pool: ranked facts into the prompt's sections, quotes, disputes, headline and sources."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from briefing.compose.attribution import find_attributions
from briefing.compose.budget import Plan, fill_sections, whole_sentence
from briefing.compose.disputes import find_disagreements
from briefing.compose.headline import headline_of
from briefing.compose.prompt import Prompt
from briefing.compose.quotes import group_quotes, pick_quotes
from briefing.compose.repeats import near_repeats
from briefing.compose.sources import source_label
from briefing.compose.versions import credited_articles, shortest_versions
from briefing.executor import run_later
from briefing.models import Briefing, Fact, Item, Pool, Section, Skip, Source
from briefing.pool.families import copies, independent, named_outlet, originals_of
from briefing.pool.support import add_support
from briefing.rank.methods import score_facts
from briefing.rank.select import Budget
from briefing.settings import Settings
from briefing.text.figures import claims
from briefing.text.stems import stems
from briefing.text.wording import standalone, tidy

log = logging.getLogger(__name__)


PARALLEL_FACTS = 1500


def _budget_for(prompt: Prompt, settings: Settings) -> tuple[int | None, int | None]:
    if settings.sentences or settings.words:
        return settings.sentences, settings.words
    if prompt.sentences or prompt.words:
        return prompt.sentences, prompt.words
    return 10, None


def _rank_and_repeats(
    pool: Pool, settings: Settings, queries: Sequence[str]
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[int, list[int]]]:
    """Every section's scores and the near repeats: work that needs nothing else of a build."""
    base = score_facts(pool, settings.method, None, settings.weights)
    by_query = {q: score_facts(pool, settings.method, q, settings.weights) for q in queries}
    return base, by_query, near_repeats(pool)


def make_briefing(pool: Pool, prompt: Prompt, settings: Settings, skipped: Sequence[Skip] = ()) -> Briefing:
    """Rank and select facts into the prompt's sections; add quotes, disputes, sources."""
    total_s, total_w = _budget_for(prompt, settings)
    specs = prompt.sections
    numbers = {a.id: i + 1 for i, a in enumerate(pool.articles)}

    def cite(fact: Fact) -> tuple[int, ...]:
        return tuple(sorted(numbers[a] for a in fact.articles))

    fact_index = {f.id: i for i, f in enumerate(pool.facts)}

    queries = list(dict.fromkeys(spec.query for spec in specs if spec.query))

    # scores and near repeats need nothing the quotes and disagreements below compute: on a
    # second core for a large pool, while this process finds those. Both sides need every
    # fact's stems and figures: found first, the forked child has them too.
    fact_stems = [stems(f.text) for f in pool.facts]
    parallel = len(pool.facts) >= PARALLEL_FACTS
    if parallel:
        for f in pool.facts:
            claims(f.text)
    ranked_later = run_later(_rank_and_repeats, pool, settings, queries, parallel=parallel)
    groups = group_quotes(find_attributions(pool)) if prompt.quotes or prompt.disagreements else []
    disputes = find_disagreements(pool, cite, groups, lambda aid: numbers[aid]) if prompt.disagreements else []
    dangling = {f.id for f in pool.facts if not standalone(f.text) or not whole_sentence(f.text)}
    base, by_query, similar = ranked_later.result()
    add_support(pool, similar)  # two reports of one claim are one fact for the reader
    index = {f.id: i for i, f in enumerate(pool.facts)}
    for d in disputes:  # two versions of one disputed fact are one fact for the reader
        ids = [index[f] for v in d.versions for f in v.fact_ids if f in index]
        for i in ids:
            similar.setdefault(i, []).extend(j for j in ids if j != i)
    for d in disputes:  # of disputed versions, a bullet shows the best-supported one, if any
        ranked = sorted(d.versions, key=lambda v: -len(v.citations))
        if len(ranked[0].citations) > len(ranked[1].citations):
            dangling |= {f for v in ranked[1:] for f in v.fact_ids}
    plans = []
    for spec in specs:
        off_topic = set(dangling)
        if spec.query:
            # a section answers its question: facts sharing no word with it stay out
            wanted = stems(spec.query)
            off_topic |= {f.id for f, st in zip(pool.facts, fact_stems, strict=True) if not st & wanted}
        plans.append(Plan(by_query[spec.query] if spec.query else base, off_topic, spec.words or spec.sentences or 1))
    shorter = shortest_versions(pool, dangling)
    picked = fill_sections(pool, plans, Budget(sentences=total_s, words=total_w), similar, shorter)
    sections: list[Section] = []
    for spec, plan, chosen in zip(specs, plans, picked, strict=True):
        scores = plan.scores
        items = []
        for pick in chosen:
            i, fact = pick.fact, pool.facts[pick.shown]
            # credit follows support: every article carrying the claim, in any of its versions
            arts = credited_articles(pool, {pool.facts[i], fact}, fact_index)
            items.append(
                Item(
                    fact.id,
                    tidy(fact.text),
                    tuple(sorted(numbers[a] for a in arts)),
                    independent(pool, arts),
                    round(float(scores[i]), 6),
                    len(arts),
                    copies=copies(pool, arts),
                )
            )
        sections.append(Section(spec.title, tuple(items), spec.query))

    originals = originals_of(pool)
    sources = []
    for art in pool.articles:
        orig = originals[art.id]
        copy_of = numbers[orig] if orig != art.id else None
        outlet = named_outlet(art)
        sources.append(
            Source(numbers[art.id], art.id, outlet, art.title, art.date, source_label(art), copy_of)
        )

    shown = [it for sec in sections for it in sec.items]
    lead = [it.text for it in shown[:3]]
    headline, headline_ids = headline_of(pool, lead)
    repeats = {pool.facts[j].id for it in shown for j in similar.get(fact_index[it.fact_id], ())}
    quotes = pick_quotes(pool, groups, base, numbers, shown, prompt.quotes, repeats=repeats) if prompt.quotes else []
    disputed = {f for d in disputes for v in d.versions for f in v.fact_ids}
    sections = [
        replace(sec, items=tuple(replace(it, disputed=it.fact_id in disputed) for it in sec.items))
        for sec in sections
    ]
    dates = sorted(a.date for a in pool.articles if a.date)
    date = settings.date or (dates[-1] if dates else dt.date.today().isoformat())
    short = headline if len(headline) <= 110 else headline[:107].rsplit(" ", 1)[0] + "…"
    outlets = tuple(dict.fromkeys(s.outlet for s in sources if s.outlet))
    return Briefing(
        title=prompt.title.format(headline=short, date=date),
        date=date,
        headline=headline,
        sections=tuple(sections),
        sources=tuple(sources),
        origins=independent(pool, [a.id for a in pool.articles]),
        skipped=tuple(skipped),
        method=settings.method,
        prompt=prompt.name,
        dates=(dates[0], dates[-1]) if dates else (),
        outlets=outlets,
        quotes=tuple(quotes),
        disagreements=tuple(disputes),
        headline_citations=tuple(sorted(numbers[a] for a in headline_ids)),
    )


Progress = Callable[[str, int, int], None]  # (stage, stages done, stages in all)
