"""The project's own ranker: centrality, coverage, lead position and corroboration, times sentence quality."""

from __future__ import annotations

import numpy as np

from briefing.pool.index import PoolIndex, text_vector
from briefing.settings import RankWeights


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


def query_vector(index: PoolIndex, query: str, expansion: float) -> np.ndarray:
    """The query over the facts' stems, expanded with the words that share facts with it
    (one step of pseudo-relevance feedback, weighted by how on-topic each fact is)."""
    q = text_vector(index.terms, query)
    if expansion > 0 and q.any():
        X = index.terms.tfidf
        related = X.T @ (X @ q)
        norm = float(np.linalg.norm(related))
        if norm > 0:
            q = q + expansion * related / norm
            q /= float(np.linalg.norm(q))
    return q


def default_scores(index: PoolIndex, query: str | None, weights: RankWeights) -> np.ndarray:
    """Centrality + concept coverage + lead position + corroboration, times sentence quality.

    With a query, LexRank's random jumps go mostly to on-topic facts (topic-sensitive
    LexRank) and similarity to the expanded query is added."""
    terms = index.terms
    X = terms.tfidf
    n = X.shape[0]
    teleport = np.full(n, 1.0 / n)
    relevance = np.zeros(n)
    if query:
        relevance = X @ query_vector(index, query, weights.query_expansion)
        if relevance.sum() > 0:
            share = min(max(weights.query_teleport, 0.0), 1.0)
            teleport = (1.0 - share) * teleport + share * relevance / relevance.sum()
    central = _scaled(lexrank(X, teleport, weights.damping))
    concept = np.where(terms.concept_weight >= weights.min_concept, terms.concept_weight, 0.0)
    coverage = _scaled(terms.concepts @ concept)
    lead = np.exp(-index.lead / max(weights.position_scale, 1e-9))
    most = index.origins.max()
    corroboration = (index.origins - 1) / (most - 1) if most > 1 else np.zeros(n)
    score = (
        weights.centrality * central
        + weights.coverage * coverage
        + (weights.query_position if query else weights.position) * lead
        + weights.corroboration * corroboration
        + weights.query * _scaled(relevance)
    )
    return score * index.quality**weights.quality
