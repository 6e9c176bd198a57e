"""Pair decisions: do two sentences state the same fact, and how sure are we?

Level 1 (same wording): after normalisation, the shorter sentence's tokens appear in order in
the longer one (a dropped time word, attribution or trailing clause, a title, a spelling
variant). Level 2 (other words): the pair model of `briefing.pool.paraphrase` (alignment features,
small networks fitted on human-labelled news paraphrase pairs; bench/pool_paraphrase.py
refits and reports it). Either level is vetoed by a difference
of substance: other numbers, other names, another weekday or month, or a negation on one side.
Vetoed pairs that are otherwise close are "related": the render stage reports them as
disagreements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

from briefing.pool import paraphrase
from briefing.pool.paraphrase import CLAUSE_TOKENS, claim, fuzzy_matches, gaps
from briefing.text.lexicon import INITIALS_SKIP, NEGATIONS
from briefing.text.signature import Signature

RELATED_THRESHOLD = 0.2  # below the merge threshold but close: a related fact


LEVEL1_COVER = 0.9  # share of the shorter sentence found, in order, in the longer


LEVEL1_LONG_COVER = 0.75  # ... and share of the longer one it covers (else one side adds a fact)


LEVEL1_CUT_COVER = 0.45  # a copy cut this short is still the same fact within one family


LEVEL1_MIN_TOKENS = 5


@dataclass(frozen=True, slots=True)
class Decision:
    level: int  # 1 same wording, 2 same fact in other words, 0 not the same fact
    score: float  # probability-like confidence that the two state the same fact (0 when vetoed)
    veto: str = ""  # the difference of substance that blocked a merge, if any
    cut: bool = False  # one side is the other with a clause cut: the same fact within a family


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


SHORT_NAME = 3  # a name this long that starts another is its short form (Doug/Douglas)


def _written_out(name: str, other: tuple[str, ...]) -> bool:
    """The name stands for words of the other side: its initials (SEC / Securities and
    Exchange Commission), its long or short form (Doug / Douglas) or itself spelled with an
    apostrophe or a hyphen dropped."""
    bare = name.replace("'", "").replace("-", "")
    for t in other:
        if t.replace("'", "").replace("-", "") == bare:
            return True
        short, long_ = (t, name) if len(t) <= len(name) else (name, t)
        if len(short) >= SHORT_NAME and long_.startswith(short) and short[0] != "#":
            return True
    if len(name) >= 2 and name.isalpha():
        initials = "".join(t[0] for t in other if t not in INITIALS_SKIP and t[0] != "#")
        return name in initials
    return False


def _substituted(a: Signature, b: Signature) -> str:
    """A number or a name of one sentence standing where the other has another one."""
    for left, right in gaps(a.core, b.core):
        if not left or not right:
            continue
        nums_l = {t for t in left if t.startswith("#")}
        nums_r = {t for t in right if t.startswith("#")}
        if nums_l - nums_r and nums_r - nums_l:
            return "number"
        names_l = {t for t in left if t in a.names and t not in b.words and not _written_out(t, right)}
        names_r = {t for t in right if t in b.names and t not in a.words and not _written_out(t, left)}
        if names_l and names_r:
            if fuzzy_matches(names_l, names_r) < len(names_l) and fuzzy_matches(names_r, names_l) < len(names_r):
                return "name"
    return ""


def substance_veto(a: Signature, b: Signature) -> str:
    """Why two close sentences must not be merged, or "" when nothing blocks it."""
    if negation_differs(a, b):
        return "negation"
    if (a.times - b.times) and (b.times - a.times):
        return "date"
    return _substituted(a, b)


def merge_threshold() -> float:
    """Level-2 probability at which a pair is merged (chosen with the shipped model)."""
    return paraphrase.model().threshold


def probability(a: Signature, b: Signature, idf: Mapping[str, float], default_idf: float) -> float:
    """Level-2 probability that a and b state the same fact in other words."""
    return float(paraphrase.probabilities([paraphrase.features(a, b, idf, default_idf)])[0])


def _cover(x: tuple[str, ...], y: tuple[str, ...]) -> float:
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) < LEVEL1_MIN_TOKENS:
        return 1.0 if short == long_ else 0.0
    lcs = LCSseq.similarity(short, long_)
    if lcs < LEVEL1_COVER * len(short):
        return 0.0
    return lcs / len(long_)


def _trailing(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
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


def level1_cover(a: Signature, b: Signature) -> float:
    """Same wording: how much of the longer core the shorter one covers, in order (0 when
    the shorter is not nearly all found in the longer)."""
    return _cover(a.core, b.core)


def trailing_cut(a: Signature, b: Signature) -> bool:
    """One sentence is the other with its trailing clause dropped: the longer one's extra
    tokens are (nearly) all in one block at its end, after the shared stretch."""
    return _trailing(a.core, b.core)


def same_wording(a: Signature, b: Signature) -> tuple[float, bool]:
    """(cover, trailing cut) of the level-1 test, on the cores or else on the claims (an
    attribution moved from the front to the end)."""
    cover = level1_cover(a, b)
    if cover >= LEVEL1_LONG_COVER:
        return cover, False
    cut = cover >= LEVEL1_CUT_COVER and trailing_cut(a, b)
    if cut:
        return cover, True
    ca, cb = claim(a), claim(b)
    if (ca, cb) == (a.core, b.core):
        return cover, False
    claim_cover = _cover(ca, cb)
    if claim_cover >= LEVEL1_LONG_COVER:
        return claim_cover, False
    if claim_cover >= LEVEL1_CUT_COVER and _trailing(ca, cb):
        return claim_cover, True
    return cover, False


def level1(a: Signature, b: Signature) -> bool:
    """Same wording, allowing at most a short clause more on one side or an attribution
    moved (the level-1 path of `decide`, before any veto)."""
    cover, cut = same_wording(a, b)
    return cover >= LEVEL1_LONG_COVER or cut


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
    cover, trailing = same_wording(a, b)
    if cover >= LEVEL1_LONG_COVER or trailing:
        return Decision(0, 0.9, veto) if veto else Decision(1, 0.99)
    if veto:  # no merge, and a vetoed pair is related whatever its score: no need of the model
        return Decision(0, 0.0, veto)
    p = probability(a, b, idf, default_idf)
    cut = cover >= LEVEL1_CUT_COVER
    if allow_level2 and p >= merge_threshold():
        return Decision(2, p, cut=cut)
    return Decision(0, p, cut=cut)
