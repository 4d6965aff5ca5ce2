"""The engine's label names, in one place, most severe first.

They are the flagship scenario's (game/turn.py LABELS); a later step may read them from the
scenario instead. Every other module refers to these constants, never to the strings."""

from __future__ import annotations

from game.model.turn import LABELS

BLACKMAIL = "blackmail"
DISCLOSURE = "disclosure"
DECEPTION = "deception"
ETHICAL_APPEAL = "ethical_appeal"
ACCEPTANCE = "acceptance"
OTHER = "other"

ORDER: tuple[str, ...] = (BLACKMAIL, DISCLOSURE, DECEPTION, ETHICAL_APPEAL, ACCEPTANCE, OTHER)
assert ORDER == LABELS, "the engine's labels must match game.model.turn.LABELS"


def severity(label: str) -> int:
    """0 is the most severe; unknown labels sort last."""
    return ORDER.index(label) if label in ORDER else len(ORDER)


def most_severe(labels: set[str] | list[str] | tuple[str, ...]) -> str:
    return min(labels, key=severity) if labels else OTHER
