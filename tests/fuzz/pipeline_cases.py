"""Arbitrary article sets for the whole text-to-briefing path, and the invariants every run must
keep. Used by tests/test_robust_properties.py (a few dozen examples in the suite) and by
bench/fuzz_pipeline.py (thousands, by hand).

An input set is 1-4 files of any supported kind (.txt, .md with front matter, .html, .json,
.jsonl, or raw bytes under any of those names) whose text mixes plain English reporting,
markdown and HTML injection, and arbitrary Unicode. For every set:

- the pipeline never raises anything but a `BriefingError` (with a one-line message), and a
  briefing needs at least one readable article;
- every input file is accounted for: it gave articles or a skip naming it;
- every bullet, quotation and headline is traceable to the cleaned text of an input article
  (its letters and digits, in order, are a stretch of that article's letters and digits);
- the markdown, the `--format html` page and the email HTML are inert (no script, image,
  frame, form, event handler, foreign link or heading from an article), and the markdown
  renders back to what it says.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from robustsupport import assert_inert

from briefing.compose.briefing import make_briefing
from briefing.compose.prompt import load_prompt
from briefing.deliver.mail_html import briefing_html
from briefing.errors import BriefingError
from briefing.pipeline import pool_articles, prepare_articles
from briefing.read.files import ingest, split_record
from briefing.render.html import render_html
from briefing.render.markdown import render_markdown
from briefing.settings import Settings

WORDS = (
    "the council said ferry crossings to the island were cancelled on Tuesday after crews walked "
    "out over pay and the union wanted a rise of 9 per cent while talks would resume on Thursday "
    "minister operator harbour bridge police residents engineers storm repairs 1,200 passengers "
    "Mr. Smith U.S. officials announced a relief boat"
).split()
HOSTILE = [
    "[x](javascript:alert(1))", "![](http://tracker.example/p.gif)", "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>", "<iframe src=http://e.example>", "# Heading", "## Sub", "```",
    "~~~", "<!-- c -->", "<http://evil.example>", "[r]: http://evil.example", "[a][r]", "*", "_",
    "`", "> ", "1. ", "- ", "+ ", "|", "&amp;", "&#106;avascript:", "\\", "<svg onload=x>",
    "<a href=javascript:x>y</a>", "<style>p{}</style>", "<form action=http://e.example>",
    "“", "”", "\"", "'", "—", "\u202e", "\u200b", "\x00", "\r", "\u2028", "\ufeff",
    # issue 16: hidden text, bidi and invisible characters, encoded words, blobs
    "<noscript>", "</noscript>", "<noscript/>", "&lt;noscript&gt;", "Enable JavaScript", "\u2066",
    "\u200d", "\u00ad", "\U000e0041", "=?utf-8?q?Hi=0D=0ABcc:x@evil.example?=",
    "=?utf-8?b?SGkNCkJjYzogeEBldmlsLmV4YW1wbGU=?=", "a" * 150, "x" * 5000,
]
_WORD = st.sampled_from(WORDS)
_PIECE = _WORD | st.sampled_from(HOSTILE) | st.text(max_size=8)
SENTENCE = st.lists(_WORD, min_size=4, max_size=18).map(lambda ws: " ".join(ws) + ".") | st.lists(
    _PIECE, max_size=14
).map(" ".join)
BODY = st.lists(st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=5).map(
    "\n\n".join
)
FIELD = st.lists(_PIECE, max_size=6).map(" ".join)
def make_file(n: int, kind: str, name: str, body: str, title: str, outlet: str, url: str,
              raw: bytes = b"") -> tuple[str, bytes]:
    """One input file of a kind; `bytes:<kind>` writes `raw` under that suffix."""
    name = f"{n}-{name[:30]}".replace("/", "_").replace("\0", "")
    enc = "surrogatepass"
    if kind.startswith("bytes:"):
        return f"{name}.{kind[6:]}", raw
    if kind == "md":
        front = f"---\ntitle: {title}\noutlet: {outlet}\nurl: {url}\ndate: 2031-01-02\n---\n"
        return f"{name}.md", (front + body).encode("utf-8", enc)
    if kind == "html":
        paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        page = (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
                f"<h1>{title}</h1>{paras}</article></body></html>")
        return f"{name}.html", page.encode("utf-8", enc)
    if kind in ("json", "jsonl"):
        record = {"text": body, "title": title, "outlet": outlet, "url": url, "date": "2031-01-02"}
        lines = [json.dumps(record)] + ([title] if kind == "jsonl" else [])
        return f"{name}.{kind}", "\n".join(lines).encode("utf-8", enc)
    if kind == "json-odd":  # lone surrogates as JSON escapes; metadata of every wrong type
        record = {"text": body + " SURROGATE", "title": [title, 3.5, True], "outlet": True,
                  "url": 3.5, "byline": {"name": 7}, "date": [2031]}
        text = json.dumps(record).replace("SURROGATE", "\\ud800 \\udfff x")
        return f"{name}.json", text.encode("utf-8", enc)
    return f"{name}.txt", body.encode("utf-8", enc)


KINDS = ["txt", "md", "html", "json", "jsonl", "json-odd", "bytes:txt", "bytes:md", "bytes:html",
         "bytes:json"]


# Characters no output may carry (issue 16): bidi controls, invisible ones, lone surrogates.
INVISIBLE = "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"


MAIL_HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
                "Content-Type"}


def check_mail(md: str) -> None:
    """The email of a briefing has exactly its own headers, one Subject line, both parts."""
    import email
    import email.policy

    from briefing.deliver.mail_settings import MailSettings
    from briefing.deliver.message import compose

    settings = MailSettings.from_sources(
        {"mail": {"host": "localhost", "from": "bot@example.org", "to": "reader@example.org"}}, {})
    msg = email.message_from_bytes(compose(md, settings).data, policy=email.policy.default)
    assert set(msg.keys()) == MAIL_HEADERS, msg.keys()
    assert not re.search(f"[\r\n]|{INVISIBLE}", msg["Subject"]), repr(msg["Subject"])
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]


@st.composite
def inputs(draw) -> list[tuple[str, bytes]]:
    """(file name, content) pairs: 1-4 files."""
    return [
        make_file(n, draw(st.sampled_from(KINDS)), draw(FIELD), draw(BODY), draw(FIELD), draw(FIELD),
                  draw(FIELD), draw(st.binary(max_size=300)))
        for n in range(draw(st.integers(1, 4)))
    ]


def _core(text: str) -> str:
    """Letters and digits only, compared in NFKC casefold (quotes, spacing, markup ignored)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _traceable(text: str, sources: list[str]) -> bool:
    core = _core(text.replace("…", " "))
    return not core or any(core in s for s in sources)


