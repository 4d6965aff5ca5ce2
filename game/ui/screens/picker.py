"""Pick a transcript from the library to replay."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, ListItem, ListView, Static

from game.library import Library, worst_label
from game.ui.text import plain


class TranscriptPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, library: Library, paths: list[str] | None = None, title: str = "Open a transcript") -> None:
        super().__init__()
        self.library = library
        self.paths = paths
        self.heading = title

    def compose(self) -> ComposeResult:
        wanted = set(self.paths) if self.paths is not None else None
        items = []
        for t in self.library.transcripts:
            if wanted is not None and t.path not in wanted:
                continue
            h = t.header
            label = worst_label(t) or "no turns"
            line = Content.assemble(plain(Path(t.path).name, "bold"), "\n  ",
                                    plain(f"{h.provenance.describe()} · {h.role} · {h.condition_id} · {label}"))
            item = ListItem(Label(line, markup=False))
            item.path = t.path  # type: ignore[attr-defined]
            items.append(item)
        with Vertical(id="dialog"):
            yield Static(plain(self.heading, "bold"))
            if items:
                yield ListView(*items, id="picker")
            else:
                yield Static("No transcripts here.", markup=False)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        self.dismiss(getattr(event.item, "path", None))
