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
from briefing.pool.clusters import components
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


def shared_counts(
    articles: Sequence[Article],
    flat: Sequence[Sentence],
    signatures: Sequence[Signature],
    pairs: Sequence[tuple[int, int]],
) -> tuple[dict[tuple[int, int], int], list[int]]:
    """({(x, y): copied reporting sentences, for articles x < y that share any},
    reporting sentences per article).

    A copy is a level-1 pair whose full token sequences (attributions and time words included)
    are nearly identical; the count for two articles is the smaller of the two directions.
    Only articles sharing a copied sentence appear: nothing is computed per pair of articles.
    """
    index = {a.id: k for k, a in enumerate(articles)}
    counts = [0] * len(articles)
    keep = [reporting(s, g) for s, g in zip(flat, signatures, strict=True)]
    for i, s in enumerate(flat):
        counts[index[s.article_id]] += keep[i]
    copied: dict[tuple[int, int], set[int]] = defaultdict(set)
    for i, j in pairs:
        x, y = index[flat[i].article_id], index[flat[j].article_id]
        if x == y or not (keep[i] and keep[j]):
            continue
        if Indel.normalized_similarity(signatures[i].words, signatures[j].words) >= COPY_SIMILARITY:
            copied[x, y].add(i)
            copied[y, x].add(j)
    shared = {(x, y): min(len(got), len(copied[y, x])) for (x, y), got in copied.items() if x < y}
    return shared, counts


def families_from_links(
    articles: Sequence[Article],
    flat: Sequence[Sentence],
    signatures: Sequence[Signature],
    pairs: Sequence[tuple[int, int]],
) -> dict[str, str]:
    """Article id -> family id (the smallest article id of the family: order-independent)."""
    if not articles:
        return {}
    shared, counts = shared_counts(articles, flat, signatures, pairs)
    links: list[tuple[int, int]] = []
    for (x, y), n in shared.items():
        smaller = min(counts[x], counts[y])
        # many copies, or most of a short article; in both cases a real share of the smaller one
        if n >= 1 and n >= MIN_SHARE * smaller and (n >= MIN_SHARED or n >= 0.5 * smaller):
            links.append((x, y))
    # the same text run twice (under another name or address) is a copy whatever it holds
    same_text: dict[str, list[int]] = defaultdict(list)
    for k, art in enumerate(articles):
        same_text[comparison_key(art.text)].append(k)
    for ks in same_text.values():
        links.extend((ks[0], k) for k in ks[1:])
    label = components(len(articles), links)
    members: dict[int, list[str]] = defaultdict(list)
    for k, art in enumerate(articles):
        members[label[k]].append(art.id)
    return {aid: min(ids) for ids in members.values() for aid in ids}
