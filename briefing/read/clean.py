"""Clean: strip what is not reporting (navigation, marketing footers, captions, hashes, separators,
bylines, credits, datelines, subheads, markup) and read the metadata the text itself gives
(outlet, date, title, byline, dateline, wire).

Every rule is about the *shape* of a kind of noise (a short line of interface words, a line
talking to the reader about subscribing, a description ending in a photo credit, ...), never a
string taken from one site. Each line is classified once, then its position in the article
(before, inside or after the body) decides what a heading-like or credit-like line is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from briefing.models import Article
from briefing.read.furniture import (
    _DESK_ENDINGS,
    _ORG,
    _PERSON,
    _WIRE_DASH,
    AUTHOR_TAG,
    BY_LINE,
    CLOSING_CREDIT,
    CREDIT_LINE,
    CREDIT_NAMES,
    DATELINE,
    EDITORIAL_NOTE,
    LABEL,
    LEADING_DATE,
    MAX_NOISE_WORDS,
    REPORTED_FROM,
    TABLE_ROW,
    TERMINAL,
    _best_site,
    _date_line,
    _ends_with_function_word,
    _heading_text,
    _strip_desk_notes,
    _tidy_name,
    _words,
    footer_sentences_removed,
    is_caption,
    is_footer,
    is_hash,
    is_heading_like,
    is_navigation,
    is_separator,
    is_wire_note,
    site_from_footer,
    wire_name,
)
from briefing.read.markup import strip_markup
from briefing.text.dates import parse_date

BODY, DROP, HEADING, LABEL_KIND, DATE, BYLINE, CREDIT, CLOSING = range(8)


_CREDIT_HINTS = ("report", "contribut", "editing", "writing", "compiled", "wrote")


def _classify(line: str, meta: dict[str, str], sites: list[tuple[int, str]]) -> int:
    """The kind of one non-blank line; metadata it carries goes into `meta`/`sites`."""
    n_words = _words(line)
    if n_words > MAX_NOISE_WORDS:
        return BODY
    if is_separator(line) or is_hash(line) or TABLE_ROW.match(line) or EDITORIAL_NOTE.match(line):
        return DROP
    if is_wire_note(line):
        return DROP
    tag = AUTHOR_TAG.match(line)
    if tag:
        meta.setdefault("credit_byline", tag.group("names"))
        meta.setdefault("credit_org", _tidy_name(tag.group("org")))
        return CREDIT
    if is_navigation(line):
        return DROP
    if is_footer(line):
        strength, name = site_from_footer(line)
        if name:
            sites.append((strength, name))
        return DROP
    if LABEL.match(line) and _words(line) <= 5:
        return LABEL_KIND
    if is_caption(line):
        return DROP
    low = line.lower()
    if any(h in low for h in _CREDIT_HINTS) and (
        CREDIT_LINE.search(line) and n_words <= 45 or REPORTED_FROM.match(line)
    ):
        m = CREDIT_NAMES.match(line)
        if m:
            meta.setdefault("credit_byline", _tidy_people(m.group("names") or m.group("by")))
        return CREDIT
    by = BY_LINE.match(line)
    if by and _words(line) <= 16 and not TERMINAL.search(line.rstrip(".")):
        meta.setdefault("byline", _tidy_people(by.group("names")))
        rest = (by.group("rest") or "").strip()
        date = parse_date(rest)
        if date:
            meta.setdefault("date", date)
        elif rest and re.match(_ORG + r"$", rest) and _words(rest) <= 6:
            meta.setdefault("credit_org", _tidy_name(rest))
        return BYLINE
    date = _date_line(line) if n_words <= 14 else ""
    if date:
        meta.setdefault("date", date)
        return DATE
    if CLOSING_CREDIT.match(line) and _words(line) <= 14:
        return CLOSING
    if is_heading_like(line):
        return HEADING
    return BODY


# A byline run into the dateline of the lead: `By Jane Doe, Reuters WASHINGTON (Reuters) — ...`.
_CAPS_WORD = re.compile(r"\s(?=[A-Z][A-Z'’.\-]+[ ,(])")


def _leading_byline(line: str, meta: dict[str, str]) -> str:
    """The lead without a byline that runs into its dateline (the byline goes to metadata)."""
    if not line.startswith(("By ", "BY ", "by ")):
        return line
    cut = None
    for m in _CAPS_WORD.finditer(line, 3, 90):  # the last place a dateline can start wins
        d = DATELINE.match(line[m.end():])
        if d and len(line) - m.end() - d.end() >= 20:
            cut = m
    if cut is None:
        return line
    who = re.split(r"\s*[,|]\s*", line[3 : cut.start()].strip())[0]
    meta.setdefault("byline", _tidy_people(who))
    return line[cut.end():]


def _tidy_people(names: str) -> str:
    names = re.sub(r"\s+", " ", names).strip(" ,")
    names = re.sub(r"\s+And\s+", " and ", names)
    if names.isupper():
        names = names.title()
    return names


def _continues(prev: str, line: str) -> bool:
    """`line` carries on the sentence `prev` started (a hard line break mid-sentence)."""
    return bool(prev) and not TERMINAL.search(prev) and (
        _ends_with_function_word(prev)
        or prev[-1] in ",;:—–-("
        or line[:1].islower()
        or line[:1] in "“\"‘"
        and line[1:2].islower()
    )


def _is_question_subhead(lines: list[str], i: int) -> bool:
    """`What happens next?` standing alone between paragraphs is a subhead, not reporting."""
    line = lines[i]
    return (
        line.endswith("?")
        and _words(line) <= 10
        and line[0].isupper()
        and not lines[i - 1]
        and (i + 1 >= len(lines) or not lines[i + 1])
    )


def _norm(line: str) -> str:
    """A paragraph's identity for spotting repeats: case and spacing ignored."""
    return " ".join(line.lower().split()).strip(" .,;:!?\"'“”‘’")


