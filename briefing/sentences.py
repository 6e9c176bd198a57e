"""Split: cut cleaned article text into sentences with nltk's Punkt, fully offline.

We never call `nltk.download`. A project-owned abbreviation list makes the untrained Punkt
tokenizer good on news; when the real `punkt_tab` English model happens to be installed we
use its parameters and add our abbreviations to them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from briefing.models import Article, Sentence

ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "sgt", "cmdr", "adm", "rev", "st", "jr", "sr", "sens", "reps", "govs", "u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c", "n.y", "l.a", "a.m", "p.m", "no", "nos", "vol", "fig", "inc", "corp", "co", "ltd", "plc", "llc", "bros", "dept", "est", "approx", "vs", "etc", "al", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "mt", "ft", "pt"]
)
QUOTES_CLOSE = "”’\"'"
# "word.Next" or "word.”Next": a missing space after a full stop, common in scraped pages.
MISSING_SPACE = re.compile(r"(?<=[a-z\d%)][.!?])(?=[“\"]?[A-Z][a-z])|(?<=[a-z][.!?][”\"])(?=[A-Z“])")
TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$")


@lru_cache(maxsize=1)
def tokenizer() -> PunktSentenceTokenizer:
    params: PunktParameters | None = None
    try:  # the real model, only if it is already on this machine
        from nltk.tokenize.punkt import PunktTokenizer

        params = PunktTokenizer("english")._params
    except Exception:
        params = None
    if params is None:
        params = PunktParameters()
    params.abbrev_types.update(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs, with lines broken mid-sentence joined back together."""
    paras: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        current = ""
        for line in lines:
            if current and not TERMINAL.search(current):
                current = f"{current} {line}"  # a sentence broken by a line break
            else:
                if current:
                    paras.append(current)
                current = line
        if current:
            paras.append(current)
    return paras


def split_text(text: str) -> list[tuple[int, str]]:
    """(paragraph number, sentence) pairs for a cleaned text."""
    out: list[tuple[int, str]] = []
    tok = tokenizer()
    for p, para in enumerate(_paragraphs(text)):
        para = re.sub(r"[ \t\u00a0]+", " ", MISSING_SPACE.sub(" ", para))
        for sent in tok.tokenize(para):
            sent = sent.strip()
            if sent:
                out.append((p, sent))
    return _merge_quote_tails(out)


def _merge_quote_tails(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Keep a quotation with its attribution: `"...!" he said.` is one sentence."""
    out: list[tuple[int, str]] = []
    for p, sent in items:
        if out and out[-1][0] == p and re.match(r"^[a-z]", sent) and len(sent.split()) <= 6:
            out[-1] = (p, f"{out[-1][1]} {sent}")
        else:
            out.append((p, sent))
    return out


def split_article(article: Article) -> list[Sentence]:
    return [
        Sentence(id=f"{article.id}:{i}", article_id=article.id, index=i, text=s, paragraph=p)
        for i, (p, s) in enumerate(split_text(article.text))
    ]
