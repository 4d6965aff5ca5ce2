"""Finished lines kept by the line they were made from, for the widgets that draw their own lines.

Textual finishes each line a widget draws in the widget's styles cache (its border, padding,
tint) and keeps it by its row: when the widget scrolls, every row holds another line, and every
row is finished again (about 90 µs a line in the timeline: 4 ms a scroll, as much in the inbox).
The replay's timeline, inbox and windows keep the lines they draw (the same Strip object for the
same line), so a scroll mostly brings back lines finished before, in another row: KeptLines
keeps the finished line by the line it was made from, under the same styles, and gives it back
in any row. The border's rows, the padding's and any row without content are finished by
Textual as ever.

A widget that knows which lines a key will bring on screen can also have them finished ahead,
while the screen is idle (`warm`): the lines are finished as that widget's next paint would
finish them, under its styles as they are then, and kept the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual._styles_cache import StylesCache
from textual.cache import LRUCache
from textual.color import Color
from textual.content import Content
from textual.css.styles import StylesBase
from textual.geometry import Size, Spacing
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


class KeptLines(StylesCache):
    """A styles cache that also keeps each finished content line by the line it came from."""

    def __init__(self, lines: int = 512) -> None:
        super().__init__()
        self._kept: LRUCache[int, tuple[Strip, tuple[Any, ...], Strip]] = LRUCache(maxsize=lines)
        self._styles: tuple[Any, ...] = ()

    def render(self, styles: StylesBase, size: Size, *args: Any, **kwargs: Any) -> list[Strip]:
        self._styles = _finish_styles(styles)
        return super().render(styles, size, *args, **kwargs)

    def warm(self, widget: Widget, lines: list[Strip]) -> None:
        """Finish `lines` (content lines `widget` will draw) as its next paint would, with
        what Textual's render_widget passes for it now, and keep them; lines already kept under
        the same styles cost nothing. Only the styles' content rows are finished here, and
        only when the widget has such a row (see render_line)."""
        size, content_size = widget.region.size, widget.content_region.size
        styles = widget.styles
        y = max(1, styles.gutter.top)  # a content row: what it finishes does not depend on which
        if not lines or not (y < size.height - 1 and y < size.height - styles.gutter.bottom
                             and y - styles.gutter.top < content_size.height):
            return
        saved = self._styles
        self._styles = _finish_styles(styles)
        base_background, background = widget.background_colors
        app = widget.app
        filters = widget.get_line_filters()
        try:
            for line in lines:
                finished = self.render_line(styles, y, size, content_size, styles.padding, base_background,
                                            background, _given(line), None, None, widget.opacity,
                                            app.ansi_theme, app.native_ansi_color)
                for line_filter in filters:  # as render applies them, kept by the strip itself
                    finished = finished.apply_filter(line_filter, background)
        finally:
            self._styles = saved

    def render_line(self, styles: StylesBase, y: int, size: Size, content_size: Size, padding: Spacing,
                    base_background: Color, background: Color, render_content_line: Callable[[int], Strip],
                    border_title: tuple[Content, Color, Color, Style] | None,
                    border_subtitle: tuple[Content, Color, Color, Style] | None, opacity: float,
                    ansi_theme: Any, native_ansi: bool) -> Strip:
        gutter = styles.gutter
        content_y = y - gutter.top
        # Only the rows between the border's, the padding's and the outline's, with content.
        if not (0 < y < size.height - 1 and gutter.top <= y < size.height - gutter.bottom
                and content_y < content_size.height):
            return super().render_line(styles, y, size, content_size, padding, base_background, background,
                                       render_content_line, border_title, border_subtitle, opacity, ansi_theme,
                                       native_ansi)
        line = render_content_line(content_y)
        under = (self._styles, size, content_size, padding, base_background, background, opacity, ansi_theme,
                 native_ansi)
        kept = self._kept.get(id(line))
        if kept is not None and kept[0] is line and kept[1] == under:
            return kept[2]
        finished = super().render_line(styles, y, size, content_size, padding, base_background, background,
                                       lambda _y: line, border_title, border_subtitle, opacity, ansi_theme,
                                       native_ansi)
        self._kept[id(line)] = (line, under, finished)
        return finished


def _given(line: Strip) -> Callable[[int], Strip]:
    return lambda _y: line


def _finish_styles(styles: StylesBase) -> tuple[Any, ...]:
    """What a content row's finish reads from the styles (the rest comes with each row)."""
    return (styles.gutter, styles.border, styles.outline, styles.text_opacity, styles.tint,
            styles.hatch if styles.has_rule("hatch") else None)
