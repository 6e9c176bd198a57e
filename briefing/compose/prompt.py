"""Prompts: TOML files describing one kind of briefing (title, budget, sections with queries)."""

from __future__ import annotations

import string
import tomllib
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
    audience: str = ""
    subject: str = "[Briefing] {date}: {headline}"
    sentences: int | None = None
    words: int | None = None
    sections: tuple[SectionSpec, ...] = (SectionSpec("Key points"),)
    path: str = ""
    quotes: int = 4  # how many direct quotations "What they said" shows (0: no such section)
    disagreements: bool = True  # report figures, dates and speakers the outlets disagree on


_DEFAULT = Prompt(name="default")


_TOP_KEYS = {"name", "title", "audience", "subject", "budget", "sections", "quotes", "disagreements"}


_PLACEHOLDERS = {"headline", "date"}


_SECTION_KEYS = {"title", "query", "sentences", "words"}


def _want(value: object, kind: type, key: str, where: Path) -> object:
    if kind is bool and not isinstance(value, bool):
        raise PromptError(f"{where}: `{key}` must be true or false, got {value!r}")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise PromptError(f"{where}: `{key}` must be a positive whole number, got {value!r}")
    if kind is str and not isinstance(value, str):
        raise PromptError(f"{where}: `{key}` must be text, got {value!r}")
    return value


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
    path = resolve_prompt_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise PromptError(f"cannot read prompt file {path}: {exc.strerror or exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise PromptError(f"{path}: unknown key `{sorted(unknown)[0]}`")
    budget = data.get("budget", {})
    if not isinstance(budget, dict):
        raise PromptError(f"{path}: `budget` must be a table")
    for key in set(budget) - {"sentences", "words"}:
        raise PromptError(f"{path}: unknown key `budget.{key}`")
    sections_raw = data.get("sections", [{"title": "Key points"}])
    if not isinstance(sections_raw, list) or not sections_raw:
        raise PromptError(f"{path}: `sections` must be a non-empty list of tables")
    sections: list[SectionSpec] = []
    for n, sec in enumerate(sections_raw, 1):
        where = f"sections[{n}]"
        if not isinstance(sec, dict):
            raise PromptError(f"{path}: `{where}` must be a table")
        for key in set(sec) - _SECTION_KEYS:
            raise PromptError(f"{path}: unknown key `{where}.{key}`")
        if "title" not in sec:
            raise PromptError(f"{path}: `{where}.title` is missing")
        _want(sec["title"], str, f"{where}.title", path)
        _want(sec.get("query", ""), str, f"{where}.query", path)
        for key in ("sentences", "words"):
            if key in sec:
                _want(sec[key], int, f"{where}.{key}", path)
        sections.append(
            SectionSpec(sec["title"], sec.get("query", ""), sec.get("sentences"), sec.get("words"))
        )
    for key in ("name", "title", "audience", "subject"):
        if key in data:
            _want(data[key], str, key, path)
    for key in ("sentences", "words"):
        if key in budget:
            _want(budget[key], int, f"budget.{key}", path)
    quotes = data.get("quotes", _DEFAULT.quotes)
    if isinstance(quotes, bool) or not isinstance(quotes, int) or quotes < 0:
        raise PromptError(f"{path}: `quotes` must be a whole number (0 or more), got {quotes!r}")
    _want(data.get("disagreements", True), bool, "disagreements", path)
    for key in ("title", "subject"):
        if key in data:
            _check_pattern(data[key], key, path)
    return Prompt(
        name=data.get("name", path.stem),
        title=data.get("title", _DEFAULT.title),
        audience=data.get("audience", ""),
        subject=data.get("subject", _DEFAULT.subject),
        sentences=budget.get("sentences"),
        words=budget.get("words"),
        sections=tuple(sections),
        path=str(path),
        quotes=quotes,
        disagreements=data.get("disagreements", True),
    )


def _check_pattern(pattern: str, key: str, where: Path) -> None:
    """A title or subject may use only {headline} and {date}."""
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        raise PromptError(f"{where}: `{key}` is not a valid pattern ({exc})") from None
    names = {f for f, _, _ in fields}
    for f, spec, conv in fields:
        if spec or conv:  # `{headline:>999999999}` would build a huge title
            raise PromptError(f"{where}: `{key}` formats {{{f}}}; write {{{f}}} alone, no `:` or `!`")
    unknown = sorted(names - _PLACEHOLDERS)
    if unknown:
        raise PromptError(
            f"{where}: `{key}` uses unknown placeholder {{{unknown[0]}}}; use {{headline}} or {{date}}"
        )
