"""Support: which facts of other articles report the same claim as a fact, in their own words.

The merge (`build`) joins sentences that say the same thing in (nearly) the same words, and
stays strict: it decides what is shown once. Independent reports of one event word the same
claim differently, often with more or less detail ("The Supreme Court on Monday ruled ...",
"In two unsigned opinions Monday, the Supreme Court ruled ..."): the paraphrase model rightly
calls such pairs different sentences. Support is the looser relation beside the merge that
corroboration needs: fact B supports fact A when B reports A's claim (same actors and action)
with no conflicting figure, date, negation or speaker, whatever else either adds. Credit
(citations, origins) follows support; the facts themselves stay apart, so a supporting
sentence whose extra detail is news is still there as its own fact.

A pair is scored by a logistic model over alignment features of the two facts' signatures:
how much of each side's weighted content (inverse document frequency over the pool) the other
carries, the shared weight itself, shared names and figures, shared content bigrams. Its
weights were fitted on the AllSides tune split (bench/support.py --fit). Candidates are
pairs of facts whose tf-idf cosine reaches `CANDIDATE_COSINE` (a sparse product, never all
pairs), from different articles whose whole texts are alike enough to be one story. The
features of all candidates are found at once (`pool.alignment`, the same values as
`pair_features` gives one pair); only the pairs that reach the threshold are checked for
conflicts one by one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from briefing.models import Fact, Pool
from briefing.pool.alignment import aligned
from briefing.pool.nearest import most_alike, nearest_pairs
from briefing.pool.paraphrase import fuzzy_matches
from briefing.pool.story_gate import stem_rows, story_cosines
from briefing.text.figures import claims
from briefing.text.lexicon import MERGE_STOP_WORDS, NEGATIONS, REPORTING_VERBS
from briefing.text.signature import Signature, alias_names, aliased, signature, stem

CANDIDATE_COSINE = 0.1  # tf-idf cosine below which two facts are never scored


STORY_COSINE = 0.06  # articles less alike than this (whole texts) are about different stories


PREFIX = 5  # unmatched stems sharing this many first letters are one word's forms


MIN_STEMS = 4  # a fact with fewer content stems is a fragment: too little to report a claim


FEATURES = (
    "cover_short", "cover_long", "shared", "names", "names_short", "names_long", "figures",
    "bigrams", "leads",
)


# Logistic weights over FEATURES and the bias, fitted on hand-labelled pairs of the AllSides
# tune split (bench/support.py --fit prints them).
WEIGHTS = (0.79, 0.91, 1.5, -0.09, -0.24, 0.22, 0.92, 0.19, 1.57)


BIAS = -4.35


THRESHOLD = 0.0  # logit at which two facts (each the other's best match) report one claim


# Whether the features compare the facts with one form for an actor's names and for synonyms
# (`text.signature.aliased`), with the weights fitted so (ALIASED_WEIGHTS, ALIASED_BIAS). Off:
# on the AllSides tune split it links more reports (top point credited to >= 2 outlets 79.2%
# -> 80.3%), but on the held-out events it credits one event fewer (85.3% -> 84.0%);
# docs/support.md has the figures and why it cannot link the summit's reworded claims.
ALIASES = False


ALIASED_WEIGHTS = (0.95, 0.95, 1.6, -0.1, -0.25, 0.26, 0.93, 0.28, 1.5)


ALIASED_BIAS = -4.68


def model() -> tuple[tuple[float, ...], float]:
    """(weights, bias) of the features as ALIASES says they are computed."""
    return (ALIASED_WEIGHTS, ALIASED_BIAS) if ALIASES else (WEIGHTS, BIAS)


@dataclass(frozen=True, slots=True)
class Link:
    """Two facts (indices into the pool's facts) that report one claim, and the model's logit;
    `i_carried` / `j_carried`: the other one carries all of this one's claim (not only a part)."""

    i: int
    j: int
    score: float
    i_carried: bool = True
    j_carried: bool = True


def _weight(stems: frozenset[str] | set[str], idf: Mapping[str, float], default: float) -> float:
    return sum(idf.get(s, default) for s in stems)


def _soft(only: set[str], other: set[str]) -> set[str]:
    prefixes = {w[:PREFIX] for w in other if len(w) >= PREFIX}
    return {w for w in only if len(w) >= PREFIX and w[:PREFIX] in prefixes}


CARRY = 0.6  # B carries A's claim unless the share of A found in B is below this times B's in A


def found_in(a: Signature, b: Signature, idf: Mapping[str, float], default: float) -> float:
    """Share of a's weighted content stems that b has (or a form of)."""
    only = set(a.stems - b.stems)
    got = _weight(a.stems & b.stems, idf, default) + _weight(_soft(only, set(b.stems - a.stems)), idf, default)
    return got / (_weight(a.stems, idf, default) or 1e-9)


def carried(a: Signature, b: Signature, idf: Mapping[str, float], default: float) -> tuple[bool, bool]:
    """(b carries a's claim, a carries b's): a part of the other ("40 percent of the flow" in
    "40 percent of the flow, and a EUR 2.5bn repair of the dam") is carried by it, not the
    reverse; two wordings of one claim carry each other."""
    in_b, in_a = found_in(a, b, idf, default), found_in(b, a, idf, default)
    return in_b >= CARRY * in_a, in_a >= CARRY * in_b


@lru_cache(maxsize=1 << 16)
def _bigrams(sig: Signature) -> frozenset[tuple[str, str]]:
    return frozenset(zip(sig.core, sig.core[1:], strict=False))


def pair_features(
    a: Signature, b: Signature, idf: Mapping[str, float], default: float, leads: bool = False
) -> list[float]:
    """The features of a pair, in the order of FEATURES (symmetric in a and b); `leads`: both
    facts open their articles (the leads of one event's reports mostly report its news)."""
    la, lb = len(a.stems), len(b.stems)
    if la > lb or (la == lb and sorted(a.stems) > sorted(b.stems)):
        a, b = b, a
    shared = a.stems & b.stems
    only_a, only_b = set(a.stems - shared), set(b.stems - shared)
    soft_a, soft_b = _soft(only_a, only_b), _soft(only_b, only_a)
    fuzzy = fuzzy_matches(only_a - soft_a, only_b - soft_b) if only_a and only_b else 0
    wa = _weight(a.stems, idf, default) or 1e-9
    wb = _weight(b.stems, idf, default) or 1e-9
    ws = _weight(shared, idf, default)
    ws += 0.35 * (_weight(soft_a, idf, default) + _weight(soft_b, idf, default)) + 0.5 * fuzzy * default
    names = len(a.names & b.names)
    if a.names - b.names and b.names - a.names:
        names += fuzzy_matches(set(a.names - b.names), set(b.names - a.names))
    names = min(names, len(a.names), len(b.names))
    big_a, big_b = _bigrams(a), _bigrams(b)
    return [
        min(1.0, ws / wa),
        min(1.0, ws / wb),
        math.log1p(ws),
        float(names),
        names / len(a.names) if a.names else 1.0,
        names / len(b.names) if b.names else 1.0,
        float(len(a.numbers & b.numbers)),
        len(big_a & big_b) / max(1, min(len(big_a), len(big_b))),
        float(leads),
    ]


def logit(features: Sequence[float]) -> float:
    weights, bias = model()
    return bias + sum(w * x for w, x in zip(weights, features, strict=True))


# --- what makes two close sentences different claims ---------------------------------------

@lru_cache(maxsize=1 << 16)  # a fact is in many pairs: its figures are read once
def _figures(text: str) -> dict[str, frozenset[float]]:
    out: dict[str, set[float]] = defaultdict(set)
    for c in claims(text):
        if not c.aside and not c.approximate:  # "about 1,500" and "more than 1,000" agree
            for unit in c.unit:
                out[unit].add(c.value)
    return {u: frozenset(v) for u, v in out.items()}


def figure_conflict(a: str, b: str) -> bool:
    """Both give a figure of the same kind of thing, and the figures share no value."""
    fa, fb = _figures(a), _figures(b)
    return any(not fa[u] & fb[u] for u in fa.keys() & fb.keys())


LEAD_WORDS = 12  # an attribution opening a sentence ends within this many words


@lru_cache(maxsize=1 << 16)
def speakers(sig: Signature) -> frozenset[str]:
    """Names in a sentence's attribution: before a reporting verb that comes early ("Putin has
    said ..."), or in a closing "..., Macron said"."""
    words = sig.words
    verbs = [k for k, w in enumerate(words) if w in REPORTING_VERBS]
    if not verbs:
        return frozenset()
    out = set()
    if verbs[0] < LEAD_WORDS:
        out |= {w for w in words[: verbs[0]] if w in sig.names}
    if verbs[-1] >= len(words) - 4:
        out |= {w for w in words[max(0, verbs[-1] - 3) :] if w in sig.names}
    return frozenset(out)


NEGATED_SPAN = 3  # words after a negation that it applies to


@lru_cache(maxsize=1 << 16)
def negated(sig: Signature) -> frozenset[str]:
    """Stems of the content words a negation applies to ("did not reopen" -> reopen)."""
    out = set()
    words = sig.words
    for k, w in enumerate(words):
        if w in NEGATIONS:
            for t in words[k + 1 : k + 1 + NEGATED_SPAN]:
                if t not in MERGE_STOP_WORDS and t[0] != "#":
                    out.add(stem(t))
                    break
    return frozenset(out)


def negation_conflict(a: Signature, b: Signature) -> bool:
    """One side negates a word the other states plainly, with no negation of its own ("did
    not reopen" / "reopened"): independent wordings put negations anywhere ("will not
    tolerate Western soldiers" / "no Western soldiers can be stationed"), so only a negated
    shared word against a sentence with none counts."""
    na, nb = negated(a), negated(b)
    return bool(not nb and na & b.stems) or bool(not na and nb & a.stems)


def _named(who: frozenset[str], sig: Signature) -> bool:
    """The sentence names one of the speakers, by this name or another of the same actor
    ("Moscow said" / "the Kremlin")."""
    return bool(who & sig.names or alias_names(who) & alias_names(sig.names))


def conflict(a: str, b: str, sa: Signature, sb: Signature) -> str:
    """Why two sentences that look alike report different claims, or ""."""
    if negation_conflict(sa, sb):
        return "negation"
    if (sa.times - sb.times) and (sb.times - sa.times):
        return "date"
    if figure_conflict(a, b):
        return "figure"
    spa, spb = speakers(sa), speakers(sb)
    if spa and spb and not _named(spa, sb) and not _named(spb, sa) and not fuzzy_matches(spa, spb):
        return "speaker"  # each names someone else as saying it
    return ""


# --- candidates over a pool -----------------------------------------------------------------

def idf_of(signatures: Sequence[Signature]) -> tuple[dict[str, float], float]:
    """Inverse document frequency of stems over distinct sentences (as the merge counts it)."""
    distinct = {sig.stems for sig in signatures}
    df: dict[str, int] = defaultdict(int)
    for stems in distinct:
        for s in stems:
            df[s] += 1
    n = len(distinct)
    return {s: math.log((n + 1) / (c + 1)) + 1.0 for s, c in df.items()}, math.log(n + 1) + 1.0


MAX_CANDIDATES = 12  # most alike facts scored per fact: a claim's reports are among them


def candidates(
    facts: Sequence[Fact], signatures: Sequence[Signature], idf: Mapping[str, float], default: float
) -> np.ndarray:
    """Pairs (i < j) of facts alike enough to score, as rows of an array: cosine over stems
    of at least CANDIDATE_COSINE, from articles alike enough to be one story (none in common),
    among the MAX_CANDIDATES most alike of either fact."""
    none = np.zeros((0, 2), dtype=np.int64)
    if len(facts) < 2:
        return none
    X = stem_rows([sig.stems for sig in signatures], idf, default)
    small = np.array([len(sig.stems) < MIN_STEMS for sig in signatures], dtype=bool)
    i, j, cos = nearest_pairs([sig.stems for sig in signatures], X, ~small, CANDIDATE_COSINE, 3 * MAX_CANDIDATES)
    story = story_cosines(facts, signatures, idf, default, i, j)  # 0 for a shared article
    one = story >= STORY_COSINE
    i, j, cos = most_alike(i[one], j[one], cos[one], MAX_CANDIDATES)
    return np.column_stack([i, j]) if len(i) else none


def mutual_best(facts: Sequence[Fact], scored: Sequence[Link]) -> list[Link]:
    """The pairs each of whose facts is the other's best match in the other's article: an
    outlet reports a claim once, so its sentence reporting A is the one most like A."""
    best: dict[tuple[int, str], float] = {}
    for link in scored:
        for x, y in ((link.i, link.j), (link.j, link.i)):
            for art in facts[y].articles:
                if link.score > best.get((x, art), -math.inf):
                    best[x, art] = link.score
    kept = []
    for link in scored:
        fi, fj = facts[link.i], facts[link.j]
        if any(best[link.i, b] == link.score and best[link.j, a] == link.score for a in fi.articles for b in fj.articles):
            kept.append(link)
    return kept


def feature_signatures(signatures: Sequence[Signature]) -> list[Signature]:
    """The signatures the pair features compare (`aliased` when ALIASES is on)."""
    return [aliased(sig) for sig in signatures] if ALIASES else list(signatures)


def likely_links(facts: Sequence[Fact], signatures: Sequence[Signature]) -> list[Link]:
    """Every candidate pair whose logit reaches THRESHOLD and nothing conflicts: the features
    of all pairs at once (`pool.alignment`), then the conflicts of those that reach it. The
    candidates and the conflicts read the sentences as written; with ALIASES the features
    compare them with one form for an actor's names and for synonyms: two unrelated stories
    about one country are no more alike for it."""
    written, signatures = signatures, feature_signatures(signatures)
    pairs = candidates(facts, written, *idf_of(written))
    idf, default = idf_of(signatures)
    lead = np.array([f.position == 0 for f in facts], dtype=bool)
    got = aligned(signatures, idf, default, pairs, lead[pairs[:, 0]] & lead[pairs[:, 1]])
    weights, bias = model()
    total = np.zeros(len(pairs))
    for k, w in enumerate(weights):  # summed in the order `logit` sums them: the same floats
        total = total + w * got.features[:, k]
    scores = bias + total
    links = []
    for k in np.flatnonzero(scores >= THRESHOLD).tolist():
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        if conflict(facts[i].text, facts[j].text, written[i], written[j]):
            continue
        in_j, in_i = got.found_i[k], got.found_j[k]  # (i's share found in j, j's in i)
        links.append(Link(i, j, float(scores[k]), bool(in_j >= CARRY * in_i), bool(in_i >= CARRY * in_j)))
    return links


def support_links(facts: Sequence[Fact], signatures: Sequence[Signature]) -> tuple[list[Link], list[Link]]:
    """(support, repeats): the pairs of facts (i < j) likely enough to report one claim
    (repeats), and of those the pairs each of whose facts is the other's best match in the
    other's article (support). An outlet's second sentence on a claim (often the quotation
    after its paraphrase) repeats it for a reader, but credit needs only one."""
    likely = likely_links(facts, signatures)
    best = set(mutual_best(facts, likely))  # the same as among all: the others score less
    return [ln for ln in likely if ln in best], likely


def with_support(pool: Pool, signatures: Sequence[Signature] | None = None) -> Pool:
    """The pool with each fact's `support` (the facts that carry its claim) and `repeats`
    (the facts that report the same claim, support included); `signatures`: each fact's
    (the pool's build has made them), made here when not given."""
    if signatures is None:
        signatures = [signature(f.text) for f in pool.facts]
    support, repeats = support_links(pool.facts, signatures)
    found: dict[int, set[int]] = defaultdict(set)
    alike: dict[int, set[int]] = defaultdict(set)
    for link in support:
        if link.i_carried:
            found[link.i].add(link.j)
        if link.j_carried:
            found[link.j].add(link.i)
    for link in support + repeats:
        alike[link.i].add(link.j)
        alike[link.j].add(link.i)
    if not alike:
        return pool

    def ids(ks: set[int]) -> tuple[str, ...]:
        return tuple(pool.facts[k].id for k in sorted(ks))

    facts = tuple(
        replace(f, support=ids(found[n]), repeats=ids(alike[n])) if n in alike else f
        for n, f in enumerate(pool.facts)
    )
    return replace(pool, facts=facts)


def article_places(pool: Pool) -> dict[str, int]:
    """Article id -> its (first) place among the pool's articles: the input order."""
    return {a.id: k for k, a in reversed(list(enumerate(pool.articles)))}


def supported_articles(
    pool: Pool, fact: Fact, row: Mapping[str, int], place: Mapping[str, int] | None = None
) -> tuple[str, ...]:
    """The fact's articles and those of the facts of the pool (`row`: fact id -> index)
    supporting it, in input order (`place`: article id -> its place in the pool, found when
    not given): every article that reports the claim, in its own words or in the same ones.
    (The pool's index holds them: `PoolIndex.credit`.)"""
    if not fact.support:
        return fact.articles
    arts = set(fact.articles)
    for fid in fact.support:
        if fid in row:
            arts.update(pool.facts[row[fid]].articles)
    if place is None:
        place = article_places(pool)
    return tuple(sorted((a for a in arts if a in place), key=place.__getitem__))
