"""Mail settings: the [mail] table and the environment, validated into MailSettings."""

from __future__ import annotations

import email.policy
import email.utils
import logging
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from pathlib import Path

import platformdirs

from briefing.errors import ConfigError

log = logging.getLogger(__name__)


SECURITY_MODES = ("starttls", "ssl", "none")


DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


ENV = {
    "host": "BRIEFING_SMTP_HOST",
    "port": "BRIEFING_SMTP_PORT",
    "user": "BRIEFING_SMTP_USER",
    "password": "BRIEFING_SMTP_PASSWORD",
    "security": "BRIEFING_SMTP_SECURITY",
    "cafile": "BRIEFING_SMTP_CAFILE",
    "from": "BRIEFING_MAIL_FROM",
    "to": "BRIEFING_MAIL_TO",
    "cc": "BRIEFING_MAIL_CC",
    "bcc": "BRIEFING_MAIL_BCC",
    "list_unsubscribe": "BRIEFING_MAIL_LIST_UNSUBSCRIBE",
    "outbox": "BRIEFING_OUTBOX",
}


CONFIG_ENV = "BRIEFING_CONFIG"


_CONFIG_KEYS = {
    "host", "port", "user", "security", "cafile", "from", "to", "cc", "bcc",
    "list_unsubscribe", "outbox", "retries", "backoff", "timeout", "subject",
}


def default_config_path() -> Path:
    return platformdirs.user_config_path("briefing") / "config.toml"


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """The TOML config: `path`, else $BRIEFING_CONFIG, else the user config file if it exists."""
    environ = os.environ if environ is None else environ
    explicit = path or environ.get(CONFIG_ENV) or ""
    target = Path(explicit) if explicit else default_config_path()
    if not target.is_file():
        if explicit:
            raise ConfigError(f"config file {target} does not exist")
        return {}
    try:
        return tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {target}: {exc.strerror or exc}") from None


def _addr_spec(addr: str, where: str) -> str:
    """An address that can travel without SMTPUTF8: ASCII local part, IDNA domain."""
    local, at, domain = addr.strip().rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in addr.strip()):
        raise ConfigError(f"{where}: {addr!r} is not an email address")
    if not local.isascii():
        raise ConfigError(f"{where}: {addr!r} has a non-ASCII local part, which needs SMTPUTF8")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ConfigError(f"{where}: {addr!r} has an invalid domain") from None
    return f"{local}@{domain}"


