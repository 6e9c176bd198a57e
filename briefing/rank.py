"""Rank: score every fact of a pool. The only module that imports sumy.

`default` is the project's own ranker; every sumy summarizer is selectable by its own name
and is fed the deduplicated pool (one sumy sentence per fact) through our tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from briefing.errors import BriefingError
from briefing.models import Pool

SUMY_METHODS = (
    "lex-rank",
    "text-rank",
    "lsa",
    "luhn",
    "edmundson",
    "kl",
    "sum-basic",
    "reduction",
    "random",
)
METHODS = ("default", *SUMY_METHODS)
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class RankWeights:
    """Weights of the default ranker's signals (measured defaults; see README)."""

    centrality: float = 1.0
    corroboration: float = 0.3
    position: float = 0.4
    query: float = 1.0


class UnknownMethodError(BriefingError):
    pass


class _Tokenizer:
    """sumy's tokenizer interface over our own sentence splitter and word pattern."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from briefing.sentences import split_text

        return tuple(s for _, s in split_text(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(WORD.findall(sentence))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words("english"))


def _sumy_summarizer(method: str, bonus_words: tuple[str, ...]):
    """Build one sumy summarizer, fully configured, in one place."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.random import RandomSummarizer
    from sumy.summarizers.reduction import ReductionSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes = {
        "lex-rank": LexRankSummarizer,
        "text-rank": TextRankSummarizer,
        "lsa": LsaSummarizer,
        "luhn": LuhnSummarizer,
        "edmundson": EdmundsonSummarizer,
        "kl": KLSummarizer,
        "sum-basic": SumBasicSummarizer,
        "reduction": ReductionSummarizer,
        "random": RandomSummarizer,
    }
    stemmer = Stemmer("english")
    summarizer = classes[method](stemmer)
    stop = _stop_words()
    summarizer.stop_words = stop
    if method == "edmundson":
        summarizer.bonus_words = bonus_words or ("said",)
        summarizer.stigma_words = ("reportedly", "allegedly", "maybe")
        summarizer.null_words = tuple(sorted(stop))
    return summarizer


def _sumy_scores(pool: Pool, method: str, query: str | None) -> np.ndarray:
    """Each fact's rating under a sumy method; higher is better."""
    import random as _random

    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tok = _Tokenizer()
    sents = [SumySentence(f.text, tok) for f in pool.facts]
    doc = ObjectDocumentModel((Paragraph(sents),))
    bonus = tuple(w.lower() for w in WORD.findall(query or "")) or tuple(
        w.lower() for a in pool.articles for w in WORD.findall(a.title)
    )
    summarizer = _sumy_summarizer(method, bonus)
    captured: dict[str, Callable] = {}
    original = summarizer._get_best_sentences

    def capture(sentences, count, rating, *args, **kwargs):
        captured["rate"] = (
            (lambda s: rating[s]) if isinstance(rating, dict) else (lambda s: rating(s, *args, **kwargs))
        )
        return original(sentences, count, rating, *args, **kwargs)

    summarizer._get_best_sentences = capture
    if method == "random":
        _random.seed(0)  # deterministic output for the same input
    summarizer(doc, len(sents))
    if "rate" not in captured:
        return np.zeros(len(sents))
    rate = captured["rate"]
    return np.array([float(rate(s)) for s in sents], dtype=float)


def _default_scores(pool: Pool, query: str | None, weights: RankWeights) -> np.ndarray:
    """Centroid centrality + independent corroboration + lead position (+ query similarity)."""
    texts = [f.text for f in pool.facts]
    vec = TfidfVectorizer(stop_words=sorted(_stop_words()), sublinear_tf=True, token_pattern=WORD.pattern)
    try:
        X = vec.fit_transform(texts)
    except ValueError:  # no content words at all
        return np.zeros(len(texts))
    X = normalize(X)
    centroid = np.asarray(X.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    central = X @ (centroid / norm) if norm else np.zeros(len(texts))
    n_origins = max(1, len(set(pool.families.values())))
    corroboration = np.array([len(f.origins) for f in pool.facts], dtype=float) / n_origins
    position = np.array([1.0 - min(1.0, f.position) for f in pool.facts])
    score = (
        weights.centrality * np.asarray(central).ravel()
        + weights.corroboration * corroboration
        + weights.position * position
    )
    if query:
        q = normalize(vec.transform([query]))
        score = score + weights.query * np.asarray((X @ q.T).todense()).ravel()
    return score


def score_facts(
    pool: Pool,
    method: str = "default",
    query: str | None = None,
    weights: RankWeights = RankWeights(),
) -> np.ndarray:
    """One score per fact of the pool, aligned with `pool.facts`."""
    if method not in METHODS:
        raise UnknownMethodError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not pool.facts:
        return np.zeros(0)
    if method == "default":
        return _default_scores(pool, query, weights)
    return _sumy_scores(pool, method, query)
