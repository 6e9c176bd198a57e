"""Prompts: TOML files describing one kind of briefing (title, budget, sections with queries)."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import PromptError

# Installed from a wheel the shipped prompts sit inside the package; in a checkout (or an
# editable install) they are the repository's top-level prompts/ folder.
_INSTALLED = Path(__file__).resolve().parent.parent / "prompt_files"


PROMPTS_DIR = _INSTALLED if _INSTALLED.is_dir() else Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True, slots=True)
class SectionSpec:
    title: str
    query: str = ""
    sentences: int | None = None
    words: int | None = None


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    title: str = "Briefing: {headline}"
    subject: str = "[Briefing] {date}: {headline}"
    sentences: int | None = None
    words: int | None = None
    sections: tuple[SectionSpec, ...] = (SectionSpec("Key points"),)
    path: str = ""
    quotes: int = 4  # how many direct quotations "What they said" shows (0: no such section)
    disagreements: bool = True  # report figures, dates and speakers the outlets disagree on


_DEFAULT = Prompt(name="default")


_PLACEHOLDERS = {"headline", "date"}


# A prompt file's shape, declared: each key with a check of its value, `(value, key as
# written) -> the problem, or None`.
Check = Callable[[object, str], "str | None"]


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(test: Callable[[object], bool], wanted: str) -> Check:
    def check(value: object, key: str) -> str | None:
        return None if test(value) else f"`{key}` {wanted}, got {value!r}"

    return check


_text = _kind(lambda v: isinstance(v, str), "must be text")
_flag = _kind(lambda v: isinstance(v, bool), "must be true or false")
_positive = _kind(lambda v: _whole(v) and v >= 1, "must be a positive whole number")  # type: ignore[operator]
_count = _kind(lambda v: _whole(v) and v >= 0, "must be a whole number (0 or more)")  # type: ignore[operator]


def _pattern(value: object, key: str) -> str | None:
    """Text that may use only {headline} and {date}."""
    return _text(value, key) or _pattern_problem(str(value), key)


def _table(fields: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(value: object, key: str) -> str | None:
        if not isinstance(value, dict):
            return f"`{key}` must be a table"
        where = f"{key}." if key else ""
        unknown = sorted(k for k in value if k not in fields)
        if unknown:
            return f"unknown key `{where}{unknown[0]}`"
        missing = [k for k in required if k not in value]
        if missing:
            return f"`{where}{missing[0]}` is missing"
        return next((p for k, v in value.items() if (p := fields[k](v, where + k))), None)

    return check


def _tables(item: Check) -> Check:
    def check(value: object, key: str) -> str | None:
        if not isinstance(value, list) or not value:
            return f"`{key}` must be a non-empty list of tables"
        return next((p for n, v in enumerate(value, 1) if (p := item(v, f"{key}[{n}]"))), None)

    return check


PROMPT_FILE = _table(
    {
        "name": _text,
        "title": _pattern,
        "audience": _text,  # who the briefing is for: a note for people reading the file
        "subject": _pattern,
        "quotes": _count,
        "disagreements": _flag,
        "budget": _table({"sentences": _positive, "words": _positive}),
        "sections": _tables(
            _table({"title": _text, "query": _text, "sentences": _positive, "words": _positive}, required=("title",))
        ),
    }
)


def resolve_prompt_path(name_or_path: str) -> Path:
    """A prompt by name (`default`, from prompts/) or by path to a TOML file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise PromptError(f"prompt file {path} does not exist")
        return path
    for folder in (Path.cwd() / "prompts", PROMPTS_DIR):
        candidate = folder / f"{name_or_path}.toml"
        if candidate.is_file():
            return candidate
    known = sorted(p.stem for p in PROMPTS_DIR.glob("*.toml"))
    raise PromptError(f"no prompt named {name_or_path!r}; known prompts: {', '.join(known)}")


def load_prompt(name_or_path: str = "default") -> Prompt:
    """A prompt by name or path, checked against `PROMPT_FILE`: a bad file is a PromptError
    naming the file and the key."""
    path = resolve_prompt_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise PromptError(f"cannot read prompt file {path}: {exc.strerror or exc}") from None
    problem = PROMPT_FILE(data, "")
    if problem:
        raise PromptError(f"{path}: {problem}")
    budget = data.get("budget", {})
    sections = data.get("sections", [{"title": "Key points"}])
    return Prompt(
        name=data.get("name", path.stem),
        title=data.get("title", _DEFAULT.title),
        subject=data.get("subject", _DEFAULT.subject),
        sentences=budget.get("sentences"),
        words=budget.get("words"),
        sections=tuple(SectionSpec(s["title"], s.get("query", ""), s.get("sentences"), s.get("words")) for s in sections),
        path=str(path),
        quotes=data.get("quotes", _DEFAULT.quotes),
        disagreements=data.get("disagreements", True),
    )


def _pattern_problem(pattern: str, key: str) -> str | None:
    """A title or subject may use only {headline} and {date}."""
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        return f"`{key}` is not a valid pattern ({exc})"
    for f, spec, conv in fields:
        if spec or conv:  # `{headline:>999999999}` would build a huge title
            return f"`{key}` formats {{{f}}}; write {{{f}}} alone, no `:` or `!`"
    unknown = sorted({f for f, _, _ in fields} - _PLACEHOLDERS)
    if unknown:
        return f"`{key}` uses unknown placeholder {{{unknown[0]}}}; use {{headline}} or {{date}}"
    return None
