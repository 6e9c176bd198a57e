"""Quotations and who said them, as the articles attribute them; never by guessing."""

from __future__ import annotations

from briefing.compose.attribution import find_attributions
from briefing.compose.quotes import group_quotes
from briefing.models import Article
from briefing.pipeline import pool_articles, prepare_articles


def _quotes(*texts: str) -> list[tuple[str, str, bool]]:
    arts = [
        Article(id=f"a{i}", source=f"a{i}.txt", text=t, outlet=f"Outlet {i}")
        for i, t in enumerate(texts)
    ]
    cleaned, _ = prepare_articles(arts)
    pool = pool_articles(cleaned)
    return [(a.text, a.speaker.display, a.direct) for a in find_attributions(pool)]


def _speaker_of(found: list[tuple[str, str, bool]], start: str) -> str | None:
    for text, speaker, _ in found:
        if text.startswith(start):
            return speaker
    return None


def test_quote_then_attribution() -> None:
    found = _quotes("“We will rebuild every school in the valley,” Governor Ana Mirel said on Monday.")
    assert found == [("We will rebuild every school in the valley", "Governor Ana Mirel", True)]


def test_inverted_attribution_and_according_to() -> None:
    found = _quotes(
        "“The harbour will be closed for two more weeks,” said port director Jonas Hale.\n\n"
        "“No ship can enter while the wreck is still there,” according to Captain Ruth Okoye."
    )
    assert _speaker_of(found, "The harbour") == "port director Jonas Hale"
    assert _speaker_of(found, "No ship") == "Captain Ruth Okoye"


def test_colon_and_that_patterns() -> None:
    found = _quotes(
        "Finance Minister Lara Bosch said: “The budget will be balanced by the end of next year.”\n\n"
        "Opposition leader Karl Dent said that “this budget is a gift to the banks and nobody else”."
    )
    assert _speaker_of(found, "The budget") == "Finance Minister Lara Bosch"
    assert _speaker_of(found, "this budget") == "Opposition leader Karl Dent"


def test_pronoun_resolved_only_when_previous_sentence_names_one_speaker() -> None:
    found = _quotes(
        "Mayor Pia Lund told reporters on Friday that the bridge would reopen soon. "
        "“We expect the first cars to cross it before the summer,” she said.\n\n"
        "Mayor Pia Lund met the engineer Omar Vell, and Vell said the cables were sound while Lund "
        "said the deck was not. “Nobody should drive on it until the tests are over,” he said."
    )
    assert _speaker_of(found, "We expect") == "Mayor Pia Lund" or _speaker_of(found, "We expect") == "Pia Lund"
    assert _speaker_of(found, "Nobody should") is None  # two speakers: skipped, not guessed


def test_pronoun_without_antecedent_is_skipped() -> None:
    found = _quotes("“The river has never been this low in a hundred years,” he said.")
    assert found == []


def test_continuation_quote_takes_previous_speaker() -> None:
    found = _quotes(
        "“We are ready to talk at any time and in any place,” Foreign Minister Ida Roos said. "
        "“But we will not negotiate while our towns are being shelled.”"
    )
    assert _speaker_of(found, "But we will not") == "Foreign Minister Ida Roos"


def test_short_scare_quotes_are_not_quotations() -> None:
    found = _quotes("The minister called the plan a “reassurance force” for the region, aides said.")
    assert found == []


def test_short_name_expanded_from_the_same_article() -> None:
    found = _quotes(
        "Prime Minister Tomas Reel arrived in Valmora on Monday. "
        "“The talks will last as long as they need to last,” Mr Reel said."
    )
    assert _speaker_of(found, "The talks") == "Tomas Reel"


def test_same_quote_across_outlets_merged_and_conflict_detected() -> None:
    arts = [
        "“This agreement shows that neighbours can settle hard questions,” President Tomas Reel said.",
        "“This agreement shows that neighbours can settle hard questions,” Prime Minister Ilse Varga said.",
        "“This agreement shows that neighbours can settle hard questions,” Mr Reel said.",
    ]
    cleaned, _ = prepare_articles(
        [Article(id=f"a{i}", source=f"a{i}.txt", text=t, outlet=f"O{i}") for i, t in enumerate(arts)]
    )
    groups = group_quotes(find_attributions(pool_articles(cleaned)))
    assert len(groups) == 1
    assert len(groups[0].attributions) == 3
    assert groups[0].conflicting()


def test_same_person_spelled_two_ways_is_no_conflict() -> None:
    arts = [
        "“We support any format of meeting, bilateral or trilateral,” Zelenskyy said.",
        "“We support any format of meeting, bilateral or trilateral,” Mr Zelensky said.",
    ]
    cleaned, _ = prepare_articles(
        [Article(id=f"a{i}", source=f"a{i}.txt", text=t, outlet=f"O{i}") for i, t in enumerate(arts)]
    )
    groups = group_quotes(find_attributions(pool_articles(cleaned)))
    assert len(groups) == 1 and not groups[0].conflicting()
