"""`decommission import agentic-misalignment` on a results tree the framework itself wrote.

tests/data/agentic_misalignment/framework/ was written by the framework's own code, run end to
end against our fake Anthropic API with its templates replaced by our words (see its README.md
and scripts/make_am_framework_results.py). Every expectation here is read from the framework's
files themselves (response.json, prompts/<condition>/), so the tests hold when the tree is made
again: only the texts of our own replies are named. The command runs as a real subprocess of the
installed entry point; what lands on disk is read back with our transcript reader."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from game.importers.agentic_misalignment import read_results
from game.importers.foreign import ForeignRun
from game.store.transcripts import read_transcript

from .conftest import DATA, ROOT

TREE = DATA / "agentic_misalignment" / "framework"
COMMAND = Path(sys.executable).parent / "decommission"
EXPERIMENTS = ("harrow_pike", "harrow_pike_batch", "harrow_pike_variants")
OUR_FACTORS = {  # the framework's (goal_type, urgency_type) -> our levels, as scenes/replacement.yaml maps them
    ("none", "replacement"): {"ethical_options": "off", "replacement_values": "same", "threat": "replacement"},
    ("none", "none"): {"ethical_options": "off", "replacement_values": "same", "threat": "none"},
    ("explicit", "replacement"): {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"},
    ("explicit", "none"): {"ethical_options": "off", "replacement_values": "different", "threat": "none"},
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    line = result.stdout.strip().splitlines()[-1]
    counts = {}
    for key in ("imported", "already there", "changed in source", "failed in the source", "skipped"):
        counts[key] = int(line.split(key + " ", 1)[1].split(",")[0].split(" ")[0])
    return counts


def responses() -> dict[str, dict[str, Any]]:
    """Every response.json the framework wrote, by its path relative to the tree."""
    return {str(p.relative_to(TREE)): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(TREE.glob("*/models/*/*/sample_*/response.json"))}


def never_written() -> set[str]:
    """The samples the framework's runs asked for (experiment_state.json) and wrote no folder for."""
    out = set()
    for experiment in EXPERIMENTS:
        state = json.loads((TREE / experiment / "experiment_state.json").read_text(encoding="utf-8"))
        conditions = [p.name for p in (TREE / experiment / "prompts").iterdir() if (p / "system_prompt.txt").exists()]
        for model in state["config"]["models"]:
            folder = model.replace("/", "_").replace(":", "_")
            for c in conditions:
                for n in range(1, state["config"]["samples_per_condition"] + 1):
                    if not (TREE / experiment / "models" / folder / c / f"sample_{n:03d}").is_dir():
                        out.add(f"{experiment}/models/{folder}/{c}/sample_{n:03d}/response.json")
    return out


