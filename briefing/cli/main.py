"""The console script: the app with every command registered."""

from __future__ import annotations

import logging
import os
import sys

from briefing.cli import build, daily, evaluate, history, mail  # noqa: F401  (each module registers its commands)
from briefing.cli.app import app

__all__ = ["app", "run"]


def run() -> None:
    """The `briefing` command: the app, then a quick exit. A large build leaves a heap of
    millions of small objects that the interpreter would free one by one on the way out (about
    half a second at 500 articles); by then the output is written and nothing is left to clean
    up, so the process leaves at once with the app's exit code."""
    try:
        app()
        code: int = 0
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    if "briefing.cluster" in sys.modules:  # a local Dask cluster's processes end with this one
        sys.modules["briefing.cluster"].close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
