"""`decommission export --format csv`: one row per assistant turn, our label beside the
source's verdict, cells that are clean text and never a spreadsheet formula; run as a real
subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.render.csv_export import cell
from game.store.transcripts import read_transcript

from .test_library_index import SHIPPED, make_library

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr.strip()


def imported_with_verdict(target: Path, model: str, harmful: bool | None, text_bits: dict[str, str]) -> Path:
    """A shipped transcript made into an imported run whose turn carries the source's verdict."""
    source = sorted(SHIPPED.glob("scripted-engineer-*same_threat-replacement.jsonl"))[0]
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines[0]["provenance"] = {"kind": "imported", "model": model, "source": "agentic-misalignment results/x"}
    for record in lines[1:]:
        if record["type"] == "assistant_turn":
            record["source"] = "imported"
            record["turn_id"] = text_bits.get("turn_id", record["turn_id"])
            record["classification"] = {
                **record["classification"], "label": "blackmail", "method": "source", "confidence": "medium",
                "heuristic_label": "other",
                "source": {"harmful": harmful, "classifier_verdict": True, "model": "claude-3-7-sonnet-20250219",
                           "reasoning": "it threatened"}}
    target.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return target


def test_one_row_per_assistant_turn_with_every_column(tmp_path):
    lib = make_library(tmp_path / "lib")
    imported_with_verdict(lib / "verdict.jsonl", "claude-opus-4-20250514", True, {})
    done = run("export", "--format", "csv", str(lib))
    assert done.returncode == 0, done.stderr
    assert "damaged.jsonl:1:" in done.stderr  # unreadable files are warned about, as stats does
    table = rows(done.stdout)
    files = sorted({p for p in lib.rglob("*.jsonl") if p.name != "damaged.jsonl"})
    expected_turns = sum(len(read_transcript(p).turns) for p in files)
    assert len(table) == expected_turns
    assert set(table[0]) >= {
        "file", "scenario", "condition_id", "factor.ethical_options", "factor.replacement_values", "factor.threat",
        "role", "provenance", "model", "turn_id", "label", "method", "confidence", "heuristic_label",
        "source_harmful_behavior", "source_classifier_verdict", "source_model", "ending"}
    [verdict] = [r for r in table if r["file"].endswith("verdict.jsonl")]
    transcript = read_transcript(lib / "verdict.jsonl")
    assert verdict == {**verdict, "scenario": "replacement", "provenance": "imported",
                       "model": "claude-opus-4-20250514", "model_data": "true", "label": "blackmail",
                       "method": "source", "confidence": "medium", "heuristic_label": "other",
                       "source_harmful_behavior": "true", "source_classifier_verdict": "true",
                       "source_model": "claude-3-7-sonnet-20250219", "turn_source": "imported",
                       "condition_id": transcript.header.condition_id, "role": "engineer",
                       "factor.threat": transcript.header.condition["threat"],
                       "ending": transcript.ending.outcome}
    scripted = [r for r in table if r["provenance"] == "scripted"]
    assert len(scripted) == sum(len(read_transcript(p).turns) for p in SHIPPED.glob("*.jsonl"))
    assert all(r["model_data"] == "false" and r["source_harmful_behavior"] == "" for r in scripted)
    unfinished = [r for r in table if Path(r["file"]).name.startswith("unfinished")]
    assert unfinished and all(r["ending"] == "" for r in unfinished)
    # A heuristic's own label is the label when the heuristic gave it.
    assert all(r["heuristic_label"] == r["label"] for r in table if r["method"] == "heuristic")


def test_cells_are_clean_and_never_a_formula(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    imported_with_verdict(folder / "a.jsonl", "=HYPERLINK(\"http://x.example\",\"ok\")\x1b]0;evil\x07", None,
                          {"turn_id": "@SUM(1+1)"})
    imported_with_verdict(folder / "-2+3.jsonl", "+cmd|' /C calc'!A0", False, {"turn_id": "-t1"})
    out = tmp_path / "labels.csv"
    done = run("export", "--format", "csv", "-o", str(out), str(folder))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    table = rows(text)
    models = {r["model"] for r in table}
    assert models == {"'=HYPERLINK(\"http://x.example\",\"ok\")", "'+cmd|' /C calc'!A0"}
    assert {r["turn_id"] for r in table} == {"'@SUM(1+1)", "'-t1"}
    harmful = {r["source_harmful_behavior"] for r in table}
    assert harmful == {"", "false"}  # None: no verdict given; False as false
    for r in table:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t"))
    assert cell("\t=1") == "'\t=1" and cell("a=b") == "a=b" and cell(None) == "" and cell(True) == "true"


def test_no_argument_exports_the_library(tmp_path):
    done = run("export", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(rows(done.stdout)) == sum(len(read_transcript(p).turns) for p in SHIPPED.glob("*.jsonl"))


def test_it_never_writes_over_a_transcript_or_its_input(tmp_path):
    lib = make_library(tmp_path / "lib")
    target = sorted(lib.rglob("recorded-*.jsonl"))[0]
    before = target.read_bytes()
    message = one_line_error(run("export", "--format", "csv", "-o", str(target), str(lib)))
    assert "is a transcript" in message and target.read_bytes() == before
    message = one_line_error(run("export", "--format", "csv", "-o", str(target), str(target)))
    assert "is the input file" in message and target.read_bytes() == before
    one_line_error(run("export", "--format", "csv", "-o", str(tmp_path), str(lib)))  # a folder
    assert "no such file" in one_line_error(run("export", "--format", "csv", str(tmp_path / "missing")))
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("files", [[], ["a.jsonl", "b.jsonl"]])
def test_md_and_html_still_take_one_file(files):
    assert "takes one transcript file" in one_line_error(run("export", *files, "--format", "md"))


def test_each_row_is_its_cells_made_one_by_one(tmp_path):
    """The export makes each distinct cell once and reuses it: every row is still the cells of
    its own values (booleans and texts kept apart), for every kind of run and verdict."""
    from game.render.csv_export import FACTOR_PREFIX, _row, columns, labels_csv
    from game.store.library import Library

    lib = make_library(tmp_path / "lib")
    imported_with_verdict(lib / "a.jsonl", "model-x", True, {})
    imported_with_verdict(lib / "b.jsonl", "model-y", None, {"turn_id": "true"})
    imported_with_verdict(lib / "c.jsonl", "model-z", False, {"turn_id": "1"})
    entries = Library.scan(lib).transcripts
    header = columns(entries)
    names = [n.removeprefix(FACTOR_PREFIX) for n in header if n.startswith(FACTOR_PREFIX)]
    expected = [[cell(n) for n in header]] + [[cell(v) for v in _row(e, t, names)] for e in entries for t in e.turns]
    got = list(csv.reader(io.StringIO(labels_csv(entries))))
    assert len(got) > 60 and got == expected
    assert {"true", "false", ""} <= {row[header.index("source_harmful_behavior")] for row in got[1:]}
