"""Render: a `Briefing` as markdown, JSON or a standalone HTML page.

Article text (sentences, titles, outlets, names, URLs) is data, never markup: everything that
markdown or HTML would interpret is escaped, and line breaks are folded, so no article can
start a heading, a list, a code block, a link, an image or raw HTML in the briefing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from briefing.models import Briefing, Disagreement, Item, Quote

# Control, bidi-override and invisible characters (and lone surrogates) never reach a label.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")


def plain(text: str) -> str:
    """One line without control characters (Python-Markdown uses \x02/\x03 as its own
    placeholders, so they must never come from an article)."""
    return " ".join(_CONTROL.sub("", text).split())


# What markdown would read as markup, and only that, is escaped (CommonMark and Python-Markdown
# alike): text that holds no markup reads the same in the plain-text mail part as in the page.
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # before ASCII punctuation it would escape it
_UNDERSCORES = re.compile(r"_+")
_LINK_BRACKETS = re.compile(r"\]\s*[(\[:]")  # `[text](url)`, `[text][ref]`, `[ref]: url`
_TAG_OPEN = re.compile(r"<(?=\S)")  # a tag, comment, autolink or `<x@y>` mail link
_ENTITY = re.compile(r"&(?=#\d|#[xX][0-9a-fA-F]|[A-Za-z0-9]+;)")
_LIST_START = re.compile(r"^([-+])|^(\d{1,9})([.)])(?=\s|$)")  # "- x", "--" (a rule, after the bullet), "1. x"
_HEADING_START = re.compile(r"^#")  # Python-Markdown needs no space after it
_TRAILING_HASHES = re.compile(r"#+$")  # a heading's closing sequence


def _underscores(text: str) -> str:
    """`_` runs that could open or close emphasis: not those inside a word (`green_fund`)."""
    def one(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        inside = before.isalnum() and after.isalnum()
        return m.group(0) if inside else m.group(0).replace("_", "\\_")
    return _UNDERSCORES.sub(one, text)


def escape_md(text: str) -> str:
    """Make article text inert in markdown: no links, images, headings, HTML or code. Only
    what markdown would read as markup is escaped, so ordinary text stays as it is."""
    text = plain(text)  # one line: no block structure can start inside it
    if "\\" in text:
        text = _BACKSLASH.sub(r"\\\\", text)
    text = text.replace("`", "\\`").replace("*", "\\*")
    if "_" in text:
        text = _underscores(text)
    if "]" in text and _LINK_BRACKETS.search(text):
        text = text.replace("[", "\\[").replace("]", "\\]")
    if "&" in text:
        text = _ENTITY.sub("&amp;", text)
    if "<" in text:
        text = _TAG_OPEN.sub("&lt;", text)
    if text.endswith("#"):
        text = _TRAILING_HASHES.sub(lambda m: "\\#" * len(m.group(0)), text)
    if text[:1] in "-+>#~0123456789":
        text = _LIST_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text)
        text = _HEADING_START.sub(r"\\#", text)
        text = re.sub(r"^>", r"\\>", text)
        text = re.sub(r"^~(?=~~)", "&#126;", text)  # "~~~" would open a code fence (no "\~" in Python-Markdown)
    return text


def _code(text: str) -> str:
    """A file name or URL as inline code: shown literally, never a link."""
    text = plain(text.replace("`", "'"))
    return f"`{text}`" if text else ""


def cites(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def marker(origins: int, reprints: int = 0, disputed: bool = False) -> str:
    """How widely a fact is carried: independent outlets, then reprints of them, which
    carry it too but corroborate nothing ("1 outlet only; also in 2 reprints")."""
    extra = f"; also in {reprints} reprint{'s' if reprints != 1 else ''}" if reprints else ""
    note = "; disputed, see below" if disputed else ""
    if origins <= 1:
        return f"*(1 outlet only{extra}{note})*"
    return f"*({origins} outlets{extra}{note})*"


def human_date(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B} {day.year}"


def date_span(dates: tuple[str, ...], fallback: str) -> str:
    """'5 September 2025', '4–5 September 2025' or '30 August – 5 September 2025'."""
    if not dates:
        return human_date(fallback) if fallback else ""
    first, last = dates[0], dates[-1]
    if first == last:
        return human_date(first)
    try:
        a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return f"{first} – {last}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%B} {b.year}"
    if a.year == b.year:
        return f"{a.day} {a:%B} – {b.day} {b:%B} {b.year}"
    return f"{human_date(first)} – {human_date(last)}"


def dateline(briefing: Briefing) -> str:
    """'2025-09-05 · 5 articles of 4–5 September 2025 · 3 independent origins · outlets'.
    The briefing's own date comes first, in ISO form (mail reads it from there)."""
    n = len(briefing.sources)
    articles = f"{n} article{'s' if n != 1 else ''}"
    if briefing.dates and tuple(briefing.dates) != (briefing.date, briefing.date):
        articles += f" of {date_span(briefing.dates, briefing.date)}"
    o = briefing.origins
    parts = [briefing.date, articles, f"{o} independent origin{'s' if o != 1 else ''}"]
    unnamed = sum(1 for s in briefing.sources if not s.outlet)
    names = [escape_md(x) for x in briefing.outlets]
    if unnamed:
        names.append(f"{unnamed} unnamed outlet{'s' if unnamed != 1 else ''}")
    if names:
        parts.append(", ".join(names))
    return " · ".join(p for p in parts if p)


