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
import errno
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from briefing.config import DailyConfig
from briefing.errors import ConfigError, OutputError
from briefing.feeds import Fetcher, HttpCache, collect_web, default_cache_dir
from briefing.ingest import ingest
from briefing.models import Article, Briefing, Fact, Item, Pool, Section, Skip
from briefing.output import unique_path, write_atomic
from briefing.pipeline import (
    Settings,
    make_briefing,
    pool_articles,
    prepare_articles,
    without_cycle_collector,
)
from briefing.prompts import Prompt, SectionSpec, load_prompt
from briefing.render import render_markdown
from briefing.store import BriefedFact, DayRecord, History, content_hash, default_db_path, fact_key
from briefing.stories import Story, cluster_articles

try:  # POSIX: one run per archive at a time
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not serialised
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
DEVELOPING_SIMILARITY = 0.5  # a new fact this close to a briefed one is an update of it
DEVELOPING_TITLE = "Developing"
ALSO_TITLE = "Also reported"
WEB_FOLDER = "web"


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


# ---------------------------------------------------------------------------------------------
# collecting
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# building
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayBriefing:
    briefing: Briefing
    stories: int
    facts_new: int
    facts_updates: int
    facts_briefed: int
    briefed: tuple[tuple[str, str], ...]  # (key, text) for every wording of every briefed fact
    quoted: tuple[tuple[str, str], ...] = ()  # (key, text) of every quotation shown


def _fact_keys(fact: Fact) -> set[str]:
    return {fact_key(fact.text)} | {fact_key(m.text) for m in fact.members}


def _updates(candidates: Sequence[Fact], earlier: Sequence[BriefedFact]) -> set[str]:
    """Ids of candidate facts that restate an earlier-briefed fact with something changed."""
    before = sorted({b.text for b in earlier if b.kind == "fact"})
    if not candidates or not before:
        return set()
    texts = [f.text for f in candidates] + before
    try:
        X = TfidfVectorizer(sublinear_tf=True, stop_words=sorted(ENGLISH_STOP_WORDS)).fit_transform(texts)
    except ValueError:
        return set()
    X = normalize(X)
    sims = (X[: len(candidates)] @ X[len(candidates) :].T).toarray()
    best = sims.max(axis=1)
    return {f.id for f, s in zip(candidates, best, strict=True) if s >= DEVELOPING_SIMILARITY}


def _section(pool: Pool, facts: Sequence[Fact], title: str, prompt: Prompt, settings: Settings,
             sentences: int) -> tuple[Section, Briefing]:
    """One section from `facts` (sources numbered over the whole pool), and the briefing around it."""
    sub = replace(pool, facts=tuple(facts))
    one = replace(prompt, sections=(SectionSpec(title),), sentences=sentences, words=None)
    made = make_briefing(sub, one, replace(settings, sentences=sentences, words=None))
    section = replace(made.sections[0], title=title) if made.sections else Section(title, ())
    return section, made


def _one_line(article: Article) -> str:
    if article.title.strip():
        return article.title.strip()
    first = article.text.strip().split("\n", 1)[0]
    words = first.split()
    return " ".join(words[:25]) + ("…" if len(words) > 25 else "")


def build_day(
    articles: Sequence[Article],
    earlier: Sequence[BriefedFact],
    config: DailyConfig,
    prompt: Prompt,
    date: str,
    skipped: Sequence[Skip] = (),
    progress: Progress | None = None,
) -> DayBriefing:
    """The day's briefing from its new articles, leaving out what `earlier` briefings said."""
    with without_cycle_collector():
        return _build_day(articles, earlier, config, prompt, date, skipped, progress)


