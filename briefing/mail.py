"""Mail: settings, the multipart message of a briefing, and one SMTP delivery attempt.

The outbox (briefing/outbox.py) decides when to try and keeps every message until a server has
accepted it; this module only builds messages and talks to the server once. Secrets come from
the environment and never appear in a repr, a log line or an error message."""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
import html
import logging
import os
import re
import smtplib
import socket
import ssl
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import platformdirs

from briefing.errors import ConfigError, MailError, PromptError
from briefing.mailhtml import briefing_html
from briefing.prompts import Prompt, load_prompt

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# Serialised with CRLF line ends and RFC 2047 encoded words: what smtplib sends, as sent.
WIRE_POLICY = email.policy.SMTP

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


# ---------------------------------------------------------------------------------------------
# settings
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# the message
# ---------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
# a backslash escape (kept as its character) or an emphasis/code marker (dropped)
_MD_INLINE = re.compile(r"\\([\\`*_{}\[\]()<>#|!~.+=\-])|\*\*|__|\*|`")


def _plain(md_inline: str) -> str:
    """Markdown inline text as a reader sees it (escapes and entities resolved)."""
    text = _MD_INLINE.sub(lambda m: m.group(1) or "", md_inline)
    return " ".join(html.unescape(text).split())


def read_head(markdown_text: str) -> tuple[str, str]:
    """(title, date) of a briefing: its first `# ` heading and the first ISO date between that
    and the first section. Either may be "" when the text does not have it."""
    title, date = "", ""
    lines = markdown_text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("# ") or (line.startswith("#") and line.strip("#").strip() and
                                     not line.startswith("##")):
            title = _plain(line.lstrip("#").strip().rstrip("#").strip())
            for later in lines[n + 1 : n + 8]:
                if later.startswith("## "):
                    break
                found = _ISO_DATE.search(later)
                if found:
                    date = found.group(1)
                    break
            break
    if not title:
        title = next((_plain(x) for x in lines if x.strip()), "")
    return title, date


def headline_from_title(title: str, title_template: str) -> str:
    """Undo the prompt's title pattern ("Daily briefing: {headline}" -> the headline)."""
    if "{headline}" not in title_template:
        return title
    pattern = ""
    for piece in re.split(r"(\{[a-z_]+\})", title_template):
        if piece == "{headline}":
            pattern += "(?P<headline>.+)"
        elif re.fullmatch(r"\{[a-z_]+\}", piece):
            pattern += ".*?"
        else:
            pattern += re.escape(piece)
    found = re.fullmatch(pattern, title, re.DOTALL)
    return found.group("headline").strip() if found else title


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def make_subject(template: str, *, headline: str, date: str, title: str = "") -> str:
    try:
        subject = template.format_map(_Keep(headline=headline, date=date, title=title))
    except (ValueError, IndexError, AttributeError) as exc:
        raise ConfigError(f"subject template {template!r} is invalid ({exc})") from None
    return " ".join(subject.split())  # one line: no header injection


def _default_prompt() -> Prompt:
    try:
        return load_prompt("default")
    except PromptError:
        return Prompt(name="default")


@dataclass(frozen=True, slots=True)
class Composed:
    """A message ready for the outbox: the bytes as sent and its envelope."""

    key: str  # stable file stem in the outbox, derived like the Message-ID
    message_id: str
    subject: str
    sender: str  # envelope sender (bare address)
    recipients: tuple[str, ...]  # envelope recipients, Bcc included
    data: bytes  # the message with CRLF line ends, 7-bit clean, no Bcc header


def content_key(markdown_text: str, date: str, sender: str, recipients: Sequence[str]) -> str:
    """Same briefing, same date, same people -> same key, so a re-send is recognised."""
    digest = hashlib.sha256()
    for part in (markdown_text, date, sender.lower(), *sorted(r.lower() for r in recipients)):
        digest.update(part.encode("utf-8") + b"\x00")
    return f"{date}-{digest.hexdigest()[:20]}"


def compose(
    markdown_text: str,
    settings: MailSettings,
    *,
    prompt: Prompt | None = None,
    now: dt.datetime | None = None,
) -> Composed:
    """The multipart/alternative message of one briefing (markdown text + sanitised HTML)."""
    prompt = prompt or _default_prompt()
    title, date = read_head(markdown_text)
    when = now or email.utils.localtime()
    date = date or when.date().isoformat()
    headline = headline_from_title(title, prompt.title)
    subject = make_subject(settings.subject or prompt.subject, headline=headline, date=date,
                           title=title)
    sender = settings.sender or "briefing@localhost"
    envelope_from = addr_spec_of(sender)
    recipients = settings.envelope_recipients
    key = content_key(markdown_text, date, envelope_from, recipients)
    domain = envelope_from.rpartition("@")[2] or "localhost"
    message_id = f"<{key}@{domain}>"

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    if settings.to:
        msg["To"] = ", ".join(settings.to)
    else:
        msg["To"] = "undisclosed-recipients:;"
    if settings.cc:
        msg["Cc"] = ", ".join(settings.cc)
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = message_id
    if settings.list_unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in settings.list_unsubscribe)
    msg["Auto-Submitted"] = "auto-generated"
    text = markdown_text if markdown_text.endswith("\n") else markdown_text + "\n"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(briefing_html(markdown_text, title=subject), subtype="html",
                        charset="utf-8", cte="quoted-printable")
    msg.set_boundary(f"=_briefing_{key}")  # deterministic bytes for the same input
    data = msg.as_bytes(policy=WIRE_POLICY)
    return Composed(key, message_id, subject, envelope_from, recipients, data)


