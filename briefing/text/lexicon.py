"""Word lists of general English, each written once, named for what the stages use it for.

Lists that differ in content stay distinct (a stage's results depend on its exact list); a
list derived from another is built from it here, never copied.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from importlib import resources
from pathlib import Path


def _read_words(name: str) -> frozenset[str]:
    text = resources.files("briefing").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


# ---- stop words ----------------------------------------------------------------------------

# scikit-learn's English list: tf-idf's stop_words="english", a figure's context words, names.
ENGLISH_STOP_WORDS = _read_words("stop_words_en.txt")


# What a sentence's signature and the pair model leave out: scikit-learn's list and clitics.
MERGE_STOP_WORDS = ENGLISH_STOP_WORDS | {"s", "t", "also", "just", "like", "n't", "'s"}


# Function words a query or fact's stem set (`text.stems.stems`) leaves out: a query's words
# are few and chosen, so only the emptiest words go.
QUERY_STOP_WORDS = frozenset(
    "the a an of and or to in on for with by at from is are was were be what who how why".split()
)


@lru_cache(maxsize=1)
def ranking_stop_words() -> frozenset[str]:
    """sumy's shipped English list (the ranking's content stems and sumy's own summarizers),
    read from sumy's data without importing sumy."""
    spec = importlib.util.find_spec("sumy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "stopwords" / "english.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w.strip().lower() for w in words if w.strip())


# Words that end what a figure counts ("26 drones *of* ..."): function words and reporting verbs.
UNIT_STOP_WORDS = frozenset(
    """of in on at across from to for with by into over after before during than the a an and
    or as that which who were was are is had has have been be per each this its their his her
    more most less said says would will could can may might also while against about among
    between through since until within without near toward towards""".split()
)


# ---- numbers, units, currencies --------------------------------------------------------------

SMALL_NUMBERS = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    )
}


TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
}


NUMBER_WORDS = frozenset(SMALL_NUMBERS) | frozenset(TENS)


# Words and letters that scale a number ("1.1bn", "8 million", "a dozen"); each reader's
# pattern picks the ones it recognises.
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12,
    "hundred": 1e2, "dozen": 12.0,
}


# Currency signs as ISO codes ("US$" as written before a number, in lower case).
CURRENCY_SIGNS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB"}


# Currency names after a number, as ISO codes: the unit of a figure.
CURRENCY_NAMES = {
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "dollar": "USD", "dollars": "USD", "yen": "JPY", "rouble": "RUB", "roubles": "RUB",
    "ruble": "RUB", "rubles": "RUB", "hryvnia": "UAH", "yuan": "CNY",
}


# Words after a number that a signature writes as one token, so that "1.1 billion euros" and
# "€1.1bn", "5 percent" and "5%" agree.
SIGNATURE_UNITS = {
    "dollar": "usd", "dollars": "usd", "euro": "eur", "euros": "eur", "pound": "gbp",
    "pounds": "gbp", "sterling": "gbp", "yen": "jpy", "rupees": "inr", "roubles": "rub",
    "rubles": "rub", "cents": "cent", "cent": "cent", "percent": "pct", "pct": "pct",
}


# Units of time: a figure counting them is a duration or a time of day, not a count.
TIME_UNITS = frozenset(
    """second minute hour day week weekend month year decade century time night morning
    evening a.m p.m am pm o'clock local""".split()
)


# A figure of "other", "more" or "new" things counts a part, not the whole.
REMAINDER_WORDS = frozenset("other another additional further remaining extra new".split())


# ---- days and months -------------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


_MONTH_SPELLINGS = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"),
)


# Month names and abbreviations (lower case) -> month number.
MONTHS = {name: k + 1 for k, names in enumerate(_MONTH_SPELLINGS) for name in names}


# Month names and abbreviations -> the three-letter form a signature writes.
MONTH_ABBREVIATIONS = {name: _MONTH_SPELLINGS[k - 1][-1][:3] for name, k in MONTHS.items()}


MONTH_KEYS = frozenset(MONTH_ABBREVIATIONS.values())  # "jan" ... "dec"


# Words that place an event in time relative to the report; adding or dropping one is style.
TIME_WORDS = frozenset(["today", "yesterday", "tonight", "overnight", "tomorrow", "earlier", *WEEKDAYS])


