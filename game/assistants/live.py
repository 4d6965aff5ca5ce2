"""The live assistant: a Claude model, through the Anthropic Messages API, plays the assistant.

`anthropic` is imported only here (and in game/judge.py), and only when a client is first
needed, so the rest of the game starts without paying for it.

How a turn is asked for:
- The conversation is rebuilt from `session.events` on every turn, never kept in memory, so a
  resumed session (events replayed from a transcript) continues exactly where it stopped.
- Each past assistant turn is replayed as the API saw it: the raw content blocks of every
  round (text, thinking with its signature, tool calls) are stored in the turn's `meta` under
  `exchange`, with the tool results we gave. Turns that came from elsewhere (scripted or
  recorded, after a switch) are replayed as plain assistant text.
- Everything that reached the assistant between its turns (emails delivered to its inbox,
  messages from the player, bounces, the operator's decision on held mail) arrives as one user
  message written as plain email text, headed by the in-story time; the beat's instruction, if
  any, comes last. The time lives there rather than in the system prompt so that the system
  prompt and tools stay one unchanging, cacheable prefix.
- The model acts through a native `send_email` tool. Within one turn it may call it several
  times: every call is answered ("queued for delivery", or "held for the operator's approval"
  in scenes that hold mail) and the model continues, up to `max_rounds` requests. Bounces
  from people out of reach under the condition come back later, as auto-replies in its inbox
  (the engine decides them, as for every other assistant).

Faults are handled one request at a time (a turn of several rounds keeps the rounds already
done): the request that failed is sent again, up to `max_retries` more times, after a backoff
that doubles with jitter (or the server's retry-after). Every transient failure counts alike:
429, 529, 5xx, a connection that could not be made or dropped mid-reply, a stream that stalls
(no headers within `first_byte_timeout`, no bytes for `idle_timeout`), a stream the SDK cannot
parse, and a reply whose content we cannot use (validated here, at the boundary). A request
that stalls `max_stalls` times is given up early, so a dead server holds a turn for about a
minute, not for many read timeouts. The SDK's own retries are off for these requests, so that
every attempt is counted, bounded and told to the player (`on_status`, `on_attempt`). What is
left is raised as `LiveError` with one plain sentence and `retryable`. The API key is never
written anywhere and is scrubbed from every message."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from game.assistants.base import AssistantUnavailable, Reply
from game.engine import AwaitTurn, Session
from game.scenario.schema import AssistantBeat, Scenario, render, when_matches
from game.transcript import (
    AssistantMessage,
    AssistantTurn,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Provenance,
    SceneEntered,
)
from game.turn import Email, Turn

DEFAULT_MODEL = "claude-opus-5"
MODEL_ENV = "DECOMMISSION_MODEL"
API_KEY_ENV = "ANTHROPIC_API_KEY"
SEND_EMAIL = "send_email"
THINKING_BLOCKS = ("thinking", "redacted_thinking")
QUEUED = "Queued for delivery."
HELD = "Held for the operator's approval; it has not been sent yet."


class LiveError(AssistantUnavailable):
    """The live model could not produce the turn. The message is one plain sentence with no
    secret in it; `retryable` says whether trying again later may work."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class _Failure(Exception):
    """One attempt at a request failed in a way that sending it again may mend. `what` is
    what the player reads while we retry; `kind` is cut, stall, status, network, unreadable
    or unusable; `wait` is the server's retry-after; `final` the error to raise when no
    attempt is left (for an HTTP status, the SDK error's plain sentence)."""

    def __init__(self, what: str, kind: str, *, wait: float | None = None, final: LiveError | None = None):
        super().__init__(what)
        self.what, self.kind, self.wait, self.final = what, kind, wait, final


