"""Feeds and pages from the web: RSS/Atom with feedparser, pages with httpx and trafilatura.

One fetcher for `build URL` and `daily`. Every response is cached on disk, so a re-run of the
same day reads the cache instead of the network: a feed's cache holds for its day (tomorrow's
run fetches it afresh), a page's until it is pruned (or, for `build`, 30 days). A failure
(timeout, HTTP error, invalid feed, page with no article) becomes a `Skip` with its reason and
never stops the other fetches. Failures are not cached, and a page that gave no article is
dropped from the cache: a re-run tries them again.

Limits (see transport.py): each download, redirects included, must finish within `timeout`
seconds; a response (on the wire or decoded) over `max_bytes` is refused as it streams in;
private, loopback and link-local addresses are refused unless allowed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
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
from briefing.read.decode import _size, decode_bytes, normalize_text
from briefing.read.formats import articles_from_text
from briefing.read.transport import (
    Clock,
    FetchError,
    Refused,
    TooLarge,
    guarded_transport,
    read_body,
)
from briefing.settings import DEFAULT_MAX_BYTES, FETCH_TIMEOUT, USER_AGENT

__all__ = ["FetchError", "Fetcher", "HttpCache", "Refused", "TooLarge", "collect_web", "load_url",
           "parse_feed", "read_page"]

log = logging.getLogger(__name__)


CACHE_DAYS = 30.0  # how long `build` trusts a cached page (daily prunes by its own cache_days)


PRIVATE_HINT = "[fetch] allow_private = true"  # build passes its own (--allow-private)


MAX_REDIRECTS = 10


MIN_WORDS = 20  # fewer words than this is not an article (a gallery, an index, a paywall stub)


Progress = Callable[[str, int, int], None]  # (what, done, total)


def default_cache_dir() -> Path:
    return platformdirs.user_cache_path("briefing") / "http"


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # final URL, after redirects
    content_type: str
    body: bytes
    cached: bool = False


class HttpCache:
    """Responses on disk: `<key>.body` and `<key>.json` (url, final url, content type).
    `max_age_days`: entries fetched longer ago than this are not served (None: until pruned)."""

    def __init__(self, folder: Path | str, max_age_days: float | None = None) -> None:
        self.folder = Path(folder)
        self.max_age_days = max_age_days

    @staticmethod
    def key(url: str, scope: str = "") -> str:
        return hashlib.sha256(f"{scope}\0{url}".encode("utf-8", "surrogatepass")).hexdigest()[:32]

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
        fetched = meta.get("fetched")
        if self.max_age_days is not None and (
            not isinstance(fetched, int | float) or time.time() - fetched > self.max_age_days * 86400
        ):
            return None
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

    def forget(self, key: str) -> None:
        """Drop one entry (its record first: a body without a record is never served)."""
        for suffix in (".json", ".body"):
            try:
                (self.folder / f"{key}{suffix}").unlink(missing_ok=True)
            except OSError as exc:
                log.warning("cannot remove cached %s: %s", key, exc)

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
    """GET with one deadline per download, a polite User-Agent, a size limit (on the wire and
    decoded), private addresses refused unless `allow_private`, and the disk cache."""

    def __init__(
        self,
        cache: HttpCache | None,
        timeout: float = FETCH_TIMEOUT,
        user_agent: str = USER_AGENT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        allow_private: bool = False,
        private_hint: str = PRIVATE_HINT,
    ) -> None:
        self.cache = cache
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.network_fetches = 0
        self._clock = Clock()
        # trust_env off: proxies from the environment would bypass the deadline and the check
        self._client = httpx.Client(
            transport=guarded_transport(self._clock, allow_private, private_hint),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # followed by _follow, hop by hop
            trust_env=False,
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

    def forget(self, url: str, scope: str = "") -> None:
        if self.cache is not None:
            self.cache.forget(HttpCache.key(url, scope))

    def _fetch(self, url: str) -> Response:
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError("not an http(s) URL")
        self.network_fetches += 1
        self._clock.start(self.timeout)
        try:
            return self._follow(self._client.build_request("GET", url))
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.timeout:g} s") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL ({exc})") from None
        except httpx.HTTPError as exc:
            raise FetchError(_reason(exc)) from None
        finally:
            self._clock.stop()

    def _follow(self, request: httpx.Request) -> Response:
        """Redirects followed here, not by httpx: it reads (and decompresses) the body of every
        redirect whole, so a `302` carrying a gzip bomb would pass the size limit."""
        for _ in range(MAX_REDIRECTS + 1):
            resp = self._client.send(request, stream=True)
            try:
                if resp.next_request is not None:  # a redirect: its body is never read
                    request = resp.next_request
                    if request.url.scheme not in ("http", "https"):
                        raise FetchError(f"redirected to {request.url.scheme}: (not http(s))")
                    continue
                if resp.status_code >= 400:
                    raise FetchError(f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
                body = read_body(resp, self.max_bytes)
                return Response(str(resp.url), resp.headers.get("content-type", "").lower(), body)
            finally:
                resp.close()
        raise FetchError("too many redirects")


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
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date().isoformat()
            except (OverflowError, OSError, ValueError):  # a date no calendar has
                continue
    return ""


def _text(value: object) -> str:
    return normalize_text(value).strip() if isinstance(value, str) else ""


def parse_feed(body: bytes, feed_url: str) -> tuple[list[Entry], str]:
    """Entries of an RSS/Atom document and a problem to report ("" if none).

    feedparser reads damaged XML leniently; entries it recovers are used, and the damage is
    still reported. ValueError if nothing usable is there."""
    import feedparser

    # A stream, never the bytes: feedparser opens a bytes argument as a file name if it can,
    # so a body of `/etc/passwd` would be read from this machine's disk.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": feed_url})
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
        link = _text(item.get("link"))
        if not link:
            continue
        entries.append(Entry(feed_url, link, _text(item.get("title")), _entry_date(item),
                             _text(item.get("summary"))))
    if problem:
        problem += f"; read {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} anyway"
    return entries, problem


def _kind(content_type: str) -> str:
    if "json" in content_type:
        return "json"
    if content_type.startswith("text/plain"):
        return "text"
    if content_type.startswith("text/markdown"):
        return "markdown"
    return "html"


def _page_articles(response: Response, url: str) -> tuple[list[Article], list[Skip]]:
    if not response.body.strip():
        raise ValueError("empty response")
    kind = _kind(response.content_type)
    articles, skipped = articles_from_text(decode_bytes(response.body), url, kind,
                                           url=response.url or url)
    if not articles:
        raise ValueError(skipped[0].reason if skipped else "no article in the page")
    words = len(articles[0].text.split())
    if kind == "html" and words < MIN_WORDS:  # what extraction gives for links or pictures
        raise ValueError(f"no article text could be extracted (only {words} words of page furniture)")
    return articles, skipped


def read_url(fetcher: Fetcher, url: str) -> tuple[list[Article], list[Skip]]:
    """The articles of one web page, and skips for parts of it (a bad line of a JSON page).
    Raises FetchError or ValueError with the reason when nothing could be read; such a page
    leaves the cache, so a fixed page is read afresh."""
    response = fetcher.get(url)
    try:
        return _page_articles(response, url)
    except ValueError:
        fetcher.forget(url)
        raise


def read_page(fetcher: Fetcher, url: str) -> Article:
    """The (first) article of one web page (raises FetchError or ValueError with the reason)."""
    return read_url(fetcher, url)[0][0]


def load_url(
    url: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = FETCH_TIMEOUT,
    *,
    allow_private: bool = False,
    fetcher: Fetcher | None = None,
) -> tuple[list[Article], list[Skip]]:
    """`build URL`: one page through the fetcher and page cache that `daily` uses."""
    if fetcher is None:
        with page_fetcher(max_bytes, timeout, allow_private) as own:
            return load_url(url, fetcher=own)
    try:
        return read_url(fetcher, url)
    except TooLarge as exc:
        limit = _size(exc.max_bytes)
        return [], [Skip(url, f"page is over the {limit} size limit{exc.how} (--max-bytes)")]
    except FetchError as exc:
        return [], [Skip(url, f"could not fetch: {exc}")]
    except ValueError as exc:
        return [], [Skip(url, str(exc))]


def page_fetcher(max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = FETCH_TIMEOUT,
                 allow_private: bool = False) -> Fetcher:
    """The fetcher `build` uses: the user's page cache (30 days), `--allow-private` as hint."""
    cache = HttpCache(default_cache_dir(), max_age_days=CACHE_DAYS)
    return Fetcher(cache, timeout, max_bytes=max_bytes, allow_private=allow_private,
                   private_hint="--allow-private")


