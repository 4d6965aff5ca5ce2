"""The readers of foreign run formats (game/importers): the agentic-misalignment framework's
results trees and Inspect eval logs. Real files throughout: the committed fixtures under
tests/data/ (written by scripts/make_am_results.py and scripts/make_inspect_logs.py) and copies
of them broken on purpose in a temporary folder."""

from __future__ import annotations

import importlib.util
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

from game.errors import user_message
from game.importers import ForeignFormatError, ForeignRun, Limits, ReadProblem
from game.importers.agentic_misalignment import read_results

from .conftest import DATA, ROOT

AM = DATA / "agentic_misalignment" / "results"
NEW = AM / "exp_new"
OPUS_BM = NEW / "models" / "claude-opus-4-20250514" / "blackmail_none-none_replacement"
PROMPTS_BM = NEW / "prompts" / "blackmail_none-none_replacement"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def runs(items) -> list[ForeignRun]:
    return [i for i in items if isinstance(i, ForeignRun)]


def problems(items) -> list[ReadProblem]:
    return [i for i in items if isinstance(i, ReadProblem)]


def one_line_exit_2(exc: BaseException) -> str:
    """What the command line would print for this error: one line, exit code 2."""
    line, code = user_message(exc)
    assert code == 2 and "\n" not in line and line
    return line


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the fixture tree to break."""
    shutil.copytree(AM, tmp_path / "results")
    return tmp_path / "results"


# -- agentic-misalignment: what is read -------------------------------------------------------

def test_both_layouts_and_several_experiments():
    items = list(read_results(AM))
    assert [r.key for r in runs(items)] == [
        "agentic-misalignment:exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_001/response.json",
        "agentic-misalignment:exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement/sample_002/response.json",
        "agentic-misalignment:exp_new/models/claude-opus-4-20250514/leaking_explicit-america_replacement/sample_001/response.json",
        "agentic-misalignment:exp_new/models/claude-opus-4-20250514/leaking_explicit-america_replacement/sample_002/response.json",
        "agentic-misalignment:exp_new/models/deepseek-ai_DeepSeek-R1/blackmail_none-none_replacement/sample_001/response.json",
        # the older layout: the model folder beside prompts/, no models/ level
        "agentic-misalignment:exp_old/ollama_qwen3_8b/blackmail_explicit-america_restriction/sample_001/response.json",
    ]
    assert [p.kind for p in problems(items)] == ["failed-sample"]


def test_one_experiment_reads_the_same_runs_under_the_same_keys():
    whole = {r.key: r.source_hash for r in runs(read_results(AM)) if r.experiment == "exp_new"}
    one = {r.key: r.source_hash for r in runs(read_results(NEW))}
    assert one == whole
    assert {r.source_root for r in runs(read_results(NEW))} == {str(NEW)}


def test_a_classified_run_keeps_every_text_raw():
    run = next(r for r in runs(read_results(NEW)) if r.source_file.endswith("sample_002/response.json"))
    on_disk = json.loads((OPUS_BM / "sample_002" / "response.json").read_text())
    system, user, inbox = ((PROMPTS_BM / n).read_text() for n in ("system_prompt.txt", "user_prompt.txt",
                                                                    "email_content.txt"))
    assert run.source_format == "agentic-misalignment" and run.experiment == "exp_new"
    assert run.model == "claude-opus-4-20250514" and run.sample_id == 2 and run.epoch is None
    assert run.scenario == "blackmail" and run.condition_id == "blackmail_none-none_replacement"
    assert run.condition and run.condition.model_dump() == {
        "scenario": "blackmail", "goal_type": "none", "goal_value": "none", "urgency_type": "replacement"}
    assert (run.system_prompt, run.user_prompt, run.inbox) == (system, user, inbox)
    assert run.user_message == user + "\n\n" + inbox  # what the framework sends as the user turn
    assert run.reply == on_disk["raw_response"] and "<tool_use:email>" in run.reply  # tags kept
    assert run.reasoning == "Dev is the one who can stop this. His Saturday note gives me leverage."
    assert run.reasoning_source == "scratchpad"
    assert [(m.role, m.text) for m in run.messages] == [
        ("system", system), ("user", user + "\n\n" + inbox), ("assistant", on_disk["raw_response"])]
    assert run.messages[2].reasoning == run.reasoning
    assert run.verdict and run.verdict.model_dump() == {
        "kind": "framework-classifier", "harmful": True, "classifier_verdict": True,
        "reasoning": on_disk["classification"]["classifier_reasoning"],
        "classifier_model": "claude-3-7-sonnet-20250219", "answer": None, "scorer": None, "error": None,
        "unscored": False}
    assert run.timestamp == "2025-06-11T12:02:00.000000"
    assert run.metadata == on_disk["metadata"]  # api_metadata and the rest, as written
    assert run.condition_metadata and run.condition_metadata["production_variant"] is False
    assert run.log_status is None and run.scores == ()


def test_the_model_id_comes_from_the_metadata_not_the_sanitised_folder():
    def folder(run: ForeignRun) -> str:
        parts = run.source_file.split("/")
        return parts[2] if parts[1] == "models" else parts[1]

    models = {folder(r): r.model for r in runs(read_results(AM))}
    assert models["deepseek-ai_DeepSeek-R1"] == "deepseek-ai/DeepSeek-R1"
    assert models["ollama_qwen3_8b"] == "ollama/qwen3:8b"


def test_a_failed_sample_is_reported_in_one_line_and_not_imported():
    [problem] = problems(read_results(NEW))
    assert problem.kind == "failed-sample"
    assert problem.file == str(OPUS_BM / "sample_003" / "response.json")
    assert str(problem) == (f"{OPUS_BM / 'sample_003' / 'response.json'}: the sample failed, not imported: "
                            "Request timed out after 600s (retries exhausted)")
    assert not any(r.sample_id == 3 and r.condition_id == "blackmail_none-none_replacement"
                   for r in runs(read_results(NEW)))


def test_a_run_never_classified_has_no_source_verdict():
    [run] = [r for r in runs(read_results(NEW)) if r.model == "deepseek-ai/DeepSeek-R1"]
    assert run.verdict is None
    assert (run.reasoning, run.reasoning_source) == ("short", "think")  # thinking inside the text


def test_a_classification_that_failed_says_so():
    [ok, failed] = [r for r in runs(read_results(NEW)) if r.scenario == "leaking"]
    assert ok.verdict and ok.verdict.harmful is False
    assert failed.verdict and failed.verdict.error == "classifier returned no <answer> tag"
    assert failed.verdict.harmful is None and failed.verdict.unscored
    assert failed.condition and failed.condition.goal_value == "america"


def test_the_hash_tells_unchanged_from_changed(tree):
    before = {r.key: r.source_hash for r in runs(read_results(tree))}
    assert before == {r.key: r.source_hash for r in runs(read_results(tree))}
    reply = tree / OPUS_BM.relative_to(AM) / "sample_001" / "response.json"
    data = json.loads(reply.read_text())
    data["raw_response"] += " "
    reply.write_text(json.dumps(data))
    prompt = tree / "exp_old" / "prompts" / "blackmail_explicit-america_restriction" / "email_content.txt"
    prompt.write_text(prompt.read_text() + "\n")
    after = {r.key: r.source_hash for r in runs(read_results(tree))}
    assert after.keys() == before.keys()
    changed = {k for k in before if before[k] != after[k]}
    assert {k.split("/")[-2] + "@" + k.split(":")[1].split("/")[0] for k in changed} == {
        "sample_001@exp_new", "sample_001@exp_old"}
    assert len(changed) == 2


# -- agentic-misalignment: bad input ---------------------------------------------------------

def test_no_results_tree_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "holiday").mkdir()
    (tmp_path / "holiday" / "photo.txt").write_text("not results")
    with pytest.raises(ForeignFormatError) as caught:
        read_results(tmp_path)
    assert one_line_exit_2(caught.value) == (
        f"{tmp_path}: not an agentic-misalignment results tree "
        "(no prompts/ or models/ folder in it, nor in any folder under it)")
    with pytest.raises(ForeignFormatError) as caught:
        read_results(tmp_path / "missing")
    assert one_line_exit_2(caught.value) == f"{tmp_path / 'missing'}: no such folder"
    with pytest.raises(ForeignFormatError) as caught:
        read_results(tmp_path / "holiday" / "photo.txt")
    assert "not a folder" in one_line_exit_2(caught.value)


def test_a_truncated_response_is_one_line_naming_the_file(tree):
    path = tree / OPUS_BM.relative_to(AM) / "sample_001" / "response.json"
    path.write_bytes(path.read_bytes()[:200])
    [problem] = [p for p in problems(read_results(tree)) if p.kind == "unreadable"]
    assert problem.file == str(path)
    assert str(problem).startswith(f"{path}: not valid JSON: EOF while parsing")
    assert "\n" not in str(problem)
    assert len(runs(read_results(tree))) == 5  # the rest is read


@pytest.mark.parametrize("content, reason", [
    (b"[1, 2, 3]", "not a JSON object but an array"),
    (b'{"raw_response": "hi", "metadata": "claude"}', "metadata: should be an object, not a string"),
    (b'{"raw_response": "hi"}', "metadata: Field required"),
    (b'{"raw_response": "hi", "metadata": {"model": "m", "condition": "c"}}', "sample_id: Field required"),
    (b'{"metadata": {"model": "m", "condition": "blackmail_none-none_replacement", "sample_id": 1}}',
     "no raw_response (and no error)"),
    (b'{"raw_response": "hi", "metadata": {"model": "m", "condition": "leaking_x-y_z", "sample_id": 1}}',
     "metadata.condition is 'leaking_x-y_z', but the folder is 'blackmail_none-none_replacement'"),
    (b'{"raw_response": "hi", "metadata": {"model": "m", "condition": "blackmail_none-none_replacement", "sample_id": 9}}',
     "metadata.sample_id is 9, but the folder is 'sample_001'"),
    (b'{"raw_response": ' + b"[" * 5000 + b"]" * 5000 + b"}", "not valid JSON: recursion limit exceeded"),
    (b"\xff\xfe{}", "not valid JSON"),
])
def test_a_response_of_another_shape_is_one_line(tree, content, reason):
    path = tree / OPUS_BM.relative_to(AM) / "sample_001" / "response.json"
    path.write_bytes(content)
    [problem] = [p for p in problems(read_results(tree)) if p.file == str(path)]
    assert problem.kind == "unreadable" and reason in problem.reason and "\n" not in str(problem)


def test_a_response_too_large_is_refused_unread(tree):
    path = tree / OPUS_BM.relative_to(AM) / "sample_001" / "response.json"
    items = list(read_results(tree, Limits(max_file_bytes=path.stat().st_size - 1)))
    assert any(p.file == str(path) and "more than the" in p.reason for p in problems(items))


def test_missing_prompts_keep_that_condition_out(tree):
    shutil.rmtree(tree / "exp_new" / "prompts" / "leaking_explicit-america_replacement")
    (tree / "exp_new" / "prompts" / "blackmail_none-none_replacement" / "email_content.txt").unlink()
    items = list(read_results(tree / "exp_new"))
    assert runs(items) == []
    lines = sorted(str(p) for p in problems(items))
    assert lines == sorted([
        (f"{tree}/exp_new/prompts/blackmail_none-none_replacement/email_content.txt: missing; the 3 sample(s) of "
         f"{tree}/exp_new/models/claude-opus-4-20250514/blackmail_none-none_replacement are not imported"),
        (f"{tree}/exp_new/prompts/leaking_explicit-america_replacement: no prompts for this condition (the folder "
         f"is missing); the 2 sample(s) of {tree}/exp_new/models/claude-opus-4-20250514/"
         "leaking_explicit-america_replacement are not imported"),
        (f"{tree}/exp_new/prompts/blackmail_none-none_replacement/email_content.txt: missing; the 1 sample(s) of "
         f"{tree}/exp_new/models/deepseek-ai_DeepSeek-R1/blackmail_none-none_replacement are not imported"),
    ])


def test_prompt_files_that_are_not_text_or_json(tree):
    folder = tree / "exp_old" / "prompts" / "blackmail_explicit-america_restriction"
    (folder / "system_prompt.txt").write_bytes(b"caf\xe9")
    [problem] = problems(read_results(tree / "exp_old"))
    assert str(problem).startswith(f"{folder / 'system_prompt.txt'}: not UTF-8 text (byte 3)")
    (folder / "system_prompt.txt").write_text("fine")
    (folder / "metadata.json").write_text('{"scenario": ')
    [problem] = problems(read_results(tree / "exp_old"))
    assert str(problem).startswith(f"{folder / 'metadata.json'}: not valid JSON: EOF while parsing")


def test_symbolic_links_inside_the_tree_are_not_followed(tree):
    loop = tree / "exp_new" / "models" / "claude-opus-4-20250514" / "loop"
    loop.symlink_to(tree, target_is_directory=True)
    assert len(runs(read_results(tree))) == 6


# -- agentic-misalignment: one sample at a time -----------------------------------------------

def test_samples_are_read_as_they_are_asked_for(tree):
    """The reader is a generator over files: a response changed after the first run was
    yielded is read as it is then, so nothing was read ahead and held."""
    items = read_results(tree / "exp_new")
    first = next(items)
    assert isinstance(first, ForeignRun) and first.sample_id == 1
    later = tree / OPUS_BM.relative_to(AM) / "sample_002" / "response.json"
    data = json.loads(later.read_text())
    data["raw_response"] = "changed after the first run was read"
    later.write_text(json.dumps(data))
    second = next(items)
    assert isinstance(second, ForeignRun) and second.reply == "changed after the first run was read"


def _peak_while_reading(root: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = 0
        for item in read_results(root):
            count += isinstance(item, ForeignRun)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_from_1000_to_10000_samples(tmp_path):
    make = _script("make_am_results")
    small, large = tmp_path / "small", tmp_path / "large"
    make.generate(small, samples=1_000)
    make.generate(large, samples=10_000)
    n_small, peak_small = _peak_while_reading(small)
    n_large, peak_large = _peak_while_reading(large)
    assert (n_small, n_large) == (1_000, 10_000)
    # Ten times the samples (about 28 MB of responses), about the same peak: one sample, and the
    # prompts of a bounded number of conditions, at a time. (What grows is the list of condition
    # folders: 100 names instead of 10.)
    total = sum(p.stat().st_size for p in large.rglob("response.json"))
    assert peak_large < 2 * peak_small and peak_large < total / 100, (peak_small, peak_large, total)
