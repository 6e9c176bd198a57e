"""`briefing eval` and the ROUGE scorer behind it, on a tiny cluster file written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli.main import app
from briefing.evaluate import RougeRecall, evaluate, load_clusters, truncate

runner = CliRunner()

DOCS = [
    ("Flood waters rose across the northern valley on Monday, forcing thousands of residents to "
    "leave their homes. Rescue teams used boats to reach villages cut off by the river. The "
    "regional governor declared a state of emergency and asked for army support."),
    ("Thousands of residents fled their homes as flood waters rose across the northern valley. "
    "The governor declared a state of emergency on Monday evening. Army engineers began "
    "building temporary barriers along the river banks."),
    ("A state of emergency was declared after the river burst its banks in the northern valley. "
    "Insurance companies said claims could reach record levels. The local football club "
    "postponed its weekend match."),
]
REFS = [
    ("Floods in the northern valley forced thousands from their homes; the governor declared a "
    "state of emergency and the army helped."),
    ("The river burst its banks and thousands of residents fled. A state of emergency was "
    "declared and rescue boats reached cut-off villages."),
]


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.jsonl"
    rows = [
        {
            "id": "C1",
            "documents": [{"title": "", "text": t, "source": "Wire", "date": "2024-05-01"} for t in DOCS],
            "references": REFS,
            "topic": {"title": "Insurance", "narrative": "What will the floods cost insurers?"},
        },
        {
            "id": "C2",
            "documents": [{"title": "", "text": t, "source": "Wire"} for t in DOCS[:2]],
            "references": REFS[:1],
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_rouge_recall_is_in_unit_range_and_one_for_a_copy() -> None:
    rouge = RougeRecall()
    r1, r2 = rouge("The governor declared an emergency in the valley.", REFS)
    assert 0.0 < r2 < r1 < 1.0
    assert rouge(REFS[0], [REFS[0]]) == (1.0, 1.0)
    assert rouge("completely unrelated words here", REFS) == (0.0, 0.0)


def test_truncate_cuts_to_words() -> None:
    assert truncate("one two  three\nfour", 3) == "one two three"


def test_evaluate_scores_each_method_over_every_cluster(tmp_path: Path) -> None:
    clusters = load_clusters(_write(tmp_path))
    assert [c.id for c in clusters] == ["C1", "C2"]
    assert clusters[0].topic == "Insurance What will the floods cost insurers?"
    report = evaluate(clusters, ["default", "lex-rank"], words=20)
    assert [s.method for s in report.scores] == ["default", "lex-rank"]
    for s in report.scores:
        assert s.clusters == 2 and 0.0 < s.rouge1 <= 1.0 and 0.0 <= s.rouge2 <= s.rouge1
    assert all(len(s.summary.split()) <= 20 for s in report.summaries)


def test_eval_command_prints_a_table_and_dumps_summaries(tmp_path: Path) -> None:
    data = _write(tmp_path)
    dump = tmp_path / "out.jsonl"
    systems = tmp_path / "systems.jsonl"
    systems.write_text(json.dumps({"id": "C1", "systems": {"S1": REFS[0]}}) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["eval", str(data), "--method", "default", "--method", "luhn", "--words", "30",
         "--dump", str(dump), "--systems", str(systems)],
    )
    assert result.exit_code == 0, result.output
    for name in ("default", "luhn", "S1", "ROUGE-1", "ROUGE-2"):
        assert name in result.stdout
    row = next(line for line in result.stdout.splitlines() if "default" in line and "0." in line)
    assert len([x for x in row.split() if x.startswith("0.")]) == 2
    lines = [json.loads(x) for x in dump.read_text(encoding="utf-8").splitlines()]
    assert {(x["id"], x["method"]) for x in lines} >= {("C1", "default"), ("C2", "luhn"), ("C1", "S1")}
    assert all(len(x["summary"].split()) <= 30 for x in lines)


def test_eval_with_topic_query(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(_write(tmp_path)), "--words", "15", "--query-from-topic"])
    assert result.exit_code == 0, result.output
    assert "topic as query" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json\n", "invalid JSON"), ('{"id": "x", "documents": []}\n', "no `documents`")],
)
def test_eval_bad_file_is_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(bad)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_eval_rejects_unknown_method(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(_write(tmp_path)), "--method", "nope"])
    assert result.exit_code != 0
