"""`briefing send` and `briefing outbox`: mail a briefing, list and retry what is queued."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import app, count, note, shown

if TYPE_CHECKING:
    from briefing.deliver.mail_settings import MailSettings
    from briefing.deliver.outbox import SendResult


ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="BRIEFING_CONFIG", metavar="FILE", show_envvar=True,
                 help="The config file; its [mail] table (default: the user config file)."),
]
OutboxOpt = Annotated[
    Path | None,
    typer.Option("--outbox", metavar="DIR", help="Outbox folder (default: [mail] outbox, else the user data folder)."),
]
PasswordOpt = Annotated[
    str,
    typer.Option("--smtp-password", envvar="BRIEFING_SMTP_PASSWORD", show_default=False, show_envvar=True,
                 metavar="PASSWORD",
                 help="SMTP password; prefer the environment variable (a command line is visible to others)."),
]


def _split(values: list[str] | None) -> list[str] | None:
    return [v for value in values for v in value.split(",") if v.strip()] if values else None


def report_mail(result: SendResult, settings: MailSettings, path_to_stdout: bool = True) -> None:
    """What became of a message. Its path goes to stdout, or to stderr when stdout already
    carries a build's own output."""
    if result.status == "dry-run":
        note(f"dry run: nothing sent; subject: {result.subject}")
    elif result.status == "already-sent":
        note(f"already sent, not sending again: {result.path}")
    else:
        note(f"sent to {count(len(settings.envelope_recipients), 'recipient')}: {result.subject}")
    if path_to_stdout:
        typer.echo(shown(result.path))
    else:
        note(str(result.path))


@app.command()
def send(
    briefing_file: Annotated[Path, typer.Argument(metavar="BRIEFING.md", help="The briefing to send.")],
    to: Annotated[list[str] | None, typer.Option("--to", metavar="ADDR", help="Recipient; repeat or comma-separate. Replaces the configured To.")] = None,
    cc: Annotated[list[str] | None, typer.Option("--cc", metavar="ADDR", help="Copy recipient; repeat or comma-separate.")] = None,
    bcc: Annotated[list[str] | None, typer.Option("--bcc", metavar="ADDR", help="Blind copy recipient (never shown in the headers).")] = None,
    sender: Annotated[str | None, typer.Option("--from", metavar="ADDR", help="Sender address (default: BRIEFING_MAIL_FROM or [mail] from).")] = None,
    prompt: Annotated[str, typer.Option(metavar="NAME|FILE", help="Prompt whose subject template to use.")] = "default",
    config: ConfigOpt = None,
    outbox: OutboxOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the .eml to --out and send nothing.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Folder for the --dry-run .eml.")] = Path("output"),
    password: PasswordOpt = "",
) -> None:
    """Email a briefing: queue it in the outbox, send it over SMTP, move it to sent/."""
    from briefing.deliver.mail_settings import MailSettings
    from briefing.deliver.outbox import mail_briefing, read_briefing

    text = read_briefing(briefing_file)
    settings = MailSettings.load(config, os.environ).with_overrides(
        password=password or None, to=_split(to), cc=_split(cc), bcc=_split(bcc), sender=sender)
    result = mail_briefing(text, settings, prompt=prompt, dry_run=dry_run, out_dir=out,
                           outbox_dir=outbox, stem=briefing_file.stem)
    report_mail(result, settings)


@app.command("outbox")
def outbox_cmd(
    retry: Annotated[bool, typer.Option("--retry", help="Try to send every waiting message now.")] = False,
    config: ConfigOpt = None,
    outbox: OutboxOpt = None,
    password: PasswordOpt = "",
) -> None:
    """List the messages waiting in the outbox and why; with --retry, send them."""
    from briefing.deliver.mail_settings import MailSettings
    from briefing.deliver.outbox import outbox_for, retry_outbox

    settings = MailSettings.load(config, os.environ).with_overrides(password=password or None)
    box = outbox_for(settings, outbox)
    entries = box.entries()
    if not entries:
        typer.echo(shown(f"outbox {box.folder} is empty"))
    elif not retry:
        for entry in entries:
            typer.echo(shown(f"{entry.key}  {entry.subject}"))
            typer.echo(shown(f"    to {', '.join(entry.recipients) or '?'}; {entry.attempts} attempt(s); {entry.reason}"))
        note(f"{len(entries)} message(s) waiting in {box.folder}")
    else:
        report = retry_outbox(settings, outbox)
        for result in report.results:
            if result.ok:
                typer.echo(shown(f"{result.status}: {result.path}"))
            else:
                typer.echo(shown(f"still waiting: {result.path}: {result.error}"), err=True)
        report.check()