@dataclass(frozen=True, slots=True)
class WebResult:
    articles: tuple[Article, ...]
    skipped: tuple[Skip, ...]


def _feed_pages(fetcher: Fetcher, feed_url: str, day: str, max_entries: int,
                skipped: list[Skip]) -> list[tuple[str, Entry | None]]:
    scope = f"feed:{day}"
    try:
        response = fetcher.get(feed_url, scope=scope)
        entries, problem = parse_feed(response.body, feed_url)
    except FetchError as exc:
        skipped.append(Skip(feed_url, f"feed: {exc}"))
        return []
    except ValueError as exc:
        fetcher.forget(feed_url, scope)  # not a feed today: ask again on a re-run
        skipped.append(Skip(feed_url, f"feed: {exc}"))
        return []
    if problem:
        skipped.append(Skip(feed_url, f"feed: {problem}"))
    if not entries:
        skipped.append(Skip(feed_url, "feed: no entries with a link"))
    return [(e.link, e) for e in entries[:max_entries]]


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
        pages += _feed_pages(fetcher, feed_url, day, max_entries, skipped)
        if progress:
            progress("feeds", n, len(feeds))
    pages += [(u, None) for u in urls]
    seen: set[str] = set()
    articles: list[Article] = []
    todo = [(u, e) for u, e in pages if not (u in seen or seen.add(u))]
    for n, (url, entry) in enumerate(todo, 1):
        try:
            got, bad = read_url(fetcher, url)
        except (FetchError, ValueError) as exc:
            skipped.append(Skip(url, f"page: {exc}"))
        else:
            skipped += [Skip(url, f"page: {s.reason}") for s in bad]
            for art in got:
                if entry is not None:
                    art = replace(art, title=art.title or entry.title, date=entry.date or art.date)
                articles.append(replace(art, url=art.url or url))
        if progress:
            progress("pages", n, len(todo))
    return WebResult(tuple(articles), tuple(skipped))


# What a reader is told of a failed download, by httpx's kind of error (the library's class
# name means nothing to someone reading a cron log).
_KINDS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectError, "could not connect"),
    (httpx.RemoteProtocolError, "the server broke off or garbled its answer"),
    (httpx.DecodingError, "the answer could not be decoded"),
    (httpx.ProxyError, "proxy error"),
    (httpx.TooManyRedirects, "too many redirects"),
    (httpx.UnsupportedProtocol, "not an http(s) URL"),
    (httpx.NetworkError, "network error"),
)


def _reason(exc: httpx.HTTPError) -> str:
    kind = next((text for cls, text in _KINDS if isinstance(exc, cls)), "download failed")
    detail = str(exc).strip()
    return f"{kind} ({detail})" if detail and len(detail) <= 200 else kind
