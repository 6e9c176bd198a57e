"""The HTML part of a briefing email: markdown -> HTML -> sanitised -> inline-styled.

Mail clients ignore <style> blocks and external resources, and anything a briefing quotes from
an article is untrusted, so the HTML is built in three steps: the `markdown` package with raw
HTML and images switched off, nh3 with a small allow-list (only http(s) links), and css-inline
to turn one fixed stylesheet into style attributes."""

from __future__ import annotations

import html
import re

import css_inline
import markdown
import nh3

from briefing.render.html import link_urls

# Structural tags a briefing needs; everything else is stripped (its text kept).
ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote",
    "em", "strong", "code", "pre", "a", "sup", "sub", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td",
})


# Removed together with their content.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})


ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


_SAFE_URL = re.compile(r"^https?://[^\s\x00-\x1f]+$", re.IGNORECASE)


# One stylesheet, inlined into style attributes. System fonts only; the body is fluid up to a
# reading width, and long URLs or labels wrap instead of widening the page on a phone.
STYLESHEET = """
body { margin: 0; padding: 0; background-color: #ffffff; color: #1a1a1a; }
.briefing { max-width: 640px; margin: 0 auto; padding: 16px;
  font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
  font-size: 16px; line-height: 1.5; overflow-wrap: break-word; word-wrap: break-word; }
h1 { font-size: 22px; line-height: 1.3; margin: 0 0 8px 0; color: #111111; }
h2 { font-size: 18px; line-height: 1.3; margin: 24px 0 8px 0; padding-bottom: 4px;
  border-bottom: 1px solid #dddddd; color: #111111; }
h3, h4, h5, h6 { font-size: 16px; margin: 16px 0 8px 0; }
p { margin: 0 0 12px 0; }
ul, ol { margin: 0 0 12px 0; padding-left: 24px; }
li { margin: 0 0 8px 0; }
em { color: #555555; }
code { font-family: Menlo, Consolas, monospace; font-size: 13px; background-color: #f3f3f3;
  padding: 0 2px; word-break: break-all; }
pre { white-space: pre-wrap; word-break: break-all; background-color: #f3f3f3; padding: 8px; }
a { color: #0b57d0; text-decoration: underline; word-break: break-all; }
blockquote { margin: 0 0 12px 0; padding-left: 12px; border-left: 3px solid #dddddd;
  color: #444444; }
table { border-collapse: collapse; margin: 0 0 12px 0; }
th, td { border: 1px solid #dddddd; padding: 4px 8px; }
"""


def _keep_http_urls(tag: str, attr: str, value: str) -> str | None:
    """nh3 attribute filter: a link target must be an absolute http(s) URL, nothing else."""
    if attr == "href":
        return value if _SAFE_URL.match(value.strip()) else None
    return value


def _markdown_to_html(text: str) -> str:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML in a briefing is shown as text, never interpreted; images are never loaded.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in ("image_link", "image_reference", "short_image_ref"):
        md.inlinePatterns.deregister(name)
    return md.convert(text)


def sanitize(fragment: str) -> str:
    """The allow-list: structure and http(s) links only; no scripts, styles, handlers, media."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_http_urls,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def briefing_html(markdown_text: str, title: str = "Briefing", lang: str = "en") -> str:
    """A complete, self-contained HTML document for the email's text/html part."""
    body = sanitize(link_urls(_markdown_to_html(markdown_text)))  # source URLs as links, then the allow-list
    document = (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLESHEET}</style>\n</head>\n"
        f'<body>\n<div class="briefing">\n{body}\n</div>\n</body>\n</html>\n'
    )
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)
    return inliner.inline(document)
