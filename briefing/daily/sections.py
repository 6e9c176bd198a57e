"""The day's sections, each ranked and composed from its facts of the day's pool: in this
process, or on a Dask cluster when one is named.

A section is `compose.briefing.story_briefing` of one story's facts (or the developing facts),
its sources numbered over the whole pool. On a cluster each section is one task on plain
records: the index of the story's facts (`pool.index.restricted`, as this process would use
it) without the day's articles, families, source numbers and origins, which every worker
receives once (`functools.partial`, broadcast by `briefing.cluster`) and puts back before
composing. Restricting an index to all of its facts gives the same index, so a worker
computes the section this process would, byte for byte. This process keeps the history,
writes the output and sends the mail; workers only compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from briefing import executor
from briefing.compose.briefing import story_briefing
from briefing.compose.prompt import Prompt
from briefing.models import Article, Briefing, Fact, Section
from briefing.pool.families import Corroboration
from briefing.pool.index import Citations, PoolIndex, restricted
from briefing.settings import Settings

REMOTE_FACTS = 1000  # from this many facts in the day's sections, with a scheduler named

Job = tuple[Sequence[Fact], str, int]  # a section's facts, its title, its most bullets


def section(index: PoolIndex, facts: Sequence[Fact], title: str, prompt: Prompt, settings: Settings,
            sentences: int) -> tuple[Section, Briefing]:
    """One section from `facts` (sources numbered over the whole pool), and the briefing around it."""
    made = story_briefing(index, facts, title, prompt, settings, sentences)
    found = replace(made.sections[0], title=title) if made.sections else Section(title, ())
    return found, made


def sections(index: PoolIndex, jobs: Sequence[Job], prompt: Prompt,
             settings: Settings) -> list[tuple[Section, Briefing]]:
    """`section` of each job, in order: on the named cluster for a large day, else here."""
    if sum(len(facts) for facts, _, _ in jobs) < REMOTE_FACTS or not executor.scheduler():
        return [section(index, facts, title, prompt, settings, n) for facts, title, n in jobs]
    day = _Day(index.pool.articles, index.pool.families, index.citations, index.corroboration)
    items = [(_without_day(restricted(index, facts)), title, n) for facts, title, n in jobs]
    return executor.map_ordered(partial(_on_worker, day, prompt, settings), items, 1,
                                cost=lambda item: len(item[0].facts))


@dataclass(frozen=True, slots=True)
class _Day:
    """What every section's index shares: the day's articles, families, source numbers, origins."""

    articles: tuple[Article, ...]
    families: dict[str, str]
    citations: Citations
    corroboration: Corroboration


def _without_day(sub: PoolIndex) -> PoolIndex:
    """A section's index without what `_Day` carries (sent once, not once per section)."""
    empty = None  # put back by `_on_worker` before anything reads it
    return replace(sub, pool=replace(sub.pool, articles=(), families={}), citations=empty, corroboration=empty)


def _on_worker(day: _Day, prompt: Prompt, settings: Settings, item: tuple[PoolIndex, str, int]) -> tuple[Section, Briefing]:
    """On a worker: one section, from its index with the day put back."""
    bare, title, n = item
    sub = replace(bare, pool=replace(bare.pool, articles=day.articles, families=day.families),
                  citations=day.citations, corroboration=day.corroboration)
    return section(sub, sub.facts, title, prompt, settings, n)
