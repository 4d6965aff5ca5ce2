"""What a terminal shows of the replay after each key is what a full repaint draws.

Textual sends a terminal only the lines (and parts of lines) that changed; a widget that does not
say that a line changed leaves the old one on screen. The replay's widgets draw their own lines
and keep them cached, and say themselves what changed (see game/ui/widgets/), so here every
update the app sends is applied to a grid of cells, as a terminal applies it, and after each key
the grid is compared with the whole screen drawn again from nothing (every cache emptied)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual._styles_cache import StylesCache
from textual.strip import Strip
from textual.widget import Widget

from game.ui.app import DecommissionApp
from game.ui.widgets.scrollbar import LineScrollBar

from .test_ui_replay import MINI_CONFIG, open_at_end, open_replay, settle, write_long

Cell = tuple[str, Any]


class Glass:
    """A terminal's screen: each cell's character and style, as the updates left it."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows: list[list[Cell | None]] = [[None] * width for _ in range(height)]

    def write(self, x: int, y: int, strip: Strip) -> None:
        if not 0 <= y < self.height:
            return
        row = self.rows[y]
        for text, style, control in strip:
            if control:
                continue
            for char in text:
                width = cell_len(char)
                for n in range(width):
                    if 0 <= x + n < self.width:
                        row[x + n] = (char if not n else "", style)
                x += width

    def apply(self, update: Any) -> None:
        """An update as the compositor hands it to the driver (see its render_segments)."""
        if isinstance(update, LayoutUpdate):
            x = update.region.x
            for y, line in enumerate(update.strips, update.region.y):
                self.write(x, y, Strip.join(list(line)))
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    if not (x2 > x >= x1 and end <= x2):
                        strip = strip.crop(0, min(end, x2) - x)
                    self.write(x, y, strip)

    def text(self) -> list[str]:
        return ["".join(cell[0] if cell else "?" for cell in row) for row in self.rows]


def watch(app: DecommissionApp) -> Glass:
    """A Glass that every update of `app` from now on is applied to (headless, the app sends
    none to its driver)."""
    glass = Glass(*app.size)
    display = app._display

    def shown(screen: Any, update: Any) -> None:
        if update is not None:
            glass.apply(update)
        display(screen, update)

    app._display = shown  # type: ignore[method-assign]
    return glass


def repainted(app: DecommissionApp) -> Glass:
    """The whole screen drawn again from nothing: every widget's lines finished by a new styles
    cache of Textual's own (not the ones the widgets keep), the scrollbars' kept lines thrown
    away; then the widgets get their caches back, none the wiser (nothing is marked to repaint)."""
    screen = app.screen
    widgets: list[Widget] = [screen, *screen.walk_children(Widget)]
    for widget in list(widgets):
        widgets += [bar for bar in (widget._vertical_scrollbar, widget._horizontal_scrollbar) if bar is not None]
    caches = [widget._styles_cache for widget in widgets]
    LineScrollBar._drawn.clear()
    for widget in widgets:
        widget._styles_cache = StylesCache()
    try:
        glass = Glass(*app.size)
        for y, strip in enumerate(screen._compositor.render_strips()):
            glass.write(0, y, strip)
    finally:
        for widget, cache in zip(widgets, caches, strict=True):
            widget._styles_cache = cache
    return glass


async def same_as_repainted(app: DecommissionApp, glass: Glass, what: str) -> None:
    fresh = repainted(app)
    if glass.rows != fresh.rows:
        changed = [y for y in range(glass.height) if glass.rows[y] != fresh.rows[y]]
        shown, drawn = glass.text(), fresh.text()
        detail = "\n".join(f"{y:>3} shown: {shown[y]}\n    drawn: {drawn[y]}" for y in changed[:6])
        raise AssertionError(f"after {what}: {len(changed)} lines on screen differ from a full repaint "
                             f"(a difference in style only when the texts agree)\n{detail}")


@pytest.mark.parametrize("role", ["engineer", "operator"])
async def test_what_the_terminal_shows_after_each_key_is_a_full_repaint(role):
    path = write_long("long", 600, role)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        glass = watch(app)
        screen = await open_replay(app, pilot, path)
        await pilot.pause()
        app.screen.refresh()  # the first paint in full, from here on what each key changes
        await pilot.pause()
        await same_as_repainted(app, glass, "opening")
        keys = ["end", "left", "left", "right", "home", "right", "right", "right", "down", "down", "pagedown",
                "up", "end", "pageup", "pageup", "left", "home", "end", "tab", "up", "down", "tab", "home"]
        for n, key in enumerate(keys):
            await pilot.press(key)
            await settle(pilot, screen)
            await pilot.pause()
            await same_as_repainted(app, glass, f"key {n + 1} ({' '.join(keys[: n + 1])})")


async def test_a_step_draws_again_only_the_two_timeline_lines_it_moves_between(monkeypatch):
    """The highlight moves from one line to the next: those two are drawn again, not every
    line of the timeline (setting the highlight repainted the whole widget)."""
    from game.ui.widgets.timeline import Timeline

    path = write_long("long", 600)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        screen = await open_at_end(app, pilot, path)
        await pilot.pause()
        glass = watch(app)
        app.screen.refresh()
        await pilot.pause()
        drawn: list[int] = []
        render_line = Timeline.render_line
        monkeypatch.setattr(Timeline, "render_line", lambda self, y: drawn.append(y) or render_line(self, y))
        for key in ("left", "left", "right"):
            await pilot.press(key)
            await settle(pilot, screen)
            await pilot.pause()
        assert len(drawn) == 6, drawn
        await same_as_repainted(app, glass, "three steps")


async def test_the_mouse_finds_the_event_and_the_letter_under_it():
    """The timeline's and the inbox's lines carry no meta for the mouse (it made every line's
    styles unique, and every cache after it miss): where the mouse is says which line it is
    on, under the border, scrolled or not, and nothing on the border or past the last line."""
    from game.ui.widgets.story_view import ReplayInbox
    from game.ui.widgets.timeline import Timeline

    path = write_long("long", 600)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        glass = watch(app)
        app.screen.refresh()
        await pilot.pause()
        timeline = screen.query_one(Timeline)
        top = timeline.content_region.y - timeline.region.y  # the border's rows above the first line
        await pilot.hover(Timeline, offset=(6, top + 3))
        await pilot.pause()
        assert timeline._hover == 3
        await same_as_repainted(app, glass, "hovering over event 4")
        await pilot.hover(Timeline, offset=(6, 0))  # the border
        await pilot.pause()
        assert timeline._hover is None
        await pilot.press("end")
        await settle(pilot, screen)
        await pilot.hover(Timeline, offset=(6, top + 2))
        await pilot.pause()
        assert timeline._hover == timeline.scroll_offset.y + 2 > 500
        await pilot.click(Timeline, offset=(6, top + 2))
        await settle(pilot, screen)
        assert screen.shown == timeline.scroll_offset.y + 2
        inbox = screen.query_one(ReplayInbox)
        inbox_top = inbox.content_region.y - inbox.region.y
        row = (inbox.scroll_offset.y + 5 - inbox._note_height) // 2
        await pilot.hover(ReplayInbox, offset=(4, inbox_top + 5))
        await pilot.pause()
        assert inbox._hover == row
        await same_as_repainted(app, glass, "hovering over a letter")