def _join_broken_sentences(lines: list[str], kinds: list[int]) -> list[int]:
    """Lines that carry a sentence across a hard line break are body, whatever they look like
    alone (`... six weeks after a storm` / `tore away part of its deck.`)."""
    for i in range(len(lines)):
        if kinds[i] in (HEADING, CLOSING) and i and lines[i - 1] and kinds[i - 1] == BODY:
            if _continues(lines[i - 1], lines[i]):
                kinds[i] = BODY
        if kinds[i] == HEADING and i + 1 < len(lines) and lines[i + 1] and kinds[i + 1] == BODY:
            if _continues(lines[i], lines[i + 1]) or lines[i + 1][:1].islower():
                kinds[i] = BODY
    return kinds


def _outlet(article: Article, meta: dict[str, str], sites: list[tuple[int, str]]) -> str:
    """Who published it: the input's own metadata, else a label line (`BBC :`), a footer naming
    the site, a closing credit's organisation, and last the wire in the dateline."""
    wire = wire_name(meta["wire"]) if meta.get("wire") else ""
    return (
        article.outlet
        or meta.get("label")
        or _best_site(sites)
        or meta.get("credit_org")
        or wire
    )


def clean_article(article: Article) -> Article:
    """Return the article with noise removed and metadata filled from the text."""
    text = strip_markup(article.text)
    meta: dict[str, str] = {}
    m = LEADING_DATE.match(text)
    if m:
        meta["date"] = m.group(1)
        text = text[m.end() :]
    lines = [" ".join(ln.split()) for ln in text.split("\n")]  # str.split knows NBSP & co.
    lines = [_strip_desk_notes(ln) if ln[:1] == "(" or ln.endswith(_DESK_ENDINGS) else ln for ln in lines]
    sites: list[tuple[int, str]] = []
    kinds = _join_broken_sentences(lines, [_classify(ln, meta, sites) if ln else -1 for ln in lines])
    body_idx = [i for i, k in enumerate(kinds) if k == BODY]
    reading = _Reading(lines, article.title, meta, body_idx[0] if body_idx else len(lines),
                       body_idx[-1] if body_idx else -1)
    for i, kind in enumerate(kinds):
        reading.take(i, kind)
    body = re.sub(r"\n{2,}", "\n\n", "\n".join(reading.kept).strip())
    return replace(
        article,
        text=body,
        title=article.title or reading.title,
        outlet=_outlet(article, meta, sites),
        date=article.date or meta.get("date", ""),
        byline=article.byline or meta.get("byline", "") or meta.get("credit_byline", ""),
        dateline=article.dateline or meta.get("dateline", ""),
        subheads=article.subheads + tuple(reading.subheads),
    )


