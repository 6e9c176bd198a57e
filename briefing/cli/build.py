"""`briefing build` and `briefing pool`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import (
    app,
    count,
    date_ok,
    format_for,
    format_ok,
    log,
    method_ok,
    note,
    shown,
    write_stdout,
)
from briefing.cli.inputs import Inputs, read_inputs
from briefing.cli.progress import StageTimes, _LateProgress
from briefing.rank import METHODS
from briefing.settings import DEFAULT_MAX_BYTES, Settings

if TYPE_CHECKING:
    from briefing.models import Article, Briefing, Skip

Paths = Annotated[
    list[str] | None,
    typer.Argument(metavar="PATH...", show_default=False,
                   help="Article files or folders (.txt, .md, .html, .json, .jsonl), http(s) URLs, "
                        "or - for standard input (text, or JSON lines)."),
]
Lists = Annotated[
    list[str] | None,
    typer.Option("--input-list", "-i", metavar="FILE", show_default=False,
                 help="A file listing inputs (paths or URLs), one a line; - for standard input."),
]
MaxBytes = Annotated[
    int, typer.Option(min=1, metavar="BYTES", help="Skip any input file or page larger than this.")
]


def scheduler_ok(value: str | None) -> str | None:
    from briefing.executor import check_scheduler

    try:
        return None if value is None else check_scheduler(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


Scheduler = Annotated[
    str | None,
    typer.Option(callback=scheduler_ok, metavar="ADDRESS",
                 help="Run the parallel stages on a Dask cluster: tcp://host:8786, local (a local cluster) "
                      "or none (default: BRIEFING_SCHEDULER, for daily also [run] scheduler, else none). Needs briefing[dask]."),
]


def _skips(skipped: tuple[Skip, ...] | list[Skip], given: Inputs) -> None:
    for skip in skipped:
        note(f"skipped {given.label(skip.source)}: {skip.reason}")


def _mixed_check(found: list) -> object:
    def check(articles: list[Article]) -> None:
        from briefing.daily.grouping import unrelated_stories

        log.info("articles: %d cleaned", len(articles))
        found.extend(unrelated_stories(articles))

    return check


def _warn_mixed(stories: list, n: int) -> None:
    if stories:
        from briefing.daily.grouping import MIXED_SAMPLE

        many = f"{len(stories)}" if n <= MIXED_SAMPLE else f"{len(stories)} or more"
        note(f"warning: these {n} articles look like {many} separate stories, mixed into one "
             "briefing. `briefing stories PATH...` lists them; `briefing daily` gives each story "
             "its own section.")


def _log_counts(briefing: Briefing) -> None:
    items = sum(len(s.items) for s in briefing.sections)
    log.info("briefing: %s (%d independent), %s, %s, %s, %s", count(len(briefing.sources), "source"),
             briefing.origins, count(len(briefing.sections), "section"), count(items, "fact"),
             count(len(briefing.quotes), "quote"), count(len(briefing.disagreements), "dispute"))


def _refuse_taken(out: str, force: bool) -> None:
    """An --out file that exists is refused (without --force) before the build, not after it."""
    from briefing.deliver.files import taken_file
    from briefing.errors import OutputError

    taken = None if out == "-" or force else taken_file(out)
    if taken is not None:
        raise OutputError(f"{taken} already exists; not overwriting it (--force writes over it)")


def _write(text: str, out: str, briefing: Briefing, fmt: str, force: bool) -> Path | None:
    from briefing.deliver.files import save_briefing
    from briefing.render.formats import FORMATS

    if out == "-":
        write_stdout(text)
        return None
    path = save_briefing(text, out, briefing.date, briefing.headline, FORMATS[fmt], overwrite=force)
    typer.echo(shown(path))
    return path


def _email(briefing: Briefing, text: str, fmt: str, prompt: str, written: Path | None, dry_run: bool) -> None:
    from briefing.cli.mail import report_mail
    from briefing.deliver.mail_settings import MailSettings
    from briefing.deliver.outbox import mail_briefing
    from briefing.render.formats import render

    settings = MailSettings.load(None, os.environ)
    mail_text = text if fmt == "markdown" else render(briefing, "markdown")
    result = mail_briefing(mail_text, settings, prompt=prompt, dry_run=dry_run,
                           out_dir=written.parent if written else Path("output"),
                           stem=written.stem if written else "")
    report_mail(result, settings, path_to_stdout=False)


@app.command()
def build(
    paths: Paths = None,
    lists: Lists = None,
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR|FILE|-",
                                     help="Output folder (a new file in it each time), a file, or - for stdout.")] = "output",
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --out file if it exists.")] = False,
    fmt: Annotated[str | None, typer.Option("--format", "-f", callback=format_ok, metavar="FORMAT",
                                            help="markdown, json or html (default: from the --out file's extension, else markdown).")] = None,
    sentences: Annotated[int | None, typer.Option(min=1, metavar="N", help="Budget: number of sentences.")] = None,
    words: Annotated[int | None, typer.Option(min=1, metavar="N", help="Budget: number of words.")] = None,
    method: Annotated[str, typer.Option(callback=method_ok, metavar="NAME",
                                        help=f"Ranking method: {', '.join(METHODS)}.")] = "default",
    prompt: Annotated[str, typer.Option(metavar="NAME|FILE", help="Prompt name (from prompts/) or a TOML file.")] = "default",
    date: Annotated[str | None, typer.Option(callback=date_ok, metavar="YYYY-MM-DD",
                                             help="Pin the briefing date (default: the newest article's).")] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    email: Annotated[bool, typer.Option("--email", help="Also email the briefing (see `briefing send`).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --email: write the .eml next to the briefing, send nothing.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, max=2, metavar="N",
                                                help="Processes working at once, 1 or 2 (default: BRIEFING_WORKERS, else 2 when a CPU is idle).")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private",
                                                help="Fetch URLs on private, loopback and link-local addresses (refused by default).")] = False,
    scheduler: Scheduler = None,
) -> None:
    """Build a briefing from articles about one story and print where it was written."""
    from briefing.deliver.config_file import SCHEDULER, WORKERS, env_setting
    from briefing.pipeline import build_briefing
    from briefing.render.formats import render

    workers = workers if workers is not None else env_setting(WORKERS, os.environ)  # type: ignore[assignment]
    scheduler = scheduler if scheduler is not None else env_setting(SCHEDULER, os.environ)  # type: ignore[assignment]
    settings = Settings(method=method, prompt=prompt, sentences=sentences, words=words, date=date,
                        max_bytes=max_bytes, workers=workers, allow_private=allow_private,
                        scheduler=scheduler)
    fmt = format_for(fmt, out)
    _refuse_taken(out, force)
    stories: list = []
    with read_inputs(paths or [], lists or []) as given, _LateProgress("build") as bar:
        times = StageTimes(bar)
        briefing = build_briefing(given.items, settings, times, on_articles=_mixed_check(stories))
        times.finish()
        _skips(briefing.skipped, given)
    _log_counts(briefing)
    text = render(briefing, fmt)
    written = _write(text, out, briefing, fmt, force)
    note(f"{count(len(briefing.sources), 'article')} read, {len(briefing.skipped)} skipped")
    _warn_mixed(stories, len(briefing.sources))
    if email or dry_run:
        _email(briefing, text, fmt, prompt, written, dry_run)


def _pool_tables(data: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    arts = Table(title="Articles", show_lines=False)
    for col in ("id", "file", "outlet", "date", "family"):
        arts.add_column(col)
    for a in data["articles"]:
        arts.add_row(a["id"], a["file"], a["outlet"], a["date"], a["family"])
    console.print(arts)
    facts = Table(title=f"Facts ({len(data['facts'])})", show_lines=True)
    for col in ("id", "text", "articles", "origins", "related"):
        facts.add_column(col, overflow="fold")
    for f in data["facts"]:
        facts.add_row(f["id"], f["text"], str(len(f["articles"])), str(len(f["origins"])), " ".join(f["related"]))
    console.print(facts)


@app.command()
def pool(
    paths: Paths = None,
    lists: Lists = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole pool as JSON.")] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Show the deduplicated sentence pool: each fact once, with every article that carries it."""
    import json

    from briefing.pipeline import read_pool
    from briefing.pool.export import pool_to_dict

    with read_inputs(paths or [], lists or []) as given:
        result, skipped = read_pool(given.items, max_bytes)
        _skips(skipped, given)
        data = pool_to_dict(result)
    if as_json:
        write_stdout(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _pool_tables(data)
    note(f"{count(len(data['articles']), 'article')} read, {len(skipped)} skipped")
    log.info("pool: %d facts", len(data["facts"]))
    sys.stdout.flush()
