"""A progress bar on stderr, drawn only for long runs on a terminal."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger("briefing.cli")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class _LateProgress:
    """A progress bar on stderr for long runs only: drawn from the first stage reported after
    `delay` seconds, never when stderr is not a terminal, gone when the run ends. It has no
    refresh thread (the pipeline may fork): it is redrawn when a stage is reported."""

    def __init__(self, title: str, delay: float = 2.0):
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._title = title
        self._delay = delay
        self._bar = None
        self._task = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None:
            if self._clock() - self._start < self._delay or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[elapsed]}"),  # since the run began, not since the bar did
                console=Console(stderr=True), transient=True, auto_refresh=False,
            )
            self._task = self._bar.add_task(self._title, total=total, elapsed="")
            self._bar.start()
        seconds = int(self._clock() - self._start)
        self._bar.update(
            self._task, description=f"{self._title}: {stage}", completed=done, total=total,
            elapsed=f"{seconds // 60}:{seconds % 60:02d}",
        )
        self._bar.refresh()

    def __enter__(self) -> _LateProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


class StageTimes:
    """Hears each stage as it is reported and logs (at -v) how long the one before took."""

    def __init__(self, then: Progress | None = None) -> None:
        self._then = then
        self._stage = ""
        self._since = self._start = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._close()
            self._stage, self._since = stage, time.perf_counter()
        if self._then is not None:
            self._then(stage, done, total)

    def _close(self) -> None:
        if self._stage and self._stage != "done":
            log.info("%s: %.2f s", self._stage, time.perf_counter() - self._since)

    def finish(self) -> None:
        self._close()
        self._stage = ""
        log.info("total: %.2f s", time.perf_counter() - self._start)
