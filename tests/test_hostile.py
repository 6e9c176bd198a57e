"""Hostile and broken input through the real CLI (issue 9), beyond the per-file cases of
test_bad_input.py: every case has a documented behaviour (README "Limits and bad input"), one
line per problem naming the file, the documented exit code, no traceback, no partial output.

Active markup is checked on what a reader gets: the markdown rendered by the `markdown` package,
the `--format html` page, and the HTML part of the email (`--email --dry-run`), all parsed."""

from __future__ import annotations

import email
import json
import random
import re
from email import policy
from pathlib import Path

import hostilesupport
import markdown
import pytest
from robustsupport import assert_inert
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.compose.prompt import load_prompt

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

FERRY = [
    "Ferry crossings to Marrow Island were cancelled for a second day on Tuesday as crews walked "
    "out over pay, the operator said.",
    "The union said it wanted a 9 per cent rise and a cap on overtime for deckhands.",
    "“Nobody wants to leave islanders without a ferry,” union organiser Carla Fenwick said.",
    "Talks between the operator and the union are due to resume on Thursday at the council offices.",
    "About 1,200 passengers a day use the crossing in winter, according to the island council.",
    "Shops on the island said fresh food deliveries had already been delayed by the strike.",
]
OTHER = [
    "The island council asked the government on Wednesday to step in and end the ferry dispute.",
    "Council leader Mark Oduya said a relief boat would carry medicines and post from Friday.",
    "The operator said it had offered a 5 per cent rise, which the union rejected as too low.",
]


def _text(sentences: list[str]) -> str:
    return "\n\n".join(sentences) + "\n"


def _build(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, ["build", *args], env=env)
    assert "Traceback" not in result.output
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# ------------------------------------------------------------------ parsing rendered output


SECTION_HEADINGS = {s.title for s in load_prompt("default").sections} | {
    "What they said", "Where sources disagree", "Sources"}

EVIL = [
    "[x](javascript:alert(1))",
    "![](http://tracker.example/pixel.gif)",
    "<img src=x onerror=alert(1)>",
    "<script>alert('text')</script>",
    "<iframe src=http://evil.example/frame></iframe>",
    "<a href='javascript:alert(3)'>click</a>",
    "<http://evil.example/autolink>",
    "[ref]: http://evil.example/reference",
    "<!-- comment -->",
    "<svg onload=alert(4)>",
    "javascript:alert(5)",
    "data:text/html,<b>x</b>",
]
EVIL_LINE = " ".join(EVIL)


