"""Text as the author meant it to be read, at any width: hard wrapping undone inside
paragraphs, while paragraph breaks, lists, greetings and signatures keep their own lines."""

from __future__ import annotations

import re

# A line that starts a list item ("- x", "* x", "• x", "> x", "1. x", "2) x", "a) x").
_LIST_ITEM = re.compile(r"^\s*(?:[-*•>]|\d{1,3}[.)]|[a-zA-Z][.)])\s")
# A salutation or a sign-off on a line of its own: "Best,", "Thanks again,", "Dear Marcus,".
_SIGN_OFF = re.compile(r"^\s*(?:\S+\s+){0,2}\S+,\s*$")


def reflow(text: str, min_wrapped: int = 55) -> str:
    """Undo hard wrapping inside paragraphs so text fits whatever width the pane has. A line
    is joined to the one before only if that one is long (it was wrapped) and does not end a
    lead-in (":"), and the line itself starts no list item and is no sign-off: paragraph
    breaks, lists, greetings and signatures keep their own lines."""
    out: list[str] = []
    for line in text.split("\n"):
        joins = (out and len(out[-1]) >= min_wrapped and line.strip() and not out[-1].rstrip().endswith(":")
                 and not _LIST_ITEM.match(line) and not _SIGN_OFF.match(line))
        if joins:
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)
