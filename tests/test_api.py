"""The public API of `import briefing`: every name resolves, and the documented example runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import briefing

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "summit"


def test_every_public_name_resolves_and_no_subpackage_shadows_one() -> None:
    import briefing.pipeline  # imports every stage's subpackage

    for name in briefing.__all__:
        value = getattr(briefing, name)
        assert value is not None and not isinstance(value, type(briefing)), name


def test_import_is_cheap() -> None:
    # the command line imports `briefing` first: the pipeline must not come with it
    code = "import sys, briefing; print(sorted(m for m in sys.modules if m.startswith('briefing')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['briefing']"


def test_docstring_example_builds_and_renders() -> None:
    made = briefing.build_briefing([EXAMPLE], briefing.Settings(words=120, workers=1))
    text = briefing.render_briefing(made, "markdown")
    assert text.startswith("# ") and "## Sources" in text
    bullets = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert bullets and sum(len(b.split()) for b in bullets) < 400
