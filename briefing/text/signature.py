"""Text normalisation for the pool: the comparable form of a sentence.

A sentence becomes a `Signature`: its word tokens with typography, case, honorifics and
titles, UK/US spelling and number/currency formats folded away; the stems of its content
words; and the substance that must agree before two sentences can be merged (numbers,
names, time words, negation). The rules are general English, not lists from any article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from briefing.text.lexicon import (
    ACTORS,
    ATTRIBUTION,
    CURRENCY_SIGNS,
    HONORIFICS,
    MERGE_STOP_WORDS,
    MONTH_ABBREVIATIONS,
    MONTH_KEYS,
    NEGATIONS,
    NOUN_SYNONYMS,
    NUMBER_WORDS,
    SCALES,
    SIGNATURE_UNITS,
    SMALL_NUMBERS,
    TENS,
    TIME_WORDS,
    TITLES,
    WEEKDAYS,
)
from briefing.text.stems import snowball_stem

_TYPO = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
        "—": "-", "–": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    }
)


# A number as digits: 1,100 / 1.1 / 4.30 / 1-3/32 is left as its parts.
_NUM = re.compile(
    r"(?P<cur>[$€£¥₹₽])?\s?(?P<num>\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
    r"(?:(?P<unit>bn|mn|mln|bln|tn|[mbk])\b|\s?(?P<word>thousand|million|billion|trillion)\b)?"
    r"(?P<pct>\s?%)?"
)


_TOKEN = re.compile(r"#[\d.e+-]+|[^\W_]+(?:['.-][^\W_]+)*\.?|%", re.UNICODE)


_ACRONYM = re.compile(r"\b(?=[A-Za-z]\.)(?:[A-Za-z]\.){2,}(?![A-Za-z])")


_SPELLING = (
    (re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=\w{2})ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(?<=\w{3})our(s|ed|ing|able|ite|ites)?$"), r"or\1"),
    (re.compile(r"(?<=\w{2})tre(s)?$"), r"ter\1"),
    (re.compile(r"(?<=\w{3})ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=\w)([fc])ence(s)?$"), r"\1ense\2"),
    (re.compile(r"(?<=\w[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"(?<=\w{4})mme(s)?$"), r"m\1"),
)


# Contractions spelled out, so "It's" and "It is" compare equal ("'s" after a pronoun only).
_CONTRACTIONS = {"n't": " not", "'re": " are", "'m": " am", "'ll": " will", "'ve": " have", "'d": " would"}


_CONTRACTION = re.compile(r"(?<=\w)(n't|'re|'m|'ll|'ve|'d)\b", re.IGNORECASE)


_PRONOUN_IS = re.compile(r"\b(it|that|there|here|what|who|he|she|where|how)'s\b", re.IGNORECASE)


_IRREGULAR_RE = re.compile(r"\b(won't|can't|cannot|shan't)", re.IGNORECASE)


# "dont", "isnt": a negation typed without its apostrophe
_BARE_NOT_WORDS = "do|does|did|is|are|was|were|has|have|had|could|would|should|must|need|ca|wo"


_BARE_NOT = re.compile(  # the lookahead skips words that start with no listed letter, fast
    rf"\b(?=[{''.join(sorted({w[0] for w in _BARE_NOT_WORDS.split('|')}))}])({_BARE_NOT_WORDS})nt\b",
    re.IGNORECASE,
)


_NT_END = re.compile(r"nt\b", re.IGNORECASE)


_IRREGULAR = {"won't": "will not", "can't": "can not", "cannot": "can not", "shan't": "shall not"}


_SPACES = re.compile(r"\s+")


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Typography folded: Unicode compatibility forms, quotes, dashes, odd spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_TYPO)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def comparison_key(text: str) -> str:
    """Exact-copy key: folded typography, case and punctuation."""
    return _NON_WORD.sub(" ", fold(text).casefold()).strip()


_SPELLING_ENDS = (
    "ise", "ised", "ises", "ising", "isation", "isations", "iser", "isers", "yse", "ysed", "yses",
    "ysing", "our", "ours", "oured", "ouring", "ourable", "ourite", "ourites", "tre", "tres",
    "ogue", "ogues", "ence", "ences", "lled", "lling", "ller", "llers", "mme", "mmes",
)


@lru_cache(maxsize=65536)
def spelling(word: str) -> str:
    """One spelling for UK/US variants (finalised/finalized, defence/defense, colour/color)."""
    if len(word) < 5 or not word.endswith(_SPELLING_ENDS):
        return word
    for pattern, repl in _SPELLING:
        new = pattern.sub(repl, word)
        if new != word:
            return new
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return snowball_stem(spelling(word))


def _fmt(value: float) -> str:
    return "#" + (f"{value:.6g}" if value < 1e15 else f"{value:.3e}")


def _word_number(words: list[str], i: int) -> tuple[float, int] | None:
    """A spelled-out number at words[i] ("twenty-six", "three-and-a-half", "8 million"):
    (value, tokens used) or None."""
    w = words[i]
    parts = w.split("-")
    if parts[0] not in SMALL_NUMBERS and parts[0] not in TENS:
        return None
    value: float | None = None
    if all(p in SMALL_NUMBERS or p in TENS or p in {"and", "a", "half"} for p in parts):
        total = 0.0
        seen = False
        for p in parts:
            if p in SMALL_NUMBERS:
                total += SMALL_NUMBERS[p]
                seen = True
            elif p in TENS:
                total += TENS[p]
                seen = True
            elif p == "half" and seen:
                total += 0.5
        if seen:
            value = total
    if value is None:
        return None
    used = 1
    if i + 1 < len(words) and words[i + 1] in SCALES and words[i + 1] not in {"m", "b", "k"}:
        value *= SCALES[words[i + 1]]
        used = 2
    return value, used


def _number_sub(match: re.Match[str]) -> str:
    raw = match.group("num").replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        return match.group(0)
    unit = match.group("unit") or match.group("word")
    if unit:
        if unit in {"m", "b", "k"} and not match.group("cur"):
            # "5m" without a currency may be metres: keep the letter as its own token
            return f" {_fmt(value)} {unit} "
        value *= SCALES[unit]
    out = [_fmt(value)]
    if match.group("cur"):
        out.append(CURRENCY_SIGNS[match.group("cur")].lower())
    if match.group("pct"):
        out.append("pct")
    return " " + " ".join(out) + " "


@dataclass(frozen=True, slots=True)
class Signature:
    """The comparable form of one sentence."""

    words: tuple[str, ...]  # normalised tokens in order (numbers as "#value")
    core: tuple[str, ...]  # `words` without time words, punctuation-only and attribution
    stems: frozenset[str]  # content-word stems (no stop words, numbers or time words)
    numbers: frozenset[str]
    names: frozenset[str]  # lower-cased capitalised words that are not sentence-initial
    times: frozenset[str]  # weekdays and months mentioned
    negated: bool
    # the hash of the fields, found once: signatures key the caches of the pair checks, and
    # a tuple of words is hashed again at every look-up (the same value as the fields' hash)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields = (self.words, self.core, self.stems, self.numbers, self.names, self.times, self.negated)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple:
        # pickled as its fields (a forked worker sends thousands): three times faster to load
        # than the dataclass's own per-object state methods
        return (Signature, (self.words, self.core, self.stems, self.numbers, self.names, self.times, self.negated))


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, capitalised) pairs of a folded sentence, acronyms undotted."""
    if "." in text:
        text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    if _DIGIT.search(text):
        text = _NUM.sub(_number_sub, text)
    if _NT_END.search(text):  # (what _BARE_NOT needs; it is five times slower to run on all)
        text = _BARE_NOT.sub(lambda m: {"wo": "will", "ca": "can"}.get(m.group(1).lower(), m.group(1)) + " not", text)
    if "'" in text:
        text = _IRREGULAR_RE.sub(lambda m: _IRREGULAR[m.group(1).lower()], text)
        text = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1).lower()], text)
        text = _PRONOUN_IS.sub(r"\1 is", text)
        text = _POSSESSIVE.sub(r"\1 's", text)
    out: list[tuple[str, bool]] = []
    for tok in _TOKEN.findall(text):
        tok = tok.rstrip(".")
        if not tok:
            continue
        out.append((tok.casefold(), tok[:1].isupper()))
    return out