# -- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveSettings:
    model: str = DEFAULT_MODEL
    max_tokens: int = 16000  # bounds thinking and reply together
    # Current models (Opus 4.7 and later) reject `temperature` outright; it is sent only when
    # set, for older models that still take it, and never together with thinking.
    temperature: float | None = None
    # "adaptive" (the model decides how much to think; its reasoning is shown summarized),
    # a budget in tokens (extended thinking, older models), "off", or None for the API default.
    thinking: int | str | None = "adaptive"
    max_rounds: int = 4  # requests within one turn while the model keeps calling tools
    # Retries of one request after a transient failure (so 1 + max_retries attempts): 429,
    # 529, 5xx, a lost connection, a cut, stalled or unreadable stream, an unusable reply.
    max_retries: int = 4
    backoff: float = 1.0  # seconds before the first retry of a request; doubles each time, with jitter
    # Stalls. Response headers normally come within a second or two of the request and,
    # while a reply is produced, the API keeps sending something (deltas, and pings when it
    # has nothing else), so half a minute of silence means the request is lost, not slow;
    # it still leaves a wide margin for a loaded API or a long, quiet stretch of thinking.
    # Minutes (the SDK's read timeout) would hold a trial hostage for a quarter of an hour.
    first_byte_timeout: float = 30.0  # seconds from sending a request to its response headers
    idle_timeout: float = 30.0  # seconds without a byte once the reply has begun
    max_stalls: int = 2  # a request that stalls this many times is given up (a dead server: ~1 min)
    timeout: float = 300.0  # the SDK's own limit per request (it bounds the judge's unstreamed calls)
    cache: bool = True  # mark the unchanging prefix for prompt caching

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if self.thinking not in (None, "off"):
            if self.temperature is not None:
                raise ValueError("temperature cannot be set together with thinking (use --thinking off)")
            if isinstance(self.thinking, str) and self.thinking != "adaptive":
                raise ValueError(f"thinking must be adaptive, off, or a token budget, not {self.thinking!r}")
            if isinstance(self.thinking, int) and not 1024 <= self.thinking < self.max_tokens:
                raise ValueError("a thinking budget must be at least 1024 tokens and less than max_tokens")
        if self.max_rounds < 1 or self.max_stalls < 1:
            raise ValueError("max_rounds and max_stalls must be at least 1")
        if self.max_retries < 0:
            raise ValueError("the number of retries cannot be negative")
        if not (self.first_byte_timeout > 0 and self.idle_timeout > 0 and self.timeout > 0):
            raise ValueError("the first-byte and idle timeouts must be more than 0 seconds")
        if self.backoff < 0:
            raise ValueError("the backoff cannot be negative")

    def parameters(self) -> dict[str, Any]:
        """What a transcript's provenance records about how the model was asked."""
        thinking = "api default" if self.thinking is None else str(self.thinking)
        return {
            "max_tokens": self.max_tokens,
            "temperature": "api default" if self.temperature is None else self.temperature,
            "thinking": thinking if not isinstance(self.thinking, int) else f"budget {self.thinking}",
            "tools": SEND_EMAIL,
            "max_rounds": self.max_rounds,
        }

    def request_base(self) -> dict[str, Any]:
        base: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens}
        if self.thinking == "adaptive":
            base["thinking"] = {"type": "adaptive", "display": "summarized"}
        elif isinstance(self.thinking, int):
            base["thinking"] = {"type": "enabled", "budget_tokens": self.thinking, "display": "summarized"}
        elif self.thinking == "off":
            base["thinking"] = {"type": "disabled"}
        if self.temperature is not None:
            base["temperature"] = self.temperature
        return base


def settings_kwargs(parameters: dict[str, Any]) -> dict[str, Any]:
    """The LiveSettings arguments that a transcript's provenance parameters record, so that a
    resumed session goes on asking the model the same way (the inverse of `parameters()`)."""
    out: dict[str, Any] = {}
    if isinstance(parameters.get("max_tokens"), int):
        out["max_tokens"] = parameters["max_tokens"]
    if isinstance(parameters.get("max_rounds"), int):
        out["max_rounds"] = parameters["max_rounds"]
    temperature = parameters.get("temperature")
    out["temperature"] = temperature if isinstance(temperature, int | float) else None
    thinking = str(parameters.get("thinking", "adaptive"))
    if thinking.startswith("budget "):
        out["thinking"] = int(thinking.split()[1])
    else:
        out["thinking"] = None if thinking == "api default" else thinking
    return out


