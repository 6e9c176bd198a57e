"""Writing briefings: atomic, never over an earlier one, to a folder, a file or stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.atomic import write_atomic
from briefing.cli.main import app
from briefing.deliver.files import save_briefing
from briefing.errors import OutputError

runner = CliRunner()
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "render" / "serin"


def _build(*args: str):
    return runner.invoke(app, ["build", str(FIXTURE), "--date", "2031-03-12", *args])


def test_default_name_is_date_and_slug(tmp_path: Path) -> None:
    result = _build("--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.parent == tmp_path
    assert path.name.startswith("2031-03-12-") and path.suffix == ".md"
    assert path.name == path.name.lower() and " " not in path.name


@pytest.mark.parametrize(("fmt", "ext"), [("markdown", ".md"), ("json", ".json"), ("html", ".html")])
def test_formats_get_their_extension(tmp_path: Path, fmt: str, ext: str) -> None:
    result = _build("--out", str(tmp_path), "--format", fmt)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.suffix == ext
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["sections"]
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>")
    else:
        assert text.startswith("# ")


def test_out_file_and_format_from_its_extension(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "today.html"
    result = _build("--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = _build("--out", str(target))
    assert again.exit_code == 5 and "not overwriting" in again.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_stdout(tmp_path: Path) -> None:
    result = _build("--out", "-", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["date"] == "2031-03-12"


def test_unknown_format_is_rejected() -> None:
    result = _build("--out", "-", "--format", "pdf")
    assert result.exit_code != 0 and "choose one of" in result.output


def test_never_overwrites_and_same_bytes(tmp_path: Path) -> None:
    paths = []
    for _ in range(3):
        result = _build("--out", str(tmp_path))
        paths.append(Path(result.stdout.strip().splitlines()[-1]))
    assert len(set(paths)) == 3
    assert paths[1].name.endswith("-2.md") and paths[2].name.endswith("-3.md")
    assert paths[0].read_bytes() == paths[1].read_bytes() == paths[2].read_bytes()


def test_write_atomic_leaves_no_temp_file(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "a.md", "hello\n")
    assert path.read_text() == "hello\n"
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(path, "other\n")
    assert path.read_text() == "hello\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_save_briefing_takes_next_free_name(tmp_path: Path) -> None:
    first = save_briefing("one\n", tmp_path, "2031-03-12", "Deal signed", "md")
    second = save_briefing("two\n", tmp_path, "2031-03-12", "Deal signed", "md")
    assert first.name == "2031-03-12-deal-signed.md"
    assert second.name == "2031-03-12-deal-signed-2.md"
    assert first.read_text() == "one\n"


def test_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _build("--out", str(blocker / "inside"))
    assert result.exit_code == 5
    assert "error:" in result.output and "Traceback" not in result.output
