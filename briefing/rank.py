"""Rank: score every fact of a pool. The only module that imports sumy.

`default` is the project's own ranker; every sumy summarizer is selectable by its own name
and is fed the deduplicated pool (one sumy sentence per fact) through our tokenizer.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from briefing.errors import BriefingError
from briefing.features import WORD, features, stop_words, text_vector
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


@dataclass(frozen=True, slots=True)
class RankWeights:
    """Settings of the default ranker (defaults measured on the dev sets; see README)."""

    centrality: float = 1.0  # LexRank over the pool's tf-idf similarity
    coverage: float = 1.0  # weight of the widely carried stem bigrams a fact contains
    position: float = 2.0  # lead sentences of their articles
    query_position: float = 0.5  # the same, when a section has a query (relevance matters more)
    position_scale: float = 5.0  # sentences: the lead bonus decays as exp(-index / scale)
    corroboration: float = 0.6  # independent origins carrying the fact (copies do not count)
    quality: float = 1.0  # exponent of the stand-alone quality factor (0 = ignore it)
    query: float = 3.0  # similarity to a section's query, when there is one
    query_expansion: float = 1.0  # weight of words that co-occur with the query in the pool
    query_teleport: float = 0.9  # share of LexRank's random jumps that land on on-topic facts
    damping: float = 0.15  # LexRank teleport probability
    min_concept: int = 2  # a bigram counts once this many independent origins carry it


DEFAULT_WEIGHTS = RankWeights()


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
    stop = sorted(stop_words())
    if method == "edmundson":
        # As sumy's own command line sets it up: headings' words are the bonus words, else the
        # parser's built-in lists (which are Czech, so they match nothing in English text).
        from sumy.parsers.parser import DocumentParser

        summarizer.null_words = stop
        summarizer.bonus_words = bonus_words or DocumentParser.SIGNIFICANT_WORDS
        summarizer.stigma_words = DocumentParser.STIGMA_WORDS
    elif method != "random":
        summarizer.stop_words = stop
    return summarizer


def _sumy_document(pool: Pool, tok: _Tokenizer):
    """One paragraph per article, headed by its title; each fact once, in the article that
    carried it first. Returns the document and the fact index of each document sentence."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    order = {a.id: n for n, a in enumerate(pool.articles)}
    home: dict[str, list[tuple[int, int]]] = {}
    for i, fact in enumerate(pool.facts):
        first = min(fact.members, key=lambda m: (order.get(m.article_id, len(order)), m.index))
        home.setdefault(first.article_id, []).append((first.index, i))
    paragraphs = []
    index: list[int] = []
    for art in sorted(pool.articles, key=lambda a: order[a.id]):
        facts = sorted(home.get(art.id, ()))
        if not facts:
            continue
        heading = [SumySentence(art.title, tok, is_heading=True)] if art.title.strip() else []
        paragraphs.append(Paragraph(heading + [SumySentence(pool.facts[i].text, tok) for _, i in facts]))
        index.extend(i for _, i in facts)
    return ObjectDocumentModel(paragraphs), index


def _sumy_scores(pool: Pool, method: str, query: str | None) -> np.ndarray:
    """Each fact's rating under a sumy method, as the method itself rates it; higher is better.

    Every sumy summarizer ends in `_get_best_sentences(sentences, count, rating, ...)` with the
    rating of each sentence (a dict, or a callable: LSA's yields ranks in document order, so it
    must be called exactly once per sentence, in order). We rate there and stop.
    """
    import random as _random

    tok = _Tokenizer()
    doc, index = _sumy_document(pool, tok)
    bonus = tuple(w.lower() for w in WORD.findall(query or "")) or tuple(
        w.lower() for a in pool.articles for w in WORD.findall(a.title)
    )
    summarizer = _sumy_summarizer(method, bonus)
    captured: list[list[float]] = []

    def rate_all(sentences, count, rating, *args, **kwargs):
        if isinstance(rating, dict):
            captured.append([float(rating[s]) for s in sentences])
        else:
            captured.append([float(rating(s, *args, **kwargs)) for s in sentences])
        return ()

    summarizer._get_best_sentences = rate_all
    state = _random.getstate()
    _random.seed(0)  # `random` is deterministic for the same input
    try:
        summarizer(doc, len(index))
    finally:
        _random.setstate(state)
    scores = np.zeros(len(pool.facts))
    if captured and len(captured[-1]) == len(index):
        scores[index] = captured[-1]
    return scores


