"""Disagree: find where outlets give different figures, dates or speakers for the same thing.

Two facts disagree on a figure when they say nearly the same thing about the same kind of
thing (same unit: "drones", euros, people) and the values they give for it share nothing.
A value is compared after normalisation, so "€1.1bn", "€1.1 billion" and "1.1 billion euros"
are one value, and "Twenty-six" is 26. Approximate figures ("more than 100") never disagree,
and two sentences tied to different days are about different events, not one disputed one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.models import Disagreement, Fact, Pool, Version
from briefing.pairs import candidate_pairs, exact_cosines, in_stored_order
from briefing.quotes import QuoteGroup, best_display, same_speaker
from briefing.textvec import ENGLISH_STOP_WORDS, TfidfVectorizer, normalize

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALE = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}
_CURRENCY_SIGN = {"€": "EUR", "£": "GBP", "$": "USD", "us$": "USD", "¥": "JPY"}
_CURRENCY_WORD = {
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "dollar": "USD", "dollars": "USD", "yen": "JPY", "rouble": "RUB", "roubles": "RUB",
    "ruble": "RUB", "rubles": "RUB", "hryvnia": "UAH", "yuan": "CNY",
}
_QUALIFIERS = re.compile(
    r"\b(?:more than|less than|fewer than|over|under|about|around|roughly|nearly|almost|"
    r"some|at least|at most|up to|approximately|an estimated|estimated|close to|as many as|"
    r"as few as|just over|just under|upwards of|tens of|hundreds of|thousands of|dozens of)\s*$",
    re.IGNORECASE,
)
_WORD_NUM = "|".join(sorted([*_SMALL, *_TENS], key=len, reverse=True))
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
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
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
    return _scan(_NUMBER, text, _NUMBER_WORDS, 4)


_UNIT_STOP = frozenset(
    """of in on at across from to for with by into over after before during than the a an and
    or as that which who were was are is had has have been be per each this its their his her
    more most less said says would will could can may might also while against about among
    between through since until within without near toward towards""".split()
)
_TIME_UNITS = frozenset(
    """second minute hour day week weekend month year decade century time night morning
    evening a.m p.m am pm o'clock local""".split()
)
# A figure of "other", "more" or "new" things counts a part, not the whole: never compared.
_REMAINDER = frozenset("other another additional further remaining extra new".split())
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_START = "".join(sorted({m[0] for m in MONTHS}))
_DATE = re.compile(  # the lookahead as for _NUMBER: a day's digit or a month's first letter
    rf"\b(?=[\d{_MONTH_START}])(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_RE})\.?|"
    rf"(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)
_MONTH_PREFIXES = tuple(sorted({m[:3] for m in MONTHS}))


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """`_DATE.finditer(text)`, faster: a match starts at a digit or at a month's name."""
    return _scan(_DATE, text, _MONTH_PREFIXES, 0)


_WEEKDAY = re.compile(
    r"\b(?=[" + "".join(sorted({d[0] for d in WEEKDAYS})) + r"])(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE
)

SIMILAR = 0.45  # facts this alike (numbers aside) may be about the same thing
SIMILAR_RELATED = 0.3  # ... or this alike when the pool already linked them as near-misses
SIMILAR_DATE = 0.75
SIMILAR_WINDOW = 0.6  # or when the words around the two figures are this alike
SIMILAR_FLOOR = 0.25  # ... provided the sentences are at least this alike
WINDOW = 8


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
        if p in _SMALL:
            total += _SMALL[p]
        elif p in _TENS:
            total += _TENS[p]
        else:
            return None
    return float(total)


def _singular(word: str) -> str:
    w = word.casefold().strip("’'")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


@lru_cache(maxsize=65536)
def claims(text: str) -> tuple[Claim, ...]:
    """The figures a sentence gives, each with its unit."""
    return tuple(_claims(text))


def _claims(text: str) -> list[Claim]:
    out: list[Claim] = []
    date_spans = [m.span() for m in _date_matches(text)]
    for m in _numbers(text):
        raw = m.group("num")
        if any(a <= m.start("num") < b for a, b in date_spans):
            continue  # the day of a date is a date, compared as such
        if raw[0].isdigit():
            value = float(raw.replace(",", ""))
        else:
            if m.start("num") and text[m.start("num") - 1].isalpha():
                continue
            value = _word_number(raw)
            if value is None:
                continue
        # a number glued to letters ("G7", "COVID-19", "F-16") is a name, not a figure
        first = m.start("cur") if m.group("cur") else m.start("num")
        before = text[first - 1] if first else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before.isalnum() or before == "-" or after.isalnum() and not m.group("scale"):
            continue
        if text[max(0, first - 2) : first].strip().endswith(":") or text[m.end() : m.end() + 2].startswith(":"):
            continue  # a clock time ("20:36:08", "9: 38 p.m.")
        scale = (m.group("scale") or "").casefold()
        if scale == "m" and not m.group("cur"):
            continue  # "10m" without a currency is usually metres
        value *= _SCALE.get(scale, 1.0)
        rest = text[m.end() :]
        end = m.end()
        unit: set[str] = set()
        label: list[str] = []  # the counted thing as written, for the reader
        if m.group("cur"):
            unit.add(_CURRENCY_SIGN[m.group("cur").casefold()])
        elif m.group("pct"):
            unit.add("%")
        else:
            words = re.findall(r"[A-Za-z’'-]+|[^\sA-Za-z]", rest[:80])
            k = 0
            if words[:1] and words[0].casefold() == "of":
                k = 1  # "26 of Ukraine's allies", "26 of the countries"
                while k < len(words) and (
                    words[k].casefold() in {"the", "its", "their", "his", "her", "our"}
                    or words[k].endswith(("’s", "'s"))
                ):
                    k += 1
            taken = 0
            while k < len(words) and taken < 4:
                w = words[k]
                if not w[:1].isalpha() or w[:1].isupper() and taken:
                    break
                if w.casefold() in _CURRENCY_WORD:
                    unit = {_CURRENCY_WORD[w.casefold()]}
                    end = m.end() + rest.index(w) + len(w)
                    break
                if w.casefold() in _UNIT_STOP:
                    if w.casefold() == "and" and taken:
                        k += 1
                        continue
                    break
                unit.add(_singular(w))
                label.append(w)
                taken += 1
                k += 1
            if not unit and 1900 <= value <= 2100 and raw.isdigit() and len(raw) == 4:
                unit.add("calendar year")
        if not unit:
            continue
        if unit & _TIME_UNITS:
            continue  # durations and times of day ("three days earlier") date other events
        approximate = bool(_QUALIFIERS.search(text[max(0, m.start() - 40) : m.start()]))
        start = first
        bracketed = text[:start].count("(") > text[:start].count(")")
        before_word = (text[:start].split()[-1:] or [""])[0].casefold()
        # "17 of the states": a part of a whole ("40 percent of the flow" is a share, kept)
        partitive = not m.group("pct") and bool(re.match(r"\s*of\b", rest))
        aside = (
            bracketed
            or partitive
            or bool(unit & _REMAINDER)
            or before_word in _REMAINDER
            or before_word in {"from", "to", "between"}  # a change or a range
            or bool(re.match(r"\s*(?:to|-|–)\s*\d", rest))
        )
        unit = {u for u in unit if u not in _REMAINDER}
        out.append(
            Claim(
                value,
                frozenset(unit),
                text[start:end].strip(),
                start,
                end,
                approximate,
                aside,
                " ".join(w for w in label if w.casefold() not in _REMAINDER),
            )
        )
    return out


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


def _lead_in(text: str, claim: Claim, words: int = 4) -> set[str]:
    """Content words just before a figure, within its clause ("Russia fired", "left")."""
    clause = re.split(r"[,;:—–()]", text[: claim.start])[-1]
    toks = re.findall(r"[a-z][a-z’'\-]+", clause.casefold())[-words:]
    return {_singular(t) for t in toks if t not in ENGLISH_STOP_WORDS}


@lru_cache(maxsize=65536)
def days(text: str) -> frozenset[str]:
    """Weekdays and calendar days a sentence names ("thursday", "09-04")."""
    out = {m.group(1).casefold() for m in _WEEKDAY.finditer(text)}
    for m in _date_matches(text):
        month = MONTHS[(m.group("m1") or m.group("m2")).casefold()]
        day = int(m.group("d1") or m.group("d2"))
        out.add(f"{month:02d}-{day:02d}")
    return frozenset(out)


def _without_figures(text: str) -> str:
    parts, last = [], 0
    for m in _numbers(text):  # as _NUMBER.sub(" ", text): its matches are never empty
        parts += [text[last : m.start()], " "]
        last = m.end()
    text = "".join(parts) + text[last:]
    parts, last = [], 0
    for m in _date_matches(text):  # as _DATE.sub(" ", text)
        parts += [text[last : m.start()], " "]
        last = m.end()
    return _WEEKDAY.sub(" ", "".join(parts) + text[last:])


def _snippet(text: str, start: int, end: int, words: int = 6) -> str:
    """A few words either side of a span, marked with ellipses where cut."""
    left = text[:start].split()
    right = text[end:].split()
    lead = " ".join(left[-words:])
    tail = " ".join(right[:words])
    core = text[start:end].strip()
    out = " ".join(p for p in (lead, core, tail) if p)
    if len(left) > words:
        out = "…" + out
    if len(right) > words:
        out += "…"
    return out


class _Likeness:
    """tf-idf cosine of texts with their figures and days taken out."""

    def __init__(self, texts: Sequence[str]):
        self.vec: TfidfVectorizer | None = TfidfVectorizer(sublinear_tf=True, stop_words="english")
        self._cache: dict[str, object] = {}  # text -> vector: a window recurs in many pairs
        try:
            self.X = normalize(self.vec.fit_transform([_without_figures(t) for t in texts]))
        except ValueError:
            self.vec = None
            self.X = None

    def pairs(self, floor: float, rows: int = 1024) -> dict[tuple[int, int], float]:
        """(i, j) -> cosine for i < j and cosine >= floor, as a sparse product gives them, but
        scoring only the pairs a bound lets through (never all pairs sharing a word)."""
        out: dict[tuple[int, int], float] = {}
        if self.X is None:
            return out
        X = self.X.tocsr()
        Xs = in_stored_order(X)
        if Xs is not None:
            i, j = candidate_pairs(X, floor)
            sims = exact_cosines(Xs, i, j)
            keep = sims >= floor
            pairs = zip(i[keep].tolist(), j[keep].tolist(), strict=True)
            return dict(zip(pairs, sims[keep].tolist(), strict=True))
        for start in range(0, X.shape[0], rows):
            block = (X[start : start + rows] @ X.T).tocoo()
            keep = (block.row + start < block.col) & (block.data >= floor)  # in numpy, not pair by pair
            rows_, cols, vals = block.row[keep] + start, block.col[keep], block.data[keep]
            for i, j, v in zip(rows_.tolist(), cols.tolist(), vals.tolist(), strict=True):
                out[(i, j)] = v
        return out

    def of(self, a: str, b: str) -> float:
        if self.vec is None:
            return 0.0
        self.prime((a, b))
        return float((self._cache[a] @ self._cache[b].T).toarray()[0, 0])

    def prime(self, texts: Iterable[str]) -> None:
        """Vectorise the texts not seen yet in one call (a call costs far more than a row)."""
        if self.vec is None:
            return
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            X = normalize(self.vec.transform([_without_figures(t) for t in todo])).tocsr()
            for k, t in enumerate(todo):
                self._cache[t] = X[k]


def _window(text: str, claim: Claim, words: int = WINDOW) -> str:
    """The words around a figure: what it counts, and who did what with it."""
    left = text[: claim.start].split()[-words:]
    right = text[claim.end :].split()[:words]
    return " ".join([*left, *right])


_Entry = tuple[str, str, Fact, str]  # value key, value as written, fact, words around it


@dataclass
class _Open:
    kind: str
    unit: frozenset[str]
    by_value: dict[str, list[tuple[Fact, str]]]  # value key -> (fact, snippet)
    written: dict[str, str]
    label: str = ""


class _Collector:
    """Gathers pairwise conflicts into disputes: a fact in two conflicting pairs about the
    same unit joins both pairs' versions into one dispute."""

    def __init__(self) -> None:
        self.opened: list[_Open] = []

    def add(
        self, kind: str, unit: frozenset[str], entries: Sequence[_Entry], label: str = ""
    ) -> None:
        ids = {fact.id for _, _, fact, _ in entries}
        for op in self.opened:
            if op.kind == kind and op.unit & unit and any(
                f.id in ids for vs in op.by_value.values() for f, _ in vs
            ):
                break
        else:
            op = _Open(kind, unit, {}, {}, label)
            self.opened.append(op)
        for key, written, fact, snip in entries:
            bucket = op.by_value.setdefault(key, [])
            op.written.setdefault(key, written)
            if all(f.id != fact.id for f, _ in bucket):
                bucket.append((fact, snip))

    def disputes(self, cite: Callable[[Fact], tuple[int, ...]]) -> list[Disagreement]:
        out = []
        for op in self.opened:
            if len(op.by_value) < 2:
                continue
            versions = []
            for key, entries in op.by_value.items():
                cites = tuple(sorted({n for fact, _ in entries for n in cite(fact)}))
                ids = tuple(dict.fromkeys(fact.id for fact, _ in entries))
                versions.append(Version(op.written[key], entries[0][1], cites, ids))
            versions.sort(key=lambda v: (-len(v.citations), v.citations))
            out.append(Disagreement(op.kind, _subject(op), tuple(versions)))
        return out


@lru_cache(maxsize=8192)
def _parsed(text: str) -> tuple[tuple[Claim, ...], frozenset[str]]:
    """A sentence's claims and days, parsed once however many pairs it is compared in."""
    return tuple(claims(text)), frozenset(days(text))


_SAID_ON = re.compile(
    r"\b(?:said|says|reported|reports|told|added|wrote|stated|editions?\s+of)\s+(?:on\s+)?$",
    re.IGNORECASE,
)


def _first_day(text: str, weekday: bool) -> re.Match[str] | None:
    """The first day the sentence gives for what happened (not for when it was said)."""
    for m in (_WEEKDAY if weekday else _DATE).finditer(text):
        if not _SAID_ON.search(text[: m.start()]):
            return m
    return None


def _compare(f: Fact, g: Fact, like: _Likeness, s: float, floor: float, out: _Collector) -> None:
    """Record what two facts from different origins disagree on, if anything."""
    cf, df = _parsed(f.text)
    cg, dg = _parsed(g.text)

    def close(a: Claim, b: Claim) -> bool:
        return like.of(_window(f.text, a), _window(g.text, b)) >= SIMILAR_WINDOW

    alike = s >= floor
    if not alike and (
        s < SIMILAR_FLOOR or not any(_compatible(a.unit, b.unit) and close(a, b) for a in cf for b in cg)
    ):
        return
    nf, ng = names(f.text), names(g.text)
    if nf and ng and not nf & ng:
        return  # about different people or places
    tf, tg = durations(f.text), durations(g.text)
    if tf and tg and not tf & tg:
        return  # different stretches of time: "700 feet in 29 seconds", "1,100 feet in 14"
    # a weekday and a calendar day cannot be compared without a calendar: same kinds only
    wf, wg = {d for d in df if d in WEEKDAYS}, {d for d in dg if d in WEEKDAYS}
    if not (wf and wg):
        wf, wg = df - set(WEEKDAYS), dg - set(WEEKDAYS)
    if wf and wg and not wf & wg:
        # different days: a date dispute only if all else is the same, else two events
        fw = _first_day(f.text, bool(wf & set(WEEKDAYS)))
        gw = _first_day(g.text, bool(wg & set(WEEKDAYS)))
        if s >= SIMILAR_DATE and not _figures_conflict(cf, cg) and fw and gw:
            out.add(
                "date",
                frozenset({"date"}),
                [
                    (",".join(sorted(wf)), fw.group(0), f, _snippet(f.text, *fw.span())),
                    (",".join(sorted(wg)), gw.group(0), g, _snippet(g.text, *gw.span())),
                ],
            )
        return
    for unit, a, b in _figures_conflict(cf, cg, alike, close, (f.text, g.text)):
        out.add(
            "figure",
            unit,
            [
                (_value_key(a), a.written, f, _snippet(f.text, a.start, a.end)),
                (_value_key(b), b.written, g, _snippet(g.text, b.start, b.end)),
            ],
            min((a.label, b.label), key=lambda x: (len(x), x)) or "",
        )


def _dates(pool: Pool, fact: Fact) -> set[dt.date] | None:
    """Publication days of a fact's articles; None when any is unknown."""
    out = set()
    for aid in fact.articles:
        try:
            out.add(dt.date.fromisoformat(pool.article(aid).date[:10]))
        except (ValueError, KeyError):
            return None
    return out


def _same_news_day(a: set[dt.date] | None, b: set[dt.date] | None) -> bool:
    if not a or not b:
        return True
    return any(abs((x - y).days) <= 1 for x in a for y in b)


def find_disagreements(
    pool: Pool,
    cite: Callable[[Fact], tuple[int, ...]],
    quote_groups: Sequence[QuoteGroup] = (),
    quote_cite: Callable[[str], int] | None = None,
) -> list[Disagreement]:
    """Every disputed figure, date and quotation speaker, with each version's citations."""
    families: Mapping[str, str] = pool.families
    cands = [f for f in pool.facts if f.text and any(_parsed(f.text))]
    like = _Likeness([f.text for f in cands])
    related = {frozenset((f.id, r)) for f in pool.facts for r in f.related}
    fams = [{families.get(a, a) for a in f.articles} for f in cands]
    found = _Collector()
    dated = [_dates(pool, f) for f in cands]
    todo: list[tuple[Fact, Fact, float, float]] = []
    for (i, j), sim in sorted(like.pairs(min(SIMILAR_FLOOR, SIMILAR_RELATED)).items()):
        if fams[i] & fams[j]:
            continue  # an origin giving both values is telling of two things, not a dispute
        if not _same_news_day(dated[i], dated[j]):
            continue  # a figure that changed between days is news, not a dispute
        f, g = cands[i], cands[j]
        floor = SIMILAR_RELATED if frozenset((f.id, g.id)) in related else SIMILAR
        todo.append((f, g, sim, floor))
    # the windows around comparable figures, vectorised in one call (a call costs far more than a row)
    windows: list[str] = []
    for f, g, sim, floor in todo:
        if sim < floor and sim >= SIMILAR_FLOOR:
            cf, cg = _parsed(f.text)[0], _parsed(g.text)[0]
            for a in cf:
                for b in cg:
                    if _compatible(a.unit, b.unit):
                        windows += [_window(f.text, a), _window(g.text, b)]
    like.prime(windows)
    for f, g, sim, floor in todo:
        _compare(f, g, like, sim, floor, found)
    out = found.disputes(cite)
    if quote_cite is not None:
        sentence_fact = {m.id: f.id for f in pool.facts for m in f.members}
        for group in quote_groups:
            if not group.conflicting():
                continue
            versions = []
            for sp in group.speakers:
                atts = [a for a in group.attributions if a.direct and same_speaker(a.speaker, sp)]
                if not atts:
                    continue
                cites = tuple(sorted({quote_cite(a.article_id) for a in atts}))
                ids = tuple(
                    dict.fromkeys(
                        sentence_fact[s] for a in atts for s in a.sentence_ids if s in sentence_fact
                    )
                )
                speaker = best_display([a.speaker for a in atts])
                versions.append(Version(speaker, group.text, cites, ids))
            if len(versions) >= 2:
                versions.sort(key=lambda v: (-len(v.citations), v.citations))
                out.append(Disagreement("attribution", "who said it", tuple(versions)))
    return out


def _subject(op: _Open) -> str:
    if op.kind == "date":
        return "date"
    if op.label:
        return op.label
    currency = {"EUR": "euros", "GBP": "pounds", "USD": "dollars", "JPY": "yen", "%": "percent"}
    words = [currency.get(u, u) for u in sorted(op.unit)]
    return " ".join(words)


def _value_key(c: Claim) -> str:
    return f"{c.value:.6g}"


def _compatible(u: frozenset[str], v: frozenset[str]) -> bool:
    """Two figures count the same kind of thing: "gold medals" and "bronze medals" do not,
    nor do "Atlanta-area bombings" and "bombings"."""
    return bool(u) and u == v


def _same_value(x: float, y: float) -> bool:
    """Equal, or one is the other rounded ("9 degrees" and "9.27 degrees", "€1.1bn" and
    "€1.13bn")."""
    if abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1):
        return True
    for a, b in ((x, y), (y, x)):
        for digits in range(0, 4):
            if round(a, digits) == a and a != 0:
                # `a` has `digits` decimals at most: is `b` the same at that precision?
                if round(b, digits) == a:
                    return True
                break
    magnitude = max(abs(x), abs(y))
    if magnitude >= 1e6:  # "€1.1bn" and "€1.13bn": compare in the unit of the smaller scale
        for scale in (1e9, 1e6):
            if magnitude >= scale and _same_value(x / scale, y / scale) and min(x, y) / scale < 1e3:
                return True
    return False


