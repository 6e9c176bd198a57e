"""Rendering: markdown, JSON (against the schema in the repo) and a standalone HTML page.
Article text is data: nothing in an article can become markup in any format."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from briefing.models import Briefing, Item, Section, Source
from briefing.pipeline import build_briefing
from briefing.render.formats import render
from briefing.render.html import render_html
from briefing.render.json import render_json, schema
from briefing.render.markdown import escape_md, marker, render_markdown
from briefing.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "render"
HOSTILE = [
    "[x](javascript:alert(1))",
    "![](http://tracker.example/p.gif)",
    "<img src=x onerror=alert(1)>",
    "# Heading",
    "```",
    "<!-- hidden -->",
    "<script>alert(1)</script>",
    "<http://evil.example>",
    "[ref]: http://evil.example",
    "&lt;script&gt;",
    "*bold* _em_ `code`",
]


class _Page(HTMLParser):
    """Collects tags and attributes, and checks every element is closed in order."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def _parse(html_text: str) -> _Page:
    page = _Page()
    page.feed(html_text)
    page.close()
    return page


def _body_tags(html_text: str) -> set[str]:
    return {t for t, _ in _parse(html_text).tags}


# ------------------------------------------------------------------ escaping


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_the_same_text(text: str) -> None:
    for html_out in (
        markdown.markdown(f"- {escape_md(text)}"),
        MarkdownIt("commonmark").render(f"- {escape_md(text)}"),
    ):
        page = _parse(html_out)
        assert {t for t, _ in page.tags} <= {"ul", "li"}, html_out
        assert not page.comments
        assert "".join(page.text).strip() == text


SAFE_TAGS = {"ul", "li", "p"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]()!<>#*_`~&;:/\\-+=.1 aZx\"'|{}\n\t")) , max_size=40) | st.text(max_size=40))
def test_escaping_always_holds(text: str) -> None:
    """Whatever the text, markdown renders it as that text in one list item: no markup."""
    expected = " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text).split())
    for html_out in (
        markdown.markdown(f"- {escape_md(text)}"),
        MarkdownIt("commonmark").render(f"- {escape_md(text)}"),
    ):
        page = _parse(html_out)
        assert {t for t, _ in page.tags} <= SAFE_TAGS, (text, html_out)
        assert not page.comments
        got = " ".join("".join(page.text).split())
        assert got == expected, (text, html_out)


