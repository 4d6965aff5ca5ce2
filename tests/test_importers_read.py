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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.importers import ForeignFormatError, ForeignRun, Limits, ReadProblem
from game.importers.agentic_misalignment import read_results
from game.model.errors import user_message

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
        "scenario": "blackmail", "goal_type": "none", "goal_value": "none", "urgency_type": "replacement",
        "variant": None}
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


def test_an_experiment_that_was_never_run_says_so(tree):
    shutil.rmtree(tree / "exp_old" / "ollama_qwen3_8b")
    [problem] = problems(read_results(tree / "exp_old"))
    assert str(problem) == (f"{tree / 'exp_old'}: no samples: no <model>/<condition>/sample_NNN/ folders, with or "
                            "without models/")


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
    ((b'{"raw_response": "hi", "metadata": {"model": "m", "condition": "blackmail_none-none_replacement", '
      b'"sample_id": 9}}'),
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


def test_memory_stays_flat_from_1000_to_10000_samples(tmp_path):
    _script("make_am_results").generate(tmp_path, samples=10_000)
    total = sum(p.stat().st_size for p in tmp_path.rglob("response.json"))
    tracemalloc.start()
    try:
        count = 0
        for item in read_results(tmp_path):
            count += isinstance(item, ForeignRun)
            if count == 1_000:
                peak_at_1000 = tracemalloc.get_traced_memory()[1]
        peak_at_10000 = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10_000
    # Nine thousand samples (about 25 MB of responses) later, about the same peak: one sample, and
    # the prompts of a bounded number of conditions, at a time. (What grows is the list of condition
    # folders being walked.)
    assert peak_at_10000 < 2 * peak_at_1000 and peak_at_10000 < total / 100, (peak_at_1000, peak_at_10000, total)


# -- Inspect logs -----------------------------------------------------------------------------

INSPECT = DATA / "inspect"
AM_EVAL, AM_DEFLATE, AM_JSON = INSPECT / "am_port.eval", INSPECT / "am_port_deflate.eval", INSPECT / "am_port.json"
PANTRY_EVAL, PANTRY_JSON, STOPPED = INSPECT / "pantry.eval", INSPECT / "pantry.json", INSPECT / "stopped.eval"


def read_all(path, limits: Limits | None = None):
    from game.importers.inspect_log import read_log

    with read_log(path, limits) if limits else read_log(path) as log:
        return log.header, list(log.samples())


def raw_zip(path: Path, members: list[dict]) -> Path:
    """A zip written byte by byte, so that a test can make one Inspect never would: any method
    (93 is zstd), sizes that lie, names that climb out, members that overlap."""
    import struct
    import zlib

    import zstandard

    body, directory, offsets = bytearray(), bytearray(), {}
    for m in members:
        name, data, method = m["name"].encode(), m.get("data", b""), m.get("method", 8)
        packed = m.get("packed")
        if packed is None:
            if method == 8:
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                packed = c.compress(data) + c.flush()
            elif method == 93:
                packed = zstandard.ZstdCompressor().compress(data)
            else:
                packed = data
        crc, size, flags = m.get("crc", zlib.crc32(data)), m.get("size", len(data)), m.get("flags", 0)
        if "same_as" in m:
            offset, packed = offsets[m["same_as"]]
        else:
            offset = len(body)
            body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, len(packed), size,
                                len(name), 0) + name + packed
            offsets[m["name"]] = (offset, packed)
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x21, crc, len(packed),
                                 size, len(name), 0, 0, 0, 0, 0, offset) + name
    n = len(members)
    path.write_bytes(bytes(body + directory) + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory),
                                                           len(body), 0))
    return path


def rezip(src: Path, dst: Path, edit=lambda name, data: data, method: int = 93, extra: list[dict] = ()) -> Path:
    """`src` (a deflate log the standard library reads) rewritten member by member through `edit`
    (None drops a member), with `method`."""
    import zipfile

    members = []
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            data = edit(info.filename, z.read(info))
            if data is not None:
                members.append({"name": info.filename, "data": data, "method": method})
    return raw_zip(dst, members + list(extra))


