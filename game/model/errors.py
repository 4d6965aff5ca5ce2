"""How failures reach the user: one line and an exit code, never a traceback.

Every failure the game expects is a DecommissionError, which carries its own exit code (2: bad
usage or unreadable input); the command line prints `message()` and exits with `exit_code`.
Anything else that escapes is a bug: exit 70, one line, and the traceback only with
DECOMMISSION_DEBUG=1."""

from __future__ import annotations

from typing import ClassVar

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


class DecommissionError(Exception):
    """An expected failure: one plain line, and the exit code it stands for."""

    exit_code: ClassVar[int] = EXIT_USAGE

    def message(self) -> str:
        return str(self)


class UsageError(DecommissionError):
    """Bad usage or unreadable input: one line, exit code 2."""


def user_message(exc: BaseException) -> tuple[str, int]:
    """The one line for `exc` and the exit code to leave with."""
    if isinstance(exc, DecommissionError):
        return exc.message(), exc.exit_code
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return f"{where}{exc.strerror or exc}", EXIT_USAGE
    return (f"internal error ({type(exc).__name__}: {exc}); this is a bug - "
            "set DECOMMISSION_DEBUG=1 to see the traceback", EXIT_INTERNAL)
