"""The pool's index: what the later stages need of every fact, found once after pooling.

Built once per pool (`build_index`) and passed to every stage after it (ranking, selection,
repeats, quotes, disputes, the briefing's sections): each fact's stems, content stems,
figures and days, words, stand-alone quality and form, lead position; the articles that
report its claim (its own and its supporters', `pool.support`) and their origins; the facts'
tf-idf rows; and the id maps (fact id -> row, sentence -> fact, article -> source number). No stage
stems, parses or fits again what the index holds. `restricted` gives the index of some of the
pool's facts (a daily story's) from the same data: only the tf-idf, whose weights depend on
which facts are in the set, is fitted again, from the stored stems.

The tf-idf rows are sparse matrices over the facts' own vocabulary (stemmed content words and
their bigrams), so cost grows with the text, never with pairs of facts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from briefing.models import Fact, Pool
from briefing.pool.families import Corroboration
from briefing.pool.support import article_places, supported_articles
from briefing.text.figures import Claim, claims_and_days
from briefing.text.stems import content_stems, stems
from briefing.text.wording import quality, standalone, whole_sentence


@dataclass(frozen=True, slots=True)
class Citations:
    """Source numbers: each article's place (from 1) in the briefing's source list, which
    lists the pool's articles in order."""

    numbers: Mapping[str, int]  # article id -> number

    @classmethod
    def of(cls, pool: Pool) -> Citations:
        return cls({a.id: n for n, a in enumerate(pool.articles, 1)})

    def number(self, article_id: str) -> int:
        return self.numbers[article_id]

    def of_articles(self, article_ids: Iterable[str]) -> tuple[int, ...]:
        """The numbers of these articles, in order."""
        return tuple(sorted(self.numbers[a] for a in article_ids))


