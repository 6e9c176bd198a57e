"""Ingest: every format, every encoding, stable ids, URLs; problems become named skips."""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from briefing.models import Skip
from briefing.read.decode import decode_bytes
from briefing.read.files import ingest, iter_files, load_file
from briefing.read.formats import records_from_json
from briefing.read.web import USER_AGENT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
BODY = (
    "The Lakeport bridge reopened on Monday, officials said.\n\n"
    "Mayor Ines Talbot called it “the spine of our city” and thanked the crews — all 40 of them.\n"
)


def _one(tmp_path: Path, name: str, data: bytes | str):
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return ingest([path])


# ------------------------------------------------------------------------------------------
# formats
# ------------------------------------------------------------------------------------------


def test_example_html_gets_text_and_metadata(examples_dir: Path) -> None:
    [art] = ingest([examples_dir / "riverside-radio.html"]).articles
    assert art.outlet == "Riverside Radio"
    assert art.date == "2031-10-06"
    assert art.title == "Lakeport bridge reopens early"
    assert art.byline == "Sam Reyes"
    assert "second crossing to the east of the city" in art.text
    for noise in ("Home", "Sport", "Subscribe", "Photo:", "©"):
        assert noise not in art.text


def test_html_with_scripts_forms_iframes() -> None:
    [art] = ingest([FIXTURES / "tidewater-online.html"]).articles
    assert art.url == "https://tidewater.example/news/marrow-ferry-strike"
    assert art.date == "2030-03-13"
    for noise in ("trackPageView", "font-family", "video.example", "Subscribe", "©"):
        assert noise not in art.text


def test_markdown_front_matter(examples_dir: Path) -> None:
    [art] = ingest([examples_dir / "valley-times.md"]).articles
    assert art.outlet == "Valley Times"
    assert art.title == "Lakeport bridge reopens; lorry ban stays until load test"
    assert art.date == "2031-10-06"
    assert art.url == "https://valley-times.example/lakeport-bridge"
    assert not art.text.startswith("---") and "outlet:" not in art.text


def test_markdown_without_front_matter_and_unclosed_front_matter(tmp_path: Path) -> None:
    [plain] = _one(tmp_path, "a.md", "# Title\n\n" + BODY).articles
    assert plain.text.startswith("# Title")
    [broken] = _one(tmp_path, "b.md", "---\ntitle: x\n" + BODY).articles
    assert broken.title == "" and "title: x" in broken.text


def test_json_forms(tmp_path: Path) -> None:
    record = {"title": "T", "text": BODY, "source": "Valley Ledger", "date": "2031-10-06T08:00:00Z",
              "url": "https://ledger.example/a", "author": ["Jo Lin", "Ade Obi"]}
    [one] = _one(tmp_path, "one.json", json.dumps(record)).articles
    assert (one.outlet, one.date, one.byline, one.url) == (
        "Valley Ledger", "2031-10-06", "Jo Lin, Ade Obi", "https://ledger.example/a")
    many = _one(tmp_path, "many.json", json.dumps([record, {**record, "text": BODY + "More."}]))
    assert len(many.articles) == 2 and not many.skipped
    paras = _one(tmp_path, "paras.json", json.dumps({"body": ["First para.", "Second para."]}))
    assert paras.articles[0].text == "First para.\n\nSecond para."
    cluster = {"id": "C1", "documents": [record, {"title": "no text"}, record | {"text": "Other."}]}
    got = _one(tmp_path, "cluster.json", json.dumps(cluster))
    assert len(got.articles) == 2
    assert got.skipped == (Skip(str(tmp_path / "cluster.json"), "line 1, document 2: no text"),)


