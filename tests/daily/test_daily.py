"""`briefing daily`: inboxes, feeds and pages in; one briefing per day; only what is new."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
from pathlib import Path

from mailsupport import Recorder, settings_for, smtp_server
from typer.testing import CliRunner
from webfixtures import EMPTY_PAGE, news_site, requests_for

from briefing.cli.main import app
from briefing.daily.config import DailyConfig, parse_config
from briefing.daily.day import ALSO_TITLE, DEVELOPING_TITLE
from briefing.daily.run import run_daily, summary_line
from briefing.render.markdown import escape_md

runner = CliRunner()
DAY1, DAY2 = "2025-09-05", "2025-09-06"


def _config(tmp_path: Path, **values: object) -> DailyConfig:
    base = {"inboxes": [str(tmp_path / "inbox")], "archive": str(tmp_path / "archive"),
            "output": str(tmp_path / "output"), "db": str(tmp_path / "history.sqlite3")}
    base.update(values)
    return parse_config(base, tmp_path, "test config")


def _section(markdown: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return match.group(1) if match else ""


def _bullets(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("- ")]


# ---------------------------------------------------------------------------------------------
# feeds and pages over HTTP
# ---------------------------------------------------------------------------------------------


def _web_config(tmp_path: Path, server) -> Path:
    feeds = [server.url_for(p) for p in ("/feeds/local.rss", "/feeds/valley.atom", "/feeds/slow.rss",
                                         "/feeds/error.rss", "/feeds/broken.rss")]
    cfg = tmp_path / "briefing.toml"
    lines = [
        'inboxes = ["inbox"]',
        "feeds = [" + ", ".join(f'"{f}"' for f in feeds) + "]",
        f'urls = ["{server.url_for("/news/bridge-traffic.html")}"]',
        'formats = ["md", "json", "html"]',
        "[fetch]", "timeout = 0.5", 'cache = "cache"', "allow_private = true",
    ]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    return cfg


def test_daily_reads_feeds_and_pages_and_reports_every_failure(tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    db = tmp_path / "h.sqlite3"
    with news_site() as server:
        cfg = _web_config(tmp_path, server)
        first = runner.invoke(app, ["daily", "--config", str(cfg), "--db", str(db)])
        assert first.exit_code == 0, first.output
        out = tmp_path / "output" / f"{today}.md"
        assert first.stdout.split() == [str(out.with_suffix(s)) for s in (".md", ".json", ".html")]
        assert json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
        assert "<html" in out.with_suffix(".html").read_text(encoding="utf-8")
        err = first.stderr
        assert re.search(r"skipped \S+/feeds/slow.rss: feed: timed out after 0.5 s", err)
        assert re.search(r"skipped \S+/feeds/error.rss: feed: HTTP 500", err)
        assert re.search(r"skipped \S+/feeds/broken.rss: feed: .*invalid XML", err)
        assert re.search(rf"skipped \S+{EMPTY_PAGE}: page: no article text", err)
        assert "articles 3 new, 0 seen, 4 skipped · stories 1" in err
        text = out.read_text(encoding="utf-8")
        # the two outlets' bridge reports are one story; the festival is reported once
        assert text.count("\n## ") == 3  # the story, Also reported, Sources
        story = text.split("\n## ")[1]
        assert "Harbour" in story.splitlines()[0]
        assert "Orchard festival draws record crowds" in _section(text, ALSO_TITLE)
        assert requests_for(server, "/news/harbour-bridge.html") == 1
        # the fetched articles are archived under the day
        assert len(list((tmp_path / "archive" / today / "web").glob("*.json"))) == 3

        again = runner.invoke(app, ["daily", "--config", str(cfg), "--db", str(db)])
        assert again.exit_code == 0, again.output
        assert out.read_text(encoding="utf-8") == text
        assert requests_for(server, "/news/harbour-bridge.html") == 1
        assert requests_for(server, "/feeds/local.rss") == 1
        assert "articles 3 new, 0 seen, 4 skipped" in again.stderr


# ---------------------------------------------------------------------------------------------
# two days of the same story
# ---------------------------------------------------------------------------------------------

# Invented follow-up reports (day 2). {repeat} is a fact briefed on day 1, restated word for
# word; {update} is another day-1 fact with its figure changed.
FOLLOW_UPS = {
    "eastern-wire.txt": (
        "Kremlin rejects Western troops for Ukraine after Paris talks\n\n"
        "Russia on Friday rejected any deployment of Western troops in Ukraine, a day after the "
        "Paris meeting of the coalition of the willing on security guarantees.\n\n"
        "A Kremlin spokesman told reporters in Moscow that foreign soldiers on Ukrainian soil "
        "would be a legitimate target for Russian forces and that Moscow would not accept "
        "guarantees drawn up without it.\n\n"
        "{repeat}\n\n"
        "The spokesman said Russia remained open to talks with Washington on ending the war, "
        "but not on terms set by European capitals.\n"
    ),
    "harbour-post.txt": (
        "Moscow warns coalition over troops plan for Ukraine\n\n"
        "The Kremlin warned the coalition of the willing on Friday that Western troops in "
        "Ukraine would be a legitimate target, rejecting the security guarantees discussed in "
        "Paris.\n\n"
        "{update}\n\n"
        "Ukrainian officials said they expected the first reassurance force planning meeting "
        "of defence chiefs to take place in London next week.\n\n"
        "Foreign ministers of the coalition will meet again in Brussels later this month to "
        "settle how many soldiers each country will send.\n"
    ),
}


def _changed(fact: str) -> str:
    """The same statement with its first figure moved on, or with a new clause added."""
    match = re.search(r"\b\d+\b", fact)
    if match:
        return fact[: match.start()] + str(int(match.group()) + 1) + fact[match.end():]
    return fact.rstrip(".") + ", officials said again on Friday."


def _briefed(db: Path, date: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted({r[0] for r in conn.execute("SELECT text FROM facts WHERE date = ?", (date,))})


def test_two_days_brief_only_what_is_new_and_rerun_changes_nothing(
    seeds_dir: Path, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    for f in seeds:
        shutil.copy(f, inbox / f.name)
    rec = Recorder()
    with smtp_server(rec) as port:
        mail = settings_for(port, outbox=str(tmp_path / "outbox"))
        day1 = run_daily(config, DAY1, email=True, mail_settings=mail, sleep=lambda s: None)
        assert (day1.articles_new, day1.articles_seen, day1.stories) == (5, 0, 1)
        assert day1.facts_new >= 3 and day1.facts_briefed == 0 and day1.mail == "sent"
        assert not list(inbox.iterdir())  # archived, not deleted
        assert sorted(p.name for p in (tmp_path / "archive" / DAY1 / "inbox").iterdir()) == [
            f.name for f in seeds]
        md1 = day1.paths[0].read_text(encoding="utf-8")
        facts1 = _briefed(config.db, DAY1)
        assert len(facts1) >= day1.facts_new

        # day 2: two follow-ups, and two of yesterday's articles again
        story1 = md1.split("\n## ")[1]
        points = [t for t in facts1 if f"- {escape_md(t)} " in story1]
        quotes = [t for t in facts1 if t not in points and escape_md(t) in md1]
        repeat, updated = points[0], points[1]
        update = _changed(updated)
        for name, text in FOLLOW_UPS.items():
            body = text.format(repeat=repeat, update=update)
            if quotes and name == "eastern-wire.txt":  # yesterday's quotation, quoted again
                body += f"\n“{quotes[0]}” an official said again on Friday.\n"
            (inbox / name).write_text(body, encoding="utf-8")
        for f in seeds[:2]:
            shutil.copy(f, inbox / f.name)
        day2 = run_daily(config, DAY2, email=True, mail_settings=mail, sleep=lambda s: None)
        md2 = day2.paths[0].read_text(encoding="utf-8")
        assert (day2.articles_new, day2.articles_seen) == (2, 2)
        assert day2.facts_briefed >= 1 and day2.mail == "sent"
        # only the follow-ups are sources; yesterday's articles are not counted again
        sources = _section(md2, "Sources")
        assert "eastern-wire.txt" in sources and "harbour-post.txt" in sources
        assert not any(f.name in sources for f in seeds)
        # nothing briefed on day 1 comes back; the changed figure is a one-line update
        assert escape_md(repeat) not in md2
        if quotes:
            assert escape_md(quotes[0]) not in md2
        for fact in facts1:
            assert escape_md(fact) not in md2
        assert not set(_briefed(config.db, DAY2)) & set(facts1)
        developing = _section(md2, DEVELOPING_TITLE)
        assert escape_md(update) in developing and len(_bullets(developing)) == 1
        story = md2.split("\n## ")[1]
        assert story.splitlines()[0] not in (DEVELOPING_TITLE, ALSO_TITLE, "Sources")
        assert "legitimate target" in story
        assert "day 2" not in summary_line(day2)

        # the same day again: same bytes, nothing sent, history unchanged
        before = (tmp_path / "history.sqlite3").stat().st_size, _briefed(config.db, DAY2)
        rerun = run_daily(config, DAY2, email=True, mail_settings=mail, sleep=lambda s: None)
        assert day2.paths[0].read_text(encoding="utf-8") == md2
        assert not rerun.changed and rerun.mail == "already-sent"
        assert _briefed(config.db, DAY2) == before[1]
        assert len(rec.received) == 2

        # a past day rebuilt from the archive and history alone gives the same briefing
        rebuilt = run_daily(config, DAY1, collect=False, email=True, mail_settings=mail)
        assert rebuilt.paths[0].read_text(encoding="utf-8") == md1 and not rebuilt.changed
        assert rebuilt.mail == "already-sent" and len(rec.received) == 2
    assert md1 != md2


def test_dry_run_moves_writes_and_records_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "briefing.toml"
    cfg.write_text('inboxes = ["inbox"]\n', encoding="utf-8")
    shutil.copytree(seeds_dir, tmp_path / "inbox")
    db = tmp_path / "h.sqlite3"
    result = runner.invoke(app, ["daily", "--config", str(cfg), "--db", str(db), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# ") and "## Sources" in result.stdout
    assert "articles 5 new, 0 seen" in result.stderr
    assert len(list((tmp_path / "inbox").iterdir())) == 5
    assert not db.exists() and not (tmp_path / "output").exists() and not (tmp_path / "archive").exists()


def test_past_day_without_archive_is_empty_not_an_error(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = run_daily(config, "2020-01-01", collect=False)
    assert result.articles_new == 0 and result.stories == 0
    # nothing new: no briefing is written, and the summary says so
    assert result.paths == () and not (tmp_path / "output").exists()
    assert "nothing new" in summary_line(result)


# ---------------------------------------------------------------------------------------------
# mail from the config (the config itself: tests/daily/test_config.py)
# ---------------------------------------------------------------------------------------------


def test_daily_email_from_the_config_is_sent_once(seeds_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(seeds_dir, tmp_path / "inbox")
    rec = Recorder()
    with smtp_server(rec) as port:
        cfg = tmp_path / "briefing.toml"
        cfg.write_text(
            'inboxes = ["inbox"]\n[mail]\nhost = "127.0.0.1"\n'
            f'port = {port}\nsecurity = "none"\nfrom = "Bot <bot@example.org>"\n'
            'to = ["reader@example.org"]\noutbox = "outbox"\n', encoding="utf-8")
        args = ["daily", "--config", str(cfg), "--db", str(tmp_path / "h.db"), "--email"]
        first = runner.invoke(app, args, env={"BRIEFING_SMTP_HOST": ""})
        second = runner.invoke(app, args, env={"BRIEFING_SMTP_HOST": ""})
    assert first.exit_code == 0, first.output
    assert "mail: sent" in first.stderr
    assert second.exit_code == 0 and "mail: already sent" in second.stderr
    assert len(rec.received) == 1 and rec.received[0].recipients == ["reader@example.org"]
    body = rec.received[0].message.get_body(("plain",)).get_content()
    out = Path(first.stdout.split()[0]).read_text(encoding="utf-8")
    assert body.replace("\r\n", "\n").strip() == out.strip()
    assert len(list((tmp_path / "outbox" / "sent").glob("*.eml"))) == 1  # next to the config


def test_a_run_clears_what_a_killed_run_left(tmp_path: Path) -> None:
    config = _config(tmp_path)
    (tmp_path / "archive" / DAY1 / "inbox").mkdir(parents=True)
    (tmp_path / "archive" / DAY1 / "inbox" / "report.txt").write_text(
        "The harbour bridge will close on Monday for repairs, the port authority said.\n", encoding="utf-8")
    stale = tmp_path / "output" / f".{DAY1}.md.x1y2z3.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_text("half a briefing", encoding="utf-8")
    result = run_daily(config, DAY1, collect=False)
    assert not stale.exists() and result.paths[0].is_file()
    assert (tmp_path / "archive" / ".lock").exists()  # the run lock, hidden in the archive
