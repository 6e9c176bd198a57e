"""The briefing's numbered source list: every article, what a reader calls it, and the original
a syndicated copy reprints."""

from __future__ import annotations

from briefing.models import Article, Source
from briefing.pool.families import named_outlet, originals_of
from briefing.pool.index import PoolIndex
from briefing.read.files import split_record


def list_sources(index: PoolIndex) -> list[Source]:
    """The numbered source list: every article of the pool, a syndicated copy pointing to its
    family's original."""
    originals = originals_of(index.pool)
    number = index.citations.number
    sources = []
    for art in index.pool.articles:
        orig = originals[art.id]
        copy_of = number(orig) if orig != art.id else None
        sources.append(Source(number(art.id), art.id, named_outlet(art), art.title, art.date, source_label(art), copy_of))
    return sources


def source_label(article: Article) -> str:
    """What a reader calls an input: its URL, else its file name (with the record's place
    in the file for JSON records: "cluster.jsonl#3/2")."""
    if article.url:
        return article.url
    path, record = split_record(article.source.replace("\\", "/"))
    return path.rsplit("/", 1)[-1] + record
