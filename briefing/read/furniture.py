"""Page furniture: line classifiers for navigation, footers, captions, credits, datelines and notes."""

from __future__ import annotations

import re

from briefing.read.pleas import (  # noqa: F401  (re-exported with the other line classifiers)
    _NOTICE,
    _READER,
    MAX_NOISE_WORDS,
    _is_quote_attributed,
    _words,
    footer_sentences_removed,
    is_footer,
)
from briefing.text.dates import DATE_PATTERNS, parse_date

_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\.?"


_TIME = r"\d{1,2}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?|h)?(?:\s*[A-Z]{2,4}\b)?"


_DATE_PREFIX = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified|date|dated|created)\b\s*(?:on|at)?\s*:?\s*)+",
    re.I,
)


LEADING_DATE = re.compile(r"^\s*date\s*:?\s*((?:19|20)\d\d-\d\d-\d\d)\b\s*", re.I)


def _date_line(line: str) -> str:
    """The date when the line is only a date stamp (`Updated 3:05 PM EDT, Sept. 4, 2025`)."""
    rest = _DATE_PREFIX.sub("", line)
    date = parse_date(rest)
    if not date:
        return ""
    leftover = rest
    for pattern in DATE_PATTERNS:
        leftover = pattern.sub(" ", leftover)
    leftover = re.sub(rf"\b{_WEEKDAY}|{_TIME}|\b(?:at|on|the|gmt|utc|bst|cet|cest|est|edt|pst|pdt|et|pt)\b", " ", leftover, flags=re.I)
    return date if not re.search(r"[A-Za-z]{2,}", leftover) else ""


_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|da|van|von|der|del|la|le|bin|al|el))*"


_PERSON = r"[A-Z][\w'’\-]*\.?(?:\s+(?:[A-Z][\w'’\-]*\.?|de|da|van|von|der|del|la|le|bin|al|el)){1,3}"


_PEOPLE = rf"{_PERSON}(?:\s*(?:,|\band\b|\bAnd\b|&)\s*{_PERSON})*"


_ORG_WORD = r"[A-Z][\w&'’\-]*(?:\.[\w&'’\-]+)*"  # dots only inside: `DonegalLive.ie`, not `Ltd.`


_ORG = rf"(?:[Tt]he\s+)?{_ORG_WORD}(?:\s+(?:{_ORG_WORD}|of|and|&|de|du|la|for)){{0,5}}"


TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


SEPARATOR = re.compile(r"^[\W_]+$")  # no letter or digit at all: `___`, `* * *`, `.`


HASH = re.compile(
    r"^(?:[0-9a-f]{16,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|(?=[A-Za-z0-9+/=_\-]*\d)(?=[A-Za-z0-9+/=_\-]*[A-Za-z])[A-Za-z0-9+/=_\-]{28,})$",
    re.I,
)


IMAGE_OR_URL = re.compile(r"^(?:\S+\.(?:jpe?g|png|gif|webp|svg|avif|mp4)(?:\?\S*)?|(?:https?://|www\.)\S+)$", re.I)


TABLE_ROW = re.compile(r"^\|.*\|$")


# Interface words that make up whole lines of page chrome.
_NAV_WORDS = (
    r"skip to (?:the )?(?:main )?(?:content|navigation|search)|skip navigation|jump to(?: content)?|"
    r"(?:main |open |close )?menu|navigation|search|sign ?in|sign ?out|log ?in|log ?out|my account|"
    r"home(?: ?page)?|back to top|top of page|share(?: this| on| via)?(?: article| story| page| post)?|"
    r"tweet|e-?mail|print|copy link|link copied|whatsapp|facebook|twitter|linkedin|reddit|"
    r"advertisement|advert|sponsored(?: content)?|promoted|ad|"
    r"read more|more stories|more news|related(?: articles| stories| topics| content| coverage)?|"
    r"recommended(?: for you)?|most (?:read|popular|viewed|shared)|trending(?: now)?|popular|latest(?: news| stories)?|"
    r"watch(?: live| now)?|listen(?: live| now)?|listen to (?:this|the) (?:article|story)|play video|"
    r"comments?|view comments|show comments|leave a comment|\d+ comments?|"
    r"next(?: article| story)?|previous(?: article| story)?|continue reading|load more|see more|show more|"
    r"more on this story|topics|tags|filed under|gallery|photos|videos?|"
    r"follow(?: us)?|accept(?: all)?(?: cookies)?|reject(?: all)?|manage (?:cookies|preferences)|"
    r"cookie (?:settings|policy|preferences)|privacy(?: policy| notice)?|terms(?: of use| of service| and conditions)?|"
    r"contact us|about us|newsletters?|join our newsletter|get the app|download the app|subscribe(?: now)?|"
    r"\d+\s*min(?:ute)?s?(?: read| listen)?|\d+\s*(?:minutes?|hours?|days?|mins?|hrs?) ago|save|saved|"
    r"bookmark|gift (?:this )?article|view (?:all|more)|open in app|play|pause|mute|close|expand"
)


