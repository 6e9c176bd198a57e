"""Syndication: group articles that are copies of one original report into families.

Two independent reports of one event share facts, and often the same quotations, but rarely
the same reporting sentences word for word. A wire story and its reprints (re-edited into
house style, cut or extended) share many. So two articles are one family when enough of their
reporting sentences (not quotations, not short ones) are near-verbatim copies of each other,
both in number and as a share of the smaller article; families are the connected groups of
that relation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz.distance import Indel

from briefing.models import Article, Pool, Sentence
from briefing.pool.clusters import UnionFind
from briefing.pool.copied import Copies, PairCounts, copy_families, partners_of
from briefing.read.clean import fallback_outlet
from briefing.text.signature import Signature, comparison_key


@dataclass(frozen=True, slots=True)
class Corroboration:
    """The one definition of corroboration: independent origins are syndication families,
    and an outlet repeating itself does not corroborate itself."""

    family: Mapping[str, str]  # article id -> family id
    outlet: Mapping[str, str]  # article id -> its outlet, folded ("" when unknown)

    @classmethod
    def of(cls, pool: Pool) -> Corroboration:
        outlets: dict[str, str] = {}
        for art in pool.articles:
            outlets.setdefault(art.id, art.outlet.casefold().strip())
        return cls({a.id: pool.families.get(a.id, a.id) for a in pool.articles}, outlets)

    def independent(self, article_ids: Iterable[str]) -> int:
        """Independent origins among articles: one per family, and one per outlet."""
        keys: set[str] = set()
        seen_families: set[str] = set()
        for aid in article_ids:
            fam = self.family.get(aid, aid)
            if fam in seen_families:
                continue
            seen_families.add(fam)
            keys.add(self.outlet[aid] or fam)
        return len(keys)

    def copies(self, article_ids: Iterable[str]) -> int:
        """How many of these articles are reprints of another one among them."""
        ids = list(dict.fromkeys(article_ids))
        return len(ids) - len({self.family.get(a, a) for a in ids})


def originals_of(pool: Pool) -> dict[str, str]:
    """Article id -> id of its family's original: a member whose outlet and headline are known
    (a reader can look that one up), then the most complete one, then the first."""

    def rank(art: Article) -> tuple[bool, bool, int]:
        return (bool(named_outlet(art)), bool(art.title.strip()), len(art.text))

    best: dict[str, Article] = {}
    for art in pool.articles:
        fam = pool.families.get(art.id, art.id)
        if fam not in best or rank(art) > rank(best[fam]):
            best[fam] = art
    return {a.id: best[pool.families.get(a.id, a.id)].id for a in pool.articles}


def named_outlet(article: Article) -> str:
    """The article's outlet, or "" when it is only the file name standing in for one."""
    stand_in = fallback_outlet(replace(article, outlet="")).outlet
    return "" if article.outlet == stand_in else article.outlet


MIN_WORDS = 8  # shorter sentences are too generic to show copying


COPY_SIMILARITY = 0.9  # normalised token similarity of a copied sentence (both ways)


MIN_SHARED = 3  # copied sentences that make two articles one family ...


MIN_SHARE = 0.3  # ... when they are also this share of the smaller article's reporting


QUOTED = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")


def quoted_share(text: str) -> float:
    """Share of a sentence's characters inside quotation marks."""
    inside = sum(len(m.group(1)) for m in QUOTED.finditer(text))
    return inside / max(1, len(text))


def reporting(sentence: Sentence, sig: Signature) -> bool:
    """A sentence in the reporter's own words, long enough that a copy of it means copying."""
    return len(sig.core) >= MIN_WORDS and quoted_share(sentence.text) < 0.5


def passes(n: int, smaller: int) -> bool:
    """Two articles with n copied reporting sentences are one family (`smaller`: reporting
    sentences of the smaller one): many copies, or most of a short article; in both cases a
    real share of the smaller one."""
    return n >= 1 and n >= MIN_SHARE * smaller and (n >= MIN_SHARED or n >= 0.5 * smaller)


def families_from_copies(
    articles: Sequence[Article],
    flat: Sequence[Sentence],
    signatures: Sequence[Signature],
    groups: Sequence[list[int]],
    relations: Sequence[tuple[int, int, bool | None]],
    loose: Sequence[tuple[int, int]],
) -> dict[str, str]:
    """Article id -> family id (the smallest article id of the family: order-independent).

    `groups`: the sentences of each text; `relations`: (u, v, u's member first or not, None:
    either) for the texts whose pairs were decided level 1, (u, u, None) for a text whose
    copies count, both reporting; `loose`: more pairs of sentences that are copies. A pair of
    sentences in two articles is a copy when its full token sequences (attributions and time
    words included) are nearly identical; the count for two articles is the smaller of the two
    directions (`pool.copied` counts it without listing every pair)."""
    if not articles:
        return {}
    index = {a.id: k for k, a in enumerate(articles)}
    article = [index[s.article_id] for s in flat]
    keep = [reporting(s, g) for s, g in zip(flat, signatures, strict=True)]
    counts = [0] * len(articles)
    order = [0] * len(articles)
    for i, x in enumerate(article):
        counts[x] += keep[i]
        order[x] = i  # sentences of one article are consecutive: any of its indices orders it
    text_of = [0] * len(flat)
    for u, idx in enumerate(groups):
        for i in idx:
            text_of[i] = u

    def copy(i: int, j: int) -> bool:
        return Indel.normalized_similarity(signatures[i].words, signatures[j].words) >= COPY_SIMILARITY

    kept = [(u, v, f) for u, v, f in relations if keep[groups[u][0]] and keep[groups[v][0]]
            and (u == v or copy(groups[u][0], groups[v][0]))]
    copies = Copies(partners_of(len(groups), kept),
                    groups, article, order, text_of)
    pairs = PairCounts(copies, [(i, j) for i, j in loose if keep[i] and keep[j] and copy(i, j)])
    sets = UnionFind(len(articles))
    copy_families(pairs, counts, passes, sets)
    # the same text run twice (under another name or address) is a copy whatever it holds
    same_text: dict[str, int] = {}
    for k, art in enumerate(articles):
        sets.union(same_text.setdefault(comparison_key(art.text), k), k)
    members: dict[int, list[str]] = defaultdict(list)
    for k, art in enumerate(articles):
        members[sets.find(k)].append(art.id)
    return {aid: min(ids) for ids in members.values() for aid in ids}