def test_jsonl_malformed_lines_are_reported_with_their_number(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": BODY, "outlet": "A"}),
        '{"text": "broken',
        "",
        json.dumps({"documents": [{"text": BODY, "source": "B"}]}),
        "[1, 2]",
        json.dumps({"title": "no text here"}),
    ]
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = ingest([path])
    assert [a.outlet for a in result.articles] == ["A", "B"]
    reasons = [s.reason for s in result.skipped]
    assert all(s.source == str(path) for s in result.skipped)
    assert reasons[0].startswith("line 2: invalid JSON")
    assert reasons[1:] == ["line 5: not a JSON object", "line 6: record has no `text`"]
    # sources name the line, so ids differ between records and stay stable across runs
    assert result.articles[0].source.endswith("data.jsonl#1")
    assert result.articles[1].source.endswith("data.jsonl#4/1")
    assert [a.id for a in ingest([path]).articles] == [a.id for a in result.articles]


def test_broken_json_document(tmp_path: Path) -> None:
    result = _one(tmp_path, "bad.json", '[{"text": "a"},\n {"text": ]')
    assert not result.articles
    assert result.skipped[0].reason.startswith("invalid JSON at line 2")


@pytest.mark.parametrize(
    ("name", "clusters", "docs"),
    [("duc2003_task2.jsonl", 30, 298), ("multiling2011_en.jsonl", 10, 100)],
)
def test_dev_cluster_files(name: str, clusters: int, docs: int) -> None:
    from conftest import shared_path

    path = shared_path("dev", name)
    result = ingest([path])
    assert len(result.articles) >= docs
    first = result.articles[0]
    assert first.outlet and first.date[:2] in ("19", "20") and len(first.text) > 200
    assert len({a.source.split("#")[1].split("/")[0] for a in result.articles}) == clusters
    assert len({a.id for a in result.articles}) == len(result.articles)


def test_records_from_json_ignores_non_document_lists() -> None:
    arts, skipped = records_from_json(json.dumps({"text": BODY, "tags": ["a", "b"]}), "x.json")
    assert len(arts) == 1 and not skipped


# ------------------------------------------------------------------------------------------
# encodings
# ------------------------------------------------------------------------------------------

TEXT = "The café’s owner said “it is back” — prices rose 5 € on Monday.\nSecond line."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        TEXT.replace("\n", "\r").encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1252", "crlf",
         "cr-cp1252"],
)
def test_encodings_decode_to_the_same_text(data: bytes) -> None:
    assert decode_bytes(data) == TEXT


def test_latin1_and_mixed_endings() -> None:
    text = "Le café à Zürich.\r\nLine two.\rLine three.\nLine four."
    assert decode_bytes(text.encode("latin-1")) == "Le café à Zürich.\nLine two.\nLine three.\nLine four."


def test_truncated_utf8_keeps_what_decodes() -> None:
    data = "The mayor said “yes”.".encode()[:-2]  # cut inside the closing quote
    assert decode_bytes(data) == "The mayor said “yes"


def test_stray_legacy_byte_in_utf8() -> None:
    data = "Zelenskyy’s office — said".encode() + b" caf\xe9 owner"
    assert decode_bytes(data) == "Zelenskyy’s office — said café owner"


def test_cyrillic_legacy_encoding_is_recognised() -> None:
    text = "Мэр Лейкпорта в понедельник объявил об открытии подвесного моста через шесть недель."
    assert decode_bytes(text.encode("cp1251")) == text


def test_control_characters_and_bom_inside_are_removed() -> None:
    assert decode_bytes("a\u200bb\ufeffc\x07d\te".encode()) == "abcd\te"


# ------------------------------------------------------------------------------------------
# walking: folders, order, ids, odd names, links
# ------------------------------------------------------------------------------------------


