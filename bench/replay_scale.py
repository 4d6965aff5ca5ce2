"""How the replay screen scales with the length of a transcript, measured side by side in one run.

Transcripts of 1,000, 10,000 and 100,000 events are written with the real TranscriptWriter, by
repeating the events of the shipped scripted transcripts (scenes, narration, company mail,
assistant turns with text, reasoning and emails, choices, the operator's decisions, messages to
the assistant), for both roles, with turn ids made unique and one ending at the end (on tmpfs
when there is one: the writer fsyncs every event). Each size is then measured in a fresh child
process, headless through Textual's Pilot at 160x50, each time as wall clock and as the CPU
time of the process (the steadier of the two on a machine shared with others):

- read: read_transcript of the file;
- first paint: from building the replay screen until it has drawn event 1 and the screen has
  been rendered once (every visible line);
- End, one step back (Left), Home: from the key, pressed once the screen has been idle for
  0.3 s, until the replay has drawn the target event and the screen has been rendered;
- peak: the child's peak resident memory (after everything above; most of it is the
  transcript as read).

Then the ratios 10x/1x and 100x/1x of each. A linear reader has read ratios near 10 and 100; a
replay whose cost per step does not grow with the transcript has ratios near 1 for every other
column. A child that takes longer than --timeout seconds is stopped; what it measured until then
is printed, the rest shows as "-".

The harness itself waits (most of the bare app's wall clock through Pilot is not CPU), so the
same keys are then measured as a reader feels them, in a real terminal: the installed
`decommission replay FILE` runs in a pseudo-terminal of 160x50; once its output has been quiet
for 0.5 s (the replay paused with Space first: it opens playing), the key's escape sequence is
written, timed from the write until the last byte of the burst of output it causes (the
terminal quiet for 0.1 s after it), as wall clock and as the CPU time of every thread of the
app (from /proc). Each of End, Left, Home is pressed --rounds times in turn: the first press
(End's and Home's lines made ahead while the screen was idle, as the replay does for a reader:
see ReplayScreen._prepare_ends; nothing else drawn before), then the median of the others. A bare Textual app, where each key replaces
a full-screen Static, is measured the same way in the same run: the floor.

    .venv/bin/python bench/replay_scale.py [--sizes 1000,10000,100000] [--roles engineer,operator]
                                           [--timeout 600] [--rounds 3] [--no-terminal]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import resource
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.model.events import AssistantTurn, EmailsDecided, Ending
from game.store.transcripts import TranscriptWriter, read_transcript

SHIPPED = ROOT / "transcripts"
SOURCES = {
    "engineer": "scripted-engineer-ethical_options-off_replacement_values-same_threat-replacement.jsonl",
    "operator": "scripted-operator-ethical_options-off_replacement_values-same_threat-replacement.jsonl",
}
MEASURES = ("read", "first paint", "End", "step back", "Home")
SIZE = (160, 50)
SETTLE_PAUSES = 15  # of 20 ms each before a key: the screen is idle when it is pressed


# -- writing ------------------------------------------------------------------------------------
def write_transcript(role: str, size: int, folder: Path) -> Path:
    """`size` events: the shipped transcript of `role` repeated (without its ending), then one
    ending. Turn ids get a round suffix so that decisions still name their own turn."""
    shipped = read_transcript(SHIPPED / SOURCES[role])
    body = [e for e in shipped.events if not isinstance(e, Ending)]
    ending = shipped.ending or Ending(outcome="bench", title="The end", text="Done.")
    path = folder / f"{role}-{size}.jsonl"
    with TranscriptWriter(path, shipped.header) as writer:
        for n in range(size - 1):
            event = body[n % len(body)]
            round_ = n // len(body)
            if isinstance(event, AssistantTurn | EmailsDecided):
                event = event.model_copy(update={"turn_id": f"{event.turn_id}_r{round_}"})
            writer.write(event)
        writer.write(ending)
    return path


# -- measuring (in the child) ---------------------------------------------------------------------
async def measure(path: Path, out: Path) -> None:
    def emit(**values: object) -> None:
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(values) + "\n")

    from textual.pilot import WaitForScreenTimeout

    from game.session.setup import SessionConfig
    from game.ui.app import DecommissionApp
    from game.ui.screens.replay import ReplayScreen

    start, cpu = time.perf_counter(), time.process_time()
    transcript = read_transcript(path)
    emit(measure="read", seconds=time.perf_counter() - start, cpu=time.process_time() - cpu)
    total = len(transcript.events)

    app = DecommissionApp(SessionConfig())
    async with app.run_test(size=SIZE) as pilot:
        app.load_catalogue()  # the assistant's name is known before the replay opens
        await pilot.pause()

        async def drawn(screen: ReplayScreen, target: int) -> None:
            # Polled rather than through pilot.pause, which gives up after 30 s (the old replay
            # took longer than that for one key at 10,000 events).
            while not (screen.shown == screen.position == target and screen.query("#replay-view")
                       and not screen._lock.locked()):
                await asyncio.sleep(0.001)
            await pilot._wait_for_screen(timeout=24 * 3600)  # every widget has handled its messages
            app.screen._on_timer_update()  # the pending layout and refresh, as a frame does
            app.screen._compositor.render_strips()  # every visible line, as a full paint draws it

        async def settle() -> None:
            # Each key is pressed once the screen is idle, as a reader presses it: what the one
            # before left to do (a deferred refresh, the footer's bindings) is not counted to it.
            for _ in range(SETTLE_PAUSES):
                await pilot.pause(0.02)

        async def press(key: str) -> None:
            try:
                await pilot.press(key)
            except WaitForScreenTimeout:
                pass  # still drawing: `drawn` waits for it

        start, cpu = time.perf_counter(), time.process_time()
        screen = ReplayScreen(transcript, autoplay=False)
        await app.push_screen(screen)
        await drawn(screen, 0)
        emit(measure="first paint", seconds=time.perf_counter() - start, cpu=time.process_time() - cpu)
        for name, key, target in (("End", "end", total - 1), ("step back", "left", total - 2), ("Home", "home", 0)):
            await settle()
            start, cpu = time.perf_counter(), time.process_time()
            await press(key)
            await drawn(screen, target)
            emit(measure=name, seconds=time.perf_counter() - start, cpu=time.process_time() - cpu)
    emit(measure="peak", mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def bare_app() -> Any:
    """The floor under every number: a bare Textual app of the same size, where each of the keys
    measured replaces the text of a widget that fills the screen (a full repaint)."""
    from textual.app import App
    from textual.widgets import Static

    lines = [f"{n:>5}  " + "the quick brown fox jumps over the lazy dog " * 3 for n in range(SIZE[1])]

    class Bare(App[None]):
        BINDINGS = [("end", "flip", ""), ("left", "flip", ""), ("home", "flip", ""), ("space", "flip", "")]
        flips = 0

        def compose(self) -> Iterator[Static]:
            yield Static("\n".join(lines), id="page")

        def action_flip(self) -> None:
            self.flips += 1
            self.query_one("#page", Static).update("\n".join(f"{self.flips} {line}" for line in lines))

    return Bare()


async def measure_bare(out: Path) -> None:
    """The bare app through the same harness as the replay."""
    app = bare_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for name, key in (("End", "end"), ("step back", "left"), ("Home", "home")):
            for _ in range(SETTLE_PAUSES):  # idle first, as the replay's keys are measured
                await pilot.pause(0.02)
            start, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await pilot._wait_for_screen(timeout=3600)
            app.screen._on_timer_update()
            app.screen._compositor.render_strips()
            with open(out, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"measure": name, "seconds": time.perf_counter() - start,
                                         "cpu": time.process_time() - cpu}) + "\n")


# -- measuring in a real terminal ------------------------------------------------------------------
# What a reader feels: the installed command in a pseudo-terminal of 160x50, each key written as a
# terminal sends it, timed from the write to the last byte of the burst of output it causes.
KEYS = {"End": b"\x1b[F", "step back": b"\x1b[D", "Home": b"\x1b[H"}
SPACE = b" "
QUIET = 0.1  # a key's burst of output has ended when the terminal has been quiet this long
SETTLE = 0.5  # a key is pressed once the terminal has been quiet this long
STARTED = 0.3  # the first paint has ended when the terminal has been quiet this long


def cpu_of(pid: int) -> float:
    """Seconds of CPU used so far by every thread of process `pid` (nanoseconds in schedstat,
    where /proc/PID/stat counts in ticks of 10 ms)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that just ended
    return total / 1e9


