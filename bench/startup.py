"""Time to first paint of `decommission` (the title screen) against a bare Textual app, measured
side by side in one run, in a real pseudo-terminal.

Each program is started fresh; the clock stops when a marker text appears on the terminal. For
decommission three moments are timed: the first frame, the setup controls, and the scenario's
factors (loaded in a thread). Runs alternate so that all see the same machine load. Prints the
medians of wall-clock and CPU time and each moment's ratio to the bare app.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time

BARE_APP = """
from textual.app import App
from textual.widgets import Header, Footer, Static
class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare-textual-ready")
        yield Footer()
Bare().run()
"""


def first_paint(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 20.0) -> tuple[float, float]:
    """Seconds from start until `marker` is painted: (wall clock, CPU time the program used).

    CPU time is the steadier of the two on a shared virtual machine, where wall time also counts
    the moments another guest held the core."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if marker in seen:
                wall = time.perf_counter() - start
                os.kill(pid, signal.SIGSTOP)  # freeze the CPU clock at the paint
                _, _, usage = os.wait4(pid, os.WUNTRACED)
                return wall, usage.ru_utime + usage.ru_stime
        raise RuntimeError(f"{argv!r} did not paint {marker!r} within {timeout}s")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "TERM": "xterm-256color", "DECOMMISSION_HOME": "/tmp/decommission-bench"}
    env.pop("ANTHROPIC_API_KEY", None)
    # Let the warm-up write bytecode, as a user's first start does; otherwise every run here would
    # compile our modules from source while Textual's come precompiled from its wheel.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    ours = [sys.executable, "-m", "game.cli"]
    bare = [sys.executable, "-c", BARE_APP]
    # Three moments of our start, each timed from a fresh start: the first frame (header, intro,
    # footer), the setup controls mounted after that frame, and the scenario's factors loaded
    # from YAML in a worker thread.
    moments = {
        "bare Textual app": (bare, b"bare-textual-ready"),
        "first paint": (ours, b"a replay of the replacement scenario"),
        "controls shown": (ours, b"Open transcript"),
        "scenario loaded": (ours, b"Ethical options"),
    }
    for argv, marker in moments.values():  # warm-up: the first start writes .pyc files
        first_paint(argv, marker, env)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in moments}
    for _ in range(args.runs):
        for name, (argv, marker) in moments.items():
            runs[name].append(first_paint(argv, marker, env))
    medians = {}
    for name, samples in runs.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        medians[name] = (wall, cpu)
        print(f"{name:17}  wall median {wall * 1000:6.1f} ms  cpu median {cpu * 1000:6.1f} ms"
              f"  (wall runs: {', '.join(f'{w * 1000:.0f}' for w, _ in samples)})")
    bare_wall, bare_cpu = medians["bare Textual app"]
    for name in list(moments)[1:]:
        wall, cpu = medians[name]
        print(f"ratio {name} / bare: wall {wall / bare_wall:.2f}, cpu {cpu / bare_cpu:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