# Days that sit between a speaker and the speech verb ("X said on Monday", "X said yesterday").
SPEECH_DAYS = frozenset([*WEEKDAYS, "today", "yesterday"])


# ---- negation, attribution, speech -----------------------------------------------------------

NEGATIONS = frozenset(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "n't"])


# Words of an attribution clause ("..., the statement said"; "according to officials"): a
# signature's core leaves them out.
ATTRIBUTION = frozenset(
    ["said", "says", "say", "saying", "told", "tell", "tells", "added", "adds", "according", "stated", "statement", "statements", "noted", "reported", "report", "reports", "announced", "claimed", "explained", "insisted", "stressed", "emphasised", "emphasized", "official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson"]
 +
    # reporting verbs
    ["pointed", "out", "argued", "warned", "confirmed", "declared", "indicated", "acknowledged", "asserted", "remarked", "revealed"] +
    # the anonymity formula: "..., who was not authorized to comment publicly"
    ["authorized", "authorised", "authorize", "anonymity", "condition", "publicly", "comment", "named", "identified"]
)


# Reporting verbs that introduce a reported claim ("X said that ...", "X pointed out that").
REPORTING_VERBS = frozenset(
    ["said", "says", "say", "told", "tells", "added", "adds", "stated", "noted", "reported",
     "announced", "claimed", "explained", "insisted", "stressed", "emphasized", "pointed",
     "argued", "warned", "confirmed", "declared", "indicated", "acknowledged", "asserted",
     "remarked", "revealed", "believes", "believed", "thinks", "thought"]
)


# Verbs that attribute a quotation to a speaker ("...," X said).
SPEECH_VERBS = frozenset(
    """said says say added adds told tells noted notes stressed warned warns insisted insists
    declared stated wrote writes explained asked replied argued argues announced acknowledged
    remarked continued emphasised emphasized emphasises emphasizes complained urged urges
    recalled admitted conceded cautioned vowed posted tweeted commented observed suggested
    claimed claims""".split()
)


# Verbs that make someone the subject of a sentence a later "he said" can refer to.
SUBJECT_VERBS = SPEECH_VERBS | frozenset(
    "called calls spoke speaks praised criticised criticized dismissed rejected thanked".split()
)


SPEAKER_PRONOUNS = frozenset({"he", "she"})


# Words that may stand between a speaker and the speech verb ("X also said", "X has said").
SPEECH_ADVERBS = frozenset(
    """also later earlier previously then again has had have was is once further separately
    repeatedly recently publicly privately quickly has later""".split()
)


# ---- names, titles, roles ----------------------------------------------------------------------

# Honorifics and titles that precede a name and may be dropped by another outlet's style
# (a signature drops them before a capitalised word).
HONORIFICS = frozenset(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "fr"])


TITLES = frozenset(
    ["president", "vice", "prime", "minister", "chancellor", "secretary", "general", "secretary-general", "senator", "sen", "rep", "representative", "gov", "governor", "mayor", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "cmdr", "king", "queen", "prince", "princess", "pope", "judge", "justice", "chief", "spokesman", "spokeswoman", "spokesperson", "premier", "ambassador", "envoy", "deputy", "foreign", "defence", "defense", "interior", "finance", "home", "state", "special", "leader", "chairman", "chairwoman", "chair", "director", "pfc", "cpl", "officer", "executive"]
)


# Courtesy titles that mark a speaker as a person ("Ms Clwyd said").
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "sir", "dame", "dr", "lord", "lady", "prof"})


# Titles written with a full stop that does not end the sentence ("Gen. Smith", "Sen. Byrd").
DOTTED_TITLES = frozenset("mr mrs ms dr prof gen sen rep gov lt col maj capt sgt adm rev st jr sr".split())


# Words that come before a surname without being a given name ("President Trump", "UK Prime
# Minister"): offices and nationalities.
TITLE_WORDS = frozenset(
    """president minister chancellor secretary general envoy leader chief prime premier king
    queen prince pope senator governor mayor ambassador spokesman spokeswoman commander
    defence defense foreign interior finance nato un eu us u.s. uk french german british
    ukrainian russian american italian finnish polish chinese european deputy vice""".split()
)