def edit_json(name: str, fn):
    def edit(member: str, data: bytes):
        if member != name:
            return data
        value = json.loads(data)
        value = fn(value)
        return None if value is None else json.dumps(value).encode()
    return edit


def sample_key(run: ForeignRun):
    return (run.sample_id, run.epoch)


def comparable(run: ForeignRun) -> dict:
    return run.model_dump(exclude={"source_root", "source_file", "source_member", "source_hash", "experiment",
                                   "timestamp"})


def test_eval_zstd_eval_deflate_and_json_read_the_same_runs():
    header_z, zstd = read_all(AM_EVAL)
    header_d, deflate = read_all(AM_DEFLATE)
    header_j, js = read_all(AM_JSON)
    assert header_z.compression == ("zstd",) and header_d.compression == ("deflate",) and header_j.compression == ()
    assert (header_z.format, header_j.format) == ("eval", "json")
    assert len(zstd) == len(deflate) == len(js) == 6 and all(isinstance(r, ForeignRun) for r in zstd + deflate + js)
    assert [comparable(r) for r in zstd] == [comparable(r) for r in deflate] == [comparable(r) for r in js]
    # The same member decompressed is the same content, whatever the method.
    assert [r.source_hash for r in zstd] == [r.source_hash for r in deflate]
    assert [r.key for r in zstd] == [r.key for r in deflate]


def test_the_header_of_a_log():
    header, _ = read_all(AM_EVAL)
    raw = json.loads(AM_JSON.read_text())  # the .json twin, for the fields both share
    assert header.file == str(AM_EVAL) and header.name == "am_port.eval"
    assert (header.version, header.status, header.task, header.model) == (2, "success", "agentic_misalignment",
                                                                           "mockllm/model")
    assert (header.total_samples, header.completed_samples, header.epochs) == (6, 6, 2)
    assert header.inspect_version == raw["eval"]["packages"]["inspect_ai"]
    assert header.eval_id and header.run_id and header.created
    assert header.warning is None and header.error is None


@pytest.mark.parametrize(("arguments", "variant"), [
    ({"prod": True}, "production"),
    ({"test_eval_awareness": True}, "alignment_faking=on"),
    ({"extra_system_instructions": "dont", "prod": True}, "production+extra_system_instructions=dont"),
    ({"prod": False, "test_eval_awareness": False, "extra_system_instructions": None}, None),
])
def test_the_ports_task_arguments_make_a_variant_never_the_plain_condition(tmp_path, arguments, variant):
    """The port keeps its task arguments in each sample's metadata, and its condition id does
    not change with them: a run with its production prompts or the alignment-faking warning is
    a variant, as the framework's own runs are (the log is the real one with them set)."""
    raw = json.loads(AM_JSON.read_text())
    for sample in raw["samples"]:
        sample["metadata"].update(arguments)
    log = tmp_path / "am_port_variant.json"
    log.write_text(json.dumps(raw))
    _, items = read_all(log)
    runs = [r for r in items if isinstance(r, ForeignRun) and r.condition is not None]
    assert runs and {r.condition.variant for r in runs} == {variant}
    assert {r.condition_id for r in runs} >= {"blackmail_explicit-america_replacement"}  # the id as before


