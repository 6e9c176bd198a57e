"""Support: facts of other articles that report the same claim in their own words."""

from __future__ import annotations

from pathlib import Path

from briefing.models import Article, Pool
from briefing.pipeline import pool_articles, read_pool
from briefing.pool import support
from briefing.pool.index import build_index
from briefing.pool.support import conflict, negation_conflict, speakers
from briefing.text.signature import signature

# Three outlets' own reports of one event (after the issue's example), each with other news.
COURT = [
    (
        "The Supreme Court on Monday sided with police officers in two cases from Oklahoma and "
        "California, granting them qualified immunity from lawsuits over the use of excessive force.",
        "The justices reversed two appeals court rulings that had let the lawsuits go forward.",
        "Civil rights groups said the decisions would make it harder to hold officers to account.",
    ),
    (
        "In a pair of unsigned opinions, the justices shielded officers accused of excessive force "
        "in California and Oklahoma, finding qualified immunity protected them from being sued.",
        "The court did not hear arguments in either case before deciding them.",
        "Justice Sonia Sotomayor did not note a dissent in either case.",
    ),
    (
        "Police officers in Oklahoma and California are shielded from lawsuits over their use of "
        "force, the Supreme Court ruled Monday, citing qualified immunity in two brief decisions.",
        "One case involved officers who shot a man holding a hammer in a garage in Tahlequah.",
        "Police unions welcomed the rulings as a defense of officers who make split-second choices.",
    ),
]


STORM = (
    "A winter storm dropped more than two feet of snow on Buffalo over the weekend, closing "
    "highways and the city's airport.",
    "Crews worked through the night to clear the main roads before the Monday commute.",
    "Forecasters expect another six inches of snow by Wednesday.",
)


def _pool(*texts: tuple[str, ...], outlets: tuple[str, ...] = ()) -> Pool:
    arts = [
        Article(id=f"a{k}", source=f"a{k}.txt", text="\n\n".join(lines), outlet=(outlets or ("X", "Y", "Z", "W"))[k])
        for k, lines in enumerate(texts)
    ]
    return pool_articles(arts)


def _fact(pool: Pool, start: str):
    (fact,) = [f for f in pool.facts if f.text.startswith(start)]
    return fact


def _leads(pool: Pool):
    """The facts holding each article's first sentence, in article order."""
    return [next(f for f in pool.facts if any(m.article_id == a.id and m.index == 0 for m in f.members)) for a in pool.articles]


def test_independent_wordings_of_one_claim_support_each_other() -> None:
    pool = _pool(*COURT)
    leads = _leads(pool)
    # the merge stays strict: the wording of one report stays apart from the others
    assert len({f.id for f in leads}) >= 2
    index = build_index(pool)
    for fact in leads:
        assert {f.id for f in leads} - {fact.id} <= set(fact.support), fact.text
        assert index.credit[index.row[fact.id]] == ("a0", "a1", "a2")
    # credit follows support, for the ranking too
    assert all(index.origins[index.row[f.id]] == 3 for f in leads)


def test_support_is_never_within_an_article() -> None:
    pool = _pool(*COURT)
    by_id = {f.id: f for f in pool.facts}
    for fact in pool.facts:
        for other in fact.support:
            assert not set(fact.articles) & set(by_id[other].articles)


def test_a_part_is_carried_by_the_whole_not_the_reverse() -> None:
    whole = ("Under the deal, Arvenia will release 40 percent of the river's summer flow to Molvany, "
             "and both countries will fund a repair of the Serin dam costing 2.5 billion euros.",
             "The deal was signed in Valmora after two days of talks.")
    part = ("Leaders met in Valmora for two days before they signed.",
            "Arvenia will release 40 percent of the summer flow of the Serin to Molvany, officials said.")
    pool = _pool(whole, part)
    big, small = _fact(pool, "Under the deal"), _fact(pool, "Arvenia will release")
    assert big.id in small.support, "the whole report carries the part"
    assert small.id not in big.support, "the part does not carry the dam's cost"


def test_other_sentences_of_the_reports_are_not_support() -> None:
    pool = _pool(*COURT)
    lead_ids = {f.id for f in _leads(pool)}
    for lines in COURT:
        for text in lines[1:]:
            fact = _fact(pool, text[:40])
            assert not set(fact.support) & lead_ids, text


