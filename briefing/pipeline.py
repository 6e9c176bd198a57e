"""The orchestrator: ingest -> clean -> split -> pool -> rank -> select -> (render)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from briefing.clean import clean_article, fallback_outlet, language_problem
from briefing.compose import (
    copies,
    headline_of,
    independent,
    named_outlet,
    near_repeats,
    originals_of,
    source_label,
    standalone,
    stems,
    tidy,
)
from briefing.disagree import claims, find_disagreements
from briefing.errors import NoArticlesError
from briefing.ingest import DEFAULT_MAX_BYTES, ingest
from briefing.models import Article, Briefing, Fact, Item, Pool, Section, Sentence, Skip, Source
from briefing.parallel import Background, map_ordered
from briefing.pool import build_pool
from briefing.prompts import Prompt, load_prompt
from briefing.quotes import find_attributions, group_quotes, pick_quotes
from briefing.rank import RankWeights, score_facts
from briefing.select import Budget, select_facts
from briefing.sentences import split_article

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one build needs; the CLI fills it from options."""

    method: str = "default"
    prompt: str = "default"
    sentences: int | None = None
    words: int | None = None
    date: str | None = None  # pins the briefing date (default: newest article date, else today)
    max_bytes: int = DEFAULT_MAX_BYTES
    weights: RankWeights = RankWeights()


def _prepare(art: Article) -> Article | Skip:
    """One article cleaned, or the reason it is skipped (no text left, not English)."""
    cleaned = fallback_outlet(clean_article(art))
    if not cleaned.text.strip():
        return Skip(art.source, "no article text left after removing page furniture")
    problem = language_problem(cleaned.text)
    if problem:
        return Skip(art.source, problem)
    return cleaned


def prepare_articles(raw: Sequence[Article]) -> tuple[list[Article], list[Skip]]:
    """Clean each article; one with no text left is skipped with its reason."""
    articles: list[Article] = []
    skipped: list[Skip] = []
    for out in map(_prepare, raw):
        (skipped if isinstance(out, Skip) else articles).append(out)  # type: ignore[arg-type]
    return articles, skipped


def _prepare_and_split(art: Article) -> tuple[Article | Skip, list[Sentence]]:
    out = _prepare(art)
    return out, ([] if isinstance(out, Skip) else split_article(out))


# Below this many articles (or facts) a second process costs more than it saves.
PARALLEL_ARTICLES = 60
PARALLEL_FACTS = 1500


def prepare_and_split(raw: Sequence[Article]) -> tuple[list[Article], list[Skip], list[list[Sentence]]]:
    """`prepare_articles`, then each kept article split into sentences; on two cores for a
    large input (same result, in the same order)."""
    articles: list[Article] = []
    skipped: list[Skip] = []
    sentences: list[list[Sentence]] = []
    for out, sents in map_ordered(_prepare_and_split, raw, PARALLEL_ARTICLES, cost=lambda a: len(a.text)):
        if isinstance(out, Skip):
            skipped.append(out)
        else:
            articles.append(out)
            sentences.append(sents)
    return articles, skipped, sentences


def pool_articles(articles: Sequence[Article]) -> Pool:
    sentences = [split_article(a) for a in articles]
    return build_pool(articles, sentences)


