"""`briefing history`: the days the daily run recorded, and `forget` to drop one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from briefing.cli.app import BriefingTyper, app, date_ok, note, shown
from briefing.cli.daily import ConfigOpt, DbOpt

history_app = BriefingTyper(no_args_is_help=False, invoke_without_command=True)
app.add_typer(history_app, name="history")


def _db(config: Path | None, db: Path | None) -> Path:
    from briefing.daily.config import load_config
    from briefing.daily.history import default_db_path

    return db or load_config(config).db or default_db_path()


@history_app.callback()
def history(ctx: typer.Context, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """List the days in the history of `briefing daily`: articles first seen and facts briefed."""
    from briefing.daily.history import History

    if ctx.invoked_subcommand is not None:
        return
    path = _db(config, db)
    with History(path, readonly=True) as h:
        days = h.summaries()
    if days:
        typer.echo(f"{'date':<10}  {'articles':>8}  {'facts':>5}  {'stories':>7}  briefing")
    for d in days:
        typer.echo(shown(f"{d.date:<10}  {d.articles:>8}  {d.facts:>5}  {d.stories:>7}  {d.path}"))
    note(f"{len(days)} day(s) in {path}")


@history_app.command()
def forget(
    date: Annotated[str, typer.Argument(metavar="YYYY-MM-DD", callback=date_ok, help="The day to forget.")],
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Forget a day: its facts and articles count as new again (files are left alone)."""
    from briefing.daily.history import History
    from briefing.errors import InputError

    path = _db(config, db)
    if not path.exists():
        raise InputError(f"no history at {path}")
    with History(path) as h:
        if not h.forget(date):
            raise InputError(f"{date} is not in the history {path}")
    note(f"forgot {date} in {path}; its output and archive files are left as they are")