NAV_LINE = re.compile(rf"^(?:{_NAV_WORDS})(?:\s*[|·•:,/]\s*(?:{_NAV_WORDS}))*\s*[:›»>|]?\s*$", re.I)


MENU = re.compile(r"^[^.!?]{0,40}(?:\s[|•·›»>/]\s[^.!?]{1,40}){2,}$")  # "Home | News | Sport"


PROMO = re.compile(
    r"^(?:read more|read next|also read|see also|related|more|watch|listen|recommended|"
    r"most read|trending|click here|tap here|don't miss|must read|opinion|analysis|live|breaking)\s*[:|»>—–-]\s+\S",
    re.I,
)


# Old wire copy types a dash as a spaced underscore ("Pinochet _ a senator"); show it as one.
_WIRE_DASH = re.compile(r"(?<= )_(?= )")


_SITE = re.compile(r"\b([A-Za-z][\w\-]*[A-Za-z0-9](?:\.(?:co|com|org|net|gov|ac))?\.(?:[a-z]{2}|com|org|net|news|info|media|online|site|tv|fm))\b")


_COPYRIGHT_NAME = re.compile(
    rf"(?i:©|\(c\)|copyright)\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*,?\s*)?(?P<name>{_ORG})"
)


_FOOTER_NAME = re.compile(
    rf"(?P<name>{_ORG})\s+(?i:newsletters?|apps?|e-?paper|news alerts|alerts|digital edition|"
    r"podcasts?|website|delivered)\b"
)


_LEGAL_SUFFIX = re.compile(r"(?:,?\s+(?:Ltd|Limited|Inc|Incorporated|plc|PLC|LLC|LLP|GmbH|Corp|Corporation|Co|Pty|AG|SA))+$")


CAPTION_LEAD = re.compile(
    r"^(?:photo|photograph|image|picture|pictured|caption|image caption|image source|media caption|"
    r"file photo|file|video|watch|credit)\s*(?:[:,(]|[-—–]\s)",
    re.I,
)


_CREDIT_WORDS = r"photo|photograph|pool|via|getty|images?|afp|ap|reuters|epa|efe|anadolu|credit|courtesy|handout|file|shutterstock|alamy|pa|wire|press association|supplied|x\.com"


# A credit closing a caption: `(Name/Outlet)`, `(AP Photo/Name)`, `(Photo: Name)`, `Photograph: Name/Agency`.
CAPTION_CREDIT = re.compile(
    rf"\((?=[A-Z])(?P<paren>[^()]*\b(?i:{_CREDIT_WORDS})\b[^()]*|{_PERSON}\s*/\s*[A-Z][^()]*)\)$"
    rf"|(?i:photo(?:graph)?|image|picture|credit)s?\s*(?i:by|:)\s*{_NAME}(?:\s*/\s*{_NAME})?\.?$"
)


CREDIT_LINE = re.compile(
    r"contributed (?:to )?(?:this|the) (?:report|story|article)|contributed reporting|"
    r"additional reporting|\breporting by\b|\bediting by\b|\bwriting by\b|\bcompiled by\b|"
    r"^\(?(?:reporting|writing|editing)\b",
    re.I,
)


