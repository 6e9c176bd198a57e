"""Web pages to articles: one text path (plain text, paragraphs, `## ` headings, entities decoded
once), metadata from the page, and cleaning rules about the shape of page noise. The pages are
invented here; the real saved pages are read in tests/daily/test_web_day.py."""

from __future__ import annotations

import json

import pytest

from briefing.pipeline import prepare_articles
from briefing.read.clean import clean_article
from briefing.read.decode import decode_bytes
from briefing.read.formats import articles_from_text
from briefing.read.furniture import footer_sentences_removed, is_caption, is_footer
from briefing.read.page import article_from_html, page_title, site_name, tree_text
from briefing.text.dates import iso_date

BODY = ("The harbour authority said on Monday that the Serin bridge would close for six weeks "
        "while engineers replace forty metres of its deck and the cables that hold it.")
MORE = ("Ferry operators said they would add crossings every half hour from Tuesday, and the "
        "council asked drivers to use the northern ring road during the works.")


def _page(body: str, head: str = "", title: str = "Serin bridge to close for repairs") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


def _clean(html: str, url: str = "https://coastal.example/news/bridge.html"):
    return clean_article(article_from_html(html, url, url))


# --- one text path ------------------------------------------------------------------------------


def test_markdown_characters_in_a_page_are_text_not_escapes() -> None:
    art = _clean(_page(f"<p>{BODY}</p><p>The green_fund will pay, the mayor_office said, and "
                       f"*all* of it is new.</p><p>{MORE}</p>"))
    assert "green_fund" in art.text and "mayor_office" in art.text
    assert "\\" not in art.text and "\\_" not in art.title


def test_a_page_and_the_same_text_as_txt_read_the_same() -> None:
    wire = ("LONDON (AP) _ Former Chilean dictator Augusto Pinochet was arrested in London, "
            "police said Saturday, on a warrant from a Spanish judge. ``It is a historic day,'' "
            "a lawyer for the families said.")
    page = _clean(_page(f"<p>{wire}</p><p>{MORE}</p>", title="Pinochet arrested in London"))
    txt = prepare_articles(articles_from_text(f"{wire}\n\n{MORE}\n", "pinochet.txt", "text")[0])[0][0]
    assert page.text == txt.text
    assert page.dateline == txt.dateline == "LONDON (AP)"
    assert page.text.startswith("Former Chilean dictator") and "“It is a historic day,”" in page.text


def test_entities_are_decoded_once() -> None:
    art = _clean(_page(f"<p>{BODY} Fish &amp; chips stalls stay open, said Ana&#8217;s caf&eacute;."
                       f"</p><p>{MORE}</p>", head='<meta property="og:site_name" content="Jobs &amp; Hire">'))
    assert "Fish & chips" in art.text and "Ana’s café" in art.text
    assert art.outlet == "Jobs & Hire"
    assert "&amp;" not in art.text + art.outlet


def test_headings_and_paragraphs_survive_extraction() -> None:
    art = article_from_html(_page(f"<p>{BODY}</p><h2>What drivers should do</h2><p>{MORE}</p>"
                                  f"<ul><li>{BODY}</li><li>{MORE}</li></ul>"), "x.html")
    blocks = art.text.split("\n\n")
    assert "## What drivers should do" in blocks
    assert blocks.count(BODY) == 2 and blocks.count(MORE) == 2
    assert clean_article(art).subheads == ("What drivers should do",)


def test_tree_text_of_nothing_is_empty() -> None:
    assert tree_text(None) == ""


# --- metadata from the page ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "url", "site"), [
    ("WSVN 7News | Miami News, Weather, Sports | Fort Lauderdale", "https://wsvn.com/x", "WSVN 7News"),
    ("Topics, Weather | Valley Star", "https://www.valleystar.example/a", "Valley Star"),
    ("Harbour Gazette", "", "Harbour Gazette"),
    ("The Coastal Herald - News for the coast", "", "The Coastal Herald"),
])
def test_site_name_without_its_tagline(name: str, url: str, site: str) -> None:
    assert site_name(name, url) == site


