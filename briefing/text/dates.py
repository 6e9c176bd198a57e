"""Dates of metadata (a page's, a record's or a front matter's date) as YYYY-MM-DD."""

from __future__ import annotations

import logging
import re

from briefing.text.lexicon import MONTHS

# Month names and abbreviations, longest first (so "sept" wins over "sep").
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"


DATE_PATTERNS = (
    re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
)


def parse_date(text: str) -> str:
    """The first date written in `text` as YYYY-MM-DD (ISO, `Sept. 5, 2025`, `5 September
    2025`), else ''."""
    for pattern in DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["mon"]) if groups.get("mon") else MONTHS[groups["month"].lower().rstrip(".")]
        day, year = int(groups["day"]), int(groups["year"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


log = logging.getLogger(__name__)


def iso_date(value: object) -> str:
    """YYYY-MM-DD from a date-ish value (ISO strings, timestamps, `2025-09-05T10:00Z`), else ''."""
    if value is None:
        return ""
    text = str(value).strip()
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.match(r"(\d{4})(\d{2})(\d{2})\b", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return parse_date(text)
