"""History: which articles were seen and which facts were briefed, per day (SQLite).

One file, WAL journal, and every day's record written in one transaction: a run killed
midway leaves the history as it was before that run. A day rebuilt is replaced, not added to,
so running a day twice records it once.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from briefing.errors import BriefingError
from briefing.pool.build import normalise

SCHEMA_VERSION = 1


_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    hash TEXT PRIMARY KEY,      -- content hash of the article's normalised text
    first_date TEXT NOT NULL,   -- the day it was first collected (YYYY-MM-DD)
    label TEXT NOT NULL,        -- file name or URL, for people reading the database
    title TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS articles_by_date ON articles(first_date);
CREATE TABLE IF NOT EXISTS facts (
    key TEXT NOT NULL,          -- normalised text of one wording of a briefed fact
    date TEXT NOT NULL,         -- the briefing that carried it
    text TEXT NOT NULL,         -- the fact as briefed
    kind TEXT NOT NULL DEFAULT 'fact',  -- fact | quote (a quotation shown on its own)
    PRIMARY KEY (key, date)
);
CREATE INDEX IF NOT EXISTS facts_by_date ON facts(date);
CREATE TABLE IF NOT EXISTS briefings (
    date TEXT PRIMARY KEY,
    digest TEXT NOT NULL,       -- sha256 of the markdown written
    path TEXT NOT NULL,
    articles INTEGER NOT NULL,
    stories INTEGER NOT NULL,
    facts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mails (
    date TEXT NOT NULL,
    key TEXT NOT NULL,          -- the outbox key of the message
    status TEXT NOT NULL,       -- sent | already-sent | waiting | failed
    PRIMARY KEY (date, key)
);
"""


class HistoryError(BriefingError):
    """The history database cannot be opened or written."""

    exit_code = 5


def default_db_path() -> Path:
    return platformdirs.user_data_path("briefing") / "history.sqlite3"


def content_hash(text: str) -> str:
    """Same reporting, same hash: case, punctuation and spacing do not count."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:32]


def fact_key(text: str) -> str:
    return normalise(text)


@dataclass(frozen=True, slots=True)
class BriefedFact:
    key: str
    date: str
    text: str
    kind: str = "fact"


@dataclass(frozen=True, slots=True)
class DayRecord:
    """Everything one day's run adds to the history."""

    date: str
    articles: tuple[tuple[str, str, str], ...]  # (hash, label, title) of the day's new articles
    facts: tuple[tuple[str, str], ...]  # (key, text) for every wording of every briefed fact
    digest: str
    path: str
    stories: int
    quotes: tuple[tuple[str, str], ...] = ()  # (key, text) of every quotation shown


@dataclass(frozen=True, slots=True)
class DaySummary:
    """One day in the history, as `briefing history` lists it."""

    date: str
    articles: int  # articles first collected that day
    facts: int  # facts its briefing carried
    stories: int
    path: str  # the briefing written


class History:
    """The history database. Use as a context manager; `readonly` never creates or writes."""

    def __init__(self, path: Path | str, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> History:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        try:
            if self.readonly:
                if not self.path.exists():
                    self._conn = sqlite3.connect(":memory:")
                else:
                    uri = f"{self.path.resolve().as_uri()}?mode=ro"
                    self._conn = sqlite3.connect(uri, uri=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(self.path, timeout=30)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError(f"{self.path}: history written by a newer version (schema {version})")
            if not self.readonly or not self.path.exists():
                with self._conn:
                    self._conn.executescript(_SCHEMA)
                    self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._conn.execute("SELECT count(*) FROM articles").fetchone()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise HistoryError(f"{self.path}: not a usable history database ({exc})") from None
        except OSError as exc:
            self.close()
            raise HistoryError(f"cannot open history {self.path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise HistoryError(f"{self.path}: history is not open")
        return self._conn

    @contextlib.contextmanager
    def _query(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self.conn
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: {exc}") from None

    # -- reading ---------------------------------------------------------------------------

    def first_seen(self, hashes: Iterable[str]) -> dict[str, str]:
        """hash -> the day it was first collected, for the hashes already in the history."""
        found: dict[str, str] = {}
        wanted = list(dict.fromkeys(hashes))
        with self._query() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT hash, first_date FROM articles WHERE hash IN ({marks})", chunk
                )
                found.update(dict(rows))
        return found

    def briefed_before(self, date: str) -> list[BriefedFact]:
        """Every wording of every fact briefed on a day before `date`, oldest first."""
        with self._query() as conn:
            rows = conn.execute(
                "SELECT key, date, text, kind FROM facts WHERE date < ? ORDER BY date, rowid", (date,)
            ).fetchall()
        return [BriefedFact(*row) for row in rows]

    def briefing(self, date: str) -> tuple[str, str] | None:
        """(digest, path) of the briefing recorded for `date`, if any."""
        with self._query() as conn:
            row = conn.execute("SELECT digest, path FROM briefings WHERE date = ?", (date,)).fetchone()
        return (row[0], row[1]) if row else None

    def days(self) -> list[str]:
        with self._query() as conn:
            return [r[0] for r in conn.execute("SELECT date FROM briefings ORDER BY date")]

    def summaries(self) -> list[DaySummary]:
        """Every recorded day, oldest first."""
        with self._query() as conn:
            rows = conn.execute(
                "SELECT date, articles, facts, stories, path FROM briefings ORDER BY date"
            ).fetchall()
        return [DaySummary(*row) for row in rows]

    # -- writing ---------------------------------------------------------------------------

    def record_day(self, record: DayRecord) -> None:
        """Replace what the history says about `record.date`, all at once."""
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        with self._query() as conn, conn:
            conn.execute("DELETE FROM facts WHERE date = ?", (record.date,))
            conn.executemany(
                "INSERT INTO articles(hash, first_date, label, title) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(hash) DO UPDATE SET first_date = min(first_date, excluded.first_date)",
                [(h, record.date, label, title) for h, label, title in record.articles],
            )
            conn.executemany(
                "INSERT INTO facts(key, date, text, kind) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key, date) DO NOTHING",
                [(key, record.date, text, "fact") for key, text in record.facts]
                + [(key, record.date, text, "quote") for key, text in record.quotes],
            )
            conn.execute(
                "INSERT OR REPLACE INTO briefings(date, digest, path, articles, stories, facts) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (record.date, record.digest, record.path, len(record.articles), record.stories,
                 len({t for _, t in record.facts})),
            )

    def forget(self, date: str) -> bool:
        """Remove all the history says about `date` (its briefing, the facts it carried, the
        articles first seen that day), so a later run treats them as new; False when the day
        was never recorded. Files written (output, archive) are left alone."""
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        with self._query() as conn, conn:
            known = conn.execute("SELECT 1 FROM briefings WHERE date = ?", (date,)).fetchone()
            for table, column in (("briefings", "date"), ("facts", "date"), ("mails", "date"),
                                  ("articles", "first_date")):
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (date,))
        return known is not None

    def record_mail(self, date: str, key: str, status: str) -> None:
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        with self._query() as conn, conn:
            conn.execute(
                "INSERT OR REPLACE INTO mails(date, key, status) VALUES (?, ?, ?)", (date, key, status)
            )