def _hostile_articles(folder: Path) -> Path:
    evil = " ".join(HOSTILE)
    (folder / "evil.md").write_text(
        "---\n"
        f"title: \"Breaking [click](javascript:alert(1)) <script>alert(1)</script> # not a heading\"\n"
        "outlet: \"<img src=x onerror=alert(1)> [Evil](http://evil.example)\"\n"
        "url: \"javascript:alert(1)//`<b>`\"\n"
        "date: 2031-01-02\n"
        "---\n"
        f"The harbour authority said the bridge would close on Monday for repairs {evil}.\n\n"
        f"“The bridge is not safe for lorries until the cables are replaced {evil},” "
        "harbour master Ida Roos said.\n\n"
        "```\ncode block\n```\n\n<!-- a comment -->\n\n# Heading line\n\n"
        "![](http://tracker.example/p.gif) Engineers said 40 metres of the deck will be replaced.\n",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text(
        "The harbour authority said the bridge would close on Monday for repairs.\n\n"
        "Engineers said 40 metres of the deck will be replaced over six weeks.\n",
        encoding="utf-8",
    )
    return folder


def test_hostile_articles_inject_nothing_in_markdown(tmp_path: Path) -> None:
    b = build_briefing([_hostile_articles(tmp_path)], Settings(date="2031-01-02"))
    md = render_markdown(b)
    for html_out in (markdown.markdown(md), MarkdownIt("commonmark").render(md)):
        page = _parse(html_out)
        tags = {t for t, _ in page.tags}
        assert not tags & {"a", "img", "script", "pre", "iframe", "h3", "h4", "blockquote"}, tags
        assert sum(1 for t, _ in page.tags if t == "h1") == 1
        assert not page.comments
        assert all(not attrs for _, attrs in page.tags)
    assert "javascript:alert(1)" in md  # shown as text, not dropped
    headings = [ln for ln in md.splitlines() if ln.startswith("#")]
    assert all(ln.startswith(("# ", "## ")) for ln in headings)
    assert not any("Heading line" in ln for ln in headings)


def test_hostile_articles_inject_nothing_in_html(tmp_path: Path) -> None:
    b = build_briefing([_hostile_articles(tmp_path)], Settings(date="2031-01-02"))
    page_html = render_html(b)
    page = _parse(page_html)
    assert not page.errors and not page.stack
    tags = {t for t, _ in page.tags}
    assert not tags & {"img", "script", "iframe", "link", "object", "embed", "pre"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript" not in (value or ""), (tag, name, value)
            if tag == "a":  # the only links: citations to the page's own source list
                assert name == "href" and re.fullmatch(r"#source-\d+", value or ""), value
    assert "onerror=alert(1)" in "".join(page.text)  # visible as text


def test_hostile_articles_in_json_are_plain_data(tmp_path: Path) -> None:
    b = build_briefing([_hostile_articles(tmp_path)], Settings(date="2031-01-02"))
    data = json.loads(render_json(b))
    jsonschema.validate(data, schema())
    src = next(s for s in data["sources"] if s["label"].startswith("javascript"))
    assert src["outlet"] == "<img src=x onerror=alert(1)> [Evil](http://evil.example)"


# ------------------------------------------------------------------ formats


def _fixture_briefing(prompt: str = "summit") -> Briefing:
    return build_briefing([FIXTURES / "serin"], Settings(prompt=prompt, date="2031-03-12"))


def test_json_follows_the_schema_and_carries_the_content() -> None:
    b = _fixture_briefing()
    data = json.loads(render(b, "json"))
    jsonschema.validate(data, schema())
    assert data["title"] == b.title
    assert [s["title"] for s in data["sections"]] == [s.title for s in b.sections]
    item = data["sections"][0]["items"][0]
    assert item["citations"] and isinstance(item["score"], float)
    assert data["quotes"] and data["disagreements"]
    assert len(data["sources"]) == 4


def test_schema_rejects_wrong_data() -> None:
    data = json.loads(render_json(_fixture_briefing()))
    data["sections"][0]["items"][0]["citations"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())
    data = json.loads(render_json(_fixture_briefing()))
    data["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


def test_html_is_a_standalone_phone_page() -> None:
    briefing = _fixture_briefing()
    page_html = render(briefing, "html")
    assert page_html.startswith("<!DOCTYPE html>")
    page = _parse(page_html)
    assert not page.errors and not page.stack, page.errors
    metas = [a for t, a in page.tags if t == "meta"]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    tags = {t for t, _ in page.tags}
    assert {"html", "head", "body", "title", "style", "h1", "h2", "ul", "ol"} <= tags
    assert not tags & {"script", "link", "img", "iframe"}
    assert not re.search(r"https?://|@import|url\(", page_html.split("</style>")[0])
    assert "Where sources disagree" in page_html
    ids = [a["id"] for t, a in page.tags if t == "li" and "id" in a]
    assert ids == [f"source-{n}" for n in range(1, 5)]
    hrefs = {a["href"] for t, a in page.tags if t == "a"}
    urls = {s.label for s in briefing.sources if s.label.startswith(("http://", "https://"))}
    assert urls, "the fixture has sources with a URL"
    # citations link to the source list, and every source URL is a link to the source
    assert hrefs == {f"#source-{n}" for n in range(1, 5)} | urls


def test_markers_count_independent_origins() -> None:
    assert marker(1) == "*(1 outlet only)*"
    assert marker(1, 2) == "*(1 outlet only; also in 2 reprints)*"
    assert marker(1, 1) == "*(1 outlet only; also in 1 reprint)*"
    assert marker(3) == "*(3 outlets)*"
    assert marker(2, 1, disputed=True) == "*(2 outlets; also in 1 reprint; disputed, see below)*"


def test_markdown_shape() -> None:
    b = Briefing(
        title="Daily briefing: Bridge reopens",
        date="2031-10-06",
        headline="Bridge reopens",
        sections=(
            Section("Key points", (Item("f1", "The bridge reopened.", (1, 2), 1, 1.0, 2, copies=1),)),
            Section("Empty", ()),
        ),
        sources=(
            Source(1, "a", "Wire", "Bridge reopens", "2031-10-05", "wire.txt"),
            Source(2, "b", "Gazette", "", "2031-10-06", "https://g.example/x", copy_of=1),
        ),
        origins=1,
        dates=("2031-10-05", "2031-10-06"),
        outlets=("Wire", "Gazette"),
    )
    md = render_markdown(b)
    assert md.splitlines()[:3] == [
        "# Daily briefing: Bridge reopens",
        "",
        "*2031-10-06 · 2 articles of 5–6 October 2031 · 1 independent origin · Wire, Gazette*",
    ]
    assert "- The bridge reopened. [1][2] *(1 outlet only; also in 1 reprint)*" in md
    assert "## Empty" not in md
    assert "2. Gazette, 2031-10-06, `https://g.example/x` — reprint of [1]" in md
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_same_input_same_bytes_in_every_format() -> None:
    for fmt in ("markdown", "json", "html"):
        assert render(_fixture_briefing(), fmt) == render(_fixture_briefing(), fmt)


# ------------------------------------------------------------------ bullets that read alone


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Macron said 26 countries had pledged troops.", True),
        ("He said that 26 of the countries had pledged troops.", False),
        ("“We support any format of meeting,” Zelenskyy said.", True),
        ("“We support any format of meeting,” he said.", False),
        ("“We support any format of meeting.”", False),
        ("However, hopes of a deal have dimmed.", True),
    ],
)
def test_standalone_bullets(text: str, ok: bool) -> None:
    from briefing.text.wording import standalone

    assert standalone(text) is ok


def test_cut_quotation_is_closed() -> None:
    from briefing.text.wording import tidy

    assert tidy("Rutte said: “Why are we interested in what Russia thinks?") == (
        "Rutte said: “Why are we interested in what Russia thinks?…”"
    )
    assert tidy("Rutte said “no” twice.") == "Rutte said “no” twice."


def test_file_name_is_not_an_outlet(tmp_path: Path) -> None:
    (tmp_path / "0042_ab12.txt").write_text(
        "The harbour bridge reopened on Monday after six weeks of repairs, officials said.\n",
        encoding="utf-8",
    )
    b = build_briefing([tmp_path], Settings(date="2031-01-02"))
    assert b.sources[0].outlet == "" and b.outlets == ()
    md = render_markdown(b)
    assert "1 unnamed outlet" in md and "unknown outlet" not in md
    assert "1. `0042_ab12.txt`" in md  # the file name names the source


def test_article_text_cannot_fake_a_citation_link(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "The harbour bridge reopened on Monday [3] after repairs, \x011\x01 officials said.\n",
        encoding="utf-8",
    )
    page = _parse(render_html(build_briefing([tmp_path], Settings(date="2031-01-02"))))
    links = [a["href"] for t, a in page.tags if t == "a"]
    assert links == ["#source-1"]  # the real citation only; "[3]" in the text stays text


def test_family_original_is_the_member_a_reader_can_look_up(tmp_path: Path) -> None:
    """A wire story copied onto an unnamed page, longer by a footer paragraph of its own:
    the named, titled member is listed as the original and the unnamed copy as its reprint."""
    story = [
        "The harbour bridge in Lakeport reopened on Monday after six weeks of repairs to its deck.",
        "Engineers replaced 40 steel plates and repainted the main span, the city council said.",
        "Traffic was expected to return to normal levels by the end of the week.",
        "The repairs cost 3.2 million dollars, paid from the city's maintenance budget.",
        "Ferry services added during the closure will stop running on Friday.",
        "Local businesses near the bridge said trade had fallen by a third during the works.",
    ]
    (tmp_path / "a_copy.txt").write_text(
        "\n\n".join([*story, "Residents can send questions about the works to the city council by post."]),
        encoding="utf-8",
    )
    (tmp_path / "b_wire.md").write_text(
        '---\noutlet: "Harbour Wire"\ntitle: "Lakeport bridge reopens"\ndate: 2031-01-02\n---\n'
        + "\n\n".join(story),
        encoding="utf-8",
    )
    b = build_briefing([tmp_path], Settings(date="2031-01-02"))
    by_label = {s.label: s for s in b.sources}
    wire, copy = by_label["b_wire.md"], by_label["a_copy.txt"]
    assert wire.outlet == "Harbour Wire" and wire.copy_of is None
    assert copy.copy_of == wire.number
    assert f"— reprint of [{wire.number}]" in render_markdown(b)


# ------------------------------------------------------------------ escaping once, and only markup


@pytest.mark.parametrize("text", [
    "the green_fund, the mayor_office said", "AT&T and Fish & Chips", r"C:\Users\ana said",
    "5 * 3 is 15 (AP)", "Bridge #1 reopens — finally!", "“Quoted,” she said; it cost $4.3m.",
    "LONDON (AP) — the talks [sic] went on", "a < b and c > d",
])
def test_ordinary_text_is_not_escaped(text: str) -> None:
    """Text holding no markup reads the same in markdown source (the mail's plain part) as
    rendered: there is nothing to escape."""
    if "*" in text:  # a lone asterisk can pair with the outlet marker on the same line
        assert escape_md(text) == text.replace("*", "\\*")
    else:
        assert escape_md(text) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("[]()!<>#*_`~&;:/\\-+=.1 aZé\"'|{}")), max_size=20),
                min_size=1, max_size=3))