def _build_day(
    articles: Sequence[Article],
    earlier: Sequence[BriefedFact],
    config: DailyConfig,
    prompt: Prompt,
    date: str,
    skipped: Sequence[Skip],
    progress: Progress | None,
) -> DayBriefing:
    settings = Settings(method=config.method, prompt=prompt.name, date=date)
    if not articles:
        empty = Briefing(title=prompt.title.format(headline="no new articles", date=date), date=date,
                         headline="", sections=(), sources=(), skipped=tuple(skipped),
                         method=config.method)
        return DayBriefing(empty, 0, 0, 0, 0, ())
    if progress:
        progress("building", 0, 4)
    stories = cluster_articles(articles, config.threshold)
    if progress:
        progress("building", 1, 4)
    pool = pool_articles(articles)
    if progress:
        progress("building", 2, 4)
    family = {a.id: pool.families.get(a.id, a.id) for a in articles}
    by_id = {a.id: a for a in articles}

    def origins(story: Story) -> int:
        return len({family[a] for a in story.articles})

    order = sorted(range(len(stories)), key=lambda i: (-origins(stories[i]), -len(stories[i].articles), i))
    ranked = [stories[i] for i in order]
    featured = [s for s in ranked if origins(s) >= config.min_origins][: config.max_stories]
    featured_ids = {s.id for s in featured}
    rest = [s for s in ranked if s.id not in featured_ids]
    # sources numbered story by story, so each section cites a run of neighbouring numbers
    ordered = [by_id[a] for s in (*featured, *rest) for a in sorted(s.articles, key=lambda x: by_id[x].label)]
    pool = replace(pool, articles=tuple(ordered))

    story_of = {a: k for k, s in enumerate(featured) for a in s.articles}
    briefed_keys = {b.key for b in earlier}
    # a sentence quoting words an earlier briefing quoted says nothing new either
    quote_keys = sorted({b.key for b in earlier if b.kind == "quote" and len(b.key.split()) >= 5})
    facts_by_story: list[list[Fact]] = [[] for _ in featured]
    already = 0
    for fact in pool.facts:
        keys = _fact_keys(fact)
        if keys & briefed_keys or any(q in k for q in quote_keys for k in keys):
            already += 1
            continue
        homes = [story_of[a] for a in fact.articles if a in story_of]
        if homes:
            counts = np.bincount(homes, minlength=len(featured))
            facts_by_story[int(np.argmax(counts))].append(fact)
    candidates = [f for facts in facts_by_story for f in facts]
    update_ids = _updates(candidates, earlier)

    sections: list[Section] = []
    made_first: Briefing | None = None
    extras: dict[str, list] = {"quotes": [], "disagreements": []}
    shown: list[Item] = []
    n_stories = 0
    for story, facts in zip(featured, facts_by_story, strict=True):
        fresh = [f for f in facts if f.id not in update_ids]
        if not fresh:
            continue
        section, made = _section(pool, fresh, story.title, prompt, settings, config.story_sentences)
        if not section.items:
            continue
        made_first = made_first or made
        for name, bucket in extras.items():
            # a quotation an earlier briefing carried is not news either
            bucket += [x for x in getattr(made, name, ())
                       if x not in bucket and fact_key(getattr(x, "text", "")) not in briefed_keys]
        sections.append(section)
        shown += section.items
        n_stories += 1
    facts_new = len(shown)
    n_updates = 0
    updates = [f for f in candidates if f.id in update_ids]
    if updates and config.developing:
        section, made = _section(pool, updates, DEVELOPING_TITLE, prompt, settings, config.developing)
        if section.items:
            made_first = made_first or made
            sections.append(section)
            shown += section.items
            n_updates = len(section.items)
    numbers = {a.id: n for n, a in enumerate(pool.articles, 1)}
    also: list[Item] = []
    for story in rest[: config.also_reported]:
        members = sorted(story.articles, key=lambda x: by_id[x].label)
        text = story.title if len(members) > 1 else _one_line(by_id[members[0]])
        cites = tuple(sorted(numbers[a] for a in members))
        also.append(Item(f"also:{story.id}", text, cites, origins(story)))
    if also:
        sections.append(Section(ALSO_TITLE, tuple(also)))
    if progress:
        progress("building", 3, 4)
    if made_first is None:  # nothing new to say: still list the day's sources
        _, made_first = _section(pool, (), ALSO_TITLE, prompt, settings, 1)
    headline = next((it.text for sec in sections for it in sec.items), "")
    short = headline if len(headline) <= 90 else headline[:87].rsplit(" ", 1)[0] + "…"
    changes: dict[str, object] = {
        "title": prompt.title.format(headline=short or "no new facts", date=date),
        "date": date,
        "headline": headline,
        "sections": tuple(sections),
        "skipped": tuple(skipped),
    }
    limit = getattr(prompt, "quotes", None)
    if isinstance(limit, int) and not isinstance(limit, bool):
        extras["quotes"] = extras["quotes"][:limit]  # the prompt's budget for the whole day
    for name, bucket in extras.items():
        if hasattr(made_first, name):
            changes[name] = tuple(bucket)
    briefing = replace(made_first, **changes)
    fact_ids = {it.fact_id for it in shown}
    briefed = {(k, f.text) for f in pool.facts if f.id in fact_ids for k in _fact_keys(f)}
    quoted = {(fact_key(q.text), q.text) for q in extras["quotes"] if getattr(q, "text", "")}
    if progress:
        progress("building", 4, 4)
    return DayBriefing(briefing, n_stories, facts_new, n_updates, already, tuple(sorted(briefed)),
                       tuple(sorted(quoted)))


# ---------------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------------


def check_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"--date {value!r} is not a date (YYYY-MM-DD)") from None


def _render(briefing: Briefing, fmt: str, markdown: str) -> str:
    if fmt == "md":
        return markdown
    from briefing import render

    renderer = getattr(render, f"render_{fmt}", None)
    if renderer is None:
        raise ConfigError(f"format {fmt!r} is not available in this version")
    return renderer(briefing)


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
    with lock:
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
    from briefing.mail import MailSettings, compose
    from briefing.outbox import queue_and_send

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
