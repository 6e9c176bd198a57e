"""The daily configuration: a TOML file naming inboxes, feeds, URLs, budgets, output and mail.

Read by the one config loader (`briefing.deliver.config_file`) and checked against the key
tables below. Relative paths are relative to the config file's folder, so a config and its
folders can move together; with no config file, folders are in the user data folder. The
`[mail]` table is the one `briefing send` reads (`MailSettings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefing.daily.stories import DEFAULT_THRESHOLD
from briefing.deliver.config_file import (
    SCHEDULER,
    WORKERS,
    ConfigFile,
    Key,
    default_config_path,
    default_data_dir,
    parse_table,
    read_config,
)
from briefing.deliver.mail_settings import MAIL_KEYS
from briefing.errors import ConfigError
from briefing.rank import METHODS
from briefing.settings import USER_AGENT

__all__ = ["DailyConfig", "default_config_path", "load_config", "parse_config", "write_template"]


FORMATS = ("md", "json", "html")


@dataclass(frozen=True, slots=True)
class DailyConfig:
    path: str = ""  # the file it was read from ("" = built-in defaults)
    inboxes: tuple[Path, ...] = ()
    feeds: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    archive: Path = Path("archive")
    output: Path = Path("output")
    formats: tuple[str, ...] = ("md",)
    db: Path | None = None  # None: the user data folder's history
    prompt: str = "default"
    method: str = "default"
    # budgets
    story_sentences: int = 4  # facts per story section
    max_stories: int = 8
    developing: int = 5  # one-line updates on facts briefed before
    also_reported: int = 10
    # stories
    threshold: float = DEFAULT_THRESHOLD
    min_origins: int = 2  # independent origins a story needs for its own section
    # fetching
    timeout: float = 20.0
    user_agent: str = USER_AGENT
    max_entries: int = 30  # per feed
    cache: Path | None = None  # None: the user cache folder
    cache_days: float = 30.0
    allow_private: bool = False  # fetch private, loopback and link-local addresses
    # a day with nothing new: no briefing and no mail, unless a short note is asked for
    nothing_new_note: bool = False
    # running
    workers: int | None = None  # processes working at once (None: automatic)
    scheduler: str | None = None  # Dask scheduler of the parallel work (None: none)
    mail: dict | None = None  # the [mail] table, its paths made absolute, for MailSettings


# Every setting of the file, by table ("" = top level): kind, default, range.
KEYS: dict[str, tuple[Key, ...]] = {
    "": (
        Key("inboxes", "paths", ()),
        Key("feeds", "urls", ()),
        Key("urls", "urls", ()),
        Key("archive", "path", "archive"),
        Key("output", "path", "output"),
        Key("formats", "choices", ("md",), choices=FORMATS,
            convert=lambda v, o: tuple(dict.fromkeys(("md", *v)))),  # type: ignore[misc]
        Key("db", "path"),
        Key("prompt", "name", "default"),
        Key("method", "choice", "default", choices=tuple(METHODS)),
    ),
    "budget": (
        Key("story_sentences", "int", 4, 1, 1000),
        Key("max_stories", "int", 8, 1, 1000),
        Key("developing", "int", 5, 0, 1000),
        Key("also_reported", "int", 10, 0, 1000),
    ),
    "stories": (
        Key("threshold", "number", DEFAULT_THRESHOLD, 0.0, 1.0),
        Key("min_origins", "int", 2, 1, 1000),
    ),
    "fetch": (
        Key("timeout", "number", 20.0, 0.01, 600),
        Key("user_agent", "name", USER_AGENT),
        Key("max_entries", "int", 30, 1, 10000),
        Key("cache", "path"),
        Key("cache_days", "number", 30.0, 0, 36500),
        Key("allow_private", "bool", False),
    ),
    "daily": (Key("nothing_new_note", "bool", False),),
    "run": (WORKERS, SCHEDULER),
}


_TABLES = {table: {k.name for k in keys} for table, keys in KEYS.items() if table}


def _mail_table(file: ConfigFile) -> dict | None:
    """The [mail] table with its paths made absolute (relative to the file), checked when
    mail is sent (a bad mail setting does not stop a run without --email)."""
    if "mail" not in file.data:
        return None
    mail = dict(file.table("mail"))
    for key in (k.name for k in MAIL_KEYS if k.kind == "path"):
        value = mail.get(key)
        if isinstance(value, str) and value.strip():
            mail[key] = str(file.base / os.path.expanduser(value.strip()))
    return mail


def from_file(file: ConfigFile, environ: Mapping[str, str] | None = None) -> DailyConfig:
    """A `DailyConfig` from a config file (or none: the defaults, folders in the user data
    folder); every mistake names the file and the key, or the environment variable."""
    base = file.base if file.path else default_data_dir()
    values: dict[str, object] = {"path": file.name if file.path else "defaults"}
    values |= parse_table(KEYS[""], file.data, lambda key: file.origin("", key), base,
                          environ, extra=(*_TABLES, "mail"))
    for table, keys in KEYS.items():
        if table:
            values |= parse_table(keys, file.table(table), lambda key, t=table: file.origin(t, key),
                                  base, environ)
    values["mail"] = _mail_table(file)
    return DailyConfig(**values)  # type: ignore[arg-type]


def parse_config(data: dict, base: Path, where: str) -> DailyConfig:
    """A `DailyConfig` from parsed TOML as if read from a file `where` in the folder `base`
    (no environment)."""
    return from_file(ConfigFile(Path(where), data, folder=base), {})


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> DailyConfig:
    """The config at `path`, else $BRIEFING_CONFIG, else the user config file if it exists,
    else the defaults (no inputs, folders in the user data folder)."""
    environ = os.environ if environ is None else environ
    return from_file(read_config(path, environ), environ)


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


TEMPLATE = """\
# briefing: configuration of `briefing daily` (and of `briefing send` for the [mail] table).
# Relative paths are relative to the folder of this file. Run `briefing daily --config THIS`.
# The folders below are in your user data folder; move them anywhere.

