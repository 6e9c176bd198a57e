"""`briefing send`, `briefing outbox` and `build --email` through the CLI, against real servers."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailsupport import HOST, PasswordCheck, Recorder, free_port, parse, smtp_server
from typer.testing import CliRunner

from briefing.cli.main import app

runner = CliRunner()
SECRET = "S3cret-pass-word"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "briefing.toml"
    path.write_text(
        f'[mail]\nhost = "{HOST}"\nsecurity = "none"\nfrom = "Briefing <bot@example.org>"\n'
        f'to = "Reader <reader@example.org>"\noutbox = "{tmp_path / "outbox"}"\n'
        "retries = 1\nbackoff = 0.01\ntimeout = 5\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def briefing_file(tmp_path: Path, examples_dir: Path) -> Path:
    result = runner.invoke(app, ["build", str(examples_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip().splitlines()[-1])


def _env(port: int, config: Path, **extra: str) -> dict[str, str]:
    return {"BRIEFING_CONFIG": str(config), "BRIEFING_SMTP_PORT": str(port), **extra}


def test_send_delivers_once_and_reports_the_sent_file(briefing_file: Path, config: Path) -> None:
    rec = Recorder()
    with smtp_server(rec) as port:
        env = _env(port, config)
        first = runner.invoke(app, ["send", str(briefing_file), "--bcc", "boss@example.org",
                                    "--cc", "a@example.org,b@example.org"], env=env)
        second = runner.invoke(app, ["send", str(briefing_file), "--bcc", "boss@example.org",
                                     "--cc", "a@example.org,b@example.org"], env=env)
    assert first.exit_code == 0, first.output
    sent = Path(first.stdout.strip())
    assert sent.parent.name == "sent" and sent.suffix == ".eml"
    assert "sent to 4 recipients" in first.stderr
    assert second.exit_code == 0 and "already sent" in second.stderr
    assert len(rec.received) == 1
    assert sorted(rec.received[0].recipients) == ["a@example.org", "b@example.org",
                                                  "boss@example.org", "reader@example.org"]
    msg = rec.received[0].message
    assert msg.get_body(("plain",)).get_content() == briefing_file.read_text(encoding="utf-8")


def test_send_dry_run_writes_eml_and_sends_nothing(briefing_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["send", str(briefing_file), "--dry-run", "--out", str(tmp_path / "dry"),
                                 "--to", "x@example.org", "--bcc", "hidden@example.org",
                                 "--config", str(empty)], env={"BRIEFING_MAIL_TO": ""})
    assert result.exit_code == 0, result.output
    eml = Path(result.stdout.strip())
    assert eml == tmp_path / "dry" / f"{briefing_file.stem}.eml"
    msg = parse(eml.read_bytes())
    assert msg["To"] == "x@example.org" and "Bcc" not in msg
    assert msg["Subject"].startswith("[Briefing] ")
    assert not (tmp_path / "outbox").exists()


def test_nothing_listening_exit_6_then_outbox_retry(briefing_file: Path, config: Path) -> None:
    port = free_port()
    env = _env(port, config)
    failed = runner.invoke(app, ["send", str(briefing_file)], env=env)
    assert failed.exit_code == 6
    assert failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1
    assert "connection refused" in failed.stderr and "kept in the outbox" in failed.stderr
    listing = runner.invoke(app, ["outbox"], env=env)
    assert listing.exit_code == 0
    assert "2 attempt(s)" in listing.stdout and "temporary failure" in listing.stdout
    assert "reader@example.org" in listing.stdout
    still = runner.invoke(app, ["outbox", "--retry"], env=env)
    assert still.exit_code == 6 and "still waiting" in still.stderr
    rec = Recorder()
    with smtp_server(rec, port=port):
        retried = runner.invoke(app, ["outbox", "--retry"], env=env)
        again = runner.invoke(app, ["send", str(briefing_file)], env=env)
    assert retried.exit_code == 0, retried.output
    assert "sent:" in retried.stdout
    assert again.exit_code == 0 and "already sent" in again.stderr
    assert len(rec.received) == 1
    assert "is empty" in runner.invoke(app, ["outbox"], env=env).stdout


def test_permanent_failure_exit_6_and_password_never_printed(briefing_file: Path, config: Path) -> None:
    check = PasswordCheck("me", "the-right-one")
    with pytest.warns(UserWarning), smtp_server(Recorder(), authenticator=check, auth_required=True,
                                                auth_require_tls=False) as port:
        env = _env(port, config, BRIEFING_SMTP_USER="me", BRIEFING_SMTP_PASSWORD=SECRET)
        result = runner.invoke(app, ["-v", "send", str(briefing_file)], env=env)
        listing = runner.invoke(app, ["outbox"], env=env)
    helps = runner.invoke(app, ["send", "--help"], env=env)
    assert result.exit_code == 6 and "535" in result.stderr
    assert "refused" in listing.stdout and "permanent failure" in listing.stdout
    for out in (result.output, listing.output, helps.output):
        assert SECRET not in out
    assert "BRIEFING_SMTP_PASSWORD" in helps.output


def test_send_without_server_is_a_config_error(briefing_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["send", str(briefing_file), "--config", str(empty)],
                           env={"BRIEFING_SMTP_HOST": ""})
    assert result.exit_code == 4 and "BRIEFING_SMTP_HOST" in result.stderr
    missing = runner.invoke(app, ["send", str(tmp_path / "nope.md"), "--config", str(empty)])
    assert missing.exit_code == 2 and "nope.md" in missing.stderr
    blank = tmp_path / "blank.md"
    blank.write_text(" \n", encoding="utf-8")
    nothing = runner.invoke(app, ["send", str(blank), "--config", str(empty)])
    assert nothing.exit_code == 2 and "blank.md is empty" in nothing.stderr
    bad = runner.invoke(app, ["send", str(briefing_file), "--config", str(tmp_path / "no.toml")])
    assert bad.exit_code == 4 and "no.toml" in bad.stderr


def test_build_email_dry_run_and_real(examples_dir: Path, tmp_path: Path, config: Path) -> None:
    out = tmp_path / "built"
    dry = runner.invoke(app, ["build", str(examples_dir), "--out", str(out), "--email", "--dry-run"],
                        env={"BRIEFING_CONFIG": str(config)})
    assert dry.exit_code == 0, dry.output
    md = Path(dry.stdout.strip().splitlines()[-1])
    assert md.suffix == ".md" and md.with_suffix(".eml").is_file()
    assert parse(md.with_suffix(".eml").read_bytes()).get_body(("plain",)).get_content() == \
        md.read_text(encoding="utf-8")
    rec = Recorder()
    with smtp_server(rec) as port:
        real = runner.invoke(app, ["build", str(examples_dir), "--out", str(out), "--email"],
                             env=_env(port, config))
    assert real.exit_code == 0, real.output
    assert Path(real.stdout.strip().splitlines()[-1]).suffix == ".md"
    assert len(rec.received) == 1 and rec.received[0].recipients == ["reader@example.org"]
