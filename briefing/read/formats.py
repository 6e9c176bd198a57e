"""Article formats: front matter, JSON records and clusters, HTML pages (read in page.py), plain text."""

from __future__ import annotations

import json
import logging
import re

from briefing.models import Article, Skip
from briefing.read.decode import article_id, normalize_text
from briefing.read.page import article_from_html
from briefing.text.dates import iso_date

log = logging.getLogger(__name__)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple `key: value` front matter between `---` lines from a markdown body."""
    if not text.startswith("---\n"):
        return {}, text
    end = re.search(r"^(---|\.\.\.)\s*$", text[4:], re.MULTILINE)
    if end is None:
        return {}, text
    meta: dict[str, str] = {}
    for line in text[4 : 4 + end.start()].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t", "-", "#")):
            meta[key.strip().lower()] = value.strip().strip("\"'").strip()
    return meta, text[4 + end.end() :].lstrip("\n")


def _field(record: dict, *keys: str) -> str:
    """A metadata field as text. Only text counts: `true`, `3.5` or `[1, 2]` where a title or an
    outlet belongs is a producer's mistake, not a name to show (a list keeps its text items)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(t for v in value if isinstance(v, str) and (t := normalize_text(v).strip()))
        if isinstance(value, dict):
            value = value.get("name") or value.get("title") or ""
        if isinstance(value, str) and normalize_text(value).strip():
            return normalize_text(value).strip()
    return ""


def _from_record(record: dict, source: str) -> Article | None:
    text = record.get("text") or record.get("body") or record.get("content") or record.get("article")
    if isinstance(text, list):  # paragraphs
        text = "\n\n".join(p for p in text if isinstance(p, str))
    if not isinstance(text, str) or not text.strip():
        return None
    text = normalize_text(text)
    return Article(
        id=article_id(source, text),
        source=source,
        text=text,
        title=_field(record, "title", "headline"),
        outlet=_field(record, "outlet", "source", "site", "sitename", "site_name", "publisher"),
        date=iso_date(_field(record, "date", "published", "pubdate", "date_published", "published_at")),
        url=_field(record, "url", "link"),
        byline=_field(record, "byline", "author", "authors"),
    )


_DOC_KEYS = ("documents", "articles", "docs")


def loads_json(text: str) -> object:
    """json.loads, with what else it raises on hostile input (a number of 5,000 digits, arrays
    nested 100,000 deep) turned into a JSONDecodeError like any other bad JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except ValueError as exc:  # int too long to convert
        raise json.JSONDecodeError(str(exc).split(";")[0].split(":")[0], text, 0) from None


def _rows_from_json(text: str, source: str) -> tuple[list[tuple[str, object]], list[Skip]]:
    """(where, parsed value) pairs: a JSON document (a list is many rows) or JSON lines."""
    stripped = text.strip()
    try:
        data = loads_json(stripped)
    except json.JSONDecodeError as exc:
        whole_error = exc
    else:
        rows = data if isinstance(data, list) else [data]
        return [(f"{source}#{i + 1}", row) for i, row in enumerate(rows)], []
    items: list[tuple[str, object]] = []
    skipped: list[Skip] = []
    lines = text.split("\n")
    if len(lines) == 1 or not stripped.startswith("{"):
        # Not JSON lines either: one broken document.
        return [], [Skip(source, f"invalid JSON at line {whole_error.lineno}: {whole_error.msg}")]
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            items.append((f"{source}#{lineno}", loads_json(line)))
        except json.JSONDecodeError as exc:
            skipped.append(Skip(source, f"line {lineno}: invalid JSON ({exc.msg}); other lines used"))
    return items, skipped


def records_from_json(text: str, source: str) -> tuple[list[Article], list[Skip]]:
    """Articles from JSON/JSONL: plain records, or clusters with `documents` inside."""
    items, skipped = _rows_from_json(text, source)
    articles: list[Article] = []
    for where, row in items:
        at = "line " + where.rsplit("#", 1)[1]
        if not isinstance(row, dict):
            skipped.append(Skip(source, f"{at}: not a JSON object"))
            continue
        docs = next((row[k] for k in _DOC_KEYS if isinstance(row.get(k), list)), None)
        if docs is not None:
            for j, doc in enumerate(docs, 1):
                art = _from_record(doc, f"{where}/{j}") if isinstance(doc, dict) else None
                if art is None:
                    skipped.append(Skip(source, f"{at}, document {j}: no text"))
                else:
                    articles.append(art)
            continue
        art = _from_record(row, where)
        if art is None:
            skipped.append(Skip(source, f"{at}: record has no `text`"))
        else:
            articles.append(art)
    if not articles and not skipped:
        skipped.append(Skip(source, "no records in the JSON"))
    return articles, skipped


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) and "<body" in text[:200000].lower()


def articles_from_text(text: str, source: str, kind: str, url: str = "") -> tuple[list[Article], list[Skip]]:
    """Articles from decoded text of a known kind: 'json', 'html', 'markdown' or 'text'."""
    if kind == "json":
        return records_from_json(text, source)
    if kind == "html" or (kind == "text" and _looks_like_html(text)):
        try:
            return [article_from_html(text, source, url)], []
        except ValueError as exc:
            return [], [Skip(source, str(exc))]
    meta, body = _front_matter(text) if kind == "markdown" else ({}, text)
    if not body.strip():
        return [], [Skip(source, "no text after the front matter")]
    return [
        Article(
            id=article_id(source, body),
            source=source,
            text=body,
            title=meta.get("title", ""),
            outlet=meta.get("outlet", "") or meta.get("source", "") or meta.get("site", ""),
            date=iso_date(meta.get("date", "")),
            url=url or meta.get("url", ""),
            byline=meta.get("byline", "") or meta.get("author", ""),
        )
    ], []
