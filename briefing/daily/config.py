"""The daily configuration: a TOML file naming inboxes, feeds, URLs, budgets, output and mail.

Relative paths are relative to the config file's folder, so a config and its folders can move
together. The `[mail]` table is read by `briefing.mail` (same file, same keys as `briefing send`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from briefing.daily.stories import DEFAULT_THRESHOLD
from briefing.errors import ConfigError
from briefing.rank.methods import METHODS
from briefing.read.web import USER_AGENT

CONFIG_ENV = "BRIEFING_CONFIG"


FORMATS = ("md", "json", "html")


def default_config_path() -> Path:
    return platformdirs.user_config_path("briefing") / "config.toml"


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
    mail: dict | None = None  # the raw [mail] table, for briefing.mail


_TOP = {"inboxes", "feeds", "urls", "archive", "output", "formats", "db", "prompt", "method",
        "budget", "stories", "fetch", "mail"}


_TABLES = {
    "budget": {"story_sentences", "max_stories", "developing", "also_reported"},
    "stories": {"threshold", "min_origins"},
    "fetch": {"timeout", "user_agent", "max_entries", "cache", "cache_days", "allow_private"},
}


def _path(value: object, key: str, base: Path, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: `{key}` must be a path (text), got {value!r}")
    path = Path(os.path.expanduser(value))
    return path if path.is_absolute() else base / path


def _strings(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of text values")
    return tuple(v.strip() for v in value)


def _number(value: object, key: str, where: str, kind: type, low: float, high: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        ok = ok and isinstance(value, int)
    if not ok or not low <= value <= high:  # type: ignore[operator]
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{where}: `{key}` must be {what} from {low:g} to {high:g}, got {value!r}")
    return value  # type: ignore[return-value]


def parse_config(data: dict, base: Path, where: str) -> DailyConfig:
    """A `DailyConfig` from parsed TOML; every mistake names the file and the key."""
    for key in sorted(set(data) - _TOP):
        raise ConfigError(f"{where}: unknown key `{key}`")
    values: dict[str, object] = {"path": where}
    if "inboxes" in data:
        values["inboxes"] = tuple(_path(v, "inboxes", base, where)
                                  for v in _strings(data["inboxes"], "inboxes", where))
    for key in ("feeds", "urls"):
        if key in data:
            items = _strings(data[key], key, where)
            for url in items:
                if not url.lower().startswith(("http://", "https://")):
                    raise ConfigError(f"{where}: `{key}` entry {url!r} is not an http(s) URL")
            values[key] = items
    for key in ("archive", "output", "db"):
        if key in data:
            values[key] = _path(data[key], key, base, where)
    if "formats" in data:
        formats = _strings(data["formats"], "formats", where)
        for fmt in formats:
            if fmt not in FORMATS:
                raise ConfigError(f"{where}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        values["formats"] = tuple(dict.fromkeys(("md", *formats)))
    for key in ("prompt", "method"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise ConfigError(f"{where}: `{key}` must be text")
            values[key] = data[key].strip()
    if values.get("method", "default") not in METHODS:
        raise ConfigError(f"{where}: method {values['method']!r} is not one of {', '.join(METHODS)}")
    for table, keys in _TABLES.items():
        sub = data.get(table, {})
        if not isinstance(sub, dict):
            raise ConfigError(f"{where}: `{table}` must be a table")
        for key in sorted(set(sub) - keys):
            raise ConfigError(f"{where}: unknown key `{table}.{key}`")
    budget, stories, fetch = data.get("budget", {}), data.get("stories", {}), data.get("fetch", {})
    for key in ("story_sentences", "max_stories"):
        if key in budget:
            values[key] = _number(budget[key], f"budget.{key}", where, int, 1, 1000)
    for key in ("developing", "also_reported"):
        if key in budget:
            values[key] = _number(budget[key], f"budget.{key}", where, int, 0, 1000)
    if "threshold" in stories:
        values["threshold"] = float(_number(stories["threshold"], "stories.threshold", where,
                                            float, 0.0, 1.0))
    if "min_origins" in stories:
        values["min_origins"] = _number(stories["min_origins"], "stories.min_origins", where, int, 1, 1000)
    if "timeout" in fetch:
        values["timeout"] = float(_number(fetch["timeout"], "fetch.timeout", where, float, 0.01, 600))
    if "max_entries" in fetch:
        values["max_entries"] = _number(fetch["max_entries"], "fetch.max_entries", where, int, 1, 10000)
    if "cache_days" in fetch:
        values["cache_days"] = float(_number(fetch["cache_days"], "fetch.cache_days", where,
                                             float, 0, 36500))
    if "user_agent" in fetch:
        if not isinstance(fetch["user_agent"], str) or not fetch["user_agent"].strip():
            raise ConfigError(f"{where}: `fetch.user_agent` must be text")
        values["user_agent"] = fetch["user_agent"].strip()
    if "cache" in fetch:
        values["cache"] = _path(fetch["cache"], "fetch.cache", base, where)
    if "allow_private" in fetch:
        if not isinstance(fetch["allow_private"], bool):
            raise ConfigError(f"{where}: `fetch.allow_private` must be true or false")
        values["allow_private"] = fetch["allow_private"]
    if "mail" in data:
        if not isinstance(data["mail"], dict):
            raise ConfigError(f"{where}: `mail` must be a table")
        mail = dict(data["mail"])
        for key in ("outbox", "cafile"):  # paths in this file are relative to this file
            if isinstance(mail.get(key), str) and mail[key].strip():
                mail[key] = str(_path(mail[key], f"mail.{key}", base, where))
        values["mail"] = mail
    if "archive" not in values:
        values["archive"] = base / "archive"
    if "output" not in values:
        values["output"] = base / "output"
    return DailyConfig(**values)  # type: ignore[arg-type]


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> DailyConfig:
    """The config at `path`, else $BRIEFING_CONFIG, else the user config file if it exists,
    else the defaults (no inputs, folders under the current directory)."""
    environ = dict(os.environ) if environ is None else environ
    explicit = str(path or environ.get(CONFIG_ENV) or "")
    target = Path(explicit) if explicit else default_config_path()
    if not target.is_file():
        if explicit:
            raise ConfigError(f"config file {target} does not exist (create one with `briefing init`)")
        return parse_config({}, Path.cwd(), "defaults")
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {target}: {exc.strerror or exc}") from None
    return parse_config(data, target.resolve().parent, str(target))


TEMPLATE = """\
# briefing: configuration of `briefing daily` (and of `briefing send` for the [mail] table).
# Relative paths are relative to the folder of this file. Run `briefing daily --config THIS`.

