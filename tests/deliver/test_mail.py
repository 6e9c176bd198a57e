"""The message and its delivery to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mailsupport import Recorder, parse, settings_for, smtp_server

from briefing.compose.prompt import load_prompt
from briefing.deliver.config_file import read_config
from briefing.deliver.mail_html import ALLOWED_TAGS, briefing_html, sanitize
from briefing.deliver.mail_settings import MailSettings
from briefing.deliver.message import compose, headline_from_title, read_head
from briefing.deliver.outbox import queue_and_send
from briefing.errors import ConfigError
from briefing.pipeline import build_briefing
from briefing.render.markdown import render_markdown
from briefing.settings import Settings

HOSTILE = """# Daily briefing: Ministers agree on a bridge <script>alert(1)</script>

*2031-10-06 · 2 articles · 2 independent origins · Wire, Times*

## Key points

- Ministers met <img src=x onerror="alert(2)"> in town. [1][2] *(2 outlets)*
- A [link](javascript:alert(3)) and <a href="javascript:alert(4)">raw link</a>. [1]
- <iframe src="https://evil.example/frame"></iframe><form action="https://evil.example"><input></form>
- <div onclick="alert(5)" style="position:fixed">Raw HTML block</div> [2]
- ![tracker](https://evil.example/pixel.png) and <style>body{display:none}</style>
- <svg onload="alert(6)"><circle/></svg> <object data="x"></object> [2]
- A safe [reference](https://news.example/story?a=1&b=2) stays. [1]

<script>
alert(7)
</script>

## Sources

1. Wire, “Ministers agree”, 2031-10-06, `https://wire.example/ministers`
2. Times, “Bridge deal”, `times.txt`
"""


SAFE_TAGS = {"html", "head", "meta", "title", "body", "div", "h1", "h2", "p", "em", "ul", "ol", "li",
             "a", "code", "strong"}
SAFE_ATTRS = {"lang", "charset", "name", "content", "style", "class", "href", "rel"}


class Markup(HTMLParser):
    """What a browser would act on: the tags, attribute names and values of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.values: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attrs.add(name)
            self.values.append(value or "")
            if name == "href":
                self.hrefs.append(value or "")

    @classmethod
    def of(cls, document: str) -> Markup:
        parser = cls()
        parser.feed(document)
        return parser


def _parts(msg: email.message.EmailMessage) -> tuple[str, str]:
    plain = msg.get_body(("plain",))
    rich = msg.get_body(("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


@pytest.fixture
def briefing_md(examples_dir: Path) -> str:
    return render_markdown(build_briefing([examples_dir], Settings()))


def test_message_structure_and_headers(briefing_md: str) -> None:
    settings = settings_for(
        25, to="Zoë Léger <zoe@example.org>, two@example.org", cc="Çedille <cc@example.org>",
        bcc="secret@example.org", list_unsubscribe="mailto:leave@example.org, https://example.org/u",
    )
    composed = compose(briefing_md, settings, prompt=load_prompt("default"))
    assert composed.data.isascii(), "must travel without SMTPUTF8"
    assert b"\r\n" in composed.data and b"\n" not in composed.data.replace(b"\r\n", b"")
    msg = parse(composed.data)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    plain, rich = _parts(msg)
    assert plain == briefing_md
    title, date = read_head(briefing_md)
    assert msg["Subject"] == f"[Briefing] {date}: {headline_from_title(title, 'Daily briefing: {headline}')}"
    assert not msg["Subject"].startswith("[Briefing] " + date + ": Daily briefing")
    assert msg["To"].addresses[0].display_name == "Zoë Léger"
    assert "Zo=C3=AB" in composed.data.decode() or "w7Zg" in composed.data.decode()
    assert msg["Cc"].addresses[0].display_name == "Çedille"
    assert "Bcc" not in msg and b"secret@example.org" not in composed.data
    assert composed.recipients == ("zoe@example.org", "two@example.org", "cc@example.org",
                                   "secret@example.org")
    assert msg["List-Unsubscribe"] == "<mailto:leave@example.org>, <https://example.org/u>"
    assert msg["Date"].datetime is not None
    assert re.fullmatch(r"<\d{4}-\d{2}-\d{2}-[0-9a-f]{20}@example\.org>", msg["Message-ID"])
    for source_line in [x for x in briefing_md.splitlines() if re.match(r"\d+\. ", x)]:
        outlet = source_line.split(". ", 1)[1].split(",")[0]
        assert outlet in rich


def test_message_id_is_stable_and_tracks_content_and_recipients(briefing_md: str) -> None:
    settings = settings_for(25)
    first = compose(briefing_md, settings)
    again = compose(briefing_md, settings)
    assert first.message_id == again.message_id and first.data.split(b"\r\nDate:")[0] == again.data.split(b"\r\nDate:")[0]
    other_text = compose(briefing_md.replace("## Sources", "## Sources\n\nextra"), settings)
    other_people = compose(briefing_md, settings.with_overrides(to=["else@example.org"]))
    assert len({first.message_id, other_text.message_id, other_people.message_id}) == 3


def test_non_ascii_subject_is_encoded() -> None:
    text = "# Daily briefing: Überraschung in Zürich – 東京 reacts\n\n*2031-01-02 · 1 article*\n"
    composed = compose(text, settings_for(25), prompt=load_prompt("default"))
    raw = composed.data.decode("ascii")
    assert "=?utf-8?" in raw.split("\r\n\r\n")[0]
    msg = parse(composed.data)
    assert msg["Subject"] == "[Briefing] 2031-01-02: Überraschung in Zürich – 東京 reacts"


def test_read_head_is_tolerant() -> None:
    assert read_head("# A \\*starred\\* title &amp; more\n\n*2030-05-06 · 3 articles*\n") == (
        "A *starred* title & more", "2030-05-06")
    assert read_head("no heading here\n\ntext 2030-01-01\n") == ("no heading here", "")
    assert read_head("\n# Title\nDateline 2031-02-03\n## Key points\n- 2020-01-01\n") == (
        "Title", "2031-02-03")
    assert headline_from_title("Morning {x}: Big news", "Morning {x}: {headline}") == "Big news"
    assert headline_from_title("Something else", "Daily briefing: {headline}") == "Something else"


def test_hostile_briefing_arrives_inert_through_a_real_server(tmp_path: Path) -> None:
    rec = Recorder()
    with smtp_server(rec) as port:
        result = queue_and_send(HOSTILE, settings_for(port), tmp_path / "outbox")
    assert result.status == "sent", result.error
    msg = rec.received[0].message
    plain, rich = _parts(msg)
    assert plain == HOSTILE
    markup = Markup.of(rich)
    assert markup.tags <= SAFE_TAGS, markup.tags - SAFE_TAGS
    assert markup.attrs <= SAFE_ATTRS, markup.attrs - SAFE_ATTRS
    assert all(re.match(r"https?://", href) for href in markup.hrefs), markup.hrefs
    assert not any("javascript" in v.lower() or "expression(" in v for v in markup.values)
    assert "evil.example" not in " ".join(markup.values)
    # raw HTML is shown as text, not dropped: the reader still sees what the article said
    assert "&lt;script&gt;" in rich and "Raw HTML block" in rich
    assert '<a href="https://news.example/story?a=1&amp;b=2"' in rich
    assert '<a href="https://wire.example/ministers"' in rich
    assert "times.txt" in rich and 'href="times.txt"' not in rich
    assert "[1][2]" in rich
    assert re.search(r"<h1[^>]*>Daily briefing: Ministers agree", rich)
    assert 'style="' in rich


def test_real_server_receives_every_recipient_once_bcc_hidden(tmp_path: Path, briefing_md: str) -> None:
    rec = Recorder()
    with smtp_server(rec) as port:
        settings = settings_for(port, to="a@example.org, b@example.org", cc="c@example.org",
                                bcc="Hidden Person <hidden@example.org>")
        result = queue_and_send(briefing_md, settings, tmp_path)
        again = queue_and_send(briefing_md, settings, tmp_path)
    assert (result.status, again.status) == ("sent", "already-sent")
    assert len(rec.received) == 1
    got = rec.received[0]
    assert got.sender == "bot@example.org"
    assert sorted(got.recipients) == ["a@example.org", "b@example.org", "c@example.org",
                                      "hidden@example.org"]
    assert b"hidden@example.org" not in got.data and "Bcc" not in got.message
    assert got.message["From"] == "Briefing Bot <bot@example.org>"
    assert _parts(got.message)[0] == briefing_md
    assert result.path.parent == tmp_path / "sent"
    assert parse(result.path.read_bytes()).as_bytes() == got.message.as_bytes()
    assert not list(tmp_path.glob("*.eml"))


def test_settings_env_overrides_file_and_hides_password(tmp_path: Path) -> None:
    cfg = tmp_path / "briefing.toml"
    cfg.write_text('[mail]\nhost = "file.example"\nport = 2525\nfrom = "File <f@example.org>"\n'
                   'to = ["x@example.org", "Y <y@example.org>"]\nsecurity = "ssl"\n', encoding="utf-8")
    env = {"BRIEFING_SMTP_HOST": "env.example", "BRIEFING_SMTP_PASSWORD": "hunter2-secret",
           "BRIEFING_MAIL_TO": "p@example.org,q@example.org", "BRIEFING_SMTP_USER": "me"}
    s = MailSettings.from_sources(read_config(cfg, {}), env)
    assert (s.host, s.port, s.security, s.user) == ("env.example", 2525, "ssl", "me")
    assert s.to == ("p@example.org", "q@example.org") and s.sender == "File <f@example.org>"
    assert s.password == "hunter2-secret" and "hunter2" not in repr(s)
    assert MailSettings.from_sources({}, {"BRIEFING_SMTP_SECURITY": "none"}).effective_port == 25
    assert MailSettings.from_sources({}, {}).effective_port == 587


@pytest.mark.parametrize(
    ("config", "env", "message"),
    [
        ({"mail": {"password": "x"}}, {}, "[mail] password must not be in a file; set BRIEFING_SMTP_PASSWORD"),
        ({"mail": {"hots": "x"}}, {}, "[mail] hots is not a known setting (did you mean host?)"),
        ({}, {"BRIEFING_SMTP_SECURITY": "tls"}, "BRIEFING_SMTP_SECURITY: must be one of"),
        ({}, {"BRIEFING_SMTP_PORT": "smtp"}, "BRIEFING_SMTP_PORT: must be a whole number"),
        ({}, {"BRIEFING_MAIL_TO": "not-an-address"}, "is not an email address"),
        ({}, {"BRIEFING_MAIL_TO": "zoë@example.org"}, "needs SMTPUTF8"),
        ({}, {"BRIEFING_SMTP_CAFILE": "/nonexistent/ca.pem"}, "does not exist"),
        ({"mail": {"list_unsubscribe": "javascript:x"}}, {}, "mailto: or http(s)"),
    ],
)
def test_bad_settings_are_config_errors(config: dict, env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        MailSettings.from_sources(config, env)


def test_unsendable_settings_name_the_missing_piece() -> None:
    with pytest.raises(ConfigError, match="BRIEFING_SMTP_HOST"):
        MailSettings().check_sendable()
    with pytest.raises(ConfigError, match="BRIEFING_MAIL_FROM"):
        MailSettings(host="h").check_sendable()
    with pytest.raises(ConfigError, match="recipients"):
        MailSettings(host="h", sender="a@example.org").check_sendable()
    with pytest.raises(ConfigError, match="unencrypted"):
        MailSettings(host="smtp.example.org", sender="a@b.org", to=("c@d.org",), user="u",
                     security="none").check_sendable()


def test_idna_domain_is_encoded() -> None:
    s = MailSettings.from_sources({}, {"BRIEFING_MAIL_TO": "Ann <ann@bücher.example>"})
    assert s.envelope_recipients == ("ann@xn--bcher-kva.example",)


def test_sanitizer_alone_keeps_only_safe_markup() -> None:
    dirty = ('<p onclick="x()">a<script>evil()</script><a href="javascript:alert(1)">j</a>'
             '<a href="data:text/html,x">d</a><a href="//evil.example/x">p</a><a href="/rel">r</a>'
             '<a href="HTTPS://ok.example/">ok</a><img src="https://e.example/i.png" onerror="x()">'
             '<iframe src="https://e.example"></iframe><style>p{}</style><form><input></form>'
             '<span style="background:url(https://e.example/t.png)">s</span><!-- c --></p>')
    clean = sanitize(dirty)
    markup = Markup.of(clean)
    assert markup.tags <= {"p", "a", "span"} and markup.attrs <= {"href", "rel"}
    assert markup.hrefs == ["HTTPS://ok.example/"]
    assert "evil()" not in clean and "<!--" not in clean and "e.example" not in clean


_PIECES = st.sampled_from([
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "[a](", ")", "](",
    "<a href=", '"', "'", "<", ">", "&", "#", "`", "*", "\n", " ", "![i](https://e.example/i.png)",
    "<iframe ", "onload=", "<style>", "data:", "<svg/onload=1>", "<!--", "-->", "\\", "=",
    "[x]: javascript:alert(1)\n", "[y][x]", "<http://a.example>", "<javascript:alert(1)>",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=5), max_size=30))
def test_no_input_makes_active_html(pieces: list[str]) -> None:
    text = "# Title\n\n- " + "".join(pieces) + "\n"
    markup = Markup.of(briefing_html(text))
    # the allow-list, plus the document shell and the inlined styles we add ourselves
    allowed_tags = set(ALLOWED_TAGS) | {"html", "head", "meta", "title", "body"}
    assert markup.tags <= allowed_tags, markup.tags - allowed_tags
    assert markup.attrs <= SAFE_ATTRS | {"start", "title", "align"}, markup.attrs
    assert not {"script", "img", "iframe", "style", "svg", "form"} & markup.tags
    assert all(re.match(r"https?://", h, re.IGNORECASE) for h in markup.hrefs), markup.hrefs
