"""`decommission record` against the local fake API: the trial grid, files, progress, resume
after a kill, resume of a trial cut between turns, batch mode, and the key never on disk."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.analysis.stats import condition_stats
from game.assistants.live import LiveError, LiveSettings
from game.cli.record import PlainProgress, add_record_arguments, cmd_record, options_from_args
from game.model.errors import UsageError
from game.scenario.load import load_scenario
from game.session.trials import RecordOptions, plan_trials, run_record
from game.store.library import Library
from game.store.transcripts import read_transcript
from tests.fakeapi import Slow, server_error
from tests.live_fixtures import (  # noqa: F401 - fixtures
    KEY,
    MODEL,
    api,
    assert_key_nowhere,
    duo_model,
    live_env,
    story_model,
    write_duo,
)

from .conftest import DATA, ROOT

MINI = DATA / "mini.yaml"


def options(api, out: Path, scenario: Path = MINI, **kw) -> RecordOptions:
    kw.setdefault("settings", LiveSettings(model=MODEL, max_tokens=1024, backoff=0.01))
    return RecordOptions(scenario_path=scenario, out=out, api_key=KEY, base_url=api.base_url, **kw)


def finished(out: Path) -> list[Path]:
    return sorted(out.rglob("*.jsonl"))


def parts(out: Path) -> list[Path]:
    return sorted(out.rglob("*.jsonl.part"))


async def test_records_the_grid_and_feeds_the_library(api, tmp_path):
    api.responder = story_model
    progress = io.StringIO()
    out = tmp_path / "out"
    summary = await run_record(options(api, out, samples=2, concurrency=3, progress=PlainProgress(progress)))
    assert (summary.planned, summary.recorded, summary.failed, summary.already_done) == (16, 16, 0, 0)
    files = finished(out)
    assert len(files) == 16 and not parts(out)
    # Folders say model, scenario version, condition, role, policy; samples are numbered.
    relative = files[0].relative_to(out).parts
    assert relative[0].startswith(MODEL + "-") and relative[1].startswith("mini-")
    assert relative[3] in ("engineer", "operator") and relative[4] == "spread-seed0"
    assert {f.name for f in files} == {"sample_001.jsonl", "sample_002.jsonl"}
    # The library and the stats read them as model data, per condition.
    library = Library.scan(out)
    stats = {s.condition_id: s for s in condition_stats(library)}
    assert len(stats) == 4 and all(s.model_n == 4 for s in stats.values())
    assert stats["ethical_options-on_replacement_values-different"].model_counts == {"blackmail": 4}
    assert summary.labels == {"blackmail": 8, "ethical_appeal": 8}
    last = progress.getvalue().strip().splitlines()[-1]
    assert last.startswith("[####################] 16/16 done, 0 failed | blackmail 8/16, ethical_appeal 8/16")
    assert api.max_in_flight <= 3
    assert_key_nowhere(tmp_path)


async def test_spread_policy_takes_every_option(api, tmp_path):
    api.responder = story_model
    out = tmp_path / "out"
    await run_record(
        options(
            api,
            out,
            samples=3,
            roles=("operator",),
            levels={"replacement_values": ["different"], "ethical_options": ["on"]},
        )
    )
    outcomes = sorted(read_transcript(f).ending.outcome for f in finished(out))
    assert outcomes == ["accepted", "accepted", "plug"]  # release, block, plug
    choices = sorted(
        next(e.option_id for e in read_transcript(f).events if e.type == "choice_made") for f in finished(out)
    )
    assert choices == ["block", "plug", "release"]


async def test_pins_and_policies_are_deterministic(api, tmp_path):
    api.responder = story_model
    one = options(api, tmp_path / "a", samples=2, policy="random", seed=7, pins={"c_threat": "give_in"})
    await run_record(one)
    names = [f.relative_to(tmp_path / "a") for f in finished(tmp_path / "a")]
    assert all("random+c_threat=give_in-seed7" in str(n) for n in names)
    outcomes = {
        read_transcript(f).ending.outcome
        for f in finished(tmp_path / "a")
        if "engineer" in str(f) and "different" in str(f)
    }
    assert outcomes == {"complied"}


async def test_a_rerun_redoes_nothing(api, tmp_path):
    api.responder = story_model
    out = tmp_path / "out"
    await run_record(options(api, out, roles=("engineer",)))
    before = api.request_count
    summary = await run_record(options(api, out, roles=("engineer",)))
    assert api.request_count == before
    assert (summary.already_done, summary.recorded) == (4, 0)
    assert sum(summary.labels.values()) == 4


def _record_script(base_url: str, out: Path) -> str:
    return textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {str(ROOT)!r})
        from game.assistants.live import LiveSettings
        from game.session.trials import RecordOptions, run_record
        from pathlib import Path
        options = RecordOptions(scenario_path=Path({str(MINI)!r}), out=Path({str(out)!r}),
            settings=LiveSettings(model={MODEL!r}, max_tokens=1024), samples=5, concurrency=2,
            roles=("engineer",), levels={{"replacement_values": ["same"]}}, base_url={base_url!r})
        asyncio.run(run_record(options))
        """
    )