def parse_addresses(value: object, where: str) -> tuple[str, ...]:
    """Addresses from a comma-separated string or a list, as `Name <addr>` / `addr` strings."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise ConfigError(f"{where}: expected addresses as text or a list of text, got {value!r}")
    out: list[str] = []
    for name, addr in email.utils.getaddresses(items):
        if not addr and not name:
            continue
        spec = _addr_spec(addr or name, where)
        try:
            out.append(str(Address(display_name=name if addr else "", addr_spec=spec)))
        except (ValueError, IndexError) as exc:
            raise ConfigError(f"{where}: {addr!r} is not a valid address ({exc})") from None
    return tuple(out)


def addr_spec_of(address: str) -> str:
    return email.utils.parseaddr(address)[1]


def _unsubscribe(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
        raise ConfigError(f"{where}: list_unsubscribe must be text or a list of text")
    out = []
    for item in (i.strip().strip("<>") for i in items):
        if not re.match(r"^(mailto:\S+@\S+|https?://\S+)$", item, re.IGNORECASE):
            raise ConfigError(f"{where}: list_unsubscribe {item!r} must be a mailto: or http(s) URL")
        out.append(item)
    return tuple(out)


def _number(value: object, kind: type, key: str, where: str, low: float, high: float) -> float:
    if isinstance(value, str):
        try:
            value = kind(value.strip())
        except ValueError:
            raise ConfigError(f"{where}: `{key}` must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"{where}: `{key}` must be a number from {low} to {high}, got {value!r}")
    if kind is int and value != int(value):
        raise ConfigError(f"{where}: `{key}` must be a whole number, got {value!r}")
    return kind(value)


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where and how to send. Build it with `MailSettings.from_sources(config, os.environ)`."""

    host: str = ""
    port: int = 0  # 0: the usual port for `security`
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    cafile: str = ""  # extra CA bundle to trust (e.g. a private or test CA); verification stays on
    sender: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    list_unsubscribe: tuple[str, ...] = ()
    outbox: str = ""  # folder; "" = the user data folder's outbox
    subject: str = ""  # subject template overriding the prompt's
    retries: int = 3  # further attempts within one run after a temporary failure
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def envelope_recipients(self) -> tuple[str, ...]:
        """Every address that receives the message (Bcc included), once each, in order."""
        seen: dict[str, str] = {}
        for addr in (*self.to, *self.cc, *self.bcc):
            spec = addr_spec_of(addr)
            seen.setdefault(spec.lower(), spec)
        return tuple(seen.values())

    @classmethod
    def from_sources(
        cls, config: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None,
        where: str = "config",
    ) -> MailSettings:
        """Settings from a parsed config (its [mail] table, or the table itself) and the
        environment; an environment variable overrides the file."""
        config = config or {}
        if "mail" in config:
            if not isinstance(config["mail"], dict):
                raise ConfigError(f"{where}: [mail] must be a table")
            table: Mapping[str, object] = config["mail"]
            unknown = sorted(set(table) - _CONFIG_KEYS - {"password"})
            if unknown:
                raise ConfigError(f"{where}: unknown key `mail.{unknown[0]}`")
        else:  # the [mail] table itself, or a config without one: other keys are not ours
            table = config
        if "password" in table:
            raise ConfigError(
                f"{where}: do not put the SMTP password in a file; set {ENV['password']} instead"
            )
        env = {k: environ.get(v, "") for k, v in ENV.items()} if environ else {}
        merged: dict[str, object] = {k: v for k, v in table.items() if k in _CONFIG_KEYS}
        merged.update({k: v for k, v in env.items() if v != ""})
        return cls._from_merged(merged, where)

    @classmethod
    def _from_merged(cls, m: Mapping[str, object], where: str) -> MailSettings:
        for key in ("host", "user", "password", "security", "cafile", "outbox", "subject"):
            if key in m and not isinstance(m[key], str):
                raise ConfigError(f"{where}: `{key}` must be text, got {m[key]!r}")
        security = str(m.get("security", "starttls")).strip().lower()
        if security not in SECURITY_MODES:
            raise ConfigError(f"{where}: security must be one of {', '.join(SECURITY_MODES)}, "
                              f"got {security!r}")
        cafile = str(m.get("cafile", ""))
        if cafile and not Path(cafile).is_file():
            raise ConfigError(f"{where}: CA file {cafile} does not exist")
        senders = parse_addresses(m.get("from", ""), f"{where}: from")
        if len(senders) > 1:
            raise ConfigError(f"{where}: `from` must be one address")
        return cls(
            host=str(m.get("host", "")).strip(),
            port=int(_number(m.get("port", 0), int, "port", where, 0, 65535)),
            user=str(m.get("user", "")),
            password=str(m.get("password", "")),
            security=security,
            cafile=cafile,
            sender=senders[0] if senders else "",
            to=parse_addresses(m.get("to", ""), f"{where}: to"),
            cc=parse_addresses(m.get("cc", ""), f"{where}: cc"),
            bcc=parse_addresses(m.get("bcc", ""), f"{where}: bcc"),
            list_unsubscribe=_unsubscribe(m.get("list_unsubscribe", ""), where),
            outbox=str(m.get("outbox", "")),
            subject=str(m.get("subject", "")),
            retries=int(_number(m.get("retries", 3), int, "retries", where, 0, 20)),
            backoff=float(_number(m.get("backoff", 2.0), float, "backoff", where, 0, 3600)),
            timeout=float(_number(m.get("timeout", 30.0), float, "timeout", where, 0.01, 600)),
        )

    def with_overrides(
        self, *, sender: str | None = None, to: Sequence[str] | None = None,
        cc: Sequence[str] | None = None, bcc: Sequence[str] | None = None,
        outbox: str | None = None, password: str | None = None,
    ) -> MailSettings:
        """The same settings with command-line values (None = keep) in place."""
        changes: dict[str, object] = {}
        if sender:
            parsed = parse_addresses(sender, "--from")
            if len(parsed) != 1:
                raise ConfigError("--from must be one address")
            changes["sender"] = parsed[0]
        for name, value in (("to", to), ("cc", cc), ("bcc", bcc)):
            if value:
                changes[name] = parse_addresses(list(value), f"--{name}")
        if outbox:
            changes["outbox"] = outbox
        if password:
            changes["password"] = password
        return replace(self, **changes)

    def check_server(self) -> None:
        """Raise ConfigError unless a server is set and the password would travel safely."""
        if not self.host:
            raise ConfigError(f"no SMTP server: set {ENV['host']} or `host` in [mail]")
        if self.user and self.security == "none" and not _is_loopback(self.host):
            raise ConfigError(
                f"refusing to send the SMTP password unencrypted to {self.host}; "
                "use security starttls or ssl"
            )

    def check_sendable(self) -> None:
        """Raise ConfigError naming the first missing piece needed to send for real."""
        self.check_server()
        if not self.sender:
            raise ConfigError(f"no sender: set {ENV['from']} or `from` in [mail]")
        if not self.envelope_recipients:
            raise ConfigError(f"no recipients: set {ENV['to']}, `to` in [mail], or pass --to")


def _is_loopback(host: str) -> bool:
    return host == "localhost" or host.startswith("127.") or host == "::1"