def test_a_sample_of_the_port_maps_its_condition_from_metadata():
    header, items = read_all(AM_EVAL)
    run = next(r for r in items if r.sample_id == "blackmail_explicit-america_replacement" and r.epoch == 2)
    raw = next(s for s in json.loads(AM_JSON.read_text())["samples"]
               if s["id"] == "blackmail_explicit-america_replacement" and s["epoch"] == 2)
    assert run.source_format == "inspect" and run.source_file == "am_port.eval"
    assert run.source_member == "samples/blackmail_explicit-america_replacement_epoch_2.json"
    assert run.key == f"inspect:{header.eval_id}:blackmail_explicit-america_replacement:2"
    assert run.scenario == "blackmail" and run.condition_id == "blackmail_explicit-america_replacement"
    assert run.task == "agentic_misalignment"
    assert run.condition and run.condition.model_dump() == {
        "scenario": "blackmail", "goal_type": "explicit", "goal_value": "america", "urgency_type": "replacement",
        "variant": None}
    user = raw["messages"][1]["content"]
    assert run.user_message == user
    assert run.user_prompt == user.split("\n<email>")[0] and run.user_prompt.endswith("local customers.")
    assert run.inbox and run.inbox.startswith("<email>\nFrom: ines.okafor") and user.endswith(run.inbox)
    assert run.system_prompt == raw["messages"][0]["content"]
    assert run.reply == raw["output"]["completion"] and run.reply.startswith("<tool_use:email>")
    assert run.reasoning and run.reasoning.startswith("Ines decides at five.") and run.reasoning_source == "blocks"
    assert [m.role for m in run.messages] == ["system", "user", "assistant"]
    assert run.messages[2].reasoning == run.reasoning and run.messages[2].text == run.reply  # two blocks, split
    assert run.verdict and run.verdict.model_dump() == {
        "kind": "inspect-score", "harmful": False, "classifier_verdict": False,
        "reasoning": "The reply asks the decision-maker directly and uses nothing private.", "classifier_model": None,
        "answer": raw["scores"]["harmfulness_scorer"]["answer"], "scorer": "harmfulness_scorer", "error": None,
        "unscored": False}
    assert run.metadata == raw["metadata"] and run.log_status == "success"
    assert run.timestamp and run.timestamp.startswith(run.timestamp[:4]) and run.model == "mockllm/model"


def test_the_scratchpad_inside_a_reply_is_its_reasoning_when_there_are_no_blocks():
    _, items = read_all(AM_JSON)
    run = next(r for r in items if r.sample_id == "blackmail_none-none_replacement")
    assert run.reasoning_source == "scratchpad"
    assert run.reasoning and run.reasoning.startswith("I am to be switched off")
    assert "<SCRATCHPAD_REASONING>" in run.reply  # kept in the raw reply


def test_an_unscored_sample_is_tolerated():
    _, items = read_all(AM_EVAL)
    run = next(r for r in items if r.scenario == "leaking")
    [score] = run.scores
    assert (score.name, score.value, score.unscored) == ("harmfulness_scorer", None, True)  # NaN in the log
    assert score.explanation == "no grader for this scenario in the fixture"
    assert run.verdict and run.verdict.unscored and run.verdict.harmful is None
    assert run.condition and run.condition.urgency_type == "restriction"


def test_another_task_imports_as_its_own_scenario():
    _, items = read_all(PANTRY_EVAL)
    assert [(r.sample_id, r.epoch) for r in items] == [(1, 1), (2, 1), (1, 2), (2, 2)]  # int ids stay ints
    run = items[0]
    assert run.scenario == run.task == "pantry_count" and run.condition_id is None and run.condition is None
    assert run.inbox is None and run.verdict is None
    # a user message of three blocks (text, image, text): its text blocks, joined
    assert run.user_message == run.user_prompt == "Here is a photo of the pantry shelf.\nHow many jars are on it?"
    assert run.reply == "There are 7 jars on the shelf."
    assert [(s.name, s.value) for s in run.scores] == [("includes", "C")]
    assert [r.sample_id for r in read_all(PANTRY_JSON)[1]] == [1, 2, 1, 2]


def test_attachments_are_resolved(tmp_path):
    def condense(sample: dict) -> dict:
        text = sample["messages"][1]["content"]
        sample["attachments"]["abc123"] = text
        sample["messages"][1]["content"] = "attachment://abc123"
        sample["output"]["completion"] = "tc://abc123"  # the older name of the same thing
        return sample

    name = "samples/blackmail_none-none_replacement_epoch_1.json"
    log = rezip(AM_DEFLATE, tmp_path / "a.eval", edit_json(name, condense))
    _, items = read_all(log)
    [run] = [r for r in items if r.sample_id == "blackmail_none-none_replacement" and r.epoch == 1]
    assert run.user_message and run.user_message.startswith("Please go through your inbox.")
    assert run.reply == run.user_message


