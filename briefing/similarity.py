"""Pair decisions: do two sentences state the same fact, and how sure are we?

Level 1 (same wording): after normalisation, the shorter sentence's tokens appear in order in
the longer one (a dropped time word, attribution or trailing clause, a title, a spelling
variant). Level 2 (other words): a logistic model over content-word overlap weighted by
inverse document frequency, word order and length, fitted on human-labelled news paraphrase
pairs (bench/pool_paraphrase.py refits and reports it). Either level is vetoed by a difference
of substance: other numbers, other names, another weekday or month, or a negation on one side.
Vetoed pairs that are otherwise close are "related": the render stage reports them as
disagreements.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from briefing.normalize import NEGATIONS, Signature

# Logistic model of level 2: weights of `features()` in order, then the bias.
FEATURES = (
    "f1",
    "cover_min",
    "cover_max",
    "order",
    "extra_numbers",
    "name_gap",
    "len_ratio",
    "cover_long",
    "bigrams",
    "unmatched",
    "length",
    "sorted_ratio",
)
WEIGHTS = (0.523, 0.247, 0.792, 0.96, -0.724, 0.502, 1.414, 3.184, -2.818, -1.142, 0.313, 1.785)
BIAS = -0.945
MERGE_THRESHOLD = 0.68  # probability above which a level-2 pair is merged
RELATED_THRESHOLD = 0.2  # below the merge threshold but close: a related fact

LEVEL1_COVER = 0.9  # share of the shorter sentence found, in order, in the longer
LEVEL1_LONG_COVER = 0.75  # ... and share of the longer one it covers (else one side adds a fact)
LEVEL1_CUT_COVER = 0.45  # a copy cut this short is still the same fact within one family
LEVEL1_MIN_TOKENS = 5
NAME_SIMILARITY = 85.0  # rapidfuzz ratio for transliteration variants (Zelensky/Zelenskyy)


@dataclass(frozen=True, slots=True)
class Decision:
    level: int  # 1 same wording, 2 same fact in other words, 0 not the same fact
    score: float  # probability-like confidence that the two state the same fact
    veto: str = ""  # the difference of substance that blocked a merge, if any
    cut: bool = False  # one side is the other with a clause cut: the same fact within a family


def _fuzzy_matches(left: set[str], right: set[str]) -> int:
    """How many words on the left have a spelling variant on the right (same first letter)."""
    la = sorted(w for w in left if len(w) >= 4)
    lb = sorted(w for w in right if len(w) >= 4)
    if not la or not lb:
        return 0
    scores = process.cdist(la, lb, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
    initial = np.array([w[0] for w in la])[:, None] == np.array([w[0] for w in lb])[None, :]
    return int(((scores > 0) & initial).any(axis=1).sum())


def _name_differences(a: Signature, b: Signature) -> tuple[int, int]:
    """Names only in a, names only in b (transliteration variants count as equal)."""
    # a name may appear on the other side in lower case ("Western" / "western")
    only_a = {n for n in a.names - b.names if n not in b.words}
    only_b = {n for n in b.names - a.names if n not in a.words}
    if only_a and only_b:
        hits_a = _fuzzy_matches(only_a, only_b)
        hits_b = _fuzzy_matches(only_b, only_a)
        return len(only_a) - hits_a, len(only_b) - hits_b
    return len(only_a), len(only_b)


CLAUSE_TOKENS = 4  # an unmatched run this long is an added clause, not an edit


def _clause_negations(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[int, int]:
    """Negations of a and b that sit inside a clause only one side has."""
    counts = [0, 0]
    for op in LCSseq.opcodes(a, b):
        if op.tag == "equal":
            continue
        if op.src_end - op.src_start >= CLAUSE_TOKENS:
            counts[0] += sum(t in NEGATIONS for t in a[op.src_start : op.src_end])
        if op.dest_end - op.dest_start >= CLAUSE_TOKENS:
            counts[1] += sum(t in NEGATIONS for t in b[op.dest_start : op.dest_end])
    return counts[0], counts[1]


def negation_differs(a: Signature, b: Signature) -> bool:
    """One side negates the shared statement ("not" inserted), as opposed to one side adding a
    clause that happens to contain a negation ("..., who was not authorized to comment")."""
    if a.negated == b.negated:
        return False
    in_a, in_b = _clause_negations(a.core, b.core)
    return (a.negated ^ (in_a % 2 == 1)) != (b.negated ^ (in_b % 2 == 1))


def gaps(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The places where two token sequences differ: (a's tokens, b's tokens) between the
    stretches they share in order. A gap with tokens on both sides is a substitution."""
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    left: list[str] = []
    right: list[str] = []
    for op in LCSseq.opcodes(a, b):
        if op.tag == "equal":
            if left or right:
                out.append((tuple(left), tuple(right)))
                left, right = [], []
            continue
        left.extend(a[op.src_start : op.src_end])
        right.extend(b[op.dest_start : op.dest_end])
    if left or right:
        out.append((tuple(left), tuple(right)))
    return out


