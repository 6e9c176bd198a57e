"""Real SMTP servers on loopback (aiosmtpd) and a self-signed TLS certificate, for the mail tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefing.deliver.mail_settings import MailSettings

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return parse(self.data)


def parse(data: bytes) -> EmailMessage:
    """A message as a Unix mail client stores it: CRLF line ends become LF."""
    unix = data.replace(b"\r\n", b"\n")
    return email.message_from_bytes(unix, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepted. `rcpt_replies` maps an address to a list
    of replies used one per transaction ("" = accept); `data_replies` likewise for DATA."""

    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    data_replies: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    transactions: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.rcpt_replies.get(address)
        if replies:
            reply = replies.pop(0)
            if reply:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.transactions += 1
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if reply:
                return reply
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def deliveries(self) -> list[tuple[str, str]]:
        """(recipient, Message-ID) for every accepted copy."""
        return [(r, rec.message["Message-ID"]) for rec in self.received for r in rec.recipients]


class PasswordCheck:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()
        self.tries: list[bytes] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        self.tries.append(auth_data.login)
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@contextlib.contextmanager
def smtp_server(handler: Recorder, port: int | None = None, **kwargs: object) -> Iterator[int]:
    """Run an aiosmtpd server on 127.0.0.1 for the duration of the block; yields its port."""
    port = port or free_port()
    controller = Controller(handler, hostname=HOST, port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@dataclass(frozen=True)
class TLSFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


def self_signed(folder: Path) -> TLSFiles:
    """A self-signed certificate for 127.0.0.1 and localhost, made now (never committed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "briefing test server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return TLSFiles(cert_path, key_path)


def settings_for(port: int, **overrides: object) -> MailSettings:
    base: dict[str, object] = {
        "host": HOST, "port": port, "security": "none", "from": "Briefing Bot <bot@example.org>",
        "to": "Reader One <one@example.org>", "retries": 2, "backoff": 0.01, "timeout": 5,
    }
    base.update(overrides)
    env = {"BRIEFING_SMTP_PASSWORD": str(base.pop("password"))} if "password" in base else {}
    return MailSettings.from_sources({"mail": base}, env)
