"""Bad input through the real CLI: each case gives one line naming the file and the problem, the
good files still make the briefing, the exit code is the documented one, and no traceback.

Documented behaviour (also in the README's limits section):

| input                                   | behaviour                                           |
|-----------------------------------------|-----------------------------------------------------|
| empty file / whitespace only            | skipped: `empty file (0 bytes)` / `(whitespace only)` |
| NUL bytes, PDF/PNG/JPEG/ZIP renamed .txt | skipped: `binary file (...), not text`               |
| truncated UTF-8, latin-1, UTF-16, CR/LF | read                                                |
| file over --max-bytes                   | skipped before reading: `file is N MB, over the ...` |
| non-English article                     | skipped: `language looks like French (fr), ...`      |
| only headlines / only numbers           | skipped: `no article text left after removing ...`   |
| malformed JSONL line                    | that line skipped: `line N: invalid JSON (...)`      |
| unreadable file, FIFO                   | skipped: `permission denied` / `not a regular file`  |
| symlink loop, broken link               | skipped: `symlink loop ...` / `broken symlink ...`   |
| nothing usable at all                   | exit 3, `error: no readable article ...`, no file    |
| a named input path that does not exist  | exit 2, `error: PATH: no such file or folder`        |
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli.main import app

runner = CliRunner()

GOOD = (
    "Ferry crossings to Marrow Island were cancelled for a second day on Tuesday as crews "
    "walked out over pay, the operator said.\n\n"
    "The union said it wanted a 9 per cent rise and a cap on overtime for deckhands.\n\n"
    "“Nobody wants to leave islanders without a ferry,” union organiser Carla Fenwick said.\n"
)
FRENCH = (
    "Les traversées vers l'île de Marrow ont été annulées mardi pour la deuxième journée, "
    "les équipages ayant cessé le travail pour réclamer une hausse des salaires. Le syndicat "
    "demande une augmentation de neuf pour cent et un plafond pour les heures supplémentaires.\n"
)


def _write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    return make


def _sparse(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    return path


def _loop(folder: Path) -> Path:
    path = folder / "loop.txt"
    path.symlink_to(path)
    return path


def _dir_loop(folder: Path) -> Path:
    path = folder / "again"
    path.symlink_to(folder, target_is_directory=True)
    return path


SKIPPED = {
    "empty": (_write("empty.txt", b""), "empty file (0 bytes)"),
    "whitespace": (_write("blank.txt", " \n\t\r\n  \n"), "empty file (whitespace only)"),
    "nul": (_write("nul.txt", b"abc\x00\x01\x02def" * 10), "binary file (contains NUL bytes), not text"),
    "pdf": (_write("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "binary file (a PDF document), not text"),
    "png": (_write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary file (a PNG image), not text"),
    "huge": (_sparse, "file is 300 MB, over the 20 MB size limit (--max-bytes)"),
    "french": (_write("le-monde.txt", FRENCH), "language looks like French (fr), only English is supported"),
    "headlines": (
        _write("headlines.txt", "Ferry strike enters second day\n\nIslanders stranded\n\nTalks on Thursday\n"),
        "no article text left after removing page furniture",
    ),
    "numbers": (_write("numbers.txt", "12 45 78\n\n2030 2031\n\n3.5 7.25\n"), "no article text left after removing page furniture"),
    "jsonl": (_write("feed.jsonl", '{"text": "broken\n'), "line 1: invalid JSON (Unterminated string starting at); other lines used"),
    "symlink-loop": (_loop, "broken symlink or symlink loop"),
    "folder-loop": (_dir_loop, "symlink loop (folder already read)"),
}


def _build(folder: Path, out: Path, *extra: str):
    return runner.invoke(app, ["build", str(folder), "--out", str(out), *extra])


def _written(result) -> Path:
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", sorted(SKIPPED))
def test_bad_file_is_skipped_with_one_line_and_good_files_still_used(tmp_path: Path, case: str) -> None:
    make, reason = SKIPPED[case]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = make(folder)
    result = _build(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("skipped ")]
    assert lines == [f"skipped {bad}: {reason}"]
    assert "1 article read, 1 skipped" in result.stderr
    briefing = _written(result).read_text(encoding="utf-8")
    assert "`good.txt`" in briefing and bad.name not in briefing


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("truncated.txt", GOOD.encode()[:-3] + "“".encode()[:2]),
        ("latin1.txt", GOOD.replace("“", '"').replace("”", '"').encode("latin-1") + "Café.".encode("latin-1")),
        ("utf16.txt", "\ufeff".encode("utf-16-le") + GOOD.encode("utf-16-le")),
        ("mixed endings.txt", GOOD.replace("\n\n", "\r\n\r\n", 1).replace("\n\n", "\r\r").encode()),
        ("Île de Marrow – copy (2).txt", GOOD.encode()),
        ("only quotes.txt", "“We will not back down.”\n\n“Nobody wants a strike,” she said.\n".encode()),
        ("one long line.txt", ("word " * 3000).encode()),
    ],
)
def test_odd_but_readable_files_are_used(tmp_path: Path, name: str, data: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(data)
    result = _build(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "skipped " not in result.stderr
    assert f"`{name}`" in _written(result).read_text(encoding="utf-8")


def test_max_bytes_option(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "long.txt").write_text(GOOD * 20)
    result = _build(folder, tmp_path / "out", "--max-bytes", "2000")
    assert result.exit_code == 0, result.output
    assert f"skipped {folder / 'long.txt'}: file is " in result.stderr
    assert "over the 2,000 bytes size limit (--max-bytes)" in result.stderr


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    secret = folder / "secret.txt"
    secret.write_text(GOOD + "Secret.")
    secret.chmod(0)
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object):
        if self.name == "secret.txt":  # root ignores chmod 0: make the denial real for everyone
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    result = _build(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"skipped {secret}: permission denied" in result.stderr


def test_malformed_jsonl_lines_keep_the_others(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [json.dumps({"text": GOOD, "outlet": "Kestrel News"}), "{oops", json.dumps({"text": GOOD + "More.", "outlet": "Plains Observer"})]
    path.write_text("\n".join(rows), encoding="utf-8")
    result = _build(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"skipped {path}: line 2: invalid JSON (" in result.stderr
    briefing = _written(result).read_text(encoding="utf-8")
    assert "Kestrel News" in briefing and "Plains Observer" in briefing


def test_nothing_usable_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for make, _ in (SKIPPED["empty"], SKIPPED["pdf"], SKIPPED["french"]):
        make(folder)
    out = tmp_path / "out"
    result = _build(folder, out)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert "no readable article" in line
    for name in ("empty.txt", "report.txt", "le-monde.txt"):
        assert name in line
    assert not out.exists() or not any(out.iterdir())


def test_missing_input_is_bad_input_exit_2(tmp_path: Path) -> None:
    result = _build(tmp_path / "nope", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope'}: no such file or folder\n"


def test_seeds_build_has_no_page_furniture(seeds_dir: Path, tmp_path: Path) -> None:
    from seedsupport import SEED_NOISE, SEED_SUBHEADS

    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    result = _build(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    briefing = _written(result).read_text(encoding="utf-8")
    body = briefing.split("## Sources")[0]
    for noise in SEED_NOISE + SEED_SUBHEADS:
        assert noise not in body, noise
    sources = briefing.split("## Sources")[1]
    for outlet in ("BBC", "DonegalLive.ie", "The Associated Press"):
        assert outlet in sources
