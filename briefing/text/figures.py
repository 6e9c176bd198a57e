"""Figures and days in sentences: each number with its unit (`€1.1bn`, `Twenty-six allies`), durations,
names and days, as the disputes and repeats stages compare them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.text.lexicon import (
    CURRENCY_NAMES,
    CURRENCY_SIGNS,
    ENGLISH_STOP_WORDS,
    MONTHS,
    REMAINDER_WORDS,
    SCALES,
    SMALL_NUMBERS,
    TENS,
    TIME_UNITS,
    UNIT_STOP_WORDS,
    WEEKDAYS,
)

_QUALIFIERS = re.compile(
    r"\b(?:more than|less than|fewer than|over|under|about|around|roughly|nearly|almost|"
    r"some|at least|at most|up to|approximately|an estimated|estimated|close to|as many as|"
    r"as few as|just over|just under|upwards of|tens of|hundreds of|thousands of|dozens of)\s*$",
    re.IGNORECASE,
)


_WORD_NUM = "|".join(sorted([*SMALL_NUMBERS, *TENS], key=len, reverse=True))


# The lookahead (a space, digit, currency sign or a number word's first letter) rejects every
# other position at once: the same matches, about twice as fast.
_NUMBER_START = "".join(sorted({w[0] for w in _WORD_NUM.split("|")}))


_NUMBER = re.compile(
    rf"(?=[\s\d€£$¥u{_NUMBER_START}])"
    r"(?P<cur>US\$|[€£$¥])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    rf"(?:{_WORD_NUM})(?:[-\s](?:{_WORD_NUM}))?)"
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|tn|m|k)\b)?"
    r"(?P<pct>\s?(?:%|per ?cent\b|percent\b))?",
    re.IGNORECASE,
)


# Every number word starts with one of these (a start found in excess only costs a try).
_NUMBER_WORD_STARTS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                       "ten", "eleven", "twe", "thir", "fift", "fort")


# Characters that re.IGNORECASE matches with an ASCII letter although str.lower() does not
# map them to it (or changes the text's length): a text holding one is scanned the slow way.
_CASE_ODD = re.compile("[\u0130\u0131\u017f\u212a]")


_DIGIT = re.compile(r"\d")


def _starts(text: str, words: Sequence[str]) -> list[int]:
    """Where a digit or one of `words` (lower case, found in any case) starts, in order."""
    low = text.lower()
    starts = {m.start() for m in _DIGIT.finditer(text)}
    for w in words:
        i = low.find(w)
        while i >= 0:
            starts.add(i)
            i = low.find(w, i + 1)
    return sorted(starts)


def _scan(pattern: re.Pattern[str], text: str, words: Sequence[str], back: int) -> Iterator[re.Match[str]]:
    """The matches of `pattern.finditer(text)` for a pattern whose matches begin at most `back`
    characters before a digit or one of `words`: the regex is only tried there (found with
    str.find), which is much faster than letting it try every position."""
    if _CASE_ODD.search(text):
        yield from pattern.finditer(text)
        return
    pos = 0
    for p in _starts(text, words):
        if p < pos:
            continue
        for s in range(max(pos, p - back), p + 1):
            m = pattern.match(text, s)
            if m is not None:
                yield m
                pos = m.end()
                break
        else:
            pos = p + 1


def _numbers(text: str) -> Iterator[re.Match[str]]:
    """`_NUMBER.finditer(text)`, faster: a match's number starts at most 4 characters after the
    match (a currency "US$" and a space), with a digit or a number word."""
    return _scan(_NUMBER, text, _NUMBER_WORD_STARTS, 4)


_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


_MONTH_START = "".join(sorted({m[0] for m in MONTHS}))


DATE = re.compile(  # the lookahead as for _NUMBER: a day's digit or a month's first letter
    rf"\b(?=[\d{_MONTH_START}])(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_RE})\.?|"
    rf"(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)


_MONTH_PREFIXES = tuple(sorted({m[:3] for m in MONTHS}))


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """`DATE.finditer(text)`, faster: a match starts at a digit or at a month's name."""
    return _scan(DATE, text, _MONTH_PREFIXES, 0)


