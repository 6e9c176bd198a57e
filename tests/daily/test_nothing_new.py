"""A day with nothing new, and an archive that knows what it already holds: an entry an earlier
day archived is never stored again (unless its page changed), a day with nothing new writes and
mails nothing unless a note is asked for, and `daily` with no config says how to make one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mailsupport import Recorder, settings_for, smtp_server
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.daily.archive import archive_web, entry_key
from briefing.daily.config import parse_config
from briefing.daily.run import run_daily, summary_line
from briefing.models import Article

runner = CliRunner()
DAY1, DAY2, DAY3 = "2031-03-12", "2031-03-13", "2031-03-14"
REPORT = ("The harbour authority said on Monday that the Serin bridge would close for six weeks "
          "while engineers replace forty metres of its deck.\n\nFerry operators said they would "
          "add crossings every half hour from Tuesday, the authority said.\n")


def _art(url: str, text: str = REPORT) -> Article:
    return Article(id=url[-12:], source=url, text=text, title="Serin bridge to close", url=url)


def test_an_entry_is_its_url_without_tracking_or_fragment() -> None:
    same = {entry_key(u) for u in (
        "https://News.example/a/bridge.html?id=4",
        "https://news.example/a/bridge.html?id=4&utm_source=feed&utm_medium=atom",
        "https://news.example/a/bridge.html?fbclid=x1&id=4#comments",
    )}
    assert len(same) == 1
    assert entry_key("https://news.example/a/bridge.html?id=5") not in same
    assert entry_key("not a url") == "not a url"


def test_an_archived_entry_is_not_stored_again_unless_it_changed(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    url = "https://news.example/a/bridge.html"
    first = archive_web([_art(url)], archive / DAY1)
    assert len(first.paths) == 1 and first.repeats == 0
    again = archive_web([_art(url + "?utm_source=feed")], archive / DAY2)
    assert again.paths == () and again.repeats == 1 and not (archive / DAY2).exists()
    rerun = archive_web([_art(url)], archive / DAY1)  # the same day again: the same file
    assert rerun.paths == first.paths and rerun.repeats == 0
    changed = archive_web([_art(url, REPORT + "\nThe works will cost 40 million euros.\n")], archive / DAY3)
    assert len(changed.paths) == 1 and changed.repeats == 0
    assert len(list(archive.rglob("*.json"))) == 2


def _config(tmp_path: Path, **values: object):
    base = {"inboxes": [str(tmp_path / "inbox")], "archive": str(tmp_path / "archive"),
            "output": str(tmp_path / "output"), "db": str(tmp_path / "h.sqlite3"),
            "formats": ["md", "json"]}
    return parse_config({**base, **values}, tmp_path, "test config")


def test_a_day_with_nothing_new_writes_and_mails_nothing(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "bridge.txt").write_text(REPORT, encoding="utf-8")
    config = _config(tmp_path)
    rec = Recorder()
    with smtp_server(rec) as port:
        mail = settings_for(port, outbox=str(tmp_path / "outbox"))
        day1 = run_daily(config, DAY1, email=True, mail_settings=mail, sleep=lambda s: None)
        assert day1.mail == "sent" and day1.articles_new == 1
        day2 = run_daily(config, DAY2, email=True, mail_settings=mail, sleep=lambda s: None)
        assert (day2.articles_new, day2.paths, day2.mail) == (0, (), "nothing-new")
        assert len(rec.received) == 1
        assert not list((tmp_path / "output").glob(f"{DAY2}.*"))
        line = summary_line(day2)
        assert "nothing new" in line and "no mail sent" in line

        # asked for, a day with nothing new gets its note, written and mailed
        noted = run_daily(replace(config, nothing_new_note=True), DAY3, email=True, mail_settings=mail,
                          sleep=lambda s: None)
        assert noted.mail == "sent" and len(rec.received) == 2
        assert (tmp_path / "output" / f"{DAY3}.md").read_text(encoding="utf-8").startswith("# ")


def test_the_note_switch_is_read_from_the_config(tmp_path: Path) -> None:
    assert _config(tmp_path).nothing_new_note is False
    assert _config(tmp_path, daily={"nothing_new_note": True}).nothing_new_note is True


def test_daily_without_a_config_says_how_to_make_one_and_does_nothing(tmp_path: Path, monkeypatch) -> None:
    for name, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                      ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["daily"])
    assert result.exit_code == 4
    assert "briefing init" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []
