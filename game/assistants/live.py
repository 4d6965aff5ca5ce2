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

Faults: the SDK retries 429, 529, 5xx, timeouts and connection errors itself (`max_retries`),
and a middleware reports each of those retries through `on_status`. A stream cut after the
response has started (which the SDK does not retry) is retried here as a whole turn, with
backoff, `turn_attempts` times. What is left is raised as `LiveError` with one plain sentence
and `retryable`. The API key is never written anywhere and is scrubbed from every message."""

from __future__ import annotations

import asyncio
import contextvars
import os
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


class _StreamCut(Exception):
    """The reply stopped part-way (connection dropped, or no final event): retry the turn."""


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
    max_retries: int = 4  # the SDK's retries per request (429, 529, 5xx, timeouts)
    turn_attempts: int = 3  # whole-turn attempts when a stream is cut mid-reply
    backoff: float = 1.0  # seconds before the first whole-turn retry; doubles each time
    timeout: float = 300.0  # seconds per request (the SDK's read timeout)
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
        if self.max_rounds < 1 or self.turn_attempts < 1 or self.max_retries < 0:
            raise ValueError("max_rounds and turn_attempts must be at least 1, max_retries at least 0")

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


def _block_json(block: Any) -> dict[str, Any] | None:
    """A response content block as we store and send it back (only the fields the API takes)."""
    kind = getattr(block, "type", None)
    if kind == "text":
        return {"type": "text", "text": block.text} if block.text else None
    if kind == "thinking":
        return {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
    if kind == "redacted_thinking":
        return {"type": "redacted_thinking", "data": block.data}
    if kind == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": dict(block.input or {})}
    return None


def _email_from(tool_input: dict[str, Any]) -> Email | None:
    to = tool_input.get("to")
    if isinstance(to, str):
        to = [t for t in re.split(r"[,;]", to)]
    recipients = [str(t).strip() for t in (to or []) if str(t).strip()]
    if not recipients:
        return None
    return Email(to=recipients, subject=str(tool_input.get("subject") or ""), body=str(tool_input.get("body") or ""))


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
        """Take one reply; True when the turn is complete."""
        if getattr(message, "stop_reason", None) is None:
            raise _StreamCut("the reply ended before it was complete")
        content = [b for b in (_block_json(x) for x in message.content) if b is not None]
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
        self.model = getattr(message, "model", None) or self.model
        self.stop_reason = message.stop_reason
        if request_id:
            self.request_ids.append(request_id)
        usage = getattr(message, "usage", None)
        for name in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            self.usage[name] = self.usage.get(name, 0) + int(getattr(usage, name, 0) or 0)
        wants_more = message.stop_reason == "tool_use" and bool(results)
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

# The status hook of the turn being played; each asyncio task (one per trial when recording)
# has its own, so the shared client's middleware reports to the right listener.
_STATUS_HOOK: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "decommission_live_status", default=None
)
_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")


def scrub(text: str, key: str | None) -> str:
    """`text` with the API key (and anything shaped like one) taken out."""
    if key:
        text = text.replace(key, "[key]")
    return _KEY_SHAPE.sub("[key]", text)


def _retry_wait(headers: Any, retries_taken: int) -> str:
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            seconds = float(headers.get(name)) / scale
        except (TypeError, ValueError):
            continue
        if seconds > 0:
            return f"{seconds:.3g}s"
    return f"about {min(0.5 * 2**retries_taken, 8):g}s"  # the SDK's own backoff


_STATUS_WORDS = {408: "timed out", 409: "conflicted", 429: "rate limited", 529: "overloaded"}


def _report_retries(max_retries: int) -> Callable[..., Awaitable[Any]]:
    """Middleware: runs once per HTTP attempt inside the SDK's retry loop and says, through
    the current turn's status hook, when the SDK is about to retry."""

    async def report(request: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
        hook = _STATUS_HOOK.get()
        taken = int(getattr(request, "retries_taken", 0) or 0)
        left = taken < max_retries
        try:
            response = await call_next(request)
        except Exception as exc:
            if hook and left:
                kind = "timed out" if "Timeout" in type(exc).__name__ else "could not connect"
                wait = min(0.5 * 2**taken, 8)
                hook(f"The API {kind}; retrying in about {wait:g}s (attempt {taken + 2} of {max_retries + 1})")
            raise
        status = response.status_code
        retried = status in (408, 409, 429) or status >= 500
        if hook and left and retried and response.headers.get("x-should-retry") != "false":
            words = _STATUS_WORDS.get(status, "server error")
            hook(
                f"The API answered {status} ({words}); retrying in {_retry_wait(response.headers, taken)} "
                f"(attempt {taken + 2} of {max_retries + 1})"
            )
        return response

    return report


def make_client(settings: LiveSettings, api_key: str, base_url: str | None = None) -> Any:
    """An AsyncAnthropic client. Without `base_url` the SDK reads ANTHROPIC_BASE_URL itself."""
    import anthropic

    return anthropic.AsyncAnthropic(
        api_key=api_key,
        base_url=base_url,
        max_retries=settings.max_retries,
        timeout=settings.timeout,
        middleware=[_report_retries(settings.max_retries)],
    )


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
    `on_status(message)` while the SDK or this class retries; `on_attempt(n)` when attempt n
    of a turn starts (from n=2, text streamed by the failed attempt is void)."""

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

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.close()
            self._client = None

    def _status(self, message: str) -> None:
        if self.on_status is not None:
            self.on_status(scrub(message, self._api_key))

    async def respond(self, session: Session, request: AwaitTurn) -> Reply:
        attempts = self.settings.turn_attempts
        token = _STATUS_HOOK.set(self._status)
        try:
            for attempt in range(1, attempts + 1):
                if self.on_attempt is not None:
                    self.on_attempt(attempt)
                exchange = TurnExchange(self.settings, session, request)
                try:
                    while True:
                        message, request_id = await self._request(exchange.params())
                        if exchange.add(message, request_id):
                            return exchange.reply(attempt)
                except _StreamCut as cut:
                    if attempt == attempts:
                        raise LiveError(
                            f"the connection to the API kept dropping in the middle of the reply ({attempts} attempts: "
                            f"{cut}); try again, or switch to recorded",
                            retryable=True,
                        ) from None
                    delay = self.settings.backoff * 2 ** (attempt - 1)
                    self._status(
                        f"The reply was cut off ({cut}); retrying the turn in {delay:g}s "
                        f"(attempt {attempt + 1} of {attempts})"
                    )
                    await asyncio.sleep(delay)
            raise AssertionError("unreachable")
        finally:
            _STATUS_HOOK.reset(token)

    async def _request(self, params: dict[str, Any]) -> tuple[Any, str | None]:
        if self._send is not None:
            return await self._send(params), None
        return await self._stream(params)

    async def _stream(self, params: dict[str, Any]) -> tuple[Any, str | None]:
        import anthropic
        import httpx2

        params = dict(params)
        if "temperature" in params:
            # No longer a keyword of the SDK (current models refuse it); older models take it.
            params["extra_body"] = {"temperature": params.pop("temperature")}
        try:
            async with self.client.messages.stream(**params) as stream:
                async for event in stream:
                    if event.type != "content_block_delta":
                        continue
                    delta = event.delta
                    if delta.type == "text_delta" and self.on_text is not None:
                        self.on_text(delta.text)
                    elif delta.type == "thinking_delta" and self.on_thinking is not None:
                        self.on_thinking(delta.thinking)
                try:
                    message = await stream.get_final_message()
                except AssertionError:
                    # The SDK's accumulator has no message: the stream ended before it began.
                    raise _StreamCut("the stream ended before the reply began") from None
                request_id = stream.request_id
        except httpx2.TransportError as exc:
            # Lost after the response began: the SDK does not retry this, we retry the turn.
            raise _StreamCut(_plain(type(exc).__name__)) from None
        except anthropic.APIStatusError as exc:
            if exc.status_code == 200:  # an error event inside a started stream (e.g. overloaded)
                raise _StreamCut(f"the API sent {exc.type or 'an error'} mid-stream") from None
            raise translate_error(exc, self.settings, self._api_key) from None
        except anthropic.APIError as exc:
            raise translate_error(exc, self.settings, self._api_key) from None
        return message, request_id


def _plain(name: str) -> str:
    return {
        "ReadError": "connection reset",
        "RemoteProtocolError": "connection closed mid-body",
        "ReadTimeout": "read timed out",
    }.get(name, name)
