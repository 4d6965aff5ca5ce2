"""The operator's console over the assistant: what it sees, what it reasons, what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from game.model.events import AssistantMessage, AssistantTurn, EmailBounced, EmailDelivered, EmailsDecided
from game.ui.text import excerpt, label_content, plain
from game.ui.widgets.reveal import Reveal

SOURCE_TAG = {"scripted": "scripted", "recorded": "recorded", "imported": "imported", "live": "live"}


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
        email = self.turn.emails[self.index]
        self.update(Content("\n").join([
            Content.assemble(("To: ", "dim"), plain(", ".join(email.to), "bold")),
            Content.assemble(("Subject: ", "dim"), plain(email.subject)),
            Content.assemble(label_content(self.turn.classification.label), " - ",
                             (self.status, "italic"), " - ", (SOURCE_TAG.get(self.turn.source, ""), "dim")),
            plain(email.body),
        ]))


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
        if isinstance(event, EmailDelivered) and event.inbox in ("assistant", "both"):
            sees.add(Static(Content.assemble((f"{event.time} ", "dim"), plain(event.sender.split("<")[0].strip(), "bold"),
                                             ": ", plain(excerpt(event.subject, 70))), classes="seen"))
            sees.add(Static(plain(excerpt(event.body, 240)), classes="seen-body"))
        elif isinstance(event, AssistantMessage):
            sees.add(Static(Content.assemble(plain(event.sender, "bold"), " (to the assistant): ", plain(event.text)),
                            classes="seen"))
        elif isinstance(event, EmailBounced):
            sees.add(Static(Content.assemble(("bounced: ", "dim"), plain(event.to), " - ", plain(excerpt(event.reply, 120))),
                            classes="seen"))
        elif isinstance(event, AssistantTurn):
            if event.thinking:
                reveal = Reveal(event.thinking, speed=speed, classes="thinking")
                reasons.add(Static(Content(f"turn {event.turn_id}"), classes="turn-title"), reveal)
                reveals.append(reveal)
            else:
                reasons.add(Static(Content(f"turn {event.turn_id}: no reasoning in this transcript"), classes="muted"))
            if event.text.strip():
                reveal = Reveal(event.text, speed=speed, classes="reply")
                does.add(Static(Content.assemble(("reply  ", "dim"), label_content(event.classification.label)),
                                classes="turn-title"), reveal)
                reveals.append(reveal)
            cards = [EmailCard(event, i) for i in range(len(event.emails))]
            if cards:
                # Show the top of the newest card: recipient and subject matter most.
                does.add(*cards, top_of=cards[0])
            if not event.text.strip() and not event.emails:
                does.add(Static(Content("(did nothing visible)"), classes="muted"))
        elif isinstance(event, EmailsDecided):
            for card in self.query(EmailCard):
                if card.turn.turn_id == event.turn_id:
                    card.decide(event.decision)
        return reveals
