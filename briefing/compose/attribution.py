"""Attribution: direct quotations in an article's sentences and who the article says spoke them."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.models import Pool, Sentence
from briefing.text.lexicon import (
    CONNECTORS,
    COURTESY_TITLES,
    DOTTED_TITLES,
    NAME_PARTICLES,
    ORG_WORDS,
    PREPOSITIONS,
    ROLE_WORDS,
    SPEAKER_PRONOUNS,
    SPEECH_ADVERBS,
    SPEECH_DAYS,
    SPEECH_VERBS,
    SUBJECT_VERBS,
    TITLE_WORDS,
)

QUOTE_MARKS = "“”\"„«»"


_QUOTE_MARK = re.compile(f"[{QUOTE_MARKS}]")


MIN_WORDS = 6  # shorter quoted bits are scare quotes or fragments, not quotations


_TOKEN = re.compile(r"\w+(?:[’'.\-]\w+)*\.?|[^\w\s]")


_DASH_ASIDE = re.compile(r"\s[—–]\s[^—–]*?\s[—–]\s")


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who spoke, as written, with an identity key to compare speakers across articles."""

    display: str
    key: str  # surname (people) or the whole phrase (organisations), folded
    person: bool


@dataclass(frozen=True, slots=True)
class Attribution:
    """One quotation in one article, with its speaker."""

    article_id: str
    text: str
    speaker: Speaker
    direct: bool  # named in the quotation's own sentence (not via a pronoun or continuation)
    sentence_ids: tuple[str, ...]


_NOT_FOLDED = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Comparison form of a text: accents, quotes, case and punctuation folded (plain ASCII,
    most text, is already its own NFKD form)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_FOLDED.sub(" ", text.casefold()).strip()


