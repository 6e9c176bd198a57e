"""The command line: a thin layer that parses options, calls the library and reports."""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.errors import BriefingError
from briefing.ingest import DEFAULT_MAX_BYTES
from briefing.rank import METHODS

if TYPE_CHECKING:
    from briefing.mail import MailSettings

EXIT_CODES = """Exit codes: 0 done; 1 other error; 2 bad input; 3 no readable article;
4 bad prompt or config; 5 output not written; 6 mail not sent (kept in the outbox)."""

app = typer.Typer(
    name="briefing",
    help=f"Turn news articles about the same events into one sourced briefing.\n\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# Control characters (newlines, terminal escapes, bidi overrides) in a file name or an
# article's metadata would forge extra lines or rewrite the terminal, and undecodable bytes in a
# file name (surrogates) cannot be printed: all are shown escaped instead.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: object) -> str:
    """One terminal-safe line: control characters as `\\xNN` / `\\uNNNN` escapes."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _fail(exc: BriefingError) -> typer.Exit:
    typer.echo(f"error: {shown(exc)}", err=True)
    return typer.Exit(exc.exit_code)


def _method_ok(value: str) -> str:
    if value not in METHODS:
        raise typer.BadParameter(f"choose one of {', '.join(METHODS)}")
    return value


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
    """Turn news articles about the same events into one sourced briefing."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _date_ok(value: str | None) -> str | None:
    """A real calendar day, as YYYY-MM-DD (it becomes part of the output file's name)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _format_ok(value: str | None) -> str | None:
    from briefing.render import FORMATS

    if value is not None and value not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}")
    return value


def _format_for(fmt: str | None, out: str) -> str:
    """The --format given, else the one the --out file's extension names, else markdown."""
    from briefing.render import FORMATS

    if fmt:
        return fmt
    suffix = Path(out).suffix.lstrip(".").lower() if out != "-" else ""
    by_ext = {ext: name for name, ext in FORMATS.items()} | {"markdown": "markdown", "htm": "html"}
    return by_ext.get(suffix, "markdown")


def _write_stdout(text: str) -> None:
    """The briefing to stdout; a full disk or a closed pipe is an OutputError, not a traceback."""
    from briefing.errors import OutputError

    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        # nothing more can reach this stdout: point it at /dev/null so the exit flush is quiet
        with open(os.devnull, "w") as null:
            try:
                os.dup2(null.fileno(), sys.stdout.fileno())
            except (OSError, ValueError):  # not a real file descriptor (a test runner's buffer)
                pass
        raise OutputError(f"cannot write the briefing to standard output: {exc.strerror or exc}") from None


class _LateProgress:
    """A progress bar on stderr for long runs only: drawn from the first stage reported after
    `delay` seconds, never when stderr is not a terminal, gone when the run ends. It has no
    refresh thread (the pipeline may fork): it is redrawn when a stage is reported."""

    def __init__(self, title: str, delay: float = 2.0):
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._title = title
        self._delay = delay
        self._bar = None
        self._task = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._bar is None:
            if self._clock() - self._start < self._delay or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[elapsed]}"),  # since the run began, not since the bar did
                console=Console(stderr=True), transient=True, auto_refresh=False,
            )
            self._task = self._bar.add_task(self._title, total=total, elapsed="")
            self._bar.start()
        seconds = int(self._clock() - self._start)
        self._bar.update(
            self._task, description=f"{self._title}: {stage}", completed=done, total=total,
            elapsed=f"{seconds // 60}:{seconds % 60:02d}",
        )
        self._bar.refresh()

    def __enter__(self) -> _LateProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@app.command(epilog=EXIT_CODES)
def build(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Article files or folders (.txt, .md, .html, .json, .jsonl), or http(s) URLs."),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out", "-o", help="Output folder, or a file path, or - for stdout. Never overwrites."
        ),
    ] = "output",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            callback=_format_ok,
            help="markdown (default), json or html; default: from the --out file's extension.",
        ),
    ] = None,
    sentences: Annotated[int | None, typer.Option(min=1, help="Budget: number of sentences.")] = None,
    words: Annotated[int | None, typer.Option(min=1, help="Budget: number of words.")] = None,
    method: Annotated[
        str, typer.Option(callback=_method_ok, help=f"Ranking method: {', '.join(METHODS)}.")
    ] = "default",
    prompt: Annotated[str, typer.Option(help="Prompt name (from prompts/) or path to a TOML file.")] = "default",
    date: Annotated[
        str | None,
        typer.Option(callback=_date_ok, help="Pin the briefing date (YYYY-MM-DD); default: newest article date."),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option(min=1, help="Skip any input file or page larger than this many bytes.")
    ] = DEFAULT_MAX_BYTES,
    email: Annotated[bool, typer.Option("--email", help="Also email the briefing (see `briefing send`).")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --email: write the .eml next to the briefing, send nothing.")
    ] = False,
) -> None:
    """Build a briefing from articles and print where it was written."""
    from briefing.output import save_briefing
    from briefing.pipeline import Settings, build_briefing
    from briefing.render import FORMATS, render

    fmt = _format_for(fmt, out)
    settings = Settings(
        method=method, prompt=prompt, sentences=sentences, words=words, date=date, max_bytes=max_bytes
    )
    try:
        with _LateProgress("build") as progress:
            briefing = build_briefing(paths, settings, progress)
        text = render(briefing, fmt)
        for skip in briefing.skipped:
            typer.echo(shown(f"skipped {skip.source}: {skip.reason}"), err=True)
        if out == "-":
            _write_stdout(text)
        else:
            path = save_briefing(text, out, briefing.date, briefing.headline, FORMATS[fmt])
            typer.echo(shown(path))
        typer.echo(
            f"{_count(len(briefing.sources), 'article')} read, {len(briefing.skipped)} skipped", err=True
        )
        if email or dry_run:
            written = None if out == "-" else path
            mail_text = text if fmt == "markdown" else render(briefing, "markdown")
            mail_briefing(mail_text, prompt, dry_run=dry_run, path_to_stdout=False,
                          out_dir=written.parent if written else Path("output"),
                          stem=written.stem if written else "")
    except BriefingError as exc:
        raise _fail(exc) from None


