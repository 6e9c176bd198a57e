"""`briefing daily`, `briefing init` and `briefing stories`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import app, count, date_ok, note, quiet, shown, write_stdout
from briefing.cli.build import Lists, MaxBytes, Paths, Scheduler, _skips
from briefing.cli.inputs import read_inputs
from briefing.cli.progress import StageTimes
from briefing.settings import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from briefing.daily.run import DailyResult

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="BRIEFING_CONFIG", metavar="FILE", show_envvar=True,
                 help="Daily config TOML (default: the user config file; see `briefing init`)."),
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", metavar="FILE", help="History database (default: the config's db, else the user data folder)."),
]


@app.command()
def stories(
    paths: Paths = None,
    lists: Lists = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"stories": [{id, title, articles}]} as JSON.')] = False,
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0, metavar="T",
                                                    help="How alike articles must be to be one story, 0 to 1 (higher: more, smaller stories).")] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Group articles into stories (the events they report) and print them."""
    from briefing.daily.grouping import group_inputs

    with read_inputs(paths or [], lists or []) as given:
        found = group_inputs(given.items, threshold, max_bytes)
        _skips(found.skipped, given)
    if as_json:
        write_stdout(json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    for s in found.stories:
        typer.echo(shown(f"{s.id}  {s.title}  ({count(len(s.articles), 'article')})"))
        for a in s.articles:
            typer.echo(shown(f"    {found.labels[a]}"))


@app.command()
def init(
    path: Annotated[Path | None, typer.Argument(metavar="[FILE]", show_default=False,
                                                help="Where to write the example config (default: the user config file).")] = None,
    data: Annotated[Path | None, typer.Option("--data", metavar="DIR",
                                              help="Folder for inbox, archive and output (default: the user data folder).")] = None,
) -> None:
    """Write a commented example config for `briefing daily` (never over an existing file)."""
    from briefing.daily.config import default_config_path, write_template

    typer.echo(shown(write_template(path or default_config_path(), data)))


class _Bars:
    """The daily run's progress: a bar per stage on a terminal, stage times at -v."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = Console(stderr=True)
        self.bars = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                             console=console, transient=True, disable=not console.is_terminal or quiet())
        self.tasks: dict[str, int] = {}
        self.times = StageTimes(self._draw)

    def _draw(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(stage, total=total)
        self.bars.update(self.tasks[stage], completed=done, total=total)


def _report(result: DailyResult, dry_run: bool) -> None:
    from briefing.daily.run import summary_line
    from briefing.errors import MailError

    for skip in result.skipped:
        note(f"skipped {skip.source}: {skip.reason}")
    if dry_run:
        write_stdout(result.markdown)
    else:
        for path in result.paths:
            typer.echo(shown(path))
    note(summary_line(result))
    if result.mail in ("waiting", "failed", "uncertain"):
        raise MailError(f"mail not sent: {result.mail_detail}")


@app.command()
def daily(
    config: ConfigOpt = None,
    date: Annotated[str | None, typer.Option(callback=date_ok, metavar="YYYY-MM-DD",
                                             help="The day; a past day is rebuilt from the history and archive.")] = None,
    email: Annotated[bool, typer.Option("--email", help="Email the briefing ([mail] table of the config); never the same one twice.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the briefing; move, write, record and send nothing.")] = False,
    db: DbOpt = None,
    workers: Annotated[int | None, typer.Option(min=1, max=2, metavar="N",
                                                help="Processes working at once, 1 or 2 (default: [run] workers, BRIEFING_WORKERS, else automatic).")] = None,
    scheduler: Scheduler = None,
) -> None:
    """Build the day's briefing from inboxes, feeds and URLs: one section per story, only what is new."""
    import datetime as dt

    from briefing.daily.config import load_config
    from briefing.daily.run import run_daily

    cfg = load_config(config)
    if cfg.path == "defaults":  # nothing to read and nowhere chosen to write: say how to start
        from briefing.daily.config import default_config_path
        from briefing.errors import ConfigError

        raise ConfigError(f"no config: `briefing init` writes a commented one to {default_config_path()} "
                          "(or give --config FILE); nothing was done")
    if workers is not None:
        cfg = replace(cfg, workers=workers)
    if scheduler is not None:
        cfg = replace(cfg, scheduler=scheduler)
    today = dt.date.today().isoformat()
    day = date or today
    progress = _Bars()
    with progress.bars:
        result = run_daily(cfg, day, collect=day >= today, dry_run=dry_run, email=email, db=db,
                           progress=progress.times)
        progress.times.finish()
    _report(result, dry_run)
