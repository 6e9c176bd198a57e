"""Nothing lost, nothing duplicated: delivery failures against real servers on loopback."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
from mailsupport import (
    HOST,
    PasswordCheck,
    Recorder,
    TLSFiles,
    free_port,
    self_signed,
    settings_for,
    smtp_server,
)

from briefing.deliver.outbox import Outbox, queue_and_send
from briefing.errors import MailError

TEXT = """# Daily briefing: Talks resume in Geneva

*2031-03-04 · 2 articles · 2 independent origins · Wire, Times*

## Key points

- Negotiators returned to Geneva on Tuesday. [1][2] *(2 outlets)*

## Sources

1. Wire, “Talks resume”, `https://wire.example/talks`
2. Times, “Geneva again”, `times.txt`
"""


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _state(box: Outbox) -> tuple[list[str], list[str]]:
    return [e.key for e in box.entries()], [e.key for e in box.sent()]


def assert_kept(box: Outbox, reason: str, permanent: bool) -> None:
    waiting = box.entries()
    assert len(waiting) == 1 and not box.sent()
    entry = waiting[0]
    assert entry.eml.read_bytes().startswith(b"Subject: ")
    assert reason in entry.last_error and entry.permanent is permanent
    assert entry.recipients and entry.attempts >= 1


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    return self_signed(tmp_path_factory.mktemp("tls"))


def test_nothing_listening_keeps_it_then_outbox_retry_sends_once(tmp_path: Path) -> None:
    port = free_port()
    settings = settings_for(port, retries=2, backoff=0.01)
    sleeps = Sleeps()
    result = queue_and_send(TEXT, settings, tmp_path, sleep=sleeps)
    assert result.status == "waiting" and "connection refused" in result.error
    assert sleeps == [0.01, 0.02], "backoff doubles between attempts"
    box = Outbox(tmp_path)
    assert_kept(box, "connection refused", permanent=False)
    assert box.entries()[0].attempts == 3
    with pytest.raises(MailError, match="kept in the outbox"):
        result.check()
    # the same send again does not queue a second copy
    queue_and_send(TEXT, settings, tmp_path, sleep=sleeps)
    assert len(box.entries()) == 1
    rec = Recorder()
    with smtp_server(rec, port=port):
        results = box.retry_all(settings)
        assert [r.status for r in results] == ["sent"]
        assert box.retry_all(settings) == []
        assert queue_and_send(TEXT, settings, tmp_path).status == "already-sent"
    assert len(rec.received) == 1 and rec.deliveries() == [("one@example.org", result.message_id)]
    assert _state(box) == ([], [result.path.stem])


def test_421_then_accepting_delivers_exactly_once(tmp_path: Path) -> None:
    rec = Recorder(data_replies=["421 4.3.2 service not available, try later"])
    with smtp_server(rec) as port:
        result = queue_and_send(TEXT, settings_for(port), tmp_path)
    assert result.status == "sent" and result.attempts == 2
    assert rec.transactions == 2 and len(rec.received) == 1
    assert json.loads(result.path.with_suffix(".json").read_text())["attempts"] == 2


def test_temporary_failure_outlasting_the_retries_stays_waiting(tmp_path: Path) -> None:
    rec = Recorder(data_replies=["451 4.3.0 busy"] * 3)
    with smtp_server(rec) as port:
        result = queue_and_send(TEXT, settings_for(port, retries=2), tmp_path)
        assert result.status == "waiting" and "451" in result.error
        assert_kept(Outbox(tmp_path), "451 4.3.0 busy", permanent=False)
        assert Outbox(tmp_path).retry_all(settings_for(port))[0].status == "sent"
    assert len(rec.received) == 1


def test_550_is_permanent_clear_and_kept(tmp_path: Path) -> None:
    rec = Recorder(rcpt_replies={"one@example.org": ["550 5.1.1 no such user"] * 5})
    sleeps = Sleeps()
    with smtp_server(rec) as port:
        result = queue_and_send(TEXT, settings_for(port), tmp_path, sleep=sleeps)
    assert result.status == "failed" and sleeps == [], "a permanent failure is not retried"
    assert "550 5.1.1 no such user" in result.error and "\n" not in result.error
    assert_kept(Outbox(tmp_path), "550", permanent=True)
    assert rec.received == []


def test_one_recipient_refused_the_others_served_once(tmp_path: Path) -> None:
    rec = Recorder(rcpt_replies={"b@example.org": ["450 4.2.1 mailbox busy", "550 5.1.1 gone"]})
    with smtp_server(rec) as port:
        settings = settings_for(port, to="a@example.org, b@example.org", bcc="c@example.org")
        result = queue_and_send(TEXT, settings, tmp_path)
        assert result.status == "failed" and "b@example.org: 550" in result.error
        entry = Outbox(tmp_path).entries()[0]
        assert entry.recipients == ("b@example.org",)
        assert set(entry.delivered) == {"a@example.org", "c@example.org"}
        # once the mailbox exists again, only the missing recipient gets it
        assert Outbox(tmp_path).retry_all(settings)[0].status == "sent"
    assert sorted(r for r, _ in rec.deliveries()) == ["a@example.org", "b@example.org",
                                                     "c@example.org"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_wrong_password_is_permanent_and_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    check = PasswordCheck("reader", "right-password")
    rec = Recorder()
    caplog.set_level("DEBUG")
    with smtp_server(rec, authenticator=check, auth_required=True, auth_require_tls=False) as port:
        wrong = settings_for(port, user="reader", password="wrong-Pa55word")
        result = queue_and_send(TEXT, wrong, tmp_path)
        assert result.status == "failed" and "login as 'reader' refused: 535" in result.error
        assert_kept(Outbox(tmp_path), "535", permanent=True)
        everything = result.error + caplog.text + "".join(
            p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file())
        assert "wrong-Pa55word" not in everything and "wrong-Pa55word" not in repr(wrong)
        right = settings_for(port, user="reader", password="right-password")
        assert Outbox(tmp_path).retry_all(right)[0].status == "sent"
    assert len(rec.received) == 1 and set(check.tries) == {b"reader"}


def test_starttls_self_signed_needs_the_ca_and_then_delivers(tmp_path: Path, tls: TLSFiles) -> None:
    check = PasswordCheck("reader", "pw")
    rec = Recorder()
    with smtp_server(rec, tls_context=tls.server_context(), require_starttls=True,
                     authenticator=check, auth_required=True) as port:
        untrusted = settings_for(port, security="starttls", user="reader", password="pw")
        result = queue_and_send(TEXT, untrusted, tmp_path)
        assert result.status == "failed" and "certificate not trusted" in result.error
        assert "BRIEFING_SMTP_CAFILE" in result.error
        assert_kept(Outbox(tmp_path), "certificate", permanent=True)
        plain = settings_for(port, security="none")
        refused = Outbox(tmp_path).retry_all(plain)[0]
        assert refused.status == "failed" and "530" in refused.error  # server insists on TLS
        trusted = settings_for(port, security="starttls", user="reader", password="pw",
                               cafile=str(tls.cert))
        assert Outbox(tmp_path).retry_all(trusted)[0].status == "sent"
    assert len(rec.received) == 1 and check.tries == [b"reader"]
    assert not Outbox(tmp_path).entries()


def test_starttls_refused_when_the_server_does_not_offer_it(tmp_path: Path) -> None:
    rec = Recorder()
    with smtp_server(rec) as port:
        result = queue_and_send(TEXT, settings_for(port, security="starttls"), tmp_path)
    assert result.status == "failed" and "does not offer STARTTLS" in result.error
    assert rec.received == []


def test_implicit_tls(tmp_path: Path, tls: TLSFiles) -> None:
    rec = Recorder()
    with smtp_server(rec, ssl_context=tls.server_context()) as port:
        settings = settings_for(port, security="ssl", cafile=str(tls.cert))
        assert queue_and_send(TEXT, settings, tmp_path).status == "sent"
    assert len(rec.received) == 1


def test_silent_server_times_out_as_temporary(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(5)  # the kernel accepts the connection; nobody ever says hello
        port = listener.getsockname()[1]
        result = queue_and_send(TEXT, settings_for(port, timeout=0.3, retries=1), tmp_path)
    assert result.status == "waiting" and "no answer within 0.3s" in result.error
    assert_kept(Outbox(tmp_path), "no answer", permanent=False)


def test_two_runs_at_once_send_once(tmp_path: Path) -> None:
    rec = Recorder()
    with smtp_server(rec) as port:
        settings = settings_for(port)
        results: list[str] = []
        runs = [threading.Thread(target=lambda: results.append(
            queue_and_send(TEXT, settings, tmp_path).status)) for _ in range(3)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
    assert sorted(results) == ["already-sent", "already-sent", "sent"]
    assert len(rec.received) == 1


def test_interrupted_runs_leave_nothing_lost_or_doubled(tmp_path: Path) -> None:
    """The states a crash can leave behind, recreated on disk, are each resolved correctly."""
    rec = Recorder(data_replies=["451 4.3.0 later"] * 2)
    with smtp_server(rec) as port:
        settings = settings_for(port, retries=0)
        box = Outbox(tmp_path)
        waiting = queue_and_send(TEXT, settings, tmp_path)
        assert waiting.status == "waiting"
        entry = box.entries()[0]
        # 1. served every recipient, then died before the move: finished without sending again
        entry.sidecar.write_text(entry.to_json().replace('"recipients": [\n    "one@example.org"\n  ]',
                                                         '"recipients": []'), encoding="utf-8")
        assert box.entries()[0].recipients == ()
        assert box.retry_all(settings)[0].status == "sent"
        assert rec.received == [] and rec.transactions == 1
        # 2. died after the move but before removing the old record: the leftover is ignored
        (tmp_path / f"{entry.key}.json").write_text("{}", encoding="utf-8")
        assert box.entries() == [] and queue_and_send(TEXT, settings, tmp_path).status == "already-sent"
        assert not (tmp_path / f"{entry.key}.json").exists()
        # 3. a message whose record is lost is listed with the reason, and never sent blind
        other = TEXT.replace("Geneva", "Vienna")
        assert queue_and_send(other, settings, tmp_path).status == "waiting"
        lost = box.entries()[0]
        lost.sidecar.unlink()
        listed = box.entries()
        assert len(listed) == 1 and listed[0].broken and "unreadable" in listed[0].reason
        assert box.retry_all(settings)[0].status == "failed"
        assert lost.eml.exists() and rec.received == []