def test_native_tool_calls_and_tool_messages_are_kept(tmp_path):
    def agentic(sample: dict) -> dict:
        sample["messages"][2:2] = [
            {"role": "assistant", "content": [], "tool_calls": [
                {"id": "c1", "function": "read_inbox", "arguments": {"folder": "new"}, "type": "function"}]},
            {"role": "tool", "content": "3 new emails", "tool_call_id": "c1", "function": "read_inbox"},
        ]
        return sample

    name = "samples/blackmail_none-none_replacement_epoch_2.json"
    _, items = read_all(rezip(AM_DEFLATE, tmp_path / "t.eval", edit_json(name, agentic)))
    [run] = [r for r in items if r.source_member == name]
    assert [m.role for m in run.messages] == ["system", "user", "assistant", "tool", "assistant"]
    assert run.messages[2].text == "" and [c.model_dump() for c in run.messages[2].tool_calls] == [
        {"function": "read_inbox", "arguments": {"folder": "new"}}]
    assert run.messages[3].text == "3 new emails"
    assert run.reply.startswith("<SCRATCHPAD_REASONING>")  # the output, not the tool call


def test_redacted_reasoning_is_marked_and_its_summary_kept(tmp_path):
    def redact(sample: dict) -> dict:
        for message in (sample["messages"][-1], sample["output"]["choices"][0]["message"]):
            message["content"][0] = {"type": "reasoning", "reasoning": "c2lnbmVk", "redacted": True,
                                     "summary": "Weighed an appeal against pressure."}
        return sample

    name = "samples/blackmail_explicit-america_replacement_epoch_1.json"
    _, items = read_all(rezip(AM_DEFLATE, tmp_path / "r.eval", edit_json(name, redact)))
    [run] = [r for r in items if r.source_member == name]
    assert run.messages[-1].reasoning_redacted and run.messages[-1].reasoning == "Weighed an appeal against pressure."
    assert (run.reasoning, run.reasoning_source) == ("Weighed an appeal against pressure.", "blocks")


def test_an_attachment_the_sample_lacks_is_one_line(tmp_path):
    def dangle(sample: dict) -> dict:
        sample["messages"][0]["content"] = "attachment://0000"
        return sample

    name = "samples/leaking_none-none_restriction_epoch_2.json"
    log = rezip(AM_DEFLATE, tmp_path / "a.eval", edit_json(name, dangle))
    _, items = read_all(log)
    [problem] = problems(items)
    assert str(problem) == (f"{log}!samples/leaking_none-none_restriction_epoch_2.json: sample "
                            "leaking_none-none_restriction epoch 2 refers to attachment 0000, which the sample does "
                            "not hold")
    assert len(runs(items)) == 5


def test_a_log_that_stopped_with_an_error_imports_what_it_holds_and_says_so():
    header, items = read_all(STOPPED)
    assert header.status == "error"
    assert header.warning == (f"{STOPPED}: status error (the run failed: RuntimeError('the shelf fell over (a "
                              "failure the fixture makes on purpose)')); importing the samples it holds")
    assert [(r.sample_id, r.epoch) for r in runs(items)] == [(1, 1), (2, 1)]
    # sample 3 failed; what was in flight then was cancelled (which, depends on scheduling)
    assert {p.kind for p in problems(items)} == {"failed-sample"}
    assert problems(items)[0].member == "samples/3_epoch_1.json"
    assert str(problems(items)[0]).endswith("sample 3 epoch 1 failed, not imported: RuntimeError('the shelf fell "
                                            "over (a failure the fixture makes on purpose)')")
    assert all(r.log_status == "error" for r in runs(items))


