"""Ingest: turn files, folders and URLs into raw `Article` records (metadata where the format has it).

Every input either becomes articles or a `Skip` naming it and saying why; one bad input never
stops the others. Cleaning and metadata inference from the text itself happen in `clean`.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from briefing.models import Article, IngestResult, Skip

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT = 20.0
USER_AGENT = "briefing/0.1 (news briefing tool; polite single fetch per URL)"

_URL = re.compile(r"^https?:/{1,2}[^/\s]", re.IGNORECASE)
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"RIFF": "a RIFF media file (WebP/WAV/AVI)",
    b"PK\x03\x04": "a ZIP archive or office document",
    b"\x1f\x8b": "a gzip archive",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"{\\rtf": "an RTF document",
    b"SQLite format 3": "an SQLite database",
    b"ID3": "an MP3 audio file",
    b"OggS": "an Ogg media file",
}
_CONTROL_BYTES = bytes([*range(1, 9), 11, 12, *range(14, 27), *range(28, 32)])  # not \t \n \r ESC
# C0/C1 control characters other than tab and newline: never part of an article.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff\ufffe]")

# -------------------------------------------------------------------------------------------
# ids and text decoding
# -------------------------------------------------------------------------------------------


def article_id(source: str, text: str) -> str:
    """Stable id: the same source and text always give the same id."""
    digest = hashlib.sha1(f"{source}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:12]


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252 (latin-1 for its five undefined bytes)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    out = "".join(
        bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1") for b in chunk
    )
    return out, exc.end


codecs.register_error("briefing-cp1252", _cp1252_fallback)

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0900-\u0dff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one side of every pair (ASCII in UTF-16)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.02:
        return "utf-16-le"
    if even > 0.3 and odd < 0.02:
        return "utf-16-be"
    return None


def binary_kind(data: bytes) -> str | None:
    """A reason if the bytes are not text (known binary signature, NUL bytes), else None."""
    for prefix, name in _BINARY_MAGIC.items():
        if data.startswith(prefix):
            return f"binary file ({name}), not text"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return None  # UTF-16 has NULs by design
    if b"\x00" in data[:65536]:
        return "binary file (contains NUL bytes), not text"
    head = data[:65536]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls >= 4 and controls / len(head) > 0.05:
        return "binary file (mostly control bytes), not text"
    return None


def _legacy_decode(data: bytes) -> str:
    """Bytes that are not UTF-8: cp1252 (the usual legacy encoding of Western news pages) unless
    charset-normalizer is confident the text is in a non-Latin script (Cyrillic, Greek, CJK, ...),
    where reading it as cp1252 would produce mojibake."""
    western = data.decode("cp1252", errors="briefing-cp1252")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:262144]).best()
    except Exception:  # detection only refines; cp1252 stays the answer
        best = None
    if best is not None:
        guess = str(best)
        letters = sum(ch.isalpha() for ch in guess) or 1
        if len(_NON_LATIN.findall(guess)) / letters > 0.5:
            try:
                return data.decode(best.encoding)
            except (LookupError, UnicodeDecodeError):
                return western
    return western


def decode_bytes(data: bytes) -> str:
    """Decode article bytes to text with `\\n` line ends and no control characters.

    BOMs first (UTF-8, UTF-16 LE/BE, UTF-32), then BOM-less UTF-16, then UTF-8 (a sequence cut at
    the end of the file is dropped; stray non-UTF-8 bytes in UTF-8 text are read as cp1252), then
    legacy encodings. Raises ValueError for binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="briefing-cp1252")
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = data.decode("utf-32", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif enc := _utf16_without_bom(data):
        text = data[: len(data) - len(data) % 2].decode(enc, errors="replace")
    else:
        reason = binary_kind(data)
        if reason:
            raise ValueError(reason)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            tail = len(data) - exc.start
            if exc.reason == "unexpected end of data" and tail <= 3:
                # A file cut inside its last multi-byte character: keep everything before it.
                text = data[: exc.start].decode("utf-8", errors="briefing-cp1252")
            elif _UTF8_MULTIBYTE.search(data):
                # UTF-8 text with a few stray legacy bytes (copy-paste between systems).
                text = data.decode("utf-8", errors="briefing-cp1252")
            else:
                text = _legacy_decode(data)
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """One line-end convention, NFC, no control characters or BOMs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text.replace("\ufffd", ""))
    return unicodedata.normalize("NFC", text)


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, checking the size limit first; raises ValueError with a user-facing reason."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > max_bytes:
        raise ValueError(
            f"file is {_size(info.st_size)}, over the {_size(max_bytes)} size limit (--max-bytes)"
        )
    if info.st_size == 0:
        raise ValueError("empty file (0 bytes)")
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)  # the file may have grown since stat()
    if len(data) > max_bytes:
        raise ValueError(f"file is over the {_size(max_bytes)} size limit (--max-bytes)")
    return data


def _size(n: int) -> str:
    if n < 10 * 1024:
        return f"{n:,} bytes"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n:,} bytes"


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a file as text, raising ValueError with a user-facing reason."""
    text = decode_bytes(read_bytes(path, max_bytes))
    if not text.strip():
        raise ValueError("empty file (whitespace only)")
    return text


# -------------------------------------------------------------------------------------------
# formats
# -------------------------------------------------------------------------------------------


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


def _iso_date(value: object) -> str:
    """YYYY-MM-DD from a date-ish value (ISO strings, timestamps, `2025-09-05T10:00Z`), else ''."""
    if value is None:
        return ""
    text = str(value).strip()
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.match(r"(\d{4})(\d{2})(\d{2})\b", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    from briefing.clean import parse_date

    return parse_date(text)


def _field(record: dict, *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, str | int | float) and str(v).strip())
        if isinstance(value, dict):
            value = value.get("name") or value.get("title") or ""
        if isinstance(value, str | int | float) and str(value).strip():
            return normalize_text(str(value)).strip()
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
        date=_iso_date(_field(record, "date", "published", "pubdate", "date_published", "published_at")),
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


def article_from_html(html: str | bytes, source: str, url: str = "") -> Article:
    """Extract the article body and metadata (title, site, date, author, url) with trafilatura."""
    import trafilatura

    def extract(with_metadata: bool):
        return trafilatura.bare_extraction(
            html,
            url=url or None,
            include_comments=False,
            include_tables=False,
            include_formatting=True,  # headings come out as `#` lines, paragraphs as blank-line blocks
            with_metadata=with_metadata,
            # Pages may be dated in the future (embargoed, scheduled, or invented examples).
            date_extraction_params={"original_date": True, "max_date": "2100-12-31"},
        )

    # trafilatura and htmldate can trip on malformed markup (fuzzing found `<svg><!DOCTYPE html>`
    # raising an AssertionError in lxml): fall back to the text without metadata, then give up
    # with a reason rather than a traceback.
    try:
        doc = extract(with_metadata=True)
    except Exception:
        try:
            doc = extract(with_metadata=False)
        except Exception as exc:
            raise ValueError(f"could not parse the HTML ({type(exc).__name__})") from None
    text = normalize_text(getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise ValueError("no article text could be extracted from the HTML")

    def meta(name: str) -> str:
        return normalize_text(str(getattr(doc, name, None) or "")).strip()

    return Article(
        id=article_id(source, text),
        source=source,
        text=text,
        title=meta("title"),
        outlet=meta("sitename"),
        date=_iso_date(meta("date")),
        url=url or meta("url"),
        byline=meta("author"),
    )


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
            date=_iso_date(meta.get("date", "")),
            url=url or meta.get("url", ""),
            byline=meta.get("byline", "") or meta.get("author", ""),
        )
    ], []


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


