"""Settings of one build (method, prompt, budget, size limit, ranker weights), filled by the CLI or the daily config."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


FETCH_TIMEOUT = 20.0  # seconds for one whole download, redirects included


USER_AGENT = "briefing/0.1 (news briefing tool; polite single fetch per URL)"


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


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one build needs; the CLI fills it from options."""

    method: str = "default"
    prompt: str = "default"
    sentences: int | None = None
    words: int | None = None
    date: str | None = None  # pins the briefing date (default: newest article date, else today)
    max_bytes: int = DEFAULT_MAX_BYTES
    weights: RankWeights = RankWeights()
    workers: int | None = None  # processes working at once (None: BRIEFING_WORKERS, else by idle CPUs)
    scheduler: str | None = None  # Dask scheduler of the parallel work (None: BRIEFING_SCHEDULER, else none)
    allow_private: bool = False  # fetch URLs on private, loopback and link-local addresses
