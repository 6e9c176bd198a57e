"""Render: a `Briefing` as markdown. Article text is data: markup characters are escaped."""

from __future__ import annotations

import re

from briefing.models import Briefing, Item

# Characters markdown (or raw HTML inside markdown) would interpret.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|!~])")


def escape_md(text: str) -> str:
    """Make article text inert in markdown: no links, images, headings, HTML or code."""
    text = text.replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # a leading "1." or "-" or "+" would start a list; a leading "=" could underline a heading
    return re.sub(r"^(\s*)(\d+)\.(\s)", r"\1\2\\.\3", re.sub(r"^(\s*)([-+=])", r"\1\\\2", text))


def _cites(item: Item) -> str:
    return "".join(f"[{n}]" for n in item.citations)


def _marker(item: Item) -> str:
    if item.origins <= 1:
        return " *(1 outlet only)*"
    return f" *({item.origins} outlets)*"


def render_markdown(briefing: Briefing) -> str:
    out: list[str] = [f"# {escape_md(briefing.title)}", ""]
    outlets = sorted({s.outlet for s in briefing.sources if s.outlet})
    n = len(briefing.sources)
    parts = [briefing.date] if briefing.date else []
    parts.append(f"{n} article{'s' if n != 1 else ''}")
    parts.append(f"{briefing.origins} independent origin{'s' if briefing.origins != 1 else ''}")
    if outlets:
        parts.append(", ".join(escape_md(o) for o in outlets))
    out += [f"*{' · '.join(parts)}*", ""]
    for section in briefing.sections:
        if not section.items:
            continue
        out += [f"## {escape_md(section.title)}", ""]
        for item in section.items:
            out.append(f"- {escape_md(item.text)} {_cites(item)}{_marker(item)}")
        out.append("")
    out += ["## Sources", ""]
    for src in briefing.sources:
        bits = [escape_md(src.outlet or "unknown outlet")]
        if src.title:
            bits.append(f"“{escape_md(src.title)}”")
        if src.date:
            bits.append(src.date)
        bits.append(f"`{src.label.replace('`', '')}`")
        line = f"{src.number}. " + ", ".join(bits)
        if src.copy_of is not None:
            line += f" (reprint of [{src.copy_of}])"
        out.append(line)
    out.append("")
    return "\n".join(out)
