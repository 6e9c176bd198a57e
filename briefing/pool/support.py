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
pairs), from different articles whose whole texts are alike enough to be one story.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from briefing.models import Fact, Pool
from briefing.pool.paraphrase import REPORTING, fuzzy_matches
from briefing.text.figures import claims
from briefing.text.lexicon import NEGATIONS, STOP_WORDS
from briefing.text.neighbours import candidate_pairs, exact_cosines, in_stored_order
from briefing.text.signature import Signature, signature, stem

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


def _bigrams(sig: Signature) -> set[tuple[str, str]]:
    return set(zip(sig.core, sig.core[1:], strict=False))


def pair_features(
    a: Signature, b: Signature, idf: Mapping[str, float], default: float, leads: bool = False
) -> list[float]:
    """The features of a pair, in the order of FEATURES (symmetric in a and b); `leads`: both
    facts open their articles (the leads of one event's reports mostly report its news)."""
    if (len(a.stems), sorted(a.stems)) > (len(b.stems), sorted(b.stems)):
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
    return BIAS + sum(w * x for w, x in zip(WEIGHTS, features, strict=True))


# --- what makes two close sentences different claims ---------------------------------------

def _figures(text: str) -> dict[str, set[float]]:
    out: dict[str, set[float]] = defaultdict(set)
    for c in claims(text):
        if not c.aside and not c.approximate:  # "about 1,500" and "more than 1,000" agree
            for unit in c.unit:
                out[unit].add(c.value)
    return out


def figure_conflict(a: str, b: str) -> bool:
    """Both give a figure of the same kind of thing, and the figures share no value."""
    fa, fb = _figures(a), _figures(b)
    return any(not fa[u] & fb[u] for u in fa.keys() & fb.keys())


LEAD_WORDS = 12  # an attribution opening a sentence ends within this many words


def speakers(sig: Signature) -> set[str]:
    """Names in a sentence's attribution: before a reporting verb that comes early ("Putin has
    said ..."), or in a closing "..., Macron said"."""
    words = sig.words
    verbs = [k for k, w in enumerate(words) if w in REPORTING]
    if not verbs:
        return set()
    out = set()
    if verbs[0] < LEAD_WORDS:
        out |= {w for w in words[: verbs[0]] if w in sig.names}
    if verbs[-1] >= len(words) - 4:
        out |= {w for w in words[max(0, verbs[-1] - 3) :] if w in sig.names}
    return out


NEGATED_SPAN = 3  # words after a negation that it applies to


def negated(sig: Signature) -> set[str]:
    """Stems of the content words a negation applies to ("did not reopen" -> reopen)."""
    out = set()
    words = sig.words
    for k, w in enumerate(words):
        if w in NEGATIONS:
            for t in words[k + 1 : k + 1 + NEGATED_SPAN]:
                if t not in STOP_WORDS and t[0] != "#":
                    out.add(stem(t))
                    break
    return out


def negation_conflict(a: Signature, b: Signature) -> bool:
    """One side negates a word the other states plainly, with no negation of its own ("did
    not reopen" / "reopened"): independent wordings put negations anywhere ("will not
    tolerate Western soldiers" / "no Western soldiers can be stationed"), so only a negated
    shared word against a sentence with none counts."""
    na, nb = negated(a), negated(b)
    return bool(not nb and na & b.stems) or bool(not na and nb & a.stems)


def conflict(a: str, b: str, sa: Signature, sb: Signature) -> str:
    """Why two sentences that look alike report different claims, or ""."""
    if negation_conflict(sa, sb):
        return "negation"
    if (sa.times - sb.times) and (sb.times - sa.times):
        return "date"
    if figure_conflict(a, b):
        return "figure"
    spa, spb = speakers(sa), speakers(sb)
    if spa and spb and not spa & sb.names and not spb & sa.names and not fuzzy_matches(spa, spb):
        return "speaker"  # each names someone else as saying it
    return ""


# --- candidates over a pool -----------------------------------------------------------------

def _rows(stem_sets: Sequence[frozenset[str]], idf: Mapping[str, float], default: float) -> sp.csr_matrix:
    """L2-normalised binary idf rows over the stems (vocabulary in first-seen order)."""
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(s, len(vocab)) for stems in stem_sets for s in sorted(stems)]
    indptr = np.zeros(len(stem_sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in stem_sets], out=indptr[1:])
    weight = np.array([idf.get(s, default) for s in vocab], dtype=np.float64)
    data = weight[np.asarray(cols, dtype=np.int64)] if cols else np.zeros(0)
    X = sp.csr_matrix((data, np.asarray(cols, dtype=np.int64), indptr), shape=(len(stem_sets), max(1, len(vocab))))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


