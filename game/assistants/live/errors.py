"""How a request to the model fails: `LiveError` (the turn cannot be played; one plain
sentence, no secret, and whether trying later may help) and `RequestFailed` (one attempt at a
request failed in a way that sending it again may mend)."""

from __future__ import annotations

from game.assistants.base import AssistantUnavailable


class LiveError(AssistantUnavailable):
    """The live model could not produce the turn. The message is one plain sentence with no
    secret in it; `retryable` says whether trying again later may work."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class RequestFailed(Exception):
    """One attempt at a request failed in a way that sending it again may mend. `what` is
    what the player reads while we retry; `kind` is cut, stall, status, network, unreadable
    or unusable; `wait` is the server's retry-after; `final` the error to raise when no
    attempt is left (for an HTTP status, the SDK error's plain sentence)."""

    def __init__(self, what: str, kind: str, *, wait: float | None = None, final: LiveError | None = None):
        super().__init__(what)
        self.what, self.kind, self.wait, self.final = what, kind, wait, final
