"""Echoes: a quotation that repeats, in the speaker's words, what a bullet already reports of
them ("Macron said ... U.S. contributions ... would be finalized in the coming days" and
"'The planning work will be finalised with the United States,' Mr Macron said").

An outlet follows its paraphrase with the quotation it paraphrases, and outlets that print
only the quotation make it a fact of its own: shown beside the paraphrase, it tells the reader
one thing twice. The two share few words (the quotation is the speaker's wording, the
paraphrase the reporter's), too few for the support relation; but both name the speaker. So a
bullet that reports a speaker (the name shortly before a reporting verb) hides that speaker's
quotations whose quoted words share a content word with it: not a name, a title, a day or a
reporting verb ("I told President Putin ..." and "Biden said he raised ... with Putin" share
only a name). Only the quotation is hidden, never the report, which carries the claim in the
outlet's words with what it adds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from briefing.compose.attribution import fold
from briefing.compose.quotes import QuoteGroup
from briefing.pool.index import PoolIndex
from briefing.pool.support import PREFIX  # forms of one word ("finalis", "final")
from briefing.text.lexicon import HONORIFICS, MONTHS, REPORTING_VERBS, TIME_WORDS, TITLES
from briefing.text.stems import content_stems

OPENING_QUOTES = ("“", '"', "‘", "'")  # a bullet that opens with a quotation


SPEAKER_GAP = 3  # words that may stand between a speaker's name and its reporting verb


SAME_NAME = 85  # two spellings of one surname are this alike (as `attribution.same_speaker` has it)


_NOT_CONTENT = frozenset(
    content_stems(" ".join(sorted(REPORTING_VERBS | HONORIFICS | TITLES | TIME_WORDS | set(MONTHS))))
)


_NAME = re.compile(r"(?<![.?!:;\"“‘(]\s)(?<!^)\b[A-Z][\w'’.-]*")  # a capital inside a sentence


@lru_cache(maxsize=1 << 14)
def _content(text: str, names: bool = True) -> frozenset[str]:
    """Content stems of a text, reporting verbs, titles and days aside, and without the
    words written with a capital inside a sentence unless `names`."""
    if not names:
        text = _NAME.sub(" ", text.strip(" \"“”‘’'"))
    return frozenset(content_stems(text)) - _NOT_CONTENT


def _share(a: frozenset[str], b: frozenset[str]) -> bool:
    if a & b:
        return True
    starts = {w[:PREFIX] for w in b if len(w) >= PREFIX}
    return any(len(w) >= PREFIX and w[:PREFIX] in starts for w in a)


def _reports(words: list[str], key: list[str]) -> bool:
    """The speaker's name shortly before a reporting verb, in folded words ("macron said";
    in "mark rutte who attended the meeting virtually said" the verb is too far)."""
    n = len(key)
    return any(
        words[k : k + n] == key and not REPORTING_VERBS.isdisjoint(words[k + n : k + n + 1 + SPEAKER_GAP])
        for k in range(len(words) - n)
    )


def quotations(index: PoolIndex, groups: Sequence[QuoteGroup]) -> dict[int, tuple[str, str]]:
    """Fact row -> (speaker key, quoted words) of the facts that open with a quotation named
    in so many words to one person."""
    out: dict[int, tuple[str, str]] = {}
    for group in groups:
        for att in group.attributions:
            if not (att.direct and att.speaker.person):
                continue
            for sid in att.sentence_ids:
                row = index.row.get(index.fact_of_sentence.get(sid, ""))
                if row is not None and index.facts[row].text.startswith(OPENING_QUOTES):
                    out.setdefault(row, (att.speaker.key, att.text))
    return out


def _spellings(keys: Iterable[str]) -> Callable[[str], tuple[str, ...]]:
    """A folded word -> the speakers' keys it writes: the key itself, or another spelling of a
    surname (`attribution.same_speaker`: "zelenskyy" is "zelensky"), looked for only among
    keys with the word's first letters."""
    exact = {key for key in keys if " " not in key}
    by_start: dict[str, list[str]] = {}
    for key in exact:
        if len(key) >= PREFIX:
            by_start.setdefault(key[:PREFIX], []).append(key)

    @lru_cache(maxsize=1 << 16)  # a day's facts share most of their words
    def spelled(word: str) -> tuple[str, ...]:
        found = [word] if word in exact else []
        found += [k for k in by_start.get(word[:PREFIX], ()) if k != word and fuzz.ratio(k, word) >= SAME_NAME]
        return tuple(found)

    return spelled


def echoes(index: PoolIndex, groups: Sequence[QuoteGroup]) -> Mapping[int, list[int]]:
    """Fact row -> rows of the quotations it hides when shown (see the module's doc)."""
    quoted = quotations(index, groups)
    by_speaker: dict[str, list[tuple[int, frozenset[str]]]] = {}
    for row, (key, words) in quoted.items():
        by_speaker.setdefault(key, []).append((row, _content(words, names=False)))
    out: dict[int, list[int]] = {}
    if not by_speaker:
        return out
    multiword = [key for key in by_speaker if " " in key]
    spelled = _spellings(by_speaker)
    for p, fact in enumerate(index.facts):
        if p in quoted or fact.text.startswith(OPENING_QUOTES):
            continue
        folded = fold(fact.text)
        words = folded.split()
        named = {(key, word) for word in set(words) for key in spelled(word)}
        named.update((key, key) for key in multiword if key in folded)
        for key, written in sorted(named):
            if not _reports(words, written.split()):
                continue
            mine = _content(fact.text)
            hidden = [q for q, quoted_words in by_speaker[key] if _share(quoted_words, mine)]
            if hidden:
                out.setdefault(p, []).extend(hidden)
    return out
