"""Pick a transcript from the library to replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, ListItem, ListView, Static

from game.render.provenance import short
from game.store.library import Library, worst_label
from game.ui.text import label_content, plain


def entry(transcript: Any) -> Content:
    """What tells transcripts apart comes first (the file names share long prefixes and were
    all cut the same way at 80 columns): what the assistant did, the role and where the
    transcript comes from; then the condition; then the file name."""
    h = transcript.header
    label = worst_label(transcript)
    where = short(transcript.provenance)
    condition = " · ".join(f"{name.split('_')[0]} {level}" for name, level in h.condition.items())
    return Content.assemble(
        label_content(label) if label else Content("no turns").stylize("dim"), "  ",
        plain(h.role, "bold"), ("  ·  ", "dim"), plain(where), "\n  ",
        plain(condition), "\n  ", plain(Path(transcript.path).name, "dim"),
    )


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
            item = ListItem(Label(entry(t), markup=False))
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