def _hostile_inputs(folder: Path) -> Path:
    """Injection in article text, headings, code fences, titles, outlets, URLs and file names,
    in every input format."""
    folder.mkdir()
    name = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> # ![](http%3A tracker).md"
    (folder / name).write_text(
        "---\n"
        'title: "Ferry [click](javascript:alert(1)) <script>alert(1)</script>"\n'
        'outlet: "<img src=x onerror=alert(1)> [Evil](javascript:alert(2))"\n'
        'url: "javascript:alert(1)"\n'
        "date: 2031-01-02\n"
        "---\n"
        f"{FERRY[0]} {EVIL_LINE}\n\n"
        "# A heading inside the article\n\n"
        "```html\n<script>alert('fenced')</script>\n```\n\n"
        "<!-- a comment with <script>alert(1)</script> -->\n\n"
        f"> {FERRY[1]} {EVIL_LINE}\n\n"
        f"1. {FERRY[3]} ![](http://tracker.example/p.gif)\n\n"
        f"    indented code {FERRY[4]}\n",
        encoding="utf-8",
    )
    records = [
        {"text": _text([f"{s} {EVIL[i % len(EVIL)]}" for i, s in enumerate(OTHER)]),
         "title": "## Not a heading <img src=x onerror=alert(1)>",
         "outlet": "[Kestrel](javascript:alert(1)) <script>x</script>",
         "url": "javascript:alert('url')", "date": "2031-01-02"},
        {"text": _text(FERRY[2:]), "title": "<iframe src=http://evil.example>",
         "outlet": "Plains <b onmouseover=alert(1)>Observer</b>",
         "url": "http://news.example/story?a=1&b=<script>", "date": "2031-01-01"},
    ]
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    (folder / "page.html").write_text(
        "<!DOCTYPE html><html><head><title>Ferry strike <script>t()</script></title>"
        "<style>p { color: red } .secret-style-text {}</style>"
        "<script>var secret = 'script text that must not appear';</script></head><body>"
        "<nav>Home | News | Sport</nav><article><h1>Ferry strike goes on</h1>"
        f"<p>{FERRY[0]}</p>"
        "<script>document.write('Injected sentence written by a script tag.')</script>"
        "<iframe src='http://evil.example/frame'>Sentence inside an iframe fallback text.</iframe>"
        "<form action='http://evil.example/steal'><label>Your e-mail address here please</label>"
        "<input name='q' value='Hidden form value sentence.'><button onclick='alert(1)'>"
        "Submit this form now</button></form>"
        f"<p>{FERRY[1]} <img src=x onerror=\"alert(1)\"></p>"
        f"<p>{FERRY[5]} <a href=\"javascript:alert(1)\">a link</a></p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def mail_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "mail.toml"
    config.write_text(
        '[mail]\nhost = "127.0.0.1"\nsecurity = "none"\nfrom = "Briefing <bot@example.org>"\n'
        f'to = "Reader <reader@example.org>"\noutbox = "{tmp_path / "outbox"}"\n',
        encoding="utf-8",
    )
    return {"BRIEFING_CONFIG": str(config)}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_injection_is_inert_in_markdown_html_and_email(tmp_path: Path, fmt: str, mail_env) -> None:
    folder = _hostile_inputs(tmp_path / "in")
    out = tmp_path / "out"
    result = _build(str(folder), "--out", str(out), "--format", fmt, "--email", "--dry-run",
                    env=mail_env)
    assert result.exit_code == 0, result.output
    assert "3 articles read" in result.stderr or "4 articles read" in result.stderr
    written = {p.suffix: p for p in _files(out)}
    assert set(written) == {".eml", ".md" if fmt == "markdown" else ".html"}
    main = written[".md" if fmt == "markdown" else ".html"].read_text(encoding="utf-8")
    page_html = markdown.markdown(main) if fmt == "markdown" else main
    for text in (main, page_html):
        for gone in ("script text that must not appear", "Injected sentence", "iframe fallback",
                     "Hidden form value", "Submit this form", "secret-style-text", "e-mail address"):
            assert gone not in text
    page = assert_inert(page_html, SECTION_HEADINGS)
    hrefs = [a.get("href", "") for t, a in page.tags if t == "a"]
    # only to its own sources: their place in the list, or a source's own http(s) address
    assert all(re.fullmatch(r"#source-\d+", h) or h.startswith("http://news.example/") for h in hrefs), hrefs
    assert not any("heading inside" in h.lower() for _, h in page.headings)
    if fmt == "markdown":  # shown as text: the reader sees what the article tried
        assert "javascript:alert(1)" in main

    msg = email.message_from_bytes(written[".eml"].read_bytes(), policy=policy.default)
    mail_html = msg.get_body(("html",)).get_content()
    page = assert_inert(mail_html, SECTION_HEADINGS)
    hrefs = [a.get("href") for t, a in page.tags if t == "a"]
    assert all(h.startswith("http://news.example/") for h in hrefs), hrefs  # only a source's URL
    assert "\n" not in msg["Subject"]  # plain text header, one line: no header injection
    if fmt == "markdown":  # the text part is the briefing as written
        assert msg.get_body(("plain",)).get_content().splitlines() == main.splitlines()


def test_json_output_keeps_hostile_fields_as_plain_data(tmp_path: Path) -> None:
    folder = _hostile_inputs(tmp_path / "in")
    result = _build(str(folder), "--out", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    outlets = {s["outlet"] for s in data["sources"]}
    assert "[Kestrel](javascript:alert(1)) <script>x</script>" in outlets


# ------------------------------------------------------------------ unusual but valid inputs


def _one_briefing(folder: Path, out: Path, *extra: str) -> tuple[object, str]:
    result = _build(str(folder), "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    [path] = _files(out)
    return result, path.read_text(encoding="utf-8")


def _bullets(md: str) -> list[str]:
    body = md.split("\n## Sources")[0]
    return [ln for ln in body.splitlines() if ln.startswith("- ")]


def test_single_article_is_one_origin_and_every_bullet_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "only.txt").write_text(_text(FERRY), encoding="utf-8")
    _, md = _one_briefing(folder, tmp_path / "out")
    assert "1 article · 1 independent origin" in md
    bullets = _bullets(md)
    assert bullets and all("(1 outlet only" in b and "[1]" in b for b in bullets)
    assert "Where sources disagree" not in md


def _origins(md: str) -> int:
    return int(re.search(r"(\d+) independent origins?", md).group(1))


def test_identical_articles_are_one_origin_not_corroboration(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (folder / name).write_text(_text(FERRY), encoding="utf-8")
    _, md = _one_briefing(folder, tmp_path / "out")
    assert _origins(md) == 1
    assert all("(1 outlet only; also in 3 reprints" in b for b in _bullets(md)), md


def test_one_article_under_different_names_and_formats_is_one_origin(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    body = _text(FERRY)
    (folder / "ferry.txt").write_text(body, encoding="utf-8")
    (folder / "ferry copy (2).txt").write_text(body.replace("\n", "\r\n"), encoding="utf-8")
    (folder / "Fähre – Kopie.md").write_text(f"---\ntitle: Ferry strike\n---\n{body}", encoding="utf-8")
    (folder / "ferry.json").write_text(json.dumps({"text": body, "outlet": "Kestrel News"}))
    (folder / "other.txt").write_text(_text(OTHER), encoding="utf-8")
    _, md = _one_briefing(folder, tmp_path / "out")
    assert _origins(md) == 2  # the ferry story (4 copies) and the other story
    for bullet in _bullets(md):
        assert "2 outlets" not in bullet and "outlets)" not in bullet, bullet


def test_run_on_text_of_50000_words_gives_bounded_bullets(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(3)  # an unpunctuated transcript: English function words, varied content
    function = "the of and to in a that for on with as by at from was said were is it their".split()
    syllables = "ba ko ri ne stu par mon tel vi gra den lo sa mer ton fi".split()
    content = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 3))) for _ in range(4000)})
    run_on = " ".join(rng.choice(function if rng.random() < 0.4 else content) for _ in range(50_000))
    (folder / "run-on.txt").write_text(run_on, encoding="utf-8")
    (folder / "good.txt").write_text(_text(OTHER), encoding="utf-8")
    _, md = _one_briefing(folder, tmp_path / "out", "--sentences", "6")
    assert len(md) < 20_000
    assert all(len(b.split()) < 150 for b in _bullets(md)), max(len(b.split()) for b in _bullets(md))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda d: None, id="empty-folder"),
        pytest.param(lambda d: (d / ".hidden.txt").write_text(_text(FERRY)), id="only-hidden"),
        pytest.param(lambda d: (d / "scan.pdf").write_bytes(b"%PDF-1.4\n"), id="only-other-types"),
        pytest.param(lambda d: [(d / f"{n}.txt").write_bytes(b"\x00\x01" * 50) for n in range(3)],
                     id="only-binary"),
    ],
)
def test_folder_with_no_readable_file_exits_3_and_writes_nothing(tmp_path: Path, make, mail_env) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder)
    out = tmp_path / "out"
    result = _build(str(folder), "--out", str(out), "--email", "--dry-run", env=mail_env)
    assert result.exit_code == 3, result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "no readable article" in errors[0]
    assert _files(out) == [] and _files(tmp_path / "outbox") == []


