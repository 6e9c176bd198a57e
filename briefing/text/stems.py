"""Stems of words and texts (Snowball in C, cached once per process), and content-word stems for ranking."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _snowball():
    import Stemmer  # PyStemmer: the Snowball English stemmer in C, ~1 us a word

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1 << 17)
def snowball_stem(word: str) -> str:
    """The Snowball English stem, cached once for the whole process (pool, compose and
    disagreements stem the same words)."""
    return _snowball().stemWord(word)


WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """sumy's shipped English stop words, read from its data without importing sumy."""
    spec = importlib.util.find_spec("sumy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "stopwords" / "english.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w.strip().lower() for w in words if w.strip())


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: Snowball in C, light to import, fast

    return Stemmer.Stemmer("english", 100_000)


def content_stems(text: str) -> list[str]:
    """Stems of a text's content words (stop words dropped), in order."""
    stop = stop_words()
    return _stemmer().stemWords([w for w in WORD.findall(text.lower()) if w not in stop and not w.isdigit()])


_QUERY_STOP = frozenset(
    "the a an of and or to in on for with by at from is are was were be what who how why".split()
)


@lru_cache(maxsize=131072)
def _stem(word: str) -> str:
    return snowball_stem(word)


def stems(text: str) -> set[str]:
    return set(_stems(text))


@lru_cache(maxsize=65536)
def _stems(text: str) -> frozenset[str]:  # a fact's stems serve the ranking and the repeats
    return frozenset(
        _stem(w) for w in re.findall(r"[^\W\d_]+", text.casefold()) if w not in _QUERY_STOP and len(w) > 1
    )
