"""`briefing send` and `briefing outbox`: mail a briefing, list and retry what is queued."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import EXIT_CODES, _fail, app
from briefing.errors import BriefingError

if TYPE_CHECKING:
    from briefing.deliver.mail_settings import MailSettings


ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="BRIEFING_CONFIG", help="TOML config file with a [mail] table."),
]


OutboxOpt = Annotated[
    Path | None, typer.Option("--outbox", help="Outbox folder (default: [mail] outbox, else the user data folder).")
]


PasswordOpt = Annotated[
    str,
    typer.Option(
        "--smtp-password",
        envvar="BRIEFING_SMTP_PASSWORD",
        show_default=False,
        show_envvar=True,
        help="SMTP password; prefer the environment variable (a command line is visible to others).",
    ),
]


def _mail_settings(
    config: Path | None, password: str = "", to: list[str] | None = None,
    cc: list[str] | None = None, bcc: list[str] | None = None, sender: str | None = None,
) -> MailSettings:
    from briefing.deliver.mail_settings import MailSettings, load_config

    settings = MailSettings.from_sources(load_config(config), os.environ, where=str(config or "config"))
    return settings.with_overrides(password=password or None, to=to, cc=cc, bcc=bcc, sender=sender)


def _split(values: list[str] | None) -> list[str] | None:
    return [v for value in values for v in value.split(",") if v.strip()] if values else None


def mail_briefing(
    text: str, prompt_name: str, *, dry_run: bool, out_dir: Path, config: Path | None = None,
    password: str = "", outbox_dir: Path | None = None, to: list[str] | None = None,
    cc: list[str] | None = None, bcc: list[str] | None = None, sender: str | None = None,
    path_to_stdout: bool = True, stem: str = "",
) -> None:
    """Send (or, with dry_run, write as .eml) one briefing; reports and raises like a command.
    The .eml's path goes to stdout (stderr when stdout already carries a build's own output)."""
    from briefing.compose.prompt import load_prompt
    from briefing.deliver.outbox import queue_and_send, write_dry_run

    settings = _mail_settings(config, password, to=to, cc=cc, bcc=bcc, sender=sender)
    prompt = load_prompt(prompt_name)
    if dry_run:
        result = write_dry_run(text, settings, out_dir, prompt=prompt, stem=stem)
        typer.echo(str(result.path), err=not path_to_stdout)
        typer.echo(f"dry run: nothing sent; subject: {result.subject}", err=True)
        return
    result = queue_and_send(text, settings, outbox_dir, prompt=prompt).check()
    if result.status == "already-sent":
        typer.echo(f"already sent, not sending again: {result.path}", err=True)
    else:
        n = len(settings.envelope_recipients)
        typer.echo(f"sent to {n} recipient{'s' if n != 1 else ''}: {result.subject}", err=True)
    typer.echo(str(result.path), err=not path_to_stdout)


@app.command(epilog=EXIT_CODES)
def send(
    briefing_file: Annotated[Path, typer.Argument(help="The briefing (.md) to send.")],
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient; repeat or comma-separate. Replaces the configured To.")] = None,
    cc: Annotated[list[str] | None, typer.Option("--cc", help="Copy recipient; repeat or comma-separate.")] = None,
    bcc: Annotated[list[str] | None, typer.Option("--bcc", help="Blind copy recipient (never shown in the headers).")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="Sender address (default: BRIEFING_MAIL_FROM or [mail] from).")] = None,
    prompt: Annotated[str, typer.Option(help="Prompt whose subject template to use.")] = "default",
    config: ConfigOpt = None,
    outbox: OutboxOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the .eml to --out and send nothing.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the --dry-run .eml.")] = Path("output"),
    password: PasswordOpt = "",
) -> None:
    """Email a briefing: queue it in the outbox, send it over SMTP, move it to sent/."""
    from briefing.errors import InputError

    try:
        try:
            text = briefing_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {briefing_file}: {getattr(exc, 'strerror', None) or exc}") from None
        if not text.strip():
            raise InputError(f"{briefing_file} is empty; nothing to send")
        if "\x00" in text:
            raise InputError(f"{briefing_file} is a binary file, not a briefing; nothing sent")
        mail_briefing(
            text, prompt, dry_run=dry_run, out_dir=out, config=config, password=password,
            outbox_dir=outbox, to=_split(to), cc=_split(cc), bcc=_split(bcc), sender=sender,
            stem=briefing_file.stem,
        )
    except BriefingError as exc:
        raise _fail(exc) from None


@app.command("outbox", epilog=EXIT_CODES)
def outbox_cmd(
    retry: Annotated[bool, typer.Option("--retry", help="Try to send every waiting message now.")] = False,
    config: ConfigOpt = None,
    outbox: OutboxOpt = None,
    password: PasswordOpt = "",
) -> None:
    """List the messages waiting in the outbox and why; with --retry, send them."""
    from briefing.deliver.outbox import outbox_for

    try:
        settings = _mail_settings(config, password)
        box = outbox_for(settings, outbox)
        entries = box.entries()
        if not entries:
            typer.echo(f"outbox {box.folder} is empty")
            return
        if not retry:
            for entry in entries:
                typer.echo(f"{entry.key}  {entry.subject}")
                who = ", ".join(entry.recipients) or "?"
                typer.echo(f"    to {who}; {entry.attempts} attempt(s); {entry.reason}")
            typer.echo(f"{len(entries)} message(s) waiting in {box.folder}", err=True)
            return
        settings.check_server()
        failed = 0
        for result in box.retry_all(settings):
            if result.ok:
                typer.echo(f"{result.status}: {result.path}")
            else:
                failed += 1
                typer.echo(f"still waiting: {result.path}: {result.error}", err=True)
        if failed:
            from briefing.errors import MailError

            raise MailError(f"{failed} message(s) not sent; they stay in {box.folder}")
    except BriefingError as exc:
        raise _fail(exc) from None