REPORTED_FROM = re.compile(
    rf"^{_NAME}(?:\s*(?:,|and)\s*{_NAME})*\s+(?:reported|wrote|reports)\s+(?:from|in|this story from)\s+{_NAME}"
    rf"(?:[,;]?\s*(?:and\s+)?{_NAME}\s+(?:reported|wrote)\s+(?:from|in)\s+{_NAME})*\.?$"
)


BY_LINE = re.compile(
    rf"^(?i:by|written by|story by|words by|reported by)\s*:?\s+(?P<names>{_PEOPLE}|[A-Z][A-Z'’.\- ]+[A-Z])"
    rf"(?:\s*(?:,|\||—|–|-|·|•|\bin\b|\bfor\b)\s*(?P<rest>.{{0,80}}))?$"
)


CREDIT_NAMES = re.compile(
    rf"^(?P<names>{_PEOPLE})\s+(?:reported|wrote|reports)\b|^\(?(?i:reporting|writing) by\s+(?P<by>{_PEOPLE})"
)


# A picture agency's credit standing alone: `Getty Images`, `AFP via Getty Images`, `EPA-EFE/Ana Bell`.
CREDIT_ONLY = re.compile(
    r"^(?:[\w.'’\- ]{0,40}(?:/|\bvia\b)\s*)?(?i:getty images|shutterstock|alamy|epa(?:-efe)?|afp|reuters|"
    r"ap photo|ap|pa wire|pa media|anadolu|bloomberg|nurphoto|sopa images|imago)(?:\s*/\s*[\w.'’\- ]{1,40})?$"
)


CLOSING_CREDIT = re.compile(rf"^(?P<names>{_PEOPLE})\s*(?:,|\||—|–)\s*(?P<org>{_ORG})\.?$")


LABEL = re.compile(r"^(?P<name>[A-Z0-9][\w&'’.\-]*(?:\s+(?:[A-Z0-9][\w&'’.\-]*|of|the|and|&)){0,4})\s*:$")


EDITORIAL_NOTE = re.compile(
    r"^(?:this (?:story|article|report|piece|post) (?:has been|was|is being|will be) (?:updated|corrected|amended|edited|changed)|"
    r"(?:correction|clarification|editor'?s note)\s*[:—–-])",
    re.I,
)


WIRE_SIGNOFF = re.compile(r"^\((?:[a-z]{1,5}[-/ ]?){1,6}\)$")


WIRE_DESK = re.compile(  # matched against the lower-cased inside of a parenthesis
    r"story can end here|optional (?:material|trim)|end optional|story will move in|"
    r"for use by .{0,60}clients|distributed by .{0,60}(?:syndicate|features|service)|"
    r"to purchase this material|syndicate sales|reprint permission|editors?: (?:note|this|the following)"
)


SALES_NOTICE = re.compile(r"to purchase this material|syndicate sales|reprint permission")


TRAILING_NOTE = re.compile(r"(?<=\S)\s+\((?P<note>[^()]{3,120})\)\.?$")


LEADING_NOTE = re.compile(r"^\((?P<note>[^()]{3,120})\)\s*(?:nn\s+)?(?=\S)")


_DESK_ENDINGS = (")", ").", "MORE", "ENDIT", "STORY", "DAY", "DAY.", "MOVED", "MOVED.")


_WIRE_HINTS = ("story", "optional", "clients", "distributed", "purchase", "syndicate", "reprint", "editor")


def _wire_desk(line: str) -> bool:
    low = line.lower()
    return any(h in low for h in _WIRE_HINTS) and bool(WIRE_DESK.search(low))


# `(Shepard, Cox News Service).` closing a wire story: the writer and the service.
AUTHOR_TAG = re.compile(rf"^\((?P<names>{_NAME}),\s*(?P<org>{_ORG})\)\.?(?:\s+[A-Z]{{2,}}\b.*)?$")


# Trailing wire-desk words after the last sentence of a line: `... in Alice Springs. MORE`.
TRAILING_DESK = re.compile(r"(?<=[.!?”\"’)])\s+(?:\((?:[a-z]{1,5}[-/]?){1,6}\)|MORE|MOVED(?: [A-Z]+DAY)?\.?|ENDIT|END STORY)$")


