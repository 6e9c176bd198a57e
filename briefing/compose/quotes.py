"""Quotes: direct quotations and who the articles say spoke them.

Patterns read, within one paragraph of one article:
  “...,” X said.   “...,” said X.   “...,” according to X.
  X said: “...”    X said that “...”    X said ... “...” (X the nearest named subject of a
  speech verb before the quotation).
A pronoun (“...,” he said) takes the speaker of the previous sentence only when that sentence
names exactly one speaker; a quotation standing alone right after a quotation by X continues
X's words. Anything less clear is skipped: a quote is never attributed by guessing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from briefing.compose.attribution import MIN_WORDS, Attribution, Speaker, fold, same_speaker
from briefing.models import Item, Quote
from briefing.pool.index import PoolIndex


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quotation as carried by one or more articles, with every attribution found."""

    text: str
    attributions: tuple[Attribution, ...]

    @property
    def speakers(self) -> list[Speaker]:
        out: list[Speaker] = []
        for a in self.attributions:
            if not any(same_speaker(a.speaker, s) for s in out):
                out.append(a.speaker)
        return out

    def conflicting(self) -> bool:
        """Two articles name two different people for the same words, both in so many words."""
        direct = [a.speaker for a in self.attributions if a.direct and a.speaker.person]
        return any(not same_speaker(x, y) for x in direct for y in direct)


def _same_folded(fa: str, fb: str) -> bool:
    if fuzz.ratio(fa, fb) >= 90:
        return True
    short, long_ = sorted((fa, fb), key=len)
    return len(short.split()) >= MIN_WORDS and fuzz.partial_ratio(short, long_) >= 95


def _same_cached(cache: dict[tuple[str, str], bool], fa: str, fb: str) -> bool:
    got = cache.get((fa, fb))
    if got is None:
        got = cache[fa, fb] = _same_folded(fa, fb)
    return got


_BLOCK = 3  # each quotation is found again through its rarest words


def group_quotes(attributions: Iterable[Attribution]) -> list[QuoteGroup]:
    """Merge the same quotation across articles (spelling and cut may differ).

    Two cuts of one quotation share their rare words, so each attribution is compared only
    with the groups found through an index of those words, not with every group."""
    atts = [(att, fold(att.text)) for att in attributions]
    words = [set(folded.split()) or {""} for _, folded in atts]
    df: dict[str, int] = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    groups: list[list[tuple[Attribution, str]]] = []
    # each group's distinct wordings, compared once with each other wording: reprints carry a
    # quotation word for word, and comparing with every copy grew with the square of them
    wordings: list[dict[str, None]] = []
    same: dict[tuple[str, str], bool] = {}
    by_word: dict[str, set[int]] = {}  # any word of a member -> its groups
    by_rare: dict[str, set[int]] = {}  # a rare word of a member -> its groups
    for (att, folded), ws in zip(atts, words, strict=True):
        rare = sorted(ws, key=lambda w: (df[w], w))[:_BLOCK]
        found: set[int] = set()
        for w in rare:
            found |= by_word.get(w, set())
        for w in ws:
            found |= by_rare.get(w, set())
        for k in sorted(found):
            if any(_same_cached(same, folded, other) for other in wordings[k]):
                break
        else:
            k = len(groups)
            groups.append([])
            wordings.append({})
        groups[k].append((att, folded))
        wordings[k][folded] = None
        for w in ws:
            by_word.setdefault(w, set()).add(k)
        for w in rare:
            by_rare.setdefault(w, set()).add(k)
    out = []
    for g in groups:
        text = max((a.text for a, _ in g), key=lambda t: (len(t), t))  # the most complete cut
        out.append(QuoteGroup(text, tuple(a for a, _ in g)))
    return out


def best_display(speakers: Sequence[Speaker]) -> str:
    """The fullest way the articles name one speaker."""
    return max((s.display for s in speakers), key=lambda d: (len(d.split()), len(d), d))


def pick_quotes(
    index: PoolIndex,
    groups: Sequence[QuoteGroup],
    scores: Sequence[float],
    shown: Sequence[Item],
    limit: int,
    per_speaker: int = 2,
    repeats: Collection[str] = (),
) -> list[Quote]:
    """The most important quotations not already shown in a bullet: widely carried, from
    central passages, a few per speaker. Disputed attributions are left to the disputes;
    `repeats`: ids of facts that repeat a bullet's claim (their quotations are shown)."""
    shown_ids = {it.fact_id for it in shown} | set(repeats)
    shown_text = [fold(it.text) for it in shown]
    rate = _Rating(index, scores)
    cands: list[Quote] = []
    for g in groups:
        if g.conflicting():
            continue
        fact_ids = tuple(
            dict.fromkeys(
                index.fact_of_sentence[s]
                for a in g.attributions
                for s in a.sentence_ids
                if s in index.fact_of_sentence
            )
        )
        if shown_ids & set(fact_ids) or _shown_already(fold(g.text), shown_text):
            continue
        people = [s for s in g.speakers if s.person] or g.speakers
        articles = tuple(dict.fromkeys(a.article_id for a in g.attributions))
        cands.append(
            Quote(
                g.text,
                best_display(people),
                index.citations.of_articles(articles),
                index.corroboration.independent(articles),
                fact_ids,
                rate(g, articles, fact_ids),
                index.corroboration.copies(articles),
            )
        )
    cands.sort(key=lambda q: (-q.score, q.citations, q.text))
    return _a_few_per_speaker(cands, limit, per_speaker)


def _shown_already(folded: str, shown_text: Sequence[str]) -> bool:
    """The quotation is (nearly) inside a bullet already shown."""
    return any(folded in t for t in shown_text) or process.extractOne(
        folded, shown_text, scorer=fuzz.partial_ratio, score_cutoff=90
    ) is not None  # as partial_ratio(folded, t) >= 90 for some t, with the loop in C


class _Rating:
    """A quotation's importance: how widely carried, how central its passage, whether it is
    a whole sentence of a reasonable length spoken by a person."""

    def __init__(self, index: PoolIndex, scores: Sequence[float]) -> None:
        self.index = index
        self.scores = scores
        self.lo, self.hi = (min(scores), max(scores)) if len(scores) else (0.0, 1.0)
        self.origins = max(1, index.corroboration.independent([a.id for a in index.pool.articles]))

    def __call__(self, g: QuoteGroup, articles: Sequence[str], fact_ids: Sequence[str]) -> float:
        lo, hi, row = self.lo, self.hi, self.index.row
        central = max(
            ((self.scores[row[f]] - lo) / (hi - lo) if hi > lo else 0.0 for f in fact_ids if f in row),
            default=0.0,
        )
        words = len(g.text.split())
        score = (
            self.index.corroboration.independent(articles) / self.origins
            + 0.5 * central
            + (0.2 if 10 <= words <= 45 else 0.0)
            + (0.3 if g.text[:1].isupper() else 0.0)  # a whole sentence, not a clause cut out
            + (0.2 if any(s.person for s in g.speakers) else 0.0)  # a person, not "the office"
        )
        return round(score, 6)


def _a_few_per_speaker(cands: Sequence[Quote], limit: int, per_speaker: int) -> list[Quote]:
    out: list[Quote] = []
    per: dict[str, int] = {}
    for q in cands:
        key = fold(q.speaker).rsplit(" ", 1)[-1]
        if per.get(key, 0) >= per_speaker:
            continue
        per[key] = per.get(key, 0) + 1
        out.append(q)
        if len(out) >= limit:
            break
    return out
