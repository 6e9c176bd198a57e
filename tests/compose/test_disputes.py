"""Where sources disagree: real conflicts found, no false ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.compose.attribution import find_attributions
from briefing.compose.disputes import find_disagreements
from briefing.compose.quotes import group_quotes
from briefing.models import Article
from briefing.pipeline import pool_articles, prepare_articles
from briefing.pool.index import build_index
from briefing.text.figures import claims, days

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "render"


def _disputes(*texts: str):
    arts = [
        Article(id=f"a{i}", source=f"a{i}.txt", text=t, outlet=f"Outlet {i}")
        for i, t in enumerate(texts)
    ]
    cleaned, _ = prepare_articles(arts)
    pool = pool_articles(cleaned)
    groups = group_quotes(find_attributions(pool))
    return find_disagreements(build_index(pool), groups)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Russia received €1.1bn in fuel sales.", 1.1e9, "EUR"),
        ("Russia received €1.1 billion in fuel sales.", 1.1e9, "EUR"),
        ("Russia received 1.1 billion euros in fuel sales.", 1.1e9, "EUR"),
        ("Twenty-six countries pledged troops.", 26, "country"),
        ("26 of the countries pledged troops.", 26, "country"),
        ("Russia fired 112 strike and decoy drones overnight.", 112, "drone"),
        ("Turnout was 61.5 percent.", 61.5, "%"),
        ("Turnout was 61.5%.", 61.5, "%"),
        ("It costs $3,200,000 a year.", 3.2e6, "USD"),
    ],
)
def test_figures_are_normalised(text: str, value: float, unit: str) -> None:
    found = claims(text)
    assert any(abs(c.value - value) < 1e-6 * max(1, value) and unit in c.unit for c in found), found


def test_names_and_dates_are_not_figures() -> None:
    assert claims("The G7 and F-16 jets met COVID-19 rules on Sept. 4.") == ()
    assert days("The summit on Thursday, Sept. 4, 2025") == {"thursday", "09-04"}


def test_conflicting_counts_are_reported_with_citations() -> None:
    found = _disputes(
        "Russia launched 112 drones at Ukraine overnight, the air force said.",
        "Russia launched 120 drones at Ukraine overnight, the air force said.",
    )
    assert len(found) == 1
    d = found[0]
    assert d.kind == "figure"
    assert {v.value for v in d.versions} == {"112", "120"}
    assert sorted(v.citations for v in d.versions) == [(1,), (2,)]


def test_casualty_count_in_differently_worded_sentences() -> None:
    found = _disputes(
        "Two people clearing mines were killed in a Russian attack in the north on Thursday.",
        "Three people clearing mines were killed by a Russian strike in the north on Thursday.",
    )
    assert len(found) == 1 and {v.value for v in found[0].versions} == {"Two", "Three"}


def test_same_number_written_differently_is_no_disagreement() -> None:
    assert not _disputes(
        "A White House official said Russia received €1.1bn (£954m; $1.3bn) in fuel sales from the EU.",
        "A White House official said Russia received 1.1 billion euros in fuel sales from the EU.",
        "A White House official said Russia received €1.1 billion in fuel sales from the EU.",
    )
    assert not _disputes(
        "Twenty-six countries have pledged to deploy troops to the region after a ceasefire.",
        "26 countries have pledged to deploy troops to the region after a ceasefire.",
    )


def test_different_quantities_of_different_things_are_no_disagreement() -> None:
    assert not _disputes(
        "Russia fired 112 drones across the country overnight, the air force said.",
        "Air defences intercepted or jammed 84 drones, the air force said.",
    )
    assert not _disputes(
        "Macron said 26 of the 35 countries in the coalition had pledged troops.",
        "The coalition of 35 countries met in Paris, where 26 countries pledged troops.",
    )
    assert not _disputes(
        "The country has 12 million people, officials said on Monday.",
        "Police said 300 people had protested outside the hall on Monday.",
    )


def test_approximate_figures_and_different_days_are_no_disagreement() -> None:
    assert not _disputes(
        "More than 100 drones were fired at Kyiv overnight, officials said.",
        "Exactly 112 drones were fired at Kyiv overnight, officials said.",
    )
    assert not _disputes(
        "Russia fired 112 drones at Ukraine on Thursday night, the air force said.",
        "Russia fired 80 drones at Ukraine on Monday night, the air force said.",
    )


def test_date_disagreement() -> None:
    found = _disputes(
        "Russia announced on Thursday that it was expelling an Estonian diplomat in a tit-for-tat move.",
        "Russia announced on Wednesday that it was expelling an Estonian diplomat in a tit-for-tat move.",
    )
    assert len(found) == 1 and found[0].kind == "date"
    assert {v.value for v in found[0].versions} == {"Thursday", "Wednesday"}


def test_attribution_disagreement() -> None:
    found = _disputes(
        "“We will not give up a single village of our land,” President Tomas Reel said.",
        "“We will not give up a single village of our land,” Defence Minister Ilse Varga said.",
    )
    assert len(found) == 1 and found[0].kind == "attribution"
    assert {v.value for v in found[0].versions} == {"President Tomas Reel", "Defence Minister Ilse Varga"}


def test_one_outlet_giving_two_figures_is_no_dispute() -> None:
    assert not _disputes(
        "Police said 300 people marched on Monday. Police said 350 people marched on Monday.",
    )


def test_fixture_disagreements() -> None:
    from briefing.pipeline import build_briefing
    from briefing.settings import Settings

    b = build_briefing([FIXTURES / "serin"], Settings(prompt="summit", date="2031-03-12"))
    kinds = sorted((d.kind, tuple(sorted(v.value for v in d.versions))) for d in b.disagreements)
    assert ("figure", ("35 percent", "40 percent")) in kinds
    assert ("figure", ("300", "350")) in kinds
    assert any(k == "attribution" for k, _ in kinds)
    # €2.5bn and 2.5 billion euros, 30 days, 12 million vs 300 people: no dispute
    assert len(kinds) == 3


def test_different_stretches_and_clock_times_are_no_disagreement() -> None:
    assert not _disputes(
        "Over the next 29 seconds, the plane dropped 700 feet, the report said.",
        "The radar showed the plane dropped 1,100 feet in only 14 seconds, the report said.",
    )
    assert not _disputes(
        "The first shock took place at 20:36:08 local time, at a depth of 28 kilometres.",
        "The first shock took place at 23:49:56 local time, at a depth of 28 kilometres.",
    )
    assert not _disputes(
        "The fire was put out after three days, the fire brigade said on Monday.",
        "The fire was put out after two days, the fire brigade said on Monday.",
    )


def test_parts_ranges_and_conversions_are_no_disagreement() -> None:
    assert not _disputes(
        "The Justice Department and 20 states have sued the company in Washington.",
        "The Justice Department and 17 of the states that sued the company met in Washington.",
    )
    assert not _disputes(
        "The plane dropped from 2,500 to 1,800 feet, investigators said.",
        "The plane dropped 700 feet, investigators said.",
    )
    assert not _disputes(
        "The storm was 300 kilometers (187 miles) south of Hong Kong on Monday.",
        "The storm was 300 kilometers (186 miles) south of Hong Kong on Monday.",
    )
    assert not _disputes(
        "Only 21 states, including California, have hate crime laws, the group said.",
        "Eight states have no hate crime laws, the group said.",
    )


def test_figures_from_different_days_are_updates_not_disputes() -> None:
    arts = [
        Article(id="a0", source="a0.txt", text="Police said 32 people died in the cold in Poland.",
                outlet="One", date="2031-11-16"),
        Article(id="a1", source="a1.txt", text="Police said 36 people died in the cold in Poland.",
                outlet="Two", date="2031-11-20"),
        Article(id="a2", source="a2.txt", text="Police said 35 people died in the cold in Poland.",
                outlet="Three", date="2031-11-20"),
    ]
    cleaned, _ = prepare_articles(arts)
    found = find_disagreements(build_index(pool_articles(cleaned)))
    assert [sorted(v.value for v in d.versions) for d in found] == [["35", "36"]]
