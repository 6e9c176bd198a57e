"""Copied reporting sentences counted per pair of articles, without listing every pair.

Two articles are one family when enough of their reporting sentences are copies of each other
(`pool.families`). Copies are known per text: the copies of one text are copies of one another,
and two texts are copies when their pair was decided level 1 (for one order of their members or
both) and their words are nearly identical. Listing every pair of sentences would be quadratic
in how many articles carry one line (an agency footer on every article): a line carried by
10,000 articles is 50 million pairs. So texts with few partners ("light") are paired sentence by
sentence, as before; a text with more than `LIGHT_PARTNERS` partner sentences ("heavy") is
never paired out. A pair of articles is then counted exactly, on demand, when it can be a link:
when a light text pairs them, or when both carry enough heavy sentences to pass the thresholds
on those alone (`could_pass`; its smaller article always does, so the pairs are found from such
articles), and never once the two are already in one family (families are connected groups:
one more link between them changes nothing). The families are those of every pair counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing.pool.clusters import UnionFind

LIGHT_PARTNERS = 32  # a text with more partner sentences is counted per pair of articles on demand


@dataclass(frozen=True, slots=True)
class Partner:
    """Text `text` is a copy of this one when this one's member comes first (`first`) or
    second (`second`) in the pool's order."""

    text: int
    first: bool
    second: bool


@dataclass(slots=True)
class Copies:
    """The copy relation over texts, and where each text is (articles as indices)."""

    partners: list[list[Partner]]  # per text
    members: Sequence[list[int]]  # sentence indices per text (ascending)
    article: Sequence[int]  # sentence -> article index
    order: Sequence[int]  # article index -> its place in the pool's order (sentences ascend by it)
    text_of: Sequence[int]  # sentence -> text


def partners_of(n_texts: int, relations: Sequence[tuple[int, int, bool | None]]) -> list[list[Partner]]:
    """Per text, its partners, from (u, v, u's member first: True / False / either: None);
    u == v: the copies of one text."""
    partners: list[list[Partner]] = [[] for _ in range(n_texts)]
    for u, v, u_first in relations:
        if u == v:
            partners[u].append(Partner(u, True, True))
            continue
        partners[u].append(Partner(v, u_first is not False, u_first is not True))
        partners[v].append(Partner(u, u_first is not True, u_first is not False))
    return partners


class PairCounts:
    """Copied sentences from article x to article y (x's sentences with a copy in y)."""

    def __init__(self, copies: Copies, loose: Sequence[tuple[int, int]]) -> None:
        self.c = copies
        n_texts = len(copies.members)
        self.heavy = [sum(len(copies.members[p.text]) for p in copies.partners[u]) > LIGHT_PARTNERS
                      for u in range(n_texts)]
        self.light: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.heavy_of: dict[int, list[int]] = defaultdict(list)  # article -> its heavy sentences
        self.texts_of: dict[int, set[int]] = defaultdict(set)  # article -> its texts
        for u, idx in enumerate(copies.members):
            for i in idx:
                self.texts_of[copies.article[i]].add(u)
            if not copies.partners[u]:
                continue
            if self.heavy[u]:
                for i in idx:
                    self.heavy_of[copies.article[i]].append(i)
            else:
                self._pair_light(u)
        for i, j in loose:
            x, y = copies.article[i], copies.article[j]
            if x != y:
                self.light[x, y].add(i)
                self.light[y, x].add(j)

    def _pair_light(self, u: int) -> None:
        c = self.c
        for i in c.members[u]:
            x = c.article[i]
            for p in c.partners[u]:
                for j in c.members[p.text]:
                    y = c.article[j]
                    if y != x and (p.first if c.order[x] < c.order[y] else p.second):
                        self.light[x, y].add(i)

    def count(self, x: int, y: int) -> int:
        """x's sentences with a copy in y."""
        c = self.c
        got = self.light.get((x, y), set())
        extra = 0
        there = self.texts_of[y]
        x_first = c.order[x] < c.order[y]
        for i in self.heavy_of.get(x, ()):
            if i not in got and any((p.first if x_first else p.second) and p.text in there
                                    for p in c.partners[c.text_of[i]]):
                extra += 1
        return len(got) + extra

    def partners_in(self, x: int, u: int, p: Partner) -> set[int]:
        """The articles where x's text u has its copy p (never x)."""
        c = self.c
        found: set[int] = set()
        for j in c.members[p.text]:
            y = c.article[j]
            if y != x and (p.first if c.order[x] < c.order[y] else p.second):
                found.add(y)
        return found


def copy_families(
    counts: PairCounts, reporting: Sequence[int], passes: Callable[[int, int], bool],
    sets: UnionFind,
) -> None:
    """Join in `sets` each pair of articles whose copied sentences (the smaller of the two
    directions) pass `passes(n, reporting sentences of the smaller article)`."""
    seen: set[tuple[int, int]] = set()

    def try_pair(x: int, y: int) -> None:
        key = (min(x, y), max(x, y))
        if key in seen or sets.find(x) == sets.find(y):
            return
        seen.add(key)
        n = min(counts.count(x, y), counts.count(y, x))
        if passes(n, min(reporting[x], reporting[y])):
            sets.union(x, y)

    for x, y in list(counts.light):
        try_pair(x, y)
    heavy = {x: len(v) for x, v in counts.heavy_of.items()}
    done: set[tuple[int, int]] = set()  # text pairs whose articles are all in one family
    c = counts.c
    for x in sorted(heavy):
        # a pair no light text joins has at most its heavy sentences copied: its smaller article
        # must pass on those alone (it finds the pair), and the other one too
        if not passes(heavy[x], reporting[x]):
            continue
        for u in dict.fromkeys(c.text_of[i] for i in counts.heavy_of[x]):
            for p in c.partners[u]:
                if (u, p.text) in done:
                    continue
                for y in sorted(counts.partners_in(x, u, p)):
                    smaller = min(reporting[x], reporting[y])
                    if passes(min(heavy[x], heavy.get(y, 0)), smaller):
                        try_pair(x, y)
                if len({sets.find(c.article[i]) for i in (*c.members[u], *c.members[p.text])}) == 1:
                    done.add((u, p.text))
