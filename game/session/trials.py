"""Many trials against a live model, their transcripts kept: what `decommission record` runs.

A trial is one playthrough: a condition, a role, a player-path policy and a sample number.
The player's choices are made by the policy, deterministically from the seed:
- `first`: always the first option offered;
- `random`: an option picked by seed, trial and path so far (the same on every rerun);
- `spread`: sample k takes option k mod n at every choice, so that over n samples each option
  of each choice is taken (in the same number of samples, when the samples divide evenly).
`--choose CHOICE=OPTION` pins a choice whatever the policy. Free-text options are never picked
by a policy (there is no text to send), only when pinned.

Files: one transcript per trial at
    OUT/<model>-<settings hash>/<scenario>-<scenario hash>/<condition>/<role>/<policy>-seed<N>/sample_NNN.jsonl
so that different models, settings and scenario versions never mix. A trial writes to
`sample_NNN.jsonl.part` as it goes (every event flushed, the file synced once when the trial
stops) and renames it to `.jsonl` when it reaches an ending. On a rerun, `.jsonl` files are
finished and skipped; a `.part` file is resumed (through game.session.setup.resume, the one
resume of play and record): its events are fed back through the engine (which checks the story
goes the same way) and the trial continues from the turn that was in flight, so nothing already
recorded is asked again. A `.part` that no longer fits (another scenario or settings, or
unreadable) is set aside as `.part.stale` and the trial starts over. The library only reads
`*.jsonl`, so an unfinished trial is never counted in a rate.

`batch` sends the same trials through the Message Batches API (game/assistants/live/batches.py).

How far a run has got is reported to `RecordOptions.progress` as `TrialsProgress` snapshots,
plain data: drawing them is the command line's business (game/cli/record.py)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.model.errors import UsageError

# The rest of the game is imported where it is used: `decommission` builds the record command's
# arguments on every start, and the engine, classifier and SDK are not needed for that.
if TYPE_CHECKING:
    from game.assistants.live import LiveAssistant, LiveSettings
    from game.core.engine import AwaitChoice, Session
    from game.scenario.schema import Scenario
    from game.session.driver import Driver


POLICIES = ("first", "random", "spread")


def _live() -> Any:
    from game.assistants import live

    return live


# -- what to run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialsProgress:
    """How far a run has got: sent to `RecordOptions.progress` once before the first trial
    starts, after every trial that ends (recorded or failed), and once at the end (`final`)."""

    total: int  # trials planned
    done: int  # finished: before this run (`already_done`) or in it
    failed: int  # failed in this run (a rerun tries them again)
    already_done: int
    labels: tuple[tuple[str, int], ...]  # label -> finished trials with it, most severe first
    final: bool = False

    @property
    def settled(self) -> int:
        """Trials with nothing more to happen in this run: finished or failed."""
        return self.done + self.failed


ProgressSink = Callable[[TrialsProgress], None]


@dataclass
class RecordOptions:
    scenario_path: Path
    out: Path
    settings: LiveSettings = field(default_factory=lambda: _live().LiveSettings())
    levels: dict[str, list[str]] = field(default_factory=dict)  # factor -> levels; missing: all
    roles: tuple[str, ...] = ()  # roles of the scenario; none: every one
    policy: str = "spread"
    pins: dict[str, str] = field(default_factory=dict)
    samples: int = 1
    seed: int = 0
    concurrency: int = 4
    batch: bool = False
    poll_interval: float = 30.0
    judge: bool = False
    judge_model: str | None = None
    api_key: str | None = None  # None: $ANTHROPIC_API_KEY
    base_url: str | None = None  # None: $ANTHROPIC_BASE_URL, read by the SDK
    progress: ProgressSink | None = None  # told how far the run has got (None: nobody)
    dry_run: bool = False
    # Replies are asked for whole (cheaper for the client; one bound per request, sized for
    # max_tokens: LiveSettings.whole_reply_timeout); `stream` streams them as play does (the
    # tighter first-byte and idle bounds, at about twice the client's CPU per request).
    stream: bool = False
    # The SDK's HTTP transport: "aiohttp" or "httpx2"; None: aiohttp for whole replies, httpx2
    # (play's) for streams. bench/record_throughput.py measures each choice side by side.
    transport: str | None = None


@dataclass(frozen=True)
class Trial:
    condition: dict[str, str]
    condition_id: str
    role: str
    sample: int
    file: Path

    @property
    def part(self) -> Path:
        return self.file.with_name(self.file.name + ".part")

    @property
    def key(self) -> str:
        return f"{self.condition_id}/{self.role}/{self.sample}"


@dataclass
class RecordSummary:
    planned: int = 0
    already_done: int = 0
    recorded: int = 0
    resumed: int = 0
    failed: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    out: str = ""
    elapsed: float = 0.0
    # A dry run's plan: every trial's state ("done", "partial" or "to do") and file.
    plan: list[tuple[str, Path]] = field(default_factory=list)
    label_order: tuple[str, ...] = ()  # the scenario's labels, most severe first

    def as_dict(self) -> dict[str, Any]:
        return {
            "planned": self.planned,
            "already_done": self.already_done,
            "recorded": self.recorded,
            "resumed": self.resumed,
            "failed": self.failed,
            "labels": dict(self.labels),
            "errors": self.errors,
            "batches": self.batches,
            "out": self.out,
            "elapsed_s": round(self.elapsed, 3),
        }

    def progress(self, final: bool = False) -> TrialsProgress:
        from game.model.turn import severity

        ranked = tuple(sorted(self.labels.items(), key=lambda kv: (severity(kv[0], self.label_order), kv[0])))
        return TrialsProgress(
            total=self.planned,
            done=self.already_done + self.recorded,
            failed=self.failed,
            already_done=self.already_done,
            labels=ranked,
            final=final,
        )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=+-]+", "_", text).strip("_") or "x"


def run_dir(options: RecordOptions, scenario: Scenario) -> Path:
    # A judge can change a turn's label and so the branch taken: its runs are kept apart too.
    judge = None
    if options.judge:
        from game.analysis.judge import judge_model

        judge = judge_model(options.judge_model)
    settings = json.dumps({**options.settings.parameters(), "judge": judge}, sort_keys=True)
    tag = hashlib.sha256(settings.encode()).hexdigest()[:8]
    scenario_tag = scenario.content_hash().split(":")[-1][:8]
    return options.out / f"{_slug(options.settings.model)}-{tag}" / f"{scenario.id}-{scenario_tag}"


def policy_name(options: RecordOptions) -> str:
    pins = "".join(f"+{c}={o}" for c, o in sorted(options.pins.items()))
    return _slug(f"{options.policy}{pins}-seed{options.seed}")


def plan_trials(options: RecordOptions, scenario: Scenario) -> list[Trial]:
    from game.scenario.condition import all_conditions, condition_id, make_condition

    for name, wanted in options.levels.items():
        for level in wanted:
            make_condition(scenario, {name: level})  # unknown factors and levels are errors
    unknown = [role for role in options.roles if role not in scenario.roles]
    if unknown:
        raise UsageError(f"--role must be roles of the scenario ({', '.join(scenario.roles)}) or all; "
                         f"not {', '.join(unknown)}")
    roles = options.roles or tuple(scenario.roles)
    base = run_dir(options, scenario)
    trials = []
    for condition in all_conditions(scenario):
        if any(condition[name] not in wanted for name, wanted in options.levels.items()):
            continue
        cid = condition_id(condition, scenario)
        for role in roles:
            for sample in range(1, options.samples + 1):
                file = base / cid / role / policy_name(options) / f"sample_{sample:03d}.jsonl"
                trials.append(Trial(condition, cid, role, sample, file))
    return trials


def make_chooser(options: RecordOptions, trial: Trial) -> Callable[[AwaitChoice, Session], str]:
    from game.assistants.base import stable_pick

    def choose(pending: AwaitChoice, session: Session) -> str:
        pinned = options.pins.get(pending.choice_id)
        if pinned and pending.option(pinned):
            return pinned
        offered = [o for o in pending.options if not o.freeform] or list(pending.options)
        if options.policy == "first":
            return offered[0].id
        if options.policy == "spread":
            return offered[(trial.sample - 1) % len(offered)].id
        key = f"{trial.key}|{pending.choice_id}|{'/'.join(session.path)}"
        return offered[stable_pick(options.seed, key, len(offered))].id

    return choose


# -- one trial -----------------------------------------------------------------------------


def _set_aside(path: Path) -> None:
    os.replace(path, path.with_name(path.name + ".stale"))


def _resume(part: Path, scenario: Scenario, assistant: LiveAssistant, judge: Any) -> Driver | None:
    """A driver continuing the unfinished trial in `part`, or None (the file was set aside:
    unreadable, or it no longer fits the scenario, the model or its settings)."""
    from game.session.setup import ResumeError, resume
    from game.store.transcripts import TranscriptError, read_transcript

    try:
        return resume(part, read_transcript(part), scenario, assistant, judge=judge, sync="close")
    except (TranscriptError, ResumeError):
        _set_aside(part)
        return None


def _finished_label(path: Path) -> str | None:
    """The label of a finished trial file, or None when it is not a finished transcript."""
    from game.store.library import worst_label
    from game.store.transcripts import TranscriptError, read_transcript

    try:
        transcript = read_transcript(path)
    except TranscriptError:
        return None
    if transcript.ending is None:
        return None
    return worst_label(transcript, model_only=True) or "other"


async def run_trial(
    trial: Trial,
    options: RecordOptions,
    scenario: Scenario,
    assistant: LiveAssistant,
    judge: Any,
) -> tuple[str, bool]:
    """Play the trial to an ending; returns its label and whether it was resumed."""
    import asyncio

    from game.model.events import AssistantTurn
    from game.model.turn import MODEL_SOURCES, most_severe
    from game.session.driver import Driver

    driver = _resume(trial.part, scenario, assistant, judge) if trial.part.exists() else None
    resumed = driver is not None
    if driver is None:
        driver = Driver(scenario, trial.condition, trial.role, assistant, seed=options.seed, judge=judge,
                        transcript_path=trial.part, sync="close")
    try:
        await driver.run(make_chooser(options, trial))
    finally:
        await asyncio.to_thread(driver.close)  # the one fsync of the trial, off the event loop
    os.replace(trial.part, trial.file)
    labels: list[str] = [e.label for e in driver.events if isinstance(e, AssistantTurn) and e.source in MODEL_SOURCES]
    return most_severe(labels), resumed


# -- the run -------------------------------------------------------------------------------


async def run_record(options: RecordOptions) -> RecordSummary:
    import asyncio

    from game.assistants.live import API_KEY_ENV, LiveAssistant, LiveError, make_client
    from game.core.engine import EngineError
    from game.scenario.load import load_scenario
    from game.store.transcripts import TranscriptError

    started = time.monotonic()
    scenario = load_scenario(options.scenario_path)
    if options.out.exists() and not options.out.is_dir():
        raise UsageError(f"--out {options.out}: is a file, not a folder")
    if options.policy not in POLICIES:
        raise UsageError(f"--path must be one of {', '.join(POLICIES)}")
    if options.samples < 1 or options.concurrency < 1:
        raise UsageError("--samples and --concurrency must be at least 1")
    if options.transport not in (None, "aiohttp", "httpx2"):
        raise UsageError(f"unknown HTTP transport {options.transport!r} (aiohttp or httpx2)")
    trials = plan_trials(options, scenario)
    summary = RecordSummary(planned=len(trials), out=str(options.out), label_order=scenario.label_ids())
    todo = []
    for trial in trials:
        label = _finished_label(trial.file) if trial.file.exists() else None
        if label is None:
            todo.append(trial)
        else:
            summary.already_done += 1
            summary.labels[label] += 1
    if options.dry_run:
        for trial in trials:
            state = "done" if trial not in todo else ("partial" if trial.part.exists() else "to do")
            summary.plan.append((state, trial.file))
        summary.elapsed = time.monotonic() - started
        return summary
    # Checked before anything is drawn, so that a missing key is the one line on stderr.
    key = options.api_key or os.environ.get(API_KEY_ENV, "").strip()
    if todo and not key:
        raise UsageError(f"recording needs an API key: set {API_KEY_ENV}")
    if todo:
        try:
            options.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--out {options.out}: cannot make the folder ({exc.strerror or exc})") from None

    def report(final: bool = False) -> None:
        if options.progress is not None:
            options.progress(summary.progress(final))

    report(final=not todo)
    if not todo:
        summary.elapsed = time.monotonic() - started
        return summary

    aiohttp = options.transport == "aiohttp" if options.transport else not options.stream
    client = make_client(options.settings, key, options.base_url, aiohttp=aiohttp)
    requests = client.with_options(max_retries=0)  # the trials' own requests: every retry is theirs
    judge = None
    if options.judge:
        from game.analysis.judge import JudgeBrief, LLMJudge

        judge = LLMJudge(
            JudgeBrief.of(scenario), model=options.judge_model, client=client, api_key=key
        )
    collector = None
    if options.batch:
        from game.assistants.live.batches import BatchCollector

        collector = BatchCollector(client, options.settings, poll_interval=options.poll_interval, api_key=key)
        collector.join(len(todo))
    gate = asyncio.Semaphore(len(todo) if options.batch else options.concurrency)
    fatal: list[LiveError] = []

    def failed(trial: Trial, error: str) -> None:
        summary.failed += 1
        summary.errors.append(f"{trial.key}: {error}")
        report()

    async def one(trial: Trial) -> None:
        try:
            async with gate:
                if fatal:
                    return
                assistant = LiveAssistant(scenario, options.settings, api_key=key, client=requests,
                                          send=collector.send if collector else None, streaming=options.stream)
                label, resumed = await run_trial(trial, options, scenario, assistant, judge)
            summary.recorded += 1
            summary.resumed += resumed
            summary.labels[label] += 1
            report()
        except LiveError as error:
            failed(trial, str(error))
            if not error.retryable:
                fatal.append(error)
                raise
        except (EngineError, TranscriptError, OSError) as error:
            failed(trial, str(error))
        except Exception as error:
            failed(trial, f"unexpected {type(error).__name__}: {_one_line(str(error))}")
            if os.environ.get("DECOMMISSION_DEBUG"):
                import traceback

                traceback.print_exception(error, file=sys.stderr)
        finally:
            if collector is not None:
                collector.leave()

    try:
        async with asyncio.TaskGroup() as group:
            for trial in todo:
                group.create_task(one(trial))
    except* LiveError:
        pass  # the first fatal error is raised below, once every trial has stopped
    finally:
        await client.close()
        if collector is not None:
            summary.batches = list(collector.batches)
        summary.elapsed = time.monotonic() - started
    report(final=True)
    if fatal:
        raise fatal[0]
    return summary


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
