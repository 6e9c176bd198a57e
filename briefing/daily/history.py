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

SCHEMA_VERSION = 2


# Every row belongs to a scope: the archive folder of the config that wrote it, so two configs
# sharing one history (the default file) never replace or hide each other's days. Rows of
# schema 1 have scope "" (written before scopes existed): every scope reads them, and the first
# scoped rebuild of their day replaces them.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    scope TEXT NOT NULL DEFAULT '',  -- the config's archive folder ('' = before scopes)
    hash TEXT NOT NULL,         -- content hash of the article's normalised text
    first_date TEXT NOT NULL,   -- the day it was first collected (YYYY-MM-DD)
    label TEXT NOT NULL,        -- file name or URL, for people reading the database
    title TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scope, hash)
);
CREATE INDEX IF NOT EXISTS articles_by_date ON articles(scope, first_date);
CREATE TABLE IF NOT EXISTS facts (
    scope TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL,          -- normalised text of one wording of a briefed fact
    date TEXT NOT NULL,         -- the briefing that carried it
    text TEXT NOT NULL,         -- the fact as briefed
    kind TEXT NOT NULL DEFAULT 'fact',  -- fact | quote (a quotation shown on its own)
    PRIMARY KEY (scope, key, date)
);
CREATE INDEX IF NOT EXISTS facts_by_date ON facts(scope, date);
CREATE TABLE IF NOT EXISTS briefings (
    scope TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL,
    digest TEXT NOT NULL,       -- sha256 of the markdown written
    path TEXT NOT NULL,
    articles INTEGER NOT NULL,
    stories INTEGER NOT NULL,
    facts INTEGER NOT NULL,
    PRIMARY KEY (scope, date)
);
CREATE TABLE IF NOT EXISTS mails (
    scope TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL,
    key TEXT NOT NULL,          -- the outbox key of the message
    status TEXT NOT NULL,       -- sent | already-sent | waiting | failed | uncertain
    PRIMARY KEY (scope, date, key)
);
"""


_COLUMNS = {
    "articles": "hash, first_date, label, title",
    "facts": "key, date, text, kind",
    "briefings": "date, digest, path, articles, stories, facts",
    "mails": "date, key, status",
}


# Schema 1 -> 2: the same rows, each table rebuilt with its scope column ('' for all of them).
_MIGRATE_1 = "BEGIN;\n" + "".join(
    f"ALTER TABLE {t} RENAME TO {t}_v1;\n" for t in _COLUMNS
) + "DROP INDEX IF EXISTS articles_by_date;\nDROP INDEX IF EXISTS facts_by_date;\n" + _SCHEMA + "".join(
    f"INSERT INTO {t}(scope, {c}) SELECT '', {c} FROM {t}_v1;\nDROP TABLE {t}_v1;\n"
    for t, c in _COLUMNS.items()
) + "PRAGMA user_version=2;\nCOMMIT;\n"


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

    def __init__(self, path: Path | str, readonly: bool = False, scope: str | None = None) -> None:
        self.path = Path(path)
        self.readonly = readonly
        # whose days these are: a config's archive folder (its rows, and rows from before
        # scopes); None: the whole file, every config's rows (what `briefing history` shows)
        self.scope = scope
        self._conn: sqlite3.Connection | None = None

    @property
    def _mine(self) -> str:
        """The SQL condition for the rows of this scope."""
        return "1" if self.scope is None else "scope IN (?, '')"

    @property
    def _scope_args(self) -> tuple[str, ...]:
        return () if self.scope is None else (self.scope,)

    def __enter__(self) -> History:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        try:
            self._conn = self._connect()
            self._conn.execute("PRAGMA foreign_keys=ON")
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError(f"{self.path}: history written by a newer version (schema {version})")
            if version == 1:
                if self.readonly:  # read a migrated copy; the file itself is not touched
                    copy = sqlite3.connect(":memory:")
                    self._conn.backup(copy)
                    self._conn.close()
                    self._conn = copy
                self._conn.executescript(_MIGRATE_1)
            elif not self.readonly or not self.path.exists():
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

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            if not self.path.exists():
                return sqlite3.connect(":memory:")
            return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

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
                    f"SELECT hash, min(first_date) FROM articles WHERE {self._mine} "
                    f"AND hash IN ({marks}) GROUP BY hash", [*self._scope_args, *chunk]
                )
                found.update(dict(rows))
        return found

    def briefed_before(self, date: str) -> list[BriefedFact]:
        """Every wording of every fact briefed on a day before `date`, oldest first."""
        with self._query() as conn:
            rows = conn.execute(
                f"SELECT key, date, text, kind FROM facts WHERE {self._mine} AND date < ? "
                "ORDER BY date, rowid", (*self._scope_args, date)
            ).fetchall()
        return [BriefedFact(*row) for row in rows]

    def briefing(self, date: str) -> tuple[str, str] | None:
        """(digest, path) of the briefing recorded for `date`, if any."""
        with self._query() as conn:
            row = conn.execute(f"SELECT digest, path FROM briefings WHERE {self._mine} AND date = ? "
                               "ORDER BY scope DESC", (*self._scope_args, date)).fetchone()
        return (row[0], row[1]) if row else None

    def days(self) -> list[str]:
        with self._query() as conn:
            return [r[0] for r in conn.execute(
                f"SELECT DISTINCT date FROM briefings WHERE {self._mine} ORDER BY date", self._scope_args)]

    def summaries(self) -> list[DaySummary]:
        """Every recorded day, oldest first."""
        with self._query() as conn:
            rows = conn.execute(
                f"SELECT date, articles, facts, stories, path FROM briefings WHERE {self._mine} "
                "ORDER BY date", self._scope_args
            ).fetchall()
        return [DaySummary(*row) for row in rows]

    # -- writing ---------------------------------------------------------------------------

    def record_day(self, record: DayRecord) -> None:
        """Replace what the history says about `record.date` in this scope, all at once (rows
        of that day from before scopes existed are replaced too)."""
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        scope, date = self.scope or "", record.date
        with self._query() as conn, conn:
            for table in ("facts", "briefings"):
                conn.execute(f"DELETE FROM {table} WHERE scope IN (?, '') AND date = ?", (scope, date))
            conn.executemany(
                "INSERT INTO articles(scope, hash, first_date, label, title) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(scope, hash) DO UPDATE SET first_date = min(first_date, excluded.first_date)",
                [(scope, h, date, label, title) for h, label, title in record.articles],
            )
            conn.executemany(
                "INSERT INTO facts(scope, key, date, text, kind) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(scope, key, date) DO NOTHING",
                [(scope, key, date, text, "fact") for key, text in record.facts]
                + [(scope, key, date, text, "quote") for key, text in record.quotes],
            )
            conn.execute(
                "INSERT INTO briefings(scope, date, digest, path, articles, stories, facts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (scope, date, record.digest, record.path, len(record.articles), record.stories,
                 len({t for _, t in record.facts})),
            )

    def forget(self, date: str) -> bool:
        """Remove all the history says about `date` in this scope (its briefing, the facts it
        carried, the articles first seen that day), so a later run treats them as new; False
        when the day was never recorded. Files written (output, archive) are left alone."""
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        mine, args = self._mine, self._scope_args
        with self._query() as conn, conn:
            known = conn.execute(f"SELECT 1 FROM briefings WHERE {mine} AND date = ?",
                                 (*args, date)).fetchone()
            for table, column in (("briefings", "date"), ("facts", "date"), ("mails", "date"),
                                  ("articles", "first_date")):
                conn.execute(f"DELETE FROM {table} WHERE {mine} AND {column} = ?", (*args, date))
        return known is not None

    def record_mail(self, date: str, key: str, status: str) -> None:
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        with self._query() as conn, conn:
            conn.execute(
                "INSERT OR REPLACE INTO mails(scope, date, key, status) VALUES (?, ?, ?, ?)",
                (self.scope or "", date, key, status),
            )
