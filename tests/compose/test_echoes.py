"""Echoes: a quotation that repeats what a bullet already reports its speaker saying is hidden."""

from __future__ import annotations

from pathlib import Path

from briefing.compose.attribution import find_attributions
from briefing.compose.briefing import make_briefing
from briefing.compose.echoes import echoes
from briefing.compose.prompt import load_prompt
from briefing.compose.quotes import group_quotes
from briefing.models import Article
from briefing.pipeline import build_briefing, pool_articles
from briefing.pool.index import PoolIndex, build_index
from briefing.settings import Settings

REPORT = "Macron said the American contribution to the guarantees would be finalized in the coming days."
ECHO = "“The planning work will be finalised with the United States,” Mr Macron said."
OTHER = "“I told President Putin on Thursday that Russia has no veto over our troops,” Mr Macron said."

ALPHA = [
    "French President Emmanuel Macron hosted the leaders of 35 countries in Paris on Thursday to discuss "
    "security guarantees for Ukraine.",
    REPORT,
    "Twenty-six countries have pledged to deploy troops to Ukraine once a ceasefire is agreed.",
    "Russia has repeatedly rejected any deployment of Western soldiers in Ukraine.",
]
BETA = [
    "Leaders of 35 countries met in the French capital on Thursday to discuss how to protect Ukraine "
    "after the fighting ends.",
    "French President Emmanuel Macron told reporters that 26 nations had agreed to send forces.",
    ECHO,
    OTHER,
    "The Kremlin has said it will not tolerate soldiers from Western countries on Ukrainian soil.",
]
GAMMA = [  # a third outlet carries the report: it ranks above the quotation
    "Ukraine's allies met in Paris on Thursday to settle what each of them would contribute to its security.",
    REPORT,
    "Moscow said again that it would not accept any Western troops in Ukraine.",
]


def _articles() -> list[Article]:
    return [
        Article(id=f"a{k}", source=f"a{k}.txt", text="\n\n".join(lines), outlet=outlet, date="2025-09-04")
        for k, (lines, outlet) in enumerate(
            ((ALPHA, "Alpha Daily"), (BETA, "Beta News"), (GAMMA, "Gamma Radio"))
        )
    ]


def _index() -> PoolIndex:
    return build_index(pool_articles(_articles()))


def _row(index: PoolIndex, text: str) -> int:
    (row,) = [k for k, f in enumerate(index.facts) if " ".join(f.text.split()) == text]
    return row


def test_a_report_of_the_speaker_hides_the_quotation_it_paraphrases() -> None:
    index = _index()
    found = echoes(index, group_quotes(find_attributions(index.pool)))
    assert _row(index, ECHO) in found.get(_row(index, REPORT), [])


def test_a_quotation_sharing_only_names_titles_and_days_is_not_hidden() -> None:
    """The quotation "I told President Putin on Thursday ..." shares with the reports only a
    name, a title and a day (and "troops" with none of Macron's reported sentences)."""
    index = _index()
    found = echoes(index, group_quotes(find_attributions(index.pool)))
    assert all(_row(index, OTHER) not in rows for rows in found.values())


def test_a_quotation_never_hides_the_report() -> None:
    index = _index()
    found = echoes(index, group_quotes(find_attributions(index.pool)))
    assert _row(index, ECHO) not in found and _row(index, OTHER) not in found


def test_a_briefing_shows_the_report_and_not_its_echo() -> None:
    """The report, ranked first, is shown; the quotation it paraphrases is neither a bullet
    nor one of "What they said"."""
    briefing = make_briefing(pool_articles(_articles()), load_prompt("default"), Settings(sentences=8))
    bullets = [" ".join(item.text.split()) for section in briefing.sections for item in section.items]
    quotes = [q.text for q in briefing.quotes]
    assert REPORT in bullets
    assert ECHO not in bullets and not any("planning work" in q for q in quotes)


def test_without_the_report_the_quotation_is_shown(tmp_path: Path) -> None:
    """The rule hides a repeat only: with the report gone, the quotation is a bullet or a quote."""
    (tmp_path / "alpha.txt").write_text("\n\n".join(line for line in ALPHA if line != REPORT), encoding="utf-8")
    (tmp_path / "beta.txt").write_text("\n\n".join(BETA), encoding="utf-8")
    briefing = build_briefing([tmp_path], Settings(sentences=8))
    shown = [item.text for section in briefing.sections for item in section.items]
    shown += [q.text for q in briefing.quotes]
    assert any("planning work" in text for text in shown)


def test_another_spelling_of_the_speaker_is_the_same_speaker() -> None:
    """The quotation's attribution writes "Zelenskyy", the report "Zelensky": one speaker, as
    `attribution.same_speaker` compares surnames."""
    report = "Zelensky told reporters that the allies were still working out which country would do what."
    echo = "“We are working out which countries will take part in which security component,” Zelenskyy said."
    lines = [
        "Ukrainian President Volodymyr Zelenskyy thanked the allies in Paris for their pledges on Thursday.",
        echo,
        "The coalition's military planners will meet again in London next week.",
    ]
    other = [
        "Volodymyr Zelensky said the summit had been a first concrete step towards security guarantees.",
        report,
    ]
    arts = [
        Article(id=f"z{k}", source=f"z{k}.txt", text="\n\n".join(ls), outlet=o, date="2025-09-04")
        for k, (ls, o) in enumerate(((lines, "Alpha Daily"), (other, "Beta News")))
    ]
    index = build_index(pool_articles(arts))
    found = echoes(index, group_quotes(find_attributions(index.pool)))
    assert _row(index, echo) in found.get(_row(index, report), [])
