"""Compose: the parts of a briefing around its bullets (headline, corroboration, originals)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from briefing.clean import fallback_outlet
from briefing.disagree import claims
from briefing.ingest import split_record
from briefing.models import Article, Pool
from briefing.normalize import snowball_stem
from briefing.pairs import (
    BLOCK_PAIRS,
    alike_pairs_by_product,
    as_product_lists,
    candidate_pairs,
    exact_cosines,
    in_stored_order,
    union_pairs,
)
from briefing.textvec import TfidfVectorizer, normalize


def independent(pool: Pool, article_ids: Sequence[str]) -> int:
    """Independent origins among articles: one per syndication family, and one per outlet
    (an outlet repeating itself does not corroborate itself)."""
    keys: set[str] = set()
    seen_families: set[str] = set()
    for aid in article_ids:
        fam = pool.families.get(aid, aid)
        if fam in seen_families:
            continue
        seen_families.add(fam)
        outlet = pool.article(aid).outlet.casefold().strip()
        keys.add(outlet or fam)
    return len(keys)


def copies(pool: Pool, article_ids: Sequence[str]) -> int:
    """How many of these articles are reprints of another one among them."""
    ids = list(dict.fromkeys(article_ids))
    return len(ids) - len({pool.families.get(a, a) for a in ids})


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


_QUERY_STOP = frozenset(
    "the a an of and or to in on for with by at from is are was were be what who how why".split()
)


@lru_cache(maxsize=131072)
def _stem(word: str) -> str:
    return snowball_stem(word)


def stems(text: str) -> set[str]:
    return set(_stems(text))


@lru_cache(maxsize=65536)
def _stems(text: str) -> frozenset[str]:  # a fact's stems serve the ranking and the repeats
    return frozenset(
        _stem(w) for w in re.findall(r"[^\W\d_]+", text.casefold()) if w not in _QUERY_STOP and len(w) > 1
    )


def headline_of(pool: Pool, lead: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The most central article headline (closest to the lead facts and to the other
    headlines), with the articles that ran it; else the first lead fact."""
    titles: dict[str, list[str]] = {}
    for art in pool.articles:
        if art.title.strip():
            titles.setdefault(art.title.strip(), []).append(art.id)
    if not titles:
        return (lead[0] if lead else ""), ()
    names = list(titles)
    try:
        vec = TfidfVectorizer(sublinear_tf=True).fit([*names, *lead])
        T = normalize(vec.transform(names))
        L = normalize(vec.transform(list(lead))) if lead else None
    except ValueError:
        return names[0], tuple(titles[names[0]])
    to_lead = np.asarray((T @ L.T).todense()).mean(axis=1) if L is not None else np.zeros(len(names))
    to_titles = np.asarray((T @ T.T).todense()).sum(axis=1) - 1.0
    score = to_lead.ravel() + to_titles.ravel() / max(1, len(names) - 1)
    best = max(range(len(names)), key=lambda i: (score[i], -i))
    return names[best], tuple(titles[names[best]])


REPEAT = 0.35  # facts this alike (stems and figures, tf-idf cosine) say the same thing
REPEAT_SAME_FIGURE = 0.25  # ... or this alike when they also give the same figure of a thing


def _repeat_key(text: str) -> str:
    """Stems plus normalised figures: "Twenty-six allies" and "26 of the allies" share both."""
    figures = {f"#{c.value:g}" for c in claims(text)}
    return " ".join(sorted(stems(text) | figures))


def near_repeats(pool: Pool) -> dict[int, list[int]]:
    """For each fact, the other facts so alike that showing both would repeat a fact."""
    keys = [_repeat_key(f.text) for f in pool.facts]
    try:
        vec = TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+")
        X = normalize(vec.fit_transform(keys))
    except ValueError:
        return {}
    figures = [{(c.value, u) for c in claims(f.text) for u in c.unit} for f in pool.facts]
    Xs = in_stored_order(X)
    if Xs is None:  # (never with textvec's rows) every pair sharing a stem, as a product
        pairs = alike_pairs_by_product(X, REPEAT_SAME_FIGURE)
    else:
        # Only pairs that may be above REPEAT, or above REPEAT_SAME_FIGURE with a figure in
        # common, are scored: never all pairs sharing a word.
        with_figures = np.flatnonzero([bool(f) for f in figures])
        fi, fj = candidate_pairs(X[with_figures], REPEAT_SAME_FIGURE)
        figure_pairs = (with_figures[fi], with_figures[fj])
        i, j = union_pairs(X.shape[0], candidate_pairs(X, REPEAT), figure_pairs)
        # scored a slice at a time: a million candidates at once would hold their rows twice
        kept = []
        for s in range(0, len(i), BLOCK_PAIRS):
            si, sj = i[s : s + BLOCK_PAIRS], j[s : s + BLOCK_PAIRS]
            sims = exact_cosines(Xs, si, sj)
            keep = sims > REPEAT_SAME_FIGURE
            kept.append((si[keep], sj[keep], sims[keep]))
        ki, kj, ks = (np.concatenate(parts) for parts in zip(*kept, strict=True)) if kept else (i, j, np.zeros(0))
        pairs = as_product_lists(Xs, ki, kj, ks)
    out: dict[int, list[int]] = {}
    for i, j, v in pairs:
        if v > REPEAT or figures[i] & figures[j]:
            out.setdefault(i, []).append(j)
    return out


def named_outlet(article: Article) -> str:
    """The article's outlet, or "" when it is only the file name standing in for one."""
    stand_in = fallback_outlet(replace(article, outlet="")).outlet
    return "" if article.outlet == stand_in else article.outlet


_PRONOUN_START = re.compile(
    r"^(?:he|she|they|it|this|that|these|those|his|her|their|its)\b", re.IGNORECASE
)
_OPEN_MARKS = "“\"„«"
_QUOTE_MARKS = "“”\"„«»"
_QUOTE_MARK = re.compile(f"[{_QUOTE_MARKS}]")


def standalone(text: str) -> bool:
    """Whether a sentence reads on its own as a bullet: no opening pronoun pointing at an
    earlier sentence, and no quotation whose speaker the sentence does not name."""
    if _PRONOUN_START.match(text.strip()):
        return False
    first = _QUOTE_MARK.search(text, 0, 2)  # a quotation mark opening the sentence
    if first:
        tail = text[max(text.rfind(ch) for ch in _QUOTE_MARKS) + 1 :].strip(" .,;:!?")
        words = tail.split()
        if len(words) < 2 or words[0].casefold() in {"he", "she", "they"}:
            return False
    return True


def tidy(text: str) -> str:
    """A fact's text for a bullet: a quotation the sentence splitter cut open is closed."""
    marks = [ch for ch in text if ch in _QUOTE_MARKS]
    if len(marks) % 2 == 1:
        last = max(i for i, ch in enumerate(text) if ch in _QUOTE_MARKS)
        if last + 1 < len(text) and not text[last + 1].isspace() and text[last] in _OPEN_MARKS:
            return text.rstrip() + "…”"
    return text


def source_label(article: Article) -> str:
    """What a reader calls an input: its URL, else its file name (with the record's place
    in the file for JSON records: "cluster.jsonl#3/2")."""
    if article.url:
        return article.url
    path, record = split_record(article.source.replace("\\", "/"))
    return path.rsplit("/", 1)[-1] + record
