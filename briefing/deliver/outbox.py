"""The outbox: every message is on disk before any attempt to send it, and leaves the outbox
only once the server accepted it for every recipient.

Layout of an outbox folder:
    <key>.eml   the message exactly as sent (no Bcc header)
    <key>.json  envelope (sender, recipients still to serve, Bcc included), attempts, last error,
                and `uncertain`: recipients the whole message went to with no reply after it (the
                server may have delivered it): never sent again unless asked
    sent/       messages accepted for every recipient; also the ledger that stops re-sends
A message's key is derived from its content, date and recipients (see mail.content_key), so
sending the same briefing to the same people again is recognised and skipped."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import reprlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from briefing.atomic import write_atomic
from briefing.compose.prompt import Prompt
from briefing.deliver.files import slugify, unique_path
from briefing.deliver.mail_settings import MailSettings
from briefing.deliver.message import Composed, compose
from briefing.deliver.smtp import SendFailure, deliver_once
from briefing.errors import InputError, MailError, OutputError

try:  # POSIX: one sender per outbox at a time, so two runs never send one message twice
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; single runs are still safe
    fcntl = None  # type: ignore[assignment]


log = logging.getLogger(__name__)


Sleep = Callable[[float], None]


def default_outbox_dir() -> Path:
    return platformdirs.user_data_path("briefing") / "outbox"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class Entry:
    """One message waiting in the outbox (or, under sent/, delivered)."""

    key: str
    eml: Path
    message_id: str
    subject: str
    sender: str
    recipients: tuple[str, ...]  # still to be served
    delivered: tuple[str, ...] = ()  # already accepted by the server
    attempts: int = 0
    last_error: str = ""
    last_attempt: str = ""
    permanent: bool = False  # the last failure will not go away by waiting
    created: str = ""
    broken: bool = False  # its record is missing or unreadable: listed, never sent
    uncertain: tuple[str, ...] = ()  # of `recipients`: may have been delivered (reply lost)

    @property
    def sidecar(self) -> Path:
        return self.eml.with_suffix(".json")

    @property
    def reason(self) -> str:
        if self.uncertain:
            return (f"may have been delivered to {', '.join(self.uncertain)} (no reply after the "
                    f"whole message was sent); not sent again unless asked: {self.last_error}")
        if not self.last_error:
            return "not tried yet"
        kind = "permanent failure" if self.permanent else "temporary failure"
        return f"{kind}: {self.last_error}"

    @property
    def to_serve(self) -> tuple[str, ...]:
        """Recipients an automatic attempt may send to: not those that may have it already."""
        return tuple(r for r in self.recipients if r not in self.uncertain)

    def to_json(self) -> str:
        data = {
            "message_id": self.message_id, "subject": self.subject, "sender": self.sender,
            "recipients": list(self.recipients), "delivered": list(self.delivered),
            "attempts": self.attempts, "last_error": self.last_error,
            "last_attempt": self.last_attempt, "permanent": self.permanent,
            "created": self.created, "uncertain": list(self.uncertain),
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of one message. `status`: sent | already-sent | waiting (temporary failure,
    kept for a retry) | failed (permanent failure, kept) | uncertain (the reply to the whole
    message was lost: it may have been delivered; kept, and sent again only when asked) |
    dry-run."""

    status: str
    message_id: str
    path: Path  # where the .eml is now
    subject: str = ""
    attempts: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("sent", "already-sent", "dry-run")

    def check(self) -> SendResult:
        """Raise MailError (exit code 6) unless the message reached every recipient."""
        if not self.ok:
            raise MailError(f"{self.error} (kept in the outbox: {self.path})")
        return self


_TEXT_FIELDS = ("message_id", "subject", "sender", "last_error", "last_attempt", "created")


_LIST_FIELDS = ("recipients", "delivered", "uncertain")