def test_names_with_spaces_non_ascii_and_control_characters(tmp_path: Path) -> None:
    folder = tmp_path / "dossier été" / "Ünïcödé 日本 folder"
    folder.mkdir(parents=True)
    (folder / "Île de Marrow – copie (2).txt").write_text(_text(FERRY), encoding="utf-8")
    (folder / "with space.md").write_text(_text(OTHER), encoding="utf-8")
    forged = folder / "bad\nerror: forged line\x1b]0;title\x07\u202etxt.exe.txt"
    forged.write_bytes(b"")
    out = tmp_path / "sortie à côté"
    result = _build(str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert not any(ln.startswith("error:") for ln in lines)  # no forged line
    [skip] = [ln for ln in lines if ln.startswith("skipped ")]
    assert skip.endswith(": empty file (0 bytes)") and "\\nerror: forged line\\x1b]0;title\\x07\\u202e" in skip
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    [path] = _files(out)
    md = path.read_text(encoding="utf-8")
    assert "`Île de Marrow – copie (2).txt`" in md and "`with space.md`" in md
    assert "forged" not in md


def test_only_punctuation_emoji_and_rtl_text_are_reported_or_used(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_text(FERRY), encoding="utf-8")
    (folder / "punct.txt").write_text("!!! ??? ... --- *** ;;; ,,, \n\n« » “ ” ‘ ’\n", encoding="utf-8")
    (folder / "emoji.txt").write_text("🔥🔥🔥 🚢⛴️ 😡\n\n👍👍\n", encoding="utf-8")
    result = _build(str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    skipped = {ln.split(": ", 1)[0].rsplit("/", 1)[-1] for ln in result.stderr.splitlines()
               if ln.startswith("skipped ")}
    assert skipped == {"punct.txt", "emoji.txt"}


# ------------------------------------------------------------------ prompts


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("budget = 5\n", "`budget` must be a table"),
        ("sections = [1, 2]\n", "`sections[1]` must be a table"),
        ("sections = []\n", "`sections`"),
        ('[[sections]]\ntitle = ["a", "b"]\n', "`sections[1].title` must be text"),
        ('[[sections]]\ntitle = "A"\nwords = 2.5\n', "`sections[1].words`"),
        ('[[sections]]\ntitle = "A"\nsentences = true\n', "`sections[1].sentences`"),
        ("quotes = 1e9\n", "`quotes`"),
        ('[budget]\nsentences = 3\ntokens = 4\n', "unknown key `budget.tokens`"),
        ('[[sections]]\ntitle = "A"\n[sections.extra]\nx = 1\n', "unknown key `sections[1].extra`"),
        ('title = "{headline:>999999999}"\n', "`title` formats {headline}"),
        ('subject = "{date!r}"\n', "`subject` formats {date}"),
        ('title = "{headline.__class__}"\n', "`title` uses unknown placeholder"),
        ("\ufeffname = \x00\n", "not valid TOML"),
    ],
)
def test_bad_prompt_is_one_line_exit_4_and_nothing_written(tmp_path: Path, body: str, needle: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_text(FERRY), encoding="utf-8")
    prompt = tmp_path / "my prompt.toml"
    prompt.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    result = _build(str(folder), "--prompt", str(prompt), "--out", str(out))
    assert result.exit_code == 4, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {prompt}") or line.startswith("error: cannot read"), line
    assert needle in line, line
    assert _files(out) == []