def test_folder_recursion_order_and_skips(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b" / "c.md").write_text(BODY)
    (tmp_path / "b" / "photo.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".hidden.txt").write_text(BODY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(BODY)
    result = ingest([tmp_path])
    assert [Path(a.source).name for a in result.articles] == ["a.txt", "c.md"]
    assert [(Path(s.source).name, s.reason.split(" (")[0]) for s in result.skipped] == [
        ("photo.png", "not an article file")
    ]


def test_explicit_file_with_unknown_suffix_is_read(tmp_path: Path) -> None:
    assert len(_one(tmp_path, "article", BODY).articles) == 1


def test_html_saved_as_txt_is_extracted(tmp_path: Path, examples_dir: Path) -> None:
    html = (examples_dir / "riverside-radio.html").read_text()
    [art] = _one(tmp_path, "page.txt", html).articles
    assert art.outlet == "Riverside Radio" and "<p>" not in art.text


def test_ids_are_stable_and_distinct(tmp_path: Path, examples_dir: Path) -> None:
    first = [a.id for a in ingest([examples_dir]).articles]
    assert first == [a.id for a in ingest([examples_dir]).articles]
    assert len(set(first)) == len(first)
    (tmp_path / "x.txt").write_text(BODY)
    (tmp_path / "y.txt").write_text(BODY)  # same text, other name: another article
    ids = [a.id for a in ingest([tmp_path]).articles]
    assert len(set(ids)) == 2


def test_names_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    path = tmp_path / "Ferry strike – Île de Marrow (copy 2).txt"
    path.write_text(BODY, encoding="utf-8")
    [art] = ingest([tmp_path]).articles
    assert art.source == str(path) and art.label == path.name


def test_missing_path() -> None:
    result = ingest(["/nonexistent/folder"])
    assert result.skipped == (Skip("/nonexistent/folder", "no such file or folder"),)


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(BODY)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    result = ingest([tmp_path])
    assert [Path(a.source).name for a in result.articles] == ["good.txt"]
    reasons = {Path(s.source).name: s.reason for s in result.skipped}
    assert reasons["loop"].startswith("symlink loop")
    assert reasons["self.txt"] == "broken symlink or symlink loop"
    explicit = ingest([tmp_path / "self.txt"])
    assert explicit.skipped[0].reason == "broken symlink or symlink loop"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; see the fault-injected variant")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(BODY)
    path.chmod(0)
    assert ingest([path]).skipped == (Skip(str(path), "permission denied"),)


def test_permission_error_becomes_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(BODY)

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    assert load_file(path) == ([], [Skip(str(path), "permission denied")])


def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert ingest([tmp_path]).skipped == (Skip(str(fifo), "not a regular file"),)


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # a sparse 200 MB file: no disk used, no time spent writing
        fh.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    start = time.perf_counter()
    result = ingest([big], max_bytes=1024 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.skipped == (
        Skip(str(big), "file is 200 MB, over the 1 MB size limit (--max-bytes)"),
    )
    assert peak < 4 * 1024 * 1024
    assert time.perf_counter() - start < 2


def test_iter_files_yields_urls_even_when_pathlib_mangled_them() -> None:
    assert list(iter_files([Path("https://news.example/a")])) == ["https://news.example/a"]
    assert list(iter_files(["http://news.example/b?x=1"])) == ["http://news.example/b?x=1"]


# ------------------------------------------------------------------------------------------
# URLs, against a real HTTP server on loopback
# ------------------------------------------------------------------------------------------


def test_url_html_page(httpserver: HTTPServer, examples_dir: Path) -> None:
    html = (examples_dir / "riverside-radio.html").read_bytes()
    httpserver.expect_request("/bridge", headers={"User-Agent": USER_AGENT}).respond_with_data(
        html, content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/bridge")
    result = ingest([url], allow_private=True)  # loopback, like every test server
    [art] = result.articles
    assert art.source == url and art.url == url and art.label == url
    assert art.outlet == "Riverside Radio" and art.date == "2031-10-06"
    assert "second crossing" in art.text


def test_url_redirect_and_plain_text(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new.txt")})
    )
    httpserver.expect_request("/new.txt").respond_with_data(BODY, content_type="text/plain")
    [art] = ingest([httpserver.url_for("/old")], allow_private=True).articles
    assert art.url.endswith("/new.txt") and art.text.startswith("The Lakeport bridge")


def test_url_errors_become_skips(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("nope", status=404)
    httpserver.expect_request("/big").respond_with_data("x" * 5000, content_type="text/html")
    httpserver.expect_request("/pdf").respond_with_data(b"%PDF-1.7 ...", content_type="application/pdf")
    httpserver.expect_request("/empty").respond_with_data("", content_type="text/html")
    urls = [httpserver.url_for(p) for p in ("/gone", "/big", "/pdf", "/empty")]
    result = ingest([*urls, "http://127.0.0.1:9/refused"], max_bytes=1000, allow_private=True)
    assert not result.articles
    reasons = [s.reason for s in result.skipped]
    assert reasons[0] == "could not fetch: HTTP 404 NOT FOUND"
    assert reasons[1] == "page is over the 1,000 bytes size limit (--max-bytes)"
    assert reasons[2] == "binary file (a PDF document), not text"
    assert reasons[3] == "empty response"
    assert reasons[4].startswith("could not fetch: could not connect")  # no library class names
    assert [s.source for s in result.skipped] == [*urls, "http://127.0.0.1:9/refused"]


def test_url_timeout(httpserver: HTTPServer) -> None:
    def slow(request: object) -> Response:
        time.sleep(1.5)
        return Response("late", content_type="text/plain")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    from briefing.read.web import load_url

    articles, skipped = load_url(httpserver.url_for("/slow"), timeout=0.3, allow_private=True)
    assert not articles
    assert skipped[0].reason == "could not fetch: timed out after 0.3 s"


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_decode_never_crashes(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except ValueError as exc:
        assert str(exc).startswith("binary file")
    else:
        assert "\r" not in text and "\x00" not in text


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_unicode_text_survives_utf8_and_utf16_with_bom(text: str) -> None:
    from briefing.read.decode import normalize_text

    expected = normalize_text(text)
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == expected
    # (a UTF-16 BOM then U+0000 is byte for byte a UTF-32 BOM: that text is ambiguous)
    if not text.startswith("\x00"):
        assert decode_bytes(b"\xff\xfe" + text.encode("utf-16-le")) == expected


def test_html_that_trips_the_date_extractor_still_gives_a_clean_answer(tmp_path: Path) -> None:
    # found by fuzzing: htmldate raised an AssertionError inside lxml on this page
    result = _one(tmp_path, "odd.html", "<svg><!DOCTYPE html>")
    assert not result.articles
    assert result.skipped[0].reason.startswith(("no article text", "could not parse the HTML"))


_HTML_BITS = st.sampled_from(
    list("ab <>/=\"'&;!-\n")
    + ["<html>", "<body>", "<p>", "</p>", "<script>", "<title>", "<!DOCTYPE html>", "<article>",
       "<h1>", "<![CDATA[", "<?xml version='1.0'?>", "&#0;", "<svg>", "<math>", "<meta content=\""]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_HTML_BITS, max_size=60).map("".join))
def test_any_html_gives_an_article_or_a_reason(html: str) -> None:
    from briefing.read.formats import articles_from_text

    articles, skipped = articles_from_text(html, "x.html", "html")
    assert len(articles) + len(skipped) == 1


def test_cli_build_from_urls(httpserver: HTTPServer, examples_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from briefing.cli.main import app

    httpserver.expect_request("/bridge").respond_with_data(
        (examples_dir / "riverside-radio.html").read_bytes(), content_type="text/html"
    )
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    good, bad = httpserver.url_for("/bridge"), httpserver.url_for("/gone")
    result = CliRunner().invoke(app, ["build", good, bad, str(examples_dir / "northern-wire.txt"),
                                      "--out", str(tmp_path), "--allow-private"])
    assert result.exit_code == 0, result.output
    assert f"skipped {bad}: could not fetch: HTTP 404 NOT FOUND" in result.stderr
    briefing = Path(result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert good in briefing and "Riverside Radio" in briefing


def test_folder_that_cannot_be_listed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.txt").write_text(BODY)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(BODY)
    real_scandir = os.scandir

    def scandir(path: object = "."):  # root lists any folder; make this one fail for real
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = ingest([tmp_path])
    assert [Path(a.source).name for a in result.articles] == ["good.txt"]
    assert result.skipped == (Skip(str(tmp_path / "locked"), "cannot read folder: permission denied"),)
