"""The player's options as buttons, one per line, reachable with the number keys 1-9."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalGroup
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from game.ui.text import plain


class ChoiceButton(Button):
    def __init__(self, number: int, option_id: str, label: str, freeform: bool) -> None:
        super().__init__(Content.assemble((f"{number} ", "bold"), plain(label)), compact=True,
                         id=f"opt-{option_id}", classes="choice")
        self.option_id = option_id
        self.freeform = freeform


class ChoiceBar(VerticalGroup):
    class Chosen(Message):
        def __init__(self, option_id: str, freeform: bool) -> None:
            super().__init__()
            self.option_id = option_id
            self.freeform = freeform

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # The buttons of the offer still open. A press arrives as a message, after the fact: a
        # second key or click before the first is handled must not choose again (there is no
        # choice left to make, or it would answer the next one unseen).
        self._open: list[ChoiceButton] = []

    def compose(self) -> ComposeResult:
        yield Static(id="choice-context")
        yield Static(id="choice-prompt")

    def on_mount(self) -> None:
        self.display = False

    def offer(self, prompt: str, options: list[tuple[str, str, bool]], context: Content | None = None) -> None:
        """Show `options` as (id, label, freeform), under `context` (the words that prompted
        the choice) when there is one."""
        self.clear()
        shown = self.query_one("#choice-context", Static)
        shown.display = context is not None
        shown.update(context or "")
        self.query_one("#choice-prompt", Static).update(plain(prompt, "bold"))
        buttons = [ChoiceButton(n, oid, label, free) for n, (oid, label, free) in enumerate(options, start=1)]
        self._open = buttons
        self.mount_all(buttons)
        self.display = True
        if buttons:
            buttons[0].focus()

    @property
    def open_buttons(self) -> list[ChoiceButton]:
        return list(self._open)

    def clear(self) -> None:
        self._open = []
        self.query(ChoiceButton).remove()
        self.display = False

    def press_number(self, number: int) -> bool:
        buttons = self._open
        if self.display and 1 <= number <= len(buttons):
            buttons[number - 1].press()
            return True
        return False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, ChoiceButton) and any(event.button is b for b in self._open):
            self.clear()
            self.post_message(self.Chosen(event.button.option_id, event.button.freeform))