def test_unreadable_prompt_file_is_a_prompt_error(tmp_path: Path) -> None:
    """/proc/self/mem is a regular file that fails on read (EIO) even for root."""
    if not Path("/proc/self/mem").is_file():
        pytest.skip("no /proc/self/mem on this system")
    link = tmp_path / "broken.toml"
    link.symlink_to("/proc/self/mem")
    result = _build(str(ROOT / "examples" / "articles"), "--prompt", str(link), "--out", "-")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"error: cannot read prompt file {link}: ")


# ------------------------------------------------------------------ size limit, real process


def _measured(args: list[str], cwd: Path) -> tuple[int, str, float, float]:
    return hostilesupport.measured(args, cwd, timeout=300)


def test_real_200mb_file_is_refused_fast_with_bounded_memory(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_text(FERRY), encoding="utf-8")
    big = folder / "archive dump.txt"
    chunk = (_text(FERRY + OTHER) * 2000).encode()[: 1 << 20]
    with big.open("wb") as fh:  # real bytes on disk, not a sparse file
        for _ in range(200):
            fh.write(chunk)
    assert big.stat().st_size == 200 << 20 and big.stat().st_blocks * 512 >= 200 << 20
    code, stderr, grown, secs = _measured(["build", str(folder), "--out", "-"], tmp_path)
    assert code == 0, stderr
    assert f"skipped {big}: file is 200 MB, over the 20 MB size limit (--max-bytes)" in stderr
    assert "1 article read, 1 skipped" in stderr and "Traceback" not in stderr
    assert grown < 40, f"peak memory grew by {grown} MB: the big file was read"
    assert secs < 30, secs


