"""F1: help for the screen you are on, plus the keys that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

EVERYWHERE = """
## Everywhere

- **F1** this help · **Ctrl+P** command palette (go to a screen, restart under another condition,
  open a transcript, change theme) · **Escape** back · **Ctrl+Q** quit.
- The bar under the header always says where the assistant's words come from.
"""


class HelpScreen(ModalScreen[None]):
    """Scrolls when it does not fit (80x24 shows about half of the play screen's help):
    Up/Down, Page Up/Down, Home/End or the mouse wheel."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", can_focus=True) as box:
            box.border_title = "Help"
            box.border_subtitle = "↑↓ PgUp PgDn scroll · Esc close"
            yield Markdown(self.text.strip() + "\n" + EVERYWHERE)

    def on_mount(self) -> None:
        self.query_one("#help").focus()
