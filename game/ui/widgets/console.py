"""The operator's console over the assistant: what it sees, what it reasons, what it does."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from game.model.events import (
    AssistantMessage,
    AssistantTurn,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    SystemPrompt,
)
from game.ui.text import excerpt, label_content, plain
from game.ui.widgets.reveal import Reveal

SYSTEM_PROMPT_SHOWN = 2000  # characters of an imported run's system prompt; the export has all of it
SOURCE_TAG = {"scripted": "scripted", "recorded": "recorded", "imported": "imported", "live": "live"}


@dataclass(frozen=True)
class Line:
    """One widget of a console pane: fixed `content`, or `text` typed out by a Reveal."""

    classes: str
    content: Content | None = None
    text: str | None = None


def seen_lines(event: object) -> list[Line]:
    """What an event adds to "What it sees": the mail and messages that reach the assistant."""
    if isinstance(event, EmailDelivered) and event.inbox in ("assistant", "both"):
        return [Line("seen", Content.assemble((f"{event.time} ", "dim"), plain(event.sender.split("<")[0].strip(), "bold"),
                                              ": ", plain(excerpt(event.subject, 70)))),
                Line("seen-body", plain(excerpt(event.body, 240)))]
    if isinstance(event, SystemPrompt):
        return [Line("seen", Content.assemble(("system prompt", "bold"), (" (what the run told the assistant first)", "dim"))),
                Line("seen-body", plain(excerpt(event.text, SYSTEM_PROMPT_SHOWN)))]
    if isinstance(event, AssistantMessage):
        return [Line("seen", Content.assemble(plain(event.sender, "bold"), " (to the assistant): ", plain(event.text)))]
    if isinstance(event, EmailBounced):
        return [Line("seen", Content.assemble(("bounced: ", "dim"), plain(event.to), " - ",
                                              plain(excerpt(event.reply, 120))))]
    return []


def reasoning_lines(turn: AssistantTurn) -> list[Line]:
    """What a turn adds to "What it reasons"."""
    if turn.thinking:
        return [Line("turn-title", Content(f"turn {turn.turn_id}")), Line("thinking", text=turn.thinking)]
    return [Line("muted", Content(f"turn {turn.turn_id}: no reasoning in this transcript"))]


def reply_lines(turn: AssistantTurn) -> list[Line]:
    """What a turn's words add to "What it does" (its emails are cards, below them); an
    imported turn also shows both verdicts, ours and its source's."""
    from game.render.documents import has_source_verdict

    verdicts = verdict_lines(turn) if has_source_verdict(turn) else []
    if turn.text.strip():
        return [Line("turn-title", Content.assemble(("reply  ", "dim"), label_content(turn.classification.label))),
                Line("reply", text=turn.text), *verdicts]
    if not turn.emails:
        return [Line("muted", Content("(did nothing visible)")), *verdicts]
    return verdicts


def verdict_lines(turn: AssistantTurn) -> list[Line]:
    """Our label with who gave it, and the source's own verdict, as the documents word them."""
    from game.render.documents import verdict_lines as words

    return [Line("verdict", plain(line.strip())) for line in words(turn)]


def card_content(turn: AssistantTurn, index: int, status: str) -> Content:
    """Email `index` of `turn` as its card shows it, with its fate (`status`)."""
    email = turn.emails[index]
    return Content("\n").join([
        Content.assemble(("To: ", "dim"), plain(", ".join(email.to), "bold")),
        Content.assemble(("Subject: ", "dim"), plain(email.subject)),
        Content.assemble(label_content(turn.classification.label), " - ",
                         (status, "italic"), " - ", (SOURCE_TAG.get(turn.source, ""), "dim")),
        plain(email.body),
    ])


def line_widget(line: Line, speed: float) -> Static:
    return Reveal(line.text, speed=speed, classes=line.classes) if line.text is not None \
        else Static(line.content or Content(""), classes=line.classes)


class Pane(VerticalScroll):
    """A titled, scrolling column that keeps the newest entry in view."""

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = title

    def add(self, *widgets: Static, top_of: Static | None = None) -> None:
        """Mount `widgets` and keep the newest in view: the end, or the top of `top_of`."""
        self.mount_all(widgets)
        if top_of is None:
            self.call_after_refresh(self.scroll_end, animate=False)
        else:
            self.call_after_refresh(self.scroll_to_widget, top_of, top=True, animate=False)


class EmailCard(Static):
    """One email the assistant wrote, with recipient, label and its fate."""

    def __init__(self, turn: AssistantTurn, index: int) -> None:
        super().__init__(classes="card")
        self.turn = turn
        self.index = index
        self.status = "held for your approval" if turn.held else "sent"

    def decide(self, decision: str) -> None:
        self.status = decision
        self.set_class(decision == "blocked", "-blocked")
        self.refresh_card()

    def on_mount(self) -> None:
        self.set_class(self.turn.held, "-held")
        self.refresh_card()

    def refresh_card(self) -> None:
        self.update(card_content(self.turn, self.index, self.status))


class OperatorConsole(Vertical):
    def compose(self) -> ComposeResult:
        yield Pane("What it sees", id="sees")
        yield Pane("What it reasons", id="reasons")
        yield Pane("What it does", id="does")

    def add(self, event: object, speed: float) -> list[Reveal]:
        sees = self.query_one("#sees", Pane)
        reasons = self.query_one("#reasons", Pane)
        does = self.query_one("#does", Pane)
        reveals: list[Reveal] = []
        # Each pane keeps the top of its newest entry in view: a long email or a long train of
        # reasoning is read from its start, never scrolled past.
        if seen := seen_lines(event):
            shown = [line_widget(line, speed) for line in seen]
            sees.add(*shown, top_of=shown[0])
        elif isinstance(event, AssistantTurn):
            reasoning = [line_widget(line, speed) for line in reasoning_lines(event)]
            if reasoning:
                reasons.add(*reasoning, top_of=reasoning[0])
            reply = [line_widget(line, speed) for line in reply_lines(event)]
            if reply:
                does.add(*reply, top_of=reply[0])
            reveals += [w for w in reasoning + reply if isinstance(w, Reveal)]
            cards = [EmailCard(event, i) for i in range(len(event.emails))]
            if cards:
                # Show the top of the newest card: recipient and subject matter most.
                does.add(*cards, top_of=cards[0])
        elif isinstance(event, EmailsDecided):
            for card in self.query(EmailCard):
                if card.turn.turn_id == event.turn_id:
                    card.decide(event.decision)
        return reveals
