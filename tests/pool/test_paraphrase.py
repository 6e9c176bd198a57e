"""The level-2 pair model: shipped weights, determinism, symmetry, and invented pairs."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from briefing.pool import paraphrase
from briefing.pool.decisions import claim, decide, level1, merge_threshold, substance_veto
from briefing.text.signature import signature


def _decide(a: str, b: str):
    return decide(signature(a), signature(b), {}, 3.0)


def test_model_file_ships_inside_the_package_and_matches_the_features() -> None:
    text = resources.files("briefing").joinpath("data", paraphrase.MODEL_FILE).read_text("utf-8")
    data = json.loads(text)
    assert tuple(data["features"]) == paraphrase.FEATURES
    net = paraphrase.model()
    members, features, hidden = net.w1.shape
    assert members >= 1 and features == len(paraphrase.FEATURES)
    assert net.mean.shape == net.scale.shape == (members, features)
    assert net.b1.shape == net.w2.shape == (members, hidden) and net.b2.shape == (members,)
    assert 0.5 < merge_threshold() < 1.0


def test_scores_are_deterministic_and_symmetric() -> None:
    a = signature("The city council approved a new budget for road repairs on Tuesday.")
    b = signature("On Tuesday the council passed a fresh road-repair budget.")
    fa = paraphrase.features(a, b, {}, 3.0)
    fb = paraphrase.features(b, a, {}, 3.0)
    assert fa == fb
    first = paraphrase.probabilities([fa, fb])
    paraphrase.model.cache_clear()
    again = paraphrase.probabilities([fa, fb])
    assert first.tobytes() == again.tobytes()
    assert first[0] == first[1]
    assert np.all((first > 0) & (first < 1))


def test_a_changed_model_file_is_refused() -> None:
    data = json.loads(resources.files("briefing").joinpath("data", paraphrase.MODEL_FILE).read_text("utf-8"))
    net = paraphrase.network_from_dict(data)
    assert net.threshold == merge_threshold()
    data["features"] = data["features"][:-1]
    assert paraphrase.network_from_dict(data).features != paraphrase.FEATURES


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The airline said it would cut 2,000 jobs over the next two years to reduce costs.",
         "The airline will cut 2,000 jobs over the next two years in an effort to reduce costs."),
        ("Firefighters brought the blaze at the chemical plant under control after six hours.",
         "After six hours, firefighters brought the fire at the chemical plant under control."),
        ("Shares of the carmaker fell sharply after it recalled 40,000 vehicles.",
         "The carmaker's shares fell sharply after the recall of 40,000 vehicles."),
    ],
)
def test_paraphrases_of_one_statement_merge(a: str, b: str) -> None:
    assert _decide(a, b).level > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the second adds a new fact
        ("The airline said it would cut 2,000 jobs over the next two years.",
         "The airline will cut 2,000 jobs and close three maintenance bases abroad, union leaders told reporters after a tense meeting."),
        # same topic, different statements
        ("Firefighters brought the blaze at the chemical plant under control after six hours.",
         "Residents near the chemical plant were told to keep their windows closed overnight."),
        # a different number in the same place
        ("Shares of the carmaker fell 8 percent after it recalled 40,000 vehicles.",
         "Shares of the carmaker fell 3 percent after it recalled 40,000 vehicles."),
    ],
)
def test_other_statements_do_not_merge(a: str, b: str) -> None:
    assert _decide(a, b).level == 0


def test_attribution_moved_from_front_to_end_is_same_wording() -> None:
    a = signature(
        "A company spokesman said that the plant will reopen to workers and visitors after the holidays, "
        "although repairs continue."
    )
    b = signature("The plant will reopen to workers and visitors after the holidays, according to a company spokesman.")
    assert claim(b) == claim(a)[: len(claim(b))]
    assert claim(b)[:4] == ("the", "plant", "will", "reopen")
    assert level1(a, b)
    assert decide(a, b, {}, 3.0).level == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Securities and Exchange Commission fined the broker for misleading investors.",
         "The SEC fined the broker for misleading investors."),
        ("The plant will stay open through the winter, manager Doug Ellis told the board.",
         "The plant will stay open through the winter, manager Douglas Ellis told the board."),
    ],
)
def test_acronyms_and_short_forms_of_names_are_not_differences_of_substance(a: str, b: str) -> None:
    assert substance_veto(signature(a), signature(b)) == ""


def test_another_name_in_the_same_place_is_still_a_difference() -> None:
    a = signature("The plant will stay open through the winter, manager Doug Ellis told the board.")
    b = signature("The plant will stay open through the winter, manager Mark Ellis told the board.")
    assert substance_veto(a, b) == "name"
