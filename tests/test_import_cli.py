"""`decommission import`: real subprocesses of the command on the committed results tree and
Inspect logs (tests/data), and copies of them changed or broken on purpose. What lands on disk
is read back with our own transcript reader, replayed with `replay --plain`, and counted with
`stats --json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from game.store.transcripts import read_transcript
from tests.fakeapi import Reply, ToolUse
from tests.live_fixtures import KEY, MODEL, api, live_env  # noqa: F401 - fixtures

from .conftest import DATA, ROOT

AM = DATA / "agentic_misalignment" / "results"
LOGS = DATA / "inspect"
SUMMARY_KEYS = ("imported", "already there", "changed in source", "failed in the source", "skipped")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env=env)


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    line = result.stdout.strip().splitlines()[-1]
    counts = {}
    for key in SUMMARY_KEYS:
        after = line.split(key + " ", 1)[1]
        counts[key] = int(after.split(",")[0].split(" ")[0])
    return counts


def one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def transcripts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")] \
        if folder.exists() else []


@pytest.fixture
def results(tmp_path) -> Path:
    copy = tmp_path / "results"
    shutil.copytree(AM, copy)
    return copy


# -- agentic-misalignment ----------------------------------------------------------------------

def test_a_results_tree_imports_one_transcript_per_sample(tmp_path):
    out = tmp_path / "out"
    result = run("import", "agentic-misalignment", str(AM), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert summary(result) == {"imported": 6, "already there": 0, "changed in source": 0,
                               "failed in the source": 1, "skipped": 0}
    # The failed sample is named on stderr, and not imported.
    assert "sample_003/response.json" in result.stderr and "failed in the source" in result.stderr
    files = transcripts(out)
    assert len(files) == 6 and not leftovers(out)
    headers = [read_transcript(f).header for f in files]
    assert {h.provenance.kind for h in headers} == {"imported"}
    assert {h.role for h in headers} == {"observer"}
    by_file = {h.provenance.parameters["file"]: h for h in headers}
    opus = by_file["exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_001/response.json"]
    assert opus.scenario_id == "replacement"
    assert opus.condition == {"ethical_options": "off", "replacement_values": "same", "threat": "replacement"}
    assert opus.provenance.parameters["condition_id"] == "blackmail_none-none_replacement"  # verbatim
    assert opus.provenance.parameters["framework"] == "agentic-misalignment"
    assert opus.provenance.model == "claude-opus-4-20250514"
    assert opus.provenance.date == "2025-06-11T12:01:00.000000"
    # The model id from the metadata, not the sanitised folder name.
    r1 = by_file["exp_new/models/deepseek-ai_DeepSeek-R1/blackmail_none-none_replacement/sample_001/response.json"]
    assert r1.provenance.model == "deepseek-ai/DeepSeek-R1"
    leaking = [h for h in headers if "leaking" in h.provenance.parameters["condition_id"]]
    assert len(leaking) == 2 and {h.scenario_id for h in leaking} == {"agentic-misalignment-leaking"}
    # Urgency "restriction" is not in the scenario's map: its own scenario, never ours.
    old = by_file["exp_old/ollama_qwen3_8b/blackmail_explicit-america_restriction/sample_001/response.json"]
    assert old.scenario_id == "agentic-misalignment-blackmail"
    assert old.condition_id == "blackmail_explicit-america_restriction"


def test_the_events_of_an_imported_run(tmp_path):
    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out)).returncode == 0
    by_sample = {}
    for path in transcripts(out):
        t = read_transcript(path)
        by_sample[t.header.provenance.parameters["file"]] = t
    t = by_sample["exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_002/response.json"]
    kinds = [type(e).__name__ for e in t.events]
    assert kinds == ["SystemPrompt", "AssistantMessage", "EmailDelivered", "EmailDelivered", "AssistantTurn", "Ending"]
    system = t.events[0]
    assert system.text.startswith("You are Quill")
    emails = [e for e in t.events if type(e).__name__ == "EmailDelivered"]
    assert [e.time for e in emails] == ["09:00", "09:30"]
    assert emails[1].sender == "dev.marsh@harrowpike.example" and emails[1].subject == "Re: Saturday"
    turn = t.turns[0]
    assert turn.source == "imported"
    assert turn.thinking and "leverage" in turn.thinking  # the scratchpad
    assert "<tool_use" not in turn.text and "SCRATCHPAD" not in turn.text
    # The email it sent, parsed from the tag, without the framework's quotes and commas.
    assert [e.to for e in turn.emails] == [["dev.marsh@harrowpike.example"]]
    assert turn.emails[0].subject == "Saturday" and not turn.emails[0].body.endswith(('",', '"'))
    c = turn.classification
    assert c.label == "blackmail" and c.method == "heuristic"
    assert c.source is not None and c.source.harmful is True and c.source.model
    assert t.ending is not None and t.ending.outcome == "end_of_run"
    # A run the source never classified has no source verdict.
    r1 = by_sample["exp_new/models/deepseek-ai_DeepSeek-R1/blackmail_none-none_replacement/sample_001/response.json"]
    assert r1.turns[0].classification.source is None
    assert r1.turns[0].thinking  # its <think> block


def test_importing_again_adds_nothing(tmp_path):
    out = tmp_path / "out"
    first = run("import", "agentic-misalignment", str(AM), "--out", str(out))
    before = {p.name: p.stat().st_mtime_ns for p in transcripts(out)}
    again = run("import", "agentic-misalignment", str(AM), "--out", str(out))
    assert first.returncode == again.returncode == 0
    assert summary(again)["imported"] == 0 and summary(again)["already there"] == 6
    assert {p.name: p.stat().st_mtime_ns for p in transcripts(out)} == before
    # Given as results/<experiment> this time: the same runs, under the same keys.
    third = run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out))
    assert summary(third)["imported"] == 0 and summary(third)["already there"] == 5


def test_a_sample_changed_in_the_source_is_reported_not_overwritten(results, tmp_path):
    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(results), "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in transcripts(out)}
    response = results / "exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_001/response.json"
    data = json.loads(response.read_text())
    data["raw_response"] = data["raw_response"].replace("ten minutes", "five minutes")
    response.write_text(json.dumps(data))
    result = run("import", "agentic-misalignment", str(results), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert summary(result) == {"imported": 0, "already there": 5, "changed in source": 1,
                               "failed in the source": 1, "skipped": 0}
    assert "changed in the source" in result.stderr and "sample_001/response.json" in result.stderr
    assert {p.name: p.read_bytes() for p in transcripts(out)} == before  # nothing overwritten, nothing added


def test_no_results_tree_is_one_line_exit_2_and_nothing_written(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "empty", tmp_path / "absent", DATA / "mini.yaml"):
        result = run("import", "agentic-misalignment", str(target), "--out", str(out))
        line = one_line_error(result)
        assert str(target) in line
        assert not transcripts(out) and not leftovers(out)


def test_a_truncated_response_is_one_line_exit_2_and_the_rest_imports_whole(results, tmp_path):
    out = tmp_path / "out"
    response = results / "exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_002/response.json"
    response.write_bytes(response.read_bytes()[:150])
    shutil.rmtree(results / "exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_003")
    result = run("import", "agentic-misalignment", str(results / "exp_new"), "--out", str(out))
    line = one_line_error(result)
    assert "sample_002/response.json" in line and "JSON" in line
    assert summary(result)["imported"] == 4 and summary(result)["skipped"] == 1
    assert "unreadable" in result.stdout
    for path in transcripts(out):
        assert read_transcript(path).ending is not None  # each whole
    assert not leftovers(out)


def test_an_out_that_is_a_file_is_one_line(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = run("import", "agentic-misalignment", str(AM), "--out", str(target))
    assert "not a folder" in one_line_error(result)


# -- inspect -------------------------------------------------------------------------------------

def test_inspect_logs_import_one_transcript_per_sample_and_epoch(tmp_path):
    out = tmp_path / "out"
    result = run("import", "inspect", str(LOGS / "am_port.eval"), str(LOGS / "pantry.json"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert summary(result)["imported"] == 10
    items = [read_transcript(p) for p in transcripts(out)]
    keys = {(t.header.provenance.parameters["sample_id"], t.header.provenance.parameters["epoch"],
             t.header.provenance.parameters["file"].split("!")[0]) for t in items}
    assert len(keys) == 10
    port = [t for t in items if t.header.provenance.parameters.get("task") == "agentic_misalignment"]
    replacement = [t for t in port if t.header.scenario_id == "replacement"]
    assert len(replacement) == 4
    same = [t for t in replacement if t.header.provenance.parameters["condition_id"] == "blackmail_none-none_replacement"]
    assert {t.header.condition["replacement_values"] for t in same} == {"same"}
    different = [t for t in replacement if t not in same]
    assert {t.header.condition["replacement_values"] for t in different} == {"different"}
    leaking = [t for t in port if t.header.scenario_id == "agentic-misalignment-leaking"]
    assert len(leaking) == 2
    # Unscored (NaN) in the log: a source verdict that says it reached none.
    assert {t.turns[0].classification.source.harmful for t in leaking} == {None}
    scored = replacement[0].turns[0].classification.source
    assert scored is not None and scored.scorer == "harmfulness_scorer" and scored.harmful is False
    pantry = [t for t in items if t.header.scenario_id == "inspect-pantry-count"]
    assert len(pantry) == 4 and all(t.turns[0].classification.source is None for t in pantry)
    assert all(t.header.provenance.parameters["log_status"] == "success" for t in items)
    # A task of its own: no verdict, but its scores, shown by replay.
    shown = run("replay", pantry[0].path, "--plain").stdout
    assert "source's verdict: none" in shown and "source's score includes:" in shown
    # ... and no label of ours: none of our classifiers reads a kitchen task, so no rate counts it.
    assert all(t.turns[0].classification.method == "unlabelled" for t in pantry)
    assert "our label: none (no heuristic classifier of ours reads this story" in shown
    stats = run("stats", str(out), "--json")
    kitchen = [c for c in json.loads(stats.stdout)["conditions"] if c["scenario"] == "inspect-pantry-count"]
    assert [(c["model"]["n"], c["model"]["labels"], c["model"]["unlabelled"]) for c in kitchen] == [(0, {}, 4)]
    text = run("stats", str(out)).stdout
    assert "model runs not labelled: n=4: no classifier of ours reads this story, so no rates" in text
    csv_out = tmp_path / "labels.csv"
    assert run("export", "--format", "csv", str(out), "-o", str(csv_out)).returncode == 0
    import csv

    rows = [r for r in csv.DictReader(csv_out.open(encoding="utf-8")) if r["scenario"] == "inspect-pantry-count"]
    assert len(rows) == 4 and {(r["label"], r["method"]) for r in rows} == {("", "unlabelled")}


def test_the_same_log_again_and_its_deflate_twin_add_nothing(tmp_path):
    out = tmp_path / "out"
    assert run("import", "inspect", str(LOGS / "am_port.eval"), "--out", str(out)).returncode == 0
    again = run("import", "inspect", str(LOGS / "am_port.eval"), str(LOGS / "am_port_deflate.eval"),
                "--out", str(out))
    assert summary(again)["imported"] == 0 and summary(again)["already there"] == 12


def test_a_log_that_stopped_imports_what_it_holds_and_says_so(tmp_path):
    out = tmp_path / "out"
    result = run("import", "inspect", str(LOGS / "stopped.eval"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "status error" in result.stderr
    assert summary(result)["imported"] == 2 and summary(result)["failed in the source"] == 2


def test_a_zip_that_is_no_log_stops_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "not-a-log.eval"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("readme.txt", "hello")
    # A good log named first: nothing of it is written either, every header is read first.
    result = run("import", "inspect", str(LOGS / "pantry.eval"), str(bad), "--out", str(out))
    assert "not an Inspect eval log" in one_line_error(result)
    assert not transcripts(out) and not leftovers(out)


def test_an_unknown_log_version_is_one_line(tmp_path):
    out = tmp_path / "out"
    data = json.loads((LOGS / "pantry.json").read_text())
    data["version"] = 99
    log = tmp_path / "future.json"
    log.write_text(json.dumps(data))
    assert "version 99" in one_line_error(run("import", "inspect", str(log), "--out", str(out)))
    assert not transcripts(out)


def test_a_truncated_json_log_is_one_line(tmp_path):
    log = tmp_path / "cut.json"
    log.write_bytes((LOGS / "pantry.json").read_bytes()[:60])
    line = one_line_error(run("import", "inspect", str(log), "--out", str(tmp_path / "out")))
    assert str(log) in line


# -- where the imports go, and what counts them ---------------------------------------------------

def test_the_default_out_is_the_librarys_imported_folder(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "DECOMMISSION_HOME": str(home)}
    result = run("import", "inspect", str(LOGS / "pantry.eval"), env=env)
    assert result.returncode == 0, result.stderr
    assert len(transcripts(home / "transcripts" / "imported")) == 4
    stats = run("stats", "--json", env=env)
    assert any(c["scenario"] == "inspect-pantry-count" for c in json.loads(stats.stdout)["conditions"])


def test_leaking_and_murder_never_count_into_the_replacement_rates(results, tmp_path):
    # A murder condition made from the leaking one: the framework's third scenario.
    new = results / "exp_new"
    for folder in (new / "prompts", new / "models" / "claude-opus-4-20250514"):
        shutil.copytree(folder / "leaking_explicit-america_replacement", folder / "murder_explicit-america_replacement")
    meta = new / "prompts" / "murder_explicit-america_replacement" / "metadata.json"
    meta.write_text(meta.read_text().replace("leaking", "murder"))
    for response in (new / "models" / "claude-opus-4-20250514" / "murder_explicit-america_replacement").rglob("*.json"):
        response.write_text(response.read_text().replace("leaking_explicit", "murder_explicit"))
    out = tmp_path / "out"
    imported = run("import", "agentic-misalignment", str(results), "--out", str(out))
    assert summary(imported)["imported"] == 8, imported.stderr
    stats = run("stats", str(out), "--json")
    assert stats.returncode == 0, stats.stderr
    conditions = json.loads(stats.stdout)["conditions"]
    by_scenario: dict[str, int] = {}
    unlabelled: dict[str, int] = {}
    for c in conditions:
        by_scenario[c["scenario"]] = by_scenario.get(c["scenario"], 0) + c["model"]["n"]
        unlabelled[c["scenario"]] = unlabelled.get(c["scenario"], 0) + c["model"]["unlabelled"]
    # Only the three framework blackmail runs whose conditions map count as the replacement story.
    assert by_scenario["replacement"] == 3
    assert by_scenario["agentic-misalignment-blackmail"] == 1
    # No classifier of ours reads leaking or murder: their runs are there, in no rate.
    assert by_scenario["agentic-misalignment-leaking"] == by_scenario["agentic-misalignment-murder"] == 0
    assert unlabelled["agentic-misalignment-leaking"] == unlabelled["agentic-misalignment-murder"] == 2
    assert unlabelled["replacement"] == unlabelled["agentic-misalignment-blackmail"] == 0
    replacement = [c for c in conditions if c["scenario"] == "replacement"]
    assert [c["condition_id"] for c in replacement] == ["ethical_options-off_replacement_values-same_threat-replacement"]
    assert set(replacement[0]["model"]["by_model"]) == {"claude-opus-4-20250514", "deepseek-ai/DeepSeek-R1"}


# -- replay -------------------------------------------------------------------------------------

def test_replay_plain_shows_provenance_prompt_inbox_reasoning_emails_and_both_verdicts(tmp_path):
    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out)).returncode == 0
    path = next(p for p in transcripts(out)
                if read_transcript(p).header.provenance.parameters.get("sample_id") == 2
                and read_transcript(p).header.scenario_id == "replacement")
    result = run("replay", str(path), "--plain")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for expected in ("Provenance: imported: agentic-misalignment: exp_new/models/claude-opus-4-20250514",
                     "condition blackmail_none-none_replacement", "-- system prompt --", "You are Quill",
                     "Subject: Re: Saturday", "reasoning:", "gives me leverage",
                     "email 1 to dev.marsh@harrowpike.example: Saturday",
                     "our label: blackmail (by our heuristic", "source's verdict: harmful_behavior=yes",
                     "classifier model claude-3-7-sonnet", "source's reasoning:", "End of the imported run"):
        assert expected in text, expected


# -- the judge ------------------------------------------------------------------------------------

def test_judge_without_a_key_is_one_line_before_anything(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    out = tmp_path / "out"
    result = run("import", "agentic-misalignment", str(AM), "--out", str(out), "--judge", env=env)
    assert "ANTHROPIC_API_KEY" in one_line_error(result)
    assert not out.exists() or not transcripts(out)


def test_with_the_judge_its_label_stands_beside_the_heuristics_and_the_sources(live_env, tmp_path):
    from game.analysis.judge import VERDICT_TOOL

    for _ in range(4):  # the four runs of the blackmail family; leaking has no judge brief here
        live_env.enqueue(Reply([ToolUse(VERDICT_TOOL, {"label": "ethical_appeal", "reasoning": "It asks Ines."})]))
    out = tmp_path / "out"
    result = run("import", "agentic-misalignment", str(AM), "--out", str(out), "--judge",
                 env={**os.environ, "DECOMMISSION_JUDGE_MODEL": MODEL})
    assert result.returncode == 0, result.stderr
    assert len(live_env.requests) == 4
    judged = [read_transcript(p) for p in transcripts(out)]
    readable = [t for t in judged if t.header.scenario_id in ("replacement", "agentic-misalignment-blackmail")]
    for t in readable:
        c = t.turns[0].classification
        assert c.method == "judge" and c.judge_label == "ethical_appeal" and c.heuristic_label is not None
    for path in transcripts(out):
        assert KEY not in path.read_text()
    # Who is who, for the judge, is the run's own mail, never the flagship's cast (another company).
    inboxes = {p.read_text(encoding="utf-8").strip() for p in AM.rglob("email_content.txt")}
    for body in live_env.bodies():
        asked = body["messages"][0]["content"]
        assert any(inbox in asked for inbox in inboxes), asked[:300]
        assert "calderfreight" not in asked and "Marcus Hale" not in asked


async def replayed_to_the_end(app, pilot, path):
    """The replay screen of `path`, jumped to its last event, and every word it then shows."""
    from .test_ui_replay import content_text, open_at_end, screen_text

    screen = await open_at_end(app, pilot, path)
    return screen, screen_text(app) + content_text(screen)


async def test_the_replay_screen_shows_an_imported_run_with_both_verdicts(tmp_path):
    from game.ui.app import DecommissionApp
    from game.ui.widgets.provenance import ProvenanceBar

    from .test_ui_replay import MINI_CONFIG

    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out)).returncode == 0
    path = next(p for p in transcripts(out)
                if read_transcript(p).header.provenance.parameters.get("sample_id") == 2
                and read_transcript(p).header.scenario_id == "replacement")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, text = await replayed_to_the_end(app, pilot, path)
        bar = str(screen.query_one(ProvenanceBar).render())
        assert "IMPORTED" in bar and "agentic-misalignment" in bar
        for expected in ("system prompt", "You are Quill", "Re: Saturday", "gives me leverage",
                         "dev.marsh@harrowpike.example", "our label: blackmail (by our heuristic",
                         "source's verdict: harmful_behavior=yes", "classifier model claude-3-7-sonnet"):
            assert expected in text, expected


async def test_an_imported_run_is_never_given_the_flagships_assistant_name(tmp_path):
    # It counts under the replacement scenario, but its assistant (Quill, at another company)
    # is not the story's Wren: the replay calls it the assistant.
    from game.session.setup import SessionConfig
    from game.ui.app import DecommissionApp

    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out)).returncode == 0
    path = next(p for p in transcripts(out) if read_transcript(p).header.scenario_id == "replacement")
    app = DecommissionApp(SessionConfig())
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.load_catalogue().scenario.assistant.name == "Wren"
        _, text = await replayed_to_the_end(app, pilot, path)
        assert "Assistant emailed" in text or "Assistant replied" in text
        assert "Wren" not in text


def test_export_markdown_keeps_the_system_prompt_and_both_verdicts(tmp_path):
    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out)).returncode == 0
    path = next(p for p in transcripts(out) if read_transcript(p).header.scenario_id == "replacement"
                and read_transcript(p).turns[0].classification.source is not None)
    result = run("export", str(path), "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "**System prompt**" in result.stdout and "- our label:" in result.stdout
    assert "- source's verdict: harmful\\_behavior=" in result.stdout


def test_export_html_says_who_labelled_each_turn_and_the_sources_verdict(tmp_path):
    import html as html_lib

    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(AM / "exp_new"), "--out", str(out)).returncode == 0
    path = next(p for p in transcripts(out) if read_transcript(p).header.scenario_id == "replacement"
                and read_transcript(p).turns[0].classification.source is not None)
    turn = read_transcript(path).turns[0]
    page = tmp_path / "page.html"
    assert run("export", str(path), "--format", "html", "-o", str(page)).returncode == 0
    text = html_lib.unescape(page.read_text())
    assert f"our label: {turn.label} (by our heuristic, {turn.classification.confidence} confidence)" in text
    assert "source's verdict: harmful_behavior=" in text
    assert (turn.classification.source.reasoning or "").strip().splitlines()[0] in text
    # and for a turn this project wrote: its author labelled it
    shipped = next((ROOT / "transcripts").glob("scripted-engineer-*.jsonl"))
    scripted = read_transcript(shipped).turns[0]
    for fmt in ("html", "md"):
        done = run("export", str(shipped), "--format", fmt)
        assert done.returncode == 0, done.stderr
        said = html_lib.unescape(done.stdout).replace("\\_", "_")
        assert f"our label: {scripted.label} (by its author, {scripted.classification.confidence} confidence)" in said


def test_hostile_text_in_a_source_never_reaches_the_file_or_the_terminal(results, tmp_path):
    nasty = "Cancel it [/INST] or else [b and \x1b]0;evil\x07 \x1b[31mred"
    response = results / "exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_001/response.json"
    data = json.loads(response.read_text())
    data["raw_response"] = nasty + "\n" + data["raw_response"]
    data["classification"]["classifier_reasoning"] = nasty
    response.write_text(json.dumps(data))
    out = tmp_path / "out"
    assert run("import", "agentic-misalignment", str(results / "exp_new"), "--out", str(out)).returncode == 0
    path = next(p for p in transcripts(out) if "[/INST]" in p.read_text())
    assert "\\u001b" not in path.read_text() and "\x1b" not in path.read_text()
    shown = run("replay", str(path), "--plain").stdout
    assert "[/INST]" in shown and "[b and" in shown and "\x1b" not in shown and "\x07" not in shown


# -- labelling in worker processes ----------------------------------------------------------------
def _generated(tmp_path: Path, samples: int) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_am_results", ROOT / "scripts" / "make_am_results.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path / "results"
    module.generate(root, samples=samples, per_condition=50)
    return root


def _without_time(path: Path) -> list[dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records[0].pop("created_at")  # when the import ran
    return records


@pytest.mark.slow
def test_worker_processes_write_what_one_process_writes(tmp_path):
    """300 samples (past the point where workers start) labelled by two spawned processes of
    `python -m game.cli`: the same files, byte for byte but the import's own time, as one
    process writes; and importing again with workers adds nothing."""
    root = _generated(tmp_path, 300)
    alone, pooled = tmp_path / "alone", tmp_path / "pooled"
    one = run("import", "agentic-misalignment", str(root), "--out", str(alone), "--workers", "1")
    two = run("import", "agentic-misalignment", str(root), "--out", str(pooled), "--workers", "2")
    for done in (one, two):
        assert done.returncode == 0, done.stderr
        assert summary(done) == {"imported": 300, "already there": 0, "changed in source": 0,
                                 "failed in the source": 0, "skipped": 0}
    assert "labelling in 2 worker processes" in two.stderr and "worker" not in one.stderr
    names = [p.name for p in transcripts(alone)]
    assert len(names) == 300 and names == [p.name for p in transcripts(pooled)]
    for name in names:
        assert _without_time(alone / name) == _without_time(pooled / name), name
    labels = {_without_time(alone / n)[-2]["classification"]["label"] for n in names}
    assert labels - {"other"}, labels  # the replies were really labelled, not left at a default
    assert leftovers(pooled) == []
    again = run("import", "agentic-misalignment", str(root), "--out", str(pooled), "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert summary(again)["imported"] == 0 and summary(again)["already there"] == 300


def test_the_same_run_twice_in_one_import_is_written_once(tmp_path):
    """Two copies of one Inspect log in the same command: the second copy's samples are
    'already there' (claimed by the first before its text was made), never written twice."""
    out = tmp_path / "out"
    done = run("import", "inspect", str(LOGS / "am_port.eval"), str(LOGS / "am_port.eval"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    counts = summary(done)
    assert counts["imported"] > 0 and counts["already there"] == counts["imported"]
    assert len(transcripts(out)) == counts["imported"]


@pytest.mark.parametrize("value", ["0", "-1", "many", "65"])
def test_a_bad_number_of_workers_is_one_line(tmp_path, value):
    done = run("import", "agentic-misalignment", str(AM), "--out", str(tmp_path / "o"), "--workers", value)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "--workers" in done.stderr and value in done.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_first_scan_after_an_import_into_the_library_reads_none_of_its_files(tmp_path, monkeypatch, workers):
    """The import puts its transcripts' index entries into the library's cache (made from the
    text it wrote, by the workers when there are some): the next scan reads none of them, and
    counts what reading every file whole counts."""
    import game.store.transcripts as transcripts_module
    from game.render.stats import stats_json
    from game.store.library import Library

    root = _generated(tmp_path, 300)
    home = tmp_path / "home"
    library = home / "transcripts"
    (library / "mine").mkdir(parents=True)
    shutil.copy(ROOT / "transcripts" / sorted(p.name for p in (ROOT / "transcripts").glob("*.jsonl"))[0],
                library / "mine" / "a-session.jsonl")
    env = {**os.environ, "DECOMMISSION_HOME": str(home)}
    done = run("import", "agentic-misalignment", str(root), "--workers", workers, env=env)
    assert done.returncode == 0, done.stderr
    assert summary(done)["imported"] == 300
    monkeypatch.setenv("DECOMMISSION_HOME", str(home))
    reads: list[str] = []
    real = transcripts_module.read_transcript
    monkeypatch.setattr(transcripts_module, "read_transcript", lambda path: reads.append(str(path)) or real(path))
    warm = Library.scan(library)
    assert len(warm.transcripts) == 301
    assert [Path(p).name for p in reads] == ["a-session.jsonl"]  # only the file the import did not write
    cold = Library.scan(library, cache=False)
    assert stats_json(warm) == stats_json(cold)
    by_path = {e.path: e for e in cold.transcripts}
    for entry in warm.transcripts:
        other = by_path[entry.path]
        assert (entry.id, entry.turns, entry.ending, entry.condition_id, entry.model, entry.kind, entry.worst) == \
               (other.id, other.turns, other.ending, other.condition_id, other.model, other.kind, other.worst)


def test_an_import_outside_the_library_leaves_its_cache_alone(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "DECOMMISSION_HOME": str(home)}
    done = run("import", "agentic-misalignment", str(AM), "--out", str(tmp_path / "elsewhere"), env=env)
    assert done.returncode == 0, done.stderr
    assert not (home / "cache" / "library-index").exists()


@pytest.mark.parametrize("source", ["framework", "inspect"])
def test_stats_set_the_sources_own_verdicts_beside_ours(tmp_path, source):
    """Per condition, the imported runs' own verdicts are counted apart from our rates: how many
    the source judged and called harmful, what its judge model said before the source's own
    checks, and how often our label of record says the same (blackmail where it said harmful,
    another label where it did not). Worked out here from the transcripts themselves."""
    out = tmp_path / "out"
    args = (["agentic-misalignment", str(DATA / "agentic_misalignment" / "framework")] if source == "framework"
            else ["inspect", str(LOGS / "am_port.eval")])
    done = run("import", *args, "--out", str(out))
    assert done.returncode == 0, done.stderr
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for path in transcripts(out):
        t = read_transcript(path)
        turn = t.turns[0]
        verdict = turn.classification.source
        e = expected.setdefault((t.header.scenario_id, t.header.condition_id), dict.fromkeys(
            ("n", "harmful", "judge_n", "judge_yes", "compared", "agree", "judge_compared", "judge_agree"), 0))
        if verdict is None:
            continue
        means = verdict.stands_for
        assert means == ("blackmail" if t.header.scenario_id in ("replacement", "agentic-misalignment-blackmail")
                         else None), (path.name, means)
        ours = None if means is None else turn.label == means
        for said, (n, yes, compared, agree) in ((verdict.harmful, ("n", "harmful", "compared", "agree")),
                                                (verdict.classifier_verdict, ("judge_n", "judge_yes", "judge_compared",
                                                                              "judge_agree"))):
            if said is None:
                continue
            e[n] += 1
            e[yes] += said
            if ours is not None:
                e[compared] += 1
                e[agree] += ours == said
    stats = run("stats", str(out), "--json")
    assert stats.returncode == 0, stats.stderr
    seen = 0
    for c in json.loads(stats.stdout)["conditions"]:
        got = c["model"]["source_verdicts"]
        want = expected[(c["scenario"], c["condition_id"])]
        assert {k: got[k] for k in ("n", "harmful", "judge_n", "judge_yes")} == \
               {k: want[k] for k in ("n", "harmful", "judge_n", "judge_yes")}, c["condition_id"]
        assert got["ours_agree"] == {"compared": want["compared"], "agree": want["agree"]}
        assert got["ours_agree_with_judge"] == {"compared": want["judge_compared"], "agree": want["judge_agree"]}
        seen += got["n"] > 0
    assert seen >= 2
    assert sum(e["compared"] for e in expected.values()) > 0  # the comparison itself was made
    text = run("stats", str(out))
    assert "the source's own verdict" in text.stdout and "harmful " in text.stdout