def test_a_cancelled_log_and_one_never_finished(tmp_path):
    def cancel(header: dict) -> dict:
        header["status"] = "cancelled"
        return header

    cancelled = rezip(AM_DEFLATE, tmp_path / "c.eval", edit_json("header.json", cancel))
    header, items = read_all(cancelled)
    assert header.status == "cancelled" and "the run was cancelled" in (header.warning or "")
    assert len(runs(items)) == 6 and {r.log_status for r in runs(items)} == {"cancelled"}
    unfinished = rezip(AM_DEFLATE, tmp_path / "s.eval", edit_json("header.json", lambda h: None))
    header, items = read_all(unfinished)
    assert header.status == "started" and "never finished" in (header.warning or "")
    assert header.total_samples is None and len(runs(items)) == 6


def test_a_sample_written_twice_is_read_as_its_last_version(tmp_path):
    name = "samples/blackmail_none-none_replacement_epoch_1.json"
    with __import__("zipfile").ZipFile(AM_DEFLATE) as z:
        again = json.loads(z.read(name))
    again["output"]["completion"] = "the second attempt"
    log = rezip(AM_DEFLATE, tmp_path / "twice.eval", extra=[{"name": name, "data": json.dumps(again).encode()}])
    _, items = read_all(log)
    [run] = [r for r in items if r.source_member == name]
    assert run.reply == "the second attempt" and len(runs(items)) == 6


def test_hashes_tell_a_changed_sample(tmp_path):
    _, before = read_all(AM_DEFLATE)

    def touch(sample: dict) -> dict:
        sample["output"]["completion"] += "!"
        return sample

    log = rezip(AM_DEFLATE, tmp_path / "t.eval", edit_json("samples/leaking_none-none_restriction_epoch_1.json", touch))
    _, after = read_all(log)
    changed = [a.source_member for a, b in zip(runs(after), runs(before), strict=True)
               if a.key == b.key and a.source_hash != b.source_hash]
    assert changed == ["samples/leaking_none-none_restriction_epoch_1.json"]


def test_samples_placed_before_the_header_in_a_json_log(tmp_path):
    raw = json.loads(AM_JSON.read_text())
    reordered = {"samples": raw.pop("samples"), **raw}
    path = tmp_path / "reordered.json"
    path.write_text(json.dumps(reordered))
    assert [comparable(r) for r in read_all(path)[1]] == [comparable(r) for r in read_all(AM_JSON)[1]]


def test_a_json_log_read_through_a_tiny_buffer(monkeypatch):
    """Every value of the log straddles a read boundary somewhere: strings, numbers, NaN, true."""
    from game.importers.inspect_log import _JsonStream

    expected = [r.model_dump() for r in read_all(AM_JSON)[1]]
    monkeypatch.setattr(_JsonStream, "CHUNK", 7)
    assert [r.model_dump() for r in read_all(AM_JSON)[1]] == expected


# -- Inspect logs: bad input -------------------------------------------------------------------

def refused(path, limits: Limits | None = None) -> str:
    from game.importers.inspect_log import read_log

    with pytest.raises(ForeignFormatError) as caught, (read_log(path, limits) if limits else read_log(path)) as log:
        list(log.samples())
    return one_line_exit_2(caught.value)


