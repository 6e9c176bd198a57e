"""SMTP: one delivery attempt, and what a failure means (temporary, permanent, refused)."""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing.deliver.mail_settings import ENV, MailSettings
from briefing.errors import MailError

log = logging.getLogger(__name__)


class SendFailure(MailError):
    """One delivery attempt failed. `temporary` failures are worth retrying later. `uncertain`:
    the whole message went out and no reply came; the server may have accepted it, so sending
    it again on its own could deliver a second copy."""

    def __init__(self, message: str, temporary: bool, uncertain: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.uncertain = uncertain


Marker = Callable[[tuple[str, ...]], None]  # called with the recipients concerned


def _ignore(_: tuple[str, ...]) -> None:
    return None


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


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _envelope(client: smtplib.SMTP, data: bytes, sender: str,
              recipients: Sequence[str]) -> tuple[tuple[str, ...], dict[str, tuple[int, bytes]]]:
    """MAIL FROM and RCPT TO: (recipients accepted, {refused: (code, reply)})."""
    options = [f"size={len(data)}"] if client.has_extn("size") else []
    code, reply = client.mail(sender, options)
    if code != 250:
        client.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for rcpt in recipients:
        code, reply = client.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, reply)
    if len(refused) == len(recipients):
        client.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    return tuple(r for r in recipients if r not in refused), refused


def _data(client: smtplib.SMTP, data: bytes, accepted: tuple[str, ...], settings: MailSettings,
          sending: Marker, delivered: Marker) -> None:
    """DATA, the message, and its end. `sending(accepted)` runs just before the final "." goes
    out (from then on the server may deliver), `delivered(accepted)` the moment its 250 comes."""
    code, reply = client.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = _LEADING_DOT.sub(b"..", data)
    client.send(body if body.endswith(b"\r\n") else body + b"\r\n")
    sending(accepted)
    try:
        client.send(b".\r\n")
        code, reply = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        where = f"{settings.host}:{settings.effective_port}"
        why = f"no reply within {settings.timeout:g}s" if isinstance(
            exc.__context__ or exc, TimeoutError) else "the connection was lost"
        raise SendFailure(f"{where}: {why} after the whole message was sent; it may have been "
                          "delivered, so it is not sent again automatically", temporary=True,
                          uncertain=True) from None
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)
    delivered(accepted)


def deliver_once(
    data: bytes, sender: str, recipients: Sequence[str], settings: MailSettings,
    *, sending: Marker = _ignore, delivered: Marker = _ignore,
) -> tuple[Refusal, ...]:
    """One SMTP transaction. Returns the recipients the server refused (empty: all accepted);
    raises SendFailure when nothing was accepted (`uncertain` when the reply to the message's
    end was lost). `sending` and `delivered` are told, before QUIT, what was sent and accepted."""
    log.info("connecting to %s:%s (%s)", settings.host, settings.effective_port, settings.security)
    try:
        client = _open(settings)
    except Exception as exc:  # every cause is classified; unknown ones are re-raised
        raise classify(exc, settings) from None
    try:
        try:
            accepted, refused = _envelope(client, data, sender, recipients)
            _data(client, data, accepted, settings, sending, delivered)
        except smtplib.SMTPRecipientsRefused as exc:
            raise classify(exc, settings) from None
        except SendFailure:
            raise
        except Exception as exc:
            raise classify(exc, settings) from None
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()  # the message was already accepted or refused; QUIT is a courtesy
    return tuple(Refusal(r, c, _text(m)) for r, (c, m) in refused.items())
