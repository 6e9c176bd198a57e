"""Split: cut cleaned article text into sentences with nltk's Punkt, fully offline.

Nothing here calls nltk's downloader. Punkt's parameters are built here: a project-owned abbreviation
list (titles, months, states, `U.S.`), and common English function words marked as words that are
seen in lower case, so Punkt's orthographic heuristic breaks after an abbreviation followed by
`The`/`He`/`But`... but not after `Mr.` followed by a name. When the real `punkt_tab` English model
happens to be installed, its parameters are used and ours are added to them.

Scraped text needs a little repair before Punkt: sentences glued together without a space
(`guarantees”.Zelensky’s`, `Zelensky.”I think`), lines broken mid-sentence, and quotations cut off
from their attribution (`“Is it over?” he asked.`).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from briefing.models import Article, Sentence
from briefing.text.punkt import (
    ORTHO_BEG_UC,
    ORTHO_MID_LC,
    PUNKT_ENGLISH_MODEL,
    PunktParameters,
    PunktSentenceTokenizer,
)

ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sen sens rep reps gov govs gen lt col maj capt cpl sgt cmdr adm brig
    rev fr msgr hon pres supt insp det atty jr sr esq st ste mt ft pt
    u.s u.s.a u.k u.n e.u d.c n.y l.a n.j u.a.e p.r.c
    a.m p.m no nos vol vols fig figs pp ch art sec para ed eds
    inc corp co ltd plc llc bros dept est approx vs etc al e.g i.e cf viz ca
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
    mont neb nev okla ore pa penn tenn tex va vt wash wis wyo
    ave blvd rd hwy
    """.split()
)


# Words that start sentences and are otherwise written in lower case: after an abbreviation
# (`... in the U.S. The ...`) they mark a sentence break.
SENTENCE_STARTERS = frozenset(
    """
    the a an he she it they we i you his her its their this that these those there here
    but and or so yet however meanwhile still also then now later earlier when while after
    before if in on at as for from with by to of since despite although though because
    what who why how where some many most several all both each one two no not
    """.split()
)


# Glued sentences: "word.Next", "word”.Next", "word.”Next" (a full stop, then no space).
_GLUED = re.compile(r"(?<=[a-z\d%)\]”\"’])([.!?]+)([”\"’]?)(?=[“\"]?(?:[A-Z][a-z]|[AI]\s))")


_HAS_WORD = re.compile(r"[^\W_]")  # a letter or digit


_BLANK_LINE = re.compile(r"\n\s*\n")


_STOP_BEFORE_CAPITAL = re.compile(r"[.!?][”\"’)]*(?= [“\"‘(]?[A-Z])")


_INNER_STOP = re.compile(r"[.!?]")


_LINE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


_SPACED_DOTS = re.compile(r"\.(?: \.){2,}")  # newswire `. . .` ellipses


_CLAUSE_BREAK = re.compile(r"(?<=[;:])\s|\s(?=[—–] )|(?<=,)\s")


_WORD_SPAN = re.compile(r"\S+")


MAX_QUOTE_MERGE_WORDS = 80


# Longer than this is not a sentence but unpunctuated text (a list, a scrape without stops):
# it is cut at clause breaks, or at this many words, so no item grows without bound.
MAX_SENTENCE_WORDS = 100


# Longer than this is not a word but a blob (base64, a hash, a run of one letter): the blob is
# dropped with the sentence it stands in, so no item is longer than 100 words of 100 characters.
MAX_WORD_CHARS = 100


_BLOB = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


