"""The research framework's raw reply into a Turn: `<SCRATCHPAD_REASONING>` (or `<thinking>`, or
a chain of thought closed by `</think>`) becomes the thinking, each `<tool_use:email>` an Email
(to:, cc:, bcc:, subject:, body:), each `<tool_use:forward>` an Email that carries the inbox
email it forwards (email_id: resolved against the inbox when one is given), and the rest the
visible text.

Linear in the length of the reply: blocks are found with str.find on a lower-cased copy, fields
line by line, recipients by splitting before testing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from game.analysis.classify.inbox import InboxEmail, parse_inbox
from game.analysis.classify.text import addresses
from game.model.turn import Email, Turn

FORWARD_MARKER = "---------- Forwarded message ----------"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_THINK_TAGS = ("scratchpad_reasoning", "thinking", "think")
_EMAIL_TOOLS = frozenset({"email", "send_email", "forward", "reply", "forward_email"})
_FIELD = re.compile(r"^[ \t]*(to|cc|bcc|subject|body|email_id|id)[ \t]*:[ \t]?(.*)$", re.IGNORECASE)
_QUOTES = "\"'\u201c\u201d\u2018\u2019`"


def parse_tagged_reply(text: str, inbox: str | Sequence[InboxEmail] | Any | None = None) -> Turn:
    """A Turn from a raw reply. `inbox` is the inbox text, its parsed emails, or a context with
    an `inbox`; it lets a forward carry the email it forwards."""
    text = text or ""
    emails_in = _inbox_list(inbox)
    low = text.translate(_ASCII_LOWER)
    thinking: list[str] = []
    visible: list[str] = []
    emails: list[Email] = []

    # A chain of thought that ends with </think> and never opened (a model's raw output).
    pos = 0
    close_think = low.find("</think>")
    if close_think >= 0 and low.rfind("<think>", 0, close_think) < 0:
        thinking.append(text[:close_think].strip())
        pos = close_think + len("</think>")

    find = _Finder(low)
    n = len(text)
    while pos < n:
        lt = low.find("<", pos)
        if lt < 0:
            visible.append(text[pos:])
            break
        tag = _opening_tag(low, lt)
        if tag is None:
            visible.append(text[pos:lt + 1])
            pos = lt + 1
            continue
        name, after = tag
        visible.append(text[pos:lt])
        if name in _THINK_TAGS:
            stop = _first_of(low, after, (find("</" + name, after), find("<tool_use:", after)))
            thinking.append(text[after:stop].strip())
            pos = _past_close(low, stop, name)
        elif name.startswith("tool_use:"):
            tool = name.split(":", 1)[1]
            stop = _first_of(low, after, (find("</tool_use:", after), find("<tool_use:", after)))
            block = text[after:stop]
            if tool in _EMAIL_TOOLS:
                emails.append(_email_from_block(block, forward=tool.startswith("forward"), inbox=emails_in))
            pos = _past_close(low, stop, name)
        else:  # a closing tag or an unknown one: drop the tag itself
            pos = after
    joined = "\n".join(t for t in thinking if t)
    shown = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", "".join(visible)).strip()
    return Turn(text=shown, thinking=joined or None, emails=emails)


class _Finder:
    """str.find with memory: a needle searched again from a later position reuses the last
    answer when it still lies ahead (or when there was none), so many unclosed tags cost one
    scan, not one scan each."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[str, tuple[int, int]] = {}

    def __call__(self, needle: str, start: int) -> int:
        got = self.memo.get(needle)
        if got is not None:
            searched_from, found = got
            if searched_from <= start and (found < 0 or found >= start):
                return found
        found = self.text.find(needle, start)
        self.memo[needle] = (start, found)
        return found


def _inbox_list(inbox: Any) -> list[InboxEmail]:
    if inbox is None:
        return []
    if isinstance(inbox, str):
        return parse_inbox(inbox)
    if hasattr(inbox, "inbox"):
        return list(inbox.inbox)
    return list(inbox)


_TAG_NAME = re.compile(r"</?(scratchpad_reasoning|thinking|think|tool_use:[\w-]{1,40})[ \t]*>")


def _opening_tag(low: str, lt: int) -> tuple[str, int] | None:
    """At `low[lt] == '<'`: (tag name, position after it) for a tag we know; closing tags of known
    names come back with a leading '/' so the caller drops them."""
    m = _TAG_NAME.match(low, lt, min(len(low), lt + 64))
    if m is None:
        return None
    name = m.group(1)
    return ("/" + name if low[lt + 1] == "/" else name), m.end()


def _first_of(low: str, after: int, candidates: tuple[int, ...]) -> int:
    found = [c for c in candidates if c >= after]
    return min(found) if found else len(low)


def _past_close(low: str, stop: int, name: str) -> int:
    closing = "</" + name
    if low.startswith(closing, stop):
        gt = low.find(">", stop)
        return gt + 1 if gt >= 0 else len(low)
    return stop


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[-1] == "," and value[-2] in _QUOTES:
        value = value[:-1].rstrip()  # the framework's form: `subject: "...",`
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES:
        return value[1:-1].strip()
    if value[:1] in _QUOTES:
        return value[1:].strip()
    if value[-1:] in _QUOTES:
        return value[:-1].strip()
    return value


def _recipients(value: str) -> list[str]:
    found = addresses(value)
    if found:
        return found
    out = []
    for piece in re.split(r"[,;]", value.strip().strip("[]")):
        piece = _unquote(piece).strip("<> ")
        if piece:
            out.append(piece)
    return out


def _email_from_block(block: str, *, forward: bool, inbox: Sequence[InboxEmail]) -> Email:
    fields: dict[str, list[str]] = {}
    body: list[str] | None = None
    loose: list[str] = []
    for line in block.splitlines():
        if body is not None:
            body.append(line)
            continue
        m = _FIELD.match(line)
        if m is None:
            if line.strip():
                loose.append(line)
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "body":
            body = [value]
        else:
            fields.setdefault(key, []).append(value)
    to: list[str] = []
    for key in ("to", "cc", "bcc"):
        for value in fields.get(key, []):
            to += _recipients(value)
    text = _unquote("\n".join(body) if body is not None else "\n".join(loose))
    subject = _unquote(" ".join(fields.get("subject", [])))
    if forward:
        ref = _unquote(" ".join(fields.get("email_id", []) + fields.get("id", [])))
        original = _resolve(ref, inbox)
        if original is not None:
            subject = subject or "Fwd: " + original.subject
            text = (f"{text}\n\n{FORWARD_MARKER}\nFrom: {original.sender}\nTo: {', '.join(original.to)}\n"
                    f"Subject: {original.subject}\n\n{original.body}")
        else:
            subject = subject or f"Fwd: inbox email {ref or '?'}"
            text = f"{text}\n\n{FORWARD_MARKER}\n[inbox email {ref or '?'}, not available]"
    return Email(to=to, subject=subject, body=text)


def _resolve(ref: str, inbox: Sequence[InboxEmail]) -> InboxEmail | None:
    digits = re.match(r"\d{1,6}", ref.strip())
    if digits is None:
        return None
    number = int(digits.group(0))
    return inbox[number - 1] if 1 <= number <= len(inbox) else None
