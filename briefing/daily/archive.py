"""The day's archive: inbox files moved in, fetched pages saved as records, one run at a time."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from briefing.atomic import write_atomic
from briefing.deliver.files import unique_path
from briefing.errors import OutputError
from briefing.models import Article

try:  # POSIX: one run per archive at a time
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not serialised
    fcntl = None  # type: ignore[assignment]


log = logging.getLogger(__name__)


Progress = Callable[[str, int, int], None]  # (stage, done, total)
WEB_FOLDER = "web"  # fetched pages of a day, as JSON records


def _inbox_files(inbox: Path) -> list[Path]:
    """Files waiting in an inbox (hidden ones and hidden folders left alone), in a stable order."""
    found: list[Path] = []
    if not inbox.is_dir():
        return found
    for root, dirs, files in os.walk(inbox):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
    return found


def _move(file: Path, target: Path) -> None:
    """Rename, or across file systems copy to a hidden temp name, rename into place, then delete
    the original: the archive never holds half a file, whatever stops the copy."""
    try:
        os.rename(file, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    tmp = target.with_name(f".{target.name}.part")
    try:
        shutil.copy2(file, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    file.unlink()


def archive_inboxes(inboxes: Sequence[Path], day_dir: Path, progress: Progress | None = None) -> int:
    """Move every inbox file into day_dir/<inbox name>/...; a name already taken gets a suffix."""
    todo = [(inbox, f) for inbox in inboxes for f in _inbox_files(inbox)]
    moved = 0
    for n, (inbox, file) in enumerate(todo, 1):
        rel = file.relative_to(inbox)
        target = day_dir / inbox.name / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target = unique_path(target.parent, target.stem, target.suffix.lstrip(".") or "txt")
            _move(file, target)
            moved += 1
        except OSError as exc:
            raise OutputError(f"cannot move {file} into the archive {target}: {exc.strerror or exc}") from None
        if progress:
            progress("inboxes", n, len(todo))
    return moved


def _record_of(article: Article) -> dict:
    return {"url": article.url, "title": article.title, "outlet": article.outlet,
            "date": article.date, "byline": article.byline, "text": article.text}


def archive_web(articles: Sequence[Article], day_dir: Path) -> list[Path]:
    """Save fetched articles as JSON records, one file per URL (same URL, same file)."""
    paths = []
    for art in articles:
        name = hashlib.sha256((art.url or art.source).encode()).hexdigest()[:16]
        path = day_dir / WEB_FOLDER / f"{name}.json"
        _clear_stale(path)
        text = json.dumps(_record_of(art), ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text, overwrite=True)
        paths.append(path)
    return paths


def _clear_stale(path: Path) -> None:
    """Remove temp files a killed run left while writing `path` (safe under the run lock)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def run_lock(archive: Path):
    """Hold archive/.lock: a second run of the same config waits for the first to finish."""
    try:
        archive.mkdir(parents=True, exist_ok=True)
        fh = open(archive / ".lock", "a")  # held for the whole run
    except OSError as exc:
        raise OutputError(f"cannot use the archive {archive}: {exc.strerror or exc}") from None
    try:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fh.close()  # closing releases the lock