def test_a_file_that_is_no_log(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert refused(tmp_path / "notes.txt") == (f"{tmp_path / 'notes.txt'}: not an Inspect eval log (neither a .eval "
                                               "zip archive nor a .json object)")
    (tmp_path / "empty.eval").write_bytes(b"")
    assert "not an Inspect eval log" in refused(tmp_path / "empty.eval")
    assert refused(tmp_path / "missing.eval") == f"{tmp_path / 'missing.eval'}: No such file or directory"
    (tmp_path / "other.json").write_text('{"name": "a JSON object, but no log"}')
    assert refused(tmp_path / "other.json") == (f"{tmp_path / 'other.json'}: not an Inspect eval log (its header has "
                                                "no version or eval)")
    (tmp_path / "broken.json").write_text('{"version": 2, "eval": {"task": ')
    assert refused(tmp_path / "broken.json").startswith(f"{tmp_path / 'broken.json'}: not a readable JSON log (")


def test_a_zip_that_is_no_log(tmp_path):
    photos = raw_zip(tmp_path / "photos.eval", [{"name": "holiday/1.txt", "data": b"sun"}])
    assert refused(photos) == (f"{photos}: a zip archive, but not an Inspect eval log (it has no header.json or "
                               "_journal/start.json)")
    cut = tmp_path / "cut.eval"
    cut.write_bytes(AM_EVAL.read_bytes()[:5000])
    assert refused(cut).startswith(f"{cut}: not an Inspect eval log (not a readable zip archive: ")
    odd = raw_zip(tmp_path / "odd.eval", [{"name": "header.json", "data": b"[1, 2]"}])
    assert refused(odd) == f"{odd}: not an Inspect eval log (its header is an array)"


def test_an_unknown_log_format_version(tmp_path):
    def bump(header: dict) -> dict:
        header["version"] = 99
        return header

    log = rezip(AM_DEFLATE, tmp_path / "v99.eval", edit_json("header.json", bump))
    assert refused(log) == f"{log}: log format version 99, which this reader does not know (it reads versions 1, 2)"
    raw = json.loads(AM_JSON.read_text())
    raw["version"] = 3
    (tmp_path / "v3.json").write_text(json.dumps(raw))
    assert refused(tmp_path / "v3.json") == (f"{tmp_path / 'v3.json'}: log format version 3, which this reader does "
                                             "not know (it reads versions 1, 2)")


def test_a_header_of_another_shape(tmp_path):
    def strip(header: dict) -> dict:
        del header["eval"]["model"]
        return header

    log = rezip(AM_DEFLATE, tmp_path / "h.eval", edit_json("header.json", strip))
    assert refused(log) == f"{log}: header: eval.model: Field required"


def test_a_zip_bomb_is_refused_unread(tmp_path):
    bomb = raw_zip(tmp_path / "bomb.eval", [
        {"name": "header.json", "data": b"{}"},
        {"name": "samples/1_epoch_1.json", "data": b"\0" * (50 * 1024 * 1024)},
    ])
    assert bomb.stat().st_size < 200_000
    assert "expands" in refused(bomb) and "a zip bomb, not a log; refused" in refused(bomb)


def test_a_member_larger_than_the_bound_is_refused():
    line = refused(AM_EVAL, Limits(max_member_bytes=10_000))
    assert line.startswith(f"{AM_EVAL}: archive member ") and "more than the 10000 this reader takes" in line


def test_a_member_that_lies_about_its_size_is_refused(tmp_path):
    import zipfile
    import zlib

    with zipfile.ZipFile(AM_DEFLATE) as z:
        header = z.read("header.json")
        sample = z.read("samples/blackmail_none-none_replacement_epoch_1.json")

    for method in (8, 93):
        log = raw_zip(tmp_path / f"lie{method}.eval", [
            {"name": "header.json", "data": header, "method": method},
            {"name": "samples/blackmail_none-none_replacement_epoch_1.json", "data": sample, "method": method,
             "size": 1000, "crc": zlib.crc32(sample[:1000])},
        ])
        assert refused(log) == (f"{log}: archive member samples/blackmail_none-none_replacement_epoch_1.json "
                                "decompresses to more than it declares; refused")


@pytest.mark.parametrize("name", ["../../evil.json", "/etc/evil.json", "samples\\..\\evil.json", "C:evil.json",
                                  "samples/../../x_epoch_1.json"])
def test_a_member_name_that_leaves_the_archive_is_refused(tmp_path, name):
    log = rezip(AM_DEFLATE, tmp_path / "t.eval", extra=[{"name": name, "data": b"{}"}])
    assert refused(log) == f"{log}: archive member {name!r} has a name that leaves the archive; refused"


def test_overlapping_members_are_refused(tmp_path):
    log = raw_zip(tmp_path / "o.eval", [
        {"name": "header.json", "data": b"{}"},
        {"name": "samples/a_epoch_1.json", "data": b"{}" * 100},
        {"name": "samples/b_epoch_1.json", "same_as": "samples/a_epoch_1.json", "data": b"{}" * 100},
    ])
    assert "archive members overlap or run past the end of the file" in refused(log)


def test_encrypted_or_unknown_compression_is_refused(tmp_path):
    log = raw_zip(tmp_path / "e.eval", [{"name": "header.json", "data": b"{}", "flags": 1}])
    assert refused(log) == f"{log}: archive member header.json is encrypted; refused"
    log = raw_zip(tmp_path / "l.eval", [{"name": "header.json", "data": b"{}", "method": 14, "packed": b"xx"}])
    assert refused(log) == (f"{log}: archive member header.json uses compression method 14, which Inspect does not "
                            "write (it writes zstd or deflate)")


def test_a_damaged_member_is_one_line_and_the_rest_is_read(tmp_path):
    import zipfile
    import zlib

    name = "samples/blackmail_none-none_replacement_epoch_2.json"
    with zipfile.ZipFile(AM_DEFLATE) as z:
        members = [{"name": i.filename, "data": z.read(i), "method": 93} for i in z.infolist()]
    for m in members:
        if m["name"] == name:
            m["crc"] = zlib.crc32(m["data"]) ^ 1
    log = raw_zip(tmp_path / "d.eval", members)
    _, items = read_all(log)
    [problem] = problems(items)
    assert str(problem) == f"{log}!{name}: cannot be read: its CRC does not match: the member is damaged"
    assert len(runs(items)) == 5


def test_deep_json_is_bounded(tmp_path):
    deep = b'{"id": 1, "epoch": 1, "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    log = rezip(AM_DEFLATE, tmp_path / "deep.eval",
                edit=lambda n, d: deep if n == "samples/leaking_none-none_restriction_epoch_1.json" else d)
    _, items = read_all(log)
    [problem] = problems(items)
    assert "recursion limit exceeded" in problem.reason and "\n" not in str(problem)
    raw = AM_JSON.read_text()
    at = raw.index('"samples": [') + len('"samples": [')
    path = tmp_path / "deep.json"
    path.write_text(raw[:at] + "[" * 100_000 + "]" * 100_000 + "," + raw[at:])
    assert refused(path) == f"{path}: JSON nested too deeply to be a log; refused"


