"""Web servers that misbehave, on loopback (issue 16): a body or headers trickled one byte at a
time, stacked `Content-Encoding: gzip, gzip` bombs, oversized pages, feed bodies that name local
files, links to private, loopback and link-local addresses, and pages that poison the cache.
Each ends as a one-line reason or a correct briefing, within the download deadline."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from hostilesupport import (
    ROOT,
    chunked_stream,
    measured,
    raw_http,
    read_request,
    respond,
    stacked_gzip_bomb,
    trickle,
)
from webfixtures import PAGES, article_html

from briefing.read.files import ingest
from briefing.read.web import Fetcher, FetchError, HttpCache, collect_web, parse_feed

TITLE, OUTLET, PARAS = PAGES["/news/harbour-bridge.html"]
PAGE = article_html(TITLE, OUTLET, PARAS).encode()


def _in_thread(work, limit: float):
    """Run `work()` in a thread; fail (not hang) if it takes longer than `limit` seconds."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except Exception as exc:  # handed to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    start = time.monotonic()
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still running after {limit} s: no overall deadline"
    return box, time.monotonic() - start


# ------------------------------------------------------------------ one deadline per download


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_trickle_is_cut_at_the_deadline(headers_too: bool) -> None:
    with raw_http(trickle(0.2, headers_too)) as base, \
            Fetcher(None, timeout=1, allow_private=True) as fetcher:
        box, took = _in_thread(lambda: fetcher.get(base + "/slow"), limit=8)
    assert isinstance(box.get("error"), FetchError), box
    assert str(box["error"]) == "timed out after 1 s"
    assert took < 3, took


def test_build_url_with_a_trickling_page_gives_a_one_line_skip() -> None:
    with raw_http(trickle(0.2)) as base, raw_http(respond(PAGE)) as good:
        box, took = _in_thread(lambda: ingest([base + "/slow", good + "/bridge"], timeout=1,
                                              allow_private=True), limit=10)
    result = box["value"]
    assert [a.title for a in result.articles] == [TITLE]
    assert [(s.source, s.reason) for s in result.skipped] == [
        (base + "/slow", "could not fetch: timed out after 1 s")]
    assert took < 4, took


def test_daily_with_a_trickling_feed_still_briefs_and_exits(tmp_path: Path) -> None:
    """`timeout = 1` in the config: the cron job ends, briefs the good page, reports the feed."""
    with raw_http(trickle(0.2)) as slow, raw_http(respond(PAGE)) as good:
        config = tmp_path / "briefing.toml"
        config.write_text("\n".join([
            f'feeds = ["{slow}/feed.rss"]', f'urls = ["{good}/bridge"]', 'db = "history.sqlite3"',
            "[fetch]", "timeout = 1", 'cache = "cache"', "allow_private = true"]) + "\n")
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "briefing", "daily", "--config", str(config)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    assert f"skipped {slow}/feed.rss: feed: timed out after 1 s" in proc.stderr
    assert "Traceback" not in proc.stderr and took < 30
    briefing = next((tmp_path / "output").glob("*.md")).read_text(encoding="utf-8")
    assert TITLE in briefing and f"`{good}/bridge`" in briefing


# ------------------------------------------------------------------ bounded decompression


def _page_with(encoded: bytes, coding: str):
    return respond(encoded, extra=f"Content-Encoding: {coding}\r\n")


@pytest.mark.parametrize(("coding", "encode"), [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send it
    ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
    ("identity, gzip", gzip.compress),
], ids=["gzip", "deflate", "raw-deflate", "gzip-gzip", "identity-gzip"])
def test_encoded_pages_are_read(coding: str, encode) -> None:
    with raw_http(_page_with(encode(PAGE), coding)) as base:
        result = ingest([base + "/p"], allow_private=True)
    assert [a.title for a in result.articles] == [TITLE] and not result.skipped


@pytest.mark.parametrize(("coding", "reason"), [
    ("br", "could not fetch: unsupported Content-Encoding 'br'"),
    ("gzip, gzip, gzip, gzip", "could not fetch: Content-Encoding of 4 layers"),
])
def test_encodings_not_decoded_are_one_line_reasons(coding: str, reason: str) -> None:
    with raw_http(_page_with(b"\x00" * 100, coding)) as base:
        result = ingest([base + "/p"], allow_private=True)
    [skip] = result.skipped
    assert skip.reason.startswith(reason) and not result.articles


