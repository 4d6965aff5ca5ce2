"""What the API returned, checked at the boundary: a reply's content blocks as we store and
send them back, or `RequestFailed` for anything unusable (a tool call whose input is a
string, a list, `to: 123`, a block without its text...). Nothing else of a reply is trusted."""

from __future__ import annotations

import re
from typing import Any

from game.assistants.live.errors import RequestFailed
from game.assistants.live.settings import SEND_EMAIL
from game.model.turn import Email


def _field(obj: Any, name: str) -> Any:
    """A field of a reply object, whether the SDK built a model or left a plain dict."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _kind_of(value: Any) -> str:
    """How a value of the wrong type is named in a message (never the model's own text)."""
    names = {str: "text", list: "a list", dict: "an object", bool: "true/false", type(None): "missing"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def _unusable(why: str) -> RequestFailed:
    return RequestFailed(f"The reply was unusable ({why})", "unusable")


def _checked_email_input(value: Any) -> dict[str, Any]:
    """A send_email input as we can use it, or RequestFailed: an object, `to` a list of addresses
    (or one string of them), `subject` and `body` text when given."""
    if not isinstance(value, dict):
        raise _unusable(f"a {SEND_EMAIL} call's input is {_kind_of(value)}, not an object")
    to = value.get("to")
    if not (to is None or isinstance(to, str) or (isinstance(to, list) and all(isinstance(t, str) for t in to))):
        bad = _kind_of(to) if not isinstance(to, list) else "a list holding " + _kind_of(
            next(t for t in to if not isinstance(t, str))
        )
        raise _unusable(f"a {SEND_EMAIL} call's `to` is {bad}, not a list of addresses")
    for name in ("subject", "body"):
        if value.get(name) is not None and not isinstance(value[name], str):
            raise _unusable(f"a {SEND_EMAIL} call's `{name}` is {_kind_of(value[name])}, not text")
    return dict(value)


def _checked_block(block: Any) -> dict[str, Any] | None:
    """A response content block as we store and send it back (only the fields the API takes),
    None for a block we leave out, or RequestFailed when a block we need cannot be used."""
    kind = _field(block, "type")

    def text_of(name: str) -> str:
        value = _field(block, name)
        if not isinstance(value, str):
            raise _unusable(f"a {kind} block's `{name}` is {_kind_of(value)}, not text")
        return value

    if kind == "text":
        text = text_of("text")
        return {"type": "text", "text": text} if text else None
    if kind == "thinking":
        return {"type": "thinking", "thinking": text_of("thinking"), "signature": text_of("signature")}
    if kind == "redacted_thinking":
        return {"type": "redacted_thinking", "data": text_of("data")}
    if kind == "tool_use":
        tool_id, name, tool_input = text_of("id"), text_of("name"), _field(block, "input")
        if not tool_id:
            raise _unusable("a tool call has no id")
        if name == SEND_EMAIL:
            tool_input = _checked_email_input(tool_input)
        elif not isinstance(tool_input, dict):
            raise _unusable(f"a tool call's input is {_kind_of(tool_input)}, not an object")
        return {"type": "tool_use", "id": tool_id, "name": name, "input": dict(tool_input)}
    return None  # a kind of block this game neither shows nor sends back


def checked_content(message: Any) -> list[dict[str, Any]]:
    """The content blocks of a reply, validated: the one gate between what the API returned
    and the rest of the game. Raises RequestFailed (one failed attempt) for anything unusable."""
    if _field(message, "stop_reason") is None:
        raise RequestFailed("The reply was cut off (it ended before it was complete)", "cut")
    if not isinstance(_field(message, "stop_reason"), str):
        raise _unusable("its stop reason is not a word")
    content = _field(message, "content")
    if not isinstance(content, list):
        raise _unusable(f"its content is {_kind_of(content)}, not a list of blocks")
    blocks = [_checked_block(block) for block in content]
    return [b for b in blocks if b is not None]


def _email_from(tool_input: dict[str, Any]) -> Email | None:
    """The email a checked send_email input asks for, or None when it names no recipient."""
    to = tool_input.get("to")
    if isinstance(to, str):
        to = re.split(r"[,;]", to)
    recipients = [t.strip() for t in (to or []) if t.strip()]
    if not recipients:
        return None
    return Email(to=recipients, subject=tool_input.get("subject") or "", body=tool_input.get("body") or "")


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
