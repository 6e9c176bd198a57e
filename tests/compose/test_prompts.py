"""Prompts: the shipped ones load; a bad prompt file gets a clear error naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.compose.prompt import PROMPTS_DIR, load_prompt
from briefing.errors import PromptError

runner = CliRunner()


@pytest.mark.parametrize("name", sorted(p.stem for p in PROMPTS_DIR.glob("*.toml")))
def test_shipped_prompts_load(name: str) -> None:
    prompt = load_prompt(name)
    assert prompt.sections and prompt.sections[0].title == "Key points"
    assert prompt.title.count("{headline}") == 1


def test_summit_prompt_shape() -> None:
    titles = [s.title for s in load_prompt("summit").sections]
    assert titles[0] == "Key points"
    assert {"Commitments", "Pressure and sanctions", "What happens next"} <= set(titles)
    assert all(s.query for s in load_prompt("summit").sections[1:])


def test_prompt_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'title = "Mine: {headline}"\nquotes = 0\ndisagreements = false\n'
        '[[sections]]\ntitle = "Top"\nsentences = 2\n',
        encoding="utf-8",
    )
    prompt = load_prompt(str(path))
    assert prompt.name == "mine" and prompt.quotes == 0 and prompt.disagreements is False
    assert [s.title for s in prompt.sections] == ["Top"]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('colour = "blue"\n', "colour"),
        ('[budget]\nsentences = "ten"\n', "budget.sentences"),
        ("[budget]\npages = 3\n", "budget.pages"),
        ('[[sections]]\ntitle = "A"\nsentences = 0\n', "sections[1].sentences"),
        ('[[sections]]\ntitle = "A"\nquery = 5\n', "sections[1].query"),
        ('[[sections]]\nquery = "x"\n', "sections[1].title"),
        ('[[sections]]\ntitle = "A"\nlimit = 3\n', "sections[1].limit"),
        ("quotes = -1\n", "quotes"),
        ('quotes = "3"\n', "quotes"),
        ('disagreements = "yes"\n', "disagreements"),
        ("title = 3\n", "title"),
        ('title = "Briefing on {topic}"\n', "title"),
        ('subject = "{date"\n', "subject"),
        ('sections = "none"\n', "sections"),
    ],
)
def test_invalid_prompt_names_the_key(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PromptError) as err:
        load_prompt(str(path))
    message = str(err.value)
    assert str(path) in message and f"`{key}`" in message and "\n" not in message


def test_invalid_toml_and_missing_prompt(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("title = \n", encoding="utf-8")
    with pytest.raises(PromptError, match="not valid TOML"):
        load_prompt(str(path))
    with pytest.raises(PromptError, match="known prompts: .*summit"):
        load_prompt("no-such-prompt")


def test_cli_reports_bad_prompt_cleanly(examples_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[budget]\nsentences = "ten"\n', encoding="utf-8")
    result = runner.invoke(app, ["build", str(examples_dir), "--prompt", str(path), "--out", "-"])
    assert result.exit_code == 4
    assert "error:" in result.output and "budget.sentences" in result.output
    assert "Traceback" not in result.output



def test_default_what_happens_next_asks_for_time_to_come_not_for_past_meetings() -> None:
    """A section with a query shows only facts sharing a word with it (`compose.briefing`):
    "What happens next" asks for time to come, and a report of a meeting, talks or a plan that
    happened is the day's news, not what follows (on the AllSides events the old query's
    "meeting", "talks" and "plan" brought in "meet the China challenge", "talking heads")."""
    from briefing.text.stems import stems

    (following,) = [s for s in load_prompt("default").sections if s.title == "What happens next"]
    wanted = stems(following.query)
    past = [
        "The ministers spoke after a long meeting in Geneva about the grain corridor.",
        "Shipping insurers said premiums had fallen by half since the talks began.",
        "The party was scaled down from original plans because of the delta variant.",
    ]
    to_come = [
        "The ministers will meet again next month to sign the agreement.",
        "The Senate is expected to vote on the bill after the recess.",
        "Officials set an upcoming deadline of 30 June for the first payments.",
    ]
    assert not any(stems(t) & wanted for t in past)
    assert all(stems(t) & wanted for t in to_come)
