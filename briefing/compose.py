"""Compose: the parts of a briefing around its bullets (headline, corroboration, originals)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from briefing.clean import fallback_outlet
from briefing.disagree import claims
from briefing.ingest import split_record
from briefing.models import Article, Pool
from briefing.normalize import snowball_stem
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
    return {
        _stem(w) for w in re.findall(r"[^\W\d_]+", text.casefold()) if w not in _QUERY_STOP and len(w) > 1
    }


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
        pairs = _alike_pairs_by_product(X, REPEAT_SAME_FIGURE)
    else:
        # Only pairs that may be above REPEAT, or above REPEAT_SAME_FIGURE with a figure in
        # common, are scored: never all pairs sharing a word.
        i, j = _union_pairs(
            X.shape[0], candidate_pairs(X, REPEAT), _pairs_sharing(figures)
        )
        sims = exact_cosines(Xs, i, j)
        keep = sims > REPEAT_SAME_FIGURE
        pairs = _as_product_lists(Xs, i[keep], j[keep], sims[keep])
    out: dict[int, list[int]] = {}
    for i, j, v in pairs:
        if v > REPEAT or figures[i] & figures[j]:
            out.setdefault(i, []).append(j)
    return out


def _alike_pairs_by_product(X: sp.csr_matrix, floor: float) -> list[tuple[int, int, float]]:
    """(i, j, cosine) above `floor`, i != j, in the order the sparse product X @ X.T lists them."""
    XT = X.T.tocsr()
    found = []
    for start in range(0, X.shape[0], 2048):  # a block of rows at a time: memory stays bounded
        sim = (X[start : start + 2048] @ XT).tocoo()
        keep = (sim.data > floor) & (sim.row + start != sim.col)
        found.append((sim.row[keep] + start, sim.col[keep], sim.data[keep]))
    rows, cols, vals = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return list(zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True))


def in_stored_order(X: sp.csr_matrix) -> sp.csr_matrix | None:
    """X with its columns renumbered so every row's stored order is ascending column order
    (textvec keeps each row in the order its terms were first seen, one order for all rows),
    or None when no renumbering does that. Values and stored order are unchanged."""
    first_seen = np.fromiter(dict.fromkeys(X.indices.tolist()), dtype=np.int64)
    renumber = np.zeros(X.shape[1], dtype=np.int64)
    renumber[first_seen] = np.arange(len(first_seen))
    out = sp.csr_matrix((X.data.copy(), renumber[X.indices], X.indptr.copy()), shape=X.shape)
    steps = np.diff(out.indices)
    inner = np.ones(len(steps), dtype=bool)
    inner[out.indptr[1:-1][(out.indptr[1:-1] > 0) & (out.indptr[1:-1] < out.nnz)] - 1] = False
    if np.any(steps[inner] <= 0):
        return None
    out.has_sorted_indices = True
    return out


def candidate_pairs(X: sp.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows of X (non-negative, L2-normalised) that may have a cosine above
    `threshold`: a superset of them, never all pairs sharing a column.

    Columns held by more than D rows are "common", the rest "rare". A pair's cosine is its
    rare part plus its common part, and the common part is at most the product of the two
    rows' common norms (Cauchy-Schwarz). So a pair qualifies only if its rare part (a sparse
    product over rare columns only) plus that bound passes, or, sharing no rare column, if the
    bound alone passes (the few rows heavy in common words). D is chosen to keep both small."""
    n, m = X.shape
    if n < 2 or X.nnz == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    t = threshold * (1 - 1e-9)  # a margin for rounding in the bound, never a pair lost
    df = np.bincount(X.indices, minlength=m)
    rowid = np.repeat(np.arange(n), np.diff(X.indptr))
    squares = X.data * X.data
    best = None
    for D in [*(2**k for k in range(3, max(4, n.bit_length()))), n]:
        common = df > D
        weights = np.where(common[X.indices], squares, 0.0)
        norms = np.sqrt(np.bincount(rowid, weights=weights, minlength=n))
        # the product's work, and a candidate costs about as much as 100 of its steps
        cost = float(np.sum(df[~common].astype(np.float64) ** 2)) + 100.0 * _count_heavy(norms, t)
        if best is None or cost < best[0]:
            best = (cost, common, norms)
    _, common, norms = best
    rare = ~common[X.indices]
    indptr = np.r_[0, np.cumsum(np.bincount(rowid[rare], minlength=n))]
    R = sp.csr_matrix((X.data[rare], X.indices[rare], indptr), shape=(n, m))
    shared = (R @ R.T.tocsr()).tocoo()
    ok = (shared.row < shared.col) & (shared.data + norms[shared.row] * norms[shared.col] > t)
    rows, cols = shared.row[ok].astype(np.int64), shared.col[ok].astype(np.int64)
    return _union_pairs(n, (rows, cols), _heavy_pairs(norms, t))


