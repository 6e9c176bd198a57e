"""`briefing daily`, `briefing init` and `briefing stories`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import EXIT_CODES, _fail, app, shown
from briefing.errors import BriefingError

if TYPE_CHECKING:
    pass


@app.command(epilog=EXIT_CODES)
def stories(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (or URLs) to group.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print {\"stories\": [{id, title, articles}]} as JSON.")] = False,
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="How alike articles must be to be one story (higher: more, smaller stories)."),
    ] = None,
) -> None:
    """Group articles into stories (the events they report) and print them."""
    import json

    from briefing.daily.stories import DEFAULT_THRESHOLD, article_labels, cluster_articles
    from briefing.pipeline import prepare_articles
    from briefing.read.files import ingest

    result = ingest(paths)
    articles, bad = prepare_articles(result.articles)
    for skip in (*result.skipped, *bad):
        typer.echo(shown(f"skipped {skip.source}: {skip.reason}"), err=True)
    if not articles:
        typer.echo("error: no readable article in the input", err=True)
        raise typer.Exit(3)
    found = cluster_articles(articles, DEFAULT_THRESHOLD if threshold is None else threshold)
    label = article_labels(articles)
    if as_json:
        data = {"stories": [{"id": s.id, "title": s.title, "articles": [label[a] for a in s.articles]}
                            for s in found]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for s in found:
        typer.echo(f"{s.id}  {s.title}  ({len(s.articles)} article{'s' if len(s.articles) != 1 else ''})")
        for a in s.articles:
            typer.echo(f"    {label[a]}")


@app.command(epilog=EXIT_CODES)
def init(
    path: Annotated[Path | None, typer.Argument(help="Where to write the example config (default: the user config file).")] = None,
) -> None:
    """Write a commented example config for `briefing daily` (never over an existing file)."""
    from briefing.daily.config import default_config_path, write_template

    try:
        written = write_template(path or default_config_path())
    except BriefingError as exc:
        raise _fail(exc) from None
    typer.echo(str(written))


@app.command(epilog=EXIT_CODES)
def daily(
    config: Annotated[
        Path | None,
        typer.Option("--config", envvar="BRIEFING_CONFIG", help="Daily config TOML (default: the user config file; see `briefing init`)."),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="The day (YYYY-MM-DD); a past day is rebuilt from the history and archive.")
    ] = None,
    email: Annotated[bool, typer.Option("--email", help="Email the briefing (mail table of the config); never the same one twice.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the briefing; move, write, record and send nothing.")
    ] = False,
    db: Annotated[Path | None, typer.Option("--db", help="History database (default: the config's db, else the user data folder).")] = None,
) -> None:
    """Build the day's briefing from inboxes, feeds and URLs: one section per story, only what is new."""
    import datetime as dt

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from briefing.daily.config import load_config
    from briefing.daily.run import check_date, run_daily, summary_line

    try:
        cfg = load_config(config)
        today = dt.date.today().isoformat()
        day = check_date(date) if date else today
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
            console=console, transient=True, disable=not console.is_terminal,
        ) as bars:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bars.add_task(stage, total=total)
                bars.update(tasks[stage], completed=done, total=total)

            result = run_daily(cfg, day, collect=day >= today, dry_run=dry_run, email=email,
                               db=db, progress=progress)
        for skip in result.skipped:
            typer.echo(shown(f"skipped {skip.source}: {skip.reason}"), err=True)
        if dry_run:
            sys.stdout.write(result.markdown)
        else:
            for path in result.paths:
                typer.echo(str(path))
        if result.mail in ("waiting", "failed", "uncertain"):
            typer.echo(f"mail not sent: {result.mail_detail}", err=True)
        typer.echo(summary_line(result), err=True)
        if result.mail in ("waiting", "failed", "uncertain"):
            raise typer.Exit(6)
    except BriefingError as exc:
        raise _fail(exc) from None
