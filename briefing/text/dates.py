"""Dates as YYYY-MM-DD: of metadata (a page's, a record's or a front matter's date: dateutil),
and the first date written in a line of text (`parse_date`, for date stamps in page text)."""

from __future__ import annotations

import datetime as dt
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


# Two defaults that differ in every field: a field dateutil did not find shows as a difference.
_DEFAULTS = (dt.datetime(1904, 1, 1), dt.datetime(1908, 2, 2))


_AMBIGUOUS = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}\b")  # 05/09/2025: May or September?


def iso_date(value: object) -> str:
    """YYYY-MM-DD of a metadata date (ISO 8601 and its forms, RFC 2822, `Sept. 5, 2025`, a
    timestamp), else '' -- also when the value lacks its day or month, or leaves open which
    number is the day (`05/09/2025`). dateutil reads the value; nothing is guessed."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return _from_timestamp(float(value))
    text = " ".join(str(value).split())
    if not text or len(text) > 100:
        return ""
    if re.fullmatch(r"\d{10}(?:\d{3})?(?:\.\d+)?", text):  # seconds (or milliseconds) since 1970
        return _from_timestamp(float(text) / (1000 if len(text.split(".")[0]) == 13 else 1))
    m = _AMBIGUOUS.match(text)
    if m and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and m.group(1) != m.group(2):
        return ""
    from dateutil import parser

    try:
        first, second = (parser.parse(text, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return parse_date(text)  # prose around a date: `Published 14:05 BST, 12 March 2030`
    if first.date() != second.date():
        return ""  # a year or a month alone
    return first.date().isoformat()


def _from_timestamp(seconds: float) -> str:
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()
    except (ValueError, OverflowError, OSError):
        return ""

