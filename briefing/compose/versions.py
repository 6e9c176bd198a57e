"""Versions of a fact: of the sentences that carry one claim, the bullet shows the shortest.

Two facts are versions of one claim when each carries the other's claim (support both ways,
`briefing.pool.support`): independent outlets' wordings of one piece of news. The shortest
one that can stand as a bullet says it in the fewest words and leaves the budget for more
facts; its citations are those of every version.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from briefing.models import Fact, Pool
from briefing.pool.support import supported_articles


def shortest_versions(pool: Pool, unfit: Collection[str]) -> dict[int, int]:
    """Fact index -> index of a shorter version of its claim to show instead (only where one
    exists); `unfit`: ids of facts that cannot stand as a bullet."""
    by_id = {f.id: k for k, f in enumerate(pool.facts)}
    out: dict[int, int] = {}
    for k, fact in enumerate(pool.facts):
        best, best_words = k, len(fact.text.split())
        for fid in fact.support:
            other = pool.facts[by_id[fid]]
            if fact.id not in other.support or fid in unfit:
                continue  # only a part of the claim, or no bullet
            words = len(other.text.split())
            if (words, other.id) < (best_words, pool.facts[best].id):
                best, best_words = by_id[fid], words
        if best != k:
            out[k] = best
    return out


def credited_articles(pool: Pool, facts: Collection[Fact], index: Mapping[str, int]) -> tuple[str, ...]:
    """Every article carrying the claim of any of these versions, in input order."""
    arts = {a for f in facts for a in supported_articles(pool, f, index)}
    return tuple(a.id for a in pool.articles if a.id in arts)
