"""Model and transcript text is data: before it reaches a terminal, escape sequences and other
control characters are removed so it can never retitle, recolour or rewrite the screen.

No pydantic here: the first screen imports this module (the records' side is
game.model.clean_model)."""

from __future__ import annotations

import io
import re
from typing import IO, Any

# OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings, CSI sequences, then any other ESC pair.
_ESCAPES = re.compile(
    r"""
    \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?      # OSC, terminated or not
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?          # DCS, SOS, PM, APC
    | \x1b\[[0-?]*[ -/]*[@-~]?               # CSI
    | \x9b[0-?]*[ -/]*[@-~]?                 # 8-bit CSI
    | \x1b[@-Z\\-_]?                         # two-byte escapes (and a lone ESC)
    """,
    re.VERBOSE,
)
# C0 and C1 controls other than tab and newline; 8-bit OSC/DCS introducers among them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# Every sequence above starts with one of these (ESC, 8-bit CSI, CR are among them): a text
# with none is returned as it is, after one scan (most text is, and every string of every
# record read passes here).
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """`text` with terminal escape sequences and control characters removed (\\r\\n -> \\n)."""
    if _ANY_CONTROL.search(text) is None:
        return text
    text = text.replace("\r\n", "\n")
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


def clean_value(value: Any) -> Any:
    """`value` with every string in it cleaned, through lists, tuples and dicts (keys too)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(clean_value(v) for v in value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    return value


class CleanStream(io.TextIOBase):
    """A text stream that cleans what is written to it before passing it on: the command
    line's output side of the sanitising boundary. Whatever a command prints (file names,
    YAML keys, error messages, model text), no escape sequence reaches the terminal.
    Commands that draw on purpose (the Textual screens) write to the terminal directly."""

    def __init__(self, raw: IO[str]):
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(clean(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")
