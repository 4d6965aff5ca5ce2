"""Textual's Header, made safe to pop quickly."""

from __future__ import annotations

from textual import events
from textual.widgets import Header as TextualHeader
from textual.widgets import Static


class Header(TextualHeader):
    """Textual's Header updates its title from a watcher that runs after mounting. If the
    screen was dismissed in between (Escape pressed as the screen opened), its children are
    gone and the update raised NoMatches out of Textual, ending the app. Here the update is
    skipped when there is no title left to update."""

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # instead of Textual's handler, not as well as it

        async def set_title() -> None:
            titles = self.query("HeaderTitle")
            if titles and self.is_attached:
                titles.first(Static).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