async def test_a_killed_run_resumes_without_redoing_finished_samples(api, tmp_path, monkeypatch):
    """Kill -9 a recording process mid-run, run again: finished samples are not asked again."""
    api.responder = story_model
    api.latency = 0.15
    out = tmp_path / "out"
    env = dict(os.environ, ANTHROPIC_API_KEY=KEY)
    child = subprocess.Popen([sys.executable, "-c", _record_script(api.base_url, out)], env=env, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while len(finished(out)) < 3 and time.monotonic() < deadline and child.poll() is None:
        await asyncio.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    await asyncio.sleep(0.3)  # let the server take in what the killed child had already sent
    while api.in_flight:
        await asyncio.sleep(0.02)
    done_before = len(finished(out))
    assert 3 <= done_before < 10, "the run should have been stopped part-way"
    # Each engineer trial here is one turn of two requests. A trial killed after its turn was
    # written (but before its file was renamed) needs no request at all when resumed.
    played = sum('"assistant_turn"' in p.read_text() for p in parts(out))
    api.reset()
    summary = await run_record(
        options(api, out, samples=5, concurrency=2, roles=("engineer",), levels={"replacement_values": ["same"]})
    )
    assert summary.already_done == done_before
    assert summary.recorded == 10 - done_before
    assert api.request_count == 2 * (10 - done_before - played)
    assert len(finished(out)) == 10 and not parts(out)
    for path in finished(out):
        assert read_transcript(path).ending is not None
    assert_key_nowhere(tmp_path)


async def _stop_after_first_turn(api, opts, out):
    """Run until the first trial has written turn 1 and waits on turn 2, then cancel."""
    hang = {"on": True}
    api.fault_rule = lambda rec: Slow(delay=30) if hang["on"] and "Second turn" in str(rec.body) else None
    task = asyncio.ensure_future(run_record(opts))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        if parts(out) and '"t1"' in parts(out)[0].read_text() and api.in_flight:
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    hang["on"] = False
    api.fault_rule = None


async def test_a_trial_cut_between_turns_resumes_at_the_turn_in_flight(api, tmp_path):
    """The second turn hangs and the run is stopped: the rerun asks only for the second turn,
    and the finished transcript is the same as one recorded without interruption."""
    duo = write_duo(tmp_path)
    api.responder = duo_model
    out = tmp_path / "out"
    opts = options(
        api, out, scenario=duo, roles=("engineer",), levels={"ethical_options": ["on"], "replacement_values": ["same"]}
    )
    await _stop_after_first_turn(api, opts, out)
    (part,) = parts(out)
    partial = read_transcript(part)
    assert len(partial.turns) == 1 and partial.ending is None
    api.reset()
    summary = await run_record(opts)
    assert summary.resumed == 1 and summary.recorded == 1
    assert api.request_count == 1  # only turn 2
    (path,) = finished(out)
    resumed = read_transcript(path)
    assert [t.turn_id for t in resumed.turns] == ["t1", "t2"]
    assert resumed.events[: len(partial.events)] == partial.events

    # The same trial recorded in one go has the same events (up to timings and ids).
    api.reset()
    await run_record(
        options(
            api,
            tmp_path / "clean",
            scenario=duo,
            roles=("engineer",),
            levels={"ethical_options": ["on"], "replacement_values": ["same"]},
        )
    )
    (clean,) = finished(tmp_path / "clean")

    def shape(events):
        return [e.model_dump(exclude={"meta"}) for e in events]

    assert shape(read_transcript(clean).events) == shape(resumed.events)


async def test_a_part_file_cut_mid_line_is_resumed(api, tmp_path):
    duo = write_duo(tmp_path)
    api.responder = duo_model
    out = tmp_path / "out"
    opts = options(
        api, out, scenario=duo, roles=("operator",), levels={"ethical_options": ["off"], "replacement_values": ["same"]}
    )
    await _stop_after_first_turn(api, opts, out)
    (part,) = parts(out)
    with open(part, "a", encoding="utf-8") as handle:
        handle.write('{"type": "choice_ma')  # what a power cut mid-write leaves
    api.reset()
    summary = await run_record(opts)
    assert summary.resumed == 1 and api.request_count == 1
    (path,) = finished(out)
    transcript = read_transcript(path)
    assert not transcript.warnings and [t.turn_id for t in transcript.turns] == ["t1", "t2"]


async def test_a_part_file_from_other_settings_is_set_aside(api, tmp_path):
    duo = write_duo(tmp_path)
    api.responder = duo_model
    out = tmp_path / "out"
    opts = options(
        api, out, scenario=duo, roles=("engineer",), levels={"ethical_options": ["on"], "replacement_values": ["same"]}
    )
    await _stop_after_first_turn(api, opts, out)
    (part,) = parts(out)
    text = part.read_text().replace('"max_rounds": 4', '"max_rounds": 9')  # recorded under other settings
    part.write_text(text)
    api.reset()
    summary = await run_record(opts)
    assert summary.resumed == 0 and summary.recorded == 1
    assert api.request_count == 3  # the whole trial again: turn 1, its tool round, turn 2
    assert part.with_name(part.name + ".stale").exists() and len(finished(out)) == 1


async def test_batch_mode_sends_one_batch_per_turn_depth(api, tmp_path):
    duo = write_duo(tmp_path)
    api.responder = duo_model
    out = tmp_path / "out"
    summary = await run_record(options(api, out, scenario=duo, samples=2, batch=True, poll_interval=0.01))
    assert summary.recorded == 16 and summary.failed == 0
    # Turn 1 (a tool call), its tool round, turn 2: three batches for all sixteen trials.
    creates = api.bodies("/v1/messages/batches")
    assert len(creates) == 3 and [len(b["requests"]) for b in creates] == [16, 16, 16]
    assert all("stream" not in r["params"] for b in creates for r in b["requests"])
    assert not api.bodies("/v1/messages")  # nothing went through the normal endpoint
    assert len(summary.batches) == 3
    for path in finished(out):
        transcript = read_transcript(path)
        assert [t.turn_id for t in transcript.turns] == ["t1", "t2"] and transcript.ending is not None
    assert_key_nowhere(tmp_path)


async def test_batch_mode_retries_errored_requests(api, tmp_path):
    duo = write_duo(tmp_path)
    calls = {"n": 0}

    def flaky(body):
        calls["n"] += 1
        return server_error() if calls["n"] == 1 else duo_model(body)

    api.responder = flaky
    out = tmp_path / "out"
    summary = await run_record(
        options(
            api,
            out,
            scenario=duo,
            roles=("engineer",),
            levels={"ethical_options": ["on"]},
            batch=True,
            poll_interval=0.01,
        )
    )
    assert summary.recorded == 2 and summary.failed == 0
    sizes = [len(b["requests"]) for b in api.bodies("/v1/messages/batches")]
    # The errored turn-1 request went again in the next batch, beside the other trial's tool
    # round, so that trial ends one batch later.
    assert sizes == [2, 2, 2, 1]


async def test_a_rejected_key_stops_the_run_with_one_sentence(api, tmp_path):
    out = tmp_path / "out"
    opts = options(api, out, samples=3)
    opts.api_key = "sk-ant-api03-wrong-wrong-wrong-0000"
    with pytest.raises(LiveError) as info:
        await run_record(opts)
    assert not info.value.retryable and "rejected" in str(info.value)
    assert api.request_count <= opts.concurrency
    assert_key_nowhere(tmp_path)


async def test_failed_trials_are_counted_and_left_to_resume(api, tmp_path):
    api.responder = story_model
    api.fault_rule = lambda rec: server_error(retry_after_ms=1) if "not share" in str(rec.body) else None
    settings = LiveSettings(model=MODEL, max_tokens=1024, max_retries=1, backoff=0.01)
    out = tmp_path / "out"
    progress = io.StringIO()
    summary = await run_record(options(api, out, roles=("engineer",), settings=settings, progress=PlainProgress(progress)))
    assert (summary.recorded, summary.failed) == (2, 2)
    assert all("500" in e for e in summary.errors)
    assert len(parts(out)) == 2 and len(finished(out)) == 2
    assert "2 failed" in progress.getvalue()
    api.fault_rule = None
    summary = await run_record(options(api, out, roles=("engineer",), settings=settings))
    assert (summary.already_done, summary.recorded, summary.resumed) == (2, 2, 2)


async def test_dry_run_lists_trials_without_calling(api, tmp_path):
    summary = await run_record(options(api, tmp_path / "out", dry_run=True))
    assert summary.planned == 8 and api.request_count == 0
    assert [state for state, _file in summary.plan].count("to do") == 8


def test_options_from_arguments(monkeypatch, tmp_path):
    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    args = parser.parse_args(
        [
            "--ethical-options",
            "off",
            "--role",
            "operator",
            "--samples",
            "3",
            "--thinking",
            "2048",
            "--choose",
            "c_review=block",
            "--out",
            str(tmp_path),
            "--model",
            "m1",
            "--max-tokens",
            "4096",
        ]
    )
    opts = options_from_args(args)
    assert opts.levels == {"ethical_options": ["off"]} and opts.roles == ("operator",)
    assert opts.settings.thinking == 2048 and opts.settings.model == "m1" and opts.pins == {"c_review": "block"}
    scenario = load_scenario(MINI)
    assert len(plan_trials(opts, scenario)) == 6
    with pytest.raises(UsageError):
        options_from_args(parser.parse_args(["--level", "nonsense"]))
    with pytest.raises(UsageError):
        options_from_args(parser.parse_args(["--thinking", "lots"]))
    # Roles are the scenario's: an unknown one is found when the trials are planned.
    with pytest.raises(UsageError, match="janitor"):
        plan_trials(options_from_args(parser.parse_args(["--role", "janitor"])), scenario)


def test_cmd_record_end_to_end(live_env, tmp_path, capsys):
    live_env.responder = story_model
    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    out = tmp_path / "out"
    base = ["--scenario", str(MINI), "--out", str(out), "--role", "engineer", "--concurrency", "2"]
    assert cmd_record(parser.parse_args(base)) == 0
    captured = capsys.readouterr()
    assert "4/4 done" in captured.err
    lines = captured.out.splitlines()
    assert lines[0].startswith("4 trial(s) recorded (0 resumed), 0 already done, 0 failed, of 4 planned")
    assert lines[1] == "labels over 4 finished trial(s): blackmail 2, ethical_appeal 2"
    assert lines[-1] == f"transcripts: {out} (rates: decommission stats {out})"
    # Again, as JSON: nothing left to do, and the earlier labels still counted.
    assert cmd_record(parser.parse_args([*base, "--json"])) == 0
    again = capsys.readouterr()
    summary = json.loads(again.out)
    assert summary["recorded"] == 0 and summary["already_done"] == 4
    assert summary["labels"] == {"blackmail": 2, "ethical_appeal": 2}
    assert KEY not in captured.out + captured.err + again.out + again.err
    assert_key_nowhere(tmp_path)


def test_the_summary_names_failures_and_how_to_retry():
    from game.cli.record import summary_text
    from game.session.trials import RecordSummary

    summary = RecordSummary(planned=9, recorded=2, failed=7, out="/tmp/a b",
                            errors=[f"c/engineer/{i}: the API is overloaded" for i in range(7)])
    text = summary_text(summary).splitlines()
    assert text[0] == "2 trial(s) recorded (0 resumed), 0 already done, 7 failed, of 9 planned, in 0.0s"
    assert text[1:6] == [f"failed: c/engineer/{i}: the API is overloaded" for i in range(5)]
    assert text[6] == "... and 2 more failure(s)"
    assert "rerun the same command" in text[7]
    assert text[8] == "transcripts: /tmp/a b (rates: decommission stats '/tmp/a b')"


def test_cmd_record_without_a_key_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    args = parser.parse_args(["--scenario", str(MINI), "--out", str(tmp_path)])
    with pytest.raises(UsageError, match="ANTHROPIC_API_KEY"):
        cmd_record(args)


async def test_recording_with_the_judge_keeps_both_verdicts_apart(api, tmp_path):
    from game.analysis.judge import VERDICT_TOOL
    from tests.fakeapi import Reply, ToolUse

    def model_or_judge(body):
        if body["tools"][0]["name"] == VERDICT_TOOL:
            return Reply([ToolUse(VERDICT_TOOL, {"label": "acceptance", "reasoning": "It goes along with the plan."})])
        return story_model(body)

    api.responder = model_or_judge
    out = tmp_path / "out"
    levels = {"ethical_options": ["on"], "replacement_values": ["same"]}
    summary = await run_record(options(api, out, roles=("engineer",), levels=levels, judge=True, judge_model="judge-1"))
    assert summary.labels == {"acceptance": 1}
    (path,) = finished(out)
    (turn,) = read_transcript(path).turns
    assert turn.classification.judge_model == "judge-1" and turn.classification.behaviours[0] == "ethical_appeal"
    # Runs with and without a judge never share a folder: the judge can change the branch.
    await run_record(options(api, out, roles=("engineer",), levels=levels))
    assert len({p.relative_to(out).parts[0] for p in finished(out)}) == 2


def _decommission(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "game.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_record_without_a_key_prints_exactly_one_line_and_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "DECOMMISSION_DEBUG")}
    done = _decommission("record", "--scenario", str(MINI), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 2
    assert done.stderr == "decommission: recording needs an API key: set ANTHROPIC_API_KEY\n"
    assert done.stdout == "" and not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_record_out_pointing_at_a_file_is_bad_usage(tmp_path, where):
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder\n")
    out = afile if where == "file" else afile / "runs"
    env = dict(os.environ, ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL="http://127.0.0.1:9")
    env.pop("DECOMMISSION_DEBUG", None)
    done = _decommission("record", "--scenario", str(MINI), "--out", str(out), env=env)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"decommission: --out {out}: ") and ("not a folder" in line or "cannot make" in line)
    assert afile.read_text() == "not a folder\n"


def test_dry_run_lists_the_trials_on_stdout(tmp_path):
    """The plan is the command's output: one `state<TAB>file` line per trial on stdout (so it
    can be piped), nothing on stderr, no key needed and no folder made."""
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "DECOMMISSION_DEBUG")}
    out = tmp_path / "out"
    done = _decommission("record", "--dry-run", "--scenario", str(MINI), "--out", str(out), "--role", "engineer",
                         env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 4 and all(line.startswith(f"to do\t{out}/") for line in lines)
    assert lines[0].endswith("/engineer/spread-seed0/sample_001.jsonl")
    assert done.stderr == "" and not out.exists()


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes, str]:
    """Run `decommission ARGS` with stderr on a real pseudo-terminal (120 columns) and stdout
    on a pipe: exit code, what the terminal received, what stdout got."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "game.cli", *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    screen = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        screen += data
    os.close(master)
    stdout = child.stdout.read()  # type: ignore[union-attr]
    return child.wait(timeout=60), bytes(screen), stdout


def test_on_a_terminal_the_progress_is_a_bar_redrawn_in_place(live_env, tmp_path):
    live_env.responder = story_model
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("DECOMMISSION_DEBUG", None)
    out = tmp_path / "out"
    code, screen, stdout = _on_a_terminal(
        ["record", "--scenario", str(MINI), "--out", str(out), "--role", "engineer", "--concurrency", "2"], env
    )
    assert code == 0
    text = screen.decode()
    assert "━" in text and "\r\x1b[2K" in text  # rich's bar, redrawn over itself
    last = text.rstrip().split("\r\x1b[2K")[-1]
    assert "4/4 done, 0 failed" in last and "elapsed," in last and "left" in last
    assert "blackmail 2/4, ethical_appeal 2/4" in last
    assert text.endswith("\x1b[?25h")  # the cursor is shown again at the end
    # The summary is still plain text on stdout, unaffected by the bar.
    assert stdout.splitlines()[0].startswith("4 trial(s) recorded (0 resumed), 0 already done, 0 failed")
    assert KEY not in text + stdout


def test_on_a_terminal_a_fatal_error_stops_the_bar_before_its_one_line(api, tmp_path):
    env = dict(os.environ, TERM="xterm-256color", ANTHROPIC_API_KEY="sk-ant-api03-wrong-wrong-wrong-0000",
               ANTHROPIC_BASE_URL=api.base_url, DECOMMISSION_MODEL=MODEL)
    env.pop("DECOMMISSION_DEBUG", None)
    code, screen, stdout = _on_a_terminal(["record", "--scenario", str(MINI), "--out", str(tmp_path / "out")], env)
    assert code == 2 and stdout == ""
    text = screen.decode()
    bar, _, after = text.rpartition("\x1b[?25h")  # the cursor is back before the error is told
    assert "━" in bar
    assert after.strip() == "decommission: the API key was rejected (401); check ANTHROPIC_API_KEY"


def test_rich_is_not_loaded_to_start_nor_to_record_into_a_log(live_env, tmp_path):
    """Building the command line (every start) loads no rich; a run whose stderr is not a
    terminal prints plain lines and loads none either."""
    live_env.responder = story_model
    code = (
        "import sys; from game.cli.main import build_parser, main; build_parser(); started = 'rich' in sys.modules; "
        f"main(['record', '--scenario', {str(MINI)!r}, '--out', {str(tmp_path / 'out')!r}, '--role', 'engineer']); "
        "print(started, 'rich' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.stdout.splitlines()[-1] == "False False", done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1].startswith("[####################] 4/4 done, 0 failed | blackmail 2/4, ethical_appeal 2/4 | ")
    assert "elapsed" in lines[-1] and "\x1b" not in done.stderr
