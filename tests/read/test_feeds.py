"""Feeds and pages from a real HTTP server on loopback: parsed, extracted, cached, failures kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from webfixtures import EMPTY_PAGE, news_site, requests_for

from briefing.read.web import Fetcher, FetchError, HttpCache, collect_web, parse_feed

FEEDS = ["/feeds/local.rss", "/feeds/valley.atom", "/feeds/slow.rss", "/feeds/error.rss",
         "/feeds/broken.rss"]


def test_feeds_pages_and_failures(tmp_path: Path) -> None:
    with news_site() as server:
        feeds = [server.url_for(p) for p in FEEDS]
        urls = [server.url_for("/news/orchard-festival.html"), server.url_for("/missing.html")]
        with Fetcher(HttpCache(tmp_path / "cache"), timeout=0.5, allow_private=True) as fetcher:
            got = collect_web(feeds, urls, fetcher, "2025-09-09")
            assert fetcher.network_fetches == len(FEEDS) + 3 + 1 + 1  # feeds, pages, url, missing
        titles = sorted(a.title for a in got.articles)
        assert titles == ["Harbour bridge reopens after six months of repairs",
                          "Orchard festival draws record crowds",
                          "Traffic returns to Harbour Bridge as repairs end"]
        bridge = next(a for a in got.articles if a.title.startswith("Harbour"))
        assert bridge.url == server.url_for("/news/harbour-bridge.html")
        assert bridge.outlet == "Port Alder Gazette"
        assert "84 of the bridge's 120 suspension cables" in bridge.text
        assert "Copyright" not in bridge.text and "Home" not in bridge.text
        reasons = {s.source: s.reason for s in got.skipped}
        assert "timed out after 0.5 s" in reasons[server.url_for("/feeds/slow.rss")]
        assert "HTTP 500" in reasons[server.url_for("/feeds/error.rss")]
        assert "invalid XML" in reasons[server.url_for("/feeds/broken.rss")]
        assert "no article text" in reasons[server.url_for(EMPTY_PAGE)]
        assert "HTTP 500" in reasons[server.url_for("/missing.html")] or "HTTP 404" in reasons[
            server.url_for("/missing.html")]
        assert len(got.skipped) == 5

        # the same day again: every success comes from the cache, failures are tried again
        with Fetcher(HttpCache(tmp_path / "cache"), timeout=0.5, allow_private=True) as fetcher:
            again = collect_web(feeds, urls, fetcher, "2025-09-09")
            # the slow feed, the 500 feed, the missing page, and the broken feed and the page that
            # gave no article (dropped from the cache, so one fixed meanwhile is read afresh)
            assert fetcher.network_fetches == 5
        assert again.articles == got.articles
        assert requests_for(server, "/news/harbour-bridge.html") == 1
        assert requests_for(server, "/feeds/local.rss") == 1
        # the next day: feeds are fetched afresh, pages still come from the cache
        with Fetcher(HttpCache(tmp_path / "cache"), timeout=0.5, allow_private=True) as fetcher:
            collect_web(feeds[:2], [], fetcher, "2025-09-10")
            assert fetcher.network_fetches == 3  # the two feeds, and the page with no article
        assert requests_for(server, "/feeds/local.rss") == 2


def test_fetcher_sends_a_user_agent_and_limits_size(tmp_path: Path) -> None:
    with news_site() as server:
        with Fetcher(None, timeout=2, user_agent="briefing-test/1.0 (+mailto:t@example.org)",
                     max_bytes=100, allow_private=True) as fetcher, \
                pytest.raises(FetchError, match="over the 100 bytes size limit"):
            fetcher.get(server.url_for("/news/harbour-bridge.html"))
        req, _ = server.log[-1]
        assert req.headers["User-Agent"] == "briefing-test/1.0 (+mailto:t@example.org)"


def test_parse_feed_rejects_what_is_not_a_feed() -> None:
    with pytest.raises(ValueError, match="not an RSS/Atom feed"):
        parse_feed(b"<html><body><p>a web page</p></body></html>", "u")
    with pytest.raises(ValueError, match="invalid XML"):
        parse_feed(b"plain words, no markup", "u")


def test_cache_ignores_damaged_entries_and_prunes(tmp_path: Path) -> None:
    from briefing.read.web import Response

    cache = HttpCache(tmp_path)
    key = cache.key("http://x/a")
    cache.put(key, "http://x/a", Response("http://x/a", "text/html", b"<p>hi</p>"))
    assert cache.get(key).body == b"<p>hi</p>"
    (tmp_path / f"{key}.body").write_bytes(b"<p>h")  # a torn write
    assert cache.get(key) is None
    assert cache.prune(0) == 1 and not list(tmp_path.iterdir())
