"""The daily run: collect the day's articles, group them into stories, brief only what is new.

Order of work, chosen so that a run killed at any point loses nothing and a re-run of the same
day gives the same bytes:
1. collect: inbox files are moved into archive/<date>/ (never deleted); feed entries and listed
   pages are fetched (through the disk cache) and saved there as JSON records;
2. the day's articles are read back from archive/<date>/ (so `--date` rebuilds a past day from
   the archive alone), cleaned, and split into new ones and ones seen on an earlier day;
3. stories, one pool, one section per story with enough coverage (facts briefed on an earlier
   day left out, near-repeats of them shown once as "developing" updates), "Also reported";
4. output/<date>.md (and other formats) written only when its bytes change; the history of the
   day replaced in one transaction; mail queued and sent unless the same message went before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefing import executor
from briefing.atomic import write_atomic
from briefing.compose.prompt import Prompt, load_prompt
from briefing.daily.archive import (
    _clear_stale,
    _inbox_files,
    archive_inboxes,
    archive_web,
    run_lock,
)
from briefing.daily.config import DailyConfig
from briefing.daily.day import build_day
from briefing.daily.history import (
    DayRecord,
    History,
    content_hash,
    default_db_path,
)
from briefing.errors import ConfigError
from briefing.models import Article, Briefing, Skip
from briefing.pipeline import prepare_articles
from briefing.read.files import ingest
from briefing.read.web import Fetcher, HttpCache, collect_web, default_cache_dir
from briefing.render.markdown import render_markdown

try:  # POSIX: one run per archive at a time
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not serialised
    fcntl = None  # type: ignore[assignment]


log = logging.getLogger(__name__)


Progress = Callable[[str, int, int], None]  # (stage, done, total)




@dataclass(frozen=True, slots=True)
class DailyResult:
    date: str
    markdown: str
    paths: tuple[Path, ...]  # output files (written, or that would be written in a dry run)
    changed: bool  # an output file was created or its bytes changed
    articles_new: int
    articles_seen: int
    skipped: tuple[Skip, ...]
    stories: int  # stories with their own section
    facts_new: int
    facts_updates: int
    facts_briefed: int  # facts left out because an earlier briefing carried them
    archived: int  # inbox files moved into the archive by this run
    fetched: int  # network requests made by this run (cache hits excluded)
    mail: str = ""  # sent | already-sent | waiting | failed | dry-run | "" (no mail asked)
    mail_detail: str = ""
    dry_run: bool = False
    repeats: int = 0  # feed entries an earlier day archived unchanged (not stored again)


def summary_line(result: DailyResult) -> str:
    mail = {"": "mail: not asked", "sent": "mail: sent", "already-sent": "mail: already sent",
            "waiting": "mail: queued (will retry)", "failed": "mail: failed (kept in the outbox)",
            "dry-run": "mail: dry run, not sent", "nothing-new": "no mail sent"}.get(result.mail, f"mail: {result.mail}")
    repeats = f", {result.repeats} already archived" if result.repeats else ""
    articles = (f"articles {result.articles_new} new, {result.articles_seen} seen{repeats}, "
                f"{len(result.skipped)} skipped")
    if not result.articles_new and not result.paths:
        return f"{result.date}: nothing new ({articles}) · no briefing written · {mail}"
    return (
        f"{result.date}: {articles} · stories {result.stories} · facts {result.facts_new} new, "
        f"{result.facts_updates} developing, {result.facts_briefed} already briefed · {mail}"
    )


def check_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"--date {value!r} is not a date (YYYY-MM-DD)") from None


def _render(briefing: Briefing, fmt: str, markdown: str) -> str:
    if fmt == "md":
        return markdown
    from briefing.render.formats import FORMATS, render

    if fmt not in FORMATS.values():
        raise ConfigError(f"format {fmt!r} is not available in this version")
    return render(briefing, fmt)


def _write_if_changed(path: Path, text: str) -> bool:
    _clear_stale(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text, overwrite=True)
    return True


def run_daily(
    config: DailyConfig,
    date: str,
    *,
    collect: bool = True,
    dry_run: bool = False,
    email: bool = False,
    db: Path | None = None,
    progress: Progress | None = None,
    mail_settings: object | None = None,
    sleep: Callable[[float], None] | None = None,
) -> DailyResult:
    """Run one day. `collect=False` rebuilds the day from the archive and history only."""
    date = check_date(date)
    prompt = load_prompt(config.prompt)
    lock = contextlib.nullcontext() if dry_run else run_lock(config.archive)
    with lock, executor.using(config.workers, config.scheduler):
        return _run(config, date, prompt, collect=collect, dry_run=dry_run, email=email, db=db,
                    progress=progress, mail_settings=mail_settings, sleep=sleep)


READ_STEP = 8  # articles cleaned between two steps of the reading bar


@dataclass(slots=True)
class _Collected:
    """What collecting the day gave: articles not archived (dry run), skips, counts."""

    extra: list[Article] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    moved: int = 0
    fetched: int = 0
    repeats: int = 0  # feed entries an earlier day archived unchanged


def _collect(config: DailyConfig, date: str, day_dir: Path, dry_run: bool,
             progress: Progress | None) -> _Collected:
    """Inbox files moved into the archive, feed entries and pages fetched and archived."""
    got = _Collected()
    if dry_run:
        files = [f for inbox in config.inboxes for f in _inbox_files(inbox)]
        read = ingest(files) if files else None
        if read:
            got.extra += read.articles
            got.skipped += read.skipped
    else:
        got.moved = archive_inboxes(config.inboxes, day_dir, progress)
    if config.feeds or config.urls:
        cache = HttpCache(config.cache or default_cache_dir())
        if not dry_run:
            cache.prune(config.cache_days)
        with Fetcher(cache, config.timeout, config.user_agent,
                     allow_private=config.allow_private) as fetcher:
            web = collect_web(config.feeds, config.urls, fetcher, date, config.max_entries, progress)
            got.fetched = fetcher.network_fetches
        got.skipped += web.skipped
        if dry_run:
            got.extra += web.articles
        else:
            got.repeats = archive_web(web.articles, day_dir).repeats
    return got


def _read_day(day_dir: Path, got: _Collected, progress: Progress | None) -> list[Article]:
    """The day's articles, read back from its archive (and what a dry run did not archive), cleaned."""
    raw: list[Article] = []
    if day_dir.is_dir():
        read = ingest([day_dir])
        raw += read.articles
        got.skipped += [s for s in read.skipped if s.source != str(day_dir)]
    raw += got.extra
    total = max(1, len(raw))
    if progress:
        progress("reading", 0, total)
    cleaned: list[Article] = []
    # on a cluster, steps big enough to be sent there (the bar still moves 16 times)
    step = max(READ_STEP, len(raw) // 16) if executor.scheduler() else READ_STEP
    for start in range(0, len(raw), step):  # the bar moves as articles are read
        kept, bad = prepare_articles(raw[start : start + step])
        cleaned += kept
        got.skipped += bad
        if progress:
            progress("reading", min(total, start + step), total)
    if progress and not raw:
        progress("reading", total, total)
    return sorted(cleaned, key=lambda a: (a.label, a.id))


def _new_articles(cleaned: list[Article], history: History, date: str) -> tuple[list[Article], int, dict[str, str]]:
    """(articles first seen today, how many were seen before or twice, content hash by id)."""
    hashes = {a.id: content_hash(a.text) for a in cleaned}
    first = history.first_seen(hashes.values())
    new: list[Article] = []
    seen_today: set[str] = set()
    for art in cleaned:
        h = hashes[art.id]
        if h in seen_today or first.get(h, date) < date:
            continue  # a repeat: an earlier day's article, or a second copy today
        seen_today.add(h)
        new.append(art)
    return new, len(cleaned) - len(new), hashes


def _run(
    config: DailyConfig,
    date: str,
    prompt: Prompt,
    *,
    collect: bool,
    dry_run: bool,
    email: bool,
    db: Path | None,
    progress: Progress | None,
    mail_settings: object | None,
    sleep: Callable[[float], None] | None,
) -> DailyResult:
    day_dir = config.archive / date
    got = _collect(config, date, day_dir, dry_run, progress) if collect else _Collected()
    cleaned = _read_day(day_dir, got, progress)
    # a day with nothing new is not briefed (nor mailed) unless the config asks for a note
    note = config.nothing_new_note
    # the history's rows are this config's own (keyed by its archive), even in a shared file
    scope = str(config.archive.resolve())
    with History(db or config.db or default_db_path(), readonly=dry_run, scope=scope) as history:
        new, n_seen, hashes = _new_articles(cleaned, history, date)
        quiet = not new and not note
        day = build_day(new, history.briefed_before(date), config, prompt, date, got.skipped, progress)
        markdown = render_markdown(day.briefing)
        outputs = {fmt: _render(day.briefing, fmt, markdown) for fmt in config.formats}
        paths = () if quiet else tuple(config.output / f"{date}.{fmt}" for fmt in outputs)
        if quiet:
            changed = False
        elif dry_run:
            changed = any(not p.is_file() or p.read_text(encoding="utf-8") != t
                          for t, p in zip(outputs.values(), paths, strict=True))
        else:
            changed = _record(outputs, paths, history, day, new, hashes, markdown, date)
        mail_status, mail_detail = "", ""
        if email and quiet:
            mail_status, mail_detail = "nothing-new", "nothing new: no mail sent"
        elif email:
            mail_status, mail_detail = _mail(markdown, config, prompt, dry_run, date,
                                             mail_settings, sleep, history)
    return DailyResult(
        date=date, markdown=markdown, paths=paths, changed=changed, articles_new=len(new),
        articles_seen=n_seen, skipped=tuple(got.skipped), stories=day.stories,
        facts_new=day.facts_new, facts_updates=day.facts_updates, facts_briefed=day.facts_briefed,
        archived=got.moved, fetched=got.fetched, mail=mail_status, mail_detail=mail_detail,
        dry_run=dry_run, repeats=got.repeats,
    )


def _record(outputs: dict[str, str], paths: tuple[Path, ...], history: History, day, new: list[Article],
            hashes: dict[str, str], markdown: str, date: str) -> bool:
    """Write the output files (only those whose bytes change) and the day's history."""
    changed = False
    for text, path in zip(outputs.values(), paths, strict=True):
        changed |= _write_if_changed(path, text)
    history.record_day(DayRecord(
        date=date,
        articles=tuple((hashes[a.id], a.label, a.title) for a in new),
        facts=day.briefed,
        quotes=day.quoted,
        digest=hashlib.sha256(markdown.encode()).hexdigest(),
        path=str(paths[0]),
        stories=day.stories,
    ))
    return changed


def _mail(markdown: str, config: DailyConfig, prompt: Prompt, dry_run: bool, date: str,
          settings: object | None, sleep: Callable[[float], None] | None,
          history: History) -> tuple[str, str]:
    """Queue and send the briefing; the outbox never sends the same message twice."""
    from briefing.deliver.mail_settings import MailSettings
    from briefing.deliver.message import compose
    from briefing.deliver.outbox import queue_and_send

    if settings is None:
        settings = MailSettings.from_sources({"mail": config.mail or {}}, os.environ,
                                             where=config.path or "config")
    assert isinstance(settings, MailSettings)
    if dry_run:  # build the message to check the settings; queue and send nothing
        settings.check_sendable()
        composed = compose(markdown, settings, prompt=prompt)
        return "dry-run", f"{composed.subject} -> {', '.join(composed.recipients)}"
    kwargs = {"prompt": prompt}
    if sleep is not None:
        kwargs["sleep"] = sleep
    result = queue_and_send(markdown, settings, **kwargs)
    key = Path(result.path).stem
    history.record_mail(date, key, result.status)
    return result.status, result.error or str(result.path)
