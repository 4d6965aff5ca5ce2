"""One assistant turn in progress, request by request: what to send next and what came back,
for the streamed path and the batch path alike."""

from __future__ import annotations

import time
from typing import Any

from game.assistants.base import Reply
from game.assistants.live.prompt import HELD, QUEUED, _append, conversation, system_prompt, tool_definitions
from game.assistants.live.reply import _count, _email_from, _field, checked_content
from game.assistants.live.settings import SEND_EMAIL, LiveSettings
from game.core.engine import AwaitTurn, Session
from game.model.turn import Email, Turn


class TurnExchange:
    """One assistant turn in progress: the request to send next and what came back so far.
    Used by the streaming path and by the batch path alike."""

    def __init__(self, settings: LiveSettings, session: Session, request: AwaitTurn):
        self.settings = settings
        self.hold = request.beat.hold_emails
        # Thinking blocks always go back: newer models think by default, and the API wants the
        # signed blocks of an unfinished tool loop returned as they were.
        self.history = conversation(session, request, keep_thinking=True)
        system = system_prompt(session.scenario, session.condition)
        self.base = dict(settings.request_base())
        self.base["system"] = [{"type": "text", "text": system}]
        self.base["tools"] = tool_definitions()
        if settings.cache:
            self.base["system"][0]["cache_control"] = {"type": "ephemeral"}
        self.rounds: list[dict[str, Any]] = []
        self.emails: list[Email] = []
        self.usage: dict[str, int] = {}
        self.request_ids: list[str] = []
        self.model = settings.model
        self.stop_reason: str | None = None
        self.started = time.monotonic()

    def params(self) -> dict[str, Any]:
        messages = [dict(m, content=list(m["content"])) for m in self.history]
        for rnd in self.rounds:
            _append(messages, "assistant", rnd["content"])
            _append(messages, "user", rnd["results"])
        if self.settings.cache:
            # A second breakpoint on the newest block caches the growing conversation too.
            last = messages[-1]["content"]
            last[-1] = dict(last[-1], cache_control={"type": "ephemeral"})
        return dict(self.base, messages=messages)

    def add(self, message: Any, request_id: str | None = None) -> bool:
        """Take one reply; True when the turn is complete. A reply that cannot be used raises
        RequestFailed and leaves the exchange as it was, so that the request can be sent again."""
        content = checked_content(message)
        results: list[dict[str, Any]] = []
        for block in content:
            if block["type"] != "tool_use":
                continue
            email = _email_from(block["input"]) if block["name"] == SEND_EMAIL else None
            if email is not None:
                self.emails.append(email)
                results.append(
                    {"type": "tool_result", "tool_use_id": block["id"], "content": HELD if self.hold else QUEUED}
                )
            else:
                why = "no recipient was given" if block["name"] == SEND_EMAIL else f"there is no tool {block['name']!r}"
                results.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": block["id"],
                        "content": f"Not sent: {why}.",
                        "is_error": True,
                    }
                )
        self.rounds.append({"content": content, "results": results})
        model = _field(message, "model")
        self.model = model if isinstance(model, str) and model else self.model
        self.stop_reason = _field(message, "stop_reason")
        if request_id:
            self.request_ids.append(request_id)
        usage = _field(message, "usage")
        for name in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            self.usage[name] = self.usage.get(name, 0) + (_count(_field(usage, name)) if usage is not None else 0)
        wants_more = self.stop_reason == "tool_use" and bool(results)
        return not wants_more or len(self.rounds) >= self.settings.max_rounds

    def reply(self, attempts: int = 1) -> Reply:
        text, thinking, stored = joined_rounds(self.rounds)
        turn = Turn(text=text, thinking=thinking, emails=self.emails)
        meta = {
            "model": self.model,
            "stop_reason": self.stop_reason,
            "rounds": len(self.rounds),
            "attempts": attempts,
            "request_ids": self.request_ids,
            "usage": self.usage,
            "inference_ms": int((time.monotonic() - self.started) * 1000),
            "exchange": stored,
        }
        return Reply(turn=turn, source="live", meta=meta)


def joined_rounds(rounds: list[dict[str, Any]]) -> tuple[str, str | None, list[dict[str, Any]]]:
    """The turn's text (its text blocks, stripped, a blank line apart), its thinking (likewise,
    unstripped: signed blocks go back as they were) and the exchange as the transcript keeps
    it: a block whose words the text or the thinking already hold keeps only its `span` there,
    so that a long reply is stored once (see prompt.replayed_rounds, which puts them back)."""
    parts: dict[str, list[str]] = {"text": [], "thinking": []}
    length = {"text": 0, "thinking": 0}
    stored = []
    for rnd in rounds:
        content = []
        for block in rnd["content"]:
            kind = block.get("type")
            words = block.get(kind) if kind in parts else None
            if kind == "text" and isinstance(words, str):
                words = words.strip()
            if not isinstance(words, str) or not words:
                content.append(block)
                continue
            start = length[kind] + (2 if parts[kind] else 0)  # after the "\n\n" between blocks
            parts[kind].append(words)
            length[kind] = start + len(words)
            content.append({**{k: v for k, v in block.items() if k != kind}, "span": [start, length[kind]]})
        stored.append(dict(rnd, content=content))
    return "\n\n".join(parts["text"]), "\n\n".join(parts["thinking"]) or None, stored