@pytest.mark.parametrize(("title", "site", "url", "clean"), [
    ("PM attends roundtable in Barbados | NOW Grenada", "NOW Grenada", "", "PM attends roundtable in Barbados"),
    ("Valley Star: Dam opens its gates", "Valley Star", "", "Dam opens its gates"),
    ("Rudolph still eludesBy Jennifer Brett", "", "", "Rudolph still eludes"),
    ("Bridge - a new plan | Coastal Herald", "Coastal Herald", "", "Bridge - a new plan"),
    ("Dam opens - coastal", "", "https://coastal.example/x", "Dam opens"),
])
def test_titles_lose_the_site_name_and_glued_bylines(title: str, site: str, url: str, clean: str) -> None:
    assert page_title(title, site, url) == clean


def test_outlet_and_title_come_from_page_metadata() -> None:
    head = ('<meta property="og:site_name" content="Valley Star | News, Sport, Weather">'
            '<meta property="og:title" content="Dam opens its gates | Valley Star">'
            '<meta name="author" content="No Author">'
            '<meta property="article:published_time" content="2031-03-04T09:30:00+02:00">')
    art = _clean(_page(f"<p>{BODY}</p><p>{MORE}</p>", head=head, title="Dam opens its gates | Valley Star"),
                 "https://valleystar.example/dam")
    assert (art.outlet, art.title, art.date) == ("Valley Star", "Dam opens its gates", "2031-03-04")
    assert art.byline == ""


@pytest.mark.parametrize(("value", "iso"), [
    ("2025-09-05T10:00Z", "2025-09-05"), ("Fri, 05 Sep 2025 10:00:00 GMT", "2025-09-05"),
    ("Sept. 5, 2025", "2025-09-05"), ("20250905", "2025-09-05"), (1757066400, "2025-09-05"),
    ("September 2025", ""), ("05/09/2025", ""), ("2025-13-40", ""), ("soon", ""), (None, ""),
])
def test_metadata_dates_are_read_by_a_library_and_never_guessed(value: object, iso: str) -> None:
    assert iso_date(value) == iso


# --- what is not the article --------------------------------------------------------------------


def test_dialogs_and_hidden_parts_are_not_the_article() -> None:
    popup = ("<div class='pum-overlay' role='dialog' aria-hidden='true'><p>" + "A training course "
             "for officer cadets runs for forty weeks at the hill station each year. " * 6 + "</p></div>")
    art = _clean(_page(f"<p>{BODY}</p><p>{MORE}</p>") .replace("</body>", popup + "</body>"))
    assert "officer cadets" not in art.text and BODY in art.text


def test_a_hidden_article_is_still_read() -> None:
    html = _page(f"<p>{BODY}</p><p>{MORE}</p>").replace("<article>", "<article aria-hidden='true'>")
    assert BODY in _clean(html).text


def test_an_article_only_in_json_ld_is_read_and_its_teaser_lines_set_apart() -> None:
    body = (f"{BODY} {MORE} Harbour master Ida Roos said lorries would be turned back at both ends. "
            "Ferry fares to rise next month under council plan The council said the works "
            "would cost 40 million euros, paid from the port's reserves.")
    ld = json.dumps({"@type": "NewsArticle", "headline": "Serin bridge to close", "articleBody": body})
    html = (f"<html><head><title>Serin bridge to close</title><script type='application/ld+json'>{ld}"
            "</script></head><body><div id='app'><figure><figcaption>The bridge at dusk. Photo: AP"
            "</figcaption></figure></div></body></html>")
    art = _clean(html)
    assert BODY in art.text and "40 million euros" in art.text
    assert "Ferry fares to rise next month" not in art.text  # a related story's title, run in


def test_stray_nul_bytes_do_not_make_a_page_binary() -> None:
    data = _page(f"<p>{BODY}</p><p>{MORE}</p>").encode("utf-8")
    data = data.replace(b"<p>", b"<p>\x00", 2)
    assert BODY in _clean(decode_bytes(data)).text
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x00\x00\x00\x00\x00\x00\x00\x00" + data)