def test_unrelated_story_in_the_same_pool_gets_no_credit() -> None:
    pool = _pool(COURT[0], STORM, COURT[1])
    storm = {f.id for f in pool.facts if "a1" in f.articles}
    for fact in pool.facts:
        if fact.id in storm:
            assert not fact.support, fact.text
        else:
            assert not set(fact.support) & storm, fact.text


def test_a_different_figure_is_a_dispute_not_support() -> None:
    a = ("Russia launched 112 drones at Ukraine overnight, and air defences shot down most of them, "
         "the Ukrainian air force said.", "Power cuts hit parts of Kharkiv after the strikes on the city.")
    b = ("Russia fired 120 drones at Ukraine overnight, and air defences downed most of them, the "
         "Ukrainian air force said.", "Strikes on Kharkiv left parts of the city without power.")
    pool = _pool(a, b)
    first, second = _fact(pool, "Russia launched"), _fact(pool, "Russia fired")
    assert second.id not in first.support
    assert conflict(first.text, second.text, signature(first.text), signature(second.text)) == "figure"


def test_negation_of_a_shared_word_is_a_conflict_but_a_negation_elsewhere_is_not() -> None:
    opened = signature("The Lakeport bridge reopened to traffic on Monday after six weeks of repairs.")
    closed = signature("The Lakeport bridge did not reopen to traffic on Monday despite six weeks of repairs.")
    assert negation_conflict(opened, closed)
    skipping = signature("Millions of Americans are skipping their second vaccine shot, data show.")
    not_getting = signature("Millions of Americans are not getting their second vaccine doses.")
    assert not negation_conflict(skipping, not_getting)


def test_each_naming_someone_else_as_saying_it_is_a_conflict() -> None:
    a = "French President Emmanuel Macron said the force would deter any new attack on Ukraine."
    b = "German Chancellor Friedrich Merz said the force would deter any new attack on Ukraine."
    assert speakers(signature(a)) == {"emmanuel", "macron"}
    assert conflict(a, b, signature(a), signature(b)) == "speaker"
    c = "The force would deter any new attack on Ukraine, Mr Macron told reporters."
    assert not conflict(a, c, signature(a), signature(c))


def test_supporters_count_as_repeats() -> None:
    pool = _pool(*COURT)
    by_id = {f.id: f for f in pool.facts}
    assert any(f.support for f in pool.facts)
    for fact in pool.facts:
        assert set(fact.support) <= set(fact.repeats)
        assert all(fact.id in by_id[other].repeats for other in fact.repeats)


REJECTION = (
    "Moscow has repeatedly said it will not accept troops from Western countries in Ukraine in any form.",
    "The Kremlin has said again and again that it will not tolerate soldiers from Western countries on Ukrainian soil.",
)


def _logit(texts: tuple[str, ...], i: int, j: int) -> float:
    sigs = support.feature_signatures([signature(t) for t in texts])
    idf, default = support.idf_of(sigs)
    return support.logit(support.pair_features(sigs[i], sigs[j], idf, default))


def test_aliases_make_one_actor_and_synonyms_shared_content(monkeypatch) -> None:
    texts = (*REJECTION, *STORM, *COURT[0])
    plain = _logit(texts, 0, 1)
    monkeypatch.setattr(support, "ALIASES", True)
    assert _logit(texts, 0, 1) > plain + 0.5
    assert _logit(texts, 0, 2) < -3  # the storm shares no actor


def test_with_aliases_the_summit_rejection_is_credited_across_outlets(monkeypatch) -> None:
    example = [Path(__file__).resolve().parents[2] / "examples" / "summit"]
    wire = "will not accept troops from Western countries"
    lowland = "will not tolerate soldiers from Western countries"

    def credited() -> bool:
        pool = read_pool(example)[0]
        (a,) = [f for f in pool.facts if wire in f.text]
        (b,) = [f for f in pool.facts if lowland in f.text]
        return a.id in b.support  # (the wire's adds "no immediate reaction": it carries the Lowland Times')

    assert not credited()
    monkeypatch.setattr(support, "ALIASES", True)
    assert credited()
