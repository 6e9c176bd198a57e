"""Markup removed from article text (HTML tags, markdown links, emphasis, code fences)."""

from __future__ import annotations

import re

_CODE_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)


_SCRIPT = re.compile(r"<(script|style|iframe|noscript|template|svg|object)\b.*?</\1\s*>", re.I | re.S)


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
        text = _SCRIPT.sub("", text)
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
