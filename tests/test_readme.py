"""The README says what is true: its usage commands run as written, its config example is a
valid config, the briefing it shows is the example's, and it stays short."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from clisupport import isolated_env

from briefing.daily.config import parse_config
from briefing.deliver.mail_settings import MailSettings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GOLDEN = ROOT / "tests" / "golden" / "summit-example.md"


def _section(title: str) -> str:
    """The section's text up to the next `## ` heading outside a code block."""
    rest = README.split(f"\n## {title}\n", 1)[1]
    end = re.search(r"^## ", re.sub(r"```.*?```", lambda m: " " * len(m.group()), rest, flags=re.S), re.M)
    return rest[: end.start()] if end else rest


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def _usage_commands() -> list[str]:
    lines = [ln for block in _blocks(_section("Usage by task"), "sh") for ln in block.splitlines()]
    return [ln.split("  #", 1)[0].strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def test_readme_is_short() -> None:
    assert README.count("\n") <= 250


@pytest.mark.slow
def test_usage_commands_run_as_written(tmp_path: Path) -> None:
    commands = _usage_commands()
    assert len(commands) >= 10 and all("briefing " in c for c in commands)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    home = tmp_path / "home"
    env = isolated_env(home)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    for command in commands:  # in order: `send` mails what the first `build` wrote
        done = subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command
    assert list((tmp_path / "output").glob("*.md")) and (tmp_path / "summit.html").stat().st_size > 0
    assert list((tmp_path / "output").glob("*.eml")), "send --dry-run writes the message"


def test_config_example_is_a_valid_config(tmp_path: Path) -> None:
    (block,) = _blocks(_section("Configuration"), "toml")
    data = tomllib.loads(block)
    config = parse_config(data, tmp_path, "README")
    assert [Path(p) for p in config.inboxes] == [tmp_path / "inbox"]
    mail = MailSettings.from_sources(data, {})
    assert mail.host == "smtp.example.org" and mail.security == "starttls"


def test_the_briefing_shown_is_the_examples() -> None:
    (shown,) = _blocks(_section("The example: the coalition summit"), "markdown")
    golden = GOLDEN.read_text(encoding="utf-8")
    assert shown.strip() and golden.startswith(shown.rstrip("\n")), \
        "the README shows other lines than tests/golden/summit-example.md starts with"


def test_the_test_command_is_what_ci_runs() -> None:
    second = re.findall(r"```sh\n\s*(.+?)\n\s*```", _section("Quick start"))[1]
    assert second in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
