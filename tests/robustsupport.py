"""Helpers for the robustness tests: synthetic article sets and running the real CLI in a process."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_WHO = ["The council", "The union", "The operator", "A spokesperson for the ministry", "Police",
        "The harbour master", "Residents", "The opposition leader", "Engineers", "The mayor"]
_DID = ["said on Tuesday that", "warned that", "confirmed that", "denied reports that",
        "told reporters that", "announced that", "insisted that"]
_WHAT = ["ferry crossings would resume on {day}", "{n} passengers had been stranded overnight",
         "talks would continue at the {place}", "the bridge would stay closed for {n} days",
         "a relief boat would carry post and medicines from {day}",
         "the strike had cost local shops about {n} thousand pounds",
         "an inquiry into the {place} collapse would report by {day}",
         "{n} homes on the island had lost power in the storm"]
_DAYS = ["Monday", "Wednesday", "Thursday", "Friday", "the weekend"]
_PLACES = ["council offices", "harbour", "old pier", "town hall", "ferry terminal"]


def sentence(rng: random.Random) -> str:
    what = rng.choice(_WHAT).format(day=rng.choice(_DAYS), n=rng.randint(2, 900),
                                    place=rng.choice(_PLACES))
    return f"{rng.choice(_WHO)} {rng.choice(_DID)} {what}."


def write_articles(folder: Path, n: int, sentences: int = 14, seed: int = 9) -> list[Path]:
    """n plain-text articles about one made-up story, deterministic for a seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        body = "\n\n".join(sentence(rng) for _ in range(sentences))
        path = folder / f"article-{i:04d}.txt"
        path.write_text(f"Island ferry strike, day {i % 3 + 1}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """`python -m briefing ARGS` in a fresh process (text output captured)."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "briefing", *args], text=True, env=env(),
                          timeout=600, check=False, **kwargs)
