"""sumy's summarizers over the deduplicated pool: the only module that imports sumy."""

from __future__ import annotations

import numpy as np

from briefing.models import Pool
from briefing.text.lexicon import ranking_stop_words
from briefing.text.stems import WORD


class _Tokenizer:
    """sumy's tokenizer interface over our own sentence splitter and word pattern."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from briefing.read.sentences import split_text

        return tuple(s for _, s in split_text(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(WORD.findall(sentence))


def _sumy_summarizer(method: str, bonus_words: tuple[str, ...]):
    """Build one sumy summarizer, fully configured, in one place."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.edmundson import EdmundsonSummarizer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.random import RandomSummarizer
    from sumy.summarizers.reduction import ReductionSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes = {
        "lex-rank": LexRankSummarizer,
        "text-rank": TextRankSummarizer,
        "lsa": LsaSummarizer,
        "luhn": LuhnSummarizer,
        "edmundson": EdmundsonSummarizer,
        "kl": KLSummarizer,
        "sum-basic": SumBasicSummarizer,
        "reduction": ReductionSummarizer,
        "random": RandomSummarizer,
    }
    stemmer = Stemmer("english")
    summarizer = classes[method](stemmer)
    stop = sorted(ranking_stop_words())
    if method == "edmundson":
        # As sumy's own command line sets it up: headings' words are the bonus words, else the
        # parser's built-in lists (which are Czech, so they match nothing in English text).
        from sumy.parsers.parser import DocumentParser

        summarizer.null_words = stop
        summarizer.bonus_words = bonus_words or DocumentParser.SIGNIFICANT_WORDS
        summarizer.stigma_words = DocumentParser.STIGMA_WORDS
    elif method != "random":
        summarizer.stop_words = stop
    return summarizer


def _sumy_document(pool: Pool, tok: _Tokenizer):
    """One paragraph per article, headed by its title; each fact once, in the article that
    carried it first. Returns the document and the fact index of each document sentence."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    order = {a.id: n for n, a in enumerate(pool.articles)}
    home: dict[str, list[tuple[int, int]]] = {}
    for i, fact in enumerate(pool.facts):
        first = min(fact.members, key=lambda m: (order.get(m.article_id, len(order)), m.index))
        home.setdefault(first.article_id, []).append((first.index, i))
    paragraphs = []
    index: list[int] = []
    for art in sorted(pool.articles, key=lambda a: order[a.id]):
        facts = sorted(home.get(art.id, ()))
        if not facts:
            continue
        heading = [SumySentence(art.title, tok, is_heading=True)] if art.title.strip() else []
        paragraphs.append(Paragraph(heading + [SumySentence(pool.facts[i].text, tok) for _, i in facts]))
        index.extend(i for _, i in facts)
    return ObjectDocumentModel(paragraphs), index


def sumy_scores(pool: Pool, method: str, query: str | None) -> np.ndarray:
    """Each fact's rating under a sumy method, as the method itself rates it; higher is better.

    Every sumy summarizer ends in `_get_best_sentences(sentences, count, rating, ...)` with the
    rating of each sentence (a dict, or a callable: LSA's yields ranks in document order, so it
    must be called exactly once per sentence, in order). We rate there and stop.
    """
    import random as _random

    tok = _Tokenizer()
    doc, index = _sumy_document(pool, tok)
    bonus = tuple(w.lower() for w in WORD.findall(query or "")) or tuple(
        w.lower() for a in pool.articles for w in WORD.findall(a.title)
    )
    summarizer = _sumy_summarizer(method, bonus)
    captured: list[list[float]] = []

    def rate_all(sentences, count, rating, *args, **kwargs):
        if isinstance(rating, dict):
            captured.append([float(rating[s]) for s in sentences])
        else:
            captured.append([float(rating(s, *args, **kwargs)) for s in sentences])
        return ()

    summarizer._get_best_sentences = rate_all
    state = _random.getstate()
    _random.seed(0)  # `random` is deterministic for the same input
    try:
        summarizer(doc, len(index))
    finally:
        _random.setstate(state)
    scores = np.zeros(len(pool.facts))
    if captured and len(captured[-1]) == len(index):
        scores[index] = captured[-1]
    return scores
