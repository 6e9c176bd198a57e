"""The JSON of `build` and `daily` always validates against the shipped schema: every input set
the suite builds from, in every format, and a daily run with story, "Developing" and "Also
reported" sections. The other formats of the same briefing are checked to be whole documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SHARED
from lxml import html as lxml_html

from briefing.daily.config import parse_config
from briefing.daily.day import ALSO_TITLE
from briefing.daily.run import run_daily
from briefing.pipeline import build_briefing
from briefing.render.formats import FORMATS, render
from briefing.render.json import schema
from briefing.settings import Settings

INPUTS = {
    "examples": ROOT / "examples" / "articles",
    "summit": ROOT / "examples" / "summit",
    "ingest fixtures": ROOT / "tests" / "fixtures" / "ingest",
    "render fixtures": ROOT / "tests" / "fixtures" / "render" / "serin",
    "one article": ROOT / "examples" / "articles" / "northern-wire.txt",
    "seeds": SHARED / "seeds",
}

VALIDATOR = jsonschema.Draft202012Validator(schema())


def _errors(text: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(text))]


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_format_of_a_build(name: str) -> None:
    if not INPUTS[name].exists():
        pytest.skip(f"{INPUTS[name]} is absent")
    briefing = build_briefing([INPUTS[name]], Settings(date="2031-03-12"))
    out = {fmt: render(briefing, fmt) for fmt in FORMATS}
    assert not _errors(out["json"]), _errors(out["json"])[:5]
    assert out["markdown"].startswith("# ") and out["markdown"].endswith("\n")
    assert lxml_html.document_fromstring(out["html"]).findtext(".//title")


def test_every_format_of_a_daily_run_with_all_its_sections(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "examples" / "summit", inbox)
    (inbox / "stork.txt").write_text(
        "A rare white stork nested on the roof of a bakery in a mountain village, drawing "
        "birdwatchers from across the region to photograph the chicks.\n", encoding="utf-8")
    config = parse_config({"inboxes": [str(inbox)], "archive": str(tmp_path / "archive"),
                           "output": str(tmp_path / "output"), "db": str(tmp_path / "h.sqlite3"),
                           "formats": ["md", "json", "html"]}, tmp_path, "test config")
    result = run_daily(config, "2031-03-12")
    data = (tmp_path / "output" / "2031-03-12.json").read_text(encoding="utf-8")
    assert not _errors(data), _errors(data)[:5]
    titles = [s["title"] for s in json.loads(data)["sections"]]
    assert ALSO_TITLE in titles and len(titles) >= 2, titles
    assert {p.suffix for p in result.paths} == {".md", ".json", ".html"}