# --- cleaning rules, by the shape of the noise ---------------------------------------------------


REPORT_WITH_A_CLAUSE = (
    "Crews worked through the night to clear the slip on the coast road, which carries twelve "
    "thousand vehicles a day, and the county said the southbound lane should reopen by Friday "
    "evening, although you can sign up for notifications on its website to hear of any delay, "
    "and a diversion through the valley villages adds about twenty minutes."
)


def test_a_reader_directed_clause_does_not_drop_a_report() -> None:
    assert len(REPORT_WITH_A_CLAUSE.split()) >= 50
    assert not is_footer(REPORT_WITH_A_CLAUSE)
    art = _clean(_page(f"<p>{BODY}</p><p>{REPORT_WITH_A_CLAUSE}</p><p>{MORE}</p>"))
    assert REPORT_WITH_A_CLAUSE in art.text


def test_a_plea_glued_to_a_report_is_cut_from_it() -> None:
    para = f"{BODY} Sign up for our newsletter to get the latest on the works."
    assert footer_sentences_removed(para) == BODY
    assert footer_sentences_removed(REPORT_WITH_A_CLAUSE) == REPORT_WITH_A_CLAUSE


@pytest.mark.parametrize("line", [
    "Submit your letter to the editor via this form.",
    "Send us your story tips using this form.",
    "This post contains references to products from one or more of our advertisers. We may "
    "receive compensation when you click on links to those products.",
    "View our latest valuations here.",
    "Keep up with the latest news from the valley with our daily newsletter featuring the most "
    "important stories of the day delivered to your inbox every evening.",
])
def test_reader_directed_furniture(line: str) -> None:
    assert is_footer(line)


@pytest.mark.parametrize("line", [
    "Minister Ana Ruiz (right) looks on as the port director (left) addresses the think tank.",
    "Officers search the vessel at the boat ramp on Sunday. By HARBOUR POLICE",
    "Volunteers load sandbags near the river. Courtesy of Ida Roos",
])
def test_uncredited_and_trailing_credit_captions(line: str) -> None:
    assert is_caption(line)


@pytest.mark.parametrize("line", [
    "The minister, who sat on the right of the chamber, said the vote would be close.",
    "The bridge will reopen in March, the authority said.",
])
def test_reporting_is_not_a_caption(line: str) -> None:
    assert not is_caption(line)


def test_captions_and_teasers_of_a_page_are_never_text() -> None:
    html = _page(f"<figure><img src='x.jpg'><figcaption>Engineers inspect the deck on Monday."
                 f"</figcaption></figure><p>{BODY}</p><p class='read-more'>Read more: Ferry fares to "
                 f"rise next month</p><p>{MORE}</p><p>Submit your letter to the editor via this form.</p>")
    art = _clean(html)
    assert art.text.split("\n\n") == [BODY, MORE]


@pytest.mark.parametrize(("lead", "byline", "dateline"), [
    ("By Jane Doe, Reuters WASHINGTON (Reuters) — ", "Jane Doe", "WASHINGTON (Reuters)"),
    ("By TOM LEE BEIJING _ ", "Tom Lee", "BEIJING"),
    ("RAFAH, Gaza _ ", "", "RAFAH, Gaza"),
])
def test_bylines_and_datelines_leave_the_first_sentence(lead: str, byline: str, dateline: str) -> None:
    art = clean_article(articles_from_text(f"{lead}{BODY}\n\n{MORE}\n", "wire.txt", "text")[0][0])
    assert art.text.startswith(BODY[:40]) and (art.byline, art.dateline) == (byline, dateline)


def test_by_opening_a_sentence_is_reporting() -> None:
    text = "By the end of the week, the council had voted to close the Serin bridge for six weeks."
    art = clean_article(articles_from_text(f"{text}\n\n{MORE}\n", "x.txt", "text")[0][0])
    assert art.text.startswith(text) and not art.byline