def _count_heavy(norms: np.ndarray, t: float) -> int:
    """How many pairs i < j have norms[i] * norms[j] > t."""
    s = np.sort(norms)
    with np.errstate(divide="ignore"):
        need = np.where(s > 0, t / np.where(s > 0, s, 1.0), np.inf)
    partners = len(s) - np.searchsorted(s, need, side="right")
    return int((np.sum(partners) - np.sum(s * s > t)) // 2)


def _heavy_pairs(norms: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j with norms[i] * norms[j] > t."""
    order = np.argsort(norms, kind="stable")
    s = norms[order]
    with np.errstate(divide="ignore"):
        need = np.where(s > 0, t / np.where(s > 0, s, 1.0), np.inf)
    lo = np.maximum(np.searchsorted(s, need, side="right"), np.arange(len(s)) + 1)
    counts = np.maximum(len(s) - lo, 0)
    a = np.repeat(np.arange(len(s)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    b = offsets + np.repeat(lo, counts)
    i, j = order[a], order[b]
    return np.minimum(i, j), np.maximum(i, j)


def _pairs_sharing(groups: Sequence[set]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j of items whose sets share an element (through an index, not all pairs)."""
    members: dict[object, list[int]] = {}
    for i, g in enumerate(groups):
        for key in g:
            members.setdefault(key, []).append(i)
    rows = [i for ids in members.values() for i in ids for _ in ids]
    cols = [j for ids in members.values() for _ in ids for j in ids]
    i, j = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    keep = i < j
    return i[keep], j[keep]


def _union_pairs(n: int, *parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    codes = np.unique(np.concatenate([np.asarray(i, dtype=np.int64) * n + j for i, j in parts]))
    return codes // n, codes % n


def exact_cosines(Xs: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Row i . row j for each pair, the same floats as the sparse product X @ X.T gives: the
    shared columns' products summed one by one in row i's stored order (`Xs` from
    `in_stored_order`, so that order is column order, and the elementwise product keeps it)."""
    if len(i) == 0:
        return np.zeros(0)
    P = Xs[i].multiply(Xs[j]).tocsr()  # sorted rows: merged in column order
    lengths = np.diff(P.indptr)
    sums = np.zeros(len(i))
    starts = P.indptr[:-1]
    for k in range(int(lengths.max(initial=0))):  # k-th shared column of every pair at once
        r = np.flatnonzero(lengths > k)
        sums[r] += P.data[starts[r] + k]
    return sums


def _as_product_lists(
    Xs: sp.csr_matrix, i: np.ndarray, j: np.ndarray, sims: np.ndarray
) -> list[tuple[int, int, float]]:
    """Both directions of each pair, in the order the sparse product X @ X.T lists them: rows
    ascending; within a row, the later the first shared column (then the higher the index),
    the earlier (it links each new column at the head of its list)."""
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    vals = np.concatenate([sims, sims])
    P = Xs[rows].multiply(Xs[cols]).tocsr()
    first = P.indices[P.indptr[:-1]]  # every kept pair shares at least one column
    order = np.lexsort((-cols, -first, rows))
    return list(zip(rows[order].tolist(), cols[order].tolist(), vals[order].tolist(), strict=True))


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
