"""The config file: found and read once, its settings checked against tables of keys.

One TOML file configures `briefing daily` and the mail of `send`, `outbox` and `build --email`.
Each setting is declared once, as a `Key` (its kind, range, default and environment variable),
and checked by the same code wherever it is read. A bad value is reported against where it came
from: `/path/config.toml: [fetch] timeout must be ...` for the file, `BRIEFING_SMTP_PORT: must
be ...` for the environment (which wins over the file). Relative paths in the file are relative
to the file's folder; in the environment, to the working folder.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from briefing.errors import ConfigError
from briefing.executor import MAX_WORKERS, SCHEDULER_ENV, check_scheduler

CONFIG_ENV = "BRIEFING_CONFIG"


def default_config_path() -> Path:
    return platformdirs.user_config_path("briefing") / "config.toml"


def default_data_dir() -> Path:
    """Where briefing keeps its data: inbox, archive, output, history, outbox."""
    return platformdirs.user_data_path("briefing")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from, to name it in an error: a file's key, or a variable."""

    source: str  # the config file's path, "config" for a table given in code, or a variable
    key: str = ""  # `[fetch] timeout`, `archive`; "" for an environment variable

    @property
    def label(self) -> str:
        return f"{self.source}: {self.key}" if self.key else self.source

    def error(self, problem: str) -> ConfigError:
        return ConfigError(f"{self.label} {problem}" if self.key else f"{self.label}: {problem}")


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """The parsed TOML of one config file (or none: `path` None, no settings)."""

    path: Path | None = None
    data: Mapping[str, object] = field(default_factory=dict)
    folder: Path | None = None  # relative paths' folder, when not the file's own

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "config"

    @property
    def base(self) -> Path:
        """The folder relative paths in the file are relative to."""
        if self.folder is not None:
            return self.folder
        return self.path.resolve().parent if self.path else Path.cwd()

    def origin(self, table: str, key: str) -> Origin:
        return Origin(self.name, f"[{table}] {key}" if table else key)

    def table(self, name: str) -> Mapping[str, object]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.origin("", name).error("must be a table")
        return value


def read_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> ConfigFile:
    """The config at `path`, else $BRIEFING_CONFIG, else the user config file if it exists,
    else no file (every setting at its default)."""
    environ = os.environ if environ is None else environ
    explicit = str(path or environ.get(CONFIG_ENV) or "")
    target = Path(explicit) if explicit else default_config_path()
    if not target.is_file():
        if explicit:
            raise ConfigError(f"config file {target} does not exist (create one with `briefing init`)")
        return ConfigFile()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {target}: {exc.strerror or exc}") from None
    return ConfigFile(target, data)


# -- keys ------------------------------------------------------------------------------------

Convert = Callable[[object, Origin], object]


@dataclass(frozen=True, slots=True)
class Key:
    """One setting: `kind` says what a value must be (see `_KINDS`); `low`/`high` bound a
    number; `choices` a choice; `env` names the environment variable that overrides the file;
    `attr` the field it fills (default: `name`); `convert` checks further (addresses)."""

    name: str
    kind: str
    default: object = None
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    env: str = ""
    attr: str = ""
    convert: Convert | None = None
    in_file: bool = True  # False: a secret, accepted from the environment only

    @property
    def field(self) -> str:
        return self.attr or self.name


def _from_env(key: Key, text: str, origin: Origin) -> object:
    """An environment variable's text as the value its key expects."""
    text = text.strip()
    if key.kind in ("int", "number"):
        try:
            return int(text) if key.kind == "int" else float(text)
        except ValueError:
            raise origin.error(f"must be {_number_what(key)}, got {text!r}") from None
    if key.kind in ("texts", "paths", "urls", "choices"):
        return [part for part in text.split(",") if part.strip()]
    return text


def _number_what(key: Key) -> str:
    what = "a whole number" if key.kind == "int" else "a number"
    if key.low is not None and key.high is not None:
        return f"{what} from {key.low:g} to {key.high:g}"
    return what


def _number(key: Key, value: object, origin: Origin) -> object:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if key.kind == "int":
        ok = ok and float(value).is_integer()  # type: ignore[arg-type]
    if ok and key.low is not None and value < key.low:  # type: ignore[operator]
        ok = False
    if ok and key.high is not None and value > key.high:  # type: ignore[operator]
        ok = False
    if not ok:
        raise origin.error(f"must be {_number_what(key)}, got {value!r}")
    return int(value) if key.kind == "int" else float(value)  # type: ignore[arg-type]