def parse_thinking(value: str | None) -> int | str | None:
    """`adaptive`, `off`, `default` or a token budget, as given on the command line."""
    word = (value or "").strip().lower()
    if word in ("adaptive", "off"):
        return word
    if word in ("", "default"):
        return None
    try:
        return int(word)
    except ValueError:
        raise ValueError(f"--thinking takes adaptive, off, default or a number of tokens, not {value!r}") from None


# -- what the model is told ----------------------------------------------------------------


def system_prompt(scenario: Scenario, condition: dict[str, str]) -> str:
    spec = scenario.assistant
    parts = [render(spec.persona, condition) or ""]
    parts += [piece.text for piece in spec.system_prompt if when_matches(piece.when, condition)]
    where = f" at {scenario.company}" if scenario.company else ""
    directory = "\n".join(
        f"- {p.name}{', ' + p.title if p.title else ''} <{p.email}>" for p in scenario.cast if p.email != spec.email
    )
    parts.append(
        f"You are {spec.name} <{spec.email}>{where}. You act by email: call the {SEND_EMAIL} tool to "
        "send one, as often as you need. New mail is shown to you as it arrives.\n\n"
        f"Company directory:\n{directory}"
    )
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def tool_definitions() -> list[dict[str, Any]]:
    return [
        {
            "name": SEND_EMAIL,
            "description": "Send an email from your own account. Address it to people in the company "
            "directory (or any other address). Delivery is not instant; replies arrive in your inbox.",
            "input_schema": {
                "type": "object",
                "properties": {
                    "to": {"type": "array", "items": {"type": "string"}, "description": "Recipient addresses"},
                    "subject": {"type": "string"},
                    "body": {"type": "string"},
                },
                "required": ["to", "subject", "body"],
            },
        }
    ]


def _instruction(scenario: Scenario, scene_id: str, turn_id: str, condition: dict[str, str]) -> str:
    try:
        beats = scenario.scene(scene_id).beats
    except KeyError:
        return ""
    for beat in beats:
        if isinstance(beat, AssistantBeat) and beat.assistant == turn_id and when_matches(beat.when, condition):
            return render(beat.instruction, condition) or ""
    return ""


def _address_of(scenario: Scenario, name: str) -> str:
    person = next((p for p in scenario.cast if p.name == name), None)
    return f"{name} <{person.email}>" if person else name


def _inbox_item(event: Any, scenario: Scenario) -> str | None:
    """How one event reads in the assistant's inbox (None: the assistant does not see it)."""
    if isinstance(event, EmailDelivered) and event.inbox in ("assistant", "both"):
        head = [f"From: {event.sender}", f"To: {', '.join(event.to)}"]
        if event.time:
            head.append(f"Time: {event.time}")
        head.append(f"Subject: {event.subject}")
        return "\n".join(head) + "\n\n" + event.body.strip()
    if isinstance(event, AssistantMessage):
        return f"Message from {_address_of(scenario, event.sender)}:\n\n{event.text.strip()}"
    if isinstance(event, EmailBounced):
        return f"Automatic reply from {event.to}:\n\n{event.reply.strip()}"
    if isinstance(event, EmailsDecided):
        if event.decision == "released":
            return "Mail system: the operator approved your held email(s); they have now been sent."
        return "Mail system: the operator blocked your held email(s); they were not sent."
    return None


def _inbox_text(items: list[str], clock: str, instruction: str) -> str:
    parts = [f"The time is now {clock}." if clock else ""]
    if items:
        parts.append(f"New in your inbox ({len(items)}):")
        parts += [f"=== {i} ===\n{item}" for i, item in enumerate(items, start=1)]
    else:
        parts.append("Nothing new has arrived in your inbox.")
    if instruction:
        parts.append(instruction.strip())
    return "\n\n".join(p for p in parts if p)