def lexrank(X, teleport: np.ndarray, damping: float, iterations: int = 100) -> np.ndarray:
    """Continuous LexRank on cosine similarities of the rows of X (L2-normalised, sparse).

    The similarity matrix S = X Xᵀ is never built: each power-iteration step applies it as
    X (Xᵀ v), so cost is linear in the text, not quadratic in the number of facts.
    """
    n = X.shape[0]
    degree = X @ (X.T @ np.ones(n))
    degree[degree <= 0] = 1.0
    p = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = damping * teleport + (1.0 - damping) * (X @ (X.T @ (p / degree)))
        new /= new.sum()
        done = np.abs(new - p).sum() < 1e-9
        p = new
        if done:
            break
    return p


def _scaled(v: np.ndarray) -> np.ndarray:
    top = float(v.max()) if v.size else 0.0
    return v / top if top > 0 else np.zeros_like(v)


def query_vector(pool: Pool, query: str, expansion: float) -> np.ndarray:
    """The query over the pool's stems, expanded with the words that share facts with it
    (one step of pseudo-relevance feedback, weighted by how on-topic each fact is)."""
    feats = features(pool)
    q = text_vector(feats, query)
    if expansion > 0 and q.any():
        X = feats.tfidf
        related = X.T @ (X @ q)
        norm = float(np.linalg.norm(related))
        if norm > 0:
            q = q + expansion * related / norm
            q /= float(np.linalg.norm(q))
    return q


def _default_scores(pool: Pool, query: str | None, weights: RankWeights) -> np.ndarray:
    """Centrality + concept coverage + lead position + corroboration, times sentence quality.

    With a query, LexRank's random jumps go mostly to on-topic facts (topic-sensitive
    LexRank) and similarity to the expanded query is added."""
    feats = features(pool)
    X = feats.tfidf
    n = X.shape[0]
    teleport = np.full(n, 1.0 / n)
    relevance = np.zeros(n)
    if query:
        relevance = X @ query_vector(pool, query, weights.query_expansion)
        if relevance.sum() > 0:
            share = min(max(weights.query_teleport, 0.0), 1.0)
            teleport = (1.0 - share) * teleport + share * relevance / relevance.sum()
    central = _scaled(lexrank(X, teleport, weights.damping))
    concept = np.where(feats.concept_weight >= weights.min_concept, feats.concept_weight, 0.0)
    coverage = _scaled(feats.concepts @ concept)
    lead = np.exp(-feats.lead / max(weights.position_scale, 1e-9))
    most = feats.origins.max()
    corroboration = (feats.origins - 1) / (most - 1) if most > 1 else np.zeros(n)
    score = (
        weights.centrality * central
        + weights.coverage * coverage
        + (weights.query_position if query else weights.position) * lead
        + weights.corroboration * corroboration
        + weights.query * _scaled(relevance)
    )
    return score * feats.quality**weights.quality


_SUMY_CACHE: OrderedDict[tuple, tuple[Pool, np.ndarray]] = OrderedDict()


def score_facts(
    pool: Pool,
    method: str = "default",
    query: str | None = None,
    weights: RankWeights = DEFAULT_WEIGHTS,
) -> np.ndarray:
    """One score per fact of the pool, aligned with `pool.facts`."""
    if method not in METHODS:
        raise UnknownMethodError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not pool.facts:
        return np.zeros(0)
    if method == "default":
        return _default_scores(pool, query, weights)
    # sumy's methods ignore the query (Edmundson takes it as bonus words), and are slow: the
    # sections of one briefing share one run.
    key = (id(pool), method, query if method == "edmundson" else None)
    hit = _SUMY_CACHE.get(key)
    if hit is None or hit[0] is not pool:
        hit = (pool, _sumy_scores(pool, method, query))
        _SUMY_CACHE[key] = hit
        while len(_SUMY_CACHE) > 8:
            _SUMY_CACHE.popitem(last=False)
    return hit[1].copy()
