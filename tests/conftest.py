"""Shared fixtures. Data in ../shared/data is used when present; tests skip with a reason when
it is absent, except under CI (CI set), where its absence is a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# BRIEFING_SHARED_DATA points elsewhere (e.g. from a git worktree one level deeper).
SHARED = Path(os.environ.get("BRIEFING_SHARED_DATA") or ROOT.parent / "shared" / "data")
EXAMPLES = ROOT / "examples" / "articles"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own user cache folder: `build URL` caches pages there (platformdirs reads
    XDG_CACHE_HOME), and a test server on a reused port must not be answered from another
    test's copy, nor the user's own cache be written."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing, and CI needs it")
        pytest.skip(f"{path} is absent (shared evaluation data is not part of a user's clone)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return shared_path("seeds")


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
