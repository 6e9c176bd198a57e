"""Mail: settings, the multipart message of a briefing, and one SMTP delivery attempt.

The outbox (briefing/outbox.py) decides when to try and keeps every message until a server has
accepted it; this module only builds messages and talks to the server once. Secrets come from
the environment and never appear in a repr, a log line or an error message."""

from __future__ import annotations

import datetime as dt
import email.header
import email.policy
import email.utils
import hashlib
import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from briefing.compose.prompt import Prompt, load_prompt
from briefing.deliver.mail_html import briefing_html
from briefing.deliver.mail_settings import MailSettings, addr_spec_of
from briefing.errors import ConfigError, PromptError
from briefing.read.decode import normalize_text

log = logging.getLogger(__name__)


# Serialised with CRLF line ends and RFC 2047 encoded words: what smtplib sends, as sent.
WIRE_POLICY = email.policy.SMTP


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


def header_text(text: str) -> str:
    """Decoded text fit for a header: one line, no control, bidi-override or invisible
    characters (a Subject must read as the briefing's title, left to right)."""
    return " ".join(normalize_text(text).split())


def make_subject(template: str, *, headline: str, date: str, title: str = "") -> str:
    try:
        subject = template.format_map(_Keep(headline=headline, date=date, title=title))
    except (ValueError, IndexError, AttributeError) as exc:
        raise ConfigError(f"subject template {template!r} is invalid ({exc})") from None
    return header_text(subject)  # one line: no header injection


def _set_subject(msg: EmailMessage, subject: str) -> None:
    """The Subject holding exactly `subject`. The email library decodes RFC 2047 encoded words
    in a value it is given, and sends text that only looks like one (`=?utf-8?b?SGkN...?=`) as
    it is, for the reader's program to decode: a title holding one would become line breaks,
    headers and a body. Such a subject is encoded whole by the library (email.header) and stored
    as encoded, never parsed again; any other is set the ordinary way."""
    if "=?" not in subject:
        msg["Subject"] = subject
        return
    folded = email.header.Header(subject, "utf-8", header_name="Subject").encode(linesep="\n")
    msg.set_raw("Subject", folded)


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
    _set_subject(msg, subject)
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
