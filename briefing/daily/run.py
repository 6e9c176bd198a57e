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
from dataclasses import dataclass
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


def summary_line(result: DailyResult) -> str:
    mail = {"": "mail: not asked", "sent": "mail: sent", "already-sent": "mail: already sent",
            "waiting": "mail: queued (will retry)", "failed": "mail: failed (kept in the outbox)",
            "dry-run": "mail: dry run, not sent"}.get(result.mail, f"mail: {result.mail}")
    return (
        f"{result.date}: articles {result.articles_new} new, {result.articles_seen} seen, "
        f"{len(result.skipped)} skipped · stories {result.stories} · facts {result.facts_new} new, "
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
    with lock, executor.using(config.workers):
        return _run(config, date, prompt, collect=collect, dry_run=dry_run, email=email, db=db,
                    progress=progress, mail_settings=mail_settings, sleep=sleep)


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
    skipped: list[Skip] = []
    extra: list[Article] = []
    moved = 0
    fetched = 0
    if collect:
        if dry_run:
            files = [f for inbox in config.inboxes for f in _inbox_files(inbox)]
            got = ingest(files) if files else None
            if got:
                extra += got.articles
                skipped += got.skipped
        else:
            moved = archive_inboxes(config.inboxes, day_dir, progress)
        if config.feeds or config.urls:
            cache = HttpCache(config.cache or default_cache_dir())
            if not dry_run:
                cache.prune(config.cache_days)
            with Fetcher(cache, config.timeout, config.user_agent) as fetcher:
                web = collect_web(config.feeds, config.urls, fetcher, date, config.max_entries, progress)
                fetched = fetcher.network_fetches
            skipped += web.skipped
            if dry_run:
                extra += web.articles
            else:
                archive_web(web.articles, day_dir)
    raw: list[Article] = []
    if day_dir.is_dir():
        got = ingest([day_dir])
        raw += got.articles
        skipped += [s for s in got.skipped if s.source != str(day_dir)]
    raw += extra
    if progress:
        progress("reading", 0, max(1, len(raw)))
    cleaned, bad = prepare_articles(raw)
    skipped += bad
    if progress:
        progress("reading", max(1, len(raw)), max(1, len(raw)))
    cleaned.sort(key=lambda a: (a.label, a.id))

    db_path = db or config.db or default_db_path()
    with History(db_path, readonly=dry_run) as history:
        hashes = {a.id: content_hash(a.text) for a in cleaned}
        first = history.first_seen(hashes.values())
        new: list[Article] = []
        seen_today: set[str] = set()
        n_seen = 0
        for art in cleaned:
            h = hashes[art.id]
            if h in seen_today or first.get(h, date) < date:
                n_seen += 1  # a repeat: an earlier day's article, or a second copy today
                continue
            seen_today.add(h)
            new.append(art)
        earlier = history.briefed_before(date)
        day = build_day(new, earlier, config, prompt, date, skipped, progress)
        markdown = render_markdown(day.briefing)
        outputs = {fmt: _render(day.briefing, fmt, markdown) for fmt in config.formats}
        ext = {"md": "md", "json": "json", "html": "html"}
        paths = tuple(config.output / f"{date}.{ext[fmt]}" for fmt in outputs)
        changed = False
        if not dry_run:
            for (_fmt, text), path in zip(outputs.items(), paths, strict=True):
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
        else:
            changed = any(not p.is_file() or p.read_text(encoding="utf-8") != t
                          for (_f, t), p in zip(outputs.items(), paths, strict=True))
        mail_status, mail_detail = "", ""
        if email:
            mail_status, mail_detail = _mail(markdown, config, prompt, dry_run, date,
                                             mail_settings, sleep, history)
    return DailyResult(
        date=date, markdown=markdown, paths=paths, changed=changed, articles_new=len(new),
        articles_seen=n_seen, skipped=tuple(skipped), stories=day.stories,
        facts_new=day.facts_new, facts_updates=day.facts_updates, facts_briefed=day.facts_briefed,
        archived=moved, fetched=fetched, mail=mail_status, mail_detail=mail_detail, dry_run=dry_run,
    )


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
