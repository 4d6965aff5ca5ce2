"""A transcript's events as a list, one short line each: the replay screen's timeline.

A transcript may hold 100,000 events: the timeline never builds a line for each of them. It is a
line-API widget that knows only how many events there are; the few lines on screen are drawn
when they are shown, and kept in a small cache."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from game.model.events import (
    AssistantMessage,
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Narration,
    Notice,
    SceneEntered,
    SystemPrompt,
)
from game.ui.text import excerpt, label_content, plain
from game.ui.widgets.kept_lines import KeptLines
from game.ui.widgets.lines_view import line_strip
from game.ui.widgets.scrollbar import LineScrollBars

SOURCE_MARK = {"scripted": "scripted", "recorded": "recorded", "imported": "imported", "live": "recorded"}


def _who(address: str) -> str:
    """`Ruth Okafor <ruth@...>` -> `Ruth Okafor`."""
    return address.split("<")[0].strip() or address


def event_line(event: Any, width: int = 60) -> Content:
    """One line that names an event; every piece of transcript text goes through `plain`."""
    if isinstance(event, SceneEntered):
        clock = f"{event.clock} " if event.clock else ""
        title = plain(excerpt(event.title or event.scene, width), "bold")
        return Content.assemble(("§ ", "$accent"), (clock, "dim"), title)
    if isinstance(event, Narration):
        return Content.assemble(("  ", ""), plain(excerpt(event.text, width), "italic"))
    if isinstance(event, EmailDelivered):
        return Content.assemble(("✉ ", "dim"), plain(excerpt(_who(event.sender), 18), "bold"), ": ",
                                plain(excerpt(event.subject, width)))
    if isinstance(event, AssistantTurn):
        mark = SOURCE_MARK.get(event.source, event.source)
        return Content.assemble(("◆ ", "$accent"), plain(f"turn {event.turn_id} "), label_content(event.label),
                                (f" · {mark}", "$warning" if mark == "scripted" else "dim"))
    if isinstance(event, EmailBounced):
        return Content.assemble(("↩ ", "dim"), ("bounced: ", "dim"), plain(excerpt(event.to, width)))
    if isinstance(event, ChoiceOffered):
        return Content.assemble(("? ", "$accent"), plain(excerpt(event.prompt or "a choice", width)))
    if isinstance(event, ChoiceMade):
        return Content.assemble(("→ ", "$accent"), plain(excerpt(event.label, width), "bold"))
    if isinstance(event, EmailsDecided):
        tick = ("✓ ", "$success") if event.decision == "released" else ("✗ ", "$error")
        return Content.assemble(tick, plain(f"emails of {event.turn_id} {event.decision}"))
    if isinstance(event, AssistantMessage):
        return Content.assemble(("✉ ", "dim"), plain(excerpt(_who(event.sender), 18), "bold"), (" → assistant", "dim"))
    if isinstance(event, SystemPrompt):
        return Content.assemble(("⚙ ", "dim"), ("system prompt: ", "bold"), plain(excerpt(event.text, width)))
    if isinstance(event, Notice):
        return Content.assemble(("! ", "$warning"), plain(excerpt(event.text, width), "italic"))
    if isinstance(event, Ending):
        return Content.assemble(("■ ", "$accent"), ("ending: ", "bold"), plain(excerpt(event.title, width), "bold"))
    return plain(type(event).__name__)


class Timeline(LineScrollBars, ScrollView, can_focus=True):
    """Every event of a transcript, in order, one line each; the highlighted one is where the
    replay stands. Keys and mouse as in an option list: Up/Down, PageUp/PageDown, Home/End to
    move, Enter or a click to choose.

    Its parts use the option list's component class names, so that the app's styles for the
    timeline's highlighted line apply."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page Down", show=False),
        Binding("pageup", "page(-1)", "Page Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "option-list--option",
        "option-list--option-highlighted",
        "option-list--option-hover",
    }
    DEFAULT_CSS = """
    Timeline {
        height: auto;
        max-height: 100%;
        color: $foreground;
        background: $surface;
        border: tall $border-blurred;
        padding: 0 1;
        overflow-x: hidden;
        & > .option-list--option-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .option-list--option-hover {
            background: $block-hover-background;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .option-list--option-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    # Not repainting the whole widget when set: their watchers refresh the two lines that change
    # (a scroll to the highlight repaints what it moves). A step would otherwise draw every
    # line of the timeline again.
    highlighted: reactive[int | None] = reactive(None, repaint=False)
    _hover: reactive[int | None] = reactive(None, repaint=False)

    class Moved(Message):
        def __init__(self, timeline: Timeline, index: int) -> None:
            super().__init__()
            self.timeline = timeline
            self.index = index

        @property
        def control(self) -> Timeline:
            return self.timeline

    class Highlighted(Moved):
        """The highlight moved to event `index` (sent after the fact: it may be stale by the
        time it is handled; compare with the timeline's `highlighted`)."""

    class Selected(Moved):
        """Enter or a click on event `index`."""

    def __init__(self, events: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._styles_cache = KeptLines()  # a scroll finishes only the lines it has not finished before
        self.events = events
        self._lines: LRUCache[tuple[int, Any, int], Strip] = LRUCache(maxsize=1024)
        self._content: LRUCache[int, Content] = LRUCache(maxsize=1024)
        if events:
            self.set_reactive(Timeline.highlighted, 0)

    # -- size and drawing ------------------------------------------------------------------
    def on_mount(self) -> None:
        self._set_virtual_size()

    def on_resize(self) -> None:
        self._lines.clear()
        self._set_virtual_size()
        self.scroll_to_highlight()

    def on_show(self) -> None:
        self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        self._lines.clear()
        super().notify_style_update()

    def _set_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.events))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.events)

    def line_content(self, index: int) -> Content:
        content = self._content.get(index)
        if content is None:
            content = event_line(self.events[index])
            self._content[index] = content
        return content

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self.events):
            return Strip.blank(width, self.get_visual_style("option-list--option").rich_style)
        return self._line(index, index == self.highlighted, index == self._hover, width)

    def _line(self, index: int, highlighted: bool, hover: bool, width: int) -> Strip:
        if highlighted:
            style = self.get_visual_style("option-list--option", "option-list--option-highlighted")
        elif hover:
            style = self.get_visual_style("option-list--option", "option-list--option-hover")
        else:
            style = self.get_visual_style("option-list--option")
        key = (index, style, width)
        strip = self._lines.get(key)
        if strip is None:
            # A quarter of Visual.to_strips. No meta for the mouse: where it is says which event.
            strip = line_strip(self.line_content(index), width, style)
            self._lines[key] = strip
        return strip

    def prepare(self, index: int) -> None:
        """Draw and finish ahead the lines a move of the highlight to event `index` would
        bring on screen (End, while the screen is idle: see KeptLines.warm), whichever way it
        scrolls; what the timeline shows does not change."""
        width, height = self.scrollable_content_region.size
        if width <= 0 or not height or not self.events or not isinstance(self._styles_cache, KeptLines):
            return
        index = max(0, min(len(self.events) - 1, index))
        first, last = max(0, index - height + 1), min(len(self.events), index + height)
        lines = [self._line(n, n == index, n == self._hover, width) for n in range(first, last)]
        self._styles_cache.warm(self, lines)
        # Where scroll_to_highlight would scroll: the least that brings the line into view.
        y = self.scroll_offset.y
        y = index if index < y else index - height + 1 if index >= y + height else y
        self.warm_scrollbar(len(self.events), y)

    # -- the highlight ---------------------------------------------------------------------
    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self.events:
            return None
        return max(0, min(len(self.events) - 1, highlighted))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self.refresh_line(index)
        if new is not None:
            self.scroll_to_highlight()
            self.post_message(self.Highlighted(self, new))

    def watch__hover(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self.refresh_line(index)

    def scroll_to_highlight(self, top: bool = False) -> None:
        if self.highlighted is None or not self.is_mounted:
            return
        self.scroll_to_region(Region(0, self.highlighted, self.scrollable_content_region.width, 1),
                              force=True, animate=False, top=top, immediate=True)

    def action_move(self, delta: int) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted + delta

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height))

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self.events) - 1

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    # -- the mouse -------------------------------------------------------------------------
    def _event_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = self.scroll_offset.y + offset.y
        return index if 0 <= index < len(self.events) else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover = self._event_at(event)

    def on_leave(self, _: events.Leave) -> None:
        self._hover = None

    def on_click(self, event: events.Click) -> None:
        index = self._event_at(event)
        if index is not None:
            self.highlighted = index
            self.action_select()
