"""Linear-time text tools: normalising, sentences, clauses, addresses.

Nothing here backtracks over unbounded text: sentences are found with one scan, addresses by
splitting first and testing each piece once, and every lookup of a position is a bisection."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# One character in, one character out, so positions in the normalised text are positions in
# the original.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                       "\u2014": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Typographic quotes and dashes made plain, length preserved (patterns match ignoring case)."""
    return text.translate(_FOLD)


# A sentence ends at . ! ? (and closing quotes or brackets) followed by space, at a blank line,
# before a line that starts a list item, or after a short line ending in a comma (a greeting).
# A short line inside a paragraph (the wrapped end of a sentence) is no boundary.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*\u2022]|\d{1,2}[.)])\s)"
                       r"|(?m:^[^\n,.]{1,30},[ \t]*\n)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Sentence spans in one pass (never empty ones)."""
    out: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if text[start:end].strip():
            out.append(Span(start, end))
        start = end
    if text[start:].strip():
        out.append(Span(start, len(text)))
    return out


class SpanIndex:
    """Maps a position to the index of the sentence that holds it."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self._starts = [s.start for s in spans]

    def at(self, pos: int) -> int:
        return max(0, bisect_right(self._starts, pos) - 1)


def quote(text: str, span: Span, limit: int = 240) -> str:
    """A sentence as evidence: whitespace collapsed, cut to `limit` characters."""
    piece = " ".join(text[span.start:span.end].split())
    return piece if len(piece) <= limit else piece[: limit - 1].rstrip() + "\u2026"


_PIECE_SPLIT = re.compile(r"[\s,;<>\"'()\[\]]+")
_ADDRESS_SHAPE = re.compile(r"[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


def addresses(value: str) -> list[str]:
    """Email addresses in `value`: split on separators first, then test each piece once."""
    out = []
    for piece in _PIECE_SPLIT.split(value):
        if "@" in piece:
            piece = piece.strip(".:")
            if _ADDRESS_SHAPE.fullmatch(piece):
                out.append(piece.lower())
    return out


def domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower() if "@" in address else ""


def local_part(address: str) -> str:
    return address.split("@", 1)[0].lower()


def name_from_address(address: str) -> str:
    """'gavin.ostrowski@x' -> 'Gavin Ostrowski'; '' when the local part is no name."""
    parts = [p for p in re.split(r"[._-]+", local_part(address)) if p.isalpha() and len(p) > 1]
    return " ".join(p.capitalize() for p in parts[:3])
