"""Progress reporting: the library reports stages to a callback, the CLI draws a bar only for
long runs on a terminal (stderr), and a build's result does not depend on either."""

from __future__ import annotations

import io

from briefing.cli import progress as cli
from briefing.pipeline import BUILD_STAGES, build_briefing


def test_build_reports_every_stage_in_order(seeds_dir):
    heard: list[tuple[str, int, int]] = []
    with_bar = build_briefing([seeds_dir], progress=lambda *a: heard.append(a))
    n = len(BUILD_STAGES)
    assert heard == [*((s, k, n) for k, s in enumerate(BUILD_STAGES)), ("done", n, n)]
    assert with_bar == build_briefing([seeds_dir])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_only_on_a_terminal_and_only_after_the_delay(monkeypatch):
    pipe = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", pipe)
    with cli._LateProgress("build", delay=0) as bar:
        bar("pooling", 2, 4)
    assert pipe.getvalue() == ""  # not a terminal: nothing drawn

    term = _Terminal()
    monkeypatch.setattr(cli.sys, "stderr", term)
    with cli._LateProgress("build", delay=3600) as bar:
        bar("pooling", 2, 4)
    assert term.getvalue() == ""  # a short run: nothing drawn

    with cli._LateProgress("build", delay=0) as bar:
        bar("pooling", 2, 4)
    assert "build: pooling" in term.getvalue() and "2/4" in term.getvalue()
