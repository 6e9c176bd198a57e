"""The day's archive: inbox files moved in, fetched pages saved as records, one run at a time."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a day's folder in the archive


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


# Query parameters that only say where a reader came from: the same entry, whatever they say.
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|s_cid|"
                       r"at_medium|at_campaign|ns_source|ns_mchannel|ns_campaign|smid)$", re.I)


def entry_key(url: str) -> str:
    """What identifies a fetched entry: its URL without the fragment and tracking parameters,
    scheme and host in lower case (`?utm_source=feed` and `#top` name the same page)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def _record_name(article: Article) -> str:
    return hashlib.sha256(entry_key(article.url or article.source).encode()).hexdigest()[:16] + ".json"


def _earlier_records(day_dir: Path) -> dict[str, Path]:
    """Record file name -> its latest copy archived on a day before `day_dir`'s."""
    found: dict[str, Path] = {}
    archive, day = day_dir.parent, day_dir.name
    if not archive.is_dir():
        return found
    for folder in sorted(p for p in archive.iterdir() if _DAY.match(p.name) and p.name < day):
        web = folder / WEB_FOLDER
        if web.is_dir():
            found.update({p.name: p for p in web.glob("*.json")})
    return found


def _same_record(path: Path, record: dict) -> bool:
    """The archived record says what `record` says (its URL read as an entry: the tracking
    parameters of today's feed link aside)."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(old, dict) or entry_key(str(old.get("url", ""))) != entry_key(record["url"]):
        return False
    return all(old.get(k) == v for k, v in record.items() if k != "url")


@dataclass(frozen=True, slots=True)
class WebArchived:
    paths: tuple[Path, ...]  # records of the day (written, or already there unchanged)
    repeats: int  # entries an earlier day archived with the same content: not stored again


def archive_web(articles: Sequence[Article], day_dir: Path) -> WebArchived:
    """Save fetched articles as JSON records, one file per entry (same URL, same file). An entry
    an earlier day archived with the same content is not stored again; one whose page changed
    since is (it is news of that day)."""
    earlier = _earlier_records(day_dir)
    paths: list[Path] = []
    repeats = 0
    for art in articles:
        name = _record_name(art)
        record = _record_of(art)
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        if name in earlier and _same_record(earlier[name], record):
            repeats += 1
            continue
        path = day_dir / WEB_FOLDER / name
        _clear_stale(path)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text, overwrite=True)
        paths.append(path)
    return WebArchived(tuple(paths), repeats)


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
