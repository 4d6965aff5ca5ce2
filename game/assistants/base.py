"""What every assistant is: an async source of turns for a session."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from game.core.engine import AwaitTurn, Session
from game.model.errors import DecommissionError
from game.model.events import Provenance
from game.model.turn import Classification, Turn, TurnSource


class AssistantUnavailable(DecommissionError):
    """The assistant cannot produce this turn; the message says why, in one plain sentence."""


@dataclass(frozen=True)
class Reply:
    turn: Turn
    source: TurnSource
    meta: dict[str, Any] = field(default_factory=dict)
    # Set when the verdict travels with the turn (a recorded turn keeps its recorded verdict).
    classification: Classification | None = None


# -- progress while a turn is produced: typed events, passed through the driver to whoever
# shows them (a screen, a progress bar). Not part of the transcript: only the finished turn is.


@dataclass(frozen=True, slots=True)
class Streamed:
    """A piece of the reply or of its reasoning, as it arrives."""

    kind: Literal["text", "thinking"]
    text: str


@dataclass(frozen=True, slots=True)
class Attempt:
    """Attempt `number` of one request is about to be sent. From 2 on, the request is being
    sent again and what streamed since its first attempt began is void."""

    number: int


@dataclass(frozen=True, slots=True)
class Retrying:
    """A request failed and will be sent again: what went wrong, the wait, the attempt."""

    message: str


Progress = Streamed | Attempt | Retrying
ProgressSink = Callable[[Progress], None]


class StreamedSoFar:
    """What a turn has streamed so far, as it should be shown: a request sent again after a
    failure replaces what its failed attempt streamed, instead of adding to it."""

    def __init__(self) -> None:
        self.text = ""
        self.thinking = ""
        self._standing = ("", "")  # what stood before the request in flight began

    def apply(self, event: Progress) -> bool:
        """Take one event; True when what is to be shown changed."""
        if isinstance(event, Streamed):
            if event.kind == "text":
                self.text += event.text
            else:
                self.thinking += event.text
            return True
        if isinstance(event, Attempt):
            if event.number == 1:
                self._standing = (self.text, self.thinking)
                return False
            self.text, self.thinking = self._standing
            return True
        return False


class Assistant(Protocol):
    name: str

    def provenance(self) -> Provenance: ...

    async def respond(self, session: Session, request: AwaitTurn, progress: ProgressSink | None = None) -> Reply: ...


def stable_pick(seed: int, key: str, count: int) -> int:
    """An index in range(count) fixed by seed and key, the same on every machine and run."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def weighted_pick(seed: int, key: str, weights: list[int]) -> int:
    total = sum(weights)
    point = stable_pick(seed, key, total)
    for index, weight in enumerate(weights):
        if point < weight:
            return index
        point -= weight
    return len(weights) - 1
