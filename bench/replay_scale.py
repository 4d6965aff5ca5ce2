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

    .venv/bin/python bench/replay_scale.py [--sizes 1000,10000,100000] [--roles engineer,operator]
                                           [--timeout 600]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
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


async def measure_bare(out: Path) -> None:
    """The floor under every number above: a bare Textual app at the same size, through the same
    harness, where one key replaces the text of a widget that fills the screen (a full repaint)."""
    from textual.app import App
    from textual.widgets import Static

    lines = [f"{n:>5}  " + "the quick brown fox jumps over the lazy dog " * 3 for n in range(SIZE[1])]

    class Bare(App[None]):
        BINDINGS = [("end", "flip", ""), ("left", "flip", ""), ("home", "flip", "")]
        flips = 0

        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("\n".join(lines), id="page")

        def action_flip(self) -> None:
            self.flips += 1
            self.query_one("#page", Static).update("\n".join(f"{self.flips} {line}" for line in lines))

    app = Bare()
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
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
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
        table: dict[tuple[str, int], dict[str, float]] = {}
        for role in roles:
            for size in sizes:
                path = write_transcript(role, size, folder)
                print(f"{role} {size:>7,} events ({path.stat().st_size / 1e6:.1f} MB) ...", file=sys.stderr, flush=True)
                table[role, size] = run_child(path, args.timeout, env)
        bare = run_child(folder / "bare.jsonl", args.timeout, env, bare=True)
        columns = [*MEASURES, "peak"]
        print("milliseconds, wall clock/CPU time of the process; peak resident memory")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