# Folders where you drop the day's articles (.txt, .md, .html, .json, .jsonl). After a run
# their files are moved to archive/<date>/ (never deleted).
inboxes = ["inbox"]

# RSS or Atom feeds: each entry's page is fetched and its article extracted.
feeds = [
    # "https://example.org/world/rss.xml",
]

# Single article pages to include in the next briefing.
urls = [
    # "https://example.org/2025/09/05/summit-report.html",
]

archive = "archive"   # processed inbox files and fetched articles, one folder per day
output = "output"     # briefings are written to output/<date>.md
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
threshold = 0.1       # how alike articles must be to be one story (0-1; higher = more stories)
min_origins = 2       # independent outlets a story needs for its own section

[fetch]
timeout = 20          # seconds for one whole download (redirects included)
max_entries = 30      # entries read per feed
# user_agent = "briefing/0.1 (+https://example.org/contact)"
# cache = "cache"     # fetched feeds and pages (default: user cache folder)
cache_days = 30       # cached pages older than this are removed
allow_private = false # true: also fetch private, loopback and link-local addresses

[mail]
# Used with `briefing daily --email`. Server settings can come from the environment instead:
# BRIEFING_SMTP_HOST, BRIEFING_SMTP_PORT, BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD (never put
# the password in this file), BRIEFING_SMTP_SECURITY (starttls | ssl | none).
# host = "smtp.example.org"
# port = 587
# security = "starttls"
# from = "Briefing <briefing@example.org>"
# to = ["editor@example.org"]
"""


def write_template(path: Path) -> Path:
    """Write the commented example config; never over an existing file."""
    from briefing.atomic import write_atomic

    if path.exists():
        raise ConfigError(f"{path} already exists; not overwriting it")
    return write_atomic(path, TEMPLATE)