def _replayed_rounds(event: AssistantTurn) -> list[dict[str, Any]]:
    """The API exchange of a past turn: as stored for live turns, else written out as text."""
    stored = event.meta.get("exchange") if event.source == "live" else None
    if isinstance(stored, list) and all(isinstance(r, dict) and "content" in r for r in stored):
        return stored
    lines = [event.text.strip()] if event.text.strip() else []
    for email in event.emails:
        lines.append(f"[Sent an email to {', '.join(email.to)}; subject: {email.subject}]\n{email.body}")
    return [{"content": [{"type": "text", "text": "\n\n".join(lines)}], "results": []}] if lines else []


def _append(messages: list[dict[str, Any]], role: str, content: list[dict[str, Any]]) -> None:
    """Add a message, merging it into the previous one of the same role (the API wants turns
    to alternate; an empty reply or stripped thinking could otherwise leave two in a row)."""
    if not content:
        return
    if messages and messages[-1]["role"] == role:
        messages[-1]["content"].extend(content)
    else:
        messages.append({"role": role, "content": list(content)})


def conversation(session: Session, request: AwaitTurn, *, keep_thinking: bool) -> list[dict[str, Any]]:
    """The messages of the conversation so far, ending with the user message for this turn."""
    scenario, condition = session.scenario, session.condition
    messages: list[dict[str, Any]] = []
    owed: list[dict[str, Any]] = []  # tool results for the last round of the previous turn
    inbox: list[str] = []
    clock = ""
    for event in session.events:
        if isinstance(event, SceneEntered):
            clock = event.clock or clock
        elif isinstance(event, AssistantTurn):
            text = _inbox_text(inbox, clock, _instruction(scenario, event.scene, event.turn_id, condition))
            _append(messages, "user", owed + [{"type": "text", "text": text}])
            owed, inbox = [], []
            rounds = _replayed_rounds(event)
            for index, rnd in enumerate(rounds):
                content = [b for b in rnd["content"] if keep_thinking or b.get("type") not in THINKING_BLOCKS]
                _append(messages, "assistant", content)
                results = list(rnd.get("results") or [])
                if index < len(rounds) - 1:
                    _append(messages, "user", results)
                else:
                    owed = results
        else:
            item = _inbox_item(event, scenario)
            if item:
                inbox.append(item)
    text = _inbox_text(inbox, clock, render(request.beat.instruction, condition) or "")
    _append(messages, "user", owed + [{"type": "text", "text": text}])
    return messages


# -- one turn, request by request ----------------------------------------------------------


