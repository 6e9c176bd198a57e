"""Level-2 pair model: do two sentences in other words state the same fact?

Alignment features of a pair (IDF-weighted content overlap each way, n-gram precisions both
ways, longest-common-subsequence and edit ratios over words, character similarity, what the
unaligned words of each side are: content, numbers, names, a whole new clause) feed an
average of five small neural networks (one hidden layer of 16) fitted offline on all the
human-labelled news paraphrase pairs, the merge threshold chosen from 5-fold out-of-fold
scores (bench/pool_paraphrase.py --fit writes it). The weights ship inside the package as
plain JSON (briefing/data/paraphrase_model.json) and are evaluated here with numpy: no
training or unpickling at run time, and the same pair always gets the same score.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, LCSseq, Levenshtein

from briefing.text.lexicon import ATTRIBUTION, MERGE_STOP_WORDS, REPORTING_VERBS, TIME_WORDS
from briefing.text.signature import Signature, stem

CLAUSE_TOKENS = 4  # an unmatched run this long is an added clause, not an edit


MODEL_FILE = "paraphrase_model.json"


NAME_SIMILARITY = 85.0  # rapidfuzz ratio for transliteration variants (Zelensky/Zelenskyy)


PREFIX = 5  # unmatched content words sharing this many first letters are derived forms


FEATURES = (
    "f1", "cover_min", "cover_max", "unmatched_max", "unmatched_min", "soft_f1",
    "order", "cover_long", "edit", "len_ratio", "length", "content_diff",
    "p1_max", "p1_min", "p2_max", "p2_min", "p3_max", "p3_min", "p4_max", "p4_min",
    "stem_bigrams", "char_ratio", "char_partial", "token_set", "token_sort",
    "numbers_only_max", "numbers_only_min", "numbers_shared", "names_only_max",
    "names_only_min", "gap_max", "gap_min", "gaps", "gap_content_max", "times_one_side",
    "negated_differs", "idf_unmatched_top", "sub_content_max", "sub_content_min",
    "ins_content_max", "ins_content_min", "ins_names", "content_lcs_short", "content_lcs_long",
    "content_ratio", "numbers_one_side", "unmatched_count_max", "unmatched_count_min",
)


LEAD_WORDS = 12  # a leading attribution ends with "that" within this many words


@lru_cache(maxsize=1 << 16)
def claim(sig: Signature) -> tuple[str, ...]:
    """The reported claim of a sentence: its core without a leading "X said that" and a
    trailing "according to X" or "X said", where outlets move attributions around."""
    words = list(sig.words)
    for k, t in enumerate(words[:LEAD_WORDS]):
        if t == "that" and any(w in REPORTING_VERBS for w in words[:k]):
            words = words[k + 1 :]
            break
    half = len(words) // 2
    if "according" in words[half:]:
        words = words[: len(words) - 1 - words[::-1].index("according")]
    elif words and words[-1] in REPORTING_VERBS:
        while words and (words[-1] in REPORTING_VERBS or words[-1] in MERGE_STOP_WORDS or words[-1] in ATTRIBUTION or words[-1] in sig.names):
            words.pop()
    return tuple(w for w in words if w not in ATTRIBUTION and w not in TIME_WORDS)


@dataclass(frozen=True, slots=True)
class _Side:
    tokens: tuple[str, ...]  # core tokens
    content: tuple[str, ...]  # stems of content words (and numbers), in order
    ngrams: tuple[Counter, ...]  # word 1..4-gram counts of `tokens`
    distinct: tuple[frozenset, ...]  # the same n-grams as sets (for the common no-repeat case)


@lru_cache(maxsize=1 << 16)
def _side(sig: Signature) -> _Side:
    toks = sig.core
    content = tuple(t if t[0] == "#" else stem(t) for t in toks if t not in MERGE_STOP_WORDS and t.isalnum() or t[0] == "#")
    grams = tuple(Counter(zip(*(toks[k:] for k in range(n)), strict=False)) for n in range(1, 5))
    return _Side(toks, content, grams, tuple(frozenset(g) for g in grams))


def _matched(sa: _Side, sb: _Side, n: int) -> int:
    """Clipped count of the n-grams (n = 1..4) the two sides share (symmetric)."""
    ca, cb = sa.ngrams[n - 1], sb.ngrams[n - 1]
    da, db = sa.distinct[n - 1], sb.distinct[n - 1]
    if len(da) == ca.total() and len(db) == cb.total():
        return len(da & db)  # no repeated n-gram: clipping changes nothing
    return (ca & cb).total()


def fuzzy_matches(left: set[str], right: set[str]) -> int:
    """How many words on the left have a spelling variant on the right (same first letter)."""
    la = sorted(w for w in left if len(w) >= 4)
    lb = sorted(w for w in right if len(w) >= 4)
    if not la or not lb:
        return 0
    scores = process.cdist(la, lb, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
    initial = np.array([w[0] for w in la])[:, None] == np.array([w[0] for w in lb])[None, :]
    return int(((scores > 0) & initial).any(axis=1).sum())


def _soft(only: set[str], other: set[str]) -> set[str]:
    """Unmatched stems that share a long prefix with one of the other side (derived forms:
    acquisition/acquire, government/governor are rare enough to accept)."""
    prefixes = {w[:PREFIX] for w in other if len(w) >= PREFIX}
    return {w for w in only if len(w) >= PREFIX and w[:PREFIX] in prefixes}


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


def _gap_weight(tokens: Sequence[str], other: Signature, idf: Mapping[str, float], default_idf: float) -> float:
    """IDF weight of the content words of a gap that the other sentence lacks anywhere."""
    total = 0.0
    for t in tokens:
        if t in MERGE_STOP_WORDS or not t.isalnum():
            continue
        s = stem(t)
        if s not in other.stems:
            total += idf.get(s, default_idf)
    return total


def _pair(x: float, y: float) -> tuple[float, float]:
    return (max(x, y), min(x, y))


def _names_only(a: Signature, b: Signature) -> tuple[int, int]:
    only_a = {n for n in a.names - b.names if n not in b.words}
    only_b = {n for n in b.names - a.names if n not in a.words}
    if only_a and only_b:
        return len(only_a) - fuzzy_matches(only_a, only_b), len(only_b) - fuzzy_matches(only_b, only_a)
    return len(only_a), len(only_b)


def features(a: Signature, b: Signature, idf: Mapping[str, float], default_idf: float) -> list[float]:
    """The features of a pair, in the order of `FEATURES` (symmetric in a and b)."""
    if (len(a.core), a.core, a.words) > (len(b.core), b.core, b.words):
        a, b = b, a  # alignments depend on direction: always align the shorter to the longer
    sa, sb = _side(a), _side(b)
    overlap, top_unmatched, counts = _overlap(a, b, idf, default_idf)
    gap_sizes, gap_weights = _gap_features(sa.tokens, sb.tokens, a, b, idf, default_idf)
    clcs = LCSseq.similarity(sa.content, sb.content)
    cshort, clong = sorted((len(sa.content), len(sb.content)))
    return [
        *overlap,
        *_alignment(sa, sb, a, b),
        *_substance(a, b),
        *gap_sizes,
        float(bool(a.times) != bool(b.times)),
        float(a.negated != b.negated),
        top_unmatched,
        *gap_weights,
        clcs / max(1, cshort),
        clcs / max(1, clong),
        Indel.normalized_similarity(sa.content, sb.content),
        float(bool(a.numbers) != bool(b.numbers)),
        *counts,
    ]


def _overlap(
    a: Signature, b: Signature, idf: Mapping[str, float], default_idf: float
) -> tuple[list[float], float, tuple[float, float]]:
    """IDF-weighted stem overlap: (f1, covers, unmatched weights and soft f1), the top weight
    of an unmatched stem, and the unmatched stem counts."""

    def weight(stems: set[str] | frozenset[str]) -> float:
        return sum(idf.get(s, default_idf) for s in stems)

    shared = a.stems & b.stems
    only_a, only_b = set(a.stems - shared), set(b.stems - shared)
    w_shared = weight(shared)
    if only_a and only_b:  # spelling variants (Zelensky/Zelenskyy) count as shared
        w_shared += fuzzy_matches(only_a, only_b) * default_idf * 0.5
    wa = weight(a.stems) or 1e-9
    wb = weight(b.stems) or 1e-9
    w_shared = min(w_shared, wa, wb)
    soft_a, soft_b = _soft(only_a, only_b), _soft(only_b, only_a)
    w_soft = min(w_shared + 0.5 * (weight(soft_a) + weight(soft_b)), wa, wb)
    un_a, un_b = wa - w_shared, wb - w_shared
    top_unmatched = max((idf.get(s, default_idf) for s in (only_a | only_b) - soft_a - soft_b), default=0.0)
    head = [
        2 * w_shared / (wa + wb),
        w_shared / max(wa, wb),
        w_shared / min(wa, wb),
        *(math.log1p(v) for v in _pair(un_a, un_b)),
        2 * w_soft / (wa + wb),
    ]
    counts = _pair(float(len(only_a - soft_a)), float(len(only_b - soft_b)))
    return head, top_unmatched, counts


def _alignment(sa: _Side, sb: _Side, a: Signature, b: Signature) -> list[float]:
    """Token alignment: order, edit and length ratios, n-gram precisions, character similarity."""
    ta, tb = sa.tokens, sb.tokens
    short, long_ = sorted((len(ta), len(tb)))
    lcs = LCSseq.similarity(ta, tb)
    precisions = []
    for n in range(4):
        shared_n = _matched(sa, sb, n + 1)
        total_a, total_b = sa.ngrams[n].total(), sb.ngrams[n].total()
        precisions.extend(_pair(shared_n / total_a if total_a else 1.0, shared_n / total_b if total_b else 1.0))
    big_a = set(zip(sa.content, sa.content[1:], strict=False))
    big_b = set(zip(sb.content, sb.content[1:], strict=False))
    ja, jb = " ".join(a.words), " ".join(b.words)
    return [
        lcs / max(1, short),
        lcs / max(1, long_),
        Levenshtein.normalized_similarity(ta, tb),
        short / max(1, long_),
        math.log(2 + short + long_),
        math.log1p(abs(len(sa.content) - len(sb.content))),
        *precisions,
        len(big_a & big_b) / max(1, min(len(big_a), len(big_b))),
        fuzz.ratio(ja, jb) / 100,
        fuzz.partial_ratio(ja, jb) / 100 if min(len(ja), len(jb)) else 0.0,
        fuzz.token_set_ratio(ja, jb) / 100,
        fuzz.token_sort_ratio(ja, jb) / 100,
    ]


def _substance(a: Signature, b: Signature) -> list[float]:
    """Numbers and names one side has and the other lacks, and the numbers both give."""
    nums_a, nums_b = len(a.numbers - b.numbers), len(b.numbers - a.numbers)
    na, nb = _names_only(a, b)
    return [
        *(float(v) for v in _pair(nums_a, nums_b)),
        float(len(a.numbers & b.numbers)),
        *(float(v) for v in _pair(na, nb)),
    ]


def _gap_features(
    ta: tuple[str, ...], tb: tuple[str, ...], a: Signature, b: Signature, idf: Mapping[str, float], default_idf: float
) -> tuple[list[float], list[float]]:
    """What the unaligned stretches hold: (largest gap each side, how many gaps, content words
    of a whole added clause) and (content weight in substitutions and insertions, names
    inserted)."""
    gap_a = gap_b = n_gaps = 0
    content_a = content_b = 0
    sub = [0.0, 0.0]  # content weight in substitutions (both sides have words there)
    ins = [0.0, 0.0]  # content weight in insertions (only one side has words there)
    ins_names = 0
    for left, right in gaps(ta, tb):
        n_gaps += 1
        gap_a, gap_b = max(gap_a, len(left)), max(gap_b, len(right))
        if len(left) >= CLAUSE_TOKENS:
            content_a += sum(t not in MERGE_STOP_WORDS for t in left)
        if len(right) >= CLAUSE_TOKENS:
            content_b += sum(t not in MERGE_STOP_WORDS for t in right)
        target = sub if left and right else ins
        target[0] += _gap_weight(left, b, idf, default_idf)
        target[1] += _gap_weight(right, a, idf, default_idf)
        if not (left and right):
            ins_names += sum(t in a.names for t in left) + sum(t in b.names for t in right)
    sizes = [*(float(v) for v in _pair(gap_a, gap_b)), float(n_gaps), float(max(content_a, content_b))]
    weights = [*(math.log1p(v) for v in _pair(*sub)), *(math.log1p(v) for v in _pair(*ins)), float(ins_names)]
    return sizes, weights


@dataclass(frozen=True, slots=True)
class Network:
    """The average of small networks (fitted with different seeds), stacked: member k
    standardises with mean[k]/scale[k], has a hidden layer of rectifiers w1[k], b1[k] and a
    logistic output w2[k], b2[k]."""

    mean: np.ndarray  # (members, features)
    scale: np.ndarray  # (members, features)
    w1: np.ndarray  # (members, features, hidden)
    b1: np.ndarray  # (members, hidden)
    w2: np.ndarray  # (members, hidden)
    b2: np.ndarray  # (members,)
    threshold: float  # probability at which a pair is merged (chosen out of fold)
    features: tuple[str, ...]

    def probability(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        z = (x[None, :, :] - self.mean[:, None, :]) / self.scale[:, None, :]
        h = np.maximum(np.matmul(z, self.w1) + self.b1[:, None, :], 0.0)
        out = np.einsum("mnh,mh->mn", h, self.w2) + self.b2[:, None]
        return (1.0 / (1.0 + np.exp(-out))).mean(axis=0)


def network_from_dict(data: Mapping) -> Network:
    members = data["members"]

    def stack(key: str) -> np.ndarray:
        return np.array([m[key] for m in members], dtype=np.float64)

    return Network(
        mean=stack("mean"),
        scale=stack("scale"),
        w1=stack("w1"),
        b1=stack("b1"),
        w2=stack("w2"),
        b2=stack("b2"),
        threshold=float(data["threshold"]),
        features=tuple(data["features"]),
    )


@lru_cache(maxsize=1)
def model() -> Network:
    """The shipped model (checked against this module's feature list)."""
    text = resources.files("briefing").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    net = network_from_dict(json.loads(text))
    if net.features != FEATURES:
        raise ValueError(f"{MODEL_FILE}: fitted on other features than briefing.pool.paraphrase computes")
    return net


def probabilities(rows: Sequence[Sequence[float]]) -> np.ndarray:
    """Probability that each pair (a row of `features`) states the same fact."""
    if not len(rows):
        return np.zeros(0)
    return model().probability(np.asarray(rows, dtype=np.float64))
