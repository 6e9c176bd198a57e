"""Clean: noise goes, reporting and metadata stay. Real seed articles plus invented fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seedsupport import (  # page furniture of the seeds: none may survive cleaning
    SEED_NOISE,
    SEED_SUBHEADS,
)

from briefing.models import Article
from briefing.pipeline import prepare_articles
from briefing.read.clean import clean_article
from briefing.read.files import ingest
from briefing.read.furniture import is_caption, is_footer, is_hash, is_heading_like, is_navigation
from briefing.read.language import language_problem
from briefing.read.markup import strip_markup
from briefing.text.dates import parse_date

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"



@pytest.fixture
def seeds(seeds_dir: Path) -> dict[str, Article]:
    result = ingest([seeds_dir])
    assert not result.skipped
    articles, skipped = prepare_articles(result.articles)
    assert not skipped
    return {Path(a.source).name[:3]: a for a in articles}


def _text(article: Article) -> str:
    return article.text


def test_seed_noise_is_gone(seeds: dict[str, Article]) -> None:
    for key, art in seeds.items():
        for noise in SEED_NOISE + SEED_SUBHEADS:
            assert noise not in art.text, (key, noise)
        assert "\n\n\n" not in art.text


def test_seed_reporting_stays(seeds: dict[str, Article]) -> None:
    assert seeds["000"].text.startswith("Twenty-six Western allies have formally committed")
    assert seeds["004"].text.startswith("French President Emmanuel Macron said Thursday")
    # the repeated lead paragraph appears once
    assert seeds["004"].text.count("26 of Ukraine’s allies have pledged") == 1
    assert "persona non grata" in seeds["002"].text
    assert "no immediate reaction from Russian officials" in seeds["003"].text
    assert "(Russian President Vladimir) Putin" in seeds["002"].text


def test_seed_metadata_is_inferred(seeds: dict[str, Article]) -> None:
    assert seeds["000"].date == "2025-09-05"
    assert seeds["000"].title == ""  # no headline line: nothing invented
    assert seeds["001"].outlet == "BBC"
    assert seeds["001"].title == "Macron: 26 countries ready to send troops to Ukraine"
    assert seeds["002"].outlet == "DonegalLive.ie"
    assert seeds["004"].outlet == "The Associated Press"
    assert seeds["004"].title.startswith("Macron says 26 countries pledge troops")
    assert seeds["004"].byline == "Illia Novikov and Samuel Petrequin"
    assert seeds["004"].dateline == "KYIV, Ukraine (AP)"
    assert seeds["004"].subheads == tuple(SEED_SUBHEADS)


# ------------------------------------------------------------------------------------------
# line shapes, on invented lines
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Skip to main content",
        "Skip to content",
        "Menu",
        "Home | World | Business | Tech | Culture",
        "News › Europe › Westshire",
        "Share this article",
        "Advertisement",
        "ADVERTISEMENT",
        "Listen to this article · 4 min",
        "3 min read",
        "READ MORE: Island school closes early as supplies run low",
        "Related: Westshire council approves new harbour wall",
        "Sign in | Subscribe",
        "Accept all cookies",
    ],
)
def test_navigation_lines(line: str) -> None:
    assert is_navigation(line)


@pytest.mark.parametrize(
    "line",
    [
        "Home secretary resigns over ferry contract",
        "Search for missing fishermen resumes at dawn",
        "Share prices fell 4 per cent on Tuesday, the exchange said.",
        "Trump phone call",
        "Read the full statement, the union told reporters, and judge for yourself.",
    ],
)
def test_not_navigation(line: str) -> None:
    assert not is_navigation(line)


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for our morning newsletter and get the Valley Ledger delivered to your inbox.",
        "Subscribe or register today to discover more from CalderToday.co.uk",
        "Buy the e-paper of the Westshire Echo here for instant access to the county's news.",
        "Download the Coastal Herald app to get breaking news alerts on your phone.",
        "© 2030 Coastal Herald Media Ltd. All rights reserved.",
        "Keep up with the latest news with our weekly newsletter, sent to your inbox every Friday.",
        "We use cookies to improve your experience on our site.",
        "Support independent journalism: become a member today.",
        "Follow us on Facebook and X for the latest updates.",
        "Copyright The Valley Ledger 2031",
        "Copyright (c) 2031 Westshire Echo",
    ],
)
def test_footer_lines(line: str) -> None:
    assert is_footer(line)


@pytest.mark.parametrize(
    "line",
    [
        "The council said its newsletter would carry the revised ferry timetable.",
        "Subscribers to the ferry pass will get refunds, the operator said.",
        "Islanders can sign up for emergency deliveries at the town hall, the council said.",
        "“Our members will not back down,” Fenwick said, holding up a copy of the union newsletter.",
        "The app, launched in 2028, lets passengers book crossings.",
        # "copyright" as a subject of the news, and "US" the country, are not a footer
        "A digital rights group argued in court on Monday that the rule gives too much power to copyright holders.",
        "The streaming service will raise prices for US subscribers from next month.",
        "Copyright lawyers for the publishers asked the judge to dismiss the appeal on Friday.",
    ],
)
def test_reporting_is_not_footer(line: str) -> None:
    assert not is_footer(line)


@pytest.mark.parametrize(
    "line",
    [
        "Workers attach a new cable to the bridge on Friday, Oct. 3, 2031. (Mara Quint/Harbour Gazette)",
        "Deckhands wait beside a moored ferry at Port Calder on Tuesday. (Leo Marsh/Coastal Herald)",
        "A ferry leaves Port Calder harbour on Jan. 14, 2029. (Lantern Wire Photo/Imran Doyle, File)",
        "Empty shelves at the island store on Wednesday. (Photo: Owen Castell/Tidewater Online)",
        "The minister arrives at the summit in Kingsford, Thursday. (AP Photo/Jo Marsh)",
        "Protesters gather outside the town hall. Photograph: Dee Abara/Westshire Echo",
        "FILE - A ferry crosses the strait near Marrow Island, June 2, 2029.",
        "Photo: Leo Marsh",
        "Image caption, Islanders queue for bread on Tuesday",
    ],
)
def test_captions(line: str) -> None:
    assert is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "The strike is the first since 2019 (when crews walked out for a week).",
        "Supplies will arrive by sea (via the northern route), the council said.",
        "“Nobody wants this,” she said (speaking to reporters).",
        "Sir Keir’s office said the Prime Minister would apply pressure on (Russian President Vladimir) Putin.",
        "Fares rose by a third (from £12 to £16).",
    ],
)
def test_not_captions(line: str) -> None:
    assert not is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "7de9f14b6f7fea93555758c4f999bd2bbb54cde4",
        "4f1c9a7b-e2d0-4e0c-8a1f-55b2e93d7c6a",
        "IMG_20300312_140512.jpg",
        "https://cdn.example/images/ferry.jpg?w=640",
        "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZGF0YQ==",
    ],
)
def test_hashes(line: str) -> None:
    assert is_hash(line)


@pytest.mark.parametrize("line", ["COVID-19", "Zelenskyy", "e-mail", "2030-03-12"])
def test_not_hashes(line: str) -> None:
    assert not is_hash(line)


def test_heading_like() -> None:
    assert is_heading_like("Trump phone call")
    assert is_heading_like("What the union wants")
    assert is_heading_like("## Talks planned")
    assert not is_heading_like("Mr Rutte said that")
    assert not is_heading_like("The ferry was cancelled.")
    assert not is_heading_like("“Nobody wants this”")
    assert not is_heading_like("and then the crews walked out")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2025-09-05", "2025-09-05"),
        ("Published 14:05 BST, 12 March 2030", "2030-03-12"),
        ("Updated 3:05 PM EDT, Sept. 4, 2025", "2025-09-04"),
        ("Thursday, September 4th, 2025", "2025-09-04"),
        ("Fri, 05 Sep 2025 10:00:00 GMT", "2025-09-05"),
        ("no date here", ""),
        ("2025-13-40", ""),
    ],
)
def test_parse_date(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_strip_markup_keeps_words_drops_syntax() -> None:
    text = strip_markup(
        "**Bold** and *em* and _under_ [the operator](javascript:alert(1)) said.\n"
        "![](http://tracker.example/pixel.gif)\n"
        "<img src=x onerror=alert(1)>Shops <b>ran</b> low.<!-- hidden -->\n"
        "<script>steal()</script>\n"
        "```\ncode block\n```\n"
        "> quoted line\n"
        "``Wire quote,'' he said."
    )
    assert "Bold and em and under the operator said." in text
    for gone in ("javascript", "tracker", "onerror", "<", "hidden", "steal", "code block", "**"):
        assert gone not in text
    assert "Shops ran low." in text
    assert "quoted line" in text and "> quoted" not in text
    assert "“Wire quote,” he said." in text


# ------------------------------------------------------------------------------------------
# whole articles: invented fixtures from other sites, with the same kinds of noise
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Article]:
    result = ingest([FIXTURES / name for name in FIXTURE_EXPECTATIONS])
    assert not result.skipped
    articles, skipped = prepare_articles(result.articles)
    assert not skipped
    return {Path(a.source).name: a for a in articles}


FIXTURE_EXPECTATIONS: dict[str, dict] = {
    "coastal-herald.txt": {
        "meta": {
            "outlet": "Coastal Herald",
            "title": "Ferry strike halts crossings to Marrow Island for second day",
            "date": "2030-03-12",
            "byline": "Priya Nandakumar and Tom Ellery",
            "subheads": ("What the union wants", "Islanders stranded"),
        },
        "contains": [
            "Ferry crossings between Port Calder and Marrow Island were cancelled",
            # a sentence broken across a line break is kept (and joined by the splitter)
            "members had not taken the decision\nlightly.",
            "Shops on Marrow Island reported running low",
        ],
        "absent": [
            "Home |", "Listen to this article", "By Priya", "Published", "Leo Marsh", "Deckhands wait",
            "READ MORE", "What the union wants", "Islanders stranded", "Share this article",
            "Advertisement", "©", "Download the",
        ],
    },
    "lantern-wire.txt": {
        "meta": {
            "outlet": "Lantern Wire",
            "title": "",
            "byline": "Imran Doyle",
            "dateline": "PORT CALDER, Westshire (Lantern Wire)",
        },
        "contains": ["Ferry services to Marrow Island remained suspended", "About 1,200 people live"],
        "absent": [
            "Skip to", "Menu", "4f1c9a7b", "FILE", "Imran Doyle, File", "* * *", "reported from",
            "contributed to this report", "PORT CALDER",
        ],
        "count": {"Ferry services to Marrow Island remained suspended": 1},
    },
    "plains-observer.md": {
        "meta": {
            "outlet": "Plains Observer",
            "title": "Marrow Island ferry strike enters second day",
            "date": "2030-03-12",
            "subheads": ("Talks planned",),
        },
        "contains": [
            "Ferry crossings to Marrow Island were cancelled again on Tuesday, the operator Calder Sea Links said",
            "on Thursday, a union spokesperson said.",
        ],
        "absent": ["#", "![", "](", "**", "ad slot", "Related", "Sign up", "Follow us", "https://"],
    },
    "tidewater-online.html": {
        "meta": {
            "outlet": "Tidewater Online",
            "title": "Marrow Island shops run low as ferry strike drags on",
            "date": "2030-03-13",
            "byline": "Owen Castell",
            "subheads": ("Helicopter flights",),
            "url": "https://tidewater.example/news/marrow-ferry-strike",
        },
        "contains": ["ran out of fresh bread and milk", "talks with the union would resume on Thursday"],
        "absent": [
            "trackPageView", "font-family", "Sign in", "By Owen", "Empty shelves", "Subscribe",
            "newsletter", "©", "Helicopter flights",
        ],
    },
    "kestrel-news.txt": {
        "meta": {
            "outlet": "Kestrel News",
            "title": "Marrow Island ferry strike: what we know",
            "date": "2030-03-12",
        },
        "contains": ["The ferry is the island's only regular link", "revised timetable"],
        "absent": ["KESTREL", "date 2030", "Like us on Facebook"],
        "count": {"faced a second day without ferries": 1},
    },
}


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTATIONS))
def test_invented_sites_are_cleaned(fixtures: dict[str, Article], name: str) -> None:
    art = fixtures[name]
    expect = FIXTURE_EXPECTATIONS[name]
    for field, value in expect["meta"].items():
        assert getattr(art, field) == value, (name, field)
    for text in expect["contains"]:
        assert text in art.text, (name, text)
    for text in expect["absent"]:
        assert text not in art.text, (name, text)
    for text, n in expect.get("count", {}).items():
        assert art.text.count(text) == n, (name, text)


def _clean(text: str, **meta: str) -> Article:
    return clean_article(Article(id="x", source="x.txt", text=text, **meta))


def test_metadata_given_by_the_input_wins() -> None:
    art = _clean("OTHER NAME :\n\nSome headline here\n\nThe bridge reopened on Monday, officials said.",
                 outlet="Given Outlet", title="Given title")
    assert art.outlet == "Given Outlet"
    assert art.title == "Given title"
    assert art.text == "The bridge reopened on Monday, officials said."


def test_wire_in_dateline_names_the_outlet_only_when_nothing_else_does() -> None:
    body = "The bridge reopened on Monday after six weeks of repairs, officials said."
    assert _clean(f"LONDON (AP) — {body}").outlet == "The Associated Press"
    assert _clean(f"PARIS, Sept 4 (Reuters) - {body}").outlet == "Reuters"
    assert _clean(f"Kingsford (AFP) - {body}").outlet == "Agence France-Presse"
    art = _clean(f"LONDON (AP) _ {body}\n\n© 2030 Westshire Echo. All rights reserved.")
    assert art.outlet == "Westshire Echo"
    assert art.text == body
    assert art.dateline == "LONDON (AP)"


def test_caps_dateline_without_wire_is_stripped() -> None:
    art = _clean("COEUR D'ALENE, Idaho — The jury returned its verdict on Thursday after two days.")
    assert art.text == "The jury returned its verdict on Thursday after two days."
    assert art.dateline == "COEUR D'ALENE, Idaho"
    assert art.outlet == ""


def test_no_headline_means_no_title() -> None:
    art = _clean("The ferry was cancelled on Tuesday.\n\nCrews walked out over pay, the union said.")
    assert art.title == ""
    assert art.text.startswith("The ferry was cancelled")


def test_hard_wrapped_text_is_not_mistaken_for_headings() -> None:
    text = (
        "The Lakeport suspension bridge reopened to traffic on Monday\n"
        "morning, six weeks after a storm tore away part of its deck,\n"
        "City officials said.\n\n"
        "Engineers replaced 40 metres of roadway and two cables, which\n"
        "Mayor Ines Talbot said had cost 12 million dollars.\n"
    )
    art = _clean(text)
    assert art.title == "" and art.subheads == ()
    assert "reopened to traffic on Monday\nmorning" in art.text
    assert "which\nMayor Ines Talbot" in art.text


def test_question_subhead_is_structure() -> None:
    art = _clean(
        "Crews walked out over pay on Monday, the union said.\n\nWhat happens next?\n\n"
        "Talks resume on Thursday at the conciliation service."
    )
    assert art.subheads == ("What happens next?",)
    assert "What happens next" not in art.text


def test_reporting_that_mentions_noise_words_stays() -> None:
    lines = [
        "The council said its newsletter would carry the revised ferry timetable.",
        "Subscribers to the ferry pass will get refunds, the operator said.",
        "By Tuesday afternoon, shops had run out of bread.",
        "The strike is the first since 2019 (when crews walked out for a week).",
        "Home secretary Dana Bell said she would meet both sides.",
    ]
    art = _clean("\n\n".join(lines))
    assert art.text.split("\n\n") == lines
    assert art.byline == ""


def test_repeated_paragraph_kept_once_short_repeats_kept() -> None:
    lead = "Ferry services to Marrow Island remained suspended on Tuesday as the strike went on."
    art = _clean(f"{lead}\n\nIt was cold.\n\n{lead}\n\nIt was cold.")
    assert art.text.count(lead) == 1
    assert art.text.count("It was cold.") == 2


def test_language_check() -> None:
    fr = (
        "Le maire de Lakeport a annoncé lundi la réouverture du pont suspendu, six semaines après "
        "la tempête qui avait arraché une partie du tablier. Les travaux ont coûté douze millions."
    )
    assert language_problem(fr) == "language looks like French (fr), only English is supported"
    de = (
        "Der Bürgermeister von Lakeport hat am Montag die Wiedereröffnung der Hängebrücke "
        "angekündigt, sechs Wochen nachdem ein Sturm einen Teil der Fahrbahn weggerissen hatte."
    )
    assert "German (de)" in (language_problem(de) or "")
    # short or unusual English is never rejected
    assert language_problem("Bridge reopens. Traffic flows again.") is None
    assert language_problem(
        "Ferry strike halts crossings. Islanders stranded. Shops run low. Union demands rise. "
        "Talks Thursday. Council arranges helicopter flights. Mayor thanks engineers."
    ) is None
    assert language_problem(f"The mayor read a statement in French. “{fr}” she said, and left.") is None


def test_news_agency_desk_notes_are_not_reporting() -> None:
    text = "\n".join(
        [
            "(Distributed by Kestrel Features Syndicate) The Marrow Island ferry ran again on Friday.",
            "Crews returned after the union accepted a 7 per cent offer, the operator said. MORE",
            "(STORY CAN END HERE. OPTIONAL MATERIAL FOLLOWS)",
            "nn",
            "(OPTIONAL TRIM) The dispute had lasted five days.",
            "(The vote was not binding.)",
            "Fares will be reviewed by the North Atlantic Ferry Board (NAFB) in May. (Story will move in the “a” category.)",
            "(For use by Lantern Wire clients)",
            "(jd/mk)",
            "To purchase this material contact Lantern Wire syndicate sales at 555-0100.",
        ]
    )
    art = _clean(text)
    assert art.text.split("\n") == [
        "The Marrow Island ferry ran again on Friday.",
        "Crews returned after the union accepted a 7 per cent offer, the operator said.",
        "The dispute had lasted five days.",
        "(The vote was not binding.)",
        "Fares will be reviewed by the North Atlantic Ferry Board (NAFB) in May.",
    ]


# ------------------------------------------------------------------------------------------
# properties: arbitrary text never crashes the cleaner, which only removes (after markup)
# ------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("abcXYZ019 .,;:!?()[]<>#*_-—'\"“”‘’`/\\|&@©\n\t\u00a0") + ["Skip to content", "By ", "(AP) — ", "date 2030-01-02 "]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=120).map("".join))
def test_clean_never_crashes_and_only_removes(text: str) -> None:
    art = clean_article(Article(id="p", source="p.txt", text=text))
    assert "\n\n\n" not in art.text
    # markup syntax and the wire's "_" dash are the things rewritten rather than removed
    flat = strip_markup(text)
    for word in art.text.split():
        core = word.strip("“”’\"'")
        assert not core or any(v in flat for v in (core, core.replace("’", "'"), core.replace("—", "_"))), word


@pytest.mark.parametrize(
    "line",
    ["Getty Images", "AFP via Getty Images", "EPA-EFE/Ana Bell", "Reuters", "AP Photo/Jo Marsh",
     "5 hours ago", "Save", "Gift this article"],
)
def test_more_furniture(line: str) -> None:
    art = _clean(f"The ferry sailed again on Friday, the operator said.\n\n{line}\n\nIt was full.")
    assert art.text == "The ferry sailed again on Friday, the operator said.\n\nIt was full."


def test_reuters_style_credit_and_guardian_style_dates() -> None:
    art = _clean(
        "Ferry sails again after strike\n\n"
        "First published on Thu 14 Mar 2030 18.32 GMT\n\n"
        "Ferry services to Marrow Island resumed on Thursday after crews accepted a pay offer.\n\n"
        "(Reporting by Jo Lin in Kingsford; Editing by Ann Bell)"
    )
    assert art.text == "Ferry services to Marrow Island resumed on Thursday after crews accepted a pay offer."
    assert (art.title, art.date, art.byline) == ("Ferry sails again after strike", "2030-03-14", "Jo Lin")


def test_html_inside_a_text_record_keeps_its_paragraphs() -> None:
    art = _clean(
        "<h1>Ferry sails again</h1><p>Ferry services resumed on Thursday, the operator said.</p>"
        "<h2>Pay deal</h2><p>Crews accepted a 7 per cent rise.<br>The union called it fair.</p>"
        "<p>Talks on overtime continue next week, both sides said.</p>"
    )
    assert art.title == "Ferry sails again"
    assert art.subheads == ("Pay deal",)
    assert art.text == (
        "Ferry services resumed on Thursday, the operator said.\n\n"
        "Crews accepted a 7 per cent rise.\nThe union called it fair.\n\n"
        "Talks on overtime continue next week, both sides said."
    )


def test_wire_underscore_dash_becomes_a_dash() -> None:
    art = clean_article(
        Article(
            id="x", source="x.txt", outlet="", title="", date="",
            text="The envoy said he will seek the release _ a senator travels with a passport.\n"
            "A file_name_like token stays as it is.",
        )
    )
    assert "release — a senator" in art.text and "file_name_like" in art.text
