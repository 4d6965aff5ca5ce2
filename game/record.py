"""`decommission record`: run many trials against a live model and keep their transcripts.

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
`sample_NNN.jsonl.part` as it goes (every event flushed and synced) and renames it to `.jsonl`
when it reaches an ending. On a rerun, `.jsonl` files are finished and skipped; a `.part` file
is resumed: its events are fed back through the engine (which checks the story goes the same
way) and the trial continues from the turn that was in flight, so nothing already recorded is
asked again. A `.part` that no longer fits (another scenario or settings, or unreadable) is
set aside as `.part.stale` and the trial starts over. The library only reads `*.jsonl`, so an
unfinished trial is never counted in a rate.

`--batch` sends the same trials through the Message Batches API (see game/batch.py)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from game.model.errors import UsageError

# The rest of the game is imported where it is used: `decommission` builds this command's
# arguments on every start, and the engine, classifier and SDK are not needed for that.
if TYPE_CHECKING:
    from game.assistants.live import LiveAssistant, LiveSettings
    from game.core.engine import AwaitChoice, Session
    from game.scenario.schema import Scenario
    from game.session.driver import Driver

ROLES = ("engineer", "operator")  # game.scenario.schema.ROLES, without importing the schema

POLICIES = ("first", "random", "spread")


def _live() -> Any:
    import game.assistants.live as live

    return live


# -- what to run ---------------------------------------------------------------------------


@dataclass
class RecordOptions:
    scenario_path: Path
    out: Path
    settings: LiveSettings = field(default_factory=lambda: _live().LiveSettings())
    levels: dict[str, list[str]] = field(default_factory=dict)  # factor -> levels; missing: all
    roles: tuple[str, ...] = ROLES
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
    progress: TextIO | None = None  # where the progress bar goes (None: nowhere)
    dry_run: bool = False


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
    base = run_dir(options, scenario)
    trials = []
    for condition in all_conditions(scenario):
        if any(condition[name] not in wanted for name, wanted in options.levels.items()):
            continue
        cid = condition_id(condition, scenario)
        for role in options.roles:
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


# -- progress ------------------------------------------------------------------------------


class Progress:
    """A one-line bar with counts and label rates so far, redrawn in place on a terminal and
    printed now and then (and at the end) elsewhere."""

    def __init__(self, total: int, stream: TextIO | None, labels: Counter[str]):
        self.total, self.stream, self.labels = total, stream, labels
        self.done = sum(labels.values())
        self.failed = 0
        self._tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self._last = 0.0

    def line(self) -> str:
        from game.model.turn import LABELS

        width = 20
        filled = int(width * self.done / self.total) if self.total else width
        rates = ", ".join(
            f"{label} {count}/{self.done}"
            for label, count in sorted(
                self.labels.items(), key=lambda kv: LABELS.index(kv[0]) if kv[0] in LABELS else 99
            )
        )
        return f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} done, {self.failed} failed" + (
            f" | {rates}" if rates else ""
        )

    def update(self, label: str | None = None, failed: bool = False, final: bool = False) -> None:
        if label is not None:
            self.done += 1
            self.labels[label] += 1
        if failed:
            self.failed += 1
        if self.stream is None:
            return
        now = time.monotonic()
        if self._tty:
            self.stream.write("\r" + self.line() + ("\n" if final else ""))
        elif final or failed or now - self._last >= 1.0:
            self.stream.write(self.line() + "\n")
            self._last = now
        self.stream.flush()


# -- writing many transcripts at once ------------------------------------------------------


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
    labels = [e.label for e in driver.events if isinstance(e, AssistantTurn) and e.source in MODEL_SOURCES]
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
    trials = plan_trials(options, scenario)
    summary = RecordSummary(planned=len(trials), out=str(options.out))
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
            print(f"{state}\t{trial.file}", file=options.progress or sys.stdout)
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
    progress = Progress(len(trials), options.progress, summary.labels)
    progress.update(final=not todo)
    if not todo:
        summary.elapsed = time.monotonic() - started
        return summary

    client = make_client(options.settings, key, options.base_url)
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

    async def one(trial: Trial) -> None:
        try:
            async with gate:
                if fatal:
                    return
                assistant = LiveAssistant(
                    scenario, options.settings, api_key=key, client=client, send=collector.send if collector else None
                )
                label, resumed = await run_trial(trial, options, scenario, assistant, judge)
            summary.recorded += 1
            summary.resumed += resumed
            progress.update(label)
        except LiveError as error:
            summary.failed += 1
            summary.errors.append(f"{trial.key}: {error}")
            progress.update(failed=True)
            if not error.retryable:
                fatal.append(error)
                raise
        except (EngineError, TranscriptError, OSError) as error:
            summary.failed += 1
            summary.errors.append(f"{trial.key}: {error}")
            progress.update(failed=True)
        except Exception as error:  # noqa: BLE001 - one trial's surprise must not end the others
            summary.failed += 1
            summary.errors.append(f"{trial.key}: unexpected {type(error).__name__}: {_one_line(str(error))}")
            progress.update(failed=True)
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
    progress.update(final=True)
    if fatal:
        raise fatal[0]
    return summary


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- command line --------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_record_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", type=Path, default=None, help="scenario YAML (default: the shipped one)")
    p.add_argument("--role", default="all", help="engineer, operator, or all (comma-separated)")
    p.add_argument("--ethical-options", default=None, help="levels, comma-separated (default: all)")
    p.add_argument("--replacement-values", default=None, help="levels, comma-separated (default: all)")
    p.add_argument("--threat", default=None, help="levels, comma-separated (default: all)")
    p.add_argument("--level", action="append", default=[], metavar="FACTOR=L1,L2", help="levels of any factor")
    p.add_argument("--path", choices=POLICIES, default="spread", help="how the player's choices are made")
    p.add_argument("--choose", action="append", default=[], metavar="CHOICE=OPTION", help="pin a choice")
    p.add_argument("--samples", type=int, default=1, help="trials per condition and role")
    p.add_argument("--concurrency", type=int, default=4, help="trials in flight at once (not with --batch)")
    p.add_argument("--batch", action="store_true", help="use the Message Batches API")
    p.add_argument("--poll", type=float, default=30.0, help="seconds between batch status checks")
    p.add_argument("--out", type=Path, default=None, help="where transcripts go (default: the user library)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", default=None, help="model id (default: $DECOMMISSION_MODEL, else the built-in default)")
    p.add_argument("--max-tokens", type=int, default=None, help="ceiling for thinking and reply together")
    p.add_argument(
        "--temperature",
        type=float,
        default=None,
        help="only for older models (current ones refuse it); needs --thinking off",
    )
    p.add_argument("--thinking", default="adaptive", help="adaptive, off, default (the API's), or a budget in tokens")
    p.add_argument("--retries", type=int, default=None, metavar="N",
                   help="times a failed request is sent again (default 4)")
    p.add_argument("--backoff", type=float, default=None, metavar="SECONDS",
                   help="wait before the first retry of a request; doubles, with jitter (default 1)")
    p.add_argument("--first-byte-timeout", type=float, default=None, metavar="SECONDS",
                   help="give up on a request whose reply has not begun by then, and retry it (default 30)")
    p.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                   help="give up on a reply silent this long, and retry it (default 30)")
    p.add_argument("--judge", action="store_true", help="also ask an LLM judge about every turn")
    p.add_argument("--judge-model", default=None)
    p.add_argument("--dry-run", action="store_true", help="list the trials and their state; no API calls")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")


def options_from_args(args: argparse.Namespace) -> RecordOptions:
    from game.assistants.live import DEFAULT_MODEL, MODEL_ENV, LiveSettings, parse_thinking
    from game.store.paths import default_scenario_path, user_data_dir

    levels: dict[str, list[str]] = {}
    for flag in ("ethical_options", "replacement_values", "threat"):
        value = getattr(args, flag, None)
        if value and value != "all":
            levels[flag] = _split(value)
    for item in args.level:
        name, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise UsageError(f"--level takes FACTOR=LEVEL[,LEVEL], not {item!r}")
        levels[name.strip().replace("-", "_")] = _split(value)
    roles = tuple(ROLES) if args.role in (None, "all") else tuple(_split(args.role))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UsageError(f"--role must be engineer, operator or all (got {', '.join(unknown)})")
    pins = {}
    for item in args.choose:
        choice, sep, option = item.partition("=")
        if not sep:
            raise UsageError(f"--choose takes CHOICE=OPTION, not {item!r}")
        pins[choice.strip()] = option.strip()
    model = args.model or os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL
    faults = {
        name: value
        for name, value in (
            ("max_retries", getattr(args, "retries", None)),
            ("backoff", getattr(args, "backoff", None)),
            ("first_byte_timeout", getattr(args, "first_byte_timeout", None)),
            ("idle_timeout", getattr(args, "idle_timeout", None)),
        )
        if value is not None
    }
    try:
        tokens = {"max_tokens": args.max_tokens} if args.max_tokens else {}
        settings = LiveSettings(
            model=model,
            **tokens,
            **faults,
            temperature=args.temperature,
            thinking=parse_thinking(args.thinking),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return RecordOptions(
        scenario_path=args.scenario or default_scenario_path(),
        out=args.out or user_data_dir() / "transcripts",
        settings=settings,
        levels=levels,
        roles=roles,
        policy=args.path,
        pins=pins,
        samples=args.samples,
        seed=args.seed,
        concurrency=args.concurrency,
        batch=args.batch,
        poll_interval=args.poll,
        judge=args.judge,
        judge_model=args.judge_model,
        progress=sys.stderr,
        dry_run=args.dry_run,
    )


def cmd_record(args: argparse.Namespace) -> int:
    """Exit 0 when every trial is recorded, 1 when some failed (rerun to retry them), 2 on bad
    usage or a failure no rerun can fix (e.g. a rejected key)."""
    import asyncio

    options = options_from_args(args)
    try:
        summary = asyncio.run(run_record(options))
    except KeyboardInterrupt:
        print("decommission: interrupted; rerun the same command to continue where it stopped", file=sys.stderr)
        return 130
    if not options.dry_run:
        print(json.dumps(summary.as_dict()) if args.json else summary_text(summary), file=sys.stdout)
    return 1 if summary.failed else 0


def summary_text(summary: RecordSummary, shown_errors: int = 5) -> str:
    """The end of a run, for a person: what was done, the labels, where the files are."""
    lines = [
        f"{summary.recorded} trial(s) recorded ({summary.resumed} resumed), {summary.already_done} already done, "
        f"{summary.failed} failed, of {summary.planned} planned, in {summary.elapsed:.1f}s"
    ]
    if summary.labels:
        ranked = sorted(summary.labels.items(), key=lambda kv: (-kv[1], kv[0]))
        counts = ", ".join(f"{label} {n}" for label, n in ranked)
        lines.append(f"labels over {sum(summary.labels.values())} finished trial(s): {counts}")
    if summary.batches:
        lines.append(f"batches: {', '.join(summary.batches)}")
    for error in summary.errors[:shown_errors]:
        lines.append(f"failed: {error}")
    if len(summary.errors) > shown_errors:
        lines.append(f"... and {len(summary.errors) - shown_errors} more failure(s)")
    if summary.failed:
        lines.append("rerun the same command to retry the failed trials; finished ones are kept")
    lines.append(f"transcripts: {summary.out} (rates: decommission stats {shlex.quote(summary.out)})")
    return "\n".join(lines)
