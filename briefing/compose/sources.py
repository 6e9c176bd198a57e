"""Compose: the parts of a briefing around its bullets (headline, corroboration, originals)."""

from __future__ import annotations

from briefing.models import Article
from briefing.read.files import split_record


def source_label(article: Article) -> str:
    """What a reader calls an input: its URL, else its file name (with the record's place
    in the file for JSON records: "cluster.jsonl#3/2")."""
    if article.url:
        return article.url
    path, record = split_record(article.source.replace("\\", "/"))
    return path.rsplit("/", 1)[-1] + record
