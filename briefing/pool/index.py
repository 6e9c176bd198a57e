"""Text features of a pool's facts, computed once per pool and shared by rank and select.

Everything is a sparse matrix over the pool's own vocabulary (stemmed content words and their
bigrams), so cost grows with the text, never with pairs of facts.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from briefing.models import Pool
from briefing.text.stems import content_stems
from briefing.text.wording import quality


@dataclass(frozen=True, slots=True)
class Features:
    words: np.ndarray  # whitespace word count of each fact
    tfidf: sp.csr_matrix  # facts x stems, rows L2-normalised
    vocab: dict[str, int]  # stem -> column of `tfidf`
    idf: np.ndarray
    concepts: sp.csr_matrix  # facts x concepts (stem bigrams), binary
    concept_weight: np.ndarray  # independent origins carrying each concept
    origins: np.ndarray  # independent origins carrying each fact
    lead: np.ndarray  # best position of the fact in any article: 0 = first sentence
    quality: np.ndarray


def _incidence(items: list[list], n: int) -> tuple[sp.csr_matrix, dict]:
    """Rows x distinct items count matrix, built in bulk (no per-token Python bookkeeping)."""
    vocab = {t: j for j, t in enumerate(dict.fromkeys(t for row in items for t in row))}
    cols = np.fromiter((vocab[t] for row in items for t in row), dtype=np.int64)
    rows = np.repeat(np.arange(n), [len(row) for row in items])
    m = sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(n, max(1, len(vocab))))
    m.sum_duplicates()
    return m, vocab


def _build(pool: Pool) -> Features:
    facts = pool.facts
    n = len(facts)
    stems = [content_stems(f.text) for f in facts]
    tf, vocab = _incidence(stems, n)
    df = np.diff((tf > 0).tocsc().indptr)
    idf = np.log((n + 1) / (df + 1)) + 1.0
    X = tf.copy()
    X.data = 1.0 + np.log(X.data)
    X = X @ sp.diags(idf)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ X
    # Concepts: adjacent content-stem pairs; their weight counts independent origins, so a
    # syndicated copy adds nothing.
    C, _ = _incidence([[f"{a} {b}" for a, b in itertools.pairwise(toks)] for toks in stems], n)
    C.data[:] = 1.0
    families = pool.families
    F, _ = _incidence([sorted({families.get(a, a) for a in f.articles} or {f.id}) for f in facts], n)
    carried = (C.T @ F).tocsr()
    carried.data[:] = 1.0
    cweight = np.asarray(carried.sum(axis=1)).ravel()
    lead = np.array([min(m.index for m in f.members) for f in facts], dtype=float)
    return Features(
        words=np.array([len(f.text.split()) for f in facts], dtype=float),
        tfidf=X.tocsr(),
        vocab=vocab,
        idf=idf,
        concepts=C,
        concept_weight=cweight,
        origins=np.asarray((F > 0).sum(axis=1)).ravel().astype(float),
        lead=lead,
        quality=np.array([quality(f.text) for f in facts]),
    )


_CACHE: OrderedDict[int, tuple[Pool, Features]] = OrderedDict()


def features(pool: Pool) -> Features:
    """The pool's features; the sections of one briefing share them (small identity cache)."""
    hit = _CACHE.get(id(pool))
    if hit is not None and hit[0] is pool:
        _CACHE.move_to_end(id(pool))
        return hit[1]
    feats = _build(pool)
    _CACHE[id(pool)] = (pool, feats)
    while len(_CACHE) > 4:
        _CACHE.popitem(last=False)
    return feats


def text_vector(feats: Features, text: str) -> np.ndarray:
    """A text as an L2-normalised tf-idf vector over the pool's stems (dense, vocabulary size)."""
    v = np.zeros(feats.tfidf.shape[1])
    for t in content_stems(text):
        j = feats.vocab.get(t)
        if j is not None:
            v[j] += 1.0
    nz = v > 0
    v[nz] = (1.0 + np.log(v[nz])) * feats.idf[nz]
    norm = np.linalg.norm(v)
    return v / norm if norm else v
