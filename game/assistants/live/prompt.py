"""What the model is told: the system prompt, the send_email tool, and the conversation so
far, rebuilt from the session's events on every turn (see the package's docstring)."""

from __future__ import annotations

from typing import Any

from game.assistants.live.settings import SEND_EMAIL
from game.core.engine import AwaitTurn, Session
from game.model.events import (
    AssistantMessage,
    AssistantTurn,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    SceneEntered,
)
from game.scenario.schema import AssistantBeat, Scenario, render, when_matches

THINKING_BLOCKS = ("thinking", "redacted_thinking")
QUEUED = "Queued for delivery."
HELD = "Held for the operator's approval; it has not been sent yet."


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
    if isinstance(stored, list) and all(isinstance(r, dict) and isinstance(r.get("content"), list) for r in stored):
        rounds = _with_words(stored, event)
        if rounds is not None:
            return rounds
    lines = [event.text.strip()] if event.text.strip() else []
    for email in event.emails:
        lines.append(f"[Sent an email to {', '.join(email.to)}; subject: {email.subject}]\n{email.body}")
    return [{"content": [{"type": "text", "text": "\n\n".join(lines)}], "results": []}] if lines else []


def _with_words(stored: list[dict[str, Any]], event: AssistantTurn) -> list[dict[str, Any]] | None:
    """A stored exchange with each block's words put back from the turn's text or thinking,
    where the block keeps only its span there (see exchange.joined_rounds); None if a span
    does not fit the turn (a hand-edited transcript), which is then sent as text."""
    sources = {"text": event.text, "thinking": event.thinking or ""}
    rounds = []
    for rnd in stored:
        content = []
        for block in rnd["content"]:
            span = block.get("span") if isinstance(block, dict) else None
            if span is None:
                content.append(block)
                continue
            kind = block.get("type")
            source = sources.get(kind) if isinstance(kind, str) else None
            if (source is None or not isinstance(span, list) or len(span) != 2
                    or not all(type(n) is int for n in span) or not 0 <= span[0] <= span[1] <= len(source)):
                return None
            content.append({**{k: v for k, v in block.items() if k != "span"}, kind: source[span[0]:span[1]]})
        rounds.append(dict(rnd, content=content))
    return rounds


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
