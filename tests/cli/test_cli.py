from __future__ import annotations

from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from briefing.cli.main import app

runner = CliRunner()


def _commands() -> list[str]:
    group = get_command(app)
    return sorted(group.commands)


def test_no_args_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    for name in _commands():
        assert name in result.output


def _all_commands(group=None, prefix=()) -> list[tuple[tuple[str, ...], object]]:
    group = group or get_command(app)
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if hasattr(command, "commands"):
            found += _all_commands(command, (*prefix, name))
    return found


def test_every_command_and_subcommand_has_help() -> None:
    commands = _all_commands()
    assert ("history", "forget") in [names for names, _ in commands]
    for names, command in commands:
        result = runner.invoke(app, [*names, "--help"])
        assert result.exit_code == 0, names
        assert command.help, f"{names} has no help text"
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"{names} {param.opts} has no help"
                if not (param.is_flag or param.count):
                    assert param.metavar, f"{names} {param.opts} shows no metavar (FILE, N, ...)"
            if param.param_type_name == "argument":
                assert param.metavar, f"{names} {param.name} shows no metavar"


def test_build_examples_writes_cited_briefing(examples_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(examples_dir), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip().splitlines()[-1])
    assert written.parent == tmp_path and written.suffix == ".md"
    text = written.read_text(encoding="utf-8")
    assert "## Sources" in text


def test_build_never_overwrites(examples_dir: Path, tmp_path: Path) -> None:
    first = runner.invoke(app, ["build", str(examples_dir), "--out", str(tmp_path)])
    second = runner.invoke(app, ["build", str(examples_dir), "--out", str(tmp_path)])
    a = Path(first.stdout.strip().splitlines()[-1])
    b = Path(second.stdout.strip().splitlines()[-1])
    assert a != b and a.exists() and b.exists()
    assert a.read_bytes() == b.read_bytes()


def test_build_with_no_readable_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "empty.txt" in result.output
    assert not out.exists() or not list(out.iterdir())


def test_unknown_method_is_rejected(examples_dir: Path) -> None:
    result = runner.invoke(app, ["build", str(examples_dir), "--method", "nope"])
    assert result.exit_code != 0
    assert "choose one of" in result.output


def test_the_command_exits_with_the_apps_code_and_flushes_its_output(seeds_dir, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    ok = subprocess.run([sys.executable, "-m", "briefing", "build", str(seeds_dir), "--out", "-"],
                        capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "5 articles read" in ok.stderr
    to_file = subprocess.run([sys.executable, "-m", "briefing", "build", str(seeds_dir), "--out",
                              str(tmp_path / "b.md")], capture_output=True, text=True, env=env)
    assert to_file.returncode == 0
    assert ok.stdout == (tmp_path / "b.md").read_text(encoding="utf-8")  # all of it, flushed
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = subprocess.run([sys.executable, "-m", "briefing", "build", str(empty)],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 3 and bad.stderr.startswith("error: no readable article")
    assert "Traceback" not in bad.stderr