def read_pool(paths: Sequence[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Pool, list[Skip]]:
    """Ingest, clean, split and pool the inputs (the `briefing pool` command)."""
    result = ingest(paths, max_bytes)
    articles, skipped = prepare_articles(result.articles)
    skipped = list(result.skipped) + skipped
    if not articles:
        reasons = "; ".join(f"{Path(s.source).name}: {s.reason}" for s in skipped[:5])
        raise NoArticlesError(f"no readable article in the input ({reasons or 'no files found'})")
    return pool_articles(articles), skipped


def _budget_for(prompt: Prompt, settings: Settings) -> tuple[int | None, int | None]:
    if settings.sentences or settings.words:
        return settings.sentences, settings.words
    if prompt.sentences or prompt.words:
        return prompt.sentences, prompt.words
    return 10, None


def _split_budget(total: int | None, specs: Sequence[int | None]) -> list[int | None]:
    """Share a total budget among sections by their own weights (equal when unset)."""
    if total is None:
        return list(specs)
    weights = [s or 1 for s in specs]
    raw = [total * w / sum(weights) for w in weights]
    shares = [max(1, int(r)) for r in raw]
    shares[0] += max(0, total - sum(shares))
    return shares


def _fill_section(
    pool: Pool,
    scores: np.ndarray,
    budget: Budget,
    used: list[int],
    similar: dict[int, list[int]],
    off_topic: set[str],
) -> list[int]:
    """Select a section's facts, never one shown above nor a near-repeat of one; `used` grows."""
    chosen: list[int] = []
    words = 0
    for _ in range(8):  # each round drops repeats select_facts cannot know about
        banned = {pool.facts[i].id for i in used} | off_topic
        banned |= {pool.facts[j].id for i in used for j in similar.get(i, ())}
        left = Budget(
            sentences=None if budget.sentences is None else budget.sentences - len(chosen),
            words=None if budget.words is None else budget.words - words,
        )
        if (left.sentences is not None and left.sentences <= 0) or (
            left.words is not None and left.words <= 0
        ):
            break
        picked = select_facts(pool, scores, left, exclude=banned)
        if not picked:
            break
        for i in picked:
            if pool.facts[i].id in banned:
                continue
            chosen.append(i)
            used.append(i)
            words += len(pool.facts[i].text.split())
            banned |= {pool.facts[j].id for j in similar.get(i, ())}
        if len(chosen) and all(i in chosen for i in picked):
            break
    return chosen


def make_briefing(pool: Pool, prompt: Prompt, settings: Settings, skipped: Sequence[Skip] = ()) -> Briefing:
    """Rank and select facts into the prompt's sections; add quotes, disputes, sources."""
    total_s, total_w = _budget_for(prompt, settings)
    specs = prompt.sections
    s_shares = _split_budget(total_s, [s.sentences for s in specs]) if total_s else [None] * len(specs)
    w_shares = _split_budget(total_w, [s.words for s in specs]) if total_w else [None] * len(specs)
    numbers = {a.id: i + 1 for i, a in enumerate(pool.articles)}

    def cite(fact: Fact) -> tuple[int, ...]:
        return tuple(sorted(numbers[a] for a in fact.articles))

    queries = list(dict.fromkeys(spec.query for spec in specs if spec.query))

    def rank_and_repeats() -> tuple[np.ndarray, dict[str, np.ndarray], dict[int, list[int]]]:
        base = score_facts(pool, settings.method, None, settings.weights)
        by_query = {q: score_facts(pool, settings.method, q, settings.weights) for q in queries}
        return base, by_query, near_repeats(pool)

    # scores and near repeats need nothing the quotes and disagreements below compute: on a
    # second core for a large pool, while this process finds those. Both sides need every
    # fact's stems and figures: found first, the forked child has them too.
    fact_stems = [stems(f.text) for f in pool.facts]
    parallel = len(pool.facts) >= PARALLEL_FACTS
    if parallel:
        for f in pool.facts:
            claims(f.text)
    ranked_later = Background(rank_and_repeats, use_child=parallel)
    groups = group_quotes(find_attributions(pool)) if prompt.quotes or prompt.disagreements else []
    disputes = find_disagreements(pool, cite, groups, lambda aid: numbers[aid]) if prompt.disagreements else []
    dangling = {f.id for f in pool.facts if not standalone(f.text)}
    base, by_query, similar = ranked_later.result()
    index = {f.id: i for i, f in enumerate(pool.facts)}
    for d in disputes:  # two versions of one disputed fact are one fact for the reader
        ids = [index[f] for v in d.versions for f in v.fact_ids if f in index]
        for i in ids:
            similar.setdefault(i, []).extend(j for j in ids if j != i)
    for d in disputes:  # of disputed versions, a bullet shows the best-supported one, if any
        ranked = sorted(d.versions, key=lambda v: -len(v.citations))
        if len(ranked[0].citations) > len(ranked[1].citations):
            dangling |= {f for v in ranked[1:] for f in v.fact_ids}
    used: list[int] = []
    sections: list[Section] = []
    for spec, n_s, n_w in zip(specs, s_shares, w_shares, strict=True):
        scores = by_query[spec.query] if spec.query else base
        off_topic = set(dangling)
        if spec.query:
            # a section answers its question: facts sharing no word with it stay out
            wanted = stems(spec.query)
            off_topic |= {f.id for f, st in zip(pool.facts, fact_stems, strict=True) if not st & wanted}
        chosen = _fill_section(pool, scores, Budget(sentences=n_s, words=n_w), used, similar, off_topic)
        items = []
        for i in chosen:
            fact = pool.facts[i]
            items.append(
                Item(
                    fact.id,
                    tidy(fact.text),
                    cite(fact),
                    independent(pool, fact.articles),
                    round(float(scores[i]), 6),
                    len(fact.articles),
                    copies=copies(pool, fact.articles),
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
    quotes = pick_quotes(pool, groups, base, numbers, shown, prompt.quotes) if prompt.quotes else []
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
BUILD_STAGES = ("reading", "cleaning, splitting", "pooling", "ranking, selecting")


@contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector paused for a build. A build makes millions of small objects
    and almost no reference cycles (peak memory at 500 and 1,500 articles is the same either
    way), but each collection walks the whole heap: paused, a build takes 12-15 % less CPU.
    It runs again afterwards, as it was."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def build_briefing(
    paths: Sequence[str | Path], settings: Settings = Settings(), progress: Progress | None = None
) -> Briefing:
    """The whole pipeline from input paths to a `Briefing`; `progress` hears of each stage."""
    with without_cycle_collector():
        return _build_briefing(paths, settings, progress)


def _build_briefing(paths: Sequence[str | Path], settings: Settings, progress: Progress | None) -> Briefing:
    def stage(k: int) -> None:
        if progress:
            progress(BUILD_STAGES[k] if k < len(BUILD_STAGES) else "done", k, len(BUILD_STAGES))

    prompt = load_prompt(settings.prompt)
    stage(0)
    result = ingest(paths, settings.max_bytes)
    stage(1)
    articles, skipped, sentences = prepare_and_split(result.articles)
    skipped = list(result.skipped) + skipped
    if not articles:
        reasons = "; ".join(f"{Path(s.source).name}: {s.reason}" for s in skipped[:5])
        raise NoArticlesError(f"no readable article in the input ({reasons or 'no files found'})")
    stage(2)
    pool = build_pool(articles, sentences)
    stage(3)
    briefing = make_briefing(pool, prompt, settings, skipped)
    stage(4)
    return briefing
