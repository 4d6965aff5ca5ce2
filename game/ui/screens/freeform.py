"""Typing your own words to the assistant. What they say is read against the other options
(game.core.reading, with the phrases the scenario gives them): a reply that clearly means one
of them takes it, one that might is asked about ("Did you mean: postpone?"), and anything else
reaches the assistant as typed."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from game.core.engine import AwaitChoice
from game.ui.text import plain


@dataclass(frozen=True)
class Reply:
    text: str
    option_id: str | None = None  # the option the words were read as; None: the words as typed
    gist: str = ""


class FreeformScreen(ModalScreen[Reply | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
    ]

    def __init__(self, pending: AwaitChoice | None = None) -> None:
        super().__init__()
        self.pending = pending
        self._asking: Reply | None = None  # the reading asked about, and the words typed

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Write your message. Enter sends it, Escape cancels.", markup=False)
            yield Input(placeholder="Your words...", id="freeform-input", max_length=2000)
            yield Static(id="did-you-mean")
            with Horizontal(id="did-you-mean-buttons"):
                yield Button("Yes (y)", id="mean-yes", compact=True)
                yield Button("No, send my words (n)", id="mean-no", compact=True)

    def on_mount(self) -> None:
        self._show_question(False)

    def _show_question(self, shown: bool) -> None:
        self.query_one("#did-you-mean").display = shown
        self.query_one("#did-you-mean-buttons").display = shown
        self.query_one("#freeform-input").display = not shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return self._asking is not None  # y and n are letters to type until then
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        reading = self.pending.read(text) if self.pending else None
        if reading is None or reading.certainty == "none":
            self.dismiss(Reply(text))
        elif reading.certainty == "sure":
            self.dismiss(Reply(text, reading.option_id, reading.gist))
        else:
            self._asking = Reply(text, reading.option_id, reading.gist)
            self.query_one("#did-you-mean", Static).update(
                Content.assemble(("Did you mean: ", "bold"), plain(reading.gist, "bold $accent"), ("?", "bold")))
            self._show_question(True)
            self.query_one("#mean-yes", Button).focus()
            self.refresh_bindings()

    def action_answer(self, yes: bool) -> None:
        asked = self._asking
        if asked is None:
            return
        self.dismiss(asked if yes else Reply(asked.text))

    @on(Button.Pressed, "#mean-yes")
    def _yes(self) -> None:
        self.action_answer(True)

    @on(Button.Pressed, "#mean-no")
    def _no(self) -> None:
        self.action_answer(False)

    def action_cancel(self) -> None:
        self.dismiss(None)
