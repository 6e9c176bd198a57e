"""`briefing eval`: ROUGE of summaries of evaluation clusters, per method."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefing.cli.app import app, method_ok, quiet

if TYPE_CHECKING:
    from briefing.evaluate import Report


def _dump(report: Report, path: Path) -> None:
    from briefing.atomic import write_atomic

    lines = (json.dumps({"id": s.id, "method": s.method, "summary": s.summary}, ensure_ascii=False)
             for s in report.summaries)
    write_atomic(path, "".join(f"{line}\n" for line in lines), overwrite=True)


def _table(report: Report, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(width=100)
    out.print(title, markup=False)
    table = Table()
    table.add_column("method")
    table.add_column("ROUGE-1", justify="right")
    table.add_column("ROUGE-2", justify="right")
    table.add_column("clusters", justify="right")
    for score in report.scores:
        table.add_row(score.method, f"{score.rouge1:.4f}", f"{score.rouge2:.4f}", str(score.clusters))
    out.print(table)


@app.command("eval")
def eval_(
    dataset: Annotated[Path, typer.Argument(metavar="DATASET.jsonl",
                                            help="Clusters, one JSON a line: {id, documents, references[, topic]}.")],
    method: Annotated[list[str] | None, typer.Option("--method", "-m", metavar="NAME",
                                                     help="Method to score; repeat for a side-by-side table (default: default).")] = None,
    words: Annotated[int, typer.Option(min=1, metavar="N", help="Summary length in words (summaries are cut to it).")] = 100,
    dump: Annotated[Path | None, typer.Option(metavar="FILE", help='Write every summary as {"id", "method", "summary"} JSON lines.')] = None,
    systems: Annotated[Path | None, typer.Option(metavar="FILE",
                                                 help='Also score submitted summaries: {"id", "systems": {name: text}} JSON lines.')] = None,
    query_from_topic: Annotated[bool, typer.Option(help="Use each cluster's topic (title + narrative) as the ranking query.")] = False,
) -> None:
    """Score summaries of evaluation clusters: ROUGE-1/2 recall (stemmed) per method."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from briefing.errors import InputError
    from briefing.evaluate import evaluate, load_clusters, load_systems

    methods = [method_ok(name) for name in dict.fromkeys(method or ["default"])]
    if not dataset.is_file():
        raise InputError(f"{dataset}: no such file")
    clusters = load_clusters(dataset)
    given = load_systems(systems) if systems else None
    bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True, disable=quiet())
    with bar:
        task = bar.add_task(dataset.name, total=len(clusters))
        report = evaluate(clusters, methods, words, use_topic=query_from_topic, systems=given,
                          progress=lambda _c: bar.advance(task))
    if dump is not None:
        _dump(report, dump)
    query = ", topic as query" if query_from_topic else ""
    _table(report, f"{dataset.name}: ROUGE recall (stemmed), {words} words, {len(clusters)} clusters{query}")
