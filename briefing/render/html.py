"""The briefing as one standalone HTML page: no external CSS, fonts or scripts."""

from __future__ import annotations

import html
import re

import markdown
import nh3

from briefing.models import Briefing
from briefing.render.markdown import render_markdown

_CSS = """
:root { color-scheme: light dark; }
body { margin: 0 auto; max-width: 42rem; padding: 1rem 1.1rem 3rem;
  font: 1.05rem/1.55 Georgia, "Times New Roman", serif; color: #1b1b1b; background: #fdfdfb;
  overflow-wrap: break-word; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: 0.4rem 0 0.3rem; }
h1 + p { color: #555; font-size: 0.92rem; margin-top: 0; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; border-bottom: 1px solid #ddd;
  padding-bottom: 0.2rem; font-family: system-ui, sans-serif; }
ul, ol { padding-left: 1.3rem; } li { margin: 0.35rem 0; }
em { color: #666; font-size: 0.9em; } code { font-size: 0.85em; word-break: break-all; }
a { color: inherit; text-decoration: none; } li:target { background: #fff3b0; }
a.url { color: #0b57d0; text-decoration: underline; font-size: 0.85em; overflow-wrap: anywhere; }
@media (prefers-color-scheme: dark) {
  body { color: #e8e8e8; background: #161616; } h1 + p, em { color: #aaa; }
  h2 { border-color: #444; } a.url { color: #8ab4f8; } }
""".strip()


_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "em", "strong", "code", "hr", "br"}


# Citations travel through markdown as \x01n\x01: article text can never hold \x01 (control
# characters are stripped from it), so only our own citations become links to the sources.
_HTML_CITE = re.compile("\x01(\\d+)\x01")


def _placeholder_cites(numbers: tuple[int, ...]) -> str:
    return "".join(f"\x01{n}\x01" for n in numbers)


def _link_sources(body: str, count: int) -> str:
    """Citations link to their source, and each source in the list can be linked to."""
    body = _HTML_CITE.sub(r'<a href="#source-\1">[\1]</a>', body)
    head, sep, tail = body.rpartition("<ol>")
    if not sep:
        return body
    n = iter(range(1, count + 1))
    tail = re.sub(r"<li>", lambda _: f'<li id="source-{next(n, 0)}">', tail, count=count)
    return head + sep + tail


# A code span holding nothing but an absolute http(s) URL is how the source list writes a
# source's address: it becomes a link (no quote, space or angle bracket can be in it, and
# markdown has already escaped its `&`, so it is safe as an attribute as it stands).
_CODE_URL = re.compile(r"<code>(https?://[^\s<>\"'`]+)</code>")


def link_urls(fragment: str) -> str:
    """Source addresses as real links, opened without the briefing's page as referrer."""
    return _CODE_URL.sub(
        lambda m: f'<a class="url" href="{m.group(1)}" rel="noopener noreferrer">{m.group(1)}</a>', fragment)


def render_html(briefing: Briefing) -> str:
    md = render_markdown(briefing, cite=_placeholder_cites)
    body = markdown.markdown(md, output_format="html")
    # belt and braces: whatever the markdown became, only plain structure survives
    body = nh3.clean(body, tags=_TAGS, attributes={}, url_schemes=set(), strip_comments=True)
    body = link_urls(_link_sources(body, len(briefing.sources)))
    title = html.escape(" ".join(briefing.title.split()), quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