@dataclass(frozen=True, slots=True, eq=False)  # (holds arrays: compared by identity)
class Tokens:
    """Each fact's content stems in order, as ids into `words` (flat, with row offsets): the
    rows of any set of the facts are counted from them without stemming again."""

    words: tuple[str, ...]  # the stem of each id, numbered as first seen over the facts
    ids: np.ndarray  # every fact's stem ids, one fact after the other
    offsets: np.ndarray  # fact k's ids are ids[offsets[k]:offsets[k + 1]]

    @classmethod
    def of(cls, rows: Iterable[list[str]]) -> Tokens:
        rows = list(rows)
        flat = list(itertools.chain.from_iterable(rows))
        words = tuple(dict.fromkeys(flat))
        ids = dict(zip(words, range(len(words)), strict=True))
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)), out=offsets[1:])
        return cls(words, np.fromiter(map(ids.__getitem__, flat), dtype=np.int32, count=len(flat)), offsets)

    def rows(self, rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(the stem ids of these facts one after the other, how many each has)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - starts
        at = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
        return self.ids[at], lengths

    def subset(self, rows: Sequence[int]) -> Tokens:
        """The tokens of these facts only, fact k of `rows` as row k."""
        ids, lengths = self.rows(rows)
        return Tokens(self.words, ids, np.r_[0, np.cumsum(lengths)].astype(np.int64))


@dataclass(frozen=True, slots=True, eq=False)  # (holds arrays: compared by identity)
class Terms:
    """The facts as tf-idf rows over their content stems, and the stem bigrams they carry."""

    tfidf: sp.csr_matrix  # facts x stems, rows L2-normalised
    vocab: dict[str, int]  # stem -> column of `tfidf`
    idf: np.ndarray
    concepts: sp.csr_matrix  # facts x concepts (stem bigrams), binary
    concept_weight: np.ndarray  # independent origins carrying each concept


@dataclass(frozen=True, slots=True, eq=False)  # (holds arrays: compared by identity)
class PoolIndex:
    """What the stages after pooling read of the pool's facts; row k is `pool.facts[k]`."""

    pool: Pool
    row: Mapping[str, int]  # fact id -> row
    fact_of_sentence: Mapping[str, str]  # sentence id -> id of the fact it is a member of
    citations: Citations
    corroboration: Corroboration
    stems: tuple[frozenset[str], ...]  # text.stems.stems of each fact
    tokens: Tokens  # content stems (text.stems.content_stems) of each fact
    claims: tuple[tuple[Claim, ...], ...]  # the figures each fact gives
    days: tuple[frozenset[str], ...]  # the weekdays and calendar days each fact names
    standalone: tuple[bool, ...]  # whether each fact reads on its own as a bullet
    whole: tuple[bool, ...]  # whether each fact is a whole sentence of bullet length
    words: np.ndarray  # whitespace word count of each fact
    quality: np.ndarray  # stand-alone quality of each fact, in (0, 1]
    lead: np.ndarray  # best position of each fact in any article: 0 = first sentence
    credit: tuple[tuple[str, ...], ...]  # articles reporting each fact's claim, support included
    origins: np.ndarray  # syndication families among each fact's credited articles
    terms: Terms

    @property
    def facts(self) -> tuple[Fact, ...]:
        return self.pool.facts


def build_index(pool: Pool) -> PoolIndex:
    """The index of a pool: every fact's stems, figures and scores of form found once."""
    facts = pool.facts
    texts = [f.text for f in facts]
    tokens = Tokens.of(content_stems(t) for t in texts)
    figures = [claims_and_days(t) for t in texts]
    families = [_families(pool, f) for f in facts]
    return _index(
        pool,
        stems=tuple(stems(t) for t in texts),
        tokens=tokens,
        claims=tuple(c for c, _ in figures),
        days=tuple(d for _, d in figures),
        standalone=tuple(standalone(t) for t in texts),
        whole=tuple(whole_sentence(t) for t in texts),
        words=np.array([len(t.split()) for t in texts], dtype=float),
        quality=np.array([quality(t) for t in texts]),
        lead=np.array([min(m.index for m in f.members) for f in facts], dtype=float),
        terms=fit_terms(pool, tokens, families),
    )


def restricted(index: PoolIndex, facts: Sequence[Fact]) -> PoolIndex:
    """The index of the pool holding only `facts` (facts of the indexed pool, in this order):
    each fact's data as the index has it; the tf-idf fitted on these facts alone, as an index
    built on that pool would fit it."""
    rows = [index.row[f.id] for f in facts]
    tokens = index.tokens.subset(rows)
    pool = replace(index.pool, facts=tuple(facts))

    def pick(column: tuple) -> tuple:
        return tuple(column[r] for r in rows)

    return _index(
        pool,
        stems=pick(index.stems),
        tokens=tokens,
        claims=pick(index.claims),
        days=pick(index.days),
        standalone=pick(index.standalone),
        whole=pick(index.whole),
        words=index.words[rows],
        quality=index.quality[rows],
        lead=index.lead[rows],
        terms=fit_terms(pool, tokens),
        citations=index.citations,
        corroboration=index.corroboration,
    )


def _index(pool: Pool, *, citations: Citations | None = None, corroboration: Corroboration | None = None,
           **columns) -> PoolIndex:
    row = {f.id: i for i, f in enumerate(pool.facts)}
    place = article_places(pool)
    credit = tuple(supported_articles(pool, f, row, place) for f in pool.facts)  # support within this pool
    return PoolIndex(
        pool=pool,
        row=row,
        fact_of_sentence={m.id: f.id for f in pool.facts for m in f.members},
        citations=citations or Citations.of(pool),
        corroboration=corroboration or Corroboration.of(pool),
        credit=credit,
        origins=np.array([len({pool.families.get(a, a) for a in arts}) or 1 for arts in credit], dtype=float),
        **columns,
    )


def _families(pool: Pool, fact: Fact) -> tuple[str, ...]:
    return tuple(sorted({pool.families.get(a, a) for a in fact.articles} or {fact.id}))


def _incidence(codes: np.ndarray, lengths: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows x distinct codes count matrix, the columns numbered as each code is first seen
    (row by row, in order within a row); and the code of each column."""
    n = len(lengths)
    distinct, first = np.unique(codes, return_index=True)
    order = distinct[np.argsort(first, kind="stable")]
    column = np.searchsorted(distinct, codes)
    renumber = np.empty(len(distinct), dtype=np.int64)
    renumber[np.searchsorted(distinct, order)] = np.arange(len(order))
    cols = renumber[column]
    rows = np.repeat(np.arange(n), lengths)
    m = sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(n, max(1, len(order))))
    m.sum_duplicates()
    return m, order


def fit_terms(pool: Pool, tokens: Tokens, families: Sequence[tuple[str, ...]] | None = None) -> Terms:
    """The tf-idf rows of the pool's facts (`tokens`: their content stems) over the stems
    they use, and their stem bigrams weighted by the independent origins (`families`, found
    when not given) carrying them."""
    n = len(pool.facts)
    ids, lengths = tokens.ids, np.diff(tokens.offsets)
    tf, order = _incidence(ids, lengths)
    vocab = {tokens.words[w]: j for j, w in enumerate(order.tolist())}
    df = np.diff((tf > 0).tocsc().indptr)
    idf = np.log((n + 1) / (df + 1)) + 1.0
    X = tf.copy()
    X.data = 1.0 + np.log(X.data)
    X = X @ sp.diags(idf)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ X
    # Concepts: adjacent content-stem pairs; their weight counts independent origins, so a
    # syndicated copy adds nothing.
    C, _ = _incidence(*_bigrams(ids, lengths, len(tokens.words)))
    C.data[:] = 1.0
    if families is None:
        families = [_families(pool, f) for f in pool.facts]
    fam_ids = {f: k for k, f in enumerate(dict.fromkeys(f for fams in families for f in fams))}
    F, _ = _incidence(
        np.fromiter((fam_ids[f] for fams in families for f in fams), dtype=np.int64),
        np.array([len(fams) for fams in families], dtype=np.int64),
    )
    carried = (C.T @ F).tocsr()
    carried.data[:] = 1.0
    return Terms(
        tfidf=X.tocsr(),
        vocab=vocab,
        idf=idf,
        concepts=C,
        concept_weight=np.asarray(carried.sum(axis=1)).ravel(),
    )


def _bigrams(ids: np.ndarray, lengths: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes of each row's adjacent stem pairs (a * size + b), and how many each row has."""
    ends = np.cumsum(lengths)
    inside = np.ones(len(ids), dtype=bool)
    inside[ends[lengths > 0] - 1] = False  # a row's last stem starts no pair
    starts = np.flatnonzero(inside[:-1]) if len(ids) else np.zeros(0, dtype=np.int64)
    return ids[starts].astype(np.int64) * size + ids[starts + 1], np.maximum(lengths - 1, 0)


def text_vector(terms: Terms, text: str) -> np.ndarray:
    """A text as an L2-normalised tf-idf vector over the facts' stems (dense, vocabulary size)."""
    v = np.zeros(terms.tfidf.shape[1])
    for t in content_stems(text):
        j = terms.vocab.get(t)
        if j is not None:
            v[j] += 1.0
    nz = v > 0
    v[nz] = (1.0 + np.log(v[nz])) * terms.idf[nz]
    norm = np.linalg.norm(v)
    return v / norm if norm else v

