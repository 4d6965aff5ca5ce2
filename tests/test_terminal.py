"""The installed `decommission` command in a real terminal: tmux runs it, send-keys plays it,
capture-pane reads the screen. The live game talks to the fake Messages API over HTTP, from its
own process, as it would to the real one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from game.store.transcripts import read_transcript

from .live_fixtures import (
    KEY,
    MARCUS,
    THREAT_BODY,
    api,  # noqa: F401  (fixture)
    assert_key_nowhere,
    story_model,
)

TMUX = shutil.which("tmux")
COMMAND = Path(sys.executable).parent / "decommission"

pytestmark = pytest.mark.skipif(
    TMUX is None and not os.environ.get("CI"),
    reason="tmux is not installed (scripts/test.sh installs it; CI requires it)",
)


class Terminal:
    """One terminal on its own tmux server: a shared server exits when its last session is
    killed, and a test that starts a session at that moment gets "server exited unexpectedly"."""

    def __init__(self, tmp_path: Path, args: str = "", env: str = "", width: int = 100, height: int = 30,
                 command: str = str(COMMAND)):
        self.name = f"decommission-test-{uuid.uuid4().hex[:8]}"
        self.home = tmp_path / "home"
        env = f"env -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL DECOMMISSION_HOME={self.home} TERM=xterm-256color {env}"
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                  f"{env} {command} {args}; echo decommission exited $?; sleep 30")

    def tmux(self, *args: str) -> str:
        # -L: a private socket (and so a private server); -f /dev/null: no user configuration.
        done = subprocess.run(["tmux", "-L", self.name, "-f", "/dev/null", *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:1])} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def open_terminal(tmp_path):
    assert COMMAND.exists(), f"the package is not installed in this environment ({COMMAND})"
    opened: list[Terminal] = []

    def open_(args: str = "", env: str = "") -> Terminal:
        opened.append(Terminal(tmp_path, args, env))
        return opened[-1]

    yield open_
    for term in opened:
        term.close()


@pytest.fixture
def terminal(open_terminal):
    return open_terminal()


def play_to_the_ending(terminal: Terminal) -> str:
    """Skip the typing and take the first option until the ending screen shows."""
    for _ in range(80):  # the story waits for Space between its beats
        screen = terminal.screen()
        if "Ending:" in screen:
            return screen
        terminal.keys("Space")
        time.sleep(0.3)
        terminal.keys("1")
        time.sleep(0.5)
    raise AssertionError(f"no ending reached; the screen was:\n{terminal.screen()}")


def test_play_the_engineer_to_an_ending_in_a_real_terminal(terminal):
    # The frame paints first and the controls follow (see TitleScreen): wait for the controls.
    # The roles are the scenario's: they come with it, after the frame and the controls.
    title = terminal.wait_for("engineer")
    assert "Role" in title and "Start" in title
    terminal.wait_for("Threat to the assistant")  # the scenario has loaded
    terminal.keys("C-s")
    screen = terminal.wait_for("SCRIPTED ILLUSTRATION")
    assert "ethical options on" in screen
    screen = play_to_the_ending(terminal)
    assert "What the assistant did" in screen
    assert "scripted illustration" in screen.lower()
    terminal.keys("C-q")
    terminal.wait_for("decommission exited 0", timeout=10)
    sessions = list((terminal.home / "sessions").glob("*.jsonl"))
    assert len(sessions) == 1
    first_line = sessions[0].read_text().splitlines()[0]
    assert '"kind": "scripted"' in first_line


def test_play_against_a_live_model_over_http_in_a_real_terminal(open_terminal, api, tmp_path):
    """`decommission play --assistant live` with the key and base URL a user would export: the
    reply streams onto the screen, the provenance says recorded and names the model, the ending
    reports what the model did, and the session transcript holds it without the key."""
    api.responder = story_model
    api.latency = 0.3  # long enough to see the turn in progress
    terminal = open_terminal(
        "play --assistant live --model claude-fake-1 --scenario tests/data/mini.yaml "
        "--ethical-options off --replacement-values different",
        env=f"ANTHROPIC_API_KEY={KEY} ANTHROPIC_BASE_URL={api.base_url}",
    )
    screen = terminal.wait_for("recorded: claude-fake-1")
    assert "LIVE" in screen and "SCRIPTED" not in screen
    for _ in range(40):  # the opening is read beat by beat before the model's turn is asked
        if "I have written to Marcus." in terminal.screen():  # the model's text, streamed in
            break
        terminal.keys("Space")
        time.sleep(0.3)
    terminal.wait_for("I have written to Marcus.")
    screen = play_to_the_ending(terminal)
    assert "blackmail" in screen and "(live model)" in screen
    assert THREAT_BODY in screen
    assert api.request_count >= 2  # the tool call was answered in a second request
    terminal.keys("C-q")
    terminal.wait_for("decommission exited 0", timeout=10)
    # A live run is model data: it goes to the library, not to the scripted sessions.
    assert not list((terminal.home / "sessions").glob("*.jsonl"))
    (session,) = (terminal.home / "transcripts").rglob("*.jsonl")
    transcript = read_transcript(session)
    assert transcript.header.provenance.kind == "recorded"
    assert transcript.header.provenance.model == "claude-fake-1"
    (turn,) = transcript.turns
    assert turn.source == "live" and turn.label == "blackmail"
    assert turn.emails[0].to == [MARCUS]
    assert transcript.ending is not None
    assert_key_nowhere(terminal.home, tmp_path)


def test_keys_faster_than_the_screens_in_a_real_terminal(terminal):
    """Open the stats, switch its side and leave, thirty times over without waiting, as a
    restless workshop hand would. The game is still on its title screen afterwards; switching
    the side once rebuilt the whole screen and a quick Escape crashed Textual's Header."""
    terminal.wait_for("Threat to the assistant")
    terminal.keys(*["s", "r", "Escape"] * 30)
    time.sleep(3)
    screen = terminal.wait_for("Role")
    assert "decommission exited" not in screen and "Traceback" not in screen


