"""Hostile records and files (issue 16): lone surrogates, `<noscript>` text, a 1,000,000-character
word, bidi overrides and zero-width characters, JSON metadata of the wrong type, two configs
sharing one history, hand-damaged outbox records. Each gives a correct briefing or one line."""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import pytest
from robustsupport import write_articles
from test_hostile import FERRY, OTHER, _build, _files, _text
from typer.testing import CliRunner

from briefing.atomic import write_atomic
from briefing.cli.main import app

INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")


@pytest.fixture
def mail_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "mail.toml"
    config.write_text('[mail]\nhost = "127.0.0.1"\nsecurity = "none"\nfrom = "bot@example.org"\n'
                      f'to = "reader@example.org"\noutbox = "{tmp_path / "outbox"}"\n')
    return {"BRIEFING_CONFIG": str(config)}


# ------------------------------------------------------------------ lone surrogates


def _surrogate_record() -> str:
    """JSON whose escapes decode to lone surrogates (json.loads accepts them)."""
    text = json.dumps({"title": "FerryHIGH strike", "text": _text(FERRY) + "LOW", "outlet": "Kestrel"})
    return text.replace("HIGH", "\\ud800").replace("LOW", " \\udc00")


@pytest.mark.parametrize("out", ["folder", "-"])
def test_a_lone_surrogate_in_a_record_gives_a_briefing(tmp_path: Path, out: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.json").write_text(_surrogate_record(), encoding="utf-8")
    (folder / "good.txt").write_text(_text(OTHER), encoding="utf-8")
    target = "-" if out == "-" else str(tmp_path / "out")
    result = _build(str(folder), "--out", target, "--format", "html" if out == "-" else "markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout if out == "-" else _files(tmp_path / "out")[0].read_text(encoding="utf-8")
    assert "Kestrel" in text and not INVISIBLE.search(text)
    assert "2 articles read, 0 skipped" in result.stderr


def test_a_lone_surrogate_does_not_poison_a_day(tmp_path: Path) -> None:
    """daily archives the record first: the day, and every re-run of it, still builds."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bad.json").write_text(_surrogate_record(), encoding="utf-8")
    (inbox / "good.txt").write_text(_text(OTHER), encoding="utf-8")
    config = tmp_path / "briefing.toml"
    config.write_text('inboxes = ["inbox"]\ndb = "h.sqlite3"\nformats = ["md", "json", "html"]\n')
    for _ in range(2):  # the run, then a re-run of the same day from the archive
        result = CliRunner().invoke(app, ["daily", "--config", str(config), "--date", "2031-01-02"])
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    for path in _files(tmp_path / "output"):
        assert not INVISIBLE.search(path.read_text(encoding="utf-8")), path


def test_the_writer_survives_text_that_is_not_unicode(tmp_path: Path) -> None:
    first = write_atomic(tmp_path / "a.md", "name \udcff\ud800 end\n")
    second = write_atomic(tmp_path / "b.md", "fine\n")
    assert first.read_text(encoding="utf-8") == "name \ufffd\ufffd end\n"
    assert second.read_text(encoding="utf-8") == "fine\n"


# ------------------------------------------------------------------ wrong output


NOSCRIPT = "Enable JavaScript to read this article, which needs scripts to show every paragraph."


@pytest.mark.parametrize("form", [
    f"<noscript>{NOSCRIPT}", f"<noscript/>{NOSCRIPT}", f"&lt;noscript&gt;{NOSCRIPT}&lt;/noscript&gt;",
    f"<NOSCRIPT class='x'>{NOSCRIPT}</noscript >",
], ids=["unclosed", "self-closed", "escaped", "closed"])
@pytest.mark.parametrize("kind", ["json", "txt", "html"])
def test_noscript_text_never_becomes_a_bullet(tmp_path: Path, form: str, kind: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    if kind == "json":
        (folder / "a.json").write_text(json.dumps({"text": form + "\n\n" + _text(FERRY)}))
    elif kind == "txt":
        (folder / "a.txt").write_text(form + "\n\n" + _text(FERRY))
    else:
        paras = "".join(f"<p>{s}</p>" for s in FERRY)
        (folder / "a.html").write_text(f"<!DOCTYPE html><html><body><article>{form}{paras}"
                                       "</article></body></html>")
    result = _build(str(folder), "--out", "-")
    assert result.exit_code == 0, result.output
    assert "JavaScript" not in result.stdout
    assert "Ferry crossings to Marrow Island" in result.stdout  # the reporting after it stays


@pytest.mark.parametrize("where", ["lead", "last"])
def test_a_million_character_word_makes_no_giant_bullet(tmp_path: Path, where: str) -> None:
    """In the lead sentence (which is briefed) as well as in a sentence of its own at the end."""
    folder = tmp_path / "in"
    folder.mkdir()
    word = "a" * 1_000_000
    if where == "lead":
        text = _text([FERRY[0].replace("Marrow Island", f"Marrow Island {word}"), *FERRY[1:]])
    else:
        text = _text(FERRY) + f"\nThe word {word} was long.\n"
    (folder / "a.txt").write_text(text)
    (folder / "b.txt").write_text(_text(OTHER))
    result = _build(str(folder), "--out", "-")
    assert result.exit_code == 0, result.output
    assert len(result.stdout) < 20_000
    assert max(len(line) for line in result.stdout.splitlines()) < 2_000
    assert "aaaa" not in result.stdout and "Talks between the operator" in result.stdout
    # the sentence the word stood in goes with it: no half of it is a bullet
    halves = r"Ferry crossings to Marrow Island|were cancelled for|The word|was long\."
    assert not re.search(rf"^- (?:{halves}) \[", result.stdout, re.M), result.stdout
    assert not re.search(r"^- were cancelled", result.stdout, re.M), result.stdout


def test_bidi_overrides_and_zero_width_characters_leave_markdown_and_subject(
        tmp_path: Path, mail_env: dict[str, str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sly = {"Ferry": "Fe\u200brry\u202e", "union": "un\u2066ion\u200d", "island": "is\u2060land\u00ad"}
    body = _text(FERRY)
    for word, hidden in sly.items():
        body = body.replace(word, hidden)
    (folder / "a.json").write_text(json.dumps({
        "text": body, "title": "Ferry\u202e strike\u200b goes on\u2067", "outlet": "Kes\u202etrel"}))
    (folder / "b.md").write_text("---\ntitle: \u202eekirts yrreF\n---\n" + _text(OTHER))
    out = tmp_path / "out"
    result = _build(str(folder), "--out", str(out), "--email", "--dry-run", env=mail_env)
    assert result.exit_code == 0, result.output
    written = {p.suffix: p for p in _files(out)}
    md = written[".md"].read_text(encoding="utf-8")
    assert not INVISIBLE.search(md) and "\u00ad" not in md
    assert "Ferry crossings" in md and "Kestrel" in md
    msg = email.message_from_bytes(written[".eml"].read_bytes(), policy=policy.default)
    assert not INVISIBLE.search(msg["Subject"]), repr(msg["Subject"])


def test_json_metadata_of_the_wrong_type_is_not_shown(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({
        "text": _text(FERRY), "title": True, "outlet": ["Kestrel", 3.5, None, True],
        "url": 3.5, "byline": {"name": False}, "date": [2031]}))
    (folder / "b.json").write_text(json.dumps({"text": _text(OTHER), "outlet": 7, "title": 1.5}))
    result = _build(str(folder), "--out", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    sources = json.loads(result.stdout)["sources"]
    shown = json.dumps(sources)
    for wrong in ("True", "true", "3.5", "1.5", "\"7\"", "False", "2031"):
        assert wrong not in shown, (wrong, sources)
    assert {s["outlet"] for s in sources} >= {"Kestrel"}


# ------------------------------------------------------------------ shared history


def _day_rows(db: Path, date: str) -> tuple[set[str], set[str]]:
    """(texts of the facts, paths of the briefings) the history holds for `date`."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        facts = {r[0] for r in conn.execute("SELECT text FROM facts WHERE date = ?", (date,))}
        paths = {r[0] for r in conn.execute("SELECT path FROM briefings WHERE date = ?", (date,))}
    return facts, paths


def test_two_configs_sharing_a_history_keep_their_own_facts(tmp_path: Path) -> None:
    from briefing.daily.config import load_config
    from briefing.daily.run import run_daily

    db, day = tmp_path / "shared-history.sqlite3", "2031-01-02"
    configs = {}
    for name, seed in (("a", 1), ("b", 2)):
        root = tmp_path / name
        write_articles(root / "inbox", 6, seed=seed)
        (root / "briefing.toml").write_text(f'inboxes = ["inbox"]\ndb = "{db}"\n')
        configs[name] = load_config(root / "briefing.toml")
    first = run_daily(configs["a"], day)
    facts_a, _ = _day_rows(db, day)
    second = run_daily(configs["b"], day)
    facts_both, paths = _day_rows(db, day)
    assert first.facts_new and second.facts_new and facts_a
    assert facts_a <= facts_both and facts_both - facts_a  # b's day added to a's, erased nothing
    assert paths == {str(first.paths[0]), str(second.paths[0])}
    # a's day rebuilt from its archive gives the same bytes: b's run changed nothing of a's
    again = run_daily(configs["a"], day, collect=False)
    assert again.markdown == first.markdown and not again.changed


# ------------------------------------------------------------------ damaged outbox records


@pytest.mark.parametrize(("field", "value", "why"), [
    ("attempts", "many", "`attempts` must be a whole number"),
    ("recipients", "reader@example.org", "`recipients` must be a list of addresses"),
    ("recipients", ["reader@example.org", 7], "`recipients` must be a list of addresses"),
    ("permanent", "no", "`permanent` must be true or false"),
    ("subject", ["a"], "`subject` must be text"),
])
def test_a_hand_damaged_outbox_record_is_reported_never_sent(
        tmp_path: Path, field: str, value: object, why: str) -> None:
    from mailsupport import Recorder, settings_for, smtp_server

    from briefing.deliver.outbox import Outbox, queue_and_send

    text = "# Daily briefing: Ferry strike\n\n*2031-01-02*\n\n## Key points\n\n- Ferries stopped. [1]\n"
    rec = Recorder(data_replies=["451 4.3.0 later"])
    with smtp_server(rec) as port:
        settings = settings_for(port, retries=0)
        assert queue_and_send(text, settings, tmp_path).status == "waiting"
        [entry] = Outbox(tmp_path).entries()
        record = json.loads(entry.sidecar.read_text())
        record[field] = value
        entry.sidecar.write_text(json.dumps(record))
        config = tmp_path / "mail.toml"
        config.write_text(f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                          f'from = "bot@example.org"\nto = "reader@example.org"\n')
        listed = CliRunner().invoke(app, ["outbox", "--config", str(config), "--outbox", str(tmp_path)])
        retried = CliRunner().invoke(app, ["outbox", "--retry", "--config", str(config),
                                           "--outbox", str(tmp_path)])
    assert listed.exit_code == 0 and "Traceback" not in listed.output, listed.output
    assert why in listed.stdout
    assert retried.exit_code == 6 and "Traceback" not in retried.output
    assert why in retried.stderr
    assert rec.received == [] and rec.transactions == 1  # only the first, refused, attempt
    assert entry.eml.exists()  # kept: nothing is lost


V1_SCHEMA = """
CREATE TABLE articles (hash TEXT PRIMARY KEY, first_date TEXT NOT NULL, label TEXT NOT NULL,
                       title TEXT NOT NULL DEFAULT '');
CREATE TABLE facts (key TEXT NOT NULL, date TEXT NOT NULL, text TEXT NOT NULL,
                    kind TEXT NOT NULL DEFAULT 'fact', PRIMARY KEY (key, date));
CREATE TABLE briefings (date TEXT PRIMARY KEY, digest TEXT NOT NULL, path TEXT NOT NULL,
                        articles INTEGER NOT NULL, stories INTEGER NOT NULL, facts INTEGER NOT NULL);
CREATE TABLE mails (date TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL,
                    PRIMARY KEY (date, key));
INSERT INTO articles VALUES ('h1', '2031-01-01', 'a.txt', '');
INSERT INTO facts VALUES ('ferries stopped', '2031-01-01', 'Ferries stopped.', 'fact');
INSERT INTO briefings VALUES ('2031-01-01', 'd', 'output/2031-01-01.md', 1, 1, 1);
PRAGMA user_version=1;
"""


def test_a_history_from_before_scopes_is_kept_and_read_by_every_config(tmp_path: Path) -> None:
    import sqlite3

    from briefing.daily.history import History

    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.executescript(V1_SCHEMA)
    before = db.read_bytes()
    with History(db, readonly=True, scope="/a/archive") as h:  # a dry run: read, never written
        assert [f.text for f in h.briefed_before("2031-01-02")] == ["Ferries stopped."]
    assert db.read_bytes() == before
    for scope in ("/a/archive", "/b/archive"):
        with History(db, scope=scope) as h:
            assert h.first_seen(["h1"]) == {"h1": "2031-01-01"}
            assert [f.text for f in h.briefed_before("2031-01-02")] == ["Ferries stopped."]
            assert h.briefing("2031-01-01") == ("d", "output/2031-01-01.md")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
