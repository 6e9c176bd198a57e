"""Pool: merge sentences that state the same fact into one `Fact` crediting every source.

Steps: every sentence's signature (`text.signature`), candidate pairs from a thresholded
sparse product of TF-IDF vectors (`pool.candidates`; sub-quadratic in practice: only pairs
sharing weighted words are ever scored), each candidate decided (`pool.decisions`), then
decided pairs joined strongest first unless a join would put two sentences that differ in
substance in one fact. Articles that are copies of one report are grouped into families
(`pool.families`); a fact's origins are the families that carry it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from briefing.executor import map_ordered
from briefing.models import Article, Fact, Pool, Sentence
from briefing.pool.candidates import CANDIDATE_COSINE, candidate_pairs
from briefing.pool.clusters import KeptApart
from briefing.pool.copies import SAME_ARTICLE, first_pairs, text_groups
from briefing.pool.decisions import RELATED_THRESHOLD, Decision, decide
from briefing.pool.families import families_from_copies, reporting
from briefing.pool.support import with_support
from briefing.text.signature import Signature, comparison_key, signature

PARALLEL_SENTENCES = 3000  # from this many sentences, signatures are made on two cores


PARALLEL_PAIRS = 400  # from this many candidate pairs, decisions are made on two cores


WELL_FORMED = re.compile(r"""^["'“‘(]?[A-Z0-9].*[.!?…]["'”’)]*$""", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Link:
    """A decided candidate pair (indices into the flat sentence list)."""

    i: int
    j: int
    decision: Decision


def sentence_idf(signatures: Sequence[Signature]) -> tuple[dict[str, float], float]:
    """IDF of each stem and number over the distinct sentences, and the IDF of an unseen one."""
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


def _decide_task(
    signatures: Sequence[Signature], idf: dict[str, float], default_idf: float, task: tuple[int, int, bool]
) -> Decision:
    i, j, same_article = task
    return decide(signatures[i], signatures[j], idf, default_idf, allow_level2=not same_article)


def _keep(d: Decision) -> bool:
    return bool(d.level or d.veto or d.cut or d.score >= RELATED_THRESHOLD)


def decide_links(
    articles: Sequence[Article], flat: Sequence[Sentence], signatures: Sequence[Signature]
) -> tuple[list[Link], dict[str, str]]:
    """The decided candidate pairs that matter to the merge, and the families.

    Copies of one text are decided once (`pool.copies`): each pair of texts that are
    candidates gets one link per kind of pair its copies make, the first of that kind, and
    each text's copies are chained by links of exact copies."""
    idf, default_idf = sentence_idf(signatures)
    groups = text_groups([s.text for s in flat])
    code = {a: k for k, a in enumerate(dict.fromkeys(s.article_id for s in flat))}
    art_list = [code[s.article_id] for s in flat]
    pairs = candidate_pairs([signatures[g[0]] for g in groups], idf, CANDIDATE_COSINE).tolist()
    # one decision per pair of texts, which comes first, and whether they share an article
    task_of: dict[tuple[int, int, bool, bool], int] = {}
    tasks: list[tuple[int, int, bool]] = []
    for u, v in pairs:
        for (u_first, kind), (i, j) in first_pairs(groups[u], groups[v], art_list, art_list).items():
            same = kind == SAME_ARTICLE
            if (u, v, u_first, same) not in task_of:
                task_of[u, v, u_first, same] = len(tasks)
                tasks.append((i, j, same))
    decisions = map_ordered(
        partial(_decide_task, signatures, idf, default_idf),
        tasks,
        PARALLEL_PAIRS,
        cost=lambda t: len(signatures[t[0]].words) + len(signatures[t[1]].words),
    )
    decided = {key: decisions[k] for key, k in task_of.items()}
    loose = _loose_copies(flat, signatures)
    families = _families(articles, flat, signatures, groups, pairs, decided, loose)
    fam_code = {f: k for k, f in enumerate(dict.fromkeys(families.values()))}
    fam = [fam_code[families[s.article_id]] for s in flat]
    links = [*loose, *_copy_chains(groups, signatures)]
    for u, v in pairs:
        for (u_first, kind), (i, j) in first_pairs(groups[u], groups[v], art_list, fam).items():
            d = decided[u, v, u_first, kind == SAME_ARTICLE]
            if _keep(d):
                links.append(Link(i, j, d))
    return links, families


def _copy_chains(groups: Sequence[list[int]], signatures: Sequence[Signature]) -> list[Link]:
    """Each text's copies, one after another, as exact copies (candidates of one another
    when they hold any stem or number)."""
    same = Decision(1, 1.0)
    return [
        Link(g[k - 1], g[k], same)
        for g in groups
        if len(g) > 1 and (signatures[g[0]].stems or signatures[g[0]].numbers)
        for k in range(1, len(g))
    ]


def _loose_copies(flat: Sequence[Sentence], signatures: Sequence[Signature]) -> list[Link]:
    """Exact copies with no content words (short quotes): never candidates."""
    links: list[Link] = []
    by_key: dict[str, int] = {}
    for i, s in enumerate(flat):
        key = comparison_key(s.text)
        if key and key in by_key and not signatures[i].stems:
            links.append(Link(by_key[key], i, Decision(1, 1.0)))
        by_key.setdefault(key, i)
    return links


def _families(
    articles: Sequence[Article],
    flat: Sequence[Sentence],
    signatures: Sequence[Signature],
    groups: Sequence[list[int]],
    pairs: Sequence[list[int]],
    decided: dict[tuple[int, int, bool, bool], Decision],
    loose: Sequence[Link],
) -> dict[str, str]:
    """Families from the level-1 pairs of copied reporting sentences in two articles (the
    only pairs they count), given text by text (`pool.copied`)."""
    keep = [reporting(flat[g[0]], signatures[g[0]]) for g in groups]
    relations: list[tuple[int, int, bool | None]] = [
        (u, u, None) for u, (g, ok) in enumerate(zip(groups, keep, strict=True))
        if ok and len(g) > 1 and (signatures[g[0]].stems or signatures[g[0]].numbers)
    ]
    for u, v in pairs:
        if not (keep[u] and keep[v]):
            continue
        level1 = {f for f in (True, False) if (d := decided.get((u, v, f, False))) and d.level == 1}
        if level1:
            relations.append((u, v, None if len(level1) == 2 else level1.pop()))
    return families_from_copies(articles, flat, signatures, groups, relations, [(ln.i, ln.j) for ln in loose])


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
    flat = sorted((s for sents in sentences for s in sents if s.text.strip()), key=_sort_key)
    flat = list({s.id: s for s in flat}.values())  # a sentence given twice is one sentence
    signatures = map_ordered(signature, [s.text for s in flat], PARALLEL_SENTENCES, cost=len)
    # families first: they come from near-verbatim copies, which no merge decision changes
    links, families = decide_links(articles, flat, signatures)
    lengths = {a.id: max(1, len(s)) for a, s in zip(articles, sentences, strict=True)}
    drafts = _drafts(flat, _merged(flat, links, families), lengths)
    facts = _facts(flat, drafts, links, {a.id: k for k, a in enumerate(articles)}, families)
    # support reads each fact's signature as made above (a fact's text is a member's)
    by_text = {s.text: sig for s, sig in zip(flat, signatures, strict=True)}
    pool = Pool(articles=tuple(articles), facts=tuple(facts), families=families)
    return with_support(pool, [by_text[f.text] for f in facts])


def _merged(flat: Sequence[Sentence], links: Sequence[Link], families: dict[str, str]) -> list[list[int]]:
    """The sentences (indices into `flat`) of each fact: decided pairs joined strongest first,
    unless a join would put two sentences that differ in substance in one fact."""

    def accepted(link: Link) -> bool:
        if link.decision.level:
            return True
        # a copy cut short by one reprint is the same fact; across origins it may be a new one
        fam_i, fam_j = families[flat[link.i].article_id], families[flat[link.j].article_id]
        return link.decision.cut and not link.decision.veto and fam_i == fam_j

    clusters = KeptApart(len(flat))
    for link in links:
        if link.decision.veto:
            clusters.keep_apart(link.i, link.j)
    merged = [ln for ln in links if accepted(ln)]
    merged.sort(key=lambda ln: (ln.decision.level or 1, -ln.decision.score, ln.i, ln.j))
    for link in merged:
        clusters.join(link.i, link.j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(flat)):
        groups[clusters.find(i)].append(i)
    return list(groups.values())


def _drafts(
    flat: Sequence[Sentence], groups: Sequence[list[int]], lengths: dict[str, int]
) -> list[tuple[float, str, list[int]]]:
    """(position, wording, sentences) of each fact, in the pool's order: leads first."""
    drafts = []
    for idx in groups:
        members = [flat[i] for i in idx]
        position = min(m.index / lengths[m.article_id] for m in members)
        drafts.append((position, _canonical(members), idx))
    drafts.sort(key=lambda d: (d[0], d[1], [flat[i].id for i in d[2]]))
    return drafts


def _facts(
    flat: Sequence[Sentence],
    drafts: Sequence[tuple[float, str, list[int]]],
    links: Sequence[Link],
    order: dict[str, int],
    families: dict[str, str],
) -> list[Fact]:
    fact_of = {i: n for n, (_, _, idx) in enumerate(drafts) for i in idx}
    ids = [f"f{n + 1}" for n in range(len(drafts))]
    related = _related(links, fact_of)
    facts: list[Fact] = []
    for n, (position, text, idx) in enumerate(drafts):
        members = sorted((flat[i] for i in idx), key=lambda m: (order[m.article_id], m.index))
        arts = tuple(dict.fromkeys(m.article_id for m in members))
        facts.append(
            Fact(
                id=ids[n],
                text=text,
                members=tuple(members),
                articles=arts,
                origins=tuple(sorted({families[a] for a in arts})),
                related=tuple(ids[r] for r in sorted(related[n])),
                position=position,
            )
        )
    return facts


def _related(links: Sequence[Link], fact_of: dict[int, int]) -> dict[int, set[int]]:
    """Facts close to one another but kept apart (a difference of substance, a cut copy)."""
    related: dict[int, set[int]] = defaultdict(set)
    for link in links:
        a, b = fact_of[link.i], fact_of[link.j]
        if a != b and (link.decision.veto or link.decision.cut or link.decision.score >= RELATED_THRESHOLD):
            related[a].add(b)
            related[b].add(a)
    return related
