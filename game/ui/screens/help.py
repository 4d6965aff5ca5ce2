"""F1: help for the screen you are on, plus the keys that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown

EVERYWHERE = """
## Everywhere

- **F1** this help · **Ctrl+P** command palette (go to a screen, restart under another condition,
  open a transcript, change theme) · **Escape** back · **Ctrl+Q** quit.
- The bar under the header always says where the assistant's words come from.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Markdown(self.text.strip() + "\n" + EVERYWHERE)
