"""Stems of words and texts (Snowball in C): a text's stem set, and its content-word stems for ranking."""

from __future__ import annotations

import re
from functools import lru_cache

from briefing.text.lexicon import QUERY_STOP_WORDS, ranking_stop_words


@lru_cache(maxsize=1)
def _snowball():
    import Stemmer  # PyStemmer: the Snowball English stemmer in C, ~1 us a word

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1 << 17)
def snowball_stem(word: str) -> str:
    """The Snowball English stem of a word (memoised: a word's stem never changes, and the
    pool and the briefing stem the same words)."""
    return _snowball().stemWord(word)


WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: Snowball in C, light to import, fast

    return Stemmer.Stemmer("english", 100_000)


def content_stems(text: str) -> list[str]:
    """Stems of a text's content words (sumy's stop words and numbers dropped), in order."""
    stop = ranking_stop_words()
    return _stemmer().stemWords([w for w in WORD.findall(text.lower()) if w not in stop and not w.isdigit()])


_LETTERS = re.compile(r"[^\W\d_]+")


def stems(text: str) -> frozenset[str]:
    """The set of a text's word stems, the emptiest function words left out: what a section's
    query and a fact must share, and what makes two facts repeat each other."""
    return frozenset(
        snowball_stem(w) for w in _LETTERS.findall(text.casefold()) if w not in QUERY_STOP_WORDS and len(w) > 1
    )