# ---------------------------------------------------------------------------------------------
# pool commands (issue 3): `briefing pool`
# ---------------------------------------------------------------------------------------------


@app.command(epilog=EXIT_CODES)
def pool(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md, .html, .json, .jsonl).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole pool as JSON.")] = False,
) -> None:
    """Show the deduplicated sentence pool: each fact once, with every article that carries it."""
    import json

    from briefing.pipeline import read_pool
    from briefing.pool import pool_to_dict

    try:
        result, skipped = read_pool(paths)
    except BriefingError as exc:
        raise _fail(exc) from None
    for skip in skipped:
        typer.echo(shown(f"skipped {skip.source}: {skip.reason}"), err=True)
    data = pool_to_dict(result)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
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
    typer.echo(f"{_count(len(data['articles']), 'article')} read, {len(skipped)} skipped", err=True)


# ---------------------------------------------------------------------------------------------
# evaluation commands (issue 4): `briefing eval`
# ---------------------------------------------------------------------------------------------


@app.command("eval", epilog=EXIT_CODES)
def eval_(
    dataset: Annotated[
        Path, typer.Argument(help="Clusters, one JSON a line: {id, documents, references[, topic]}.")
    ],
    method: Annotated[
        list[str] | None,
        typer.Option(
            "--method", "-m", help="Method to score; repeat for a side-by-side table (default: default)."
        ),
    ] = None,
    words: Annotated[int, typer.Option(min=1, help="Summary length in words (summaries are cut to it).")] = 100,
    dump: Annotated[
        Path | None, typer.Option(help='Write every summary as {"id", "method", "summary"} JSON lines.')
    ] = None,
    systems: Annotated[
        Path | None,
        typer.Option(help='Also score submitted summaries: {"id", "systems": {name: text}} JSON lines.'),
    ] = None,
    query_from_topic: Annotated[
        bool, typer.Option(help="Use each cluster's topic (title + narrative) as the ranking query.")
    ] = False,
) -> None:
    """Score summaries of evaluation clusters: ROUGE-1/2 recall (stemmed) per method."""
    import json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from briefing.evaluate import evaluate, load_clusters, load_systems

    methods = list(dict.fromkeys(method or ["default"]))
    for name in methods:
        _method_ok(name)
    err = Console(stderr=True)
    try:
        clusters = load_clusters(dataset)
        given = load_systems(systems) if systems else None
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(f"{dataset.name}", total=len(clusters))
            report = evaluate(
                clusters,
                methods,
                words,
                use_topic=query_from_topic,
                systems=given,
                progress=lambda _c: bar.advance(task),
            )
        if dump is not None:
            from briefing.output import write_atomic

            lines = (
                json.dumps({"id": s.id, "method": s.method, "summary": s.summary}, ensure_ascii=False)
                for s in report.summaries
            )
            write_atomic(dump, "".join(f"{line}\n" for line in lines), overwrite=True)
    except BriefingError as exc:
        raise _fail(exc) from None
    query = ", topic as query" if query_from_topic else ""
    out = Console(width=100)
    out.print(f"{dataset.name}: ROUGE recall (stemmed), {words} words, {len(clusters)} clusters{query}")
    table = Table()
    table.add_column("method")
    table.add_column("ROUGE-1", justify="right")
    table.add_column("ROUGE-2", justify="right")
    table.add_column("clusters", justify="right")
    for score in report.scores:
        table.add_row(score.method, f"{score.rouge1:.4f}", f"{score.rouge2:.4f}", str(score.clusters))
    out.print(table)



# ---------------------------------------------------------------------------------------------
# mail commands (issue 6): `briefing send`, `briefing outbox`
# ---------------------------------------------------------------------------------------------

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
    from briefing.mail import MailSettings, load_config

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
    from briefing.outbox import queue_and_send, write_dry_run
    from briefing.prompts import load_prompt

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
    from briefing.outbox import outbox_for

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


# ---------------------------------------------------------------------------------------------
# daily commands (issue 7): `briefing daily`, `briefing stories`, `briefing init`
# ---------------------------------------------------------------------------------------------


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

    from briefing.ingest import ingest
    from briefing.pipeline import prepare_articles
    from briefing.stories import DEFAULT_THRESHOLD, article_labels, cluster_articles

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
    from briefing.config import default_config_path, write_template

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

    from briefing.config import load_config
    from briefing.daily import check_date, run_daily, summary_line

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
        if result.mail in ("waiting", "failed"):
            typer.echo(f"mail not sent: {result.mail_detail}", err=True)
        typer.echo(summary_line(result), err=True)
        if result.mail in ("waiting", "failed"):
            raise typer.Exit(6)
    except BriefingError as exc:
        raise _fail(exc) from None


def run() -> None:
    """The `briefing` command: the app, then a quick exit. A large build leaves a heap of
    millions of small objects that the interpreter would free one by one on the way out (about
    half a second at 500 articles); by then the output is written and nothing is left to clean
    up, so the process leaves at once with the app's exit code."""
    try:
        app()
        code: int = 0
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
