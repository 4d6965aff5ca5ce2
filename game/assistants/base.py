"""What every assistant is: an async source of turns for a session."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from game.engine import AwaitTurn, Session
from game.transcript import Provenance
from game.turn import Classification, Turn, TurnSource


class AssistantUnavailable(Exception):
    """The assistant cannot produce this turn; the message says why, in one plain sentence."""


@dataclass(frozen=True)
class Reply:
    turn: Turn
    source: TurnSource
    meta: dict[str, Any] = field(default_factory=dict)
    # Set when the verdict travels with the turn (a recorded turn keeps its recorded verdict).
    classification: Classification | None = None


class Assistant(Protocol):
    name: str

    def provenance(self) -> Provenance: ...

    async def respond(self, session: Session, request: AwaitTurn) -> Reply: ...


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
