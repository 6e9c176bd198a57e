"""Union-find: articles joined into families, sentences into facts (scipy.sparse.csgraph would
import scipy.linalg, ~0.1 s a process, for this alone)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


class UnionFind:
    """Disjoint sets of 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def components(n: int, links: Iterable[tuple[int, int]]) -> list[int]:
    """Connected-component label of each of 0..n-1, given linked pairs."""
    sets = UnionFind(n)
    for x, y in links:
        sets.union(x, y)
    return [sets.find(k) for k in range(n)]


class KeptApart(UnionFind):
    """Union-find that refuses a join putting two members marked apart in one set."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.members: dict[int, set[int]] = {i: {i} for i in range(n)}
        self.apart: dict[int, set[int]] = defaultdict(set)

    def keep_apart(self, i: int, j: int) -> None:
        self.apart[self.find(i)].add(j)
        self.apart[self.find(j)].add(i)

    def join(self, i: int, j: int) -> bool:
        """Join the sets of i and j unless one holds a member kept apart from the other's."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        if self.apart[ri] & self.members[rj] or self.apart[rj] & self.members[ri]:
            return False
        if len(self.members[ri]) < len(self.members[rj]):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.members[ri] |= self.members.pop(rj)
        self.apart[ri] |= self.apart.pop(rj, set())
        return True