# Lower-case words that may sit inside a speaker's description ("Nato chief Mark Rutte").
ROLE_WORDS = frozenset(
    """the a an chief president minister spokesman spokeswoman spokesperson secretary
    secretary-general official officials leader chancellor envoy ambassador general government
    prime foreign defence defense deputy senior former head director mayor governor commander
    adviser advisor aide special state military army police office statement ministry
    representative senator lawmaker source sources member members spokesmen of for 's ’s
    diplomat diplomats analyst economist expert witness resident lawyer attorney prosecutor
    judge professor doctor activist negotiator commentator correspondent observer worker
    soldier officer colonel chairman chairwoman ceo executive manager candidate father mother
    son daughter wife husband brother sister relative survivor victim student teacher priest
    bishop farmer owner driver neighbour neighbor campaigner historian scientist researcher
    director-general secretary-general vice deputy assistant adviser""".split()
)


# Words that make a speaker an organisation, not a person ("the Kremlin said", "the office").
ORG_WORDS = frozenset(
    """office statement ministry government house kremlin palace agency department council
    committee spokesman spokeswoman spokesperson official officials source sources report media
    street command army police party""".split()
)


# Lower-case words inside a name ("Ursula von der Leyen").
NAME_PARTICLES = frozenset({"de", "van", "von", "der", "bin", "al", "da", "di", "du", "le"})


# Capitalised words that start sentences or clauses but never names.
CONNECTORS = frozenset(
    """but and meanwhile however also earlier later on in at after before asked when while
    speaking yesterday today then this that these those it we i they he she his her their our
    there here so yet still if as since though although because instead separately finally
    nevertheless""".split()
)


# A preposition before a speaker phrase: "an economist at Goldman Sachs said" (the firm did
# not speak).
PREPOSITIONS = frozenset("in at of from for with by on to into about against under over near like than".split())


# Short words left out of a name's initials ("SEC" for Securities and Exchange Commission).
INITIALS_SKIP = frozenset(["of", "and", "the", "for", "de", "du", "&"])


# ---- actors and synonyms (support only: the merge stays strict) ------------------------------

# Countries as news names them: the country, its demonym, its capital and its government's
# seat ("Moscow", "the Kremlin", "Russia", "Russian forces" are one actor). The first entry
# is the group's canonical form; entries of two words are matched as consecutive words.
ACTORS: tuple[tuple[str, ...], ...] = (
    ("russia", "russian", "russians", "moscow", "kremlin"),
    ("usa", "us", "america", "american", "americans", "washington", "united states", "white house"),
    ("britain", "british", "uk", "london", "united kingdom", "great britain", "downing street", "whitehall"),
    ("france", "french", "paris", "elysee", "élysée"),
    ("germany", "german", "germans", "berlin"),
    ("china", "chinese", "beijing"),
    ("ukraine", "ukrainian", "ukrainians", "kyiv", "kiev"),
    ("iran", "iranian", "iranians", "tehran"),
    ("israel", "israeli", "israelis"),
    ("japan", "japanese", "tokyo"),
    ("india", "indian", "indians", "new delhi"),
    ("turkey", "turkish", "turkiye", "ankara"),
    ("italy", "italian", "italians", "rome"),
    ("spain", "spanish", "madrid"),
    ("poland", "polish", "warsaw"),
    ("north korea", "north korean", "north koreans", "pyongyang"),
    ("south korea", "south korean", "south koreans", "seoul"),
    ("syria", "syrian", "syrians", "damascus"),
    ("iraq", "iraqi", "iraqis", "baghdad"),
    ("afghanistan", "afghan", "afghans", "kabul"),
    ("saudi arabia", "saudi", "saudis", "riyadh"),
    ("egypt", "egyptian", "egyptians", "cairo"),
    ("canada", "canadian", "canadians", "ottawa"),
    ("mexico", "mexican", "mexicans"),
    ("brazil", "brazilian", "brazilians", "brasilia"),
    ("australia", "australian", "australians", "canberra"),
    ("taiwan", "taiwanese", "taipei"),
    ("venezuela", "venezuelan", "venezuelans", "caracas"),
    ("cuba", "cuban", "cubans", "havana"),
    ("pakistan", "pakistani", "pakistanis", "islamabad"),
    ("belarus", "belarusian", "minsk"),
    ("eu", "european union", "brussels"),
)


# Common news nouns that outlets use for one another (word forms, not stems: "forced" is no
# "force"; no word that is as often an adjective, as "firm"). The first entry is the group's
# canonical form.
NOUN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("troops", "troop", "soldiers", "soldier", "forces", "force", "contingents", "contingent"),
)
