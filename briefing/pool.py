"""Pool: merge sentences that state the same fact into one `Fact` crediting every source.

Stages: normalise every sentence (`normalize`), find candidate pairs with a thresholded sparse
product of TF-IDF vectors (sub-quadratic in practice: only pairs sharing weighted words are
ever scored), decide each candidate (`similarity`), then join decided pairs strongest first
unless a join would put two sentences that differ in substance in one fact. Articles that
are copies of one report are grouped into families (`syndication`); a fact's origins are the
families that carry it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from briefing.models import Article, Fact, Pool, Sentence
from briefing.normalize import Signature, comparison_key, signature
from briefing.parallel import map_ordered
from briefing.similarity import RELATED_THRESHOLD, Decision, decide
from briefing.syndication import families_from_links

CANDIDATE_COSINE = 0.4  # TF-IDF cosine below which a pair is never scored
CHUNK_ROWS = 2048  # rows of the sparse product computed at once (bounds memory)
# Candidates kept per distinct sentence (all of them on every dev cluster, where the most any
# sentence has is 38): bounds the cost of many near-identical lines to grow linearly.
MAX_NEIGHBOURS = 64
PARALLEL_SENTENCES = 3000  # from this many sentences, signatures are made on two cores
PARALLEL_PAIRS = 400  # from this many candidate pairs, decisions are made on two cores
WELL_FORMED = re.compile(r"""^["'“‘(]?[A-Z0-9].*[.!?…]["'”’)]*$""", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Link:
    """A decided candidate pair (indices into the flat sentence list)."""

    i: int
    j: int
    decision: Decision


def _idf(signatures: Sequence[Signature]) -> tuple[dict[str, float], float]:
    # Over distinct sentences: a copied article must not make its own words look common, or
    # duplicating an input would change which sentences merge.
    distinct = {(sig.stems, sig.numbers) for sig in signatures}
    df: Counter[str] = Counter()
    for stems, numbers in distinct:
        df.update(stems)
        df.update(numbers)
    n = len(distinct)
    idf = {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items()}
    return idf, math.log(n + 1) + 1.0


def normalise(text: str) -> str:
    """Exact-copy key of a sentence (quotes, dashes, spacing, case and punctuation folded)."""
    return comparison_key(text)


def candidate_pairs(signatures: Sequence[Signature], idf: dict[str, float], threshold: float) -> np.ndarray:
    """Pairs (i < j) whose TF-IDF cosine over stems and numbers reaches `threshold`.

    Computed as a chunked sparse product, keeping only entries above the threshold, so memory
    and time follow the number of similar pairs rather than the square of the pool. Sentences
    with the same stems and numbers (copies, reprints) share one row of the product: their
    cosines are the same numbers, and each pair of rows is expanded to all its sentences. A
    pair of rows is kept when either is among the other's `MAX_NEIGHBOURS` most similar rows.
    """
    n = len(signatures)
    row_of: dict[frozenset[str], int] = {}
    members: list[list[int]] = []
    for i, sig in enumerate(signatures):
        key = sig.stems | sig.numbers
        r = row_of.setdefault(key, len(row_of))
        if r == len(members):
            members.append([])
        members[r].append(i)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    words = [sorted(key) for key in row_of]
    vocab: dict[str, int] = {}
    cols = [vocab.setdefault(w, len(vocab)) for ws in words for w in ws]
    if not vocab:
        return np.zeros((0, 2), dtype=np.int64)
    m = len(row_of)
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=m), out=indptr[1:])
    weight = np.fromiter((idf[w] for w in vocab), dtype=np.float64, count=len(vocab))
    x = sparse.csr_matrix((weight[cols], np.asarray(cols, dtype=np.int64), indptr), shape=(m, len(vocab)))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = sparse.diags(1.0 / norms) @ x
    xt = x.T.tocsr()
    # each row's MAX_NEIGHBOURS most similar other rows (ties: the lower row), so that many
    # near-identical lines (a boilerplate sentence with a name or number changed) cost
    # MAX_NEIGHBOURS decisions each instead of one per pair of them
    near: list[np.ndarray] = []
    for start in range(0, m, CHUNK_ROWS):
        block = (x[start : start + CHUNK_ROWS] @ xt).tocoo()
        keep = (block.data >= threshold) & (block.row + start != block.col)
        us, vs, sims = block.row[keep] + start, block.col[keep], block.data[keep]
        order = np.lexsort((vs, -sims, us))
        us, vs = us[order], vs[order]
        rank = np.arange(len(us)) - np.searchsorted(us, us, side="left")
        top = rank < MAX_NEIGHBOURS
        near.append(np.minimum(us[top], vs[top]) * m + np.maximum(us[top], vs[top]))
    row_pairs = np.unique(np.concatenate(near)) if near else np.zeros(0, dtype=np.int64)
    us, vs = row_pairs // m, row_pairs % m
    # the sentence of a row that stands for one sentence only, else -1 (copies: expanded below)
    alone = np.array([ms[0] if len(ms) == 1 else -1 for ms in members], dtype=np.int64)
    a, b = alone[us], alone[vs]
    simple = (a >= 0) & (b >= 0)
    found = [np.column_stack([np.minimum(a[simple], b[simple]), np.maximum(a[simple], b[simple])])]
    for u, v in zip(us[~simple].tolist(), vs[~simple].tolist(), strict=True):
        ai = np.repeat(np.asarray(members[u], dtype=np.int64), len(members[v]))
        bj = np.tile(np.asarray(members[v], dtype=np.int64), len(members[u]))
        found.append(np.column_stack([np.minimum(ai, bj), np.maximum(ai, bj)]))
    for ms, ws in zip(members, words, strict=True):  # copies of one another: every pair of them
        if len(ms) > 1 and ws:
            idx = np.asarray(ms, dtype=np.int64)
            iu, ju = np.triu_indices(len(ms), k=1)
            found.append(np.column_stack([idx[iu], idx[ju]]))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs


