"""Running the real `briefing` console script in a subprocess, in a home of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def briefing_command() -> list[str]:
    script = Path(sys.executable).parent / "briefing"
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefing"]


Run = Callable[..., subprocess.CompletedProcess]


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment without any BRIEFING_ setting, with user folders under `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"),
               COLUMNS="100", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


@pytest.fixture
def cli(tmp_path: Path) -> Run:
    """`cli(*args, stdin=..., env={...}, cwd=...)` runs the console script; text in and out."""
    home = tmp_path / "home"
    home.mkdir()

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([*briefing_command(), *map(str, args)], input=stdin if stdin is not None else "",
                              capture_output=True, text=True, env=isolated_env(home, **(env or {})),
                              cwd=cwd or tmp_path, timeout=120)

    run.home = home  # type: ignore[attr-defined]
    return run