HEADING_MARK = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


# "KYIV, Ukraine (AP) —", "LONDON (Reuters) -", "COEUR D'ALENE, Idaho (AP) --", "PARIS, Sept 4 (AFP) -"
_DL_DATE = r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))"


_DL_DASH = r"\s*(?:—|–|--|-|_|:)\s+(?=[\"“‘'A-Z0-9])"


DATELINE = re.compile(
    r"^(?:"
    rf"(?P<caps>[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){{0,3}}(?:,\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,2}})?{_DL_DATE}?)"
    r"\s*(?:\((?P<wire1>[A-Za-z][\w&.' \-]{0,30})\))?"
    rf"|(?P<place>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){{0,2}}(?:,\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,2}})?{_DL_DATE}?)?"
    r"\s*\((?P<wire2>[A-Za-z][\w&.' \-]{0,30})\)"
    rf"){_DL_DASH}"
)


WIRES = {
    "ap": "The Associated Press", "afp": "Agence France-Presse", "upi": "United Press International",
    "pa": "PA Media", "dpa": "dpa", "reuters": "Reuters", "ansa": "ANSA", "efe": "EFE",
}  # fmt: skip


_FUNCTION_WORDS = frozenset(
    "the a an of to and or but with for in on at by from as that which who whose when where said says "
    "say told is was are were be been has have had will would could should can than if because while "
    "into about after before its their his her our this these those not".split()
)


def _ends_with_function_word(line: str) -> bool:
    """`... said that` / `... the`: a sentence cut by a line break, not a heading."""
    return line.rsplit(None, 1)[-1].lower() in _FUNCTION_WORDS


def is_navigation(line: str) -> bool:
    """Page chrome: interface words, menus, breadcrumbs, 'READ MORE: ...' promotions."""
    if _words(line) <= 8 and not TERMINAL.search(line) and NAV_LINE.match(line):
        return True
    if MENU.match(line) and not TERMINAL.search(line):
        return True
    return bool(PROMO.match(line) and _words(line) <= 30 and not _is_quote_attributed(line))


# A description that ends in who took or supplied the picture, after its last sentence:
# `... removed from the water in Las Croabas. By U.S. CUSTOMS AND BORDER PROTECTION`.
TRAILING_CREDIT = re.compile(rf"[.!?][\"”’]?\s+(?i:by|courtesy(?: of)?|photo(?:graph)? by)\s+(?:{_PEOPLE}|[A-Z][A-Z.&'’/ -]+[A-Z.])$")


# Where the people stand in a picture: `(left)`, `(second right)`, `(L-R)`, `(centre)`.
POSITION = re.compile(r"\((?i:(?:far |second |third |from |pictured |top |bottom )?(?:left|right|centre|center|"
                      r"l-r|r-l|l to r|front|back|top|bottom|above|below|inset|foreground|background)"
                      r"(?: (?:to right|row|left|right))?)\)")


def is_caption(line: str) -> bool:
    """A photo caption or credit: a description ending in `(Name/Outlet)`, `(Photo: ...)`,
    `Photo: Name` or `. By NAME`, one placing people in the picture (`Hill (right) looks on`),
    or a line opening with `Photo:`/`FILE -`/`Image caption,`."""
    if line.startswith(("“", '"', "‘")):
        return False
    n = _words(line)
    if n <= 8 and CREDIT_ONLY.match(line):
        return True
    if CAPTION_LEAD.match(line) and n < 60:
        return True
    if n <= 60 and "(" in line and POSITION.search(line) and not re.search(r"[“”\"]", line):
        return True
    if n <= 60 and TRAILING_CREDIT.search(line):
        return True
    if not line.endswith(")") and not re.search(r"(?i:photo|image|picture|credit)", line):
        return False
    m = CAPTION_CREDIT.search(line)
    return bool(m) and _words(m.group("paren") or "") <= 12


