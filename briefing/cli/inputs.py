"""The inputs a command names: paths and URLs, the lines of `-i FILE` lists, and `-` (stdin)."""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import InputError
from briefing.read.files import is_url

STDIN = "-"


@dataclass
class Inputs:
    items: list[str] = field(default_factory=list)  # paths and URLs, stdin saved as a file
    stdin_file: Path | None = None

    def label(self, source: str) -> str:
        """A source as the user named it: stdin is `-`."""
        if self.stdin_file is not None and source.startswith(str(self.stdin_file)):
            return STDIN + source[len(str(self.stdin_file)):]
        return source


def _list_lines(name: str, stdin: bytes | None) -> list[str]:
    """The entries of an input list: one path or URL a line; blank and `#` lines skipped."""
    if name == STDIN:
        text = (stdin or b"").decode("utf-8", "replace")
    else:
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot read the input list {name}: {exc.strerror or exc}") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _suffix(data: bytes) -> str:
    """JSON lines when every non-blank line is a JSON object (or the whole is JSON), else text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ".txt"
    rows = [line for line in text.splitlines() if line.strip()]
    try:
        if rows and all(isinstance(json.loads(row), dict) for row in rows):
            return ".jsonl"
        if text.strip() and isinstance(json.loads(text), dict | list):
            return ".json"
    except ValueError:
        pass
    return ".txt"


def _check_exists(items: Sequence[str]) -> None:
    for item in items:
        path = Path(item)
        if not is_url(item) and not path.exists() and not path.is_symlink():
            raise InputError(f"{item}: no such file or folder")


@contextlib.contextmanager
def read_inputs(paths: Sequence[str], lists: Sequence[str] = ()) -> Iterator[Inputs]:
    """The inputs, every named path checked to exist (InputError, exit code 2, if not); stdin
    (`-` among the paths) saved to a temporary file for the length of the block."""
    uses = [p for p in paths if p == STDIN] + [name for name in lists if name == STDIN]
    if len(uses) > 1:
        raise InputError("standard input (-) can be read only once")
    stdin = sys.stdin.buffer.read() if uses else None
    items = [p for p in paths if p != STDIN]
    for name in lists:
        items += _list_lines(name, stdin)
    if not items and STDIN not in paths:
        raise InputError("no input: name files, folders or URLs, - for stdin, or -i FILE")
    _check_exists(items)
    inputs = Inputs(items)
    folder = None
    try:
        if STDIN in paths:
            folder = Path(tempfile.mkdtemp(prefix="briefing-stdin-"))
            inputs.stdin_file = folder / f"stdin{_suffix(stdin or b'')}"
            inputs.stdin_file.write_bytes(stdin or b"")
            inputs.items.insert(paths.index(STDIN), str(inputs.stdin_file))
        yield inputs
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
