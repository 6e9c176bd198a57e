"""Furniture that talks to the reader: subscribe, newsletter, app, cookies, ©, affiliate
disclosures, letters-to-the-editor forms, "view ... here". A long paragraph is furniture only
when most of its words are; a plea glued to a report is cut from it."""

from __future__ import annotations

import re

# Furniture lines are short; longer lines are reporting (and skip the costlier checks).
MAX_NOISE_WORDS = 60


def _words(line: str) -> int:
    return len(line.split())


# Marketing footers: what the site sells or asks of the reader.
_FOOTER_WORDS = re.compile(  # matched against the lower-cased line (faster than re.I)
    r"subscri(?:be|ption|ber)|newsletter|sign(?:ing)? up|\bregister\b|e-?paper|digital edition|"
    r"print edition|\bapps?\b|app store|google play|follow us|like us on|\bcookies?\b|"
    r"privacy (?:policy|notice)|terms (?:of|and) (?:use|service|conditions)|all rights reserved|"
    r"copyright|©|support (?:our|independent|quality) journalism|become a (?:member|subscriber|supporter)|"
    r"\bdonat(?:e|ion)|\binbox\b|instant access|unlimited access|free trial|already a subscriber|"
    r"click here|tap here|get in touch|send us|tip[- ]?off|story tip|notifications|alerts|"
    r"our advertisers|advertising policy|affiliate (?:links?|partners?|commission)|"
    r"(?:earn|receive|get|make|be paid) (?:an? )?(?:small )?(?:affiliate )?(?:commission|compensation)|"
    r"sponsored (?:content|post|by)|redeem|bonus points|"
    r"letters? to the editor|\b(?:via|using|through|on|with|fill (?:in|out)) (?:this|the|our) (?:form|link|page)\b|"
    r"promo(?:tional)? code|coupon|\bon (?:twitter|facebook|instagram|whatsapp|tiktok|youtube|telegram)\b|"
    r"\b(?:view|see|visit|read|find|learn)\b[^.!?]{0,40}\b(?:here|this page)\b"
)


# A footer line contains at least one of these words (a quick test before the full patterns).
_FOOTER_TRIGGERS = frozenset(
    "subscribe subscribed subscription subscriptions subscriber subscribers newsletter newsletters "
    "sign signing register e-paper epaper edition app apps follow like cookie cookies privacy terms "
    "rights copyright support become donate donation donations inbox access trial click tap touch "
    "send tip tips tip-off tip-offs notifications alerts store play advertiser advertisers "
    "advertising advertisement affiliate affiliates commission compensation compensated sponsor "
    "sponsored redeem bonus promo promotional coupon here page twitter facebook instagram whatsapp "
    "tiktok youtube telegram letter letters form".split()
)


# Talking to the reader: "you"/"our"/"us" in lower case or opening a sentence ("US", the
# country, is not "us"), or an imperative at the start of the line.
_READER = re.compile(
    r"\b(?:you|your|yours|our|us)\b|(?:^|[.!?]\s+)(?:You|Your|Yours|Our)\b|"
    r"^(?i:subscribe|sign|register|buy|download|get|join|follow|keep up|"
    r"stay|read|click|tap|support|donate|listen|watch|like|share|discover|don't|never miss|want|"
    r"enjoy|try|unlock|access|enable|allow|turn on|log|create|continue|already|for (?:more|the latest)|"
    r"submit|send|tell|write|email|e-mail|contact|fill|complete|visit|view|see|learn)\b"
)


# A copyright notice, not the word: "© 2024 X", "Copyright 2024", "All rights reserved".
_NOTICE = re.compile(r"©|(?i:all rights reserved|^copyright\b(?!\s+(?-i:[a-z]))|\bcopyright\s*(?:\(c\)|(?:19|20)\d\d))")


_REPORTED = re.compile(r"\b(?:said|says|told|according to|announced|reported)\b")


def _is_quote_attributed(line: str) -> bool:
    return bool(re.search(r"[“\"].*\b(?:said|says|told|added|asked|wrote)\b|\b(?:said|says|told)\b.*[“\"]", line))


# A paragraph longer than this is furniture only when most of it is (one clause that talks to
# the reader, "you can sign up for alerts", does not make a 50-word report furniture).
FOOTER_SENTENCE_WORDS = 25


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9*])")


def sentences_of(line: str) -> list[str]:
    """A line cut at its sentence ends (a rough cut: enough to weigh furniture in a paragraph)."""
    return [s for s in _SENTENCE_BREAK.split(line) if s.strip()]


def is_footer(line: str) -> bool:
    """Marketing that talks to the reader: subscribe, newsletter, e-paper, app, cookies, ©,
    affiliate disclosures. A long paragraph is furniture when most of its words are."""
    n = _words(line)
    if n > MAX_NOISE_WORDS or not _footer_hint(line):
        return False
    if n <= FOOTER_SENTENCE_WORDS:
        return _footer_sentence(line)
    parts = sentences_of(line)
    if len(parts) < 2:
        # one long sentence: a plea when it talks to the reader from its start ("Keep up with
        # ... our newsletter"), reporting when a clause near its end does
        head = " ".join(line.split()[: max(8, n // 3)])
        return _footer_sentence(line) and bool(_READER.search(head))
    furniture = sum(_words(p) for p in parts if _footer_sentence(p))
    return 2 * furniture >= n


def footer_sentences_removed(line: str) -> str:
    """A paragraph of reporting without the short reader-directed sentences glued to it
    (`... the road reopened. Sign up for our alerts here.`)."""
    if not _footer_hint(line):
        return line
    parts = sentences_of(line)
    if len(parts) < 2:
        return line
    kept = [p for p in parts if _words(p) > FOOTER_SENTENCE_WORDS or not _footer_sentence(p)]
    return " ".join(kept) if kept and len(kept) < len(parts) else line


def _footer_hint(line: str) -> bool:
    low = line.lower()
    words = {w.strip(".,:;!?()[]\"'“”‘’|*") for w in low.split()}
    return not words.isdisjoint(_FOOTER_TRIGGERS) or "©" in low


def _footer_sentence(line: str) -> bool:
    # talking to the reader (or a notice) first: a quarter of the marketing words' cost, and
    # most lines that pass the trigger words fail it
    if not (_READER.search(line) or _NOTICE.search(line)):
        return False
    if not _FOOTER_WORDS.search(line.lower()):
        return False
    if _is_quote_attributed(line):
        return False
    # news reported about subscriptions, apps or copyright, not a plea to the reader
    return not (_REPORTED.search(line) and _words(line) >= 12)
