"""The web path tried as a user would: news pages served by a real HTTP server on loopback,
listed in an RSS 2.0 and an Atom feed, and a real SMTP server collecting the mail.

Pages (callers pass the shared folders; nothing is copied into the project): `real_pages`, the
saved pages of `web/` with their must-contain / must-not-contain snippets; `event_reports`,
AllSides events of `dev/`, three outlets each; `wire_reports`, DUC 2003 agency copy (`LONDON
(AP) _` datelines, ``quotes'', `_` dashes), 2-3 same-event reports from two agencies. `news_page`
wraps a made-up report in furniture (navigation, byline, photo caption, share buttons, "Read
more" and related-story teasers, newsletter box, footer). Each served page knows the event it
reports (`Page.group`), so a briefing's sources map back to events. Deterministic for a seed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import html
import json
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from lxml import html as lxml_html
from mailsupport import HOST, Recorder, smtp_server
from pytest_httpserver import HTTPServer
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass(frozen=True)
class Page:
    path: str  # where the loopback server serves it
    body: bytes
    title: str  # the article's headline
    group: str  # the event it reports: "real:<file>", "event:<allsides id>", "wire:<cluster>"
    kind: str  # "real" | "event" | "wire"
    outlet: str = ""
    titles: tuple[str, ...] = ()  # the forms of the title the page shows (og:title, <title>, h1)
    aliases: tuple[str, ...] = ()  # addresses the page gives itself (canonical, og:url)
    with_: tuple[str, ...] = ()  # snippets a clean extraction keeps (real pages)
    without: tuple[str, ...] = ()  # snippets it must drop (real pages)
    furniture: tuple[str, ...] = ()  # furniture sentences put in a made-up page
    content_type: str = "text/html; charset=utf-8"


def _slug(text: str, words: int = 8) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:words]) or "story"


def _pick(options: Sequence[str], *key: str) -> str:
    """A fixed choice for a key (a stable hash, not Python's salted one)."""
    digest = hashlib.sha256("\0".join(key).encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _page_titles(doc_html: str) -> tuple[str, ...]:
    """og:title, twitter:title, <title> (and its part before a site name), the first <h1> if it
    shares words with those: pages put ads and taglines in <h1> too."""
    doc = lxml_html.fromstring(doc_html)
    heads = [*doc.xpath('//meta[@property="og:title"]/@content'),
             *doc.xpath('//meta[@name="twitter:title"]/@content'),
             *(t.text_content() for t in doc.xpath("//title")[:1])]
    titles = [" ".join(t.split()) for t in heads]
    titles += [re.split(r"\s+[|\-–—·»]{1,2}\s+", t)[0] for t in titles]
    known = set(re.findall(r"\w{4,}", " ".join(titles).lower()))
    h1 = next((" ".join(h.text_content().split()) for h in doc.xpath("//h1") if h.text_content().strip()), "")
    words = set(re.findall(r"\w{4,}", h1.lower()))
    if h1 and len(words & known) >= 0.3 * max(1, len(words)):
        titles.append(h1)
    return tuple(dict.fromkeys(t for t in titles if len(t.split()) >= 3))


def real_pages(web_dir: Path) -> list[Page]:
    """The saved pages of `web_dir/pages.json`, each served under its own site's path."""
    pages = []
    for spec in json.loads((web_dir / "pages.json").read_text(encoding="utf-8")):
        body = (web_dir / "pages" / spec["file"]).read_bytes()
        try:
            text, ctype = body.decode("utf-8"), "text/html; charset=utf-8"
        except UnicodeDecodeError:  # served without a charset, as legacy sites do
            text, ctype = body.decode("latin-1"), "text/html"
        url = spec["url"] if spec["url"].startswith("http") else ""  # "hard::file": no address
        path = "/" + re.sub(r"^https?://", "", url).split("?")[0].rstrip("/") if url else f"/site/{spec['file']}"
        own = re.findall(r'<link[^>]+rel=["\']canonical["\'][^>]*href=["\'](http[^"\']+)', text, re.I)
        own += re.findall(r'<meta[^>]+property=["\']og:url["\'][^>]*content=["\'](http[^"\']+)', text, re.I)
        titles = _page_titles(text)
        pages.append(Page(
            path=path, body=body, title=titles[0] if titles else spec["file"],
            group=f"real:{spec['file']}", kind="real", titles=titles,
            aliases=tuple(dict.fromkeys(html.unescape(u) for u in [*own, *([url] if url else [])])),
            with_=tuple(spec["with"]), without=tuple(spec["without"]), content_type=ctype))
    return pages


# --- made-up pages: furniture around a report --------------------------------------------------

# Invented furniture; captions and teasers are sentences: what a careless cleaner makes bullets of.
REPORTERS = ("Maren Holt", "Daniel Okafor", "Priya Raman", "Tomas Lindqvist", "Grace Whitfield",
             "Samuel Achterberg", "Lucia Ferreira", "Owen McAllister", "Hana Sato", "Rafael Ortega")
CAPTIONS = ("Officials arrive for a closed-door meeting on Thursday morning.",
            "Supporters gather outside the building ahead of the announcement.",
            "A general view of the city centre, seen from the river.",
            "Reporters wait in the corridor as the talks run late into the evening.",
            "Residents watch the news on a television screen in a local cafe.")
NEWSLETTER = ("Sign up for The {outlet} Morning Briefing and get the day's top stories delivered "
              "to your inbox every weekday.")
FINE_PRINT = "You can unsubscribe at any time. By signing up you agree to our Terms of Use and Privacy Policy."
NAV = "Home|World|U.S.|Politics|Business|Tech|Health|Sports|Opinion|Subscribe|Sign in".split("|")
SHARE = "Share on Facebook|Share on X|Email|Copy link".split("|")
FOOTER = "About us|Contact|Careers|Advertise|Privacy Policy|Terms of Service|Cookie settings".split("|")

Teaser = tuple[str, str]  # a related story's title, and the one-sentence summary under its link


@dataclass(frozen=True)
class Report:  # one article to wrap in a page
    title: str
    outlet: str
    paragraphs: tuple[str, ...]
    group: str
    kind: str
    byline: str = ""
    published: str = ""  # ISO 8601 date-time


def _links(names: Sequence[str], e) -> str:
    return "".join(f'<li><a href="/{_slug(n)}">{e(n)}</a></li>' for n in names)


def _head(r: Report, url: str, e) -> str:
    meta = [f"<title>{e(r.title)} | {e(r.outlet)}</title>",
            f'<meta property="og:site_name" content="{e(r.outlet)}">',
            f'<meta property="og:title" content="{e(r.title)}">', '<meta property="og:type" content="article">',
            f'<meta property="og:url" content="{e(url)}">', f'<link rel="canonical" href="{e(url)}">',
            f'<meta property="article:published_time" content="{r.published}">' if r.published else "",
            f'<meta name="author" content="{e(r.byline)}">' if r.byline else ""]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1">' + "".join(meta) + "</head><body>"
            f'<header class="masthead"><a class="logo" href="/">{e(r.outlet)}</a><nav class="main-nav">'
            f'<ul>{_links(NAV, e)}</ul></nav></header><div class="breadcrumb"><a href="/">News</a> › '
            '<a href="/world">World</a></div>')


def _tail(r: Report, teasers: Sequence[Teaser], e) -> str:
    related = "".join(f'<li><a href="/related/{_slug(t)}.html">{e(t)}</a><p>{e(dek)}</p></li>'
                      for t, dek in teasers)
    return ((f'<aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside>' if teasers else "")
            + '<div class="newsletter"><h3>Get the morning newsletter</h3>'
            f"<p>{e(NEWSLETTER.format(outlet=r.outlet))}</p><form><input type=\"email\" placeholder="
            f'"Enter your email"><button>Subscribe</button></form><p class="fine-print">{e(FINE_PRINT)}'
            f"</p></div><footer><ul>{_links(FOOTER, e)}</ul><p>© 2025 {e(r.outlet)}. All rights "
            "reserved.</p></footer></body></html>\n")


def news_page(r: Report, url: str, teasers: Sequence[Teaser] = ()) -> tuple[str, tuple[str, ...]]:
    """A page around one report, and its furniture sentences; 3 layouts, one with numeric entities."""
    layout = _pick(("article", "story-body", "itemprop"), r.outlet)

    def e(text: str) -> str:
        out = html.escape(text, quote=True)
        return out.encode("ascii", "xmlcharrefreplace").decode() if layout == "story-body" else out

    caption = _pick(CAPTIONS, r.group, r.outlet)
    credit = f" (Photo: {_pick(REPORTERS, r.outlet, 'photo')}/{r.outlet})" if _pick("yn", r.outlet) == "y" else ""
    figure = (f'<figure class="lead-image"><img src="/img/{_slug(r.title, 4)}.jpg" alt="">'
              f"<figcaption>{e(caption + credit)}</figcaption></figure>")
    paras = [f"<p>{e(p)}</p>" for p in r.paragraphs]
    if teasers and len(paras) > 2:  # a "Read more" link inside the body, as many sites do
        paras.insert(2, f'<p class="read-more"><strong>Read more:</strong> <a href="/related/'
                        f'{_slug(teasers[0][0])}.html">{e(teasers[0][0])}</a></p>')
    top = (f'<div class="byline">By <a href="/authors/{_slug(r.byline)}">{e(r.byline)}</a>, '
           f"{e(r.outlet)}</div>" if r.byline else "")
    top += f'<time datetime="{r.published}">{r.published[:10]}</time>' if r.published else ""
    body = "".join(paras)
    if layout == "article":
        main = f"<article><h1>{e(r.title)}</h1>{top}{figure}{body}</article>"
    elif layout == "story-body":
        main = (f'<div class="story"><h1 class="headline">{e(r.title)}</h1>{top}<ul class="share">'
                f'{_links(SHARE, e)}</ul>{figure}<div class="story-body">{body}</div></div>')
    else:
        main = (f'<main><article itemscope itemtype="https://schema.org/NewsArticle"><h1 itemprop='
                f'"headline">{e(r.title)}</h1>{top}{figure}<section itemprop="articleBody">{body}'
                "</section></article></main>")
    furniture = (caption, NEWSLETTER.format(outlet=r.outlet), FINE_PRINT, *(dek for _, dek in teasers),
                 *(f"Read more: {t}" for t, _ in teasers[:1]))
    return _head(r, url, e) + main + _tail(r, teasers, e), furniture


def page_of(r: Report, base_url: str, teasers: Sequence[Teaser] = ()) -> Page:
    tag = hashlib.sha256(f"{r.group}\0{r.outlet}\0{r.paragraphs[:1]}".encode()).hexdigest()[:6]
    day = (r.published[:10] or "2025-01-01").replace("-", "/")  # tag: write-throughs share titles
    path = f"/{_slug(r.outlet, 4).replace('-', '')}/{day}/{_slug(r.title)}-{tag}.html"
    text, furniture = news_page(r, base_url + path, teasers)
    return Page(path=path, body=text.encode("utf-8"), title=r.title, group=r.group, kind=r.kind,
                outlet=r.outlet, titles=(r.title,), aliases=(base_url + path,), furniture=furniture)


# --- AllSides events and DUC wire copy as reports ----------------------------------------------

DISTINCT = 0.15  # events chosen for one day are less alike than this (TF-IDF cosine)
TFIDF = TfidfVectorizer(stop_words="english", sublinear_tf=True)
_OPINION = re.compile(r"opinion|guest writer|allsides|editorial|commentary|perspectives", re.I)


def outlet_name(source: str) -> str:  # `CNN (Online News)` -> `CNN`, as its own pages say
    return re.sub(r"\s*\([^)]*\)\s*$", "", source).strip()


def _first_sentence(text: str) -> str:  # not ended by an initial or `Gen.`, `U.N.`, `Dr.`
    match = re.match(r"(.+?(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})[.!?])(?:\s+(?=[A-Z\"“`'])|$)",
                     " ".join(text.split()))
    return match.group(1) if match else " ".join(text.split())


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _is_news_event(row: dict) -> bool:
    """Three reports by three outlets, none an opinion piece, each of 50 words or more."""
    docs = row["documents"]
    return (len(docs) == 3 and len({outlet_name(d["source"]).lower() for d in docs}) == 3
            and not _OPINION.search(row.get("issue", ""))
            and not any(_OPINION.search(d["source"] + " " + d.get("url", "")) for d in docs)
            and all(len(d["text"].split()) >= 50 for d in docs))


def _stamp(date: str, *key: str) -> str:
    hour, minute = int(_pick("56789", *key)), int(_pick([str(m) for m in range(0, 60, 7)], *key, "m"))
    return f"{date}T{hour:02d}:{minute:02d}:00Z"


def event_reports(dev_dir: Path, n: int, seed: int, date: str) -> tuple[list[Report], list[Teaser]]:
    """3 reports each of `n` news events, no two on one topic, and teasers of other events."""
    rows = [r for r in _rows(dev_dir / "allsides_roundups.jsonl") if _is_news_event(r)]
    random.Random(seed).shuffle(rows)
    X = TFIDF.fit_transform([" ".join(f"{d['title']} {d['text']}" for d in r["documents"]) for r in rows])
    chosen: list[int] = []
    for i in range(X.shape[0]):
        if len(chosen) < n and all((X[i] @ X[j].T).toarray()[0, 0] < DISTINCT for j in chosen):
            chosen.append(i)
    reports = [
        Report(title=" ".join(d["title"].split()), outlet=outlet_name(d["source"]),
               paragraphs=tuple(p.strip() for p in d["text"].split("\n\n") if p.strip()),
               group=f"event:{rows[i]['id']}", kind="event",
               byline=_pick(REPORTERS, rows[i]["id"], d["source"]), published=_stamp(date, d["title"]))
        for i in chosen for d in rows[i]["documents"]]
    others = [rows[i]["documents"][0] for i in range(len(rows)) if i not in chosen][: 6 * n]
    return reports, [(" ".join(d["title"].split()), _first_sentence(d["text"])) for d in others]


_AGENCY = {"Associated Press Worldstream": "The Associated Press", "New York Times": "The New York Times"}
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'-]{1,40}(?:\([A-Za-z ]{1,20}\))?\s+_\s+")
_DAY_WORDS = re.compile(r"\s+(?:on |late |early )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                        r"Saturday|Sunday)(?: night| morning| evening| afternoon)?\b")
_CUT = re.compile(r";| -- | _ | who | which | after | despite | because | as | but | on allegations ")
_FUNCTION = set("a an the of to in on for and or by with at from that his her its their is was gen. dr. mr.".split())
_INTRO = set("with in as after despite amid once while when although though since because if until before "
             "by for on at under".split())


def _main_clause(lead: str) -> str:
    """The lead without an introductory phrase (`Taking a step toward statehood, the Palestinians...`)."""
    first, sep, rest = lead.partition(", ")
    word = first.split()[0].lower() if first.split() else ""
    # `This time around, the presidential Rolls Royce...` (not `The Turkish government, which...`)
    nxt = rest.split()[0] if rest.split() else ""
    short = len(first.split()) <= 3 and (nxt in ("the", "a", "an") or nxt[:1].isupper())
    if sep and rest and (word in _INTRO or word.endswith("ing") or short):
        return rest[:1].upper() + rest[1:]
    return lead


def wire_headline(text: str, words: int = 12) -> str:
    """A headline for agency copy: the lead's main clause, no dateline or weekday, <= `words` words."""
    lead = _first_sentence(_WIRE_DATELINE.sub("", text.strip()))
    lead = _main_clause(_DAY_WORDS.sub("", lead).replace("``", "").replace("''", "").rstrip("."))
    cut = _CUT.search(lead)
    head = (lead[: cut.start()] if cut and len(lead[: cut.start()].split()) >= 5 else lead).split()[:words]
    while len(head) > 3 and head[-1].lower().rstrip(",") in _FUNCTION:
        head.pop()
    return " ".join(head).rstrip(",")


def wire_paragraphs(text: str) -> tuple[str, ...]:
    """Agency copy as paragraphs: its own line breaks, else two sentences a paragraph."""
    if "\n" in text.strip():
        return tuple(p.strip() for p in text.split("\n") if p.strip())
    sentences = re.split(r"(?<=[.!?])(?:''|\")?\s+(?=[A-Z`\"])", " ".join(text.split()))
    return tuple(" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))


def _wire_story(cluster: dict, per_story: int) -> list[dict]:
    """The closest AP/NYT pair of a DUC cluster a day apart at most, and the closest third."""
    docs = [d for d in cluster["documents"] if d["source"] in _AGENCY and len(d["text"].split()) >= 120]
    if len({d["source"] for d in docs}) < 2:
        return []
    X = TFIDF.fit_transform([d["text"] for d in docs])
    S = (X @ X.T).toarray()
    day = [dt.date.fromisoformat(d["date"]) for d in docs]
    pairs = [(S[i, j], i, j) for i in range(len(docs)) for j in range(len(docs))
             if docs[i]["source"] < docs[j]["source"] and abs((day[i] - day[j]).days) <= 1]
    if not pairs or max(pairs)[0] < 0.2:
        return []
    _, a, b = max(pairs)
    picked = [a, b]
    for k in sorted(range(len(docs)), key=lambda k: -(S[k, a] + S[k, b])):
        close = abs((day[k] - day[a]).days) <= 1 and min(S[k, a], S[k, b]) >= 0.15
        if len(picked) < per_story and k not in picked and close and max(S[k, p] for p in picked) < 0.8:
            picked.append(k)
    return [docs[i] for i in sorted(picked)]


def wire_reports(dev_dir: Path, n: int, seed: int, date: str, per_story: int = 3) -> list[Report]:
    """`n` wire stories (distinct DUC clusters), each 2-3 same-event agency reports."""
    clusters = _rows(dev_dir / "duc2003_task2.jsonl")
    random.Random(seed).shuffle(clusters)
    stories = [(c["id"], docs) for c in clusters if (docs := _wire_story(c, per_story))][:n]
    return [Report(title=wire_headline(d["text"]), outlet=_AGENCY[d["source"]],
                   paragraphs=wire_paragraphs(d["text"]), group=f"wire:{cid}", kind="wire",
                   byline=_pick(REPORTERS, d["docno"]), published=_stamp(date, d["docno"]))
            for cid, docs in stories for d in docs]


# --- the loopback web server and the day's feeds -----------------------------------------------


def add(server: HTTPServer, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> str:
    """Serve `body` at `path` for every request; returns its URL."""
    server.expect_request(path).respond_with_data(body, content_type=content_type)
    return server.url_for(path)


@contextlib.contextmanager
def serve() -> Iterator[HTTPServer]:
    """A threaded HTTP server on 127.0.0.1 (a slow page must not hold up the others)."""
    server = HTTPServer(host=HOST, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@dataclass(frozen=True)
class Served:
    url: str
    page: Page
    feed: str  # the feed URL that lists it


def norm_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/").lower()


@dataclass
class Day:
    site: HTTPServer
    date: str
    feeds: tuple[str, ...]
    items: tuple[Served, ...]
    _index: dict[str, Served] = field(default_factory=dict, repr=False)

    def served(self, url: str) -> Served | None:
        """The served item a briefing's source URL refers to (its own or a canonical address)."""
        if not self._index:
            for item in self.items:
                for u in (item.url, item.url.split("?")[0], *item.page.aliases):
                    self._index.setdefault(norm_url(u), item)
        return self._index.get(norm_url(url)) or self._index.get(norm_url(url.split("?")[0]))

    def groups(self, kind: str | None = None) -> dict[str, list[Served]]:
        """Served items by the event they report (of one kind: "real", "event", "wire")."""
        out: dict[str, list[Served]] = {}
        for item in (i for i in self.items if kind in (None, i.page.kind)):
            out.setdefault(item.page.group, []).append(item)
        return out


def rss_feed(base: str, items: Sequence[tuple[str, Page, str]], title: str) -> str:
    """RSS 2.0 listing (url, page, ISO date-time) items."""
    entries = "".join(f"<item><title>{html.escape(p.title)}</title><link>{html.escape(u)}</link>"
                      f'<guid isPermaLink="true">{html.escape(u)}</guid><pubDate>'
                      f'{email.utils.format_datetime(dt.datetime.fromisoformat(w.replace("Z", "+00:00")))}'
                      "</pubDate></item>" for u, p, w in items)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>{base}</link>"
            f"<description>Latest stories</description>{entries}</channel></rss>\n")


def atom_feed(items: Sequence[tuple[str, Page, str]], title: str, feed_url: str) -> str:
    updated = max((w for _, _, w in items), default="2025-01-01T00:00:00Z")
    entries = "".join(f"<entry><title>{html.escape(p.title)}</title><id>{html.escape(u)}</id>"
                      f'<link rel="alternate" href="{html.escape(u)}"/><updated>{w}</updated></entry>'
                      for u, p, w in items)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html.escape(title)}</title><id>{feed_url}</id>"
            f'<link rel="self" href="{feed_url}"/><updated>{updated}</updated>{entries}</feed>\n')


def publish(site: HTTPServer, pages: Sequence[Page], date: str, seed: int = 15) -> Day:
    """Serve `pages` and list them, shuffled, half in an RSS 2.0 feed and half in an Atom feed
    (whose links carry tracking parameters, as many feeds' do: `?utm_source=feed&utm_medium=atom`)."""
    order = list(pages)
    random.Random(seed).shuffle(order)
    half = (len(order) + 1) // 2
    listed = [(add(site, p.path, p.body, p.content_type) + ("?utm_source=feed&utm_medium=atom" if i >= half
               else ""), p, _stamp(date, p.path)) for i, p in enumerate(order)]
    rss_url = add(site, "/feeds/news.rss", rss_feed(site.url_for("/"), listed[:half], "News: top stories"),
                  "application/rss+xml; charset=utf-8")
    atom_url = site.url_for("/feeds/news.atom")
    add(site, "/feeds/news.atom", atom_feed(listed[half:], "News: latest", atom_url),
        "application/atom+xml; charset=utf-8")
    items = tuple(Served(u, p, rss_url if i < half else atom_url) for i, (u, p, _) in enumerate(listed))
    return Day(site, date, (rss_url, atom_url), items)


def day_pages(site: HTTPServer, web_dir: Path, dev_dir: Path, date: str, *, real: int = 15,
              events: int = 10, wire: int = 5, seed: int = 15) -> list[Page]:
    """Saved pages, AllSides events and wire stories; made-up pages tease 3 events not served."""
    saved = sorted(real_pages(web_dir), key=lambda p: p.group)
    random.Random(seed).shuffle(saved)
    reports, teasers = event_reports(dev_dir, events, seed, date)
    reports += wire_reports(dev_dir, wire, seed, date)
    base = site.url_for("/").rstrip("/")
    return saved[:real] + [page_of(r, base, [teasers[(3 * n + k) % len(teasers)] for k in range(3)])
                           for n, r in enumerate(reports)]


@contextlib.contextmanager
def web_day(web_dir: Path, dev_dir: Path, date: str, **counts: int) -> Iterator[Day]:
    """A loopback news site for one day: its pages (see `day_pages`) and its two feeds."""
    with serve() as site:
        yield publish(site, day_pages(site, web_dir, dev_dir, date, **counts), date, counts.get("seed", 15))


@contextlib.contextmanager
def mail_sink() -> Iterator[tuple[Recorder, int]]:
    """A real SMTP server (aiosmtpd) on loopback collecting every message: (recorder, port)."""
    with smtp_server(recorder := Recorder()) as port:
        yield recorder, port


# --- what a reader sees, and what must never show in it ----------------------------------------

# A backslash before a character markdown escapes, and an HTML entity: a reader must see neither.
ESCAPE = re.compile(r"\\[\\`*_{}\[\]()#+\-.!|~<>]")
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I)


