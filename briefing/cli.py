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
        typer.echo(f"skipped {skip.source}: {skip.reason}", err=True)
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
    typer.echo(f"{len(data['articles'])} articles read, {len(skipped)} skipped", err=True)


# ---------------------------------------------------------------------------------------------
# evaluation commands (issue 4): `briefing eval`
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# mail commands (issue 6): `briefing send`, `briefing outbox`
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# daily commands (issue 7): `briefing daily`, `briefing stories`, `briefing init`
# ---------------------------------------------------------------------------------------------