def is_hash(line: str) -> bool:
    """Image hashes, UUIDs, bare file names and URLs left behind by scrapers."""
    return " " not in line and bool(HASH.match(line) or IMAGE_OR_URL.match(line))


def is_separator(line: str) -> bool:
    return bool(SEPARATOR.match(line))


def is_wire_note(line: str) -> bool:
    """Notes from a news agency to its clients' editors, not to readers: `(STORY CAN END HERE.
    OPTIONAL MATERIAL FOLLOWS)`, `(For use by ... clients)`, `(Story will move in the "a"
    category.)`, desks' sign-off initials `(jt/krt)`, paragraph marks like `nn`."""
    if WIRE_SIGNOFF.match(line) or re.fullmatch(r"[a-z]{1,3}", line):
        return True
    if line.startswith("(") and line.rstrip(".").endswith(")"):
        inner = line.strip("(). ")
        return _is_desk_note(inner)
    low = line.lower()
    hint = "purchase" in low or "syndicat" in low or "reprint" in low
    return hint and _words(line) <= MAX_NOISE_WORDS and bool(SALES_NOTICE.search(low))


def _is_desk_note(inner: str) -> bool:
    """The inside of a parenthesis is a desk note: shouted (`STORY CAN END HERE`) or desk words."""
    return not re.search(r"[a-z]", inner) and _words(inner) >= 2 or _wire_desk(inner)


def _strip_desk_notes(line: str) -> str:
    """Desk notes glued to reporting: `(STORY CAN END HERE) nn Other text` keeps `Other text`."""
    line = TRAILING_DESK.sub("", line)
    m = TRAILING_NOTE.search(line)
    if m and _is_desk_note(m.group("note")):
        line = line[: m.start()]
    m = LEADING_NOTE.match(line)
    if m and _is_desk_note(m.group("note")):
        return line[m.end() :]
    return line


def _heading_text(line: str) -> str | None:
    m = HEADING_MARK.match(line)
    return m.group(1) if m else None


def is_heading_like(line: str) -> bool:
    """A short line that is not a sentence: a headline, kicker, subhead or shouted wire slug."""
    if _heading_text(line) is not None:
        return True
    if _words(line) <= 8 and re.search(r"[A-Z]{2}", line) and not re.search(r"[a-z]", line):
        return True
    words = line.split()
    if not 0 < len(words) <= 20 or TERMINAL.search(line) or line[-1] in ",;:—–-(":
        return False
    if line[0] in "“\"‘'(" or line[0].islower():
        return False
    return not _ends_with_function_word(line)


def site_from_footer(line: str) -> tuple[int, str]:
    """(strength, name) of the site a footer names: a domain beats `© Name` beats `the Name app`."""
    m = _SITE.search(line)
    if m:
        return 3, m.group(1)
    m = _COPYRIGHT_NAME.search(line)
    if m and not m.group("name").lower().startswith("all "):
        return 2, _tidy_name(m.group("name"))
    m = _FOOTER_NAME.search(line)
    if m and _words(m.group("name")) <= 5:
        return 1, _tidy_name(m.group("name"))
    return 0, ""


def _best_site(sites: list[tuple[int, str]]) -> str:
    """The strongest site name; a shorter name that starts it wins (`Coastal Herald` over the
    copyright holder `Coastal Herald Media`)."""
    if not sites:
        return ""
    best = max(sites, key=lambda s: s[0])[1]
    shorter = [n for _, n in sites if n != best and best.startswith(n + " ")]
    return min(shorter, key=len) if shorter else best


def _tidy_name(name: str) -> str:
    """'HARBOUR GAZETTE' -> 'Harbour Gazette'; acronyms (BBC, CNN) stay as they are."""
    name = re.sub(r"\s+", " ", name).strip(" .,:;|-—–")
    name = _LEGAL_SUFFIX.sub("", re.sub(r"^the\s+", "", name))
    if name.isupper() and any(len(w) > 4 for w in name.split()):
        name = " ".join(w if len(w) <= 3 else w.capitalize() for w in name.split())
    return name


def wire_name(wire: str) -> str:
    return WIRES.get(wire.strip().lower(), wire.strip())
