"""Clean: noise goes, reporting and metadata stay. Real seed articles plus invented fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.ingest import ingest
from briefing.models import Article
from briefing.pipeline import prepare_articles

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

# Page furniture of the five seed articles: none of it may survive cleaning.
SEED_NOISE = [
    "Skip to content",
    "Join our Newsletter",
    "BBC :",
    "7de9f14b6f7fea93555758c4f999bd2bbb54cde4a9661880ea99049b9b253d94",
    "Ludovic Marin/Pool Photo via AP",
    "arrive to attend a summit on Ukraine at the Elysee Palace",
    "___",
    "Petrequin reported from London",
    "contributed to this report",
    "Illia Novikov And Samuel Petrequin",
    "Subscribe or register today",
    "Buy the e-paper",
    "daily newsletter",
    "delivered to your inbox",
    "KYIV, Ukraine (AP)",
    "date 2025-09-05",
]
SEED_SUBHEADS = ["Macron and Zelenskyy say US backs the plan", "Trump phone call", "Positive signals"]


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