_PAREN = re.compile(r"\s*\([^()]{0,80}\)")


_POSSESSIVE = re.compile(r"(\w)'s\b")


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1 << 16)
def signature(text: str) -> Signature:
    """Normalise one sentence into its `Signature` (cached: copies recur across reprints).

    Parenthetical asides (currency conversions, tickers, an editor's insertion) are left out:
    outlets add and drop them freely.
    """
    folded = fold(text)
    bare = _PAREN.sub("", folded)
    words, caps = _words(_tokens(bare if len(bare) >= 0.5 * len(folded) else folded))
    return _signature_of(words, caps)


# Lower-case words that may take one of `_words`' special cases (a title dropped, a number
# spelled out, "per cent"); any other lower-case word without a hyphen, not after a figure, is
# kept as it is.
_SPECIAL_LOWER = HONORIFICS | NUMBER_WORDS | {"per", "percent"}


def _words(raw: list[tuple[str, bool]]) -> tuple[list[str], list[bool]]:
    """The normalised words of a sentence's tokens, each with whether it was capitalised:
    titles before a name dropped, spelled-out numbers and "per cent" as figures, a currency
    after a number as its code, months as their short form, hyphenated words split."""
    words: list[str] = []
    caps: list[bool] = []
    lower = [t for t, _ in raw]
    i = 0
    while i < len(raw):
        tok, cap = raw[i]
        if not cap and tok not in _SPECIAL_LOWER and "-" not in tok and not (words and words[-1][0] == "#"):
            words.append(spelling(tok))  # most words: none of the cases below applies
            caps.append(False)
            i += 1
            continue
        nxt_cap = i + 1 < len(raw) and raw[i + 1][1]
        # "Mr Macron", "President Donald Trump", "Finnish President Alexander Stubb": drop the title
        if (tok in HONORIFICS or (tok in TITLES and cap)) and nxt_cap:
            i += 1
            continue
        spelled = _word_number(lower, i) if tok.split("-", 1)[0] in NUMBER_WORDS else None
        if spelled:
            value, used = spelled
            words.append(_fmt(value))
            caps.append(False)
            i += used
            continue
        if tok in {"per", "percent"} and i + 1 < len(raw) and raw[i + 1][0] == "cent":
            words.append("pct")
            caps.append(False)
            i += 2
            continue
        # a currency written after the number ("1.1 billion euros") and before it ("€1.1bn") agree
        if words and words[-1][0] == "#":
            tok = SIGNATURE_UNITS.get(tok, tok)
        if cap:
            tok = MONTH_ABBREVIATIONS.get(tok, tok)
        if "-" in tok and tok[0] != "#":
            for part in tok.split("-"):
                if part:  # "Near-Earth" and "Near Earth" agree
                    words.append(spelling(part))
                    caps.append(cap)
        else:
            words.append(spelling(tok))
            caps.append(cap)
        i += 1
    return words, caps


