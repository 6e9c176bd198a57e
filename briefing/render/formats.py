"""The output formats and the one entry point that renders a briefing in any of them."""

from __future__ import annotations

from briefing.models import Briefing
from briefing.render.html import render_html
from briefing.render.json import render_json
from briefing.render.markdown import render_markdown

FORMATS = {"markdown": "md", "json": "json", "html": "html"}


def render(briefing: Briefing, fmt: str = "markdown") -> str:
    """The briefing in one of FORMATS."""
    if fmt == "json":
        return render_json(briefing)
    if fmt == "html":
        return render_html(briefing)
    return render_markdown(briefing)