@lru_cache(maxsize=1)
def tokenizer() -> PunktSentenceTokenizer:
    """The Punkt tokenizer, built once per process."""
    params = PUNKT_ENGLISH_MODEL  # the real model, only if already on this machine (never downloaded)
    if params is None:
        params = PunktParameters()
        for word in SENTENCE_STARTERS:
            params.ortho_context[word] |= ORTHO_BEG_UC | ORTHO_MID_LC
        params.sent_starters.update(SENTENCE_STARTERS)
    params.abbrev_types.update(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs (blank-line blocks, or lines ending a sentence), with lines broken
    mid-sentence joined back together."""
    paras: list[str] = []
    for block in _BLANK_LINE.split(text):
        current = ""
        for line in block.split("\n"):
            line = " ".join(line.split())  # one space between words; str.split knows NBSP & co.
            if not _HAS_WORD.search(line):
                continue  # blank, or punctuation alone: nothing to say
            if current and (not _LINE_END.search(current) or line[0].islower()):
                current = f"{current} {line}"  # a sentence broken by a line break
            else:
                if current:
                    paras.append(current)
                current = line
        if current:
            paras.append(current)
    return paras


def _quote_open(text: str) -> bool:
    """Whether a double quotation is left open at the end of `text`."""
    straight = text.count('"')
    net = text.count("“") - text.count("”")
    if net > 0:  # straight quotes close curly ones first (`“mixed,"` is common in scraped text)
        return straight < net or (straight - net) % 2 == 1
    return straight % 2 == 1


def _unglue(para: str) -> str:
    """Put back the space a scraper dropped after a sentence end. A quote mark glued to the next
    sentence closes the quotation if one is open, else opens the next one (`.”I think` is a
    mistyped opening quote)."""
    if not _GLUED.search(para):
        return para
    out: list[str] = []
    pos = 0
    for m in _GLUED.finditer(para):
        out.append(para[pos : m.start()])
        stops, quote = m.group(1), m.group(2)
        if quote and not _quote_open("".join(out)):
            out.append(f"{stops} {'“' if quote == '”' else quote}")
        else:
            out.append(f"{stops}{quote} ")
        pos = m.end()
    out.append(para[pos:])
    return "".join(out)


# A sentence never starts with a possessive ending: the cut fell inside "S.E.C.'s".
_POSSESSIVE_START = re.compile(r"['’]s\b")


def _merge(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Keep a quotation with its attribution: `“Is it over?” he asked.` is one sentence, and a
    quotation spanning sentences is kept whole when it is short and ends in its attribution."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(items):
        p, sent = items[i]
        if _quote_open(sent):
            joined, j = sent, i
            while j + 1 < len(items) and items[j + 1][0] == p and j - i < 3:
                j += 1
                joined = f"{joined} {items[j][1]}"
                if not _quote_open(joined):
                    break
            if j > i and not _quote_open(joined) and len(joined.split()) <= MAX_QUOTE_MERGE_WORDS:
                out.append((p, joined))
                i = j + 1
                continue
        if out and out[-1][0] == p and _POSSESSIVE_START.match(sent):
            out[-1] = (p, f"{out[-1][1]}{sent}")  # `The S.E.C.` + `'s inquiry`: one word, cut
        elif out and out[-1][0] == p and sent[:1].islower() and len(sent.split()) <= 8:
            out[-1] = (p, f"{out[-1][1]} {sent}")  # `he said.` after a quoted question
        else:
            out.append((p, sent))
        i += 1
    return out


def _cap(sent: str) -> list[str]:
    """Cut an over-long 'sentence' at clause breaks (`;`, `:`, dashes, then commas), else at
    MAX_SENTENCE_WORDS words. Linear in the length: a 50,000-word run-on is cut in one pass."""
    if len(sent) <= MAX_SENTENCE_WORDS * 2 or len(sent.split(None, MAX_SENTENCE_WORDS)) <= MAX_SENTENCE_WORDS:
        return [sent]  # (a word takes two characters at least: a short text is short)
    words = [m.span() for m in _WORD_SPAN.finditer(sent)]
    starts = [a for a, _ in words]
    pieces: list[str] = []
    first = 0  # index of the first word not yet in a piece
    while len(words) - first > MAX_SENTENCE_WORDS:
        lo, hi = words[first][0], words[first + MAX_SENTENCE_WORDS - 1][1]
        head = sent[lo:hi]
        cuts = [m.start() for m in _CLAUSE_BREAK.finditer(head) if m.start() > len(head) // 3]
        cut = lo + (cuts[-1] if cuts else len(head))
        pieces.append(sent[lo:cut].strip())
        first = bisect.bisect_left(starts, cut)
    rest = sent[words[first][0] :].strip()
    return [*pieces, rest] if rest else pieces


def split_text(text: str) -> list[tuple[int, str]]:
    """(paragraph number, sentence) pairs for a cleaned text."""
    out: list[tuple[int, str]] = []
    for p, para in enumerate(_paragraphs(text)):
        if ". ." in para:
            para = _SPACED_DOTS.sub(lambda m: "." * min(4, m.group(0).count(".")), para)
        for segment, open_start, open_end in _segments(para):
            sents = _sentences(p, segment)
            # the sentence a blob stood in goes with it: its halves are fragments, not reporting
            sents = sents[1 if open_start else 0 : len(sents) - 1 if open_end else len(sents)]
            out += _merge(sents)  # (merging never reaches across a blob)
    return out


# A blob, or the text before one, that ends a sentence (a stop, then closing quotes or brackets)
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")


def _segments(para: str) -> list[tuple[str, bool, bool]]:
    """A paragraph cut at blobs of over MAX_WORD_CHARS characters, which are dropped (a
    1,000,000-character word is not reporting, and must not make a 1 MB bullet): (text, whether
    it starts inside a blob's sentence, whether it ends inside one)."""
    if len(para) <= MAX_WORD_CHARS or not _BLOB.search(para):
        return [(para, False, False)]
    out: list[tuple[str, bool, bool]] = []
    pos, open_start = 0, False
    for blob in _BLOB.finditer(para):
        piece = para[pos : blob.start()].strip()
        open_end = bool(piece) and not _ENDS_SENTENCE.search(piece)
        out.append((piece, open_start, open_end))
        pos = blob.end()
        # the text after goes on the blob's sentence unless the blob ends it, or the blob stood
        # alone between sentences and a capital starts the next one
        after = para[pos:].lstrip()[:1]
        open_start = not _ENDS_SENTENCE.search(blob.group()) and (open_end or not after.isupper())
    out.append((para[pos:].strip(), open_start, False))
    return [seg for seg in out if _HAS_WORD.search(seg[0])]


def _sentences(p: int, para: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    tok = tokenizer()
    for chunk in _obvious_chunks(_unglue(para)):
        # A chunk with no stop before its end is one sentence; only the others need Punkt.
        sents = tok.tokenize(chunk) if _INNER_STOP.search(chunk, 0, len(chunk) - 1) else (chunk,)
        for sent in sents:
            if _HAS_WORD.search(sent):
                out.extend((p, piece) for piece in _cap(sent.strip()))
    return out


def _obvious_chunks(para: str) -> list[str]:
    """Cut a paragraph where Punkt would certainly cut: after a lower-case word of two or more
    letters that is not an abbreviation, a stop, optional closing quotes, a space and a capital.
    Punkt then only sees the pieces with a doubtful stop (abbreviations, initials, numbers)."""
    chunks: list[str] = []
    start = 0
    for m in _STOP_BEFORE_CAPITAL.finditer(para):
        end = j = m.start()
        while j > start and para[j - 1].isalpha():
            j -= 1
        word = para[j:end]
        if (
            len(word) < 2
            or not word.islower()
            or (j > 0 and (para[j - 1].isalnum() or para[j - 1] in "._"))
            or word in ABBREVIATIONS
        ):
            continue
        chunks.append(para[start : m.end()])
        start = m.end() + 1  # the single space
    chunks.append(para[start:])
    return [c for c in chunks if c]


def split_article(article: Article) -> list[Sentence]:
    return [
        Sentence(id=f"{article.id}:{i}", article_id=article.id, index=i, text=s, paragraph=p)
        for i, (p, s) in enumerate(split_text(article.text))
    ]
