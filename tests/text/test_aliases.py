"""One form for an actor's names and for synonyms: what support compares, never the merge."""

from __future__ import annotations

from briefing.pool.support import conflict
from briefing.text.signature import aliased, signature


def _shared(a: str, b: str) -> set[str]:
    return set(aliased(signature(a)).stems & aliased(signature(b)).stems)


def test_capital_seat_demonym_and_country_name_one_actor() -> None:
    a = "Moscow has said it will not accept troops from Western countries."
    b = "The Kremlin will not tolerate soldiers from Western countries, officials said."
    c = "Russia says no Western forces can be stationed there."
    assert {"=russia", "=troops"} <= _shared(a, b)
    assert {"=russia", "=troops"} <= _shared(a, c)
    us = "What the United States will offer remains open, the White House said."
    assert "=usa" in _shared(us, "Washington has not yet said what it will offer.")
    assert "=usa" in _shared(us, "American officials gave no details of the U.S. offer.")


def test_the_words_themselves_are_kept_and_the_merge_signature_is_untouched() -> None:
    text = "The Kremlin said the troops would stay."
    sig = signature(text)
    assert {"kremlin", "troop"} <= aliased(sig).stems and "=russia" not in sig.stems
    assert signature(text) == sig  # aliasing returns a new signature, never changes the cached one


def test_no_alias_from_a_pronoun_or_another_word_form() -> None:
    assert "=usa" not in aliased(signature("They told us the plan would work.")).stems
    assert "=troops" not in aliased(signature("He was forced to resign on Monday.")).stems
    plain = signature("Forecasters expect six more inches of snow on Wednesday.")
    assert aliased(plain) is plain


def test_two_names_of_one_actor_as_speakers_are_no_conflict() -> None:
    a = "Earlier, Moscow said it would not accept Western troops in Ukraine."
    b = "Earlier, the Kremlin said it would not accept Western troops in Ukraine."
    assert conflict(a, b, signature(a), signature(b)) == ""
    c = "Earlier, Beijing said it would not accept Western troops in Ukraine."
    assert conflict(a, c, signature(a), signature(c)) == "speaker"