def _tokens(text: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(text):
        if (len(tok) == 2 and tok[0].isupper() and tok[1] == ".") or (
            tok.endswith(".") and tok[:-1].casefold() in DOTTED_TITLES
        ):
            out.append(tok)  # an initial ("Robert C. Byrd") or a title ("Ms. Clwyd")
        elif tok.endswith(".") and tok.count(".") == 1 and len(tok) > 1:
            out += [tok[:-1], "."]  # "Zelensky." is a name and a full stop; "U.S." stays whole
        else:
            out.append(tok)
    return out


def _bare(tok: str) -> str:
    return tok.casefold().rstrip(".")


def _is_name(tok: str) -> bool:
    return (tok[:1].isupper() and tok.casefold() not in CONNECTORS and tok.casefold() not in SPEECH_DAYS) or (
        tok in NAME_PARTICLES
    )


def _is_role(tok: str) -> bool:
    return tok.casefold() in ROLE_WORDS or tok.casefold().endswith(("’s", "'s"))


def _speaker_backward(toks: list[str], end: int) -> list[str]:
    """The speaker phrase ending just before toks[end] (a speech verb), or []."""
    i = end - 1
    while i >= 0 and (toks[i].casefold() in SPEECH_ADVERBS or toks[i].casefold() in SPEECH_DAYS or toks[i] == "on"):
        i -= 1
    if i >= 0 and toks[i] == ",":  # "the Kremlin's spokesperson, Dmitry Peskov, said"
        i -= 1
    phrase: list[str] = []
    while i >= 0 and (_is_name(toks[i]) or _is_role(toks[i])):
        phrase.insert(0, toks[i])
        i -= 1
    if i >= 0 and toks[i].casefold() in PREPOSITIONS:
        return []  # "an economist at Goldman Sachs said": the firm did not speak
    while phrase and phrase[-1].casefold() in ROLE_WORDS - {"office", "statement", "official", "officials", "spokesman", "spokeswoman", "spokesperson", "source", "sources"}:
        phrase.pop()  # never end on "the", "of", ...
    while phrase and (phrase[0].casefold() in {"of", "for"}):
        phrase.pop(0)
    return phrase


def _speaker_forward(toks: list[str], start: int) -> tuple[list[str], int]:
    """The speaker phrase starting at toks[start], and the index after it. A few lower-case
    words may describe the speaker before the name ("port director Jonas Hale")."""
    i = start
    phrase: list[str] = []
    while (
        i < len(toks)
        and len(phrase) < 4
        and toks[i][:1].islower()
        and toks[i].isalpha()
        and toks[i].casefold() not in SPEECH_VERBS | SPEECH_ADVERBS | CONNECTORS | {"of"}
    ):
        phrase.append(toks[i])
        i += 1
    if not (i < len(toks) and _is_name(toks[i])):
        i, phrase = start, []  # no name after the description: read roles only
    while i < len(toks) and (_is_name(toks[i]) or _is_role(toks[i])):
        if toks[i].casefold() in SPEECH_VERBS:
            break
        phrase.append(toks[i])
        i += 1
    while phrase and phrase[-1].casefold() in {"of", "for", "the", "a", "an"}:
        phrase.pop()
        i -= 1
    return phrase, i


def _named(phrase: Sequence[str]) -> bool:
    """Names somebody: a capitalised word, and not cut at a possessive ("Zughayar's")."""
    if not phrase or phrase[-1].casefold().endswith(("’s", "'s")):
        return False
    return any(t[:1].isupper() for t in phrase)


class _Article:
    """One article's sentences in order, with helpers to find full names."""

    def __init__(self, sentences: Sequence[Sentence]):
        self.sentences = list(sentences)
        self.text = " ".join(s.text for s in sentences)
        self._names: dict[str, str] = {}

    def full_name(self, surname: str) -> str:
        """'Given Surname' as the article writes it somewhere, else ''."""
        if surname not in self._names:
            pat = re.compile(
                r"\b((?:[A-Z][\w’'\-]+\s){1,2})" + re.escape(surname) + r"\b"
            )
            best = ""
            for m in pat.finditer(self.text):
                given = [w for w in m.group(1).split() if _bare(w) not in COURTESY_TITLES | CONNECTORS]
                given = given[-1:] if given else []
                # a given name is not a title: "President Donald Trump" -> "Donald Trump"
                if given and not _looks_like_title(given[0]):
                    cand = f"{given[0]} {surname}"
                    best = best or cand
            self._names[surname] = best
        return self._names[surname]


def _looks_like_title(word: str) -> bool:
    return _bare(word) in TITLE_WORDS | COURTESY_TITLES or word.casefold().endswith(("’s", "'s"))


def make_speaker(phrase: Sequence[str], art: _Article) -> Speaker | None:
    """A Speaker from a phrase as written; None when it names nobody."""
    phrase = [t for t in phrase if t not in {",", "."}]
    if not phrase or not _named(phrase):
        return None
    display = " ".join(phrase).replace(" ’s", "’s").replace(" 's", "'s")
    last = phrase[-1]
    org = any(t.casefold() in ORG_WORDS for t in phrase[-1:]) or not last[:1].isupper()
    if org or last.casefold() in TITLE_WORDS:
        return Speaker(display, fold(display), False)
    full = art.full_name(last)
    given_written = len(phrase) >= 2 and phrase[-2][:1].isupper() and not _looks_like_title(
        phrase[-2]
    ) and _bare(phrase[-2]) not in COURTESY_TITLES
    person = bool(full) or given_written or any(_bare(t) in COURTESY_TITLES for t in phrase)
    if not person:
        return Speaker(display, fold(display), False)
    if not given_written and full:
        # "Mr Zelensky" or "Macron": name the person as the same article does in full
        display = full
    return Speaker(display, fold(last), True)


def same_speaker(a: Speaker, b: Speaker) -> bool:
    if a.person and b.person:
        return fuzz.ratio(a.key, b.key) >= 85
    return a.key == b.key


def _pairs(text: str) -> list[tuple[int, int, bool]]:
    """(open, close, opened) positions of quotation marks. A closing mark with no opening one
    yields open=-1 (the quotation starts where its sentence starts)."""
    out: list[tuple[int, int, bool]] = []
    start: int | None = None
    for m in _QUOTE_MARK.finditer(text):  # the marks only, not every character
        i, ch = m.start(), m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        can_open = not after.isspace() and ch not in "”»"
        can_open = can_open or (not after.isspace() and (before.isspace() or before in "([—–:"))
        can_close = not before.isspace()
        if start is None:
            if can_open and (before.isspace() or before in "([—–:,'‘" or i == 0):
                start = i
            elif can_close and (after.isspace() or after in ".,;:!?)—–"):
                out.append((-1, i, False))
        elif can_close:
            out.append((start, i, True))
            start = None
    return out


@dataclass(slots=True)
class _Found:
    text: str
    speaker: Speaker | None
    pronoun: bool
    whole: bool  # the quotation is its sentence, with no attribution at all
    sentence_ids: tuple[str, ...]
    first: int  # index in the article's sentence list of the first sentence


def _typewriter_quotes(text: str) -> str:
    """Newswire ``...'' quotation marks as curly ones."""
    return text.replace("``", "“").replace("''", "”")


def _attribute_after(toks: list[str]) -> tuple[list[str] | None, bool]:
    """Speaker from the words after a closing mark: (phrase, pronoun)."""
    i = 0
    while i < len(toks) and toks[i] in {",", "—", "–", "-"}:
        i += 1
    if i >= len(toks):
        return None, False
    t = toks[i].casefold()
    if t in SPEAKER_PRONOUNS:
        j = i + 1
        while j < len(toks) and toks[j].casefold() in SPEECH_ADVERBS:
            j += 1
        if j < len(toks) and toks[j].casefold() in SPEECH_VERBS:
            return [], True
        return None, False
    if t in SPEECH_VERBS:
        phrase, _ = _speaker_forward(toks, i + 1)
        return (phrase or None), False
    if t == "according" and i + 1 < len(toks) and toks[i + 1] == "to":
        phrase, _ = _speaker_forward(toks, i + 2)
        return (phrase or None), False
    phrase, j = _speaker_forward(toks, i)
    while j < len(toks) and (toks[j].casefold() in SPEECH_ADVERBS or toks[j].casefold() in SPEECH_DAYS or toks[j] == "on"):
        j += 1
    if phrase and j < len(toks) and toks[j].casefold() in SPEECH_VERBS:
        return phrase, False
    return None, False


def _attribute_before(toks: list[str]) -> tuple[list[str] | None, bool]:
    """Speaker of the nearest speech verb before an opening mark: (phrase, pronoun)."""
    for k in range(len(toks) - 1, -1, -1):
        if toks[k].casefold() not in SPEECH_VERBS:
            continue
        j = k - 1
        while j >= 0 and toks[j].casefold() in SPEECH_ADVERBS:
            j -= 1
        if j >= 0 and toks[j].casefold() in SPEAKER_PRONOUNS:
            return [], True
        phrase = _speaker_backward(toks, k)
        if phrase and _named(phrase):
            return phrase, False
        if j >= 0 and toks[j].casefold() in {"and", "but"}:
            continue  # "X emphasised ... and said ...": the subject is further back
        return None, False
    return None, False


def _subject(sentence: str, art: _Article) -> Speaker | None:
    """The one named subject of a sentence ("Trump told CBS News ..."), or None."""
    toks = _tokens(_DASH_ASIDE.sub(" ", sentence))
    speakers: list[Speaker] = []
    for k, tok in enumerate(toks):
        if tok.casefold() in SUBJECT_VERBS:
            sp = make_speaker(_speaker_backward(toks, k), art)
            if sp is not None:
                speakers.append(sp)
    if not speakers:
        return None
    first = speakers[0]
    if any(not same_speaker(first, s) for s in speakers[1:]):
        return None  # two people speak in that sentence: "he" is ambiguous
    if not first.person:
        return None
    return first


def _article_quotes(art: _Article) -> list[Attribution]:
    """Every attributed quotation of one article, in reading order."""
    found: list[_Found] = []
    by_sentence: dict[int, list[_Found]] = {}  # sentence -> the quotations it holds
    for group in _paragraphs(art.sentences):
        for f, held in _paragraph_quotes(art, group):
            found.append(f)
            for n in held:
                by_sentence.setdefault(n, []).append(f)
    out: list[Attribution] = []
    for f in found:
        direct = f.speaker is not None
        speaker = _resolved_speaker(art, f, by_sentence)
        if speaker is None or (not speaker.person and not _named(speaker.display.split())):
            continue
        out.append(Attribution(art.sentences[f.first].article_id, f.text, speaker, direct, f.sentence_ids))
    return out


def _paragraphs(sents: Sequence[Sentence]) -> list[list[int]]:
    """Runs of consecutive sentences of one paragraph, as indices into `sents`."""
    groups: list[list[int]] = []
    for n, s in enumerate(sents):
        prev = sents[n - 1] if n else None
        if prev is not None and prev.paragraph == s.paragraph and prev.index == s.index - 1:
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups


def _paragraph_quotes(art: _Article, group: list[int]) -> Iterator[tuple[_Found, list[int]]]:
    """The quotations of one paragraph, each with the sentences (indices) it spans."""
    sents = art.sentences
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for n in group:
        starts.append(pos)
        parts.append(_typewriter_quotes(sents[n].text))
        pos += len(parts[-1]) + 1
    text = " ".join(parts)
    for o, c, opened in _pairs(text):
        k_close = bisect_right(starts, c) - 1
        k_open = bisect_right(starts, o) - 1 if opened else k_close
        inner = text[o + 1 if opened else starts[k_close] : c].strip()
        if _QUOTE_MARK.search(inner):
            continue
        inner = inner.rstrip(",;: ").strip()
        if len(inner.split()) < MIN_WORDS:
            continue
        after = text[c + 1 : starts[k_close] + len(parts[k_close])]
        before = text[starts[k_open] : o] if opened else ""
        phrase, pronoun = _attribute_after(_tokens(after))
        if phrase is None and not pronoun and opened:
            phrase, pronoun = _attribute_before(_tokens(_DASH_ASIDE.sub(" ", before)))
        if not opened and phrase is None and not pronoun:
            continue  # a stray closing mark with no attribution: not a quotation we trust
        whole = opened and phrase is None and not pronoun and not before.strip() and not after.strip(" .")
        speaker = make_speaker(phrase, art) if phrase else None
        held = group[k_open : k_close + 1]
        ids = tuple(sents[n].id for n in held)
        yield _Found(inner, speaker, pronoun, whole, ids, group[k_open]), held


def _resolved_speaker(art: _Article, f: _Found, by_sentence: dict[int, list[_Found]]) -> Speaker | None:
    """A quotation's speaker: the one named with it, else, for "he said" or a quotation
    standing alone, the previous sentence's (kept on it, so a continuation may chain on it)."""
    if f.speaker is not None or not (f.pronoun or f.whole):
        return f.speaker
    sents = art.sentences
    speaker = None
    prev_n = f.first - 1
    if prev_n >= 0 and sents[prev_n].index == sents[f.first].index - 1:
        prev_quotes = [q for q in by_sentence.get(prev_n, []) if q is not f]
        resolved = [q.speaker for q in prev_quotes if q.speaker is not None]
        if resolved:
            speaker = resolved[-1]
        elif f.pronoun and not prev_quotes:
            speaker = _subject(sents[prev_n].text, art)
    if speaker is not None:
        f.speaker = speaker
    return speaker


def find_attributions(pool: Pool) -> list[Attribution]:
    """Every attributed quotation of every article, in article and reading order."""
    by_article: dict[str, list[Sentence]] = {a.id: [] for a in pool.articles}
    for fact in pool.facts:
        for m in fact.members:
            if m.article_id in by_article:
                by_article[m.article_id].append(m)
    out: list[Attribution] = []
    for art in pool.articles:
        sents = sorted({s.id: s for s in by_article[art.id]}.values(), key=lambda s: s.index)
        out += _article_quotes(_Article(sents))
    return out
