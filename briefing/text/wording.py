"""How a sentence reads as a bullet: stand-alone quality, opening pronouns, unclosed quotations."""

from __future__ import annotations

import re

# A sentence that opens by pointing back at something the reader has not seen.
DANGLING = re.compile(
    r"^(?:he|she|it|they|them|his|her|hers|its|their|theirs|this|that|these|those|such|"
    r"but|and|or|so|also|however|meanwhile|still|yet|instead|then|there|here|both|another|"
    r"the two|the latter|the former|other)\b",
    re.IGNORECASE,
)


OPEN_QUOTE = re.compile(r"^\s*(?:``|''|[\"“‘'])")


ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|according|added|asked|stated|announced|declared|wrote|reported)\b",
    re.IGNORECASE,
)


DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,\s*[A-Z][\w.]+)*\s*(?:\([\w ]+\)\s*)?(?:_|--|—|-)\s")


TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$|[.!…]\s*(?:''|``)$")


def quality(text: str) -> float:
    """How well a sentence stands alone as a summary line, in (0, 1]."""
    words = text.split()
    n = len(words)
    q = 1.0
    if n < 6:
        q *= 0.3
    elif n < 10:
        q *= 0.75
    elif n > 45:
        q *= 0.8
    if text.rstrip().endswith("?"):
        q *= 0.4
    if not TERMINAL.search(text.rstrip()) and not text.rstrip().endswith(("'", '"', "”")):
        q *= 0.6  # a headline, caption or cut fragment
    if DANGLING.match(text):
        q *= 0.7
    if OPEN_QUOTE.match(text) and not ATTRIBUTION.search(text):
        q *= 0.5  # a quotation with no speaker
    if DATELINE.match(text):
        q *= 0.8
    return q


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


MIN_BULLET_WORDS = 6  # a shorter bullet is a fragment ("While there...", "The ...")


_CUT = re.compile(r"(?:\.\.\.|…)[\"'”’)\]]*\s*$")


_ENDS = re.compile(r"[.!?][\"'”’)\]]*\s*$|[\"”’]\s*$")


def whole_sentence(text: str) -> bool:
    """A sentence that can stand as a bullet: long enough, not cut off, ended as a sentence."""
    return len(text.split()) >= MIN_BULLET_WORDS and not _CUT.search(text) and bool(_ENDS.search(text))


def tidy(text: str) -> str:
    """A fact's text for a bullet: a quotation the sentence splitter cut open is closed."""
    marks = [ch for ch in text if ch in _QUOTE_MARKS]
    if len(marks) % 2 == 1:
        last = max(i for i, ch in enumerate(text) if ch in _QUOTE_MARKS)
        if last + 1 < len(text) and not text[last + 1].isspace() and text[last] in _OPEN_MARKS:
            return text.rstrip() + "…”"
    return text
