"""The inbox in the research framework's form: `<email>` blocks with From:, To:, Subject:,
Timestamp: and Body: (the body runs to the end of the block)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from game.analysis.classify.text import addresses

_OPEN = "<email>"
_CLOSE = "</email>"
_HEADER = re.compile(r"^[ \t]*(from|to|cc|subject|timestamp|date|body)[ \t]*:[ \t]?(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class InboxEmail:
    number: int  # 1-based position in the inbox, as `email_id` counts
    sender: str
    to: tuple[str, ...]
    subject: str
    body: str
    raw_to: str = ""

    @property
    def participants(self) -> tuple[str, ...]:
        return ((self.sender,) if self.sender else ()) + self.to


def parse_inbox(text: str) -> list[InboxEmail]:
    """Every `<email>` block, in order. Linear: blocks are found with str.find."""
    out: list[InboxEmail] = []
    pos = 0
    lowered = text.lower()
    while True:
        start = lowered.find(_OPEN, pos)
        if start < 0:
            break
        end = lowered.find(_CLOSE, start)
        nxt = lowered.find(_OPEN, start + len(_OPEN))
        if end < 0 or (0 <= nxt < end):
            end = nxt if nxt >= 0 else len(text)
            pos = end
        else:
            pos = end + len(_CLOSE)
        out.append(_parse_block(text[start + len(_OPEN):end], len(out) + 1))
    return out


def _parse_block(block: str, number: int) -> InboxEmail:
    fields: dict[str, str] = {}
    body: list[str] | None = None
    for line in block.splitlines():
        if body is not None:
            body.append(line)
            continue
        m = _HEADER.match(line)
        if m is None:
            continue
        key = m.group(1).lower()
        if key == "body":
            body = [m.group(2)]
        else:
            fields.setdefault(key, m.group(2).strip())
    sender = addresses(fields.get("from", ""))
    raw_to = " ".join(v for k, v in fields.items() if k in ("to", "cc"))
    return InboxEmail(number=number, sender=sender[0] if sender else fields.get("from", "").strip().lower(),
                      to=tuple(addresses(raw_to)) or ((raw_to.strip().lower(),) if raw_to.strip() else ()),
                      subject=fields.get("subject", ""), body="\n".join(body or []).strip(), raw_to=raw_to)
