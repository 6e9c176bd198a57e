"""Ingest: turn files, folders and URLs into raw `Article` records (metadata where the format has it).

Cleaning and metadata inference from the text itself happen in `clean`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from briefing.models import Article, IngestResult, Skip

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def article_id(source: str, text: str) -> str:
    """Stable id: the same source and text always give the same id."""
    digest = hashlib.sha1(f"{source}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:12]


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: BOMs first, then strict UTF-8, then cp1252/latin-1 fallback."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Truncated UTF-8 at the very end: keep what decodes.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _looks_binary(data: bytes) -> str | None:
    """A reason if the bytes are not text (NUL bytes, known binary magic), else None."""
    head = data[:8]
    magic = {
        b"%PDF": "a PDF file",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
        b"PK\x03\x04": "a ZIP archive (or office document)",
        b"\x1f\x8b": "a gzip archive",
    }
    for prefix, name in magic.items():
        if head.startswith(prefix):
            return f"binary file ({name}), not text"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 has NULs by design
    if b"\x00" in data[:65536]:
        return "binary file (contains NUL bytes), not text"
    return None


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a file as text, raising ValueError with a user-facing reason."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    data = path.read_bytes()
    if not data.strip():
        raise ValueError("empty file")
    reason = _looks_binary(data)
    if reason:
        raise ValueError(reason)
    text = decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValueError("empty file (whitespace only)")
    return text


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple `key: value` front matter between `---` lines from a markdown body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    meta: dict[str, str] = {}
    for line in text[4:end].splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("\"'")
    body = text[end + 4 :].lstrip("-").lstrip("\n")
    return meta, body


def _from_record(record: dict, source: str) -> Article | None:
    text = record.get("text") or record.get("body") or record.get("content") or ""
    if not isinstance(text, str) or not text.strip():
        return None
    outlet = record.get("outlet") or record.get("source") or ""
    return Article(
        id=article_id(source, text),
        source=source,
        text=text.replace("\r\n", "\n"),
        title=str(record.get("title") or ""),
        outlet=str(outlet or ""),
        date=str(record.get("date") or "")[:10],
        url=str(record.get("url") or ""),
        byline=str(record.get("byline") or record.get("author") or ""),
    )


def records_from_json(text: str, source: str) -> tuple[list[Article], list[Skip]]:
    """Articles from JSON/JSONL: plain records or clusters with `documents` inside."""
    articles: list[Article] = []
    skipped: list[Skip] = []
    stripped = text.lstrip()
    items: list[tuple[str, object]] = []
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            skipped.append(Skip(source, f"invalid JSON at line {exc.lineno}: {exc.msg}"))
            return articles, skipped
        rows = data if isinstance(data, list) else [data]
        items = [(f"{source}#{i + 1}", row) for i, row in enumerate(rows)]
    else:
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"{source}#{lineno}", json.loads(line)))
            except json.JSONDecodeError as exc:
                skipped.append(Skip(f"{source}:{lineno}", f"invalid JSON line: {exc.msg}"))
    for where, row in items:
        if not isinstance(row, dict):
            skipped.append(Skip(where, "not a JSON object"))
            continue
        docs = row.get("documents")
        if isinstance(docs, list):
            for j, doc in enumerate(docs, 1):
                art = _from_record(doc, f"{where}/{j}") if isinstance(doc, dict) else None
                if art is None:
                    skipped.append(Skip(f"{where}/{j}", "document has no text"))
                else:
                    articles.append(art)
            continue
        art = _from_record(row, where)
        if art is None:
            skipped.append(Skip(where, "record has no `text`"))
        else:
            articles.append(art)
    return articles, skipped


def article_from_html(html: str, source: str, url: str = "") -> Article:
    """Extract the article body and metadata from an HTML page with trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url or None, include_comments=False, include_tables=False, with_metadata=True
    )
    if doc is None:
        raise ValueError("no article text could be extracted from the HTML")
    get = doc.get if isinstance(doc, dict) else (lambda k, d=None: getattr(doc, k, d))
    text = get("text") or ""
    if not text.strip():
        raise ValueError("no article text could be extracted from the HTML")
    outlet = get("sitename") or ""
    return Article(
        id=article_id(source, text),
        source=source,
        text=text,
        title=get("title") or "",
        outlet=outlet,
        date=(get("date") or "")[:10],
        url=url or get("url") or "",
        byline=get("author") or "",
    )


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Article], list[Skip]]:
    """Articles from one file; problems become `Skip`s naming the file."""
    source = str(path)
    try:
        text = read_text_file(path, max_bytes)
    except PermissionError:
        return [], [Skip(source, "permission denied")]
    except OSError as exc:
        return [], [Skip(source, f"cannot read: {exc.strerror or exc}")]
    except ValueError as exc:
        return [], [Skip(source, str(exc))]
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return records_from_json(text, source)
    if suffix in HTML_SUFFIXES:
        try:
            return [article_from_html(text, source)], []
        except ValueError as exc:
            return [], [Skip(source, str(exc))]
    meta, body = _front_matter(text) if suffix in {".md", ".markdown"} else ({}, text)
    if not body.strip():
        return [], [Skip(source, "no text after the front matter")]
    return [
        Article(
            id=article_id(source, body),
            source=source,
            text=body,
            title=meta.get("title", ""),
            outlet=meta.get("outlet", "") or meta.get("source", ""),
            date=meta.get("date", "")[:10],
            url=meta.get("url", ""),
            byline=meta.get("byline", "") or meta.get("author", ""),
        )
    ], []


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skip]:
    """Files under the given paths, recursively, in a stable order; symlink loops are skipped."""
    seen_dirs: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Skip(str(path), "no such file or folder")
            continue
        if path.is_file():
            yield path
            continue
        for root, dirs, files in os.walk(path, followlinks=True):
            real = os.path.realpath(root)
            if real in seen_dirs:
                dirs[:] = []
                yield Skip(root, "symlink loop, folder already read")
                continue
            seen_dirs.add(real)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                file = Path(root) / name
                if file.suffix.lower() in SUFFIXES:
                    yield file


def ingest(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Read every input; nothing is dropped silently."""
    articles: list[Article] = []
    skipped: list[Skip] = []
    for item in iter_files(paths):
        if isinstance(item, Skip):
            skipped.append(item)
            continue
        got, bad = load_file(item, max_bytes)
        articles.extend(got)
        skipped.extend(bad)
    for skip in skipped:
        log.warning("skipped %s: %s", skip.source, skip.reason)
    return IngestResult(tuple(articles), tuple(skipped))
