"""SMTP: one delivery attempt, and what a failure means (temporary, permanent, refused)."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.deliver.mail_settings import ENV, MailSettings
from briefing.errors import MailError

log = logging.getLogger(__name__)


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
