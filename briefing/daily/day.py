"""One day's briefing: stories, a section per story, updates of facts briefed before, also reported."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from briefing.compose.prompt import Prompt
from briefing.daily.archive import Progress
from briefing.daily.config import DailyConfig
from briefing.daily.history import (
    BriefedFact,
    fact_key,
)
from briefing.daily.sections import Job, section, sections
from briefing.daily.stories import Story, cluster_articles
from briefing.models import Article, Briefing, Fact, Item, Pool, Section, Skip
from briefing.pipeline import pool_articles, without_cycle_collector
from briefing.pool.index import PoolIndex, build_index
from briefing.settings import Settings

log = logging.getLogger(__name__)




DEVELOPING_SIMILARITY = 0.5  # a new fact this close to a briefed one is an update of it


DEVELOPING_TITLE = "Developing"


ALSO_TITLE = "Also reported"


@dataclass(frozen=True, slots=True)
class DayBriefing:
    briefing: Briefing
    stories: int
    facts_new: int
    facts_updates: int
    facts_briefed: int
    briefed: tuple[tuple[str, str], ...]  # (key, text) for every wording of every briefed fact
    quoted: tuple[tuple[str, str], ...] = ()  # (key, text) of every quotation shown


def _fact_keys(fact: Fact) -> set[str]:
    return {fact_key(fact.text)} | {fact_key(m.text) for m in fact.members}


def _updates(candidates: Sequence[Fact], earlier: Sequence[BriefedFact]) -> set[str]:
    """Ids of candidate facts that restate an earlier-briefed fact with something changed."""
    before = sorted({b.text for b in earlier if b.kind == "fact"})
    if not candidates or not before:
        return set()
    texts = [f.text for f in candidates] + before
    try:
        X = TfidfVectorizer(sublinear_tf=True, stop_words=sorted(ENGLISH_STOP_WORDS)).fit_transform(texts)
    except ValueError:
        return set()
    X = normalize(X)
    sims = (X[: len(candidates)] @ X[len(candidates) :].T).toarray()
    best = sims.max(axis=1)
    return {f.id for f, s in zip(candidates, best, strict=True) if s >= DEVELOPING_SIMILARITY}


def _one_line(article: Article) -> str:
    if article.title.strip():
        return article.title.strip()
    first = article.text.strip().split("\n", 1)[0]
    words = first.split()
    return " ".join(words[:25]) + ("…" if len(words) > 25 else "")


def build_day(
    articles: Sequence[Article],
    earlier: Sequence[BriefedFact],
    config: DailyConfig,
    prompt: Prompt,
    date: str,
    skipped: Sequence[Skip] = (),
    progress: Progress | None = None,
) -> DayBriefing:
    """The day's briefing from its new articles, leaving out what `earlier` briefings said."""
    with without_cycle_collector():
        return _build_day(articles, earlier, config, prompt, date, skipped, progress)


@dataclass(frozen=True, slots=True)
class _Stories:
    """The day's stories, most independent origins first: the featured ones (a section each)
    and the rest; the pool with its articles numbered story by story."""

    featured: list[Story]
    rest: list[Story]
    family: dict[str, str]  # article id -> syndication family
    by_id: dict[str, Article]
    pool: Pool

    def origins(self, story: Story) -> int:
        return len({self.family[a] for a in story.articles})


@dataclass
class _Sections:
    """The day's sections as they are made, the first story's briefing, the quotations and
    disputes of the stories shown."""

    sections: list[Section] = field(default_factory=list)
    shown: list[Item] = field(default_factory=list)
    first: Briefing | None = None
    lead: Story | None = None  # the first story with a section: its title heads the briefing
    extras: dict[str, list] = field(default_factory=lambda: {"quotes": [], "disagreements": []})

    def add(self, section: Section, made: Briefing) -> None:
        self.first = self.first or made
        self.sections.append(section)
        self.shown += section.items


def _build_day(
    articles: Sequence[Article],
    earlier: Sequence[BriefedFact],
    config: DailyConfig,
    prompt: Prompt,
    date: str,
    skipped: Sequence[Skip],
    progress: Progress | None,
) -> DayBriefing:
    settings = Settings(method=config.method, prompt=prompt.name, date=date)
    if not articles:
        empty = Briefing(title=prompt.title.format(headline="no new articles", date=date), date=date,
                         headline="", sections=(), sources=(), skipped=tuple(skipped),
                         method=config.method)
        return DayBriefing(empty, 0, 0, 0, 0, ())
    if progress:
        progress("building", 0, 4)
    stories = cluster_articles(articles, config.threshold)
    if progress:
        progress("building", 1, 4)
    pool = pool_articles(articles)
    if progress:
        progress("building", 2, 4)
    day = _rank_stories(articles, pool, stories, config)
    index = build_index(day.pool)
    briefed_keys = {b.key for b in earlier}
    facts_by_story, already = _new_facts(day.pool, day.featured, earlier, briefed_keys)
    candidates = [f for facts in facts_by_story for f in facts]
    update_ids = _updates(candidates, earlier)
    updates = [f for f in candidates if f.id in update_ids]
    fresh = [[f for f in facts if f.id not in update_ids] for facts in facts_by_story]
    jobs: list[Job] = [(facts, story.title, config.story_sentences)
                       for story, facts in zip(day.featured, fresh, strict=True) if facts]
    if updates and config.developing:
        jobs.append((updates, DEVELOPING_TITLE, config.developing))
    done = sections(index, jobs, prompt, settings)  # every section at once: on a cluster, in parallel
    made = _story_sections(day.featured, fresh, done, briefed_keys)
    n_stories, facts_new = len(made.sections), len(made.shown)
    n_updates = 0
    if updates and config.developing:
        developing, briefing = done[-1]
        if developing.items:
            made.add(developing, briefing)
            n_updates = len(developing.items)
    also = _also_reported(index, day, config.also_reported)
    if also.items:
        made.sections.append(also)
    if progress:
        progress("building", 3, 4)
    if made.first is None:  # nothing new to say: still list the day's sources
        _, made.first = section(index, (), ALSO_TITLE, prompt, settings, 1)
    briefing = _day_briefing(made, index, prompt, date, skipped)
    fact_ids = {it.fact_id for it in made.shown}
    briefed = {(k, f.text) for f in day.pool.facts if f.id in fact_ids for k in _fact_keys(f)}
    quoted = {(fact_key(q.text), q.text) for q in made.extras["quotes"] if getattr(q, "text", "")}
    if progress:
        progress("building", 4, 4)
    return DayBriefing(briefing, n_stories, facts_new, n_updates, already, tuple(sorted(briefed)),
                       tuple(sorted(quoted)))


