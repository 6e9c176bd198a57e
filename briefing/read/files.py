"""Ingest: turn files, folders and URLs into raw `Article` records (metadata where the format has it).

Every input either becomes articles or a `Skip` naming it and saying why; one bad input never
stops the others. Cleaning and metadata inference from the text itself happen in `clean`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.models import Article, IngestResult, Skip
from briefing.read.decode import article_id, read_text_file
from briefing.read.formats import articles_from_text
from briefing.settings import DEFAULT_MAX_BYTES, FETCH_TIMEOUT

if TYPE_CHECKING:
    from briefing.read.web import Fetcher

log = logging.getLogger(__name__)


TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


MARKDOWN_SUFFIXES = {".md", ".markdown"}


HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES


_URL = re.compile(r"^https?:/{1,2}[^/\s]", re.IGNORECASE)


def _kind_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Article], list[Skip]]:
    """Articles from one file; problems become `Skip`s naming the file."""
    source = str(path)
    try:
        text = read_text_file(path, max_bytes)
    except PermissionError:
        return [], [Skip(source, "permission denied")]
    except OSError as exc:
        return [], [Skip(source, f"cannot read: {_os_reason(exc)}")]
    except ValueError as exc:
        return [], [Skip(source, str(exc))]
    return articles_from_text(text, source, _kind_for(path))


def _os_reason(exc: OSError) -> str:
    if exc.errno == 40 or "symbolic links" in str(exc):
        return "symlink loop"
    return (exc.strerror or str(exc)).lower()


def is_url(value: str | Path) -> bool:
    return bool(_URL.match(str(value)))


def _repair_url(value: str | Path) -> str:
    """`Path('https://x')` collapses `//` to `/`; give such arguments their slashes back."""
    return re.sub(r"^(https?):/(?!/)", r"\1://", str(value), flags=re.IGNORECASE)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | str | Skip]:
    """Files under the given paths (recursively, in a stable order), URLs as strings, and Skips
    for what cannot be walked: missing paths, symlink loops, files of other types."""
    seen_dirs: set[str] = set()
    for raw in paths:
        if is_url(raw):
            yield _repair_url(raw)
            continue
        path = Path(raw)
        if path.is_symlink() and not path.exists():
            yield Skip(str(path), "broken symlink or symlink loop")
            continue
        if not path.exists():
            yield Skip(str(path), "no such file or folder")
            continue
        if not path.is_dir():
            yield path  # named explicitly: read whatever its suffix
            continue
        errors: list[OSError] = []  # folders os.walk could not list: reported, not dropped
        for root, dirs, files in os.walk(path, followlinks=True, onerror=errors.append):
            while errors:
                err = errors.pop(0)
                yield Skip(str(err.filename or root), f"cannot read folder: {_os_reason(err)}")
            real = os.path.realpath(root)
            if real in seen_dirs:
                dirs[:] = []
                yield Skip(root, "symlink loop (folder already read)")
                continue
            seen_dirs.add(real)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            if not os.access(root, os.R_OK | os.X_OK):
                yield Skip(root, "permission denied (folder)")
                continue
            for name in sorted(files):
                if name.startswith("."):
                    continue  # hidden files: editor backups, .DS_Store
                file = Path(root) / name
                if file.is_symlink() and not file.exists():
                    yield Skip(str(file), "broken symlink or symlink loop")
                elif file.suffix.lower() in SUFFIXES:
                    yield file
                else:
                    yield Skip(str(file), f"not an article file (expected {', '.join(sorted(SUFFIXES))})")
        for err in errors:
            yield Skip(str(err.filename or path), f"cannot read folder: {_os_reason(err)}")


_RECORD = re.compile(r"(.*?)(#\d+(?:/\d+)?)?", re.DOTALL)


def split_record(source: str) -> tuple[str, str]:
    """(file path, `#3/1` record suffix or "") of an article's source. Only a trailing
    `#<line>[/<document>]` is a record: a `#` in a folder or file name is part of the path."""
    m = _RECORD.fullmatch(source)
    return m.group(1), m.group(2) or ""


def _placeless(source: str, roots: Sequence[str]) -> str:
    """A source without the location of the input: the path inside a folder given, a file's own
    name, or the URL. Ids made from it keep a briefing's bytes the same wherever the folder lies."""
    if is_url(source):
        return source
    for root in roots:
        if source.startswith(root + os.sep):
            return source[len(root) + 1 :]
    path, record = split_record(source)
    return os.path.basename(path) + record


def _location_free_ids(articles: Sequence[Article], roots: Sequence[str]) -> list[Article]:
    out: list[Article] = []
    seen: set[str] = set()
    for art in articles:
        base = _placeless(art.source, roots)
        new, n = article_id(base, art.text), 1
        while new in seen:  # the same name and text under two folders given: still two articles
            n += 1
            new = article_id(f"{base}\0{n}", art.text)
        seen.add(new)
        out.append(replace(art, id=new))
    return out


def ingest(
    paths: Iterable[str | Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    allow_private: bool = False,
    timeout: float = FETCH_TIMEOUT,
) -> IngestResult:
    """Read every input; nothing is dropped silently. URLs go through one fetcher (the page
    cache `daily` uses), which refuses private addresses unless `allow_private`."""
    paths = list(paths)
    roots = sorted(
        {str(Path(p)) for p in paths if not is_url(p) and Path(p).is_dir()}, key=len, reverse=True
    )
    articles: list[Article] = []
    skipped: list[Skip] = []
    with contextlib.ExitStack() as stack:
        fetcher: Fetcher | None = None
        for item in iter_files(paths):
            if isinstance(item, Skip):
                skipped.append(item)
                continue
            if isinstance(item, str) and fetcher is None:
                # the web stack (httpx) is imported only for a URL: a folder build starts faster
                from briefing.read.web import load_url, page_fetcher

                fetcher = stack.enter_context(page_fetcher(max_bytes, timeout, allow_private))
            got, bad = (load_url(item, fetcher=fetcher) if isinstance(item, str)
                        else load_file(item, max_bytes))
            articles.extend(got)
            skipped.extend(bad)
    for skip in skipped:
        log.warning("skipped %s: %s", skip.source, skip.reason)
    return IngestResult(tuple(_location_free_ids(articles, roots)), tuple(skipped))