def test_same_files_anywhere_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the input folder lies (and how it is named on the command line) is not input."""
    from robustsupport import write_articles

    first = tmp_path / "a" / "in"
    write_articles(first, 16, seed=4)
    second = tmp_path / "deeper" / "path with space" / "in"
    second.parent.mkdir(parents=True)
    first.rename(second.parent / "tmp")
    (second.parent / "tmp").rename(second)
    write_articles(first, 16, seed=4)
    outputs = set()
    for arg in (str(first), str(second), "in"):
        if arg == "in":
            monkeypatch.chdir(second.parent)
        result = _build(arg, "--out", "-", "--date", "2031-01-02")
        assert result.exit_code == 0, result.output
        outputs.add(result.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize("target", ["blocker", "blocker/deeper/briefing.md", "/dev/full"])
def test_output_where_a_file_blocks_the_folder_is_one_line_exit_5(tmp_path: Path, target: str) -> None:
    if target == "/dev/full" and not Path(target).exists():
        pytest.skip("no /dev/full here")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n", encoding="utf-8")
    out = target if target.startswith("/") else str(tmp_path / target)
    result = _build(str(ROOT / "examples" / "articles"), "--out", out)
    assert result.exit_code == 5
    [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert line.startswith(f"error: cannot write {out}") and line.endswith("is not a folder"), line
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_sending_a_binary_file_sends_nothing(tmp_path: Path, mail_env) -> None:
    junk = tmp_path / "briefing.md"
    junk.write_bytes(b"# Title\n\x00\x01\x02 binary")
    result = runner.invoke(app, ["send", str(junk), "--dry-run", "--out", str(tmp_path / "eml")],
                           env=mail_env)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip() == f"error: {junk} is a binary file, not a briefing; nothing sent"
    assert _files(tmp_path / "eml") == [] and _files(tmp_path / "outbox") == []


def test_json_bombs_are_skipped_with_a_reason(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_text(FERRY), encoding="utf-8")
    (folder / "deep.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    (folder / "long number.json").write_text('{"text": "Ferries ran.", "date": ' + "9" * 5000 + "}")
    (folder / "mixed.jsonl").write_text(json.dumps({"text": _text(OTHER)}) + "\n" + "[" * 100_000 + "\n")
    result = _build(str(folder), "--out", "-")
    assert result.exit_code == 0, result.output
    skipped = sorted(ln for ln in result.stderr.splitlines() if ln.startswith("skipped "))
    assert skipped == [
        f"skipped {folder / 'deep.json'}: invalid JSON at line 1: nested too deeply",
        f"skipped {folder / 'long number.json'}: invalid JSON at line 1: Exceeds the limit "
        "(4300 digits) for integer string conversion",
        f"skipped {folder / 'mixed.jsonl'}: line 2: invalid JSON (nested too deeply); other lines used",
    ]
    assert "2 articles read" in result.stderr


def test_feed_entity_bombs_and_external_entities_are_not_expanded() -> None:
    from briefing.read.web import parse_feed

    laughs = "".join(
        f'<!ENTITY l{i} "' + (f"&l{i - 1};" if i else "lol") * 10 + '">' for i in range(9))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rss [{laughs}]><rss version="2.0"><channel>'
            "<title>&l8;</title><item><title>x &l8;</title><link>http://e.example/a</link>"
            "<description>&l8;</description></item></channel></rss>")
    entries, _ = parse_feed(bomb.encode(), "http://feed.example/rss")
    assert all(len(e.title) < 100 for e in entries)
    xxe = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
           "<link>http://e.example/b</link><description>&x;</description></item></channel></rss>")
    entries, _ = parse_feed(xxe.encode(), "http://feed.example/rss")
    assert "root:" not in repr(entries)


@pytest.mark.parametrize("date", ["../../escaped", "2031-13-45", "tomorrow", "2031-02-30"])
def test_bad_date_is_rejected_before_anything_is_written(tmp_path: Path, date: str) -> None:
    out = tmp_path / "a" / "b" / "out"
    result = runner.invoke(app, ["build", str(ROOT / "examples" / "articles"), "--out", str(out),
                                 "--date", date])
    assert result.exit_code == 2 and "is not a date (YYYY-MM-DD)" in result.output
    assert _files(tmp_path) == []