def _rank_stories(articles: Sequence[Article], pool: Pool, stories: Sequence[Story], config: DailyConfig) -> _Stories:
    family = {a.id: pool.families.get(a.id, a.id) for a in articles}
    by_id = {a.id: a for a in articles}
    day = _Stories([], [], family, by_id, pool)
    order = sorted(range(len(stories)), key=lambda i: (-day.origins(stories[i]), -len(stories[i].articles), i))
    ranked = [stories[i] for i in order]
    featured = [s for s in ranked if day.origins(s) >= config.min_origins][: config.max_stories]
    featured_ids = {s.id for s in featured}
    rest = [s for s in ranked if s.id not in featured_ids]
    # sources numbered story by story, so each section cites a run of neighbouring numbers
    ordered = [by_id[a] for s in (*featured, *rest) for a in sorted(s.articles, key=lambda x: by_id[x].label)]
    return _Stories(featured, rest, family, by_id, replace(pool, articles=tuple(ordered)))


def _new_facts(pool: Pool, featured: Sequence[Story], earlier: Sequence[BriefedFact],
               briefed_keys: set[str]) -> tuple[list[list[Fact]], int]:
    """Each featured story's facts no earlier briefing gave, and how many facts were given."""
    story_of = {a: k for k, s in enumerate(featured) for a in s.articles}
    # a sentence quoting words an earlier briefing quoted says nothing new either
    quote_keys = sorted({b.key for b in earlier if b.kind == "quote" and len(b.key.split()) >= 5})
    facts_by_story: list[list[Fact]] = [[] for _ in featured]
    already = 0
    for fact in pool.facts:
        keys = _fact_keys(fact)
        if keys & briefed_keys or any(q in k for q in quote_keys for k in keys):
            already += 1
            continue
        homes = [story_of[a] for a in fact.articles if a in story_of]
        if homes:
            counts = np.bincount(homes, minlength=len(featured))
            facts_by_story[int(np.argmax(counts))].append(fact)
    return facts_by_story, already


def _story_sections(featured: Sequence[Story], fresh: Sequence[list[Fact]],
                    done: Sequence[tuple[Section, Briefing]], briefed_keys: set[str]) -> _Sections:
    """The featured stories' sections with something new (`fresh`: each story's facts but
    updates of briefed ones; `done`: the section of each story with fresh facts, in order)."""
    made = _Sections()
    made_of = iter(done)
    for story, facts in zip(featured, fresh, strict=True):
        if not facts:
            continue
        section, briefing = next(made_of)
        if not section.items:
            continue
        for name, bucket in made.extras.items():
            # a quotation an earlier briefing carried is not news either
            bucket += [x for x in getattr(briefing, name, ())
                       if x not in bucket and fact_key(getattr(x, "text", "")) not in briefed_keys]
        made.lead = made.lead or story
        made.add(section, briefing)
    return made


def _also_reported(index: PoolIndex, day: _Stories, limit: int) -> Section:
    """One line per story not featured, with its sources."""
    also: list[Item] = []
    for story in day.rest[:limit]:
        members = sorted(story.articles, key=lambda x: day.by_id[x].label)
        text = story.title if len(members) > 1 else _one_line(day.by_id[members[0]])
        also.append(Item(f"also:{story.id}", text, index.citations.of_articles(members), day.origins(story),
                         outlets=len(members)))
    return Section(ALSO_TITLE, tuple(also))


def _day_briefing(made: _Sections, index: PoolIndex, prompt: Prompt, date: str, skipped: Sequence[Skip]) -> Briefing:
    """The first story's briefing made the day's: its title, headline and sections, the
    quotations and disputes of every story shown."""
    lead = made.lead
    # the headline is the lead story's title (an article's title), else the first item listed
    headline = lead.title if lead else next((it.text for sec in made.sections for it in sec.items), "")
    short = headline if len(headline) <= 150 else headline[:147].rsplit(" ", 1)[0] + "…"
    by_id = {a.id: a for a in index.pool.articles}
    titled = [a for a in (lead.articles if lead else ()) if by_id[a].title.strip() == headline]
    changes: dict[str, object] = {
        "title": prompt.title.format(headline=short or "no new facts", date=date),
        "date": date,
        "headline": headline,
        "headline_citations": index.citations.of_articles(titled),
        "sections": tuple(made.sections),
        "skipped": tuple(skipped),
    }
    limit = getattr(prompt, "quotes", None)
    if isinstance(limit, int) and not isinstance(limit, bool):
        made.extras["quotes"] = made.extras["quotes"][:limit]  # the prompt's budget for the whole day
    for name, bucket in made.extras.items():
        if hasattr(made.first, name):
            changes[name] = tuple(bucket)
    return replace(made.first, **changes)
