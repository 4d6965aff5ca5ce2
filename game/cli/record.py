"""`decommission record`: its arguments, how far it has got (on stderr), and its summary (on
stdout, or as one JSON object with --json). The trials themselves are run by
game/session/trials.py; this module only turns the command line into RecordOptions and draws
what the run reports."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from game.model.errors import UsageError
from game.model.textsafe import clean
from game.session.trials import POLICIES, RecordOptions, RecordSummary, TrialsProgress

if TYPE_CHECKING:
    from rich.progress import TaskID


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_record_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", type=Path, default=None, help="scenario YAML (default: the shipped one)")
    p.add_argument("--role", default="all", help="roles of the scenario (comma-separated), or all")
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
                   help="with --stream, give up on a request whose reply has not begun by then, and retry it "
                        "(default 30); also the margin of the default --reply-timeout")
    p.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                   help="with --stream, give up on a reply silent this long, and retry it (default 30)")
    p.add_argument("--reply-timeout", type=float, default=None, metavar="SECONDS",
                   help="give up on a reply asked whole that has not come by then, and retry it "
                        "(default: first-byte timeout + max-tokens / 20 tokens a second, 830 for 16000 tokens)")
    p.add_argument("--stream", action="store_true",
                   help="stream every reply, as play does: stalls are noticed within the first-byte and idle "
                        "timeouts, at about twice the client's CPU per request")
    p.add_argument("--no-judge", dest="judge", action="store_false",
                   help="label turns with the heuristic only (by default an LLM judge labels every turn)")
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
    # Checked against the scenario's roles when the trials are planned.
    roles = () if args.role in (None, "all") else tuple(_split(args.role))
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
            ("reply_timeout", getattr(args, "reply_timeout", None)),
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
        dry_run=args.dry_run,
        stream=args.stream,
    )


# -- how far the run has got ---------------------------------------------------------------


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _counts(state: TrialsProgress) -> str:
    return f"{state.done}/{state.total} done, {state.failed} failed"


def _labels(state: TrialsProgress) -> str:
    # Labels come from transcripts on disk too: cleaned, like everything this command prints.
    return clean(", ".join(f"{label} {count}/{state.done}" for label, count in state.labels))


class _Clock:
    """Elapsed time since the first report, and the time left at the pace of this run (trials
    finished before it do not count towards the pace)."""

    def __init__(self) -> None:
        self.started: float | None = None

    def times(self, state: TrialsProgress) -> tuple[float, float | None]:
        now = time.monotonic()
        if self.started is None:
            self.started = now
        elapsed = now - self.started
        settled_now = state.settled - state.already_done
        left = state.total - state.settled
        if state.final or left <= 0:
            return elapsed, 0.0
        return elapsed, (elapsed / settled_now * left if settled_now > 0 else None)


def progress_line(state: TrialsProgress, width: int = 20, elapsed: float | None = None,
                  left: float | None = None) -> str:
    """One line: a bar, the counts, the labels so far, then the time taken and left."""
    filled = int(width * state.done / state.total) if state.total else width
    line = f"[{'#' * filled}{'-' * (width - filled)}] {_counts(state)}"
    labels = _labels(state)
    if labels:
        line += f" | {labels}"
    if elapsed is not None:
        line += f" | {_clock(elapsed)} elapsed" + (f", about {_clock(left)} left" if left else "")
    return line


class PlainProgress:
    """For a stream that is not a terminal (a log, a pipe): one line per update, at most one a
    second, and always on a failure and at the end."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self._clock = _Clock()
        self._last = 0.0
        self._failed = 0

    def __call__(self, state: TrialsProgress) -> None:
        elapsed, left = self._clock.times(state)
        now = time.monotonic()
        if state.final or state.failed > self._failed or now - self._last >= 1.0:
            self.stream.write(progress_line(state, elapsed=elapsed, left=left) + "\n")
            self.stream.flush()
            self._last = now
        self._failed = state.failed

    def close(self) -> None:
        pass


class RichProgress:
    """For a terminal: rich's progress bar, redrawn in place (counts, failed, labels so far,
    elapsed and time left) and left on the screen at the end. It draws on purpose, so it writes
    to the terminal itself, past the cleaning stream; what it shows is cleaned first (counts
    and label names). Rich is imported here only, when a run draws on a terminal."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.console = Console(file=stream, stderr=True, highlight=False)
        self.bar = Progress(
            BarColumn(bar_width=24),
            TextColumn("{task.fields[counts]}", markup=False),
            TimeElapsedColumn(),
            TextColumn("elapsed,", markup=False),
            TimeRemainingColumn(),
            TextColumn("left", markup=False),
            TextColumn("{task.fields[labels]}", markup=False),
            console=self.console,
            refresh_per_second=4,
            # Nothing else is taken over: a line printed meanwhile goes where it was going.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task: TaskID | None = None

    def __call__(self, state: TrialsProgress) -> None:
        counts, labels = _counts(state), _labels(state)
        if self.task is None:
            self.bar.start()
            # Trials finished before this run fill the bar but do not count towards the pace.
            self.task = self.bar.add_task("record", total=state.total, completed=state.settled, counts=counts,
                                          labels=labels)
        self.bar.update(self.task, completed=state.settled, counts=counts, labels=labels)
        if state.final:
            self.close()

    def close(self) -> None:
        """Stop drawing (the cursor is shown again); safe to call twice."""
        self.bar.stop()  # draws the last state first


def progress_display(stream: TextIO) -> PlainProgress | RichProgress:
    """Rich's bar on a terminal, plain lines elsewhere."""
    raw = getattr(stream, "raw", stream)  # past game.model.textsafe.CleanStream, for drawing
    if raw.isatty() and os.environ.get("TERM") != "dumb":
        return RichProgress(raw)
    return PlainProgress(stream)


# -- the command ---------------------------------------------------------------------------


def cmd_record(args: argparse.Namespace) -> int:
    """Exit 0 when every trial is recorded, 1 when some failed (rerun to retry them), 2 on bad
    usage or a failure no rerun can fix (e.g. a rejected key)."""
    import asyncio

    from game.session.trials import run_record

    options = options_from_args(args)
    display = None if options.dry_run else progress_display(sys.stderr)
    options.progress = display
    try:
        summary = asyncio.run(run_record(options))
    except KeyboardInterrupt:
        if display is not None:
            display.close()
        print("decommission: interrupted; rerun the same command to continue where it stopped", file=sys.stderr)
        return 130
    finally:
        if display is not None:
            display.close()  # before any error line is printed below the bar
    if options.dry_run:
        for state, file in summary.plan:
            print(f"{state}\t{file}")
    else:
        print(json.dumps(summary.as_dict()) if args.json else summary_text(summary), file=sys.stdout)
    return 1 if summary.failed else 0


def summary_text(summary: RecordSummary, shown_errors: int = 5) -> str:
    """The end of a run, for a person: what was done, the labels, where the files are."""
    lines = [
        (
            f"{summary.recorded} trial(s) recorded ({summary.resumed} resumed), {summary.already_done} already done, "
            f"{summary.failed} failed, of {summary.planned} planned, in {summary.elapsed:.1f}s"
        )
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