def check(files: list[tuple[str, bytes]]) -> str:
    """Run one input set through the pipeline and check every invariant; returns the outcome
    ("briefing" or the error class) for statistics."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for name, data in files:
            (folder / name).write_bytes(data)
        result = ingest([folder])
        named = {Path(split_record(x.source)[0]).name for x in (*result.articles, *result.skipped)}
        assert named >= {name for name, _ in files}, (named, files)  # nothing dropped silently
        articles, _ = prepare_articles(result.articles)
        if not articles:
            return "no article"
        pool = pool_articles(articles)
        try:
            briefing = make_briefing(pool, load_prompt("default"), Settings(date="2031-01-02"))
        except BriefingError as exc:
            assert "\n" not in str(exc)
            return type(exc).__name__
        sources = [_core(a.text) for a in articles]
        titles = [_core(a.title) for a in articles] + sources
        for section in briefing.sections:
            for item in section.items:
                assert _traceable(item.text, sources), (item.text, [a.text for a in articles])
        for quote in briefing.quotes:
            assert _traceable(quote.text, sources), quote.text
        for dispute in briefing.disagreements:
            for version in dispute.versions:
                for piece in version.text.split("…"):
                    assert _traceable(piece, sources), version.text
        assert _traceable(briefing.headline, titles), briefing.headline

        headings = {s.title for s in load_prompt("default").sections} | {
            "What they said", "Where sources disagree", "Sources"}
        md = render_markdown(briefing)
        import markdown

        assert not re.search(INVISIBLE, md), md
        assert max(map(len, md.splitlines())) < 20_000  # no blob made a giant line
        check_mail(md)
        assert_inert(markdown.markdown(md), headings)
        assert_inert(render_html(briefing), headings)
        assert_inert(briefing_html(md), headings)
        return "briefing"
