"""Word lists of general English shared by the stages (stop words, titles, months, number words, ...)."""

from __future__ import annotations

from importlib import resources


def _stop_words() -> frozenset[str]:
    text = resources.files("briefing").joinpath("data/stop_words_en.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


ENGLISH_STOP_WORDS = _stop_words()


# Honorifics and titles that precede a name and may be dropped by another outlet's style.
HONORIFICS = frozenset(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "fr"])


TITLES = frozenset(
    ["president", "vice", "prime", "minister", "chancellor", "secretary", "general", "secretary-general", "senator", "sen", "rep", "representative", "gov", "governor", "mayor", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "cmdr", "king", "queen", "prince", "princess", "pope", "judge", "justice", "chief", "spokesman", "spokeswoman", "spokesperson", "premier", "ambassador", "envoy", "deputy", "foreign", "defence", "defense", "interior", "finance", "home", "state", "special", "leader", "chairman", "chairwoman", "chair", "director", "pfc", "cpl", "officer", "executive"]
)


NEGATIONS = frozenset(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "n't"])


WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])


MONTHS = {
    "january": "jan", "february": "feb", "march": "mar", "april": "apr", "may": "may",
    "june": "jun", "july": "jul", "august": "aug", "september": "sep", "october": "oct",
    "november": "nov", "december": "dec", "jan": "jan", "feb": "feb", "mar": "mar",
    "apr": "apr", "jun": "jun", "jul": "jul", "aug": "aug", "sep": "sep", "sept": "sep",
    "oct": "oct", "nov": "nov", "dec": "dec",
}


# Words that place an event in time relative to the report; adding or dropping one is style.
TIME_WORDS = frozenset(["today", "yesterday", "tonight", "overnight", "tomorrow", "earlier"]) | WEEKDAYS


MONTH_NAMES = frozenset(MONTHS.values())


# Words of an attribution clause ("..., the statement said"; "according to officials").
ATTRIBUTION = frozenset(
    ["said", "says", "say", "saying", "told", "tell", "tells", "added", "adds", "according", "stated", "statement", "statements", "noted", "reported", "report", "reports", "announced", "claimed", "explained", "insisted", "stressed", "emphasised", "emphasized", "official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson"]
 +
    # reporting verbs
    ["pointed", "out", "argued", "warned", "confirmed", "declared", "indicated", "acknowledged", "asserted", "remarked", "revealed"] +
    # the anonymity formula: "..., who was not authorized to comment publicly"
    ["authorized", "authorised", "authorize", "anonymity", "condition", "publicly", "comment", "named", "identified"]
)


STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "also", "just", "like", "n't", "'s"}


_UNITS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12,
    "hundred": 1e2, "dozen": 12.0,
}


_CURRENCY_SIGNS = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy", "₹": "inr", "₽": "rub"}


_CURRENCY_WORDS = {
    "dollar": "usd", "dollars": "usd", "euro": "eur", "euros": "eur", "pound": "gbp",
    "pounds": "gbp", "sterling": "gbp", "yen": "jpy", "rupees": "inr", "roubles": "rub",
    "rubles": "rub", "cents": "cent", "cent": "cent", "percent": "pct", "pct": "pct",
}


_SMALL = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    )
}


_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
}


_NUMBER_WORDS = frozenset(_SMALL) | frozenset(_TENS)
