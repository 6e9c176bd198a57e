"""Records passed between pipeline stages. All frozen: a stage returns new records."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    """One input article with its metadata. `text` is the body, paragraphs split by blank lines."""

    id: str  # stable: derived from the source and the text
    source: str  # file path or URL the article came from
    text: str
    title: str = ""
    outlet: str = ""
    date: str = ""  # ISO YYYY-MM-DD when known
    url: str = ""
    byline: str = ""
    dateline: str = ""  # e.g. "KYIV, Ukraine (AP)"
    subheads: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What a reader calls this input: the URL, else the file name."""
        if self.url:
            return self.url
        return self.source.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that could not be used, and why. Reported, never silent."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one article, as written there (after cleaning)."""

    id: str  # "<article id>:<index>"
    article_id: str
    index: int  # position of the sentence in its article, 0-based
    text: str
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement, merged across every sentence (and outlet) that made it."""

    id: str
    text: str  # canonical wording: the most widely carried complete version
    members: tuple[Sentence, ...]
    articles: tuple[str, ...]  # supporting article ids, in input order
    origins: tuple[str, ...]  # independent origins (syndication family ids)
    related: tuple[str, ...] = ()  # ids of near-miss facts (differ in substance)
    position: float = 1.0  # best relative position of a member in its article, 0 = lead
    support: tuple[str, ...] = ()  # ids of facts of other articles carrying its claim (credit)
    repeats: tuple[str, ...] = ()  # ids of facts reporting the same claim, support included


@dataclass(frozen=True, slots=True)
class Pool:
    """The deduplicated sentence pool of a set of articles."""

    articles: tuple[Article, ...]
    facts: tuple[Fact, ...]
    families: dict[str, str] = field(default_factory=dict)  # article id -> family id

    def article(self, article_id: str) -> Article:
        for art in self.articles:
            if art.id == article_id:
                return art
        raise KeyError(article_id)


@dataclass(frozen=True, slots=True)
class IngestResult:
    articles: tuple[Article, ...]
    skipped: tuple[Skip, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One bullet of a briefing: a fact's text and the sources that carry it."""

    fact_id: str
    text: str
    citations: tuple[int, ...]  # numbers in the source list
    origins: int  # independent origins carrying the fact (a wire story and its reprints are one)
    score: float = 0.0
    outlets: int = 0  # articles carrying it, copies included
    disputed: bool = False  # another outlet gives a different figure, date or speaker
    copies: int = 0  # of those articles, reprints of another one carrying it


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    items: tuple[Item, ...]
    query: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation, merged across the articles that carry it."""

    text: str  # the words inside the quotation marks
    speaker: str  # as the articles name the speaker
    citations: tuple[int, ...]
    origins: int
    fact_ids: tuple[str, ...] = ()  # facts whose sentences hold the quotation
    score: float = 0.0
    copies: int = 0  # citing articles that are reprints of another citing one


@dataclass(frozen=True, slots=True)
class Version:
    """One outlet's version of a disputed figure, date or attribution."""

    value: str  # the figure, date or speaker as written
    text: str  # the words around it, as written
    citations: tuple[int, ...]
    fact_ids: tuple[str, ...] = ()  # the facts giving this version


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Outlets giving different figures, dates or speakers for the same thing."""

    kind: str  # "figure", "date" or "attribution"
    subject: str  # what the versions are about, in a few words
    versions: tuple[Version, ...]


@dataclass(frozen=True, slots=True)
class Source:
    number: int
    article_id: str
    outlet: str
    title: str
    date: str
    label: str  # file name or URL
    copy_of: int | None = None  # number of the original when this is a syndicated copy


@dataclass(frozen=True, slots=True)
class Briefing:
    title: str
    date: str
    headline: str
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    origins: int = 0
    skipped: tuple[Skip, ...] = ()
    method: str = "default"
    prompt: str = "default"
    dates: tuple[str, ...] = ()  # first and last article date when known
    outlets: tuple[str, ...] = ()  # outlets of the articles, in source order, once each
    quotes: tuple[Quote, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    headline_citations: tuple[int, ...] = ()
