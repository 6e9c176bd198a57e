"""Disputes: where outlets give different figures, dates or speakers for the same thing.

Two facts disagree on a figure when they say nearly the same thing about the same kind of
thing (same unit: "drones", euros, people) and the values they give for it share nothing.
A value is compared after normalisation, so "€1.1bn", "€1.1 billion" and "1.1 billion euros"
are one value, and "Twenty-six" is 26. Approximate figures ("more than 100") never disagree,
and two sentences tied to different days are about different events, not one disputed one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefing.compose.attribution import same_speaker
from briefing.compose.quotes import QuoteGroup, best_display
from briefing.models import Disagreement, Fact, Version
from briefing.pool.index import Citations, PoolIndex
from briefing.text.figures import (
    DATE,
    WEEKDAY,
    Claim,
    durations,
    names,
    singular,
    without_figures,
)
from briefing.text.lexicon import ENGLISH_STOP_WORDS, WEEKDAYS
from briefing.text.neighbours import exact_cosines, in_stored_order, pairs_possibly_above
from briefing.text.tfidf import TfidfVectorizer, unit_rows

SIMILAR = 0.45  # facts this alike (numbers aside) may be about the same thing


SIMILAR_RELATED = 0.3  # ... or this alike when the pool already linked them as near-misses


SIMILAR_DATE = 0.75


SIMILAR_WINDOW = 0.6  # or when the words around the two figures are this alike


SIMILAR_FLOOR = 0.25  # ... provided the sentences are at least this alike


WINDOW = 8


def _lead_in(text: str, claim: Claim, words: int = 4) -> set[str]:
    """Content words just before a figure, within its clause ("Russia fired", "left")."""
    clause = re.split(r"[,;:—–()]", text[: claim.start])[-1]
    toks = re.findall(r"[a-z][a-z’'\-]+", clause.casefold())[-words:]
    return {singular(t) for t in toks if t not in ENGLISH_STOP_WORDS}


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
            self.X = unit_rows(self.vec.fit_transform([without_figures(t) for t in texts]))
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
            i, j = pairs_possibly_above(X, floor)
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
            X = unit_rows(self.vec.transform([without_figures(t) for t in todo])).tocsr()
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

    def disputes(self, citations: Citations) -> list[Disagreement]:
        out = []
        for op in self.opened:
            if len(op.by_value) < 2:
                continue
            versions = []
            for key, entries in op.by_value.items():
                cites = citations.of_articles({a for fact, _ in entries for a in fact.articles})
                ids = tuple(dict.fromkeys(fact.id for fact, _ in entries))
                versions.append(Version(op.written[key], entries[0][1], cites, ids))
            versions.sort(key=lambda v: (-len(v.citations), v.citations))
            out.append(Disagreement(op.kind, _subject(op), tuple(versions)))
        return out


@dataclass(frozen=True, slots=True)
class _Cand:
    """A fact that gives a figure or a day, with the figures and days the index found in it."""

    fact: Fact
    claims: tuple[Claim, ...]
    days: frozenset[str]


_SAID_ON = re.compile(
    r"\b(?:said|says|reported|reports|told|added|wrote|stated|editions?\s+of)\s+(?:on\s+)?$",
    re.IGNORECASE,
)


def _first_day(text: str, weekday: bool) -> re.Match[str] | None:
    """The first day the sentence gives for what happened (not for when it was said)."""
    for m in (WEEKDAY if weekday else DATE).finditer(text):
        if not _SAID_ON.search(text[: m.start()]):
            return m
    return None


def _compare(fc: _Cand, gc: _Cand, like: _Likeness, s: float, floor: float, out: _Collector) -> None:
    """Record what two facts from different origins disagree on, if anything."""
    f, cf, df = fc.fact, fc.claims, fc.days
    g, cg, dg = gc.fact, gc.claims, gc.days

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


def _dates(published: Mapping[str, str], fact: Fact) -> set[dt.date] | None:
    """Publication days of a fact's articles; None when any is unknown."""
    out = set()
    for aid in fact.articles:
        try:
            out.add(dt.date.fromisoformat(published[aid][:10]))
        except (ValueError, KeyError):
            return None
    return out


def _same_news_day(a: set[dt.date] | None, b: set[dt.date] | None) -> bool:
    if not a or not b:
        return True
    return any(abs((x - y).days) <= 1 for x in a for y in b)


def find_disagreements(index: PoolIndex, quote_groups: Sequence[QuoteGroup] = ()) -> list[Disagreement]:
    """Every disputed figure, date and quotation speaker, with each version's citations."""
    return _figure_and_date_disputes(index) + _speaker_disputes(index, quote_groups)


def _figure_and_date_disputes(index: PoolIndex) -> list[Disagreement]:
    """Facts from different origins, on the same news day, alike enough to be about one thing,
    that give different figures or days for it."""
    cands = [
        _Cand(f, cs, ds)
        for f, cs, ds in zip(index.facts, index.claims, index.days, strict=True)
        if f.text and (cs or ds)
    ]
    like = _Likeness([c.fact.text for c in cands])
    related = {frozenset((f.id, r)) for f in index.facts for r in f.related}
    family = index.corroboration.family
    fams = [{family.get(a, a) for a in c.fact.articles} for c in cands]
    published = {}
    for art in index.pool.articles:
        published.setdefault(art.id, art.date)
    dated = [_dates(published, c.fact) for c in cands]
    todo: list[tuple[_Cand, _Cand, float, float]] = []
    for (i, j), sim in sorted(like.pairs(min(SIMILAR_FLOOR, SIMILAR_RELATED)).items()):
        if fams[i] & fams[j]:
            continue  # an origin giving both values is telling of two things, not a dispute
        if not _same_news_day(dated[i], dated[j]):
            continue  # a figure that changed between days is news, not a dispute
        f, g = cands[i], cands[j]
        floor = SIMILAR_RELATED if frozenset((f.fact.id, g.fact.id)) in related else SIMILAR
        todo.append((f, g, sim, floor))
    # the windows around comparable figures, vectorised in one call (a call costs far more than a row)
    windows: list[str] = []
    for f, g, sim, floor in todo:
        if sim < floor and sim >= SIMILAR_FLOOR:
            for a in f.claims:
                for b in g.claims:
                    if _compatible(a.unit, b.unit):
                        windows += [_window(f.fact.text, a), _window(g.fact.text, b)]
    like.prime(windows)
    found = _Collector()
    for f, g, sim, floor in todo:
        _compare(f, g, like, sim, floor, found)
    return found.disputes(index.citations)


def _speaker_disputes(index: PoolIndex, quote_groups: Sequence[QuoteGroup]) -> list[Disagreement]:
    """Quotations that articles attribute, each in so many words, to different people."""
    out = []
    for group in quote_groups:
        if not group.conflicting():
            continue
        versions = []
        for sp in group.speakers:
            atts = [a for a in group.attributions if a.direct and same_speaker(a.speaker, sp)]
            if not atts:
                continue
            cites = index.citations.of_articles({a.article_id for a in atts})
            ids = tuple(
                dict.fromkeys(
                    index.fact_of_sentence[s]
                    for a in atts
                    for s in a.sentence_ids
                    if s in index.fact_of_sentence
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
    toks = [t for t in toks if t not in ENGLISH_STOP_WORDS and singular(t) not in claim.unit]
    return {singular(t) for t in toks[:words]}


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
