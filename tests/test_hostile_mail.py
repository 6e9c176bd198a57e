"""Mail under attack and under faults (issue 16): an article title holding an RFC 2047 encoded
word, a reply lost after the message's final ".", and a sending process killed just after the
server's final 250 or just after the final ".". No injected header, no second copy."""

from __future__ import annotations

import email
import email.message
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hostilesupport import ScriptedSMTP
from mailsupport import Recorder, parse, settings_for, smtp_server
from robustsupport import env
from test_hostile import FERRY, OTHER, _build, _files, _text
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.deliver.outbox import Outbox, queue_and_send

ENCODED_WORD = ("=?utf-8?q?Hi=0D=0ABcc:victim@evil.example=0D=0AContent-Type:text/html=0D=0A=0D=0A"
                "<a_href=3Dhttp://evil.example>Log_in</a>?=")

TEXT = """# Daily briefing: Talks resume in Geneva

*2031-03-04 · 2 articles · 2 independent origins · Wire, Times*

## Key points

- Negotiators returned to Geneva on Tuesday. [1][2] *(2 outlets)*

## Sources

1. Wire, “Talks resume”, `https://wire.example/talks`
2. Times, “Geneva again”, `times.txt`
"""

B_WORD = "=?utf-8?b?SGkNCkJjYzogdkBldmlsLmV4YW1wbGUNCg0KYm9keQ==?="  # "Hi\r\nBcc: v@evil..."

HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
           "Content-Type"}


# ------------------------------------------------------------------ header injection


def _assert_not_injected(msg: email.message.EmailMessage, title: str = "") -> None:
    assert set(msg.keys()) == HEADERS, msg.keys()
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"].endswith(title), msg["Subject"]  # reads as the title, nothing decoded
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"] and "Bcc" not in msg
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    links = re.findall(r"<a\b[^>]*>", msg.get_body(("html",)).get_content(), re.I)
    assert not [a for a in links if "evil.example" in a], links  # no link of the attacker's


@pytest.mark.parametrize("title", [ENCODED_WORD, f"Ferry strike {ENCODED_WORD}", B_WORD],
                         ids=["q-word", "q-word-in-title", "b-word"])
def test_an_encoded_word_title_cannot_inject_headers(tmp_path: Path, title: str) -> None:
    """The title as the briefing shows it is the Subject, word for word, as a real server gets
    it: no Bcc, no Content-Type, no HTML body of the attacker's making."""
    markdown = TEXT.replace("Talks resume in Geneva", title)
    rec = Recorder()
    with smtp_server(rec) as port:
        result = queue_and_send(markdown, settings_for(port), tmp_path)
    assert result.status == "sent"
    [got] = rec.received
    assert got.recipients == ["one@example.org"]
    _assert_not_injected(got.message, title)


def test_an_encoded_word_in_article_titles_cannot_inject_headers(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, sents in (("a", FERRY), ("b", FERRY[:3] + OTHER)):
        (folder / f"{name}.json").write_text(json.dumps(
            {"text": _text(sents), "title": f"Ferry strike {B_WORD}", "outlet": name.upper()}))
    config = tmp_path / "mail.toml"
    config.write_text('[mail]\nhost = "127.0.0.1"\nsecurity = "none"\nfrom = "bot@example.org"\n'
                      f'to = "reader@example.org"\noutbox = "{tmp_path / "box"}"\n')
    out = tmp_path / "out"
    result = _build(str(folder), "--out", str(out), "--email", "--dry-run",
                    env={"BRIEFING_CONFIG": str(config)})
    assert result.exit_code == 0, result.output
    written = {p.suffix: p for p in _files(out)}
    assert written[".md"].read_text(encoding="utf-8").startswith(f"# Daily briefing: Ferry strike {B_WORD}")
    _assert_not_injected(parse(written[".eml"].read_bytes()), f"Ferry strike {B_WORD}")


# ------------------------------------------------------------------ a reply lost after "."


class LosesTheReply(Recorder):
    """Takes the whole message, then drops the connection instead of answering 250."""

    lose = 1

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.lose:
            self.lose -= 1
            server.transport.close()
        return reply


def test_a_reply_lost_after_the_data_is_kept_reported_and_not_resent(tmp_path: Path) -> None:
    rec = LosesTheReply()
    with smtp_server(rec) as port:
        settings = settings_for(port, retries=3, backoff=0.01)
        result = queue_and_send(TEXT, settings, tmp_path)
        assert result.status == "uncertain" and not result.ok
        assert "may have been delivered" in result.error and "\n" not in result.error
        assert len(rec.received) == 1, "no second copy inside the same send"
        [entry] = Outbox(tmp_path).entries()
        assert entry.uncertain == ("one@example.org",)
        # a re-run of the same send, and a plain retry, do not send it again
        assert queue_and_send(TEXT, settings, tmp_path).status == "uncertain"
        assert [r.status for r in Outbox(tmp_path).retry_all(settings)] == ["uncertain"]
        config = tmp_path / "mail.toml"
        config.write_text(f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                          'from = "bot@example.org"\nto = "one@example.org"\n')
        listed = CliRunner().invoke(app, ["outbox", "--config", str(config), "--outbox", str(tmp_path)])
        assert listed.exit_code == 0 and "may have been delivered to one@example.org" in listed.stdout
        assert len(rec.received) == 1
        # asked for explicitly, it goes again, once
        again = Outbox(tmp_path).retry_all(settings, resend_uncertain=True)
        assert [r.status for r in again] == ["sent"]
    assert len(rec.received) == 2 and not Outbox(tmp_path).entries()


# ------------------------------------------------------------------ a sender killed mid-way


def _send_cmd(tmp_path: Path, port: int) -> list[str]:
    (tmp_path / "briefing.md").write_text(TEXT, encoding="utf-8")
    config = tmp_path / "mail.toml"
    config.write_text(f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                      'from = "bot@example.org"\nto = "one@example.org"\ntimeout = 20\n'
                      f'outbox = "{tmp_path / "box"}"\n')
    return [sys.executable, "-m", "briefing", "send", str(tmp_path / "briefing.md"),
            "--config", str(config)]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("hold", ["quit", "dot"], ids=["killed-after-250", "killed-after-dot"])
def test_a_sender_killed_after_the_message_went_never_sends_it_twice(tmp_path: Path, hold: str) -> None:
    """Killed while QUIT is unanswered (the 250 came: delivered), or while the reply to the
    final "." is held back (it may have been delivered): the next send sends nothing."""
    with ScriptedSMTP(hold=hold) as server:
        cmd = _send_cmd(tmp_path, server.port)
        proc = subprocess.Popen(cmd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert server.held.wait(30), "the sender never got that far"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        assert proc.returncode == -signal.SIGKILL and len(server.messages) == 1
        server.hold = ""  # the server behaves from now on
        again = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=60)
    assert len(server.messages) == 1, "a second copy was sent"
    assert "Traceback" not in again.stderr
    if hold == "quit":
        assert again.returncode == 0, again.stderr
        assert [p.suffix for p in _files(tmp_path / "box" / "sent")] == [".eml", ".json"]
    else:
        assert again.returncode == 6
        [line] = [ln for ln in again.stderr.splitlines() if ln.startswith("error:")]
        assert "may have been delivered" in line and "kept in the outbox" in line