WEEKDAY = re.compile(
    r"\b(?=[" + "".join(sorted({d[0] for d in WEEKDAYS})) + r"])(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Claim:
    value: float
    unit: frozenset[str]  # currency code, "%", "year", or the noun words after the number
    written: str  # as written in the sentence
    start: int
    end: int
    approximate: bool
    aside: bool = False  # in brackets (a conversion such as "(£954m)") or counting a remainder
    label: str = ""  # what is counted, as written ("strike and decoy drones")


def _word_number(text: str) -> float | None:
    parts = re.split(r"[-\s]+", text.casefold())
    total = 0
    for p in parts:
        if p in SMALL_NUMBERS:
            total += SMALL_NUMBERS[p]
        elif p in TENS:
            total += TENS[p]
        else:
            return None
    return float(total)


def singular(word: str) -> str:
    """A noun's singular, roughly ("allies" -> "ally", "drones" -> "drone"), folded."""
    w = word.casefold().strip("’'")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def claims(text: str) -> tuple[Claim, ...]:
    """The figures a sentence gives, each with its unit."""
    return claims_and_days(text)[0]


@lru_cache(maxsize=1 << 16)  # support reads a pool's facts' figures, then its index does
def claims_and_days(text: str) -> tuple[tuple[Claim, ...], frozenset[str]]:
    """`claims(text)` and `days(text)`, the sentence's dates found once for both."""
    dates = list(_date_matches(text))
    return _claims(text, [m.span() for m in dates]), _days(text, dates)


def _claims(text: str, date_spans: list[tuple[int, int]]) -> tuple[Claim, ...]:
    found = (_claim(text, m, date_spans) for m in _numbers(text))
    return tuple(c for c in found if c is not None)


def _claim(text: str, m: re.Match[str], date_spans: list[tuple[int, int]]) -> Claim | None:
    """The figure of a number match, or None when the number is a date, a name or a time, or
    counts nothing."""
    value = _value(text, m, date_spans)
    if value is None:
        return None
    unit, label, end = _unit(text, m, value)
    if not unit or unit & TIME_UNITS:
        return None  # durations and times of day ("three days earlier") date other events
    start = m.start("cur") if m.group("cur") else m.start("num")
    rest = text[m.end() :]
    bracketed = text[:start].count("(") > text[:start].count(")")
    before_word = (text[:start].split()[-1:] or [""])[0].casefold()
    # "17 of the states": a part of a whole ("40 percent of the flow" is a share, kept)
    partitive = not m.group("pct") and bool(re.match(r"\s*of\b", rest))
    aside = (
        bracketed
        or partitive
        or bool(unit & REMAINDER_WORDS)
        or before_word in REMAINDER_WORDS
        or before_word in {"from", "to", "between"}  # a change or a range
        or bool(re.match(r"\s*(?:to|-|–)\s*\d", rest))
    )
    return Claim(
        value,
        frozenset(u for u in unit if u not in REMAINDER_WORDS),
        text[start:end].strip(),
        start,
        end,
        bool(_QUALIFIERS.search(text[max(0, m.start() - 40) : m.start()])),
        aside,
        " ".join(w for w in label if w.casefold() not in REMAINDER_WORDS),
    )


def _value(text: str, m: re.Match[str], date_spans: list[tuple[int, int]]) -> float | None:
    """The scaled value of a number match; None when the number is not a figure."""
    raw = m.group("num")
    if any(a <= m.start("num") < b for a, b in date_spans):
        return None  # the day of a date is a date, compared as such
    if raw[0].isdigit():
        value = float(raw.replace(",", ""))
    else:
        if m.start("num") and text[m.start("num") - 1].isalpha():
            return None
        value = _word_number(raw)
        if value is None:
            return None
    # a number glued to letters ("G7", "COVID-19", "F-16") is a name, not a figure
    first = m.start("cur") if m.group("cur") else m.start("num")
    before = text[first - 1] if first else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if before.isalnum() or before == "-" or after.isalnum() and not m.group("scale"):
        return None
    if text[max(0, first - 2) : first].strip().endswith(":") or text[m.end() : m.end() + 2].startswith(":"):
        return None  # a clock time ("20:36:08", "9: 38 p.m.")
    scale = (m.group("scale") or "").casefold()
    if scale == "m" and not m.group("cur"):
        return None  # "10m" without a currency is usually metres
    return value * SCALES.get(scale, 1.0)


def _unit(text: str, m: re.Match[str], value: float) -> tuple[set[str], list[str], int]:
    """What a figure counts: (its unit, the counted thing as written, where the figure ends)."""
    if m.group("cur"):
        return {CURRENCY_SIGNS[m.group("cur").casefold()]}, [], m.end()
    if m.group("pct"):
        return {"%"}, [], m.end()
    rest = text[m.end() :]
    words = re.findall(r"[A-Za-z’'-]+|[^\sA-Za-z]", rest[:80])
    k = 0
    if words[:1] and words[0].casefold() == "of":
        k = 1  # "26 of Ukraine's allies", "26 of the countries"
        while k < len(words) and (
            words[k].casefold() in {"the", "its", "their", "his", "her", "our"} or words[k].endswith(("’s", "'s"))
        ):
            k += 1
    unit: set[str] = set()
    label: list[str] = []
    while k < len(words) and len(label) < 4:
        w = words[k]
        if not w[:1].isalpha() or w[:1].isupper() and label:
            break
        if w.casefold() in CURRENCY_NAMES:
            return {CURRENCY_NAMES[w.casefold()]}, label, m.end() + rest.index(w) + len(w)
        if w.casefold() in UNIT_STOP_WORDS:
            if w.casefold() == "and" and label:
                k += 1
                continue
            break
        unit.add(singular(w))
        label.append(w)
        k += 1
    raw = m.group("num")
    if not unit and 1900 <= value <= 2100 and raw.isdigit() and len(raw) == 4:
        unit.add("calendar year")
    return unit, label, m.end()


_DURATION = re.compile(
    r"\b(\d+(?:\.\d+)?|" + _WORD_NUM + r")[\s-]+(second|minute|hour|day|week|month|year)s?\b",
    re.IGNORECASE,
)


def durations(text: str) -> set[tuple[float, str]]:
    """Spans of time a sentence gives ("in 14 seconds", "three days"): they tell which
    stretch of an event a figure belongs to."""
    out = set()
    for m in _DURATION.finditer(text):
        raw = m.group(1)
        value = float(raw) if raw[0].isdigit() else _word_number(raw)
        if value is not None:
            out.add((value, m.group(2).casefold()))
    return out


def names(text: str) -> set[str]:
    """Capitalised words of a sentence that are not common words: who and where it is about."""
    out = set()
    for m in re.finditer(r"(?:^|(?<=[\w,;:()“”\"] ))([A-Z][a-z’'\-]+)", text):
        w = m.group(1).casefold().rstrip("’'")
        if w not in MONTHS and w not in WEEKDAYS and w not in ENGLISH_STOP_WORDS:
            out.add(w.removesuffix("’s").removesuffix("'s"))
    return out


def days(text: str) -> frozenset[str]:
    """Weekdays and calendar days a sentence names ("thursday", "09-04")."""
    return _days(text, _date_matches(text))


def _days(text: str, dates: Iterable[re.Match[str]]) -> frozenset[str]:
    out = {m.group(1).casefold() for m in WEEKDAY.finditer(text)}
    for m in dates:
        month = MONTHS[(m.group("m1") or m.group("m2")).casefold()]
        day = int(m.group("d1") or m.group("d2"))
        out.add(f"{month:02d}-{day:02d}")
    return frozenset(out)


def without_figures(text: str) -> str:
    """The sentence with its figures, dates and weekdays blanked out (each becomes a space)."""
    parts, last = [], 0
    for m in _numbers(text):  # as _NUMBER.sub(" ", text): its matches are never empty
        parts += [text[last : m.start()], " "]
        last = m.end()
    text = "".join(parts) + text[last:]
    parts, last = [], 0
    for m in _date_matches(text):  # as DATE.sub(" ", text)
        parts += [text[last : m.start()], " "]
        last = m.end()
    return WEEKDAY.sub(" ", "".join(parts) + text[last:])
