"""Atomic file writes: a reader sees the old file or the new one, never a part."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

from briefing.errors import OutputError

log = logging.getLogger(__name__)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(text: str, path: Path) -> bytes:
    """The text as UTF-8. Text is cleaned where it is read (read.decode), so a lone surrogate
    here came from elsewhere (a file name not in UTF-8, say): it is written as U+FFFD, with a
    warning, rather than losing the whole file and every file after it."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        log.warning("%s: characters that are not text (lone surrogates) written as U+FFFD", path)
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str, overwrite: bool = False) -> Path:
    """Write via a temp file in the same folder and a rename; never a half-written file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file (or /dev/full) where a folder should be
        blocker = next(p for p in (path.parent, *path.parent.parents) if p.exists())
        raise OutputError(f"cannot write {path}: {blocker} is not a folder") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would hide briefings from readers
            with os.fdopen(fd, "wb") as fh:
                fh.write(_utf8(text, path))
                fh.flush()
                os.fsync(fh.fileno())
            if overwrite:
                os.replace(tmp, path)
            else:
                os.link(tmp, path)  # fails if the name was taken meanwhile
                os.unlink(tmp)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except FileExistsError:
        raise OutputError(f"{path} already exists; not overwriting it") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
