"""A web page as an article: trafilatura finds the body and the metadata, and this module turns
its tree into the project's one text form (what a `.txt` input is: paragraphs split by blank
lines, headings as `## ` lines, no other markup), with entities decoded exactly once (by the
HTML parser). Nothing is escaped here: the renderers escape, once per format.

Metadata comes from the page (og:title, og:site_name, JSON-LD, htmldate's date), tidied by the
shape of common faults: a site name followed by a tagline (`Name | Topics, Topics | City`), a
title that ends in the site's name (`Headline | Site`), a placeholder author (`No Author`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from briefing.models import Article
from briefing.read.decode import article_id, normalize_text
from briefing.read.markup import drop_noscript
from briefing.text.dates import iso_date

# trafilatura's output tree: these elements are blocks (a paragraph each, or hold blocks)
_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "code", "table", "row", "cell", "div",
                     "main", "doc", "body", "article", "section", "blockquote", "graphic"})


# A page whose extracted body is shorter than this may hold its article in JSON-LD only (pages
# rendered by script ship `articleBody` for search engines).
SHORT_BODY_WORDS = 120


def _line(text: str) -> str:
    return " ".join(text.split())


def _inline(el) -> str:
    """The text of an inline element and its inline children; `<lb/>` is a line break."""
    parts = [el.text or ""]
    for child in el:
        parts.append("\n" if child.tag == "lb" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraph(text: str) -> str:
    return "\n".join(line for line in map(_line, text.split("\n")) if line)


def _blocks(el) -> Iterator[str]:
    """Paragraphs of a block element, in order; a heading comes out as a `## ` line."""
    if el.tag == "graphic":
        return
    if el.tag == "head":
        heading = _line(_inline(el))
        if heading:
            yield f"## {heading}"
        return
    if not any(child.tag in _BLOCKS for child in el):
        text = _paragraph(_inline(el))
        if text:
            yield text
        return
    run = [el.text or ""]  # inline text between block children is a paragraph of its own
    for child in el:
        if child.tag in _BLOCKS:
            if _paragraph("".join(run)):
                yield _paragraph("".join(run))
            yield from _blocks(child)
            run = [child.tail or ""]
        else:
            run += ["\n" if child.tag == "lb" else _inline(child), child.tail or ""]
    if _paragraph("".join(run)):
        yield _paragraph("".join(run))


def tree_text(body) -> str:
    """trafilatura's body tree as plain text: paragraphs split by blank lines."""
    if body is None:
        return ""
    return normalize_text("\n\n".join(_blocks(body)))


# --- metadata ------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"(?:\s+(?:[|·•»]|[-–—]{1,2})|\s*:)\s+")


_PLACEHOLDER_AUTHOR = re.compile(r"^(?:no author|unknown|anonymous|admin(?:istrator)?|article by|by|"
                                 r"staff|editorial staff|web desk|news desk|\W*)$", re.I)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _host_words(url: str) -> str:
    host = re.sub(r"^https?://(?:www\d?\.)?", "", url.lower()).split("/")[0].split(":")[0]
    return _letters(host.rsplit(".", 1)[0]) if "." in host else ""


def site_name(name: str, url: str = "") -> str:
    """A site's name without its tagline: `WSVN 7News | Miami News, Weather | Fort Lauderdale`
    is `WSVN 7News`. Of the pieces between separators, the one the host name spells, else the
    first (a name comes before what the site is about)."""
    name = _line(name)
    pieces = [p for p in _SEPARATOR.split(name) if p.strip()]
    if len(pieces) < 2:
        return name
    host = _host_words(url)
    for piece in pieces:
        letters = _letters(piece)
        if host and letters and (letters in host or host in letters):
            return piece.strip()
    return pieces[0].strip()


def _same_site(piece: str, site: str, url: str) -> bool:
    letters = _letters(piece)
    if not letters:
        return False
    names = [x for x in (_letters(site), _host_words(url)) if x]
    return any(letters == n or (len(letters) >= 4 and (letters in n or n in letters)) for n in names)


_GLUED_BYLINE = re.compile(r"(?<=[a-z.!?])By\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}$")


def page_title(title: str, site: str, url: str = "") -> str:
    """The article's title without the site's name around it (`Headline | Site`, `Site: Headline`)
    or a byline glued to its end (`Rudolph still eludesBy Jennifer Brett`)."""
    title = _GLUED_BYLINE.sub("", _line(title)).strip()
    pieces = _SEPARATOR.split(title)
    while len(pieces) > 1 and _same_site(pieces[-1], site, url):
        pieces.pop()
    while len(pieces) > 1 and _same_site(pieces[0], site, url):
        pieces.pop(0)
    if len(pieces) < len(_SEPARATOR.split(title)):
        # rebuild from what is left, keeping the page's own separators inside the headline
        kept = " ".join(pieces)
        start = title.find(pieces[0])
        end = title.rfind(pieces[-1]) + len(pieces[-1])
        return title[start:end].strip() if start >= 0 and end > start else kept
    return title


def _author(author: str, site: str) -> str:
    names = [n.strip() for n in re.split(r";", author) if n.strip()]
    names = [n for n in names if not _PLACEHOLDER_AUTHOR.match(n) and _letters(n) != _letters(site)
             and len(_letters(n)) > 2]
    return ", ".join(names)


