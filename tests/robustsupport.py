"""Helpers for the robustness tests: synthetic article sets and running the real CLI in a process."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
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


# ------------------------------------------------------------------ parsing rendered HTML


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.comments: list[str] = []
        self._heading: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = tag, []

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings.append((tag, "".join(self._text).strip()))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def assert_inert(html_text: str, allowed_headings: set[str]) -> _Tags:
    """No script, image, frame, form or event handler; links only to http(s); headings only the
    briefing's own."""
    page = _Tags()
    page.feed(html_text)
    page.close()
    names = {t for t, _ in page.tags}
    for bad in ("script", "img", "iframe", "object", "embed", "form", "input", "svg", "base"):
        assert bad not in names, (bad, html_text[:2000])
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "background", "poster"):
                assert tag == "a" and name == "href", (tag, name, value)
                # http(s), or the page's own link from a citation to its source ("#source-3")
                assert re.match(r"https?://|#source-\d+$", value or "", re.I), (tag, name, value)
    assert not page.comments
    for tag, text in page.headings:
        assert tag in ("h1", "h2") and (tag == "h1" or text in allowed_headings), (tag, text)
    return page
