"""Golden file: the markdown of a small invented fixture, pinned byte for byte.

When a change to the pipeline changes the briefing on purpose, regenerate with
`BRIEFING_UPDATE_GOLDEN=1 python -m pytest tests/test_render_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from briefing.pipeline import build_briefing
from briefing.render.markdown import render_markdown
from briefing.settings import Settings

HERE = Path(__file__).resolve().parents[1]
FIXTURE = HERE / "fixtures" / "render" / "serin"
GOLDEN = HERE / "golden" / "serin-summit.md"


def test_markdown_matches_golden_file() -> None:
    briefing = build_briefing([FIXTURE], Settings(prompt="summit", date="2031-03-12"))
    text = render_markdown(briefing)
    if os.environ.get("BRIEFING_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert text == expected, (
        "the briefing differs from tests/golden/serin-summit.md; if the change is intended, "
        "run with BRIEFING_UPDATE_GOLDEN=1 and review the diff"
    )