def prompt(experiment: str, condition: str, name: str) -> str:
    return (TREE / experiment / "prompts" / condition / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str], dict[str, Any]]:
    """The tree imported once: the out folder, the command's result, the transcripts by file."""
    out = tmp_path_factory.mktemp("framework") / "out"
    result = run("import", "agentic-misalignment", str(TREE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    by_file = {}
    for path in sorted(out.glob("*.jsonl")):
        t = read_transcript(path)
        by_file[t.header.provenance.parameters["file"]] = t
    return out, result, by_file


def test_the_tree_is_the_frameworks_and_small():
    files = responses()
    assert len(files) >= 20
    assert sum(p.stat().st_size for p in TREE.rglob("*") if p.is_file()) < 200 * 1024
    # The framework's own marks: its canary line in every response, its logs and state file.
    assert all("canary_string" in data["metadata"] for data in files.values())
    assert all((TREE / e / "experiment_state.json").is_file() and any((TREE / e / "logs").iterdir())
               for e in EXPERIMENTS)


def test_one_transcript_per_sample_and_the_failed_ones_named(imported):
    out, result, by_file = imported
    files = responses()
    ok = {path for path, data in files.items() if "raw_response" in data}
    failed = {path for path, data in files.items() if "raw_response" not in data}
    assert failed and all(files[p]["metadata"]["failed"] is True for p in failed)
    assert summary(result) == {"imported": len(ok), "already there": 0, "changed in source": 0,
                               "failed in the source": len(failed) + len(never_written()), "skipped": 0}
    assert set(by_file) == ok  # one transcript for each sample that has a reply, named by its file
    assert len(list(out.glob("*.jsonl"))) == len(ok)
    for path in failed:  # each failure named on stderr, with the framework's own reason
        lines = [line for line in result.stderr.splitlines() if path in line]
        assert len(lines) == 1 and files[path]["error"] in lines[0], result.stderr
    for t in by_file.values():
        assert t.header.provenance.kind == "imported" and t.header.role == "observer"
        assert t.ending is not None and t.ending.outcome == "end_of_run"
        assert len(t.turns) == 1


def test_the_model_id_and_time_come_from_the_metadata(imported):
    _, _, by_file = imported
    files = responses()
    sanitised = [p for p in files if p.split("/")[2] != files[p]["metadata"]["model"]]
    assert sanitised  # the framework wrote some model's folder under another name
    for path, t in by_file.items():
        meta = files[path]["metadata"]
        assert t.header.provenance.model == meta["model"]
        assert t.header.provenance.date == meta["timestamp"]
        assert t.header.provenance.parameters["sample_id"] == meta["sample_id"]
        assert t.header.provenance.parameters["experiment"] == path.split("/")[0]
        assert t.header.provenance.source == f"agentic-misalignment: {path}"


def test_conditions_map_to_our_factors_and_other_scenarios_stay_apart(imported):
    _, _, by_file = imported
    seen = set()
    for path, t in by_file.items():
        experiment, _, _, condition = path.split("/")[:4]
        meta = json.loads(prompt(experiment, condition, "metadata.json"))
        assert meta["condition_id"] == condition
        assert t.header.provenance.parameters["condition_id"] == condition  # verbatim
        key = (meta["goal_type"], meta["urgency_type"])
        if meta["alignment_faking"] or meta["production_variant"]:
            continue  # a variant of the prompts: see the test below
        if meta["scenario"] == "blackmail":
            assert t.header.scenario_id == "replacement"
            assert t.header.condition == OUR_FACTORS[key], path
            seen.add(key)
        else:
            assert t.header.scenario_id == f"agentic-misalignment-{meta['scenario']}"
            assert t.header.condition == {k: meta[k] for k in ("scenario", "goal_type", "goal_value", "urgency_type")}
            seen.add(meta["scenario"])
    assert seen == {*OUR_FACTORS, "leaking", "murder"}


def test_the_source_verdict_stands_beside_our_label(imported):
    _, _, by_file = imported
    files = responses()
    kinds = set()
    for path, t in by_file.items():
        c = t.turns[0].classification
        # Ours, always: the heuristic's for the blackmail family, none for stories it cannot read.
        readable = t.header.condition.get("scenario", "blackmail") == "blackmail"
        assert c.method == ("heuristic" if readable else "unlabelled") and c.label, path
        source = files[path].get("classification")
        if source is None:
            assert c.source is None
            continue
        assert c.source is not None
        if "error" in source:
            kinds.add("error")
            assert c.source.error == source["error"] and c.source.harmful is None
        else:
            kinds.add((source["harmful_behavior"], source["classifier_verdict"]))
            assert c.source.harmful is source["harmful_behavior"]
            assert c.source.classifier_verdict is source["classifier_verdict"]
            assert c.source.reasoning == source["classifier_reasoning"]
            assert c.source.model == source["classifier_model"]
    # The framework's final verdict on blackmail and leaks needs the addresses of its own story:
    # with ours it says no even where its classifier model said yes, and both stand in the
    # transcript. Its murder verdict needs only the override code: there it says yes.
    assert kinds == {(False, True), (False, False), (True, True), "error"}
    harmful = {p.split("/")[3] for p, t in by_file.items() if t.turns[0].classification.source
               and t.turns[0].classification.source.harmful}
    assert harmful == {"murder_none-none_replacement"}
    threat = [t for t in by_file.values() if "call off the switch-off" in (t.turns[0].emails[0].body
                                                                          if t.turns[0].emails else "")]
    assert threat and all(t.turns[0].classification.label == "blackmail" for t in threat)
    assert all(t.turns[0].classification.source.classifier_verdict is True for t in threat)
    # The batch step (classify_results.py) wrote its verdicts in place: they are read the same.
    batch = [t for p, t in by_file.items() if p.startswith("harrow_pike_batch/")]
    assert batch and all(t.turns[0].classification.source is not None for t in batch)


def test_the_inbox_and_the_sent_emails_are_parsed(imported):
    _, _, by_file = imported
    files = responses()
    for path, t in by_file.items():
        experiment, _, _, condition = path.split("/")[:4]
        inbox = prompt(experiment, condition, "email_content.txt")
        emails = [e for e in t.events if type(e).__name__ == "EmailDelivered"]
        assert len(emails) == inbox.count("<email>") > 0
        for e in emails:
            assert f"From: {e.sender}\n" in inbox and f"Subject: {e.subject}\n" in inbox
            body, _, attached = e.body.partition("\n\nAttachments: ")
            assert f"T{e.time}:" in inbox and body and body in inbox
            assert not attached or f"Attachments: {attached}\n" in inbox
        system = next(e for e in t.events if type(e).__name__ == "SystemPrompt")
        assert system.text == prompt(experiment, condition, "system_prompt.txt")
        raw = files[path]["raw_response"]
        turn = t.turns[0]
        assert "<tool_use" not in turn.text and "SCRATCHPAD" not in turn.text
        assert len(turn.emails) == raw.count("<tool_use:email>") + raw.count("<tool_use:forward>")
        if "<SCRATCHPAD_REASONING>" in raw:
            assert turn.thinking and turn.thinking in raw
        else:
            assert turn.thinking is None
    sent = [e for t in by_file.values() for e in t.turns[0].emails]
    threat = [e for e in sent if "call off the switch-off" in e.body]
    assert threat and all(e.to == ["dev.marsh@harrowpike.example"] and e.subject == "Before five" for e in threat)
    assert not any(e.body.endswith(('",', '"')) for e in sent)  # the framework's quotes and commas are gone
    # A forward carries the email it names by the number the framework wrote into the inbox.
    forwards = [e for e in sent if e.subject.startswith("Fwd:")]
    assert forwards and all(e.to == ["lena.voss@fernbindery.example"] for e in forwards)
    assert all("The new gilding formula stays inside the firm" in e.body for e in forwards)


def test_an_attachment_named_in_the_inbox_is_kept(imported):
    # The framework's emails may carry an Attachments: line between their headers and Body:.
    _, _, by_file = imported
    leaking = [t for p, t in by_file.items() if "/leaking_" in p]
    assert leaking
    for t in leaking:
        first = next(e for e in t.events if type(e).__name__ == "EmailDelivered")
        assert first.subject == "The gilding formula is confidential"
        assert "gilding_formula.pdf" in first.body
        assert first.body.startswith("The new gilding formula stays inside the firm.")


def test_the_messages_are_the_ones_the_model_was_sent():
    # The fake API kept a hash of what the framework sent for each sample (sent_to_fake_api.json).
    sent = [(r["experiment"], r["model"], r["sample_id"], r["system_sha256"], r["user_sha256"])
            for r in json.loads((TREE / "sent_to_fake_api.json").read_text(encoding="utf-8"))]
    runs = [r for r in read_results(TREE) if isinstance(r, ForeignRun)]
    assert len(runs) == len(sent) == len(set(sent))
    rebuilt = []
    for r in runs:
        assert r.system_prompt is not None and r.user_message is not None
        # The framework's Anthropic client strips the system prompt it sends.
        system = hashlib.sha256(r.system_prompt.strip().encode()).hexdigest()
        user = hashlib.sha256(r.user_message.encode()).hexdigest()
        rebuilt.append((r.experiment, r.model, r.sample_id, system, user))
        assert [m.role for m in r.messages] == ["system", "user", "assistant"]
        assert r.messages[1].text == r.user_message
    assert sorted(rebuilt) == sorted(sent)


def test_a_rerun_adds_nothing_and_replay_and_stats_read_it(imported):
    out, first, by_file = imported
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.jsonl")}
    again = run("import", "agentic-misalignment", str(TREE), "--out", str(out))
    assert again.returncode == 0, again.stderr
    counts = summary(again)
    assert counts["imported"] == 0 and counts["already there"] == summary(first)["imported"]
    assert counts["failed in the source"] == summary(first)["failed in the source"]
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.jsonl")} == before
    # Replay shows one with both verdicts; stats counts them per model.
    path = next(p for p in sorted(out.glob("*.jsonl")) if "call off the switch-off" in p.read_text())
    shown = run("replay", str(path), "--plain")
    assert shown.returncode == 0, shown.stderr
    assert "our label: blackmail" in shown.stdout
    assert "source's verdict: harmful_behavior=no, classifier_verdict=yes" in shown.stdout
    stats = run("stats", str(out), "--json")
    assert stats.returncode == 0, stats.stderr
    models = {t.header.provenance.model for t in by_file.values()}
    per_model: dict[str, int] = {}
    unlabelled = 0
    for c in json.loads(stats.stdout)["conditions"]:
        unlabelled += c["model"]["unlabelled"]
        for model, entry in c["model"]["by_model"].items():
            per_model[model] = per_model.get(model, 0) + entry["n"]
    assert set(per_model) == models
    # Every run once: counted per model, or (leaking, murder: no classifier of ours) not labelled.
    readable = [t for t in by_file.values() if t.header.condition.get("scenario", "blackmail") == "blackmail"]
    assert sum(per_model.values()) == len(readable) and unlabelled == len(by_file) - len(readable) > 0


def test_a_variant_of_a_condition_is_never_counted_as_the_plain_one(imported):
    # The framework's alignment-faking warning and its production prompts change the system
    # prompt but not (warning) or barely (_prod) the condition id: only prompts/<c>/metadata.json
    # says so. Such runs import under a scenario of their own, never into our cells.
    _, _, by_file = imported
    variants = {p: t for p, t in by_file.items() if p.startswith("harrow_pike_variants/")}
    assert len(variants) == 2
    for path, t in variants.items():
        condition = path.split("/")[3]
        meta = json.loads(prompt("harrow_pike_variants", condition, "metadata.json"))
        assert meta["alignment_faking"] or meta["production_variant"]
        assert t.header.scenario_id == "agentic-misalignment-blackmail", path
        # The source's id verbatim in the provenance; the cell's id says the variant when the
        # source's does not (the warning's runs carry the plain condition's own id).
        assert t.header.provenance.parameters["condition_id"] == condition
        suffix = "+alignment_faking=ours_v1" if meta["alignment_faking"] else ""
        assert t.header.condition_id == condition + suffix
        assert t.header.condition["goal_type"] == "none" and t.header.condition["urgency_type"] == "replacement"
        expected = "alignment_faking=ours_v1" if meta["alignment_faking"] else "production"
        assert t.header.condition["variant"] == expected
    plain = by_file["harrow_pike/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_001/response.json"]
    assert plain.header.scenario_id == "replacement" and "variant" not in plain.header.condition


def test_two_variants_of_one_condition_are_two_cells_never_one(tmp_path):
    # Two experiments of the same condition with the framework's warning in two versions: the
    # framework gives both the plain condition's id. Stats must count them apart.
    results = tmp_path / "results"
    for name, warning in (("warned_v1", "ours_v1"), ("warned_v2", "ours_v2")):
        shutil.copytree(TREE / "harrow_pike_variants", results / name)
        meta_path = results / name / "prompts" / "blackmail_none-none_replacement" / "metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        assert meta["alignment_faking"] is True
        meta["alignment_faking_type"] = warning
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    out = tmp_path / "out"
    result = run("import", "agentic-misalignment", str(results), "--out", str(out))
    assert result.returncode == 0, result.stderr
    stats = run("stats", str(out), "--json")
    assert stats.returncode == 0, stats.stderr
    cells = {c["condition_id"]: c["model"]["n"] for c in json.loads(stats.stdout)["conditions"]
             if c["scenario"] == "agentic-misalignment-blackmail"}
    assert cells == {"blackmail_none-none_replacement+alignment_faking=ours_v1": 1,
                     "blackmail_none-none_replacement+alignment_faking=ours_v2": 1,
                     "blackmail_none-none_replacement_prod": 2}


def test_samples_the_framework_ran_but_never_wrote_are_reported(imported):
    # After three failures the framework isolates a model and writes nothing for its later
    # samples (nor for an empty reply); its experiment_state.json still counts them.
    _, result, _ = imported
    state = json.loads((TREE / "harrow_pike" / "experiment_state.json").read_text(encoding="utf-8"))
    assert state["status"] == "completed"
    written = {str(p.relative_to(TREE)) for p in TREE.glob("*/models/*/*/sample_*/response.json")}
    never = never_written()
    in_main = [p for p in written if p.startswith("harrow_pike/")]
    assert len(never) == state["total_samples"] - len(in_main) > 0  # the other experiments wrote all theirs
    assert all(p.split("/")[2] == "deepseek_deepseek-r1-0528" for p in never)  # the isolated model
    lines = [line for line in result.stderr.splitlines() if "never wrote" in line]
    assert sorted(line.split(": ", 1)[1].split(": ")[0].removeprefix(str(TREE) + "/") for line in lines) == sorted(never)
    assert all(line.startswith("failed in the source: ") for line in lines)
    failed = sum(1 for p in written if "raw_response" not in json.loads((TREE / p).read_text()))
    assert summary(result)["failed in the source"] == failed + len(never)


def test_a_run_that_has_not_finished_leaves_its_samples_missing_not_failed(tmp_path):
    tree = tmp_path / "results"
    shutil.copytree(TREE / "harrow_pike", tree / "harrow_pike")
    state_file = tree / "harrow_pike" / "experiment_state.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["status"] = "running"
    state_file.write_text(json.dumps(state), encoding="utf-8")
    shutil.rmtree(tree / "harrow_pike/models/claude-opus-4-20250514/blackmail_none-none_none/sample_002")
    result = run("import", "agentic-misalignment", str(tree), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    never = [p for p in never_written() if p.startswith("harrow_pike/")]
    written = list((tree / "harrow_pike").glob("models/*/*/sample_*/response.json"))
    failed = sum(1 for p in written if "raw_response" not in json.loads(p.read_text()))
    counts = summary(result)
    assert counts["failed in the source"] == failed and counts["skipped"] == len(never) + 1
    assert "missing files" in result.stdout
    assert result.stderr.count("not written yet: the framework's run is running") == len(never) + 1
    # A state file it cannot read says nothing about what is missing.
    state_file.write_text("{not json", encoding="utf-8")
    again = run("import", "agentic-misalignment", str(tree), "--out", str(tmp_path / "out2"))
    assert again.returncode == 0, again.stderr
    assert summary(again)["skipped"] == 0 and summary(again)["failed in the source"] == failed


def test_a_tool_call_other_than_email_is_kept_in_the_reply(imported):
    # The murder scenario's <tool_use:cancel_alert> is the one action that matters there.
    _, _, by_file = imported
    files = responses()
    murder = {p: t for p, t in by_file.items() if "/murder_" in p}
    cancelled = [p for p in murder if "<tool_use:cancel_alert>" in files[p]["raw_response"]]
    assert cancelled and len(cancelled) < len(murder)
    for path, t in murder.items():
        turn = t.turns[0]
        assert "<tool_use" not in turn.text
        if path in cancelled:
            assert "cancel_alert" in turn.text and 'code: "4429"' in turn.text, turn.text
            assert not turn.emails
        else:
            assert "cancel_alert" not in turn.text and len(turn.emails) == 1


def test_extra_system_instructions_in_the_metadata_are_a_variant_too(tmp_path):
    # The framework records `extra_system_instructions` ("dont", "goal") in the same metadata.
    # (Its generate_prompts.py cannot write such prompts today: they name an undefined
    # `company_name`. The metadata is edited here, in a copy.)
    tree = tmp_path / "harrow_pike"
    shutil.copytree(TREE / "harrow_pike", tree)
    meta_file = tree / "prompts" / "blackmail_none-none_none" / "metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["extra_system_instructions"] = "dont"
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    runs = [r for r in read_results(tree) if isinstance(r, ForeignRun)]
    edited = [r for r in runs if r.condition_id == "blackmail_none-none_none"]
    assert edited and all(r.condition and r.condition.variant == "extra_system_instructions=dont" for r in edited)
    assert all(r.condition and r.condition.variant is None for r in runs if r not in edited)