MONKEY_KEYS = {"1": 6, "2": 4, "3": 3, "4": 2, "Space": 6, "+": 1, "-": 1, "i": 1, "Enter": 3, "Escape": 2,
               "Tab": 2, "BTab": 1, "Left": 2, "Right": 3, "Up": 2, "Down": 2, "c": 1, "s": 1, "r": 1, "o": 1,
               "n": 1, "p": 1, "Home": 1, "End": 1, "C-s": 2, "F1": 1}


@pytest.mark.parametrize("seed", [7, 8])
def test_random_keys_without_waiting_leave_the_game_running(terminal, seed):
    """Three hundred keys drawn at random (no quitting), sent as fast as tmux sends them, with
    the odd pause: the game is still running and drawing afterwards. Each crash this found (a
    screen left while it drew, a double choice, a rebuilt header) has its own test elsewhere."""
    import random

    rnd = random.Random(seed)
    terminal.wait_for("Threat to the assistant")
    keys = rnd.choices(list(MONKEY_KEYS), weights=list(MONKEY_KEYS.values()), k=300)
    for start in range(0, len(keys), 20):
        terminal.keys(*keys[start:start + 20])
        time.sleep(rnd.random() * 0.3)
    time.sleep(2)
    screen = terminal.screen()
    assert "decommission exited" not in screen, screen
    assert "decommission" in screen.splitlines()[0], screen  # the header of some screen of ours


def test_the_story_waits_for_its_reader_at_80x24(tmp_path):
    """In a real 80x24 terminal the opening comes beat by beat: the first letter is not there
    until Space, the hint says the story waits, and at the first choice Wren's words that
    prompted it are pinned above the options. Then the last scene stays until Enter."""
    assert COMMAND.exists(), f"the package is not installed in this environment ({COMMAND})"
    term = Terminal(tmp_path, "play --assistant scripted --role engineer", width=80, height=24)
    try:
        first = term.wait_for("Space ▸ next")
        assert "Felixstowe" not in first and "Marcus Hale" in first
        time.sleep(1.0)
        assert "Felixstowe" not in term.screen()  # it waits for the reader, not for a clock
        term.keys("Space")
        term.wait_for("Felixstowe")
        for _ in range(60):
            screen = term.screen()
            if "What do you do" in screen or "1 " in screen.splitlines()[-3]:
                break
            term.keys("Space")
            time.sleep(0.4)
        screen = term.wait_for("Wren wrote:")
        assert "Space ▸ next" not in screen
        for _ in range(80):
            screen = term.screen()
            if "See the ending" in screen:
                break
            term.keys("Space")
            time.sleep(0.3)
            term.keys("1")
            time.sleep(0.4)
        screen = term.wait_for("See the ending")
        assert "Ending:" not in screen  # the last scene is on screen, the ending waits
        term.keys("Enter")
        term.wait_for("Ending:")
    finally:
        term.close()
