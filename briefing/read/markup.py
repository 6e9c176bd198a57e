"""Markup removed from article text (HTML tags, markdown links, emphasis, code fences)."""

from __future__ import annotations

import re

_CODE_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)


_HIDDEN = ("script", "style", "iframe", "noscript", "template", "svg", "object")


_HIDDEN_OPEN = re.compile(rf"<({'|'.join(_HIDDEN)})\b", re.I)


_HIDDEN_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in _HIDDEN}


# Where an element left without its end tag stops taking text: its paragraph, or the next block.
_UNCLOSED_END = re.compile(
    r"\n[ \t]*\n|<(?:p|div|article|section|main|h[1-6]|ul|ol|li|table|blockquote|/?body)\b", re.I
)


_TAG_END = re.compile(r"[^<>]*>")


_NOSCRIPT_OPEN = re.compile(r"<(noscript)\b", re.I)


def drop_noscript(html: str) -> str:
    """An HTML page without its `<noscript>` text (closed or not), for the extractor: what a
    reader with scripts on never sees is not reporting. Scripts stay (they carry metadata)."""
    return _drop_hidden(html, _NOSCRIPT_OPEN) if "<noscript" in html.lower() else html


def _drop_hidden(text: str, opener: re.Pattern[str] = _HIDDEN_OPEN) -> str:
    """Remove script, style, noscript (...) elements with their text. An element left without
    its end tag (`<noscript>Enable JavaScript…` cut by a scraper, or `<noscript/>`, which HTML
    does not close) takes its own text, to the end of its paragraph or the next block tag: a
    browser shows none of it. One pass, and at most one failed search per element name, so
    thousands of unclosed openers cost no more than one."""
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # names with no end tag after the current point
    for m in opener.finditer(text):
        if m.start() < pos:
            continue
        name = m.group(1).lower()
        close = None if name in unclosed else _HIDDEN_CLOSE[name].search(text, m.end())
        if close is not None:
            end = close.end()
        else:
            unclosed.add(name)
            tag = _TAG_END.match(text, m.end())
            if tag is None:
                continue  # not a tag (`<script` in prose): left to the tag rule
            stop = _UNCLOSED_END.search(text, tag.end())
            end = stop.start() if stop else len(text)
        out.append(text[pos : m.start()])
        pos = end
    if not pos:
        return text
    out.append(text[pos:])
    return "".join(out)


_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)


_HTML_HEADING = re.compile(r"<h[1-6](?:\s[^<>]*)?>", re.I)


_HTML_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|tr|section|article|figure|ul|ol|table)\s*>", re.I)


_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")


_MD_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"  # one level of nested parentheses: `(javascript:f(1))`


_MD_IMAGE = re.compile(rf"!\[[^\]\n]*\]{_MD_TARGET}|!\[[^\]\n]*\]\[[^\]\n]*\]")


_MD_LINK = re.compile(rf"\[([^\]\n]+)\]{_MD_TARGET}|\[([^\]\n]+)\]\[[^\]\n]*\]")


_MD_REFDEF = re.compile(r"^\s*\[[^\]\n]+\]:\s*\S+.*$", re.M)


_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


_MD_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")


_MD_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+|^[ \t]*[-*+•][ \t]+(?=\S)", re.M)


_EMPHASIS_HINT = re.compile(r"[*_][^\W_]")


_MD_PREFIX_HINT = re.compile(r"^[ \t]*[>\-*+•]", re.M)


_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)


def strip_markup(text: str) -> str:
    """Markdown/HTML syntax is not reporting: keep the words, drop links' targets, images, code,
    comments, tags and emphasis marks. `#` headings stay marked so the cleaner knows them."""
    import html as _html

    # Each rule runs only when its syntax can be present: this is on the path of every article.
    if "```" in text or "~~~" in text:
        text = _CODE_FENCE.sub("", text)
    if "<" in text:
        text = _drop_hidden(text)
        text = _COMMENT.sub("", text)
    if "[" in text:
        text = _MD_IMAGE.sub("", text)
        text = _MD_LINK.sub(lambda m: m.group(1) or m.group(2), text)
        text = _MD_REFDEF.sub("", text)
    if "<" in text:
        # HTML inside text records: blocks become paragraphs, headings stay headings.
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_HEADING.sub("\n\n## ", text)
        text = _HTML_BLOCK_END.sub("\n\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: _html.unescape(m.group(0)), text)
        if "<" in text:  # escaped markup (`&lt;noscript&gt;`) is markup once unescaped
            text = _drop_hidden(text)
    if _EMPHASIS_HINT.search(text):
        text = _MD_STRONG.sub(r"\2", text)
        text = _MD_EM.sub(lambda m: m.group(1) or m.group(2), text)
    if _MD_PREFIX_HINT.search(text):
        text = _MD_PREFIX.sub("", text)
    if "''" in text or "``" in text:  # newswire ASCII quotes (``like this'') become typographic
        text = text.replace("' ''", "’”")
        text = re.sub(r"``\s?", "“", text)
        text = re.sub(r"(?<=\S)''", "”", text)
        text = re.sub(r"''(?=\S)", "“", text)
    return text
