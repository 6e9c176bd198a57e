"""`briefing build`, `briefing pool` and `briefing eval`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import (
    EXIT_CODES,
    _count,
    _date_ok,
    _fail,
    _format_for,
    _format_ok,
    _method_ok,
    _write_stdout,
    app,
    shown,
)
from briefing.cli.mail import mail_briefing
from briefing.cli.progress import _LateProgress
from briefing.errors import BriefingError
from briefing.rank.methods import METHODS
from briefing.settings import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    pass


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
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=2, envvar="BRIEFING_WORKERS",
                     help="Processes working at once (1 or 2); default: 2 when a CPU is idle."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private",
                           help="Fetch URLs on private, loopback and link-local addresses (refused by default).")
    ] = False,
) -> None:
    """Build a briefing from articles and print where it was written."""
    from briefing.deliver.files import save_briefing
    from briefing.pipeline import build_briefing
    from briefing.render.formats import FORMATS, render
    from briefing.settings import Settings

    fmt = _format_for(fmt, out)
    settings = Settings(
        method=method, prompt=prompt, sentences=sentences, words=words, date=date, max_bytes=max_bytes,
        workers=workers, allow_private=allow_private,
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


@app.command(epilog=EXIT_CODES)
def pool(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md, .html, .json, .jsonl).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole pool as JSON.")] = False,
) -> None:
    """Show the deduplicated sentence pool: each fact once, with every article that carries it."""
    import json

    from briefing.pipeline import read_pool
    from briefing.pool.export import pool_to_dict

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
            from briefing.atomic import write_atomic

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
