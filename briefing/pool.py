"""Pool: merge sentences that say the same thing into one `Fact` with every source.

First version: merge sentences whose normalised text is identical. Syndication families are
one family per article.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence

from briefing.models import Article, Fact, Pool, Sentence

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})


def normalise(text: str) -> str:
    """Comparison key of a sentence: quotes, dashes, spacing and case folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return re.sub(r"\W+", " ", text).strip()


def build_pool(articles: Sequence[Article], sentences: Sequence[Sequence[Sentence]]) -> Pool:
    """One fact per distinct normalised sentence, members in input order."""
    groups: dict[str, list[Sentence]] = defaultdict(list)
    for sents in sentences:
        for s in sents:
            key = normalise(s.text)
            if key:
                groups[key].append(s)
    families = {a.id: a.id for a in articles}
    lengths = {a.id: max(1, len(s)) for a, s in zip(articles, sentences, strict=True)}
    facts: list[Fact] = []
    for n, members in enumerate(groups.values()):
        texts = Counter(m.text for m in members)
        canonical = min(texts, key=lambda t: (-texts[t], t))
        arts = tuple(dict.fromkeys(m.article_id for m in members))
        origins = tuple(sorted({families[a] for a in arts}))
        position = min(m.index / lengths[m.article_id] for m in members)
        facts.append(
            Fact(
                id=f"f{n + 1}",
                text=canonical,
                members=tuple(members),
                articles=arts,
                origins=origins,
                position=position,
            )
        )
    return Pool(articles=tuple(articles), facts=tuple(facts), families=families)