def _signature_of(words: list[str], caps: list[bool]) -> Signature:
    """Sort a sentence's normalised words into the parts of its signature."""
    core: list[str] = []
    stems: set[str] = set()
    numbers: set[str] = set()
    names: set[str] = set()
    times: set[str] = set()
    negated = False
    first = True
    for w, cap in zip(words, caps, strict=True):
        if w[0] == "#":
            numbers.add(w)
            core.append(w)
            first = False
            continue
        if w in NEGATIONS:
            negated = not negated
        if w in TIME_WORDS or (cap and not first and w in MONTH_KEYS):
            if w in WEEKDAYS or w in MONTH_KEYS:
                times.add(w)
            if core and core[-1] in {"on", "in", "earlier", "late"}:
                core.pop()  # "said on Thursday" / "said Thursday"
            first = False
            continue
        if w not in ATTRIBUTION:
            core.append(w)
        if cap and not first and w not in MERGE_STOP_WORDS and w not in TITLES:
            names.add(w)
        if (w not in MERGE_STOP_WORDS and w not in ATTRIBUTION) or (cap and len(w) > 1 and not first):
            stems.add(stem(w))
        first = False
    return Signature(
        words=tuple(words),
        core=tuple(core),
        stems=frozenset(stems),
        numbers=frozenset(numbers),
        names=frozenset(names),
        times=frozenset(times),
        negated=negated,
    )