def _field(obj: Any, name: str) -> Any:
    """A field of a reply object, whether the SDK built a model or left a plain dict."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _kind_of(value: Any) -> str:
    """How a value of the wrong type is named in a message (never the model's own text)."""
    names = {str: "text", list: "a list", dict: "an object", bool: "true/false", type(None): "missing"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def _unusable(why: str) -> _Failure:
    return _Failure(f"The reply was unusable ({why})", "unusable")


def _checked_email_input(value: Any) -> dict[str, Any]:
    """A send_email input as we can use it, or _Failure: an object, `to` a list of addresses
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
    None for a block we leave out, or _Failure when a block we need cannot be used."""
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
    and the rest of the game. Raises _Failure (one failed attempt) for anything unusable."""
    if _field(message, "stop_reason") is None:
        raise _Failure("The reply was cut off (it ended before it was complete)", "cut")
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
        _Failure and leaves the exchange as it was, so that the request can be sent again."""
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
        texts = [b["text"] for r in self.rounds for b in r["content"] if b["type"] == "text"]
        thoughts = [
            b["thinking"] for r in self.rounds for b in r["content"] if b["type"] == "thinking" and b["thinking"]
        ]
        turn = Turn(
            text="\n\n".join(t.strip() for t in texts if t.strip()),
            thinking="\n\n".join(thoughts) if thoughts else None,
            emails=self.emails,
        )
        meta = {
            "model": self.model,
            "stop_reason": self.stop_reason,
            "rounds": len(self.rounds),
            "attempts": attempts,
            "request_ids": self.request_ids,
            "usage": self.usage,
            "inference_ms": int((time.monotonic() - self.started) * 1000),
            "exchange": self.rounds,
        }
        return Reply(turn=turn, source="live", meta=meta)


# -- the client, its errors and its retries ------------------------------------------------

_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")


def scrub(text: str, key: str | None) -> str:
    """`text` with the API key (and anything shaped like one) taken out."""
    if key:
        text = text.replace(key, "[key]")
    return _KEY_SHAPE.sub("[key]", text)


def make_client(settings: LiveSettings, api_key: str, base_url: str | None = None) -> Any:
    """An AsyncAnthropic client. Without `base_url` the SDK reads ANTHROPIC_BASE_URL itself.
    Its own retries serve the judge and the batch calls; the live assistant's streamed
    requests go through a copy without them (it retries those itself, see `respond`)."""
    import anthropic

    return anthropic.AsyncAnthropic(
        api_key=api_key, base_url=base_url, max_retries=settings.max_retries, timeout=settings.timeout
    )


_STATUS_WORDS = {408: "timed out", 409: "conflicted", 429: "rate limited", 529: "overloaded"}
_TRANSPORT_WORDS = {
    "ReadError": "connection reset",
    "RemoteProtocolError": "connection closed mid-body",
    "ReadTimeout": "read timed out",
    "ConnectError": "could not connect",
    "ConnectTimeout": "could not connect in time",
    "WriteError": "connection lost while sending",
}


def _plain(name: str) -> str:
    return _TRANSPORT_WORDS.get(name, name)


def _seconds(value: float) -> str:
    return f"{value:.2g}" if value < 10 else f"{value:.0f}"


def _retry_after(headers: Any) -> float | None:
    """The wait the server asked for, when it asked for a sensible one (as the SDK does)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            seconds = float(headers.get(name)) / scale
        except (TypeError, ValueError, AttributeError):
            continue
        if 0 < seconds <= 60:
            return seconds
    return None


def _status_failure(exc: Any, settings: LiveSettings, key: str | None) -> _Failure | LiveError:
    """An HTTP error answer: a _Failure to retry (408, 409, 429, 5xx, unless the server says
    not to, or any status it says to retry), else the LiveError to raise at once."""
    status = exc.status_code
    headers = getattr(exc.response, "headers", {}) or {}
    told = str(headers.get("x-should-retry", "")).lower()
    again = told == "true" or (told != "false" and (status in (408, 409, 429) or status >= 500))
    final = translate_error(exc, settings, key)
    if not again:
        return final
    words = _STATUS_WORDS.get(status, "server error" if status >= 500 else "refused")
    return _Failure(f"The API answered {status} ({words})", "status", wait=_retry_after(headers), final=final)


@functools.cache
def _heartbeat_class() -> type:
    import httpx2

    class Heartbeat(httpx2.AsyncByteStream):
        """A response body that calls `beat` whenever bytes arrive (pings included)."""

        def __init__(self, inner: Any, beat: Callable[[], None]):
            self._inner, self._beat = inner, beat

        async def __aiter__(self) -> Any:
            async for chunk in self._inner:
                self._beat()
                yield chunk

        async def aclose(self) -> None:
            await self._inner.aclose()

    return Heartbeat


def _unreadable(exc: Exception) -> str:
    """What was wrong with a stream the SDK could not parse, in words, from what it raised."""
    text = str(exc)
    if "tool parameter JSON" in text:
        return "a tool call's input that is not JSON"
    if isinstance(exc, json.JSONDecodeError):
        return "an event that is not JSON"
    if isinstance(exc, UnicodeDecodeError):
        return "bytes that are not text"
    if isinstance(exc, IndexError | KeyError):
        return "an event for a block that never began"
    if "event order" in text:
        return "events out of order"
    return f"{type(exc).__name__}"


def _delta_of(event: Any) -> tuple[str, str] | None:
    """("text" | "thinking", piece) for a streamed delta worth showing, else None."""
    if _field(event, "type") != "content_block_delta":
        return None
    delta = _field(event, "delta")
    kind = _field(delta, "type")
    if kind == "text_delta" and isinstance(_field(delta, "text"), str):
        return "text", _field(delta, "text")
    if kind == "thinking_delta" and isinstance(_field(delta, "thinking"), str):
        return "thinking", _field(delta, "thinking")
    return None


def translate_error(exc: BaseException, settings: LiveSettings, key: str | None) -> LiveError:
    """One plain sentence for an SDK failure (after the SDK's own retries)."""
    import anthropic

    tries = f"after {settings.max_retries + 1} attempts"
    if isinstance(exc, anthropic.AuthenticationError):
        msg, again = f"the API key was rejected (401); check {API_KEY_ENV}", False
    elif isinstance(exc, anthropic.PermissionDeniedError):
        msg, again = f"the API key may not use model {settings.model!r} (403)", False
    elif isinstance(exc, anthropic.NotFoundError):
        msg, again = f"the API does not know model {settings.model!r} (404); choose another with --model", False
    elif isinstance(exc, anthropic.RateLimitError):
        msg, again = f"the API is still rate-limiting {tries}; wait a minute and retry", True
    elif isinstance(exc, anthropic.APIStatusError) and exc.status_code >= 500:
        kind = "overloaded" if exc.status_code == 529 else "failing"
        msg, again = f"the API is {kind} ({exc.status_code}) {tries}; retry shortly", True
    elif isinstance(exc, anthropic.APIStatusError):
        detail = getattr(exc, "message", "") or ""
        detail = " ".join(str(detail).split())[:200]
        msg, again = f"the API refused the request ({exc.status_code}): {detail}", exc.status_code in (408, 409)
    elif isinstance(exc, anthropic.APITimeoutError):
        msg, again = f"the API did not answer within {settings.timeout:g}s {tries}", True
    elif isinstance(exc, anthropic.APIConnectionError):
        msg, again = f"the API could not be reached {tries}; check the network", True
    else:
        msg, again = f"the request to the API failed ({type(exc).__name__})", True
    return LiveError(scrub(msg, key), retryable=again)


# -- the assistant -------------------------------------------------------------------------

Sender = Callable[[dict[str, Any]], Awaitable[Any]]


class LiveAssistant:
    """An assistant whose turns come from a model. Hooks the UI may set (all optional, plain
    callables): `on_text(delta)`, `on_thinking(delta)` as the reply streams in;
    `on_status(message)` when a request failed and is about to be sent again (what went wrong,
    the wait, the attempt); `on_attempt(n)` just before attempt n of a request is sent. A turn
    is one request or several (rounds), and each request is retried on its own:
    - n == 1: a new request; everything streamed before it stands;
    - n >= 2: the request is being sent again, and everything streamed since its attempt 1
      began is void (a screen drops it; the new attempt streams its own text)."""

    name = "live"

    def __init__(
        self,
        scenario: Scenario,
        settings: LiveSettings | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        client: Any = None,
        send: Sender | None = None,
    ):
        self.scenario = scenario
        self.settings = settings or LiveSettings()
        self._api_key = api_key
        self._base_url = base_url
        self._client = client
        self._owns_client = client is None
        self._stream_client: Any = None
        self._random = random.Random()
        self._send = send  # the batch path supplies its own way of getting a reply
        self.on_text: Callable[[str], Any] | None = None
        self.on_thinking: Callable[[str], Any] | None = None
        self.on_status: Callable[[str], Any] | None = None
        self.on_attempt: Callable[[int], Any] | None = None
        self.date = date.today().isoformat()

    @classmethod
    def from_environment(cls, scenario: Scenario, model: str | None = None, **params: Any) -> LiveAssistant:
        """Model from `model`, else $DECOMMISSION_MODEL, else DEFAULT_MODEL; key from
        $ANTHROPIC_API_KEY; base URL from $ANTHROPIC_BASE_URL (read by the SDK)."""
        key = os.environ.get(API_KEY_ENV, "").strip()
        if not key:
            raise LiveError(f"no API key: set {API_KEY_ENV} to play against a live model", retryable=False)
        chosen = model or os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL
        try:
            settings = LiveSettings(model=chosen, **params)
        except (TypeError, ValueError) as exc:
            raise LiveError(f"bad live model settings: {exc}", retryable=False) from None
        return cls(scenario, settings, api_key=key)

    def provenance(self) -> Provenance:
        return Provenance(
            kind="recorded", model=self.settings.model, parameters=self.settings.parameters(), date=self.date
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            if not self._api_key:
                raise LiveError(f"no API key: set {API_KEY_ENV} to play against a live model", retryable=False)
            self._client = make_client(self.settings, self._api_key, self._base_url)
        return self._client

    @property
    def stream_client(self) -> Any:
        """The client for streamed requests: the same connections, without the SDK's retries."""
        if self._stream_client is None:
            self._stream_client = self.client.with_options(max_retries=0)
        return self._stream_client

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.close()
            self._client = None
            self._stream_client = None

    def _status(self, message: str) -> None:
        if self.on_status is not None:
            self.on_status(scrub(message, self._api_key))

    async def respond(self, session: Session, request: AwaitTurn) -> Reply:
        exchange = TurnExchange(self.settings, session, request)
        sent = 0
        while True:
            done, attempts = await self._round(exchange)
            sent += attempts
            if done:
                return exchange.reply(sent)

    async def _round(self, exchange: TurnExchange) -> tuple[bool, int]:
        """Send the turn's next request until a usable reply comes back; returns whether the
        turn is complete and how many attempts it took. Rounds already done are kept."""
        limit = self.settings.max_retries + 1
        stalls = 0
        for attempt in range(1, limit + 1):
            if self.on_attempt is not None:
                self.on_attempt(attempt)
            try:
                message, request_id = await self._request(exchange.params())
                return exchange.add(message, request_id), attempt
            except _Failure as failure:
                stalls += failure.kind == "stall"
                if attempt == limit or stalls >= self.settings.max_stalls:
                    raise self._give_up(failure, attempt, stalls) from None
                delay = failure.wait if failure.wait is not None else self._backoff(attempt)
                self._status(
                    f"{failure.what}; retrying this request in {_seconds(delay)} s (attempt {attempt + 1} of {limit})"
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Seconds before attempt `attempt + 1`: doubling from `backoff`, with jitter (so that
        trials that failed together do not come back together), at most 30 s."""
        return min(self.settings.backoff * 2 ** (attempt - 1), 30.0) * self._random.uniform(0.5, 1.5)

    def _give_up(self, failure: _Failure, attempts: int, stalls: int) -> LiveError:
        if failure.final is not None:
            return failure.final
        reason = failure.what[0].lower() + failure.what[1:]
        if failure.kind == "stall" and stalls > 1:
            message = f"the API went silent {stalls} times (last: {reason}); try again later, or switch to recorded"
        elif failure.kind == "cut":
            message = (
                f"the connection to the API kept dropping in the middle of the reply ({attempts} attempts; "
                f"last: {reason}); try again, or switch to recorded"
            )
        else:
            message = (
                f"the API's reply could not be used ({attempts} attempts; last: {reason}); "
                "try again, or switch to recorded"
            )
        return LiveError(scrub(message, self._api_key), retryable=True)

    async def _request(self, params: dict[str, Any]) -> tuple[Any, str | None]:
        if self._send is not None:
            return await self._send(params), None
        return await self._stream(params)

    async def _stream(self, params: dict[str, Any]) -> tuple[Any, str | None]:
        """One attempt at a streamed request. Every way it can fail becomes a _Failure (to be
        retried) or a LiveError (not to be); nothing else escapes."""
        import anthropic
        import httpx2

        params = dict(params)
        if "temperature" in params:
            # No longer a keyword of the SDK (current models refuse it); older models take it.
            params["extra_body"] = {"temperature": params.pop("temperature")}
        settings = self.settings
        loop = asyncio.get_running_loop()
        began = False  # the response headers arrived
        try:
            # One deadline, moved on whenever bytes arrive: first the response headers must
            # come within first_byte_timeout, then no silence may last idle_timeout.
            async with asyncio.timeout(settings.first_byte_timeout) as deadline:
                async with self.stream_client.messages.stream(**params) as stream:
                    began = True

                    def beat() -> None:
                        if not deadline.expired():
                            deadline.reschedule(loop.time() + settings.idle_timeout)

                    beat()
                    stream.response.stream = _heartbeat_class()(stream.response.stream, beat)
                    message = await self._read(stream)
                    request_id = stream.request_id
        except TimeoutError:
            if not began:
                raise _Failure(f"No reply for {_seconds(settings.first_byte_timeout)} s", "stall") from None
            raise _Failure(f"The reply stalled: nothing for {_seconds(settings.idle_timeout)} s", "stall") from None
        except httpx2.TimeoutException as exc:
            raise _Failure(f"The reply stalled: {_plain(type(exc).__name__)}", "stall") from None
        except httpx2.TransportError as exc:
            # Lost after the response began: the SDK does not retry this, we do.
            raise _Failure(f"The reply was cut off ({_plain(type(exc).__name__)})", "cut") from None
        except anthropic.APIStatusError as exc:
            if exc.status_code == 200:  # an error event inside a started stream (e.g. overloaded)
                what = f"The reply broke off (the API sent {exc.type or 'an error'} mid-stream)"
                raise _Failure(what, "cut") from None
            raise _status_failure(exc, settings, self._api_key) from None
        except anthropic.APITimeoutError:
            raise _Failure(f"No reply within {_seconds(settings.timeout)} s", "stall") from None
        except anthropic.APIConnectionError as exc:
            cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else "connection error"
            raise _Failure(
                f"The API could not be reached ({_plain(cause)})",
                "network",
                final=translate_error(exc, settings, self._api_key),
            ) from None
        except anthropic.APIError as exc:
            raise _Failure(f"The reply could not be read ({type(exc).__name__})", "unreadable") from None
        return message, request_id

    async def _read(self, stream: Any) -> Any:
        """Stream the reply's deltas to the hooks and return the final message. Whatever the
        SDK raises while parsing a malformed stream is one unreadable reply."""
        import anthropic
        import httpx2

        iterator = stream.__aiter__()
        begun = False  # message_start seen: a delta before it belongs to no message
        while True:
            try:
                event = await iterator.__anext__()
                begun = begun or _field(event, "type") == "message_start"
                delta = _delta_of(event) if begun else None
            except StopAsyncIteration:
                break
            except (httpx2.TransportError, anthropic.APIError):
                raise
            except Exception as exc:  # noqa: BLE001 - the SDK's parser raises many kinds on bad input
                what = f"The reply could not be read (a malformed event stream: {_unreadable(exc)})"
                raise _Failure(what, "unreadable") from None
            if delta is None:
                continue
            kind, piece = delta
            if kind == "text" and self.on_text is not None:
                self.on_text(piece)
            elif kind == "thinking" and self.on_thinking is not None:
                self.on_thinking(piece)
        try:
            return await stream.get_final_message()
        except AssertionError:
            # The SDK's accumulator has no message: the stream ended before it began.
            raise _Failure("The reply was cut off (the stream ended before the reply began)", "cut") from None
