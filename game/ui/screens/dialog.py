"""A small modal question with buttons, for the moments the story cannot go on by itself."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from game.ui.text import plain

PER_ROW = 3


class Ask(ModalScreen[str]):
    """Shows `message` and returns the id of the button pressed (or "cancel" on Escape)."""

    BINDINGS = [Binding("escape", "dismiss('cancel')", "Cancel")]

    def __init__(self, title: str, message: str, buttons: list[tuple[str, str]]) -> None:
        super().__init__()
        self.heading = title
        self.message = message
        self.buttons = buttons

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(plain(self.heading, "bold"))
            yield Static(plain(self.message), id="dialog-message")
            with Vertical(id="dialog-buttons"):
                # Rows of three at most: five answers in one row run off a 70-column dialog.
                for start in range(0, len(self.buttons), PER_ROW):
                    with HorizontalGroup(classes="dialog-row"):
                        for key, label in self.buttons[start:start + PER_ROW]:
                            yield Button(plain(label), id=f"ask-{key}", compact=True)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "ask-cancel").removeprefix("ask-"))
