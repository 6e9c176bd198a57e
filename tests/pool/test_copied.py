"""Families counted text by text (`pool.copied`) are the families of every pair of sentences.

The reference lists every pair of copied sentences, as the pool did before (quadratic in how
many articles carry one line); the light/heavy counting must give the same families for any
articles, texts, relations and loose pairs, light or heavy."""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from briefing.models import Article, Sentence
from briefing.pool import copied
from briefing.pool.clusters import components
from briefing.pool.copies import cross_article_pairs, text_groups
from briefing.pool.families import COPY_SIMILARITY, families_from_copies, passes, reporting
from briefing.text.signature import comparison_key, signature

TEXTS = [
    "The Lakeport bridge reopened to traffic on Monday, six weeks after a storm hit the coast.",
    "The Lakeport bridge reopened to traffic on Monday, six weeks after a storm hit the coast, officials said.",
    "Engineers replaced forty metres of roadway and two support cables at a cost of twelve million dollars.",
    "Commuters had faced detours of up to forty five minutes while the old bridge was closed for repairs.",
    "Local shop owners said trade had fallen by a third during the closure of the main bridge.",
    "Filed by the agency desk for the regional news service, all rights reserved by the agency.",
    "Short line.",
    "“We are very happy that the bridge is open again after all this time,” the mayor said.",
]


def reference(articles, flat, signatures, groups, relations, loose) -> dict[str, str]:
    """The pairwise count: every pair of copied sentences listed, then counted per article pair."""
    art = np.array([next(k for k, a in enumerate(articles) if a.id == s.article_id) for s in flat])
    found = [np.asarray(loose, dtype=np.int64).reshape(-1, 2)]
    for u, v, u_first in relations:
        found.append(cross_article_pairs(groups[u], groups[v], art, u_first if u != v else None))
    pairs = np.concatenate(found).tolist()
    keep = [reporting(s, g) for s, g in zip(flat, signatures, strict=True)]
    counts = [0] * len(articles)
    for i in range(len(flat)):
        counts[art[i]] += keep[i]
    got: dict[tuple[int, int], set[int]] = defaultdict(set)
    for i, j in pairs:
        x, y = art[i], art[j]
        if x == y or not (keep[i] and keep[j]):
            continue
        if Indel.normalized_similarity(signatures[i].words, signatures[j].words) >= COPY_SIMILARITY:
            got[x, y].add(i)
            got[y, x].add(j)
    links = [(x, y) for (x, y), s in got.items() if x < y
             and passes(min(len(s), len(got[y, x])), min(counts[x], counts[y]))]
    by_text: dict[str, list[int]] = defaultdict(list)
    for k, a in enumerate(articles):
        by_text[comparison_key(a.text)].append(k)
    links += [(ks[0], k) for ks in by_text.values() for k in ks[1:]]
    label = components(len(articles), links)
    members: dict[int, list[str]] = defaultdict(list)
    for k, a in enumerate(articles):
        members[label[k]].append(a.id)
    return {aid: min(ids) for ids in members.values() for aid in ids}


def _inputs(picks: list[list[int]], rels: list[tuple[int, int, int]]):
    articles, flat = [], []
    for k, chosen in enumerate(picks):
        aid = f"a{k:03d}"
        body = " ".join(TEXTS[t] for t in chosen)
        articles.append(Article(id=aid, source=f"{aid}.txt", text=body))
        flat += [Sentence(f"{aid}:{n}", aid, n, TEXTS[t]) for n, t in enumerate(chosen)]
    signatures = [signature(s.text) for s in flat]
    groups = text_groups([s.text for s in flat])
    text_index = {flat[g[0]].text: u for u, g in enumerate(groups)}
    relations = [(u, u, None) for u in range(len(groups))]
    for a, b, f in rels:
        if TEXTS[a] in text_index and TEXTS[b] in text_index and a != b:
            u, v = sorted((text_index[TEXTS[a]], text_index[TEXTS[b]]))
            relations.append((u, v, (None, True, False)[f]))
    loose = [(groups[u][0], groups[u][-1]) for u in range(len(groups)) if len(groups[u]) > 1][:2]
    return articles, flat, signatures, groups, relations, loose


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.lists(st.integers(0, len(TEXTS) - 1), min_size=1, max_size=5), min_size=1, max_size=14),
    rels=st.lists(st.tuples(st.integers(0, len(TEXTS) - 1), st.integers(0, len(TEXTS) - 1), st.integers(0, 2)),
                  max_size=6),
    light=st.sampled_from([0, 2, 5, 32]),
)
def test_families_are_those_of_every_pair(picks, rels, light):
    inputs = _inputs(picks, rels)
    old = copied.LIGHT_PARTNERS
    copied.LIGHT_PARTNERS = light  # 0: every text heavy; 32: every text light here
    try:
        assert families_from_copies(*inputs) == reference(*inputs)
    finally:
        copied.LIGHT_PARTNERS = old


def test_one_line_on_every_article_is_not_paired_out():
    """10,000 articles carrying one reporting line each (an agency footer) and their own
    reporting: no pairs listed (50 M of them), each its own family, in seconds."""
    n = 10_000
    own = TEXTS[:5]
    flat, articles = [], []
    for k in range(n):
        aid = f"a{k:05d}"
        lines = [f"{own[m]} Item {k}-{m}." for m in range(5)] + [TEXTS[5]]
        articles.append(Article(id=aid, source=f"{aid}.txt", text=" ".join(lines)))
        flat += [Sentence(f"{aid}:{m}", aid, m, t) for m, t in enumerate(lines)]
    # each article's own lines are distinct texts; their signatures are those of the templates
    sig_of = [signature(t) for t in own] + [signature(TEXTS[5])]
    signatures = [sig_of[s.index] for s in flat]
    groups = text_groups([s.text for s in flat])
    footer = next(u for u, g in enumerate(groups) if flat[g[0]].text == TEXTS[5])
    t = time.process_time()
    families = families_from_copies(articles, flat, signatures, groups, [(footer, footer, None)], [])
    assert time.process_time() - t < 5
    assert len(set(families.values())) == n
