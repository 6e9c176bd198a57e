"""Command-line conventions, through the real console script in a subprocess: --version,
completion, -v/-q anywhere, stdin and input lists, --force, the exit-code table, help text,
data folders, `history`, the mixed-stories warning, declared dependencies.

Every exit code of the documented table is asserted here (`test_every_exit_code_is_produced`
checks this file for it)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import requires, version
from pathlib import Path

import clisupport
import pytest
from conftest import EXAMPLES, ROOT, shared_path
from mailsupport import free_port

from briefing.cli.app import EXIT_CODES

cli = clisupport.cli  # the fixture: the real console script, in a home of its own
SUMMIT = ROOT / "examples" / "summit"
ONE = EXAMPLES / "harbour-gazette.txt"  # one short article: for what does not depend on the input
THIS = Path(__file__)


def _jsonl(folder: Path) -> str:
    rows = [{"text": p.read_text(encoding="utf-8"), "outlet": p.stem.replace("-", " ").title()}
            for p in sorted(folder.glob("*.txt"))]
    return "".join(json.dumps(r) + "\n" for r in rows)


# -- version, completion, help ---------------------------------------------------------------


def test_version(cli) -> None:
    for flag in ("--version", "-V"):
        got = cli(flag)
        assert got.returncode == 0 and got.stdout == f"briefing {version('briefing')}\n"


def test_shell_completion(cli) -> None:
    # the script `--show-completion` prints for the shell it detects (here: named, as a test
    # may have no shell above it)
    script = cli(env={"_BRIEFING_COMPLETE": "source_bash"})
    assert script.returncode == 0 and "_BRIEFING_COMPLETE=complete_bash" in script.stdout
    assert "--install-completion" in cli("--help").stdout
    got = cli(env={"_BRIEFING_COMPLETE": "complete_bash", "COMP_WORDS": "briefing hi", "COMP_CWORD": "1"})
    assert got.returncode == 0 and got.stdout.split() == ["history"]


def _commands(cli) -> list[list[str]]:
    top = cli("--help").stdout
    panel = top.split("Commands")[1]
    names = re.findall(r"^│ (\w+)\s", panel, re.M)
    assert {"build", "pool", "stories", "init", "daily", "eval", "send", "outbox", "history"} <= set(names)
    return [[n] for n in names] + [["history", "forget"]]


@pytest.mark.slow
def test_every_command_and_subcommand_has_help_that_exits_0(cli) -> None:
    commands = _commands(cli)
    with ThreadPoolExecutor(2) as pool:
        helps = list(pool.map(lambda c: cli(*c, "--help"), commands))
    for command, got in zip(commands, helps, strict=True):
        name = " ".join(command)
        assert got.returncode == 0, name
        assert f"Usage: briefing {name}" in got.stdout, name
        for raw in ("<list[", "<int", "<str>", "<bool>", "<path>", "<float", "[x>=", "<=x"):
            assert raw not in got.stdout, (name, raw)
        usage = next(line for line in got.stdout.splitlines() if "Usage:" in line)
        assert "{" not in usage, usage
        for code, text in EXIT_CODES.items():
            assert f"{code}  {text}" in got.stdout.replace("\n ", " "), (name, code)
        assert "--verbose" in got.stdout and "--quiet" in got.stdout, name
    send = helps[commands.index(["send"])].stdout
    assert "its [mail] table" in send and "or [mail] from" in send  # not swallowed as markup


# -- verbosity --------------------------------------------------------------------------------


@pytest.mark.slow
def test_verbose_and_quiet_before_or_after_the_command(cli, tmp_path: Path) -> None:
    for args in (["-v", "build"], ["build", "-v"]):
        got = cli(*args, ONE, "-o", "-")
        assert got.returncode == 0, got.stderr
        assert re.search(r"INFO briefing\.cli: pooling: \d+\.\d\d s", got.stderr), args
        assert "INFO briefing.cli: briefing: 1 source (1 independent)" in got.stderr
        assert got.stderr.endswith("\n1 article read, 0 skipped\n")
    for args in (["-q", "build"], ["build", "-q"]):
        got = cli(*args, ONE, "-o", tmp_path / "out")
        assert got.returncode == 0 and got.stderr == ""
        assert Path(got.stdout.strip()).is_file()  # the result still goes to stdout
    failed = cli("build", "-q", tmp_path / "nope")
    assert failed.returncode == 2 and failed.stderr.startswith("error: ")  # errors still shown


@pytest.mark.slow
def test_every_command_accepts_verbosity_after_its_name(cli, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'inboxes = ["in"]\ndb = "{tmp_path / "h.db"}"\n', encoding="utf-8")
    runs = [["stories", ONE, "-q"], ["pool", ONE, "--json", "-v"], ["daily", "--config", cfg, "-v"],
            ["outbox", "-q", "--outbox", tmp_path / "box"], ["history", "--db", tmp_path / "h.db", "-v"],
            ["init", tmp_path / "new.toml", "-q"]]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda a: cli(*a), runs))
    for args, got in zip(runs, results, strict=True):
        assert got.returncode == 0, (args, got.stderr)
    assert results[1].stderr.count("INFO") >= 1 and results[0].stderr == ""
    assert re.search(r"INFO briefing\.cli: reading: \d+\.\d\d s", results[2].stderr)


# -- inputs: stdin and lists ------------------------------------------------------------------


@pytest.mark.slow
def test_stdin_as_plain_text_and_as_json_lines(cli, tmp_path: Path) -> None:
    text = (EXAMPLES / "harbour-gazette.txt").read_text(encoding="utf-8")
    got = cli("build", "-", "-o", "-", stdin=text)
    assert got.returncode == 0, got.stderr
    assert got.stdout == cli("build", ONE, "-o", "-").stdout.replace("`harbour-gazette.txt`", "`stdin.txt`")
    assert got.stdout.startswith("# ") and "`stdin.txt`" in got.stdout
    lines = _jsonl(SUMMIT)
    built = cli("build", "-", "-o", "-", "--format", "json", stdin=lines)
    assert built.returncode == 0, built.stderr
    sources = json.loads(built.stdout)["sources"]
    assert {s["outlet"] for s in sources} == {"Atlas Wire", "Baltic Courier"}
    pooled = cli("pool", "-", "--json", stdin=lines)
    assert pooled.returncode == 0 and [a["file"] for a in json.loads(pooled.stdout)["articles"]] == \
        ["stdin.jsonl#1", "stdin.jsonl#2"]
    empty = cli("build", "-", "-o", "-", stdin="")
    assert empty.returncode == 3 and "no readable article in the input (stdin.txt: empty file" in empty.stderr


@pytest.mark.slow
def test_input_list_from_a_file_or_stdin(cli, tmp_path: Path) -> None:
    files = sorted(SUMMIT.iterdir())
    listing = tmp_path / "inputs.txt"
    listing.write_text("# the summit\n\n" + "\n".join(map(str, files)) + "\n", encoding="utf-8")
    from_file = cli("build", "-i", listing, "-o", "-")
    from_stdin = cli("build", "-i", "-", "-o", "-", stdin=listing.read_text(encoding="utf-8"))
    assert from_file.returncode == 0 and "5 articles read" in from_file.stderr
    assert from_file.stdout == from_stdin.stdout == cli("build", SUMMIT, "-o", "-").stdout
    listing.write_text(f"{files[0]}\n{tmp_path / 'gone.txt'}\n", encoding="utf-8")
    missing = cli("build", "-i", listing, "-o", "-")
    assert missing.returncode == 2 and missing.stderr == f"error: {tmp_path / 'gone.txt'}: no such file or folder\n"
    twice = cli("build", "-", "-i", "-", stdin="x")
    assert twice.returncode == 2 and "only once" in twice.stderr


# -- exit codes --------------------------------------------------------------------------------


@pytest.mark.slow
def test_missing_paths_and_bad_dates_are_exit_2_everywhere(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    cfg = tmp_path / "c.toml"
    cfg.write_text("", encoding="utf-8")
    runs = [["build", missing], ["pool", missing], ["stories", missing], ["send", missing, "--config", cfg],
            ["eval", missing], ["build", SUMMIT, "--date", "2025-13-40"],
            ["daily", "--config", cfg, "--date", "2025-13-40"], ["history", "forget", "yesterday"]]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda a: cli(*a), runs))
    for args, got in zip(runs, results, strict=True):
        assert got.returncode == 2, (args, got.stderr)
        assert "Traceback" not in got.stderr
    for got in results[:5]:
        assert str(missing) in got.stderr
    for got in results[5:]:
        assert "is not a date (YYYY-MM-DD)" in got.stderr


def test_no_readable_article_is_exit_3(cli, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    for command in ("build", "pool", "stories"):
        got = cli(command, tmp_path / "in")
        assert got.returncode == 3 and "no readable article" in got.stderr, command


def test_bad_config_is_exit_4_named_by_file_key_or_variable(cli, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[fetch]\ntimeout = 'soon'\n", encoding="utf-8")
    bad_file = cli("daily", "--config", cfg)
    assert bad_file.returncode == 4
    assert bad_file.stderr == f"error: {cfg}: [fetch] timeout must be a number from 0.01 to 600, got 'soon'\n"
    cfg.write_text('[mail]\nhost = "127.0.0.1"\n', encoding="utf-8")
    (tmp_path / "b.md").write_text("# A briefing\n\n- a fact\n", encoding="utf-8")
    bad_env = cli("send", tmp_path / "b.md", "--config", cfg, env={"BRIEFING_SMTP_SECURITY": "tls"})
    assert bad_env.returncode == 4
    assert bad_env.stderr == "error: BRIEFING_SMTP_SECURITY: must be one of starttls, ssl, none, got 'tls'\n"
    workers = cli("build", SUMMIT, "-o", "-", env={"BRIEFING_WORKERS": "lots"})
    assert workers.returncode == 4 and workers.stderr.startswith("error: BRIEFING_WORKERS: must be")
    prompt = cli("build", SUMMIT, "--prompt", tmp_path / "no-such-prompt.toml")
    assert prompt.returncode == 4 and "no-such-prompt" in prompt.stderr


@pytest.mark.slow
def test_force_overwrites_an_explicit_out_file_only_when_asked(cli, tmp_path: Path) -> None:
    target = tmp_path / "b.md"
    target.write_text("an older file\n", encoding="utf-8")
    refused = cli("build", SUMMIT, "-o", target)
    assert refused.returncode == 5 and "already exists" in refused.stderr
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text("Ministers met on Monday to agree a budget for the year.\n", encoding="utf-8")
    (inbox / "broken.json").write_text("{not json", encoding="utf-8")
    early = cli("build", inbox, "-o", target)  # refused before the inputs are read: no skip reported
    assert early.returncode == 5 and early.stderr == f"error: {target} already exists; not overwriting it (--force writes over it)\n"
    assert target.read_text(encoding="utf-8") == "an older file\n"
    forced = cli("build", SUMMIT, "-o", target, "--force")
    assert forced.returncode == 0 and forced.stdout.strip() == str(target)
    assert target.read_text(encoding="utf-8") == cli("build", SUMMIT, "-o", "-").stdout
    folder = tmp_path / "out"
    first, second = (cli("build", ONE, "-o", folder, "--force") for _ in range(2))
    assert first.stdout != second.stdout  # a folder still gets a new file each time


def test_mail_not_sent_is_exit_6_and_the_outbox_is_next_to_the_config(cli, tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    cfg = conf / "c.toml"
    cfg.write_text(f'[mail]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\n'
                   'from = "bot@example.org"\nto = "reader@example.org"\noutbox = "outbox"\n'
                   "retries = 0\ntimeout = 2\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# A briefing\n\n- a fact\n", encoding="utf-8")
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    got = cli("send", tmp_path / "b.md", "--config", cfg, cwd=elsewhere)
    assert got.returncode == 6 and "kept in the outbox" in got.stderr
    assert len(list((conf / "outbox").glob("*.eml"))) == 1 and not (elsewhere / "outbox").exists()
    listing = cli("outbox", "--config", cfg, cwd=elsewhere)
    assert listing.returncode == 0 and "1 message(s) waiting in " + str(conf / "outbox") in listing.stderr


# -- data folders, history ---------------------------------------------------------------------


def _day_inbox(inbox: Path) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for p in SUMMIT.iterdir():
        (inbox / p.name).write_bytes(p.read_bytes())


def test_init_then_daily_keeps_data_out_of_the_config_folder(cli) -> None:
    home = cli.home
    config_dir, data_dir = home / ".config" / "briefing", home / ".local" / "share" / "briefing"
    made = cli("init")
    assert made.returncode == 0 and made.stdout.strip() == str(config_dir / "config.toml")
    _day_inbox(data_dir / "inbox")
    day = cli("daily", "--workers", "1")
    assert day.returncode == 0, day.stderr
    assert "articles 5 new" in day.stderr
    assert [p.name for p in config_dir.iterdir()] == ["config.toml"]
    today = dt.date.today().isoformat()
    assert Path(day.stdout.strip()) == data_dir / "output" / f"{today}.md"
    assert (data_dir / "archive" / today).is_dir() and (data_dir / "history.sqlite3").is_file()
    again = cli("init")
    assert again.returncode == 4 and "already exists" in again.stderr


@pytest.mark.slow
def test_history_lists_days_and_forgets_one(cli, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('inboxes = ["inbox"]\ndb = "h.sqlite3"\n', encoding="utf-8")
    empty = cli("history", "--config", cfg)
    assert empty.returncode == 0 and empty.stdout == "" and not (tmp_path / "h.sqlite3").exists()
    _day_inbox(tmp_path / "inbox")
    today = dt.date.today().isoformat()
    assert cli("daily", "--config", cfg).returncode == 0
    listed = cli("history", "--config", cfg)
    assert listed.returncode == 0
    header, row = listed.stdout.splitlines()
    assert header.split() == ["date", "articles", "facts", "stories", "briefing"]
    date, articles, facts, stories, path = row.split()
    assert (date, articles, path) == (today, "5", str(tmp_path / "output" / f"{today}.md"))
    assert int(facts) > 0 and int(stories) >= 1
    forgot = cli("history", "forget", today, "--config", cfg)
    assert forgot.returncode == 0 and f"forgot {today}" in forgot.stderr
    assert cli("history", "--config", cfg).stdout == ""
    again = cli("history", "forget", today, "--config", cfg)
    assert again.returncode == 2 and "not in the history" in again.stderr
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:  # its articles and facts count as new again
        assert [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "facts")] == [0, 0]
    assert (tmp_path / "output" / f"{today}.md").is_file()  # files are left alone


# -- a folder of unrelated stories -------------------------------------------------------------


def test_build_warns_about_unrelated_stories(cli, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in
            shared_path("dev", "duc2003_task2.jsonl").read_text(encoding="utf-8").splitlines()[:5]]
    folder = tmp_path / "mixed"
    folder.mkdir()
    for row in rows:
        for k, doc in enumerate(row["documents"][:3]):
            (folder / f"{row['id']}-{k}.json").write_text(json.dumps(doc), encoding="utf-8")
    mixed = cli("build", folder, "-o", "-")
    assert mixed.returncode == 0
    assert re.search(r"warning: these 15 articles look like \d+ separate stories", mixed.stderr)
    assert "briefing stories" in mixed.stderr and "briefing daily" in mixed.stderr
    assert cli("build", folder, "-o", "-", "-q").stderr == ""
    assert "warning" not in cli("build", SUMMIT, "-o", "-").stderr


# -- packaging ---------------------------------------------------------------------------------


def test_rich_is_declared_and_typer_is_bounded() -> None:
    declared = {re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0].lower(): r for r in requires("briefing") or []
                if "extra ==" not in r}
    assert "rich" in declared
    bounds = re.findall(r"([<>]=?)\s*([\d.]+)", declared["typer"])
    assert {op for op, _ in bounds} >= {">=", "<"}
    installed = tuple(int(x) for x in version("typer").split(".")[:2])
    for op, v in bounds:
        limit = tuple(int(x) for x in v.split(".")[:2])
        assert (installed >= limit) if op == ">=" else (installed < limit)


def test_every_exit_code_is_produced() -> None:
    asserted = {int(c) for c in re.findall(r"returncode == (\d+)", THIS.read_text(encoding="utf-8"))}
    assert set(EXIT_CODES) <= asserted, sorted(set(EXIT_CODES) - asserted)


def test_every_library_error_has_a_documented_code() -> None:
    from briefing import errors
    from briefing.daily.history import HistoryError

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.BriefingError)]
    codes = {c.exit_code for c in [*classes, HistoryError] if c is not errors.BriefingError}
    assert codes == set(EXIT_CODES) - {0}