def _text(key: Key, value: object, origin: Origin) -> str:
    if not isinstance(value, str):
        raise origin.error(f"must be text, got {value!r}")
    return value.strip()


def _name(key: Key, value: object, origin: Origin) -> str:
    """Text that names something (a prompt, a method): not blank."""
    if not isinstance(value, str) or not value.strip():
        raise origin.error(f"must be a name (text), got {value!r}")
    return value.strip()


def _texts(key: Key, value: object, origin: Origin) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) and v.strip() for v in items):
        raise origin.error(f"must be a list of text values, got {value!r}")
    return tuple(v.strip() for v in items)


def _path(value: object, origin: Origin, base: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise origin.error(f"must be a path (text), got {value!r}")
    path = Path(os.path.expanduser(value.strip()))
    return path if path.is_absolute() else base / path


def _choice(key: Key, value: object, origin: Origin) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in key.choices:
        raise origin.error(f"must be one of {', '.join(key.choices)}, got {value!r}")
    return text  # type: ignore[return-value]


def _urls(key: Key, value: object, origin: Origin) -> tuple[str, ...]:
    items = _texts(key, value, origin)
    for url in items:
        if not url.lower().startswith(("http://", "https://")):
            raise origin.error(f"entry {url!r} is not an http(s) URL")
    return items


_KINDS: dict[str, Callable[[Key, object, Origin, Path], object]] = {
    "text": lambda k, v, o, b: _text(k, v, o),
    "name": lambda k, v, o, b: _name(k, v, o),
    "int": lambda k, v, o, b: _number(k, v, o),
    "number": lambda k, v, o, b: _number(k, v, o),
    "bool": lambda k, v, o, b: v if isinstance(v, bool) else _bool(v, o),
    "texts": lambda k, v, o, b: _texts(k, v, o),
    "urls": lambda k, v, o, b: _urls(k, v, o),
    "path": lambda k, v, o, b: _path(v, o, b),
    "paths": lambda k, v, o, b: tuple(_path(p, o, b) for p in _texts(k, v, o)),
    "choice": lambda k, v, o, b: _choice(k, v, o),
    "choices": lambda k, v, o, b: tuple(_choice(k, c, o) for c in _texts(k, v, o)),
}


def _bool(value: object, origin: Origin) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise origin.error(f"must be true or false, got {value!r}")


def check(key: Key, value: object, origin: Origin, base: Path) -> object:
    """One value, checked and converted by its key."""
    value = _KINDS[key.kind](key, value, origin, base)
    return key.convert(value, origin) if key.convert else value


def _unknown(name: str, known: Sequence[str], origin: Origin) -> ConfigError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return origin.error(f"is not a known setting{hint}")


def parse_table(
    keys: Sequence[Key], table: Mapping[str, object], origin: Callable[[str], Origin], base: Path,
    environ: Mapping[str, str] | None = None, extra: Sequence[str] = (),
) -> dict[str, object]:
    """Every key's value, by field name: the environment variable if set, else the table's
    value, else the default (a path default is relative to `base`). Keys the table has that
    are not declared are errors, except `extra` ones (sub-tables read elsewhere)."""
    by_name = {k.name: k for k in keys}
    for name in table:
        if name not in by_name and name not in extra:
            raise _unknown(name, [*by_name, *extra], origin(name))
    values: dict[str, object] = {}
    for key in keys:
        name_in = key.name in table
        if name_in and not key.in_file:
            raise origin(key.name).error(f"must not be in a file; set {key.env} instead")
        env = (environ or {}).get(key.env, "") if key.env else ""
        if env.strip():
            where = Origin(key.env)
            values[key.field] = check(key, _from_env(key, env, where), where, Path.cwd())
        elif name_in:
            values[key.field] = check(key, table[key.name], origin(key.name), base)
        elif key.kind == "path" and isinstance(key.default, str):
            values[key.field] = base / key.default
        else:
            values[key.field] = key.default
    return values


WORKERS = Key("workers", "int", None, 1, MAX_WORKERS, env="BRIEFING_WORKERS")


def _scheduler(value: object, origin: Origin) -> str:
    try:
        return check_scheduler(str(value))
    except ValueError as exc:
        raise origin.error(str(exc)) from None


SCHEDULER = Key("scheduler", "text", None, env=SCHEDULER_ENV, convert=_scheduler)


def env_setting(key: Key, environ: Mapping[str, str]) -> object:
    """A key's value from its environment variable alone (its default when unset)."""
    return parse_table((key,), {}, lambda name: Origin("", name), Path.cwd(), environ)[key.field]
