"""Feeds and pages from the web: RSS/Atom with feedparser, pages with httpx and trafilatura.

Every response is cached on disk, so a re-run of the same day reads the cache instead of the
network: a feed's cache holds for its day (tomorrow's run fetches it afresh), a page's until
it is pruned. A failure (timeout, HTTP error, invalid feed, page with no article) becomes a
`Skip` with its reason and never stops the other fetches. Failures are not cached: a re-run
tries them again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import logging
import os
import time
import xml.sax
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import platformdirs

from briefing.atomic import write_atomic
from briefing.models import Article, Skip
from briefing.read.decode import _size, decode_bytes
from briefing.read.formats import articles_from_text
from briefing.settings import DEFAULT_MAX_BYTES

log = logging.getLogger(__name__)


FETCH_TIMEOUT = 20.0


USER_AGENT = "briefing/0.1 (news briefing tool; polite single fetch per URL)"


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


log = logging.getLogger(__name__)


MIN_WORDS = 20  # fewer words than this is not an article (a gallery, an index, a paywall stub)


Progress = Callable[[str, int, int], None]  # (what, done, total)


def default_cache_dir() -> Path:
    return platformdirs.user_cache_path("briefing") / "http"


class FetchError(Exception):
    """One URL could not be fetched; the message is the user-facing reason."""


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # final URL, after redirects
    content_type: str
    body: bytes
    cached: bool = False


class HttpCache:
    """Responses on disk: `<key>.body` and `<key>.json` (url, final url, content type)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    @staticmethod
    def key(url: str, scope: str = "") -> str:
        return hashlib.sha256(f"{scope}\0{url}".encode()).hexdigest()[:32]

    def get(self, key: str) -> Response | None:
        meta_path = self.folder / f"{key}.json"
        body_path = self.folder / f"{key}.body"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("size") != len(body):
            return None  # half-written or damaged: fetch again
        return Response(str(meta.get("final", "")), str(meta.get("type", "")), body, cached=True)

    def put(self, key: str, url: str, response: Response) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        body_path = self.folder / f"{key}.body"
        tmp = body_path.with_name(f".{body_path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(response.body)
        os.replace(tmp, body_path)
        meta = {"url": url, "final": response.url, "type": response.content_type,
                "size": len(response.body), "fetched": int(time.time())}
        write_atomic(self.folder / f"{key}.json", json.dumps(meta) + "\n", overwrite=True)

    def prune(self, max_age_days: float) -> int:
        """Remove entries fetched more than `max_age_days` ago; returns how many went."""
        if not self.folder.is_dir():
            return 0
        limit = time.time() - max_age_days * 86400
        removed = 0
        for meta in self.folder.glob("*.json"):
            try:
                if meta.stat().st_mtime < limit:
                    meta.unlink()
                    meta.with_suffix(".body").unlink(missing_ok=True)
                    removed += 1
            except OSError:
                continue
        return removed


class Fetcher:
    """GET with a timeout, a polite User-Agent, a size limit and the disk cache."""

    def __init__(
        self,
        cache: HttpCache | None,
        timeout: float = 20.0,
        user_agent: str = USER_AGENT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.cache = cache
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.network_fetches = 0
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, scope: str = "") -> Response:
        """The response for `url`, from the cache when this scope already fetched it."""
        key = HttpCache.key(url, scope)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        response = self._fetch(url)
        if self.cache is not None:
            try:
                self.cache.put(key, url, response)
            except OSError as exc:  # a cache that cannot be written only costs a re-fetch
                log.warning("cannot cache %s: %s", url, exc)
        return response

    def _fetch(self, url: str) -> Response:
        self.network_fetches += 1
        try:
            with self._client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise FetchError(f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
                chunks: list[bytes] = []
                total = 0
                for chunk in resp.iter_bytes():
                    total += len(chunk)
                    if total > self.max_bytes:
                        raise FetchError(f"response is over the {self.max_bytes:,}-byte limit")
                    chunks.append(chunk)
                return Response(str(resp.url), resp.headers.get("content-type", "").lower(),
                                b"".join(chunks))
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL ({exc})") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed: where its article lives, and what the feed says about it."""

    feed: str
    link: str
    title: str = ""
    date: str = ""
    summary: str = ""


def _entry_date(entry: dict) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date().isoformat()
    return ""


def parse_feed(body: bytes, feed_url: str) -> tuple[list[Entry], str]:
    """Entries of an RSS/Atom document and a problem to report ("" if none).

    feedparser reads damaged XML leniently; entries it recovers are used, and the damage is
    still reported. ValueError if nothing usable is there."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": feed_url})
    problem = ""
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        line = getattr(exc, "getLineNumber", lambda: None)()
        if isinstance(exc, xml.sax.SAXException):
            where = f" at line {line}" if line else ""
            msg = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
            problem = f"invalid XML ({msg}{where})"
            if not parsed.entries:
                raise ValueError(f"not a valid RSS/Atom feed: {problem}")
    if not parsed.get("version") and not parsed.entries:
        raise ValueError("not an RSS/Atom feed (no channel or feed element)")
    entries = []
    for item in parsed.entries:
        link = str(item.get("link") or "").strip()
        if not link:
            continue
        entries.append(Entry(feed_url, link, str(item.get("title") or "").strip(), _entry_date(item),
                             str(item.get("summary") or "").strip()))
    if problem:
        problem += f"; read {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} anyway"
    return entries, problem


def read_page(fetcher: Fetcher, url: str) -> Article:
    """The article of one web page (raises FetchError or ValueError with the reason)."""
    response = fetcher.get(url)
    if not response.body.strip():
        raise ValueError("empty response")
    text = decode_bytes(response.body)
    kind = "html"
    if "json" in response.content_type:
        kind = "json"
    elif response.content_type.startswith("text/plain"):
        kind = "text"
    articles, skipped = articles_from_text(text, url, kind, url=response.url or url)
    if not articles:
        raise ValueError(skipped[0].reason if skipped else "no article in the page")
    words = len(articles[0].text.split())
    if words < MIN_WORDS:  # what extraction falls back to on a page of links or pictures
        raise ValueError(f"no article text could be extracted (only {words} words of page furniture)")
    return articles[0]


@dataclass(frozen=True, slots=True)
class WebResult:
    articles: tuple[Article, ...]
    skipped: tuple[Skip, ...]


def collect_web(
    feeds: Sequence[str],
    urls: Sequence[str],
    fetcher: Fetcher,
    day: str,
    max_entries: int = 30,
    progress: Progress | None = None,
) -> WebResult:
    """Articles of every feed's entries (up to `max_entries` each) and of the listed URLs."""
    skipped: list[Skip] = []
    pages: list[tuple[str, Entry | None]] = []
    for n, feed_url in enumerate(feeds, 1):
        try:
            response = fetcher.get(feed_url, scope=f"feed:{day}")
            entries, problem = parse_feed(response.body, feed_url)
        except (FetchError, ValueError) as exc:
            skipped.append(Skip(feed_url, f"feed: {exc}"))
        else:
            if problem:
                skipped.append(Skip(feed_url, f"feed: {problem}"))
            if not entries:
                skipped.append(Skip(feed_url, "feed: no entries with a link"))
            pages += [(e.link, e) for e in entries[:max_entries]]
        if progress:
            progress("feeds", n, len(feeds))
    pages += [(u, None) for u in urls]
    seen: set[str] = set()
    articles: list[Article] = []
    todo = [(u, e) for u, e in pages if not (u in seen or seen.add(u))]
    for n, (url, entry) in enumerate(todo, 1):
        try:
            art = read_page(fetcher, url)
        except (FetchError, ValueError) as exc:
            skipped.append(Skip(url, f"page: {exc}"))
        else:
            if entry is not None:
                art = replace(art, title=art.title or entry.title, date=entry.date or art.date)
            articles.append(replace(art, url=art.url or url))
        if progress:
            progress("pages", n, len(todo))
    return WebResult(tuple(articles), tuple(skipped))
