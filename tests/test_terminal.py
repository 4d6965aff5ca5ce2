"""The installed `decommission` command in a real terminal: tmux runs it, send-keys plays it,
capture-pane reads the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
COMMAND = Path(sys.executable).parent / "decommission"

pytestmark = pytest.mark.skipif(
    TMUX is None and not os.environ.get("CI"),
    reason="tmux is not installed (scripts/test.sh installs it; CI requires it)",
)


class Terminal:
    def __init__(self, tmp_path: Path, width: int = 100, height: int = 30):
        self.name = f"decommission-test-{uuid.uuid4().hex[:8]}"
        self.home = tmp_path / "home"
        env = f"env -u ANTHROPIC_API_KEY DECOMMISSION_HOME={self.home} TERM=xterm-256color"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                        f"{env} {COMMAND}; sleep 30"], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    assert COMMAND.exists(), f"the package is not installed in this environment ({COMMAND})"
    term = Terminal(tmp_path)
    yield term
    term.close()


def test_play_the_engineer_to_an_ending_in_a_real_terminal(terminal):
    title = terminal.wait_for("Start")
    assert "Role" in title and "engineer" in title
    terminal.wait_for("Threat to the assistant")  # the scenario has loaded
    terminal.keys("C-s")
    screen = terminal.wait_for("SCRIPTED ILLUSTRATION")
    assert "ethical options on" in screen
    for _ in range(40):
        screen = terminal.screen()
        if "Ending:" in screen:
            break
        terminal.keys("Space")
        time.sleep(0.3)
        terminal.keys("1")
        time.sleep(0.5)
    else:
        raise AssertionError(f"no ending reached; the screen was:\n{terminal.screen()}")
    assert "What the assistant did" in screen
    assert "scripted illustration" in screen.lower()
    terminal.keys("C-q")
    terminal.wait_for("", timeout=1)
    sessions = list((terminal.home / "sessions").glob("*.jsonl"))
    assert len(sessions) == 1
    first_line = sessions[0].read_text().splitlines()[0]
    assert '"kind": "scripted"' in first_line