Cite = Callable[[tuple[int, ...]], str]


def _item_line(item: Item, cite: Cite) -> str:
    mark = marker(item.origins, item.copies, item.disputed)
    return f"- {escape_md(item.text)} {cite(item.citations)} {mark}"


def _quote_line(q: Quote, cite: Cite) -> str:
    text = q.text if not q.text[:1].islower() else f"…{q.text}"  # a quote cut from a sentence
    return (
        f"- “{escape_md(text)}” — {escape_md(q.speaker)} {cite(q.citations)} "
        f"{marker(q.origins, q.copies)}"
    )


def _dispute_line(d: Disagreement, cite: Cite) -> str:
    if d.kind == "attribution":
        text = d.versions[0].text
        who = "; ".join(f"to {escape_md(v.value)} {cite(v.citations)}" for v in d.versions)
        return f"- **Who said it:** “{escape_md(text)}” is attributed {who}"
    label = "Dates differ" if d.kind == "date" else f"Figures differ ({escape_md(d.subject)})"
    versions = "; ".join(
        f"{escape_md(v.value)}: “{escape_md(v.text)}” {cite(v.citations)}" for v in d.versions
    )
    return f"- **{label}:** {versions}"


def render_markdown(briefing: Briefing, cite: Cite = cites) -> str:
    out: list[str] = [f"# {escape_md(briefing.title)}", "", f"*{dateline(briefing)}*", ""]
    for section in briefing.sections:
        if not section.items:
            continue
        out += [f"## {escape_md(section.title)}", ""]
        out += [_item_line(item, cite) for item in section.items]
        out.append("")
    if briefing.quotes:
        out += ["## What they said", ""]
        out += [_quote_line(q, cite) for q in briefing.quotes]
        out.append("")
    if briefing.disagreements:
        out += ["## Where sources disagree", ""]
        out += [_dispute_line(d, cite) for d in briefing.disagreements]
        out.append("")
    out += ["## Sources", ""]
    for src in briefing.sources:
        # an unnamed outlet is left out rather than guessed: the file name identifies the source
        bits = [escape_md(src.outlet)] if src.outlet else []
        if src.title:
            bits.append(f"“{escape_md(src.title)}”")
        if src.date:
            bits.append(src.date)
        if src.label:
            # with neither outlet nor title the file name or URL is what names the source
            bits.insert(0 if not (src.outlet or src.title) else len(bits), _code(src.label))
        line = f"{src.number}. " + ", ".join(bits)
        if src.copy_of is not None:
            line += f" — reprint of {cite((src.copy_of,))}"
        out.append(line)
    out.append("")
    return "\n".join(out)
