"""Mail settings: the [mail] table of the config file and the environment, checked by one table
of keys (`MAIL_KEYS`) into MailSettings."""

from __future__ import annotations

import email.policy
import email.utils
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from pathlib import Path

from briefing.deliver.config_file import ConfigFile, Key, Origin, parse_table, read_config
from briefing.errors import ConfigError

log = logging.getLogger(__name__)


SECURITY_MODES = ("starttls", "ssl", "none")


DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


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


def _one_sender(value: object, origin: Origin) -> str:
    senders = parse_addresses(value, origin.label)
    if len(senders) > 1:
        raise origin.error("must be one address")
    return senders[0] if senders else ""


def _cafile(value: object, origin: Origin) -> str:
    if value and not Path(str(value)).is_file():
        raise origin.error(f"names CA file {value}, which does not exist")
    return str(value) if value else ""


def _addresses(value: object, origin: Origin) -> tuple[str, ...]:
    return parse_addresses(list(value), origin.label)  # type: ignore[call-overload]


MAIL_KEYS = (
    Key("host", "text", "", env="BRIEFING_SMTP_HOST"),
    Key("port", "int", 0, 0, 65535, env="BRIEFING_SMTP_PORT"),
    Key("user", "text", "", env="BRIEFING_SMTP_USER"),
    Key("password", "text", "", env="BRIEFING_SMTP_PASSWORD", in_file=False),
    Key("security", "choice", "starttls", choices=SECURITY_MODES, env="BRIEFING_SMTP_SECURITY"),
    Key("cafile", "path", None, env="BRIEFING_SMTP_CAFILE", convert=_cafile),
    Key("from", "text", "", env="BRIEFING_MAIL_FROM", attr="sender", convert=_one_sender),
    Key("to", "texts", (), env="BRIEFING_MAIL_TO", convert=_addresses),
    Key("cc", "texts", (), env="BRIEFING_MAIL_CC", convert=_addresses),
    Key("bcc", "texts", (), env="BRIEFING_MAIL_BCC", convert=_addresses),
    Key("list_unsubscribe", "texts", (), env="BRIEFING_MAIL_LIST_UNSUBSCRIBE",
        convert=lambda v, o: _unsubscribe(",".join(v), o.label)),  # type: ignore[arg-type]
    Key("outbox", "path", None, env="BRIEFING_OUTBOX", convert=lambda v, o: str(v) if v else ""),
    Key("subject", "text", ""),
    Key("retries", "int", 3, 0, 20),
    Key("backoff", "number", 2.0, 0, 3600),
    Key("timeout", "number", 30.0, 0.01, 600),
)


ENV = {key.name: key.env for key in MAIL_KEYS if key.env}


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
        cls, config: ConfigFile | Mapping[str, object] | None = None,
        environ: Mapping[str, str] | None = None, where: str = "config",
    ) -> MailSettings:
        """Settings from a config file (its [mail] table) or a parsed config (its "mail"
        table, or the table itself), and the environment, which wins over the file."""
        if not isinstance(config, ConfigFile):
            config = config or {}
            data = config if "mail" in config else {"mail": dict(config)}
            config = ConfigFile(None, data)
        file = config
        name = where if file.path is None else file.name
        table = file.table("mail")
        values = parse_table(MAIL_KEYS, table, lambda key: Origin(name, f"[mail] {key}"),
                             file.base, environ)
        values = {k: ("" if v is None else v) for k, v in values.items()}
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> MailSettings:
        """The settings of the config file (`read_config`) and the environment."""
        environ = os.environ if environ is None else environ
        return cls.from_sources(read_config(path, environ), environ)

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