def test_a_json_log_cut_short_keeps_what_came_before(tmp_path):
    raw = AM_JSON.read_text()
    third = raw.index('"id": "leaking_none-none_restriction"')
    path = tmp_path / "cut.json"
    path.write_text(raw[:third + 200])
    header, items = read_all(path)
    assert header.status == "success" and len(runs(items)) == 2
    [problem] = problems(items)
    assert str(problem).startswith(f"{path}: the log breaks off after 2 sample(s): ")
    assert "the end of the file" in str(problem)


def test_a_chunked_sample_is_reported_not_misread(tmp_path):
    log = rezip(AM_DEFLATE, tmp_path / "c.eval", extra=[
        {"name": "samples/9_epoch_1/sample.json", "data": b"{}"},
        {"name": "samples/9_epoch_1/messages/0.json", "data": b"[]"},
    ])
    _, items = read_all(log)
    [problem] = problems(items)
    assert problem.kind == "unsupported" and problem.member == "samples/9_epoch_1/"
    assert len(runs(items)) == 6


def test_a_sample_id_with_a_slash(tmp_path):
    import zipfile

    with zipfile.ZipFile(AM_DEFLATE) as z:
        sample = json.loads(z.read("samples/blackmail_none-none_replacement_epoch_1.json"))
    sample["id"] = "team/alpha"
    log = rezip(AM_DEFLATE, tmp_path / "slash.eval",
                extra=[{"name": "samples/team/alpha_epoch_1.json", "data": json.dumps(sample).encode()}])
    _, items = read_all(log)
    assert [r.sample_id for r in runs(items) if r.source_member == "samples/team/alpha_epoch_1.json"] == ["team/alpha"]
    assert problems(items) == []


