"""Clean: strip what is not reporting (navigation, footers, captions, hashes, bylines, subheads)
and read the metadata the text itself gives (outlet, date, title, byline, dateline).

Rules are about the *shape* of noise, not strings from particular sites.
"""

from __future__ import annotations

import re
from dataclasses import replace

from briefing.models import Article

# "KYIV, Ukraine (AP) —", "LONDON (Reuters) -", "WASHINGTON _", "PARIS, Sept. 4 (AFP) --"
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][\w.' ]{1,30}){0,2})"
    r"(?:\s*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\((?P<outlet>[A-Za-z][\w&.' -]{0,40})\))?\s*(?:—|–|--|-|_)\s+"
)
LEADING_DATE = re.compile(r"^\s*date\s*:?\s*(\d{4}-\d{2}-\d{2})\s*", re.IGNORECASE)
LABEL = re.compile(r"^\s*(?P<outlet>[A-Z][\w&.' -]{1,40}?)\s*:\s*$")
HEX_HASH = re.compile(r"^\s*[0-9a-f]{24,}\s*$", re.IGNORECASE)
SEPARATOR = re.compile(r"^\s*([_\-=*~#•·]\s*){3,}$")
NAV = re.compile(
    r"^\s*(skip to (main )?content|skip navigation|menu|home|search|sign in|log ?in|"
    r"join our newsletter|share( this)?( article)?|advertisement|read more|related( articles)?|"
    r"most read|cookie(s)? (policy|settings)|accept( all)? cookies|toggle navigation)\b.{0,30}$",
    re.IGNORECASE,
)
FOOTER = re.compile(
    r"\b(subscribe|newsletter|e-paper|epaper|sign up|register today|delivered to your inbox|"
    r"follow us on|download (our|the) app|all rights reserved|copyright ©|©\s*\d{4})\b",
    re.IGNORECASE,
)
SITE_NAME = re.compile(r"\bfrom ([A-Z][\w-]*(?:\.[a-z]{2,})+)\b")
CAPTION_CREDIT = re.compile(
    r"\((?:[^()]*\b(?:photo|pool|via|getty|afp|reuters|ap|epa|credit|image)\b[^()]*)\)\s*$",
    re.IGNORECASE,
)
CAPTION_LEAD = re.compile(r"^\s*(photo|image|picture|pictured|caption|file photo)\s*[:(]", re.IGNORECASE)
CONTRIBUTED = re.compile(
    r"\b(contributed to this report|reported from [A-Z]|reporting by|additional reporting|"
    r"editing by|writing by)\b",
    re.IGNORECASE,
)
# "Jane Doe And John Roe, The Associated Press" / "By Jane Doe, Reuters" / "By Jane Doe"
BYLINE = re.compile(
    r"^\s*(?:by\s+)?(?P<names>(?:[A-Z][\w'.-]+\s+){1,3}[A-Z][\w'.-]+"
    r"(?:\s*(?:,(?!\s*The\b)|and|And|&)\s*(?:[A-Z][\w'.-]+\s+){1,3}[A-Z][\w'.-]+)*)"
    r"(?:\s*,\s*(?P<outlet>(?:The\s+)?[A-Z][\w&.' -]{1,40}))?\s*$"
)
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*\s*$|[:;]\s*$")

WIRE_NAMES = {
    "AP": "The Associated Press",
    "AFP": "Agence France-Presse",
    "UPI": "United Press International",
}


def _is_heading_like(line: str) -> bool:
    """A short line without sentence punctuation: a headline or subhead, not reporting."""
    words = line.split()
    return 0 < len(words) <= 16 and not TERMINAL.search(line) and not line.startswith(("“", '"'))


def _norm(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def clean_article(article: Article) -> Article:
    """Return the article with noise removed and metadata filled from the text."""
    text = article.text
    meta: dict[str, str] = {}
    m = LEADING_DATE.match(text)
    if m:
        meta["date"] = m.group(1)
        text = text[m.end() :]
    lines = [ln.strip() for ln in text.split("\n")]

    kept: list[str] = []  # paragraph lines, "" marks a paragraph break
    subheads: list[str] = []
    seen_paragraphs: set[str] = set()
    body_started = False
    for i, line in enumerate(lines):
        if not line:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        if NAV.match(line) or HEX_HASH.match(line) or SEPARATOR.match(line):
            continue
        label = LABEL.match(line)
        if label and len(line) < 45:
            meta.setdefault("outlet", label.group("outlet").strip())
            continue
        if FOOTER.search(line) and (len(line.split()) < 40):
            site = SITE_NAME.search(line)
            if site:
                meta.setdefault("footer_outlet", site.group(1))
            continue
        if CAPTION_LEAD.match(line) or (CAPTION_CREDIT.search(line) and len(line.split()) > 3):
            continue
        if CONTRIBUTED.search(line) and len(line.split()) < 40:
            continue
        by = BYLINE.match(line)
        if by and i >= len(lines) - 3 and (by.group("outlet") or line.lower().startswith("by ")):
            meta.setdefault("byline", by.group("names"))
            if by.group("outlet"):
                meta.setdefault("credit_outlet", by.group("outlet").strip())
            continue
        if by and not body_started and line.lower().startswith("by "):
            meta.setdefault("byline", by.group("names"))
            continue
        if _is_heading_like(line):
            nxt = next((ln for ln in lines[i + 1 :] if ln), "")
            if not body_started:
                meta.setdefault("title", line)
                continue
            if nxt and not _is_heading_like(nxt):
                subheads.append(line)
                if kept and kept[-1] != "":
                    kept.append("")
                continue
        d = DATELINE.match(line)
        if d and len(line) > d.end() + 20:
            if d.group("outlet"):
                meta.setdefault("wire", d.group("outlet"))
            meta.setdefault("dateline", line[: d.end()].strip(" —–-_"))
            line = line[d.end() :]
        key = _norm(line)
        if len(key) > 60 and key in seen_paragraphs:
            continue  # a lead paragraph the page repeats
        seen_paragraphs.add(key)
        body_started = True
        kept.append(line)

    body = "\n".join(kept).strip()
    body = re.sub(r"\n{2,}", "\n\n", body)
    outlet = (
        article.outlet
        or meta.get("outlet")
        or (WIRE_NAMES.get(meta.get("wire", ""), meta.get("wire", "")))
        or meta.get("credit_outlet")
        or meta.get("footer_outlet")
        or ""
    )
    return replace(
        article,
        text=body,
        title=article.title or meta.get("title", ""),
        outlet=outlet,
        date=article.date or meta.get("date", ""),
        byline=article.byline or meta.get("byline", ""),
        dateline=article.dateline or meta.get("dateline", ""),
        subheads=article.subheads + tuple(subheads),
    )


def fallback_outlet(article: Article) -> Article:
    """Articles that name no outlet are credited to their file name (without extension)."""
    if article.outlet:
        return article
    stem = article.label.rsplit("#", 1)[0]
    stem = stem.rsplit(".", 1)[0] if "." in stem and "://" not in stem else stem
    return replace(article, outlet=stem)
