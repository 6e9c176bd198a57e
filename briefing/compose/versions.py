"""Versions of a fact: of the sentences that carry one claim, the bullet shows the shortest.

Two facts are versions of one claim when each carries the other's claim (support both ways,
`briefing.pool.support`): independent outlets' wordings of one piece of news. The shortest
one that can stand as a bullet says it in the fewest words and leaves the budget for more
facts; its citations are those of every version.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from briefing.pool.index import PoolIndex


def shortest_versions(index: PoolIndex, unfit: Collection[str]) -> dict[int, int]:
    """Fact row -> row of a shorter version of its claim to show instead (only where one
    exists); `unfit`: ids of facts that cannot stand as a bullet."""
    facts, row = index.facts, index.row
    out: dict[int, int] = {}
    supports: dict[int, frozenset[str]] = {}  # a fact's supporters as a set, made when first asked
    for k, fact in enumerate(facts):
        best = k
        for fid in fact.support:
            j = row.get(fid)
            if j is not None and j not in supports:
                supports[j] = frozenset(facts[j].support)
            if j is None or fact.id not in supports[j] or fid in unfit:
                continue  # outside the pool, only a part of the claim, or no bullet
            if (index.words[j], fid) < (index.words[best], facts[best].id):
                best = j
        if best != k:
            out[k] = best
    return out


def credited_articles(index: PoolIndex, rows: Iterable[int]) -> tuple[str, ...]:
    """Every article carrying the claim of any of these versions (rows), in input order."""
    arts = {a for k in rows for a in index.credit[k]}
    return tuple(a.id for a in index.pool.articles if a.id in arts)