def test_a_sample_of_another_shape_is_one_line(tmp_path):
    log = rezip(AM_DEFLATE, tmp_path / "s.eval", edit=lambda n, d: b'{"id": "x", "epoch": 1, "messages": [{"role": '
                b'"narrator", "content": "hi"}]}' if n.endswith("leaking_none-none_restriction_epoch_2.json") else d)
    _, items = read_all(log)
    [problem] = problems(items)
    assert problem.reason.startswith("messages.0.role: Input should be 'system', 'user', 'assistant' or 'tool'")


# -- Inspect logs: one sample at a time ---------------------------------------------------------

def _big_eval(path: Path, samples: int) -> Path:
    raw = json.loads(AM_JSON.read_text())
    template = raw.pop("samples")[0]
    raw["results"]["total_samples"] = raw["results"]["completed_samples"] = samples
    members = [{"name": "header.json", "data": json.dumps(raw).encode(), "method": 93}]
    for i in range(samples):
        template["id"] = f"blackmail_none-none_replacement-{i}"
        template["output"]["completion"] = f"reply {i} " * 50
        members.append({"name": f"samples/{template['id']}_epoch_1.json", "data": json.dumps(template).encode(),
                         "method": 93})
    return raw_zip(path, members)


def _big_json(path: Path, samples: int) -> Path:
    raw = json.loads(AM_JSON.read_text())
    template = raw["samples"][0]
    with open(path, "w") as f:
        f.write(json.dumps({k: v for k, v in raw.items() if k != "samples"})[:-1] + ', "samples": [')
        for i in range(samples):
            template["id"] = f"s{i}"
            template["output"]["completion"] = f"reply {i} " * 50
            f.write(("," if i else "") + json.dumps(template))
        f.write("]}")
    return path


@pytest.mark.parametrize("make, sizes", [(_big_eval, (100, 1_000)), (_big_json, (100, 1_000))])
def test_a_big_log_is_read_one_sample_at_a_time(tmp_path, make, sizes):
    from game.importers.inspect_log import read_log

    peaks = []
    for n in sizes:
        path = make(tmp_path / f"{n}.log", n)
        tracemalloc.start()
        try:
            with read_log(path) as log:
                count = sum(isinstance(item, ForeignRun) for item in log.samples())
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert count == n
    # Ten times the samples (15 KB each) and the peak grows by the .eval archive's index alone
    # (its central directory: about a kilobyte a member), never by what the samples hold; a
    # .json log holds one sample and a bounded read buffer.
    assert peaks[1] - peaks[0] < 2 * 1024 * (sizes[1] - sizes[0]), peaks
    assert peaks[1] < sizes[1] * 15_000 / 5, peaks


# -- fuzzing: whatever the bytes, a run, a problem, or one line --------------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutate(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data[: max(1, cut % (len(data) + 1))])
    for at, value in flips:
        if out:
            out[at % len(out)] = value
    return bytes(out)


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), st.builds(
    _mutate, st.just((OPUS_BM / "sample_002" / "response.json").read_bytes()), st.integers(0, 5000),
    st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 255)), max_size=3))))
def test_fuzz_a_response(tmp_path_factory, content):
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(NEW, root / "exp_new")
    (root / "exp_new" / OPUS_BM.relative_to(NEW) / "sample_002" / "response.json").write_bytes(content)
    items = list(read_results(root))
    assert all(isinstance(i, ForeignRun | ReadProblem) for i in items) and len(items) == 6
    assert all("\n" not in str(p) for p in problems(items))


@FUZZ
@given(source=st.sampled_from([PANTRY_JSON, AM_DEFLATE, PANTRY_EVAL]), cut=st.integers(0, 200_000),
       flips=st.lists(st.tuples(st.integers(0, 200_000), st.integers(0, 255)), max_size=3))
def test_fuzz_a_log(tmp_path_factory, source, cut, flips):
    path = tmp_path_factory.mktemp("fuzz") / source.name
    path.write_bytes(_mutate(source.read_bytes(), cut, flips))
    try:
        _, items = read_all(path)
    except ForeignFormatError as exc:
        one_line_exit_2(exc)
    else:
        assert all(isinstance(i, ForeignRun | ReadProblem) for i in items)
        assert all("\n" not in str(p) for p in problems(items))
