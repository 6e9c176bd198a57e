"""The pool: level-1 and level-2 merges, substance vetoes, families, and the `pool` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.models import Article
from briefing.pipeline import pool_articles, prepare_articles
from briefing.pool.build import build_pool
from briefing.pool.decisions import decide, level1, substance_veto
from briefing.read.files import ingest
from briefing.read.sentences import split_article
from briefing.text.signature import signature

TRUMP = "Trump also emphasized that European leaders must place economic pressure on China"


def _pool_of(*texts: str):
    arts = [Article(id=f"a{k}", source=f"a{k}.txt", text=t) for k, t in enumerate(texts)]
    return build_pool(arts, [split_article(a) for a in arts])


def _fact_with(pool, fragment: str):
    hits = [f for f in pool.facts if any(fragment in m.text for m in f.members)]
    assert hits, fragment
    return hits


def _same(a: str, b: str) -> bool:
    d = decide(signature(a), signature(b), {}, 3.0)
    return d.level > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # quotes, dashes, spacing and case
        ("“The planning work will be finalised with the United States,” Mr Macron said.",
         '"The planning work will be finalized with the United States," Macron said.'),
        # honorific and title dropped, transliteration variant of a name
        ("Mr Zelensky met President Donald Trump in Washington to discuss air defence systems.",
         "Zelenskyy met Donald Trump in Washington to discuss air defense systems."),
        # number and currency formats
        ("Russia received €1.1bn in fuel sales from the EU in one year, an official said.",
         "Russia received 1.1 billion euros in fuel sales from the EU in one year, an official said."),
        # a time word and an attribution dropped
        ("Air defences intercepted or jammed 84 drones overnight on Thursday, the statement said.",
         "Air defenses intercepted or jammed 84 drones overnight."),
        # a trailing clause dropped
        (f"{TRUMP}, according to the official, who was not authorized to comment publicly.",
         f"{TRUMP}, according to the official."),
        ("Twenty-six Western allies have formally committed to deploying troops to Ukraine.",
         "26 Western allies have formally committed to deploying troops to Ukraine."),
    ],
)
def test_level1_variants_merge(a: str, b: str) -> None:
    assert _same(a, b)


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("Russia fired 112 strike and decoy drones across the country overnight.",
         "Russia fired 121 strike and decoy drones across the country overnight.", "number"),
        ("The minister said the bridge would reopen to traffic on Monday morning.",
         "The minister said the bridge would not reopen to traffic on Monday morning.", "negation"),
        ("The council will vote on the plan for a second crossing on Tuesday.",
         "The council will vote on the plan for a second crossing on Friday.", "date"),
        ("Chancellor Friedrich Merz said the coalition must agree a ceasefire first.",
         "Prime Minister Giorgia Meloni said the coalition must agree a ceasefire first.", "name"),
    ],
)
def test_differences_of_substance_never_merge(a: str, b: str, why: str) -> None:
    assert substance_veto(signature(a), signature(b)) == why
    assert not _same(a, b)


def test_near_misses_are_related_not_merged() -> None:
    pool = _pool_of(
        "Russia fired 112 strike and decoy drones across the country overnight.",
        "Russia fired 121 strike and decoy drones across the country overnight.",
    )
    assert len(pool.facts) == 2
    a, b = pool.facts
    assert a.related == (b.id,) and b.related == (a.id,)


def test_level1_is_order_sensitive_containment() -> None:
    short = signature("The bridge reopened to traffic after six weeks of repairs.")
    longer = signature("The bridge reopened to traffic after six weeks of repairs, city officials said.")
    shuffled = signature("After six weeks of repairs traffic reopened to the bridge.")
    assert level1(short, longer)
    assert not level1(short, shuffled)


def test_sentence_split_across_articles_credits_every_source() -> None:
    pool = _pool_of(
        "The Lakeport bridge reopened on Monday. Engineers replaced 40 metres of roadway.",
        "Engineers replaced 40 metres of roadway, the city said. The Lakeport bridge reopened Monday.",
    )
    assert len(pool.facts) == 2
    assert all(len(f.articles) == 2 for f in pool.facts)


def test_lines_of_one_file_stay_apart_unless_repeated() -> None:
    text = (
        "The company said profits rose sharply in the third quarter.\n"
        "The firm reported that its quarterly earnings climbed steeply.\n"
        "The company said profits rose sharply in the third quarter.\n"
    )
    pool = _pool_of(text)
    sizes = sorted(len(f.members) for f in pool.facts)
    assert sizes == [1, 2]  # the repeat merges; the paraphrase inside one article does not


@pytest.fixture
def seed_pool(seeds_dir: Path):
    articles, _ = prepare_articles(ingest([seeds_dir]).articles)
    return pool_articles(articles)


def _names(pool, ids) -> set[str]:
    return {pool.article(a).label[:3] for a in ids}


def test_seeds_wire_copies_merge(seed_pool) -> None:
    (fact,) = _fact_with(seed_pool, "112 strike and decoy drones")
    assert len(fact.members) == 3
    assert len(fact.origins) == 1
    (fact,) = _fact_with(seed_pool, "1.1 billion euros")
    texts = " ".join(m.text for m in fact.members)
    assert "€1.1 billion" in texts and "1.1 billion euros" in texts


def test_seeds_currency_formats_merge_across_outlets(seed_pool) -> None:
    (bbc,) = _fact_with(seed_pool, "€1.1bn")
    assert any("1.1 billion euros" in m.text for m in bbc.members)
    assert len(bbc.origins) == 2


def test_seeds_families(seed_pool) -> None:
    fams: dict[str, set[str]] = {}
    for art in seed_pool.articles:
        fams.setdefault(seed_pool.families[art.id], set()).add(art.label[:3])
    assert sorted(map(sorted, fams.values())) == [["000", "001"], ["002", "003", "004"]]


def test_seed_facts_keep_every_sentence_once(seed_pool) -> None:
    ids = [m.id for f in seed_pool.facts for m in f.members]
    assert len(ids) == len(set(ids))
    for fact in seed_pool.facts:
        assert fact.text in {m.text for m in fact.members}
        assert set(fact.origins) <= {seed_pool.families[a] for a in fact.articles}


def test_examples_families(examples_dir: Path) -> None:
    articles, _ = prepare_articles(ingest([examples_dir]).articles)
    pool = pool_articles(articles)
    fam = {Path(a.source).stem: pool.families[a.id] for a in pool.articles}
    assert fam["valley-times"] == fam["northern-wire"]
    assert len({fam["harbour-gazette"], fam["riverside-radio"], fam["northern-wire"]}) == 3


runner = CliRunner()


def test_pool_command_json(examples_dir: Path) -> None:
    result = runner.invoke(app, ["pool", str(examples_dir), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"articles", "facts"}
    art = data["articles"][0]
    assert set(art) == {"id", "file", "outlet", "title", "date", "family"}
    fact = data["facts"][0]
    assert set(fact) == {"id", "text", "members", "articles", "origins", "related", "support"}
    assert set(fact["members"][0]) == {"article", "file", "text"}
    ids = {a["id"] for a in data["articles"]}
    assert all(set(f["articles"]) <= ids for f in data["facts"])
    carried = [f for f in data["facts"] if len(f["articles"]) == 3]
    assert carried, "the wire story's lead is carried by three articles"


def test_pool_command_table_and_skips(examples_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = runner.invoke(app, ["pool", str(examples_dir), str(bad)])
    assert result.exit_code == 0
    assert "Facts" in result.stdout
    assert "skipped" in result.stderr and "empty.txt" in result.stderr


def test_pool_command_no_articles(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = runner.invoke(app, ["pool", str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_pool_command_help() -> None:
    result = runner.invoke(app, ["pool", "--help"])
    assert result.exit_code == 0 and "--json" in result.stdout


def test_many_near_identical_lines_cost_a_bounded_number_of_candidates():
    # one boilerplate sentence with only a number changed, many times: every pair of them
    # is similar, but each line keeps at most MAX_NEIGHBOURS candidates
    from briefing.pool.build import sentence_idf
    from briefing.pool.candidates import MAX_NEIGHBOURS, candidate_pairs

    lines = [f"The agency filed report number {k} on the closure of the northern plant." for k in range(300)]
    sigs = [signature(t) for t in lines]
    idf = dict.fromkeys(sentence_idf(sigs)[0], 1.0)  # equal weights: every pair is alike (cosine 8/9)
    pairs = candidate_pairs(sigs, idf, 0.4)
    degree = np.bincount(pairs.ravel(), minlength=len(lines))
    assert len(pairs) <= MAX_NEIGHBOURS * len(lines)
    assert degree.min() >= MAX_NEIGHBOURS  # each still meets its closest ones
    few = candidate_pairs(sigs[:20], idf, 0.4)
    assert len(few) == 20 * 19 // 2  # below the cap: every similar pair
