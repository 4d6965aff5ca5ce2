"""Model and transcript text is data: before it reaches a terminal, escape sequences and other
control characters are removed so it can never retitle, recolour or rewrite the screen."""

from __future__ import annotations

import re

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


def clean(text: str) -> str:
    """`text` with terminal escape sequences and control characters removed (\\r\\n -> \\n)."""
    text = text.replace("\r\n", "\n")
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)
