"""A vertical scrollbar that draws its lines itself, for the replay's widgets that draw their own.

Every step of the replay moves a scrollbar or two (the timeline's, a window's), and Textual draws
a scrollbar as any widget: its bar through a Rich console, then each line through the styles
cache (borders, padding, tint: a scrollbar has none), about 2 ms for a bar of 40 lines, 6 ms of
a jump at 160x50. This one makes the same lines from the same segments directly (0.5 ms), and
keeps the lines of the states it has drawn lately, so a bar back where it was (Home, a step
back and forth) costs nothing. What it draws is Textual's ScrollBar drawing, line for line
(tests/test_ui_replay_scrollbar.py holds it to that); anything it does not know how to draw plainly
(a tint, an opacity, a border, a horizontal bar) goes to Textual's own path."""

from __future__ import annotations

from itertools import islice
from typing import Any, cast

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.cache import LRUCache
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget


class LineScrollBar(ScrollBar):
    """Textual's vertical ScrollBar, its lines made without the styles cache and kept."""

    _drawn: LRUCache[tuple[Any, ...], list[Strip]] = LRUCache(maxsize=64)  # shared: many bars have one size

    def _plain(self) -> bool:
        """Nothing but the bar to draw: no border, padding, outline, tint or opacity."""
        styles = self.styles
        return (self.vertical and not styles.gutter and not any(edge for edge, _ in styles.outline)
                and not styles.tint.a and styles.text_opacity == 1.0 and self.opacity == 1.0
                and (not styles.has_rule("hatch") or styles.hatch == "none"))

    def warm(self, virtual_size: int, position: float) -> None:
        """Draw and keep ahead the lines this bar will draw once its widget holds
        `virtual_size` lines scrolled to `position` (End, made ahead while the screen is idle);
        the bar's own state is left as it was, and nothing is refreshed."""
        if self.parent is None or not self.display or not self._plain():
            return
        before = (self.window_virtual_size, self.position)
        self.set_reactive(ScrollBar.window_virtual_size, virtual_size)
        self.set_reactive(ScrollBar.position, self.validate_position(position))
        try:
            self.render_lines(Region(0, 0, *self.size))  # what the compositor asks of a whole bar
        finally:
            self.set_reactive(ScrollBar.window_virtual_size, before[0])
            self.set_reactive(ScrollBar.position, before[1])

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.parent is None or not self._plain():  # no parent: going, with its lines as they were
            return super().render_lines(crop)
        bar = self.render()
        if not isinstance(bar, ScrollBarRender):
            return super().render_lines(crop)
        width, height = self.size
        base_background, background = self.background_colors
        filters = tuple(self.get_line_filters())
        pre_style = self.visual_style.rich_style
        key = (crop, width, height, bar.virtual_size, bar.window_size, bar.position, bar.style, pre_style,
               base_background, background, filters)
        lines = self._drawn.get(key)
        if lines is None:
            lines = self._lines(bar, width, height, pre_style, base_background, background, filters, crop)
            self._drawn[key] = lines
        return lines

    def _lines(self, bar: ScrollBarRender, width: int, height: int, pre_style: RichStyle, base_background: Any,
               background: Any, filters: tuple[Any, ...], crop: Region) -> list[Strip]:
        # As Textual draws it: the bar's segments (ScrollBarRender.render_bar, as its
        # __rich_console__ calls it) under the widget's style, cut into lines of the width
        # (RichVisual), each line filled out to the width and filtered (the styles cache).
        inner = RichStyle(bgcolor=(base_background + background).rich_color)
        style = bar.style if isinstance(bar.style, RichStyle) else RichStyle.parse(bar.style)
        segments = bar.render_bar(
            size=height, window_size=bar.window_size, virtual_size=bar.virtual_size, position=bar.position,
            vertical=True, thickness=width, back_color=style.bgcolor or RichColor.parse("#555555"),
            bar_color=style.color or RichColor.parse("bright_magenta"))
        pieces: list[Segment] = []
        for segment in segments.segments:
            pieces += (segment, _NEW_LINE)
        styled = Segment.apply_style(pieces, style=pre_style)
        content = [Strip(line) for line in islice(Segment.split_and_crop_lines(
            styled, width, include_new_lines=False, pad=False), None, height)]
        content += [Strip.blank(width, inner)] * (height - len(content))
        lines = [Strip(line.adjust_cell_length(width, inner)._segments, width) for line in content]
        for line_filter in filters:
            lines = [line.apply_filter(line_filter, background) for line in lines]
        lines = lines[crop.y: crop.y + crop.height]
        if crop.column_span != (0, width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines


_NEW_LINE = Segment.line()


class LineScrollBars:
    """For a widget that scrolls vertically: its vertical scrollbar is a LineScrollBar (made as
    Textual's own property makes its ScrollBar: on first use, hidden until the layout shows it)."""

    def warm_scrollbar(self, virtual_height: int, y: float) -> None:
        """Have the vertical bar draw ahead what it will show once the widget holds
        `virtual_height` lines and is scrolled to `y` (clamped as scroll_to clamps it)."""
        widget = cast(Widget, self)
        if not widget.show_vertical_scrollbar:
            return
        bar = widget.vertical_scrollbar
        if isinstance(bar, LineScrollBar):
            # As Widget.max_scroll_y works it out, for the virtual height to come.
            end = max(0, virtual_height - (widget.container_size.height - widget.scrollbar_size_horizontal))
            bar.warm(virtual_height, max(0, min(end, y)))

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        widget = cast(Widget, self)
        if widget._vertical_scrollbar is None:
            bar = LineScrollBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
            bar.display = False
            widget._vertical_scrollbar = bar
            widget.app._start_widget(widget, bar)
        return widget._vertical_scrollbar
