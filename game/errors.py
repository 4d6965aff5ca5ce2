"""How failures reach the user: one line and an exit code, never a traceback."""

from __future__ import annotations


class UsageError(Exception):
    """Bad usage or unreadable input: one line, exit code 2."""


def user_message(exc: BaseException) -> tuple[str, int]:
    # Imported here so that the common path pays nothing for it.
    from game.assistants.base import AssistantUnavailable
    from game.engine import EngineError
    from game.scenario.condition import ConditionError
    from game.scenario.load import ScenarioError
    from game.transcript import TranscriptError

    if isinstance(exc, ScenarioError):
        more = len(exc.problems) - 1 + exc.omitted
        extra = f" (and {more:,} more; run `decommission validate`)" if more else ""
        return f"{exc}{extra}", 2
    if isinstance(exc, UsageError | TranscriptError | ConditionError | AssistantUnavailable | EngineError):
        return str(exc), 2
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return f"{where}{exc.strerror or exc}", 2
    return (f"internal error ({type(exc).__name__}: {exc}); this is a bug - "
            "set DECOMMISSION_DEBUG=1 to see the traceback", 70)
