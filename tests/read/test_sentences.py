"""Split: Punkt offline with our abbreviations, plus the repairs scraped text needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.models import Article
from briefing.pipeline import prepare_articles
from briefing.read.files import ingest
from briefing.read.sentences import split_article, split_text, tokenizer


def _sents(text: str) -> list[str]:
    return [s for _, s in split_text(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. President met Mr. Smith and Dr. Jones in Washington, D.C. on Tuesday.",
        "Talks resume on Sept. 4 at 9 a.m. in the capital.",
        "Prices rose 3.5 per cent, or $1.3bn, according to Gov. Ella Marsh.",
        "The novel by J. K. Rowling sold 1.2 million copies in its first week.",
        "Sen. Tom Ellery of Calif. and Rep. Jo Lin of N.Y. voted against it.",
        "The firm, Calder Sea Links Inc. of Port Calder, said No. 3 ferry was idle.",
        "He moved from St. Louis to Ft. Worth in Jan. 2020 with his family.",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_split(text: str) -> None:
    assert _sents(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The team moved to the U.S. The decision was final.",
         ["The team moved to the U.S.", "The decision was final."]),
        ("Crews walked out in 2029. Russia objected.", ["Crews walked out in 2029.", "Russia objected."]),
        ("It ended at 5 p.m. He went home.", ["It ended at 5 p.m.", "He went home."]),
    ],
)
def test_abbreviation_at_sentence_end_still_splits(text: str, expected: list[str]) -> None:
    assert _sents(text) == expected


def test_missing_space_after_sentence_end_is_repaired() -> None:
    assert _sents("provide “strong security guarantees”.Zelensky’s top officials held talks.") == [
        "provide “strong security guarantees”.",
        "Zelensky’s top officials held talks.",
    ]
    # a mistyped closing quote opening the next sentence becomes an opening quote
    assert _sents("a good relationship with both leaders.”I think we’re going to get it straightened out,” he said.") == [
        "a good relationship with both leaders.",
        "“I think we’re going to get it straightened out,” he said.",
    ]
    assert _sents("The ferry was cancelled.The union said so.") == [
        "The ferry was cancelled.", "The union said so."
    ]
    # a closing quote that does close a quotation stays with it
    assert _sents("She said “it is over.”The crowd left.") == ["She said “it is over.”", "The crowd left."]


def test_domains_and_names_are_not_unglued() -> None:
    text = "Read it at DonegalLive.ie or calder.example today, a spokesman said."
    assert _sents(text) == [text]
    # a glued abbreviation gets its space back but is not a sentence end
    assert _sents("The bishop of St.John’s said so.") == ["The bishop of St. John’s said so."]


def test_line_broken_sentence_is_joined() -> None:
    assert _sents("Union organiser Carla Fenwick said members had not taken the decision\nlightly.") == [
        "Union organiser Carla Fenwick said members had not taken the decision lightly."
    ]
    assert _sents("Mr Rutte said that\n“we have to make sure that we act.”") == [
        "Mr Rutte said that “we have to make sure that we act.”"
    ]
    # lines that end sentences stay separate paragraphs
    assert split_text("First line ends here.\nSecond line starts anew.") == [
        (0, "First line ends here."), (1, "Second line starts anew.")
    ]


def test_quotation_stays_with_attribution() -> None:
    assert _sents("“Is it over?” he asked. The crowd cheered.") == [
        "“Is it over?” he asked.", "The crowd cheered."
    ]
    assert _sents("“Why are we interested in this? It's a sovereign country,” he said in Prague.") == [
        "“Why are we interested in this? It's a sovereign country,” he said in Prague."
    ]
    assert _sents("Rutte said: “Why are we here? It’s a sovereign country. It’s not for them to decide.”") == [
        "Rutte said: “Why are we here? It’s a sovereign country. It’s not for them to decide.”"
    ]
    # an unclosed quote is not glued to everything after it
    many = " ".join(["“This never closes."] + [f"Sentence {i} is here." for i in range(10)])
    assert len(_sents(many)) == 11


def test_paragraph_numbers_and_sentence_ids() -> None:
    art = Article(id="abc", source="x.txt", text="One. Two.\n\nThree.")
    sents = split_article(art)
    assert [(s.id, s.index, s.paragraph, s.text) for s in sents] == [
        ("abc:0", 0, 0, "One."), ("abc:1", 1, 0, "Two."), ("abc:2", 2, 1, "Three.")
    ]


def test_tokenizer_is_cached_and_offline() -> None:
    import nltk

    calls: list[object] = []
    original = nltk.download
    nltk.download = lambda *a, **k: calls.append(a)  # type: ignore[assignment]
    try:
        assert tokenizer() is tokenizer()
        split_text("One sentence. Another one.")
    finally:
        nltk.download = original
    assert calls == []


def test_every_sentence_comes_from_the_text(seeds_dir: Path) -> None:
    articles, _ = prepare_articles(ingest([seeds_dir]).articles)
    for art in articles:
        flat = " ".join(art.text.split())
        for sent in split_article(art):
            words = sent.text.replace("“", "").replace("”", "").split()
            assert words[0].strip("“”\"") in flat
            assert not sent.text.endswith((" Mr.", " U.S", " Sept."))


def test_seed_sentences(seeds_dir: Path) -> None:
    articles, _ = prepare_articles(ingest([seeds_dir]).articles)
    texts = {Path(a.source).name[:3]: [s.text for s in split_article(a)] for a in articles}
    assert "Zelensky’s top officials held talks in Paris with US special envoy Steve Witkoff on Thursday." in texts["001"]
    assert "“I think we’re going to get it all straightened out,” he said." in texts["001"]
    assert any(s.startswith("Macron said he, fellow European leaders and Ukrainian President") and "U.S. President Donald Trump" in s for s in texts["003"])
    assert any("Mr Rutte said that “we have to make sure" in s for s in texts["002"])


def test_newswire_spaced_ellipsis_is_not_a_sentence() -> None:
    assert _sents("It's neat but . . .\nThe trial ended. . . . If you're a company, beware.") == [
        "It's neat but ...", "The trial ended....", "If you're a company, beware."
    ]


def test_punctuation_only_pieces_are_dropped() -> None:
    assert _sents("The ferry sailed.\n.\n—\n“”\nIt came back.") == ["The ferry sailed.", "It came back."]


def test_unpunctuated_run_on_text_is_cut() -> None:
    sents = _sents("word " * 350)
    assert [len(s.split()) for s in sents] == [100, 100, 100, 50]
    clauses = ("the council met on Monday and again on Tuesday; it agreed nothing at all, " * 12).strip()
    pieces = _sents(clauses)
    assert all(len(p.split()) <= 100 for p in pieces) and len(pieces) >= 2
    assert " ".join(pieces).split() == clauses.split()
    assert pieces[0].endswith((";", ","))


_ALPHABET = st.sampled_from(
    list("abcABC019 .,;:!?()\"“”‘’'…—\n\u00a0") + ["Mr.", "U.S.", "Sept. 4", "J. K.", " the ", ". . ."]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=150).map("".join))
def test_split_never_crashes_and_every_sentence_comes_from_the_text(text: str) -> None:
    letters = "".join(ch for ch in text if ch.isalnum())
    for p, sent in split_text(text):
        assert p >= 0 and sent == sent.strip() and sent
        assert any(ch.isalnum() for ch in sent)
        assert len(sent.split()) <= 100
        # the sentence's letters and digits appear, in order and contiguous, in the input
        core = "".join(ch for ch in sent if ch.isalnum())
        assert core in letters, sent


def test_fast_path_gives_exactly_what_punkt_alone_gives(seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Obvious sentence ends are cut without Punkt for speed; the result must not change."""
    import briefing.read.sentences as S

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
    articles, _ = prepare_articles(ingest([seeds_dir, fixtures]).articles)
    tricky = (
        "He lives in the U.S. The talks end. Mr. Smith met Gen. Ellis. It cost 1.5 bn. dollars. "
        "They met at 5 p.m. Then left. “It ended.” She left. The café. Étienne came. war-torn. Next."
    )
    texts = [a.text for a in articles] + [tricky]
    fast = [split_text(t) for t in texts]
    monkeypatch.setattr(S, "_obvious_chunks", lambda para: [para])
    monkeypatch.setattr(S, "_INNER_STOP", __import__("re").compile(r"[.!?]|$"))
    assert [split_text(t) for t in texts] == fast


def test_possessive_after_an_abbreviation_stays_in_its_sentence() -> None:
    got = [s for _, s in split_text("The S.E.C.'s inquiry widened on Monday. It named two firms.")]
    assert got == ["The S.E.C.'s inquiry widened on Monday.", "It named two firms."]
    got = [s for _, s in split_text("Officials praised the U.S.’s allies. They agreed.")]
    assert got == ["Officials praised the U.S.’s allies.", "They agreed."]
