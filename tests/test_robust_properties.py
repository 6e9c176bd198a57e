"""Property: any set of inputs goes through the whole text-to-briefing path without a crash,
every sentence shown traceable to an input, and no active markup in any output (the invariants
are listed in tests/fuzz/pipeline_cases.py; bench/fuzz_pipeline.py runs them at high counts)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent / "fuzz"))
from pipeline_cases import check, inputs


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(inputs())
def test_any_input_set_gives_a_clean_briefing_or_a_clear_reason(files) -> None:
    assert check(files) in {"briefing", "no article", "NoArticlesError"}
