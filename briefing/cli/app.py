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
from briefing.rank.methods import METHODS

if TYPE_CHECKING:
    pass


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
    from briefing.render.formats import FORMATS

    if value is not None and value not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}")
    return value


def _format_for(fmt: str | None, out: str) -> str:
    """The --format given, else the one the --out file's extension names, else markdown."""
    from briefing.render.formats import FORMATS

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
