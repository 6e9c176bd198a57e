"""The email's HTML part in a real headless browser (Debian's chromium) at desktop and phone
widths: it draws something, keeps the headline and the source list, and fits a phone screen."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mailsupport import parse, settings_for

from briefing.deliver.message import compose, read_head
from briefing.pipeline import build_briefing
from briefing.render.markdown import render_markdown
from briefing.settings import Settings

Image = pytest.importorskip("PIL.Image", reason="Pillow (the test extra) decodes the screenshots")

LONG_URL = "https://news.example/" + "/".join(["a-very-long-path-segment-without-breaks"] * 4)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else "")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing, and CI needs it (the README's test command installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("head", "script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("head", "script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    @classmethod
    def of(cls, document: str) -> str:
        parser = cls()
        parser.feed(document)
        return " ".join(" ".join(parser.parts).split())


def _render(chromium: str, page: Path, width: int, height: int, tmp: Path) -> tuple[Path, str]:
    shot = tmp / f"shot-{width}.png"
    run = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp / f'profile-{width}'}", f"--screenshot={shot}",
         f"--window-size={width},{height}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file(), run.stderr[-2000:]
    return shot, run.stdout


@pytest.fixture(scope="module")
def email_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    examples = Path(__file__).resolve().parents[2] / "examples" / "articles"
    markdown = render_markdown(build_briefing([examples], Settings()))
    n = len(re.findall(r"(?m)^\d+\. ", markdown))
    markdown += f"{n + 1}. Long Address Daily, “A source with a long address”, `{LONG_URL}`\n"
    composed = compose(markdown, settings_for(25))
    part = parse(composed.data).get_body(("html",))
    assert part is not None
    page = tmp_path_factory.mktemp("email") / "email.html"
    page.write_text(part.get_content(), encoding="utf-8")
    return markdown, part.get_content(), page


@pytest.mark.parametrize(("width", "height"), [(1280, 1800), (375, 3600)])
def test_html_part_renders_in_chromium(chromium: str, email_html: tuple[str, str, Path],
                                       width: int, height: int, tmp_path: Path) -> None:
    markdown, _, page = email_html
    shot, dom = _render(chromium, page, width, height, tmp_path)
    with Image.open(shot) as img:
        assert img.size == (width, height)
        gray = img.convert("L")
        lo, hi = gray.getextrema()
        assert hi - lo > 100, "blank screenshot"
        ink = gray.point(lambda v: 255 if v < 160 else 0).histogram()[255]
        assert ink > 0.005 * width * height, f"only {ink} dark pixels: the page looks blank"
        # Fits the screen: the right-hand margin stays empty (nothing runs off the edge).
        edge = gray.crop((width - 8, 0, width, height)).getextrema()
        assert edge[0] > 200, f"content reaches the right edge at {width}px"
    text = Text.of(dom)
    assert read_head(markdown)[0] in text
    assert "Sources" in text
    sources = re.findall(r"(?m)^\d+\. ([^,]+), “([^”]+)”", markdown)
    assert len(sources) >= 3
    for outlet, headline in sources:
        assert outlet in text and headline in text
    assert LONG_URL in text
    assert re.search(r"\[\d\](\[\d\])*", text), "citations are kept"