# --- one form for the names of one actor, and for synonyms (support, never the merge) --------

def _alias_tables() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(word -> canonical token, pair of consecutive words -> canonical token); canonical
    tokens start with "=", so they never equal, share a prefix with or stem to a word."""
    words: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    for group in (*ACTORS, *NOUN_SYNONYMS):
        canonical = "=" + group[0]
        for entry in group:
            parts = entry.split()
            if len(parts) == 2:
                pairs[parts[0], parts[1]] = canonical
            else:
                words[entry] = canonical
    return words, pairs


_ALIAS_WORDS, _ALIAS_PAIRS = _alias_tables()


def _alias_spans(words: tuple[str, ...]) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """([(canonical, the words it stands for)], the words that are no alias), in order."""
    found: list[tuple[str, tuple[str, ...]]] = []
    rest: list[str] = []
    k = 0
    while k < len(words):
        pair = (words[k], words[k + 1]) if k + 1 < len(words) else None
        if pair in _ALIAS_PAIRS:
            found.append((_ALIAS_PAIRS[pair], pair))
            k += 2
            continue
        if words[k] in _ALIAS_WORDS:
            found.append((_ALIAS_WORDS[words[k]], (words[k],)))
        else:
            rest.append(words[k])
        k += 1
    return found, rest


def _aliased_core(core: tuple[str, ...], stems: frozenset[str]) -> tuple[str, ...]:
    """The core with each alias that is a content word of the sentence as its canonical token
    (a lower-case "us" is the pronoun, whose stem is no content stem)."""
    out: list[str] = []
    k = 0
    while k < len(core):
        pair = (core[k], core[k + 1]) if k + 1 < len(core) else None
        if pair in _ALIAS_PAIRS:
            out.append(_ALIAS_PAIRS[pair])
            k += 2
            continue
        canonical = _ALIAS_WORDS.get(core[k])
        out.append(canonical if canonical and stem(core[k]) in stems else core[k])
        k += 1
    return tuple(out)


def alias_names(names: frozenset[str]) -> frozenset[str]:
    """Single-word names with each alias as its canonical token ("kremlin" -> "=russia")."""
    return frozenset(_ALIAS_WORDS.get(n, n) for n in names)


@lru_cache(maxsize=1 << 16)
def aliased(sig: Signature) -> Signature:
    """The signature with the names of one actor ("Moscow", "the Kremlin", "Russian") and
    synonyms ("troops", "soldiers") given one more token each, their group's, in its stems
    and names (the words themselves kept: two reports that both write "Kremlin" agree on a
    rarer word than "Russia"), and in its core in their place (words, figures and times as
    they were): what support compares, never the merge."""
    found, rest = _alias_spans(sig.words)
    if not found:
        return sig
    stems = sig.stems | {c for c, ws in found if any(stem(w) in sig.stems for w in ws)}
    names = sig.names | {c for c, ws in found if any(w in sig.names for w in ws)}
    return replace(
        sig, core=_aliased_core(sig.core, sig.stems), stems=frozenset(stems), names=frozenset(names)
    )