# Folders where you drop the day's articles (.txt, .md, .html, .json, .jsonl). After a run
# their files are moved to archive/<date>/ (never deleted).
inboxes = [{inbox}]

# RSS or Atom feeds: each entry's page is fetched and its article extracted.
feeds = [
    # "https://example.org/world/rss.xml",
]

# Single article pages to include in the next briefing.
urls = [
    # "https://example.org/2025/09/05/summit-report.html",
]

archive = {archive}   # processed inbox files and fetched articles, one folder per day
output = {output}     # briefings are written to output/<date>.md
formats = ["md"]      # also "json", "html"
# db = "history.sqlite3"   # history of briefed articles and facts (default: user data folder)
prompt = "default"    # prompt name (prompts/) or path to a prompt TOML: title and subject
method = "default"    # ranking method (see `briefing build --help`)

[budget]
story_sentences = 4   # facts per story
max_stories = 8       # stories with their own section
developing = 5        # one-line updates on facts briefed on an earlier day
also_reported = 10    # single-source articles listed at the end

[stories]
threshold = {threshold}      # how alike articles must be to be one story (0-1; higher = more stories)
min_origins = 2       # independent outlets a story needs for its own section

[fetch]
timeout = 20          # seconds for one whole download (redirects included)
max_entries = 30      # entries read per feed
# user_agent = "briefing/0.1 (+https://example.org/contact)"
# cache = "cache"     # fetched feeds and pages (default: user cache folder)
cache_days = 30       # cached pages older than this are removed
allow_private = false # true: also fetch private, loopback and link-local addresses

[daily]
nothing_new_note = false   # a day with nothing new: no briefing, no mail (true: a short note)

[run]
# workers = 2         # processes working at once, 1 or 2 (default: 2 when a CPU is idle)
# scheduler = "tcp://scheduler.example.org:8786"   # a Dask cluster (or "local"); pip install 'briefing[dask]'

[mail]
# Used with `briefing daily --email`. Server settings can come from the environment instead:
# BRIEFING_SMTP_HOST, BRIEFING_SMTP_PORT, BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD (never put
# the password in this file), BRIEFING_SMTP_SECURITY (starttls | ssl | none).
# host = "smtp.example.org"
# port = 587
# security = "starttls"
# from = "Briefing <briefing@example.org>"
# to = ["editor@example.org"]
# outbox = "outbox"   # mail waiting to be sent (default: user data folder)
"""


def template(data_dir: Path) -> str:
    """The commented example config, its folders in `data_dir`."""
    return TEMPLATE.format(threshold=DEFAULT_THRESHOLD,
                           **{name: _toml(str(data_dir / name)) for name in ("inbox", "archive", "output")})


def write_template(path: Path, data_dir: Path | None = None) -> Path:
    """Write the commented example config (folders in `data_dir`, by default the user data
    folder); never over an existing file."""
    from briefing.atomic import write_atomic

    if path.exists():
        raise ConfigError(f"{path} already exists; not overwriting it")
    return write_atomic(path, template(data_dir or default_data_dir()))
