"""`briefing daily --email` on the real web path, two days: real saved news pages, AllSides
three-outlet events and DUC wire copy (the last two wrapped in navigation, bylines, captions,
teasers, newsletter boxes), served by a loopback HTTP server through an RSS and an Atom feed; a
loopback SMTP server takes the mail. Every criterion of issue 15 is asserted on the files and the
mail; bench/web_day.py runs the same on a full day (58 pages) and other seeds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import websupport as ws
from conftest import shared_path
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.daily.day import ALSO_TITLE, DEVELOPING_TITLE
from briefing.render.json import schema

runner = CliRunner()


def _config(folder: Path, day: ws.Day, port: int) -> Path:
    feeds = ", ".join(f'"{f}"' for f in day.feeds)
    path = folder / "briefing.toml"
    path.write_text("\n".join([
        f"feeds = [{feeds}]", 'formats = ["md", "json", "html"]', 'db = "history.sqlite3"',
        "[budget]", "max_stories = 20", "also_reported = 20",
        "[fetch]", 'cache = "cache"', "timeout = 20", "allow_private = true",  # loopback
        "[mail]", 'host = "127.0.0.1"', f"port = {port}", 'security = "none"',
        'from = "Briefing <briefing@example.org>"', 'to = ["editor@example.org"]', 'outbox = "outbox"',
    ]) + "\n", encoding="utf-8")
    return path


def _archived(folder: Path) -> set[Path]:
    return {p for p in (folder / "archive").rglob("*.json")}


def _texts(out: dict[str, str], mail) -> dict[str, str]:
    subject, plain, rich = ws.mail_parts(mail)
    return {"md": ws.markdown_text(out["md"]), "json": "\n".join(ws.json_strings(json.loads(out["json"]))),
            "html": ws.html_text(out["html"]), "subject": subject, "plain": plain, "mail html": ws.html_text(rich)}


def _story_groups(data: dict, day: ws.Day) -> list[set[str]]:
    """The events each story section cites (a served page's group, by its source URL)."""
    label = {s["number"]: s["label"] for s in data["sources"]}
    groups = []
    for section in data["sections"]:
        if section["title"] in (ALSO_TITLE, DEVELOPING_TITLE):
            continue
        served = [day.served(label[n]) for item in section["items"] for n in item["citations"]]
        assert all(served), section["title"]
        groups.append({s.page.group for s in served})
    return groups


def test_two_days_of_real_pages_through_feeds_and_mail(tmp_path: Path) -> None:
    web, dev = shared_path("web"), shared_path("dev")
    today = dt.date.today()
    dates = (today.isoformat(), (today + dt.timedelta(days=1)).isoformat())
    with ws.web_day(web, dev, dates[0], real=6, events=3, wire=2, seed=7) as day, ws.mail_sink() as (rec, port):
        config = _config(tmp_path, day, port)
        first = runner.invoke(app, ["daily", "--config", str(config), "--email", "--date", dates[0]])
        archived = _archived(tmp_path)
        second = runner.invoke(app, ["daily", "--config", str(config), "--email", "--date", dates[1]])
        mails = [r.message for r in rec.received]

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    out = {fmt: (tmp_path / "output" / f"{dates[0]}.{fmt}").read_text(encoding="utf-8")
           for fmt in ("md", "json", "html")}
    data = json.loads(out["json"])
    jsonschema.validate(data, schema())
    assert len(mails) == 1

    # no markdown escape and no HTML entity anywhere a reader looks
    for where, text in _texts(out, mails[0]).items():
        assert not ws.flaws(text), (where, ws.flaws(text)[:3])

    # the headline is one of the served pages' titles, and heads the page and the Subject
    titles = {ws.norm_title(t): s for s in day.items for t in (s.page.title, *s.page.titles)}
    assert ws.norm_title(data["headline"]) in titles
    assert ws.norm_title(data["headline"]) in ws.norm_title(ws.mail_parts(mails[0])[0])

    # every story section reports one event; the events and wire stories have their own
    groups = _story_groups(data, day)
    assert groups and all(len(g) == 1 for g in groups), groups
    owned = {next(iter(g)) for g in groups}
    assert set(day.groups("wire")) <= owned
    assert len(set(day.groups("event")) & owned) >= 2

    # sources with a URL are links in the page and the mail, and written in the plain part
    urls = [s["label"] for s in data["sources"] if s["label"].startswith("http")]
    assert len(urls) == len(data["sources"]) == len(day.items)
    _, plain, rich = ws.mail_parts(mails[0])
    for document in (out["html"], rich):
        links = {ws.norm_url(h) for h in ws.html_links(document)}
        assert all(ws.norm_url(u) in links for u in urls)
    assert all(u in plain for u in urls)

    # day 2: the feeds list the same entries: nothing is stored again, nothing is mailed
    assert _archived(tmp_path) == archived
    assert "nothing new" in second.stderr and "no mail sent" in second.stderr
    assert not (tmp_path / "output" / f"{dates[1]}.md").exists()
