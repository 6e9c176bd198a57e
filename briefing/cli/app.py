"""The command line's frame: the app, its one error handler, the shared options and exit codes.

Every command is a `BriefingCommand`: it accepts `-v`/`-q` after its name as the app does
before it, turns the library's errors into one line on stderr and the error's exit code, and
shows its options by their metavar (`PATH...`, `N`) rather than their Python types. Commands
stay thin: they parse options into one settings object and call one library function.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.main import get_command

from briefing.errors import BriefingError
from briefing.rank import METHODS

# One table, for every command: printed in help, raised by the library's errors.
EXIT_CODES = {
    0: "done",
    2: "bad input: a missing input path, a bad option or --date",
    3: "no readable article in the input",
    4: "bad prompt or configuration (named by its file and key, or its variable)",
    5: "output not written",
    6: "mail not sent (it stays in the outbox)",
}


EXIT_HELP = "Exit codes:\n" + "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())


log = logging.getLogger("briefing.cli")


# Control characters (newlines, terminal escapes, bidi overrides) in a file name or an
# article's metadata would forge extra lines or rewrite the terminal, and undecodable bytes in a
# file name (surrogates) cannot be printed: all are shown escaped instead.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(text: object) -> str:
    """One terminal-safe line: control characters as `\\xNN` / `\\uNNNN` escapes."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- verbosity -------------------------------------------------------------------------------

_level = {"verbose": 0, "quiet": False}


class _Stderr(logging.StreamHandler):
    """Logs to whatever sys.stderr is now (a test runner swaps it per call)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


class _NoSkips(logging.Filter):
    """Skipped inputs are reported by the command itself, one line each."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "briefing.read.files" and str(record.msg).startswith("skipped"))


_handler = _Stderr()
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                        "%Y-%m-%d %H:%M:%S"))
_handler.addFilter(_NoSkips())


def set_verbosity(verbose: int | None = None, quiet: bool | None = None) -> None:
    """-q: errors only; default: warnings and errors; -v: what each stage does, its time and
    counts; -vv: debugging detail. Given again after the command name, it wins."""
    if verbose:
        _level["verbose"], _level["quiet"] = verbose, False
    if quiet:
        _level["verbose"], _level["quiet"] = 0, True
    level = logging.ERROR if _level["quiet"] else (
        logging.WARNING, logging.INFO, logging.DEBUG)[min(2, _level["verbose"])]
    logging.getLogger("briefing").setLevel(level)
    root = logging.getLogger()  # other libraries: their errors, and their warnings at -v
    root.setLevel(logging.ERROR if level > logging.INFO else logging.WARNING)
    _handler.setLevel(level)
    if _handler not in root.handlers:
        root.addHandler(_handler)


def quiet() -> bool:
    return bool(_level["quiet"])


def note(text: str) -> None:
    """A line for the user on stderr (what was read, skipped, sent); none with -q."""
    if not _level["quiet"]:
        typer.echo(shown(text), err=True)


def _verbose_cb(value: int) -> None:
    set_verbosity(verbose=value)


def _quiet_cb(value: bool) -> None:
    set_verbosity(quiet=value)


Verbose = Annotated[int, typer.Option("--verbose", "-v", count=True, expose_value=False, callback=_verbose_cb,
                                      show_default=False,
                                      help="Say more on stderr: stage timings and counts (-vv: more).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", expose_value=False, callback=_quiet_cb,
                                     help="Print only errors on stderr.")]


def _verbosity_options() -> list[Any]:
    probe = typer.Typer(add_completion=False)

    @probe.command()
    def _probe(verbose: Verbose = 0, quiet: Quiet = False) -> None: ...

    return list(get_command(probe).params)


# -- how parameters show in help -------------------------------------------------------------


class _ShownOption(TyperOption):
    """An option shown by its metavar (`N`, `FILE`), a flag by its name alone."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return self.metavar or super().display_type_rich(ctx)

    def _get_number_range_help_str(self) -> str | None:
        return None  # the help text says the range in words


class _ShownArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # its name (metavar) says what it is

    def _usage_display_name(self) -> str:
        name = self.display_name_raw.removesuffix("...")
        name = name if self.required else f"[{name}]"
        return name if self.nargs == 1 else f"{name}..."

    def _get_number_range_help_str(self) -> str | None:
        return None


def _show(param: Any) -> Any:
    if type(param) is TyperOption:
        param.__class__ = _ShownOption
    elif type(param) is TyperArgument:
        param.__class__ = _ShownArgument
    else:
        return param  # shown already
    if getattr(param, "help", None):
        param.help = escape(param.help)  # `[mail]` is text, not rich markup
    return param


class _Frame:
    """What every command and group shares: -v/-q, shown options, the one error handler."""

    params: list[Any]

    def _framed(self) -> None:
        if not any(p.name == "verbose" for p in self.params):  # the app has its own
            self.params = [*self.params, *_verbosity_options()]

    def get_params(self, ctx: Any) -> list[Any]:
        return [_show(p) for p in super().get_params(ctx)]  # type: ignore[misc]

    def invoke(self, ctx: Any) -> Any:
        """The one place where the library's errors become a line and an exit code."""
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except BriefingError as exc:
            typer.echo(f"error: {shown(exc)}", err=True)
            raise typer.Exit(exc.exit_code) from None


class BriefingCommand(_Frame, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["epilog"] = escape(kwargs.get("epilog") or EXIT_HELP)
        super().__init__(*args, **kwargs)
        self._framed()


class BriefingGroup(_Frame, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["epilog"] = escape(kwargs.get("epilog") or EXIT_HELP)
        super().__init__(*args, **kwargs)
        self._framed()


class BriefingTyper(typer.Typer):
    """A Typer whose commands are `BriefingCommand`s and groups `BriefingGroup`s."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", BriefingGroup)
        kwargs.setdefault("pretty_exceptions_enable", False)
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", BriefingCommand)
        return super().command(*args, **kwargs)


app = BriefingTyper(
    name="briefing",
    help="Turn news articles about the same events into one sourced briefing.",
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"briefing {version('briefing')}")
        except PackageNotFoundError:  # run from a source tree that is not installed
            typer.echo("briefing (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, show_default=False,
                                         help="Say more on stderr: stage timings and counts (-vv: more).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors on stderr.")] = False,
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_version,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Turn news articles about the same events into one sourced briefing."""
    _level["verbose"], _level["quiet"] = 0, False  # each run starts afresh (tests run many)
    set_verbosity(verbose, quiet)


# -- option checks shared by the commands ----------------------------------------------------


def method_ok(value: str) -> str:
    if value not in METHODS:
        raise typer.BadParameter(f"choose one of {', '.join(METHODS)}")
    return value


def date_ok(value: str | None) -> str | None:
    """A real calendar day, as YYYY-MM-DD (it becomes part of an output file's name)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def format_ok(value: str | None) -> str | None:
    from briefing.render.formats import FORMATS

    if value is not None and value not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}")
    return value


def format_for(fmt: str | None, out: str) -> str:
    """The --format given, else the one the --out file's extension names, else markdown."""
    from briefing.render.formats import FORMATS

    if fmt:
        return fmt
    suffix = Path(out).suffix.lstrip(".").lower() if out != "-" else ""
    by_ext = {ext: name for name, ext in FORMATS.items()} | {"markdown": "markdown", "htm": "html"}
    return by_ext.get(suffix, "markdown")


def write_stdout(text: str) -> None:
    """Output to stdout; a full disk or a closed pipe is an OutputError, not a traceback."""
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