def _json_ld_bodies(html: str) -> Iterator[str]:
    """`articleBody` strings of the page's JSON-LD blocks."""
    for m in re.finditer(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", html, re.S | re.I):
        try:
            data = json.loads(m.group(1))
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                body = node.get("articleBody")
                if isinstance(body, str):
                    yield body
                stack += list(node.values())
            elif isinstance(node, list):
                stack += node


# In a body flattened to one string, a line with no full stop (a subhead, a related story's
# title) runs into the next sentence: `... livelihood. Tsai says Beijing must face reality But
# again, ...`. A run of words with no stop, between a sentence end and a capitalised word that
# starts sentences, goes on a line of its own (where the cleaner sees it as a heading).
_RUN_ON = re.compile(
    r"(?<=[.!?])([\"”’]?) ([A-Z‘“][^.!?\n]{10,160}?[\w’”')]) (?=(?:But|And|The|A|An|In|It|He|She|They|We|"
    r"This|That|These|Its|His|Her|Their|There|However|After|When|While|As|At|On|For|If|Yet|So|"
    r"Still|Now|Then|I)\s)"
)


def _unflatten(text: str) -> str:
    return _RUN_ON.sub(lambda m: f"{m.group(1)}\n\n{m.group(2)}\n\n", text)


def _ld_body(html: str | bytes, text: str) -> str:
    """The page's JSON-LD article body when the extracted body is short and that one is longer,
    or is the same text (trafilatura can take it from there too): decoded as HTML when it is
    markup, its run-in subheads and teaser titles set on lines of their own."""
    if len(text.split()) >= SHORT_BODY_WORDS:
        return text
    page = html if isinstance(html, str) else html.decode("utf-8", "replace")
    if "articleBody" not in page:
        return text
    from lxml import html as lxml_html

    best = text
    for body in _json_ld_bodies(page):
        try:
            plain = lxml_html.fromstring(f"<div>{body}</div>").text_content() if "<" in body or "&" in body else body
        except Exception:  # not HTML after all: the string as it is
            plain = body
        blocks = re.split(r"\n\s*\n", _unflatten(plain))
        paras = "\n\n".join(_paragraph(p) for p in blocks if p.strip())
        if len(paras.split()) > 2 * max(1, len(best.split())) or _line(plain) == _line(text):
            best = normalize_text(paras)
    return best


# Parts of a page no reader sees as the article: dialogs (pop-ups, sign-up boxes), what is
# hidden from assistive technology, and picture captions. Never one that holds the article's
# heading or body, or three quarters of the page's paragraphs (a page hiding its article until
# a script runs).
_HIDDEN = ('//*[@role="dialog" or @role="alertdialog" or @aria-modal="true" or @aria-hidden="true"]'
           '|//figcaption')


_ARTICLE = './/h1|.//article|.//main|.//*[@itemprop="articleBody"]'


def _paragraph_words(el) -> int:
    return sum(len(p.text_content().split()) for p in el.iter("p"))


def _without_hidden(tree):
    total = _paragraph_words(tree)
    for el in tree.xpath(_HIDDEN):
        if el.tag in ("html", "body") or el.getparent() is None:
            continue
        if el.xpath(_ARTICLE) or 4 * _paragraph_words(el) > 3 * total:
            continue
        el.drop_tree()
    return tree


def _extract(html: str | bytes, url: str, with_metadata: bool):
    import trafilatura
    from trafilatura.utils import load_html

    # `<noscript>` text ("Enable JavaScript to read…") is what a reader with scripts on never sees
    tree = load_html(drop_noscript(html) if isinstance(html, str) else html)
    if tree is None:
        return None
    return trafilatura.bare_extraction(
        _without_hidden(tree),
        url=url or None,
        include_comments=False,
        include_tables=False,
        include_formatting=False,  # the tree is read here; markdown output would be escaped
        with_metadata=with_metadata,
        # Pages may be dated in the future (embargoed, scheduled, or invented examples).
        date_extraction_params={"original_date": True, "max_date": "2100-12-31"},
    )


def article_from_html(html: str | bytes, source: str, url: str = "") -> Article:
    """Extract the article body and metadata (title, site, date, author, url) with trafilatura."""
    # trafilatura and htmldate can trip on malformed markup (fuzzing found `<svg><!DOCTYPE html>`
    # raising an AssertionError in lxml): fall back to the text without metadata, then give up
    # with a reason rather than a traceback.
    try:
        doc = _extract(html, url, with_metadata=True)
    except Exception:
        try:
            doc = _extract(html, url, with_metadata=False)
        except Exception as exc:
            raise ValueError(f"could not parse the HTML ({type(exc).__name__})") from None
    text = tree_text(getattr(doc, "body", None)) if doc is not None else ""
    text = _ld_body(html, text)
    if not text.strip():
        raise ValueError("no article text could be extracted from the HTML")

    def meta(name: str) -> str:
        return _line(normalize_text(str(getattr(doc, name, None) or "")))

    page_url = url or meta("url")
    site = site_name(meta("sitename"), page_url)
    return Article(
        id=article_id(source, text),
        source=source,
        text=text,
        title=page_title(meta("title"), site, page_url),
        outlet=site,
        date=iso_date(meta("date")),
        url=page_url,
        byline=_author(meta("author"), site),
    )