def _record_fields(data: dict) -> dict:
    """An outbox record's fields, checked: a hand-edited `attempts: "many"` or a `recipients`
    that is one string (13 one-letter addresses) is a damaged record (ValueError), not a send."""
    fields: dict[str, object] = {}
    for name in _TEXT_FIELDS:
        value = data.get(name, "")
        if not isinstance(value, str):
            raise ValueError(f"`{name}` must be text, not {reprlib.repr(value)}")
        fields[name] = value
    for name in _LIST_FIELDS:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and "@" in v for v in value):
            raise ValueError(f"`{name}` must be a list of addresses, not {reprlib.repr(value)}")
        fields[name] = tuple(value)
    attempts = data.get("attempts", 0)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
        raise ValueError(f"`attempts` must be a whole number, not {reprlib.repr(attempts)}")
    permanent = data.get("permanent", False)
    if not isinstance(permanent, bool):
        raise ValueError(f"`permanent` must be true or false, not {reprlib.repr(permanent)}")
    fields["uncertain"] = tuple(r for r in fields["uncertain"] if r in fields["recipients"])
    return {**fields, "attempts": attempts, "permanent": permanent}


class Outbox:
    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.sent_dir = self.folder / "sent"

    # -- reading -------------------------------------------------------------------------

    def _load(self, eml: Path) -> Entry:
        sidecar = eml.with_suffix(".json")
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            fields = _record_fields(data)
        except (OSError, ValueError) as exc:
            # Still listed (nothing is lost), but never sent: without its record the envelope,
            # Bcc included, is unknown; a damaged one could send to the wrong people.
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return Entry(key=eml.stem, eml=eml, message_id="", subject="", sender="",
                         recipients=(), last_error=f"record {sidecar.name} unreadable ({why})",
                         permanent=True, broken=True)
        return Entry(key=eml.stem, eml=eml, **fields)

    def entries(self) -> list[Entry]:
        """Messages waiting, oldest key first."""
        if not self.folder.is_dir():
            return []
        return [self._load(p) for p in sorted(self.folder.glob("*.eml"))]

    def sent(self) -> list[Entry]:
        if not self.sent_dir.is_dir():
            return []
        return [self._load(p) for p in sorted(self.sent_dir.glob("*.eml"))]

    def is_sent(self, key: str) -> bool:
        return (self.sent_dir / f"{key}.eml").exists()

    # -- writing -------------------------------------------------------------------------

    def _save(self, entry: Entry) -> Entry:
        write_atomic(entry.sidecar, entry.to_json(), overwrite=True)
        return entry

    def _enqueue(self, composed: Composed) -> Entry:
        """Put a message in the outbox: the record first, then the message, both atomic (an
        interruption between leaves only a record, which is ignored and later overwritten).
        A message already waiting under the same key is kept as it is."""
        eml = self.folder / f"{composed.key}.eml"
        if eml.exists():
            return self._load(eml)
        entry = Entry(
            key=composed.key, eml=eml, message_id=composed.message_id, subject=composed.subject,
            sender=composed.sender, recipients=composed.recipients, created=_now(),
        )
        self._save(entry)
        write_atomic(eml, composed.data.decode("ascii"), overwrite=True)
        return entry

    def _mark_sent(self, entry: Entry) -> Path:
        """Move a delivered message to sent/: its record there first, then the message (the
        move that makes it count as sent), then the old record goes."""
        target = self.sent_dir / entry.eml.name
        write_atomic(target.with_suffix(".json"), entry.to_json(), overwrite=True)
        os.replace(entry.eml, target)
        entry.sidecar.unlink(missing_ok=True)
        return target

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        if fcntl is None:
            yield
            return
        with open(self.folder / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- sending -------------------------------------------------------------------------

    def send(self, composed: Composed, settings: MailSettings, sleep: Sleep = time.sleep) -> SendResult:
        """Queue a message and deliver it, unless the same message was sent before."""
        with self._locked():
            if self.is_sent(composed.key):
                (self.folder / f"{composed.key}.json").unlink(missing_ok=True)
                path = self.sent_dir / f"{composed.key}.eml"
                return SendResult("already-sent", composed.message_id, path, composed.subject)
            self._enqueue(composed)
            return self._deliver(composed.key, settings, sleep)

    def deliver(self, key: str, settings: MailSettings, sleep: Sleep = time.sleep, *,
                resend_uncertain: bool = False) -> SendResult:
        """Try to send one waiting message, retrying temporary failures with backoff.
        `resend_uncertain`: also send to recipients that may have it already (asked for by a
        person who checked they did not)."""
        with self._locked():
            return self._deliver(key, settings, sleep, resend_uncertain)

    def _deliver(self, key: str, settings: MailSettings, sleep: Sleep,
                 resend_uncertain: bool = False) -> SendResult:
        eml = self.folder / f"{key}.eml"
        if not eml.exists():  # another run delivered it meanwhile
            if self.is_sent(key):
                entry = self._load(self.sent_dir / f"{key}.eml")
                return SendResult("already-sent", entry.message_id, entry.eml, entry.subject)
            raise OutputError(f"{eml}: no such message in the outbox")
        entry = self._load(eml)
        if entry.broken:
            return SendResult("failed", "", eml, "", 0, entry.last_error)
        if resend_uncertain and entry.uncertain:
            entry = self._save(replace(entry, uncertain=()))
        if not entry.recipients:  # every recipient was served before an interruption
            path = self._mark_sent(entry)
            return SendResult("sent", entry.message_id, path, entry.subject, entry.attempts)
        if not entry.to_serve:  # only recipients that may have it: never an automatic resend
            return _uncertain(entry)
        return self._attempts(entry, eml.read_bytes(), settings, sleep)

    def _attempts(self, entry: Entry, data: bytes, settings: MailSettings, sleep: Sleep) -> SendResult:
        delay = settings.backoff
        for attempt in range(settings.retries + 1):
            if attempt:
                log.info("retrying %s in %.2fs", entry.key, delay)
                sleep(delay)
                delay *= 2
            entry = self._attempt(entry, data, settings)
            if not entry.recipients:
                path = self._mark_sent(entry)
                return SendResult("sent", entry.message_id, path, entry.subject, entry.attempts)
            log.info("%s not sent: %s", entry.key, entry.last_error)
            if entry.permanent or not entry.to_serve:
                break
        if not entry.to_serve:
            return _uncertain(entry)
        status = "failed" if entry.permanent else "waiting"
        return SendResult(status, entry.message_id, entry.eml, entry.subject, entry.attempts,
                          entry.last_error)

    def _attempt(self, entry: Entry, data: bytes, settings: MailSettings) -> Entry:
        """One SMTP transaction for the recipients still to serve. The record is saved (fsync'd)
        just before the message's final "." goes out (those recipients become uncertain) and the
        moment the server's 250 for it arrives (they become delivered), before QUIT: a run
        killed at any point never sends a recipient a second copy by itself."""
        targets = entry.to_serve
        state = {"entry": entry}

        def sending(accepted: tuple[str, ...]) -> None:
            state["entry"] = self._save(replace(state["entry"], uncertain=(
                *state["entry"].uncertain, *accepted)))

        def delivered(accepted: tuple[str, ...]) -> None:
            now = state["entry"]
            state["entry"] = self._save(replace(
                now, recipients=tuple(r for r in now.recipients if r not in accepted),
                delivered=(*now.delivered, *accepted),
                uncertain=tuple(r for r in now.uncertain if r not in accepted)))

        error, temporary, refusals = "", True, ()
        try:
            refusals = deliver_once(data, entry.sender, targets, settings,
                                    sending=sending, delivered=delivered)
        except SendFailure as exc:
            error, temporary = str(exc), exc.temporary
            if not exc.uncertain:  # the server answered: what it said stands, nothing in doubt
                state["entry"] = replace(state["entry"], uncertain=entry.uncertain)
        if refusals:
            error = "refused " + "; ".join(f"{r.recipient}: {r.code} {r.reason}" for r in refusals)
            temporary = any(r.temporary for r in refusals)
        entry = replace(state["entry"], attempts=entry.attempts + 1, last_attempt=_now(),
                        last_error=error, permanent=bool(error) and not temporary)
        return self._save(entry)

    def retry_all(self, settings: MailSettings, sleep: Sleep = time.sleep, *,
                  resend_uncertain: bool = False) -> list[SendResult]:
        return [self.deliver(entry.key, settings, sleep, resend_uncertain=resend_uncertain)
                for entry in self.entries()]


def _uncertain(entry: Entry) -> SendResult:
    return SendResult("uncertain", entry.message_id, entry.eml, entry.subject, entry.attempts,
                      entry.reason)


def outbox_for(settings: MailSettings, outbox_dir: Path | str | None = None) -> Outbox:
    return Outbox(outbox_dir or settings.outbox or default_outbox_dir())


def queue_and_send(
    markdown_text: str,
    settings: MailSettings,
    outbox_dir: Path | str | None = None,
    *,
    prompt: Prompt | None = None,
    sleep: Sleep = time.sleep,
    now: dt.datetime | None = None,
) -> SendResult:
    """Compose a briefing's email, put it in the outbox, and send it unless the same message
    was sent before. Never raises for a failed delivery: look at the result (or `.check()`)."""
    settings.check_sendable()
    composed = compose(markdown_text, settings, prompt=prompt, now=now)
    return outbox_for(settings, outbox_dir).send(composed, settings, sleep)


def write_dry_run(
    markdown_text: str,
    settings: MailSettings,
    out_dir: Path | str,
    *,
    prompt: Prompt | None = None,
    stem: str = "",
    now: dt.datetime | None = None,
) -> SendResult:
    """Write the message that would be sent as a .eml file in `out_dir`; send nothing."""
    composed = compose(markdown_text, settings, prompt=prompt, now=now)
    name = stem or slugify(composed.subject)
    path = write_atomic(unique_path(Path(out_dir), name, "eml"), composed.data.decode("ascii"))
    return SendResult("dry-run", composed.message_id, path, composed.subject)


# -- the mail workflow of `briefing send` and `build --email` --------------------------------


def read_briefing(path: Path) -> str:
    """A briefing file's markdown, refused when it cannot be a briefing (InputError)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if not text.strip():
        raise InputError(f"{path} is empty; nothing to send")
    if "\x00" in text:
        raise InputError(f"{path} is a binary file, not a briefing; nothing sent")
    return text


def mail_briefing(
    markdown_text: str,
    settings: MailSettings,
    *,
    prompt: Prompt | str = "default",
    dry_run: bool = False,
    out_dir: Path | str = "output",
    outbox_dir: Path | str | None = None,
    stem: str = "",
    sleep: Sleep = time.sleep,
) -> SendResult:
    """Mail one briefing: with `dry_run`, write the message as `out_dir/<stem>.eml` and send
    nothing; else queue it in the outbox and send it, unless the same message went before.
    Raises MailError (exit code 6) when it was not delivered; it stays in the outbox."""
    from briefing.compose.prompt import load_prompt

    if isinstance(prompt, str):
        prompt = load_prompt(prompt)
    if dry_run:
        return write_dry_run(markdown_text, settings, out_dir, prompt=prompt, stem=stem)
    return queue_and_send(markdown_text, settings, outbox_dir, prompt=prompt, sleep=sleep).check()


@dataclass(frozen=True, slots=True)
class RetryReport:
    folder: Path
    results: tuple[SendResult, ...]

    def check(self) -> RetryReport:
        """Raise MailError (exit code 6) unless every message went."""
        failed = sum(not r.ok for r in self.results)
        if failed:
            raise MailError(f"{failed} message(s) not sent; they stay in {self.folder}")
        return self


def retry_outbox(
    settings: MailSettings, outbox_dir: Path | str | None = None, sleep: Sleep = time.sleep,
    *, resend_uncertain: bool = False,
) -> RetryReport:
    """Try to send every message waiting in the outbox (`outbox --retry`). Messages that may
    have been delivered (a lost reply) go again only with `resend_uncertain`."""
    box = outbox_for(settings, outbox_dir)
    settings.check_server()
    return RetryReport(box.folder, tuple(box.retry_all(settings, sleep,
                                                       resend_uncertain=resend_uncertain)))