def flaws(text: str, context: int = 30) -> list[str]:
    """Each markdown escape or HTML entity in `text`, with a little context."""
    found = sorted([*ESCAPE.finditer(text), *ENTITY.finditer(text)], key=lambda m: m.start())
    return [" ".join(text[max(0, m.start() - context) : m.end() + context].split()) for m in found]


def html_text(document: str) -> str:
    """The text a browser shows (and the <title>): entities decoded once, no scripts or styles."""
    doc = lxml_html.document_fromstring(document)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return "\n".join(doc.itertext())


def html_links(document: str) -> list[str]:  # every <a href>
    return [str(h) for h in lxml_html.document_fromstring(document).xpath("//a/@href")]


def markdown_text(md: str) -> str:
    """What a markdown document shows once rendered (Python-Markdown, as the project uses)."""
    return html_text("<html><body>" + markdown.markdown(md) + "</body></html>")


def json_strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    for v in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        yield from json_strings(v)


def mail_parts(message) -> tuple[str, str, str]:
    """(Subject, text/plain part, text/html part) of a received message."""
    parts = [message.get_body((kind,)) for kind in ("plain", "html")]
    return (str(message["Subject"] or ""), *(p.get_content() if p else "" for p in parts))


_SAME = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "′": "'", "–": "-", "—": "-", "\u00a0": " "})


def norm_title(text: str) -> str:
    """A title compared as a reader would: quote marks, dashes, spacing and case aside."""
    text = unicodedata.normalize("NFKC", text).replace("``", '"').replace("''", '"')
    return " ".join(text.translate(_SAME).split()).casefold().rstrip(".")
