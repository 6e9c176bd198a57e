"""The command line: a thin layer that parses options, calls the library and reports."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from briefing.errors import BriefingError
from briefing.rank import METHODS

EXIT_CODES = """Exit codes: 0 done; 1 other error; 2 bad input; 3 no readable article;
4 bad prompt or config; 5 output not written; 6 mail not sent (kept in the outbox)."""

app = typer.Typer(
    name="briefing",
    help=f"Turn news articles about the same events into one sourced briefing.\n\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(exc: BriefingError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
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


@app.command(epilog=EXIT_CODES)
def build(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md, .html, .json, .jsonl).")],
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output folder, or a file path, or - for stdout.")
    ] = "output",
    sentences: Annotated[int | None, typer.Option(min=1, help="Budget: number of sentences.")] = None,
    words: Annotated[int | None, typer.Option(min=1, help="Budget: number of words.")] = None,
    method: Annotated[
        str, typer.Option(callback=_method_ok, help=f"Ranking method: {', '.join(METHODS)}.")
    ] = "default",
    prompt: Annotated[str, typer.Option(help="Prompt name (from prompts/) or path to a TOML file.")] = "default",
    date: Annotated[
        str | None, typer.Option(help="Pin the briefing date (YYYY-MM-DD); default: newest article date.")
    ] = None,
) -> None:
    """Build a briefing from articles and print where it was written."""
    from briefing.output import slugify, unique_path, write_atomic
    from briefing.pipeline import Settings, build_briefing
    from briefing.render import render_markdown

    settings = Settings(method=method, prompt=prompt, sentences=sentences, words=words, date=date)
    try:
        briefing = build_briefing(paths, settings)
        text = render_markdown(briefing)
        for skip in briefing.skipped:
            typer.echo(f"skipped {skip.source}: {skip.reason}", err=True)
        if out == "-":
            sys.stdout.write(text)
        else:
            target = Path(out)
            if target.suffix:
                path = write_atomic(target, text)
            else:
                path = write_atomic(unique_path(target, f"{briefing.date}-{slugify(briefing.headline)}", "md"), text)
            typer.echo(str(path))
        typer.echo(
            f"{len(briefing.sources)} articles read, {len(briefing.skipped)} skipped", err=True
        )
    except BriefingError as exc:
        raise _fail(exc) from None


# ---------------------------------------------------------------------------------------------
# pool commands (issue 3): `briefing pool`
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# daily commands (issue 7): `briefing daily`, `briefing stories`, `briefing init`
# ---------------------------------------------------------------------------------------------