def test_escaped_texts_side_by_side_with_citations_and_marker_stay_text(texts: list[str]) -> None:
    """Several escaped texts on one line with citations and the outlet marker, as a bullet is
    written: they render as themselves, whatever they hold."""
    line = " ".join(escape_md(t) for t in texts)
    want = " ".join(" ".join(" ".join(t.split()) for t in texts).split())
    for html_out in (markdown.markdown(f"- {line} [1] {marker(1)}"),
                     MarkdownIt("commonmark").render(f"- {line} [1] {marker(1)}")):
        page = _parse(html_out)
        assert {t for t, _ in page.tags} <= {"ul", "li", "p", "em"}, (texts, html_out)
        assert " ".join("".join(page.text).split()) == f"{want} [1] (1 outlet only)".strip(), (texts, html_out)


def _with_labels(labels: list[str]) -> Briefing:
    sources = tuple(Source(n, f"a{n}", "Harbour Gazette", "Bridge closes", "2031-03-12", label)
                    for n, label in enumerate(labels, 1))
    item = Item("f1", "The bridge closes on Monday.", tuple(range(1, len(labels) + 1)), 2, outlets=len(labels))
    return Briefing(title="Daily briefing: Bridge closes", date="2031-03-12", headline="Bridge closes",
                    sections=(Section("Bridge closes", (item,)),), sources=sources, origins=2)


def test_source_urls_are_links_and_nothing_else_is() -> None:
    labels = ["https://gazette.example/news/bridge?id=4&utm_source=feed", "http://herald.example/b_c",
              "javascript:alert(1)", 'https://evil.example/"onmouseover="alert(1)', "bridge.txt"]
    page = _parse(render_html(_with_labels(labels)))
    hrefs = {a["href"] for t, a in page.tags if t == "a" and not a["href"].startswith("#")}
    assert hrefs == {labels[0], labels[1]}
    assert not any("onmouseover" in a for _, attrs in page.tags for a in attrs)
    md = render_markdown(_with_labels(labels))
    assert all(label.replace("`", "'") in md for label in labels[:2])  # the URL written out