class _Clusters:
    """Union-find that refuses a join putting two sentences marked apart in one cluster."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, set[int]] = {i: {i} for i in range(n)}
        self.apart: dict[int, set[int]] = defaultdict(set)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def keep_apart(self, i: int, j: int) -> None:
        self.apart[self.find(i)].add(j)
        self.apart[self.find(j)].add(i)

    def join(self, i: int, j: int) -> bool:
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


def decide_links(flat: Sequence[Sentence], signatures: Sequence[Signature]) -> list[Link]:
    """Every candidate pair with its decision (exact copies included)."""
    idf, default_idf = _idf(signatures)
    pairs = candidate_pairs(signatures, idf, CANDIDATE_COSINE).tolist()
    # one decision per distinct (text, text, same article): copies recur in many pairs
    task_of: dict[tuple[str, str, bool], int] = {}
    tasks: list[tuple[int, int, bool]] = []
    keys: list[int] = []
    for i, j in pairs:
        # within one article only near-verbatim repeats (a repeated lead) are one fact
        same_article = flat[i].article_id == flat[j].article_id
        key = (flat[i].text, flat[j].text, same_article)
        if key not in task_of:
            task_of[key] = len(tasks)
            tasks.append((i, j, same_article))
        keys.append(task_of[key])
    decisions = map_ordered(
        lambda t: decide(signatures[t[0]], signatures[t[1]], idf, default_idf, allow_level2=not t[2]),
        tasks,
        PARALLEL_PAIRS,
        cost=lambda t: len(signatures[t[0]].words) + len(signatures[t[1]].words),
    )
    links: list[Link] = []
    for (i, j), k in zip(pairs, keys, strict=True):
        d = decisions[k]
        if d.level or d.veto or d.cut or d.score >= RELATED_THRESHOLD:
            links.append(Link(i, j, d))
    # exact copies with no content words (short quotes) never become candidates
    by_key: dict[str, int] = {}
    for i, s in enumerate(flat):
        key = comparison_key(s.text)
        if key and key in by_key and not signatures[i].stems:
            links.append(Link(by_key[key], i, Decision(1, 1.0)))
        by_key.setdefault(key, i)
    return links


def _canonical(members: Sequence[Sentence]) -> str:
    """The most widely carried complete wording; ties go to the longer, then the smaller text."""
    carried: dict[str, set[str]] = defaultdict(set)
    for m in members:
        carried[m.text].add(m.article_id)
    return min(
        carried,
        key=lambda t: (not WELL_FORMED.match(t), -len(carried[t]), -len(t), t),
    )


def _sort_key(s: Sentence) -> tuple[str, int, str]:
    return (s.article_id, s.index, s.text)


def build_pool(articles: Sequence[Article], sentences: Sequence[Sequence[Sentence]]) -> Pool:
    """Merge the sentences of `articles` into facts; `sentences[k]` belongs to `articles[k]`."""
    order = {a.id: k for k, a in enumerate(articles)}
    flat = sorted((s for sents in sentences for s in sents if s.text.strip()), key=_sort_key)
    flat = list({s.id: s for s in flat}.values())  # a sentence given twice is one sentence
    signatures = map_ordered(signature, [s.text for s in flat], PARALLEL_SENTENCES, cost=len)
    links = decide_links(flat, signatures)

    # families first: they come from near-verbatim copies, which no merge decision changes
    level1_pairs = [(ln.i, ln.j) for ln in links if ln.decision.level == 1]
    families = families_from_links(articles, flat, signatures, level1_pairs)

    def accepted(link: Link) -> bool:
        if link.decision.level:
            return True
        # a copy cut short by one reprint is the same fact; across origins it may be a new one
        fam_i, fam_j = families[flat[link.i].article_id], families[flat[link.j].article_id]
        return link.decision.cut and not link.decision.veto and fam_i == fam_j

    clusters = _Clusters(len(flat))
    for link in links:
        if link.decision.veto:
            clusters.keep_apart(link.i, link.j)
    merged = [ln for ln in links if accepted(ln)]
    merged.sort(key=lambda ln: (ln.decision.level or 1, -ln.decision.score, ln.i, ln.j))
    for link in merged:
        clusters.join(link.i, link.j)
    lengths = {a.id: max(1, len(s)) for a, s in zip(articles, sentences, strict=True)}
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(flat)):
        groups[clusters.find(i)].append(i)

    drafts = []
    for idx in groups.values():
        members = [flat[i] for i in idx]
        position = min(m.index / lengths[m.article_id] for m in members)
        text = _canonical(members)
        drafts.append((position, text, idx))
    drafts.sort(key=lambda d: (d[0], d[1], [flat[i].id for i in d[2]]))
    fact_of: dict[int, int] = {}
    for n, (_, _, idx) in enumerate(drafts):
        for i in idx:
            fact_of[i] = n
    ids = [f"f{n + 1}" for n in range(len(drafts))]

    related: dict[int, set[int]] = defaultdict(set)
    for link in links:
        a, b = fact_of[link.i], fact_of[link.j]
        if a != b and (link.decision.veto or link.decision.cut or link.decision.score >= RELATED_THRESHOLD):
            related[a].add(b)
            related[b].add(a)

    facts: list[Fact] = []
    for n, (position, text, idx) in enumerate(drafts):
        members = sorted((flat[i] for i in idx), key=lambda m: (order[m.article_id], m.index))
        arts = tuple(dict.fromkeys(m.article_id for m in members))
        origins = tuple(sorted({families[a] for a in arts}))
        facts.append(
            Fact(
                id=ids[n],
                text=text,
                members=tuple(members),
                articles=arts,
                origins=origins,
                related=tuple(ids[r] for r in sorted(related[n])),
                position=position,
            )
        )
    return Pool(articles=tuple(articles), facts=tuple(facts), families=families)


def pool_to_dict(pool: Pool) -> dict:
    """The pool as plain data (what `briefing pool --json` prints)."""
    labels = {a.id: a.label for a in pool.articles}
    return {
        "articles": [
            {
                "id": a.id,
                "file": a.label,
                "outlet": a.outlet,
                "title": a.title,
                "date": a.date,
                "family": pool.families.get(a.id, a.id),
            }
            for a in pool.articles
        ],
        "facts": [
            {
                "id": f.id,
                "text": f.text,
                "members": [
                    {"article": m.article_id, "file": labels.get(m.article_id, ""), "text": m.text}
                    for m in f.members
                ],
                "articles": list(f.articles),
                "origins": list(f.origins),
                "related": list(f.related),
            }
            for f in pool.facts
        ],
    }
