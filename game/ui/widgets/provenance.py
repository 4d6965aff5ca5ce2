"""The always-visible strip that says where the assistant's words come from and under which
condition the story runs. Every screen that shows assistant text shows this."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from game.render.provenance import SOURCE_TAG, Banner
from game.ui.text import plain


class ProvenanceBar(Static):
    """Two lines: the source (kept visible in every mode) and the condition, role and clock."""

    source: reactive[str] = reactive("scripted")
    detail: reactive[str] = reactive("")
    condition: reactive[str] = reactive("")
    clock: reactive[str] = reactive("")

    def render(self) -> Content:
        tag, note = SOURCE_TAG.get(self.source, (self.source.upper(), ""))
        first = Content.assemble(
            (f" {tag} ", f"bold reverse {'$warning' if self.source == 'scripted' else '$accent'}"),
            " ",
            plain(self.detail or note),
        )
        second = plain(self.condition)
        if self.clock:
            second = Content.assemble(second, "  ", (self.clock, "bold"))
        return Content("\n").join([first, second])

    def show(self, banner: Banner) -> None:
        self.source = banner.source
        self.detail = banner.detail

    def watch_source(self, source: str) -> None:
        self.set_class(source == "scripted", "-scripted")
