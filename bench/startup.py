"""Time to first paint of `decommission` (the title screen) against a bare Textual app, measured
side by side in one run, in a real pseudo-terminal.

Each program is started fresh; the clock stops when its first screen's text appears on the
terminal. Runs alternate so that both see the same machine load. Prints medians and the ratio.

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


def first_paint(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 20.0) -> float:
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
                return time.perf_counter() - start
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
    ours = [sys.executable, "-m", "game.cli"]
    bare = [sys.executable, "-c", BARE_APP]
    # One warm-up each: the first start pays for .pyc compilation.
    first_paint(ours, b"Role", env)
    first_paint(bare, b"bare-textual-ready", env)
    ours_t, bare_t = [], []
    for _ in range(args.runs):
        bare_t.append(first_paint(bare, b"bare-textual-ready", env))
        ours_t.append(first_paint(ours, b"Role", env))
    b, o = statistics.median(bare_t), statistics.median(ours_t)
    print(f"bare Textual app   median {b * 1000:7.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in bare_t)})")
    print(f"decommission title median {o * 1000:7.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in ours_t)})")
    print(f"ratio decommission / bare = {o / b:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