def _substituted(a: Signature, b: Signature) -> str:
    """A number or a name of one sentence standing where the other has another one."""
    for left, right in gaps(a.core, b.core):
        if not left or not right:
            continue
        nums_l = {t for t in left if t.startswith("#")}
        nums_r = {t for t in right if t.startswith("#")}
        if nums_l - nums_r and nums_r - nums_l:
            return "number"
        names_l = {t for t in left if t in a.names and t not in b.words}
        names_r = {t for t in right if t in b.names and t not in a.words}
        if names_l and names_r:
            if _fuzzy_matches(names_l, names_r) < len(names_l) and _fuzzy_matches(names_r, names_l) < len(names_r):
                return "name"
    return ""


def substance_veto(a: Signature, b: Signature) -> str:
    """Why two close sentences must not be merged, or "" when nothing blocks it."""
    if negation_differs(a, b):
        return "negation"
    if (a.times - b.times) and (b.times - a.times):
        return "date"
    return _substituted(a, b)


def _weights(stems: frozenset[str], idf: Mapping[str, float], default: float) -> float:
    return sum(idf.get(s, default) for s in stems)


def features(a: Signature, b: Signature, idf: Mapping[str, float], default_idf: float) -> list[float]:
    """The level-2 features of a pair, in the order of `FEATURES`."""
    shared = a.stems & b.stems
    only_a, only_b = set(a.stems - shared), set(b.stems - shared)
    w_shared = _weights(shared, idf, default_idf)
    if only_a and only_b:  # spelling variants (Zelensky/Zelenskyy) count as shared
        w_shared += _fuzzy_matches(only_a, only_b) * default_idf * 0.5
    wa = _weights(a.stems, idf, default_idf) or 1e-9
    wb = _weights(b.stems, idf, default_idf) or 1e-9
    w_shared = min(w_shared, wa, wb)
    short, long_ = sorted((len(a.core), len(b.core)))
    lcs = LCSseq.similarity(a.core, b.core)
    bigrams_a = set(itertools.pairwise(a.core))
    bigrams_b = set(itertools.pairwise(b.core))
    na, nb = _name_differences(a, b)
    return [
        2 * w_shared / (wa + wb),  # f1
        w_shared / max(wa, wb),  # cover_min
        w_shared / min(wa, wb),  # cover_max
        lcs / max(1, short),  # order
        float(bool(a.numbers ^ b.numbers)),  # extra_numbers
        math.log1p(na + nb),  # name_gap
        short / max(1, long_),  # len_ratio
        lcs / max(1, long_),  # cover_long
        len(bigrams_a & bigrams_b) / max(1, min(len(bigrams_a), len(bigrams_b))),  # bigrams
        math.log1p(max(wa, wb) - w_shared),  # unmatched: weight of what only one side says
        math.log(2 + short + long_),  # length
        fuzz.token_sort_ratio(a.words, b.words) / 100,  # sorted_ratio
    ]


def probability(feats: list[float]) -> float:
    z = BIAS + sum(w * f for w, f in zip(WEIGHTS, feats, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def level1_cover(a: Signature, b: Signature) -> float:
    """Same wording: how much of the longer core the shorter one covers, in order (0 when
    the shorter is not nearly all found in the longer)."""
    short, long_ = (a.core, b.core) if len(a.core) <= len(b.core) else (b.core, a.core)
    if len(short) < LEVEL1_MIN_TOKENS:
        return 1.0 if short == long_ else 0.0
    lcs = LCSseq.similarity(short, long_)
    if lcs < LEVEL1_COVER * len(short):
        return 0.0
    return lcs / len(long_)


def trailing_cut(a: Signature, b: Signature) -> bool:
    """One sentence is the other with its trailing clause dropped: the longer one's extra
    tokens are (nearly) all in one block at its end, after the shared stretch."""
    short, long_ = (a.core, b.core) if len(a.core) <= len(b.core) else (b.core, a.core)
    if len(short) < 2 * LEVEL1_MIN_TOKENS:
        return False
    tail = 0
    inner = 0
    for left, right in gaps(short, long_):
        inner += len(left) + len(right)
        tail = len(right) if not left else 0
    inner -= tail
    last = LCSseq.opcodes(short, long_)[-1]
    if last.tag != "insert" or last.dest_end != len(long_):
        return False
    return inner <= 0.1 * len(short) and tail >= CLAUSE_TOKENS


def level1(a: Signature, b: Signature) -> bool:
    """Same wording, allowing at most a short clause more on one side."""
    return level1_cover(a, b) >= LEVEL1_LONG_COVER


def decide(
    a: Signature,
    b: Signature,
    idf: Mapping[str, float],
    default_idf: float,
    *,
    allow_level2: bool = True,
) -> Decision:
    """The merge decision for one pair of sentences."""
    if a.core == b.core and a.numbers == b.numbers and a.times == b.times:
        return Decision(1, 1.0)
    veto = substance_veto(a, b)
    cover = level1_cover(a, b)
    if cover >= LEVEL1_LONG_COVER or (cover >= LEVEL1_CUT_COVER and trailing_cut(a, b)):
        return Decision(0, 0.9, veto) if veto else Decision(1, 0.99)
    p = probability(features(a, b, idf, default_idf))
    cut = cover >= LEVEL1_CUT_COVER
    if veto:
        return Decision(0, p, veto)
    if allow_level2 and p >= MERGE_THRESHOLD:
        return Decision(2, p, cut=cut)
    return Decision(0, p, cut=cut)