# -------------------------------------------------------------------------------------------
# URLs
# -------------------------------------------------------------------------------------------


def is_url(value: str | Path) -> bool:
    return bool(_URL.match(str(value)))


def _repair_url(value: str | Path) -> str:
    """`Path('https://x')` collapses `//` to `/`; give such arguments their slashes back."""
    return re.sub(r"^(https?):/(?!/)", r"\1://", str(value), flags=re.IGNORECASE)


def load_url(url: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = FETCH_TIMEOUT) -> tuple[list[Article], list[Skip]]:
    """Fetch one URL (timeout, polite User-Agent, size limit) and extract its article."""
    import httpx

    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        ) as client, client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                return [], [Skip(url, f"could not fetch: HTTP {resp.status_code} {resp.reason_phrase}")]
            chunks: list[bytes] = []
            total = 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    return [], [Skip(url, f"page is over the {_size(max_bytes)} size limit (--max-bytes)")]
                chunks.append(chunk)
            ctype = resp.headers.get("content-type", "").lower()
            final = str(resp.url)
    except httpx.TimeoutException:
        return [], [Skip(url, f"could not fetch: timed out after {timeout:g} s")]
    except httpx.HTTPError as exc:
        return [], [Skip(url, f"could not fetch: {type(exc).__name__}: {exc}".rstrip(": "))]
    data = b"".join(chunks)
    if not data.strip():
        return [], [Skip(url, "empty response")]
    try:
        text = decode_bytes(data)
    except ValueError as exc:
        return [], [Skip(url, str(exc))]
    kind = "html"
    if "json" in ctype:
        kind = "json"
    elif ctype.startswith("text/plain"):
        kind = "text"
    elif ctype.startswith("text/markdown"):
        kind = "markdown"
    articles, skipped = articles_from_text(text, url, kind, url=final)
    return articles, skipped


# -------------------------------------------------------------------------------------------
# walking inputs
# -------------------------------------------------------------------------------------------


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


def ingest(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Read every input; nothing is dropped silently."""
    paths = list(paths)
    roots = sorted(
        {str(Path(p)) for p in paths if not is_url(p) and Path(p).is_dir()}, key=len, reverse=True
    )
    articles: list[Article] = []
    skipped: list[Skip] = []
    for item in iter_files(paths):
        if isinstance(item, Skip):
            skipped.append(item)
            continue
        got, bad = load_url(item, max_bytes) if isinstance(item, str) else load_file(item, max_bytes)
        articles.extend(got)
        skipped.extend(bad)
    for skip in skipped:
        log.warning("skipped %s: %s", skip.source, skip.reason)
    return IngestResult(tuple(_location_free_ids(articles, roots)), tuple(skipped))
