"""Invented news pages and feeds served by a real HTTP server on loopback (pytest-httpserver)."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PAGES = {
    "/news/harbour-bridge.html": (
        "Harbour bridge reopens after six months of repairs",
        "Port Alder Gazette",
        [
            "PORT ALDER — The Harbour Bridge reopened to traffic on Tuesday after six months of "
            "repairs to its corroded steel cables, the city's transport department said.",
            "Engineers replaced 84 of the bridge's 120 suspension cables and resurfaced the whole "
            "deck, at a cost of 41 million dollars, according to the department.",
            "Mayor Ines Calloway cut a ribbon at the northern end of the bridge and said the "
            "repairs would keep the crossing safe for another forty years.",
            "Commuters had faced detours of up to an hour while the bridge was closed, and ferry "
            "operators added extra crossings during the works.",
        ],
    ),
    "/news/bridge-traffic.html": (
        "Traffic returns to Harbour Bridge as repairs end",
        "Alder Valley Times",
        [
            "Cars and buses streamed across the Harbour Bridge in Port Alder on Tuesday as the "
            "crossing reopened after six months of cable repairs.",
            "The transport department said engineers had replaced 84 of the 120 suspension cables "
            "and laid a new road surface on the deck.",
            "Mayor Ines Calloway said the 41 million dollar project had finished two weeks ahead "
            "of schedule, and thanked commuters for their patience during the detours.",
            "Ferry operators said they would return to their normal timetable next week.",
        ],
    ),
    "/news/orchard-festival.html": (
        "Orchard festival draws record crowds",
        "Alder Valley Times",
        [
            "The annual apple orchard festival in the Alder Valley drew a record 30,000 visitors "
            "over the weekend, organisers said on Monday.",
            "Growers sold cider, pressed juice and twelve varieties of heritage apples, and a "
            "children's tractor parade closed the festival on Sunday afternoon.",
            "Organisers said the festival would add a second weekend next year.",
        ],
    ),
}
EMPTY_PAGE = "/news/photo-gallery.html"  # a page with no article text: navigation only


def article_html(title: str, outlet: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head>"
        f"<title>{html.escape(title)} | {html.escape(outlet)}</title>"
        f'<meta property="og:site_name" content="{html.escape(outlet)}">'
        f'<meta property="og:title" content="{html.escape(title)}">'
        "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>Copyright 2025</footer></body></html>"
    )


EMPTY_HTML = (
    "<!DOCTYPE html><html><head><title>Gallery</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<div><img src='/a.jpg'></div></body></html>"
)


def rss(server: HTTPServer, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>{html.escape(PAGES.get(p, ('Gallery',))[0])}</title>"
        f"<link>{server.url_for(p)}</link><pubDate>Tue, 09 Sep 2025 07:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Local news</title><link>{server.url_for('/')}</link>{items}</channel></rss>"
    )


def atom(server: HTTPServer, paths: list[str]) -> str:
    entries = "".join(
        f"<entry><title>{html.escape(PAGES[p][0])}</title><id>{server.url_for(p)}</id>"
        f'<link href="{server.url_for(p)}"/><updated>2025-09-09T08:00:00Z</updated></entry>'
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Valley feed</title><id>{server.url_for('/atom')}</id>"
        f"<updated>2025-09-09T08:00:00Z</updated>{entries}</feed>"
    )


BROKEN_XML = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & co'
              "<item><title>Oops</title></channel>")


def _slow(seconds: float):
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return Response("<rss version='2.0'><channel></channel></rss>", content_type="application/rss+xml")
    return handler


@contextmanager
def news_site() -> Iterator[HTTPServer]:
    """A threaded server (a slow response must not hold up the others) with every route."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    try:
        for path, (title, outlet, paras) in PAGES.items():
            server.expect_request(path).respond_with_data(article_html(title, outlet, paras),
                                                          content_type="text/html; charset=utf-8")
        server.expect_request(EMPTY_PAGE).respond_with_data(EMPTY_HTML, content_type="text/html")
        server.expect_request("/feeds/local.rss").respond_with_data(
            rss(server, ["/news/harbour-bridge.html", "/news/orchard-festival.html", EMPTY_PAGE]),
            content_type="application/rss+xml")
        server.expect_request("/feeds/valley.atom").respond_with_data(
            atom(server, ["/news/bridge-traffic.html"]), content_type="application/atom+xml")
        server.expect_request("/feeds/slow.rss").respond_with_handler(_slow(2.0))
        server.expect_request("/feeds/error.rss").respond_with_data("oops", status=500)
        server.expect_request("/feeds/broken.rss").respond_with_data(BROKEN_XML,
                                                                     content_type="application/rss+xml")
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def requests_for(server: HTTPServer, path: str) -> int:
    return sum(1 for req, _ in server.log if req.path == path)