_NEGATION = re.compile(r"\b(?:no|not|never|none|without|n't)\b", re.IGNORECASE)


def _tail(text: str, claim: Claim, words: int = 4) -> set[str]:
    """Content words just after a figure and what it counts, within its clause."""
    clause = re.split(r"[,;:—–()]", text[claim.end :])[0]
    toks = re.findall(r"[a-z][a-z’'\-]+", clause.casefold())
    toks = [t for t in toks if t not in ENGLISH_STOP_WORDS and _singular(t) not in claim.unit]
    return {_singular(t) for t in toks[:words]}


def _figures_conflict(
    a: Sequence[Claim],
    b: Sequence[Claim],
    alike: bool = True,
    close: Callable[[Claim, Claim], bool] | None = None,
    texts: tuple[str, str] | None = None,
) -> list[tuple[frozenset[str], Claim, Claim]]:
    """Figures of one kind of thing, one in each sentence, with different values, said of the
    same action. A sentence giving several figures of that kind (26 of 35 countries) is
    skipped: which is which is not known. Unless the sentences are `alike`, the words around
    the figures must be `close`."""
    out = []
    for ca in a:
        if ca.approximate or ca.aside or "calendar year" in ca.unit:
            continue
        peers_a = [x for x in a if _compatible(x.unit, ca.unit)]
        peers_b = [x for x in b if _compatible(x.unit, ca.unit)]
        if len(peers_a) != 1 or len(peers_b) != 1:
            continue
        cb = peers_b[0]
        if cb.approximate or cb.aside:
            continue
        if not alike and (close is None or not close(ca, cb)):
            continue
        if _same_value(ca.value, cb.value):
            continue
        if texts is not None:
            ta, tb = texts
            if bool(_NEGATION.search(ta)) != bool(_NEGATION.search(tb)):
                continue  # "21 states have laws" and "eight states have no laws"
            if not (_lead_in(ta, ca) & _lead_in(tb, cb) or _tail(ta, ca) & _tail(tb, cb)):
                continue  # nothing said of the two figures in common: two different counts
        out.append((ca.unit | cb.unit, ca, cb))
    return out
