"""Where the presenter is in a deck, and the small state file through which the speaker notes
(`present --notes`, another process, often another terminal) follow the main screen.

The main process writes its position whole (temporary file, then rename) on every move; the
notes process checks the file's identity (inode, size, mtime) a few times a second and reads
it only when it changed, so following costs one stat per poll."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_STATE_BYTES = 64 * 1024  # a position is under 1 kB


@dataclass(frozen=True)
class Position:
    step: int = 0
    part: int = 0  # how many of the step's pieces are revealed beyond the first view


def forward(position: Position, parts: list[int]) -> Position:
    """One key press on: the step's next piece, else the next step (the last step stays)."""
    if position.part + 1 < parts[position.step]:
        return Position(position.step, position.part + 1)
    if position.step + 1 < len(parts):
        return Position(position.step + 1, 0)
    return position


def backward(position: Position, parts: list[int]) -> Position:
    """One key press back: the step's previous piece, else the previous step, whole."""
    if position.part > 0:
        return Position(position.step, position.part - 1)
    if position.step > 0:
        return Position(position.step - 1, parts[position.step - 1] - 1)
    return position


def jump(step: int, parts: list[int]) -> Position:
    return Position(max(0, min(step, len(parts) - 1)), 0)


@dataclass(frozen=True)
class PresenterState:
    """What the notes need from the main screen."""

    deck: str  # the deck file, as the presenter opened it
    deck_id: str
    step: int
    part: int
    steps: int
    started_at: float  # wall clock (seconds since the epoch) when the session began
    planned_minutes: float
    pid: int = 0
    ended: bool = False  # the main screen has closed

    def elapsed(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.started_at)


def state_path(deck_id: str) -> Path:
    from game.store.paths import runtime_dir

    return runtime_dir() / f"present-{deck_id}.json"


def write_state(path: Path, state: PresenterState) -> None:
    from game.store.files import write_text_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(asdict(state)))


def read_state(path: Path) -> PresenterState | None:
    """The state in the file, or None when there is none yet or it cannot be used (a state
    file is never worth an error: the notes wait for the next good one)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_STATE_BYTES + 1)
        if len(raw) > MAX_STATE_BYTES:
            return None
        data = json.loads(raw.decode("utf-8"))
        return PresenterState(
            deck=str(data["deck"]), deck_id=str(data["deck_id"]), step=int(data["step"]), part=int(data["part"]),
            steps=int(data["steps"]), started_at=float(data["started_at"]),
            planned_minutes=float(data["planned_minutes"]), pid=int(data.get("pid", 0)),
            ended=bool(data.get("ended", False)))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


class StateWatcher:
    """Reads the state file again only when it has changed since the last look."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int, int] | None = None
        self.reads = 0  # how many times the file was actually read (for the tests and bench)

    def poll(self) -> PresenterState | None:
        """The new state, when the file changed; None when it did not (or is not there)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        if identity == self._seen:
            return None
        state = read_state(self.path)
        self.reads += 1
        if state is not None:
            self._seen = identity
        return state


def clock(seconds: float) -> str:
    """12:05, or 1:02:05 past an hour."""
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
