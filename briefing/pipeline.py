"""The orchestrator: ingest -> clean -> split -> pool -> rank -> select -> (render)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.clean import clean_article, fallback_outlet
from briefing.errors import NoArticlesError
from briefing.ingest import DEFAULT_MAX_BYTES, ingest
from briefing.models import Article, Briefing, Item, Pool, Section, Skip, Source
from briefing.pool import build_pool
from briefing.prompts import Prompt, load_prompt
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


def prepare_articles(raw: Sequence[Article]) -> tuple[list[Article], list[Skip]]:
    """Clean each article; one with no text left is skipped with its reason."""
    articles: list[Article] = []
    skipped: list[Skip] = []
    for art in raw:
        cleaned = fallback_outlet(clean_article(art))
        if not cleaned.text.strip():
            skipped.append(Skip(art.source, "no article text left after removing page furniture"))
            continue
        articles.append(cleaned)
    return articles, skipped


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


def make_briefing(pool: Pool, prompt: Prompt, settings: Settings, skipped: Sequence[Skip] = ()) -> Briefing:
    """Rank and select facts into the prompt's sections; number the sources."""
    total_s, total_w = _budget_for(prompt, settings)
    specs = prompt.sections
    s_shares = _split_budget(total_s, [s.sentences for s in specs]) if total_s else [None] * len(specs)
    w_shares = _split_budget(total_w, [s.words for s in specs]) if total_w else [None] * len(specs)
    numbers = {a.id: i + 1 for i, a in enumerate(pool.articles)}
    used: set[str] = set()
    sections: list[Section] = []
    for spec, n_s, n_w in zip(specs, s_shares, w_shares, strict=True):
        scores = score_facts(pool, settings.method, spec.query or None, settings.weights)
        budget = Budget(sentences=n_s, words=n_w)
        chosen = select_facts(pool, scores, budget, exclude=used)
        items = []
        for i in chosen:
            fact = pool.facts[i]
            used.add(fact.id)
            cites = tuple(sorted(numbers[a] for a in fact.articles))
            items.append(Item(fact.id, fact.text, cites, len(fact.origins), float(scores[i])))
        sections.append(Section(spec.title, tuple(items), spec.query))
    family_first: dict[str, int] = {}
    sources = []
    for art in pool.articles:
        fam = pool.families.get(art.id, art.id)
        copy_of = family_first.get(fam)
        family_first.setdefault(fam, numbers[art.id])
        sources.append(Source(numbers[art.id], art.id, art.outlet, art.title, art.date, art.label, copy_of))
    headline = next((it.text for sec in sections for it in sec.items), "")
    dates = sorted(a.date for a in pool.articles if a.date)
    date = settings.date or (dates[-1] if dates else dt.date.today().isoformat())
    short = headline if len(headline) <= 90 else headline[:87].rsplit(" ", 1)[0] + "…"
    return Briefing(
        title=prompt.title.format(headline=short, date=date),
        date=date,
        headline=headline,
        sections=tuple(sections),
        sources=tuple(sources),
        origins=len(set(pool.families.values())),
        skipped=tuple(skipped),
        method=settings.method,
    )


def build_briefing(paths: Sequence[str | Path], settings: Settings = Settings()) -> Briefing:
    """The whole pipeline from input paths to a `Briefing`."""
    prompt = load_prompt(settings.prompt)
    result = ingest(paths, settings.max_bytes)
    articles, skipped = prepare_articles(result.articles)
    skipped = list(result.skipped) + skipped
    if not articles:
        reasons = "; ".join(f"{Path(s.source).name}: {s.reason}" for s in skipped[:5])
        raise NoArticlesError(f"no readable article in the input ({reasons or 'no files found'})")
    pool = pool_articles(articles)
    return make_briefing(pool, prompt, settings, skipped)
