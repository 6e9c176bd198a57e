"""Write briefings to disk atomically and never over an earlier file."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from briefing.atomic import write_atomic
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


def briefing_path(out: str | Path, date: str, headline: str, ext: str) -> tuple[Path, bool]:
    """Where a briefing goes: (path, chosen_by_user). `out` is a folder (the file is named
    `<date>-<slug>.<ext>` in it, never over an earlier one) or a file path."""
    target = Path(out)
    if not _names_a_file(target):
        return unique_path(target, f"{date}-{slugify(headline)}", ext), False
    return target, True


def _names_a_file(target: Path) -> bool:
    """`--out` names a file (it has an extension and is no folder), not a folder to write in."""
    return bool(target.suffix) and not target.is_dir()


def taken_file(out: str | Path) -> Path | None:
    """The file the user named for a briefing when it exists already (written over only with
    `--force`): checked before the work, so a long build is not spent on a refused write."""
    target = Path(out)
    return target if _names_a_file(target) and target.exists() else None


def save_briefing(text: str, out: str | Path, date: str, headline: str, ext: str,
                  overwrite: bool = False) -> Path:
    """Write a rendered briefing atomically; an existing file is never overwritten, except a
    file the user named, with `overwrite` (`--force`)."""
    path, chosen = briefing_path(out, date, headline, ext)
    if chosen and overwrite:
        return write_atomic(path, text, overwrite=True)
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