def test_stacked_gzip_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """590 bytes on the wire, 256 MB once decoded: refused at the 20 MB limit, in a process
    that grows by about the limit, not by the bomb (a whole layer used to be decoded at once)."""
    bomb = stacked_gzip_bomb(256)
    assert len(bomb) < 2000
    with raw_http(_page_with(bomb, "gzip, gzip")) as base:
        code, stderr, grown, secs = measured(
            ["build", base + "/bomb", "--allow-private", "--out", "-"], tmp_path,
            {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert grown < 60, f"peak memory grew by {grown} MB"
    assert code == 3 and "Traceback" not in stderr and secs < 20
    [line] = [ln for ln in stderr.splitlines() if ln.startswith("error:")]
    assert "page is over the 20 MB size limit once decompressed (Content-Encoding: gzip, gzip)" in line


def test_a_redirect_carrying_a_bomb_is_followed_without_reading_it(tmp_path: Path) -> None:
    """httpx reads and decodes a redirect's body whole before following it; ours is not read."""
    with raw_http(respond(PAGE)) as good:
        bomb = respond(stacked_gzip_bomb(256), status="302 Found",
                       extra=f"Content-Encoding: gzip, gzip\r\nLocation: {good}/bridge\r\n")
        with raw_http(bomb) as base:
            code, stderr, grown, _ = measured(
                ["build", base + "/moved", "--allow-private", "--out", "-"], tmp_path,
                {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert grown < 60, f"peak memory grew by {grown} MB"
    assert code == 0 and "1 article read, 0 skipped" in stderr, stderr


def test_oversized_page_is_refused_while_it_streams(tmp_path: Path) -> None:
    """A 200 MB page without a Content-Length: cut at the limit, memory near the limit."""
    with raw_http(chunked_stream(200 << 20)) as base:
        code, stderr, grown, secs = measured(
            ["build", base + "/huge", "--allow-private", "--out", "-"], tmp_path,
            {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert code == 3 and "Traceback" not in stderr
    assert "page is over the 20 MB size limit (--max-bytes)" in stderr
    assert grown < 60, f"peak memory grew by {grown} MB"
    assert secs < 20, secs


# ------------------------------------------------------------------ private addresses


def test_loopback_is_refused_by_default_with_the_switch_named(tmp_path: Path) -> None:
    with raw_http(respond(PAGE)) as base:
        port = base.rsplit(":", 1)[1]
        with Fetcher(None, timeout=2) as fetcher:
            for url, shown in ((base + "/p", "127.0.0.1"),
                               (f"http://localhost:{port}/p", "localhost (127.0.0.1)")):
                with pytest.raises(FetchError) as err:
                    fetcher.get(url)
                assert str(err.value) == (f"refused: {shown} is a loopback address "
                                          "(allow with [fetch] allow_private = true)")
        from typer.testing import CliRunner

        from briefing.cli.main import app

        result = CliRunner().invoke(app, ["build", base + "/p", "--out", str(tmp_path / "o")])
        assert result.exit_code == 3 and "Traceback" not in result.output
        assert ("could not fetch: refused: 127.0.0.1 is a loopback address (allow with "
                "--allow-private)") in result.stderr
        allowed = CliRunner().invoke(app, ["build", base + "/p", "--out", "-", "--allow-private"])
        assert allowed.exit_code == 0 and "suspension cables" in allowed.stdout


@pytest.mark.parametrize(("ip", "kind"), [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("172.16.5.4", "private"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast"), ("::1", "loopback"),
    ("fe80::1", "link-local"), ("fc00::1", "private"), ("::ffff:127.0.0.1", "loopback"),
    ("64:ff9b::a00:1", "private"), ("2002:7f00:1::", "loopback"), ("8.8.8.8", ""),
    ("2606:4700:4700::1111", ""),
])
def test_address_kinds(ip: str, kind: str) -> None:
    from briefing.read import transport

    assert transport.address_kind(ip) == kind


def test_feed_entries_and_redirects_to_private_addresses_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 plays a public site here and 127.0.0.2 a private one: feed entries that point
    there, directly or by a redirect, are refused at connect time, and never requested."""
    from briefing.read import transport

    real = transport.address_kind
    monkeypatch.setattr(transport, "address_kind",
                        lambda ip: "" if ip == "127.0.0.1" else real(ip))
    hits: list[bytes] = []

    def private_page(conn) -> None:
        hits.append(read_request(conn))
        respond(PAGE)(conn)

    with raw_http(private_page, host="127.0.0.2") as inside:
        def public_site(conn) -> None:
            request = read_request(conn)
            if b"GET /hop" in request:
                conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {inside}/x\r\nContent-Length: 0\r\n"
                             "Connection: close\r\n\r\n".encode())
                return
            links = [f"{inside}/secret", "http://10.20.30.40/admin", "http://169.254.169.254/meta",
                     f"http://[::1]:{inside.rsplit(':', 1)[1]}/v6", "/hop"]
            items = "".join(f"<item><title>t{i}</title><link>{u}</link></item>"
                            for i, u in enumerate(links))
            body = f"<rss version='2.0'><channel><title>f</title>{items}</channel></rss>".encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)

        with raw_http(public_site) as site, Fetcher(None, timeout=2) as fetcher:
            got = collect_web([site + "/feed.rss"], [], fetcher, "2031-01-02")
    assert got.articles == () and hits == []
    reasons = {s.source: s.reason for s in got.skipped}
    assert reasons[f"{inside}/secret"].startswith("page: refused: 127.0.0.2 is a loopback address")
    assert reasons["http://10.20.30.40/admin"].startswith("page: refused: 10.20.30.40 is a private")
    assert reasons["http://169.254.169.254/meta"].startswith("page: refused: 169.254.169.254 is a link-local")
    assert reasons[f"http://[::1]:{inside.rsplit(':', 1)[1]}/v6"].startswith("page: refused: ::1 is a loopback")
    assert reasons[site + "/hop"].startswith("page: refused: 127.0.0.2 is a loopback address")


def test_daily_refuses_loopback_feeds_unless_the_config_allows(tmp_path: Path) -> None:
    from briefing.daily.config import load_config
    from briefing.daily.run import run_daily

    with raw_http(respond(PAGE)) as good:
        config = tmp_path / "briefing.toml"
        config.write_text(f'urls = ["{good}/bridge"]\ndb = "h.sqlite3"\n[fetch]\ncache = "cache"\n')
        result = run_daily(load_config(config), "2031-01-02")
        assert [(s.source, s.reason) for s in result.skipped] == [
            (f"{good}/bridge", "page: refused: 127.0.0.1 is a loopback address "
                               "(allow with [fetch] allow_private = true)")]
        config.write_text(config.read_text() + "allow_private = true\n")
        assert run_daily(load_config(config), "2031-01-03").articles_new == 1


# ------------------------------------------------------------------ feed bodies, links, cache


def test_a_feed_body_naming_a_local_file_is_not_read_from_disk(tmp_path: Path) -> None:
    local = tmp_path / "secret-feed.xml"
    local.write_text("<rss version='2.0'><channel><title>local</title><item><title>secret</title>"
                     "<link>http://127.0.0.1:9/from-disk</link></item></channel></rss>")
    with pytest.raises(ValueError):
        parse_feed(str(local).encode(), "http://feed.example/rss")
    with raw_http(respond(str(local).encode(), "application/rss+xml")) as base, \
            Fetcher(None, timeout=2, allow_private=True) as fetcher:
        got = collect_web([base + "/feed"], [], fetcher, "2031-01-02")
    assert got.articles == ()
    assert all("from-disk" not in s.source for s in got.skipped), got.skipped
    assert [s.source for s in got.skipped] == [base + "/feed"]


def test_feed_links_that_are_not_http_are_skipped() -> None:
    body = ("<rss version='2.0'><channel><title>f</title>"
            "<item><title>a</title><link>file:///etc/passwd</link></item>"
            "<item><title>b</title><link>javascript:alert(1)</link></item></channel></rss>")
    with raw_http(respond(body.encode(), "application/rss+xml")) as base, \
            Fetcher(None, timeout=2, allow_private=True) as fetcher:
        got = collect_web([base + "/feed"], [], fetcher, "2031-01-02")
    reasons = {s.source.split(":")[0]: s.reason for s in got.skipped}
    assert reasons == {"file": "page: not an http(s) URL", "javascript": "page: not an http(s) URL"}


def test_a_json_page_with_a_lone_surrogate_is_briefed_and_a_broken_page_not_kept(
        tmp_path: Path) -> None:
    # `\ud800` escapes in the JSON itself: json.loads gives lone surrogates
    record = json.dumps({"title": "BridgeSURROGATE reopens", "text": "\n\n".join(PARAS) + " X"})
    record = record.replace("SURROGATE", "\\ud800").replace(' X"', ' \\udc00"')
    served = {"n": 0}

    def page(conn) -> None:
        served["n"] += 1  # first a page with no article, then the page fixed
        body = b"<html><body><nav>Home</nav></body></html>" if served["n"] == 1 else PAGE
        respond(body)(conn)

    with raw_http(respond(record.encode(), "application/json")) as js, \
            raw_http(page) as fixed:
        for _ in range(2):
            with Fetcher(HttpCache(tmp_path / "cache"), timeout=2, allow_private=True) as fetcher:
                got = collect_web([], [js + "/r.json", fixed + "/p"], fetcher, "2031-01-02")
    [first, *rest] = got.articles
    assert first.title == "Bridge reopens" and "\ud800" not in first.text + first.title
    assert "\udc00" not in first.text
    assert [a.title for a in rest] == [TITLE] and served["n"] == 2