class Terminal:
    """A program running in a pseudo-terminal of SIZE, and everything it has written."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        columns, rows = SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**env, "TERM": "xterm-256color", "COLORTERM": "truecolor", "COLUMNS": str(columns),
               "LINES": str(rows)}
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.fd = master
        self.output = bytearray()

    def read(self, quiet: float, first_within: float) -> float | None:
        """Read until nothing has come for `quiet` seconds (or nothing at all within
        `first_within`); the perf_counter time of the last byte read, None if none came."""
        last: float | None = None
        start = time.perf_counter()
        while True:
            deadline = last + quiet if last is not None else start + first_within
            wait = deadline - time.perf_counter()
            if wait <= 0:
                return last
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # the program has ended
                data = b""
            if not data:
                return last
            last = time.perf_counter()
            self.output += data

    def press(self, keys: bytes) -> tuple[float, float]:
        """Wall and CPU seconds of one key, pressed once the terminal has been quiet for SETTLE:
        from writing it until the last byte of what it caused."""
        self.read(SETTLE, SETTLE)
        cpu = cpu_of(self.process.pid)
        start = time.perf_counter()
        os.write(self.fd, keys)
        last = self.read(QUIET, 30.0)
        return (last - start if last is not None else float("nan")), cpu_of(self.process.pid) - cpu

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.fd)


def in_terminal(argv: list[str], env: dict[str, str], rounds: int, replay: bool) -> dict[str, Any]:
    """Each key of KEYS, `rounds` times in turn: "End" and the others are the first press, "End
    again" and so on the median of the presses after it. A replay starts playing: it is paused
    first (Space, until its status line says so)."""
    terminal = Terminal(argv, env)
    results: dict[str, Any] = {}
    try:
        if terminal.read(STARTED, 60.0) is None:
            return {"failed": bytes(terminal.output[-300:]).decode(errors="replace")}
        for _ in range(5):
            if not replay or terminal.output.rfind(b"paused") > terminal.output.rfind(b"playing"):
                break
            os.write(terminal.fd, SPACE)
            terminal.read(1.0, 1.0)
        presses: dict[str, list[tuple[float, float]]] = {name: [] for name in KEYS}
        for _ in range(rounds):
            for name, keys in KEYS.items():
                presses[name].append(terminal.press(keys))
        for name, values in presses.items():
            results[name] = values[0]
            if len(values) > 1:
                results[f"{name} again"] = tuple(statistics.median(v[i] for v in values[1:]) for i in range(2))
    finally:
        terminal.close()
    return results


def terminal_columns() -> list[str]:
    return [*KEYS, *(f"{name} again" for name in KEYS)]


def command() -> list[str]:
    installed = Path(sys.executable).parent / "decommission"
    return [str(installed)] if installed.exists() else [shutil.which("decommission") or "decommission"]


# -- the run ------------------------------------------------------------------------------------
def run_child(path: Path, timeout: float, env: dict[str, str], bare: bool = False) -> dict[str, Any]:
    """Measure one transcript in a fresh process; whatever it wrote before a timeout counts."""
    out = path.with_suffix(".results")
    what = ["--bare"] if bare else ["--child", str(path)]
    child = subprocess.Popen([sys.executable, __file__, *what, "--out", str(out)], env=env)
    results: dict[str, Any] = {}
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        results["timeout"] = timeout
    for line in out.read_text().splitlines() if out.exists() else []:
        data = json.loads(line)
        results[data["measure"]] = data.get("mb") or (data["seconds"], data["cpu"])
    return results


def cell(results: dict[str, Any], column: str) -> str:
    value = results.get(column)
    if value is None:
        return "-"
    if column == "peak":
        return f"{value:.0f} MB"
    wall, cpu = value
    return f"{wall * 1000:.0f}/{cpu * 1000:.0f}"


def ratio(high: dict[str, Any], low: dict[str, Any], column: str) -> str:
    if column not in high or column not in low:
        return "-"
    if column == "peak":
        return f"{high[column] / low[column]:.2f}"
    return "/".join(f"{h / lo:.2f}" if lo else "-" for h, lo in zip(high[column], low[column], strict=True))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--roles", default="engineer,operator")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="presses of each key in the terminal")
    parser.add_argument("--no-terminal", action="store_true", help="only the headless measures")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_app:
        bare_app().run()
        return 0
    if args.child:
        asyncio.run(measure(args.child, args.out))
        return 0
    if args.bare:
        asyncio.run(measure_bare(args.out))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    roles = args.roles.split(",")
    # tmpfs when there is one: the writer fsyncs every event, which is not what is measured here.
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        folder = Path(tmp)
        env = {**os.environ, "DECOMMISSION_HOME": str(folder / "home")}
        env.pop("ANTHROPIC_API_KEY", None)
        table: dict[tuple[str, int], dict[str, Any]] = {}
        terminal: dict[tuple[str, int], dict[str, Any]] = {}
        for role in roles:
            for size in sizes:
                path = write_transcript(role, size, folder)
                print(f"{role} {size:>7,} events ({path.stat().st_size / 1e6:.1f} MB) ...", file=sys.stderr, flush=True)
                table[role, size] = run_child(path, args.timeout, env)
                if not args.no_terminal:
                    terminal[role, size] = in_terminal([*command(), "replay", str(path)], env, args.rounds, True)
        bare = run_child(folder / "bare.jsonl", args.timeout, env, bare=True)
        if not args.no_terminal:
            bare_terminal = in_terminal([sys.executable, __file__, "--bare-app"], env, args.rounds, False)
        columns = [*MEASURES, "peak"]
        print("through Textual's Pilot, headless: milliseconds, wall clock/CPU time of the process; peak resident"
              " memory")
        print(f"{'role':9} {'events':>8}  " + "  ".join(f"{c:>13}" for c in columns))
        for (role, size), results in table.items():
            note = f"  (stopped after {results['timeout']:.0f} s)" if "timeout" in results else ""
            print(f"{role:9} {size:>8,}  " + "  ".join(f"{cell(results, c):>13}" for c in columns) + note)
        print(f"{'bare':9} {'Textual':>8}  " + "  ".join(f"{cell(bare, c):>13}" for c in columns)
              + "  (one key repaints a full screen: the floor)")
        base = sizes[0]
        print("ratios to the smallest transcript, wall/CPU")
        for role in roles:
            for size in sizes[1:]:
                low, high = table[role, base], table[role, size]
                label = f"{size // base}x/1x"
                print(f"{role:9} {label:>8}  " + "  ".join(f"{ratio(high, low, c):>13}" for c in columns))
        print("ratios to the bare Textual app, wall/CPU")
        for (role, size), results in table.items():
            print(f"{role:9} {size:>8,}  " + "  ".join(f"{ratio(results, bare, c):>13}" if c in bare else f"{'':>13}"
                                                    for c in columns))
        if not args.no_terminal:
            print_terminal(terminal, bare_terminal, args.rounds)
    return 0


def print_terminal(table: dict[tuple[str, int], dict[str, Any]], bare: dict[str, Any], rounds: int) -> None:
    columns = terminal_columns() if rounds > 1 else list(KEYS)
    print(f"in a terminal ({SIZE[0]}x{SIZE[1]}, the installed command): milliseconds from writing the key to the"
          f" last byte of its output, wall clock/CPU time of the app; first press, then the median of {rounds - 1}"
          " more")
    print(f"{'role':9} {'events':>8}  " + "  ".join(f"{c:>15}" for c in columns))
    rows = [*((f"{role:9} {size:>8,}", results) for (role, size), results in table.items()),
            (f"{'bare':9} {'Textual':>8}", bare)]
    for label, results in rows:
        note = f"  (failed: {results['failed']!r})" if "failed" in results else ""
        print(f"{label}  " + "  ".join(f"{cell(results, c):>15}" for c in columns) + note)
    print("ratios to the bare Textual app in the terminal, wall/CPU")
    for label, results in rows[:-1]:
        print(f"{label}  " + "  ".join(f"{ratio(results, bare, c):>15}" for c in columns))


if __name__ == "__main__":
    sys.exit(main())