@dataclass(slots=True)  # not frozen: it gathers the article as its lines are walked
class _Reading:
    """One article's classified lines walked in order; a line's place before (`first`),
    inside or after (`last`) the body decides what a heading- or credit-like line is."""

    lines: list[str]
    own_title: str  # the title the input gave, if any
    meta: dict[str, str]
    first: int  # the first body line
    last: int  # the last body line
    kept: list[str] = field(default_factory=list)  # body lines; "" marks a paragraph break
    subheads: list[str] = field(default_factory=list)
    title: str = ""
    seen: set[str] = field(default_factory=set)

    def take(self, i: int, kind: int) -> None:
        line = self.lines[i]
        if kind == -1:
            self._paragraph_break()
            return
        if kind == LABEL_KIND:
            label = LABEL.match(line).group("name")  # type: ignore[union-attr]
            if i < self.first:
                self.meta.setdefault("label", _tidy_name(label))
                return
            kind, line = HEADING, label
        if kind == CLOSING:
            cm = CLOSING_CREDIT.match(line)
            if cm and (i < self.first or i > self.last or i >= len(self.lines) - 3):
                self.meta.setdefault("byline", _tidy_people(cm.group("names")))
                self.meta.setdefault("credit_org", _tidy_name(cm.group("org")))
                return
            kind = HEADING
        if kind == HEADING:
            self._heading(i, line)
        elif kind == BODY:
            self._body(i, line)

    def _paragraph_break(self) -> None:
        if self.kept and self.kept[-1]:
            self.kept.append("")

    def _heading(self, i: int, line: str) -> None:
        heading = _heading_text(line) or line
        if i < self.first:
            if not self.title and _words(heading) >= 2:
                self.title = heading
            elif not self.meta.get("byline") and re.fullmatch(_PERSON, heading) and self.title:
                self.meta["byline"] = heading
            elif _words(heading) >= 4 and _norm(heading) not in (_norm(self.title), _norm(self.own_title)):
                self.subheads.append(heading)  # a standfirst under the headline: structure, not a bullet
        elif self.first < i < self.last:
            self.subheads.append(heading)
            self._paragraph_break()

    def _body(self, i: int, line: str) -> None:
        if self.first < i < self.last and _is_question_subhead(self.lines, i):
            self.subheads.append(line)
            return
        if i <= self.first + 8:
            line = self._dateline(_leading_byline(line, self.meta))
        line = footer_sentences_removed(line)
        key = _norm(line)
        if len(key) > 40 and key in self.seen:
            return  # a paragraph the page repeats (often the lead)
        self.seen.add(key)
        self.kept.append(_WIRE_DASH.sub("—", line))

    def _dateline(self, line: str) -> str:
        """The line without a leading wire dateline, which goes to the metadata."""
        d = DATELINE.match(line)
        if not d or len(line) - d.end() < 20:
            return line
        wire = d.group("wire1") or d.group("wire2") or ""
        if wire:
            self.meta.setdefault("wire", wire.strip())
        self.meta.setdefault("dateline", line[: d.end()].strip(" —–-_:"))
        return line[d.end() :]


def fallback_outlet(article: Article) -> Article:
    """Articles that name no outlet are credited to their file name (without extension)."""
    if article.outlet:
        return article
    stem = article.label.rsplit("#", 1)[0]
    stem = stem.rsplit(".", 1)[0] if "." in stem and "://" not in stem else stem
    return replace(article, outlet=stem)