def _cosines(X: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    Xs = in_stored_order(X)
    if Xs is not None:
        return exact_cosines(Xs, i, j)
    return np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()


def idf_of(signatures: Sequence[Signature]) -> tuple[dict[str, float], float]:
    """Inverse document frequency of stems over distinct sentences (as the merge counts it)."""
    distinct = {sig.stems for sig in signatures}
    df: dict[str, int] = defaultdict(int)
    for stems in distinct:
        for s in stems:
            df[s] += 1
    n = len(distinct)
    return {s: math.log((n + 1) / (c + 1)) + 1.0 for s, c in df.items()}, math.log(n + 1) + 1.0


def candidates(
    facts: Sequence[Fact], signatures: Sequence[Signature], idf: Mapping[str, float], default: float
) -> list[tuple[int, int]]:
    """Pairs (i < j) of facts alike enough to score: cosine over stems, no article in common."""
    if len(facts) < 2:
        return []
    X = _rows([sig.stems for sig in signatures], idf, default)
    i, j = candidate_pairs(X, CANDIDATE_COSINE)
    keep = _cosines(X, i, j) >= CANDIDATE_COSINE
    out = []
    for a, b in zip(i[keep].tolist(), j[keep].tolist(), strict=True):
        if min(len(signatures[a].stems), len(signatures[b].stems)) < MIN_STEMS:
            continue
        if not set(facts[a].articles) & set(facts[b].articles):
            out.append((a, b))
    return out


def story_cosines(facts: Sequence[Fact], signatures: Sequence[Signature], idf, default):
    """A function (fact i, fact j) -> the best cosine between an article of i and one of j,
    over the stems of every fact each article carries."""
    arts: dict[str, set[str]] = defaultdict(set)
    for f, sig in zip(facts, signatures, strict=True):
        for a in f.articles:
            arts[a] |= sig.stems
    ids = list(arts)
    row_of = {a: k for k, a in enumerate(ids)}
    A = _rows([frozenset(arts[a]) for a in ids], idf, default)
    cache: dict[tuple[int, int], float] = {}

    def cosine(x: int, y: int) -> float:
        key = (min(x, y), max(x, y))
        if key not in cache:
            cache[key] = float(A[key[0]].multiply(A[key[1]]).sum())
        return cache[key]

    def best(i: int, j: int) -> float:
        return max(cosine(row_of[a], row_of[b]) for a in facts[i].articles for b in facts[j].articles)

    return best


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


def scored_links(facts: Sequence[Fact], signatures: Sequence[Signature]) -> list[Link]:
    """Every candidate pair of one story with no conflict, with its logit."""
    idf, default = idf_of(signatures)
    story = story_cosines(facts, signatures, idf, default)
    scored = []
    for i, j in candidates(facts, signatures, idf, default):
        if story(i, j) < STORY_COSINE:
            continue
        if conflict(facts[i].text, facts[j].text, signatures[i], signatures[j]):
            continue
        leads = facts[i].position == 0 and facts[j].position == 0
        score = logit(pair_features(signatures[i], signatures[j], idf, default, leads))
        scored.append(Link(i, j, score, *carried(signatures[i], signatures[j], idf, default)))
    return scored


def support_links(facts: Sequence[Fact], signatures: Sequence[Signature]) -> list[Link]:
    """Every pair of facts (i < j) that report one claim: each the other's best match in its
    article, and likely enough the same claim."""
    return [link for link in mutual_best(facts, scored_links(facts, signatures)) if link.score >= THRESHOLD]


def repeat_pairs(pool: Pool) -> list[tuple[int, int]]:
    """Pairs of facts that report one claim by the same test as support, whether or not each
    is the other's best match in its article: an outlet's second sentence on a claim (often
    the quotation after its paraphrase) repeats it for a reader, but credit needs only one."""
    signatures = [signature(f.text) for f in pool.facts]
    return [(ln.i, ln.j) for ln in scored_links(pool.facts, signatures) if ln.score >= THRESHOLD]


def with_support(pool: Pool) -> Pool:
    """The pool with each fact's `support`: the ids of the facts that carry its claim."""
    signatures = [signature(f.text) for f in pool.facts]
    found: dict[int, list[int]] = defaultdict(list)
    for link in support_links(pool.facts, signatures):
        if link.i_carried:
            found[link.i].append(link.j)
        if link.j_carried:
            found[link.j].append(link.i)
    if not found:
        return pool
    facts = tuple(
        replace(f, support=tuple(pool.facts[k].id for k in sorted(found[n]))) if n in found else f
        for n, f in enumerate(pool.facts)
    )
    return replace(pool, facts=facts)


def supported_articles(pool: Pool, fact: Fact, index: Mapping[str, int] | None = None) -> tuple[str, ...]:
    """The fact's articles and those of the facts supporting it, in input order: every
    article that reports the claim, in its own words or in the same ones."""
    if not fact.support:
        return fact.articles
    by_id = index if index is not None else {f.id: k for k, f in enumerate(pool.facts)}
    arts = set(fact.articles)
    for fid in fact.support:
        arts.update(pool.facts[by_id[fid]].articles)
    return tuple(a.id for a in pool.articles if a.id in arts)


def supported_origins(pool: Pool) -> np.ndarray:
    """Independent origins (syndication families) reporting each fact's claim, support included."""
    by_id = {f.id: k for k, f in enumerate(pool.facts)}
    return np.array(
        [len({pool.families.get(a, a) for a in supported_articles(pool, f, by_id)}) or 1 for f in pool.facts],
        dtype=float,
    )


def add_support(pool: Pool, similar: dict[int, list[int]]) -> None:
    """Support added to the near repeats (fact index -> indices), in place, both ways: a
    fact and one that carries its claim would tell the reader one thing twice."""
    by_id = {f.id: k for k, f in enumerate(pool.facts)}
    pairs = [(i, by_id[fid]) for i, f in enumerate(pool.facts) for fid in f.support]
    for i, j in pairs + repeat_pairs(pool):
        similar.setdefault(i, []).append(j)
        similar.setdefault(j, []).append(i)