# ---------------------------------------------------------------------------------------------
# one SMTP delivery attempt
# ---------------------------------------------------------------------------------------------


class SendFailure(MailError):
    """One delivery attempt failed. `temporary` failures are worth retrying later."""

    def __init__(self, message: str, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True, slots=True)
class Refusal:
    recipient: str
    code: int
    reason: str

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())


def _scrub(message: str, settings: MailSettings) -> str:
    return message.replace(settings.password, "***") if settings.password else message


def classify(exc: BaseException, settings: MailSettings) -> SendFailure:
    """Turn whatever the network or the server said into a one-line, classified failure."""
    where = f"{settings.host}:{settings.effective_port}"
    if isinstance(exc, SendFailure):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        temporary = 400 <= exc.smtp_code < 500
        msg = f"{where}: login as {settings.user!r} refused: {exc.smtp_code} {_text(exc.smtp_error)}"
        return SendFailure(_scrub(msg, settings), temporary)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = [Refusal(r, c, _text(m)) for r, (c, m) in exc.recipients.items()]
        temporary = any(r.temporary for r in refusals)
        detail = "; ".join(f"{r.recipient}: {r.code} {r.reason}" for r in refusals)
        return SendFailure(_scrub(f"{where}: every recipient refused: {detail}", settings), temporary)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        msg = f"{where}: server said {code} {_text(exc.smtp_error)}"
        return SendFailure(_scrub(msg, settings), not 500 <= code < 600)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendFailure(f"{where}: {exc}", temporary=False)
    if isinstance(exc, ssl.SSLCertVerificationError):
        hint = "" if settings.cafile else f" (to trust a private CA, set {ENV['cafile']})"
        return SendFailure(f"{where}: TLS certificate not trusted: {exc.verify_message}{hint}",
                           temporary=False)
    if isinstance(exc, ssl.SSLError):
        return SendFailure(f"{where}: TLS failed: {exc.reason or exc}", temporary=False)
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, TimeoutError):
        return SendFailure(f"{where}: no answer within {settings.timeout:g}s", temporary=True)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SendFailure(f"{where}: server closed the connection ({exc})", temporary=True)
    if isinstance(exc, TimeoutError | socket.timeout):
        return SendFailure(f"{where}: no answer within {settings.timeout:g}s", temporary=True)
    if isinstance(exc, ConnectionRefusedError):
        return SendFailure(f"{where}: connection refused (nothing listening)", temporary=True)
    if isinstance(exc, socket.gaierror):
        return SendFailure(f"{where}: cannot resolve host ({exc.strerror})", temporary=True)
    if isinstance(exc, OSError):
        return SendFailure(f"{where}: network error: {exc.strerror or exc}", temporary=True)
    if isinstance(exc, smtplib.SMTPException):
        return SendFailure(_scrub(f"{where}: {exc}", settings), temporary=True)
    raise exc


def _open(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.cafile or None)
    host, port, timeout = settings.host, settings.effective_port, settings.timeout
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        client.ehlo()
        if settings.security == "starttls":
            if not client.has_extn("starttls"):
                raise SendFailure(
                    f"{host}:{port}: server does not offer STARTTLS; refusing to send in clear "
                    f"(set {ENV['security']}=none only for a trusted local relay)",
                    temporary=False,
                )
            client.starttls(context=context)
            client.ehlo()
        if settings.user:
            client.login(settings.user, settings.password)
    except BaseException:
        client.close()
        raise
    return client


def deliver_once(
    data: bytes, sender: str, recipients: Sequence[str], settings: MailSettings
) -> tuple[Refusal, ...]:
    """One SMTP transaction. Returns the recipients the server refused (empty: all accepted);
    raises SendFailure when nothing was accepted."""
    log.info("connecting to %s:%s (%s)", settings.host, settings.effective_port, settings.security)
    try:
        client = _open(settings)
    except Exception as exc:  # every cause is classified; unknown ones are re-raised
        raise classify(exc, settings) from None
    try:
        try:
            refused = client.sendmail(sender, list(recipients), data)
        except smtplib.SMTPRecipientsRefused as exc:
            refusals = tuple(Refusal(r, c, _text(m)) for r, (c, m) in exc.recipients.items())
            if len(refusals) < len(recipients):  # cannot happen per smtplib; be safe
                return refusals
            raise classify(exc, settings) from None
        except Exception as exc:
            raise classify(exc, settings) from None
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()  # the message was already accepted or refused; QUIT is a courtesy
    return tuple(Refusal(r, c, _text(m)) for r, (c, m) in refused.items())
