"""Write briefings to disk atomically and never over an earlier file."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from briefing.errors import OutputError


def slugify(text: str, max_len: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "briefing"


def unique_path(folder: Path, stem: str, ext: str) -> Path:
    """`folder/stem.ext`, or `stem-2.ext`, `stem-3.ext`, ... if taken."""
    candidate = folder / f"{stem}.{ext}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}.{ext}"
        n += 1
    return candidate


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
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
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


def briefing_path(out: str | Path, date: str, headline: str, ext: str) -> tuple[Path, bool]:
    """Where a briefing goes: (path, chosen_by_user). `out` is a folder (the file is named
    `<date>-<slug>.<ext>` in it, never over an earlier one) or a file path."""
    target = Path(out)
    if target.is_dir() or not target.suffix:
        return unique_path(target, f"{date}-{slugify(headline)}", ext), False
    return target, True


def save_briefing(text: str, out: str | Path, date: str, headline: str, ext: str) -> Path:
    """Write a rendered briefing atomically; an existing file is never overwritten."""
    path, _ = briefing_path(out, date, headline, ext)
    while True:
        try:
            return write_atomic(path, text)
        except OutputError:
            # the chosen name was taken meanwhile (another run): take the next free one,
            # unless the user named the file
            again, chosen = briefing_path(out, date, headline, ext)
            if chosen or again == path:
                raise
            path = again
