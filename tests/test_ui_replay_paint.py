"""What a terminal shows of the replay after each key is what a full repaint draws.

Textual sends a terminal only the lines (and parts of lines) that changed; a widget that does not
say that a line changed leaves the old one on screen. The replay's widgets draw their own lines
and keep them cached, and say themselves what changed (see game/ui/widgets/), so here every
update the app sends is applied to a grid of cells, as a terminal applies it, and after each key
the grid is compared with the whole screen drawn again from nothing (every cache emptied)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from rich.cells import cell_len
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual._styles_cache import StylesCache
from textual.strip import Strip
from textual.widget import Widget

from game.ui.app import DecommissionApp
from game.ui.screens.replay import ReplayScreen
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


@asynccontextmanager
async def replay_watched(path: Any, **open_kw: Any) -> AsyncIterator[tuple[DecommissionApp, Any, Glass, ReplayScreen]]:
    """The app at 160x50 with the replay of `path` open, watched from before it opened, and its
    first paint drawn in full: what each key changes from here on is what the glass sees."""
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        glass = watch(app)
        screen = await open_replay(app, pilot, path, **open_kw)
        app.screen.refresh()
        await pilot.pause()
        yield app, pilot, glass, screen


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


# -- lines made ahead -------------------------------------------------------------------------
async def prepared(pilot, screen: ReplayScreen) -> None:
    """Wait until the replay has made End's lines ahead (it does once the screen is idle)."""
    for _ in range(400):
        if screen.prepared == len(screen.events) - 1:
            return
        await pilot.pause(0.01)
    raise AssertionError("the replay did not make End's lines ahead")


class Made:
    """Counts the lines made while it is on: wrapped in a window, drawn on the timeline or by a
    scrollbar, finished by a styles cache (a KeptLines that keeps nothing new, or Textual's own)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from game.ui.widgets import timeline
        from game.ui.widgets.lines_view import LinesView

        self.on = False
        self.wrapped = self.drawn = self.finished = self.bars = 0
        self.lines: list[str] = []
        wrap, line_strip, finish = LinesView._wrap, timeline.line_strip, StylesCache.render_line

        def counted_wrap(view: Any, *args: Any) -> Any:
            self.wrapped += self.on
            return wrap(view, *args)

        def counted_strip(*args: Any) -> Any:
            self.drawn += self.on
            return line_strip(*args)

        def counted_finish(cache: Any, styles: Any, y: int, size: Any, content_size: Any, *args: Any) -> Any:
            # Content rows only: a border's or the padding's rows are Textual's to finish as ever.
            top = styles.gutter.top
            if 0 < y < size.height - 1 and top <= y < size.height - styles.gutter.bottom \
                    and y - top < content_size.height:
                self.finished += self.on
                if self.on:
                    self.lines.append(args[3](y - top).text)
            return finish(cache, styles, y, size, content_size, *args)

        bar_lines = LineScrollBar._lines

        def counted_bar(bar: Any, *args: Any) -> Any:
            self.bars += self.on
            return bar_lines(bar, *args)

        monkeypatch.setattr(LineScrollBar, "_lines", counted_bar)
        monkeypatch.setattr(LinesView, "_wrap", counted_wrap)
        monkeypatch.setattr(timeline, "line_strip", counted_strip)
        monkeypatch.setattr(StylesCache, "render_line", counted_finish)


@pytest.mark.parametrize(("role", "before"), [("engineer", ()), ("operator", ()),
                                              ("engineer", ("end", "home", "right", "right")),
                                              ("operator", ("end", "left", "home", "right"))])
async def test_end_draws_the_lines_made_ahead_and_what_a_full_repaint_draws(role, before, monkeypatch):
    """While the reader looks at the story, the lines End would bring are made ahead (the
    timeline's last lines, each window's entries wrapped, every line finished as the paint
    finishes it, the scrollbars where End leaves them), at first and again after other keys (here with every cache emptied): End
    then wraps, draws and finishes no content line of the timeline, the inbox or the windows,
    draws no scrollbar, and the screen is what a full repaint from nothing draws."""
    from game.ui.widgets.kept_lines import KeptLines
    from game.ui.widgets.lines_view import LinesView
    from game.ui.widgets.story_view import ReplayInbox
    from game.ui.widgets.timeline import Timeline

    made = Made(monkeypatch)
    path = write_long("long", 600, role)
    async with replay_watched(path) as (app, pilot, glass, screen):
        for key in before:
            await pilot.press(key)
            await settle(pilot, screen)
        if before:  # what the caches kept of End is gone: it is made ahead again
            for widget in screen.query("LinesView, ReplayInbox, Timeline").results(Widget):
                assert isinstance(widget._styles_cache, KeptLines)
                widget._styles_cache._kept.clear()
            for view in screen.query(LinesView):
                view._wrapped.clear()
            screen.query_one(Timeline)._lines.clear()
            LineScrollBar._drawn.clear()
            screen.query_one(ReplayInbox)._rows.clear() if role == "engineer" else None
        await prepared(pilot, screen)
        finished: dict[str, int] = {}
        render_lines = Widget.render_lines

        def counted(widget: Widget, crop: Any) -> Any:
            before = made.finished
            lines = render_lines(widget, crop)
            if isinstance(widget, LinesView | ReplayInbox | Timeline):
                finished[type(widget).__name__] = finished.get(type(widget).__name__, 0) + made.finished - before
            return lines

        monkeypatch.setattr(Widget, "render_lines", counted)
        made.on = True
        await pilot.press("end")
        await settle(pilot, screen)
        await pilot.pause()
        made.on = False
        assert screen.shown == len(screen.events) - 1
        assert (made.wrapped, made.drawn, made.bars) == (0, 0, 0)
        assert finished and not any(finished.values()), (finished, made.lines)
        await same_as_repainted(app, glass, "End, its lines made ahead")


@pytest.mark.parametrize("role", ["engineer", "operator"])
async def test_keys_draw_with_lines_made_ahead_and_kept_what_they_draw_made_afresh(role, monkeypatch):
    """Every key draws the same screen whether its lines were made ahead and kept (End
    prepared while idle, entries kept by what they show) or made afresh at each key."""
    from game.ui.screens import replay
    from game.ui.widgets.lines_view import LinesView

    path = write_long("long", 600, role)
    keys = ["end", "left", "home", "end", "pageup", "left", "right", "home", "tab", "end", "up", "tab", "home"]
    drawings: dict[bool, list[list[str]]] = {}
    for ahead in (True, False):
        with monkeypatch.context() as patch:
            if not ahead:
                patch.setattr(replay.ReplayScreen, "_prepare_soon", lambda self: None)
                patch.setattr(LinesView, "_strips",
                              lambda self, content, look, width, keep=True: self._wrap(content, look, width,
                                                                                       self.visual_style))
            async with replay_watched(path) as (app, pilot, glass, screen):
                if ahead:
                    await prepared(pilot, screen)
                else:
                    await pilot.pause(0.5)
                    assert screen.prepared is None
                drawn = []
                for n, key in enumerate(keys):
                    await pilot.press(key)
                    await settle(pilot, screen)
                    await pilot.pause()
                    await same_as_repainted(app, glass, f"key {n + 1} ({' '.join(keys[: n + 1])})")
                    drawn.append(shown(glass))
                drawings[ahead] = drawn
    for n, key in enumerate(keys):
        assert drawings[True][n] == drawings[False][n], f"key {n + 1} ({key}) draws otherwise with lines made ahead"


def shown(glass: Glass) -> list[str]:
    """Each line of the glass as text and styles (the styles as Rich writes them)."""
    return ["".join(f"{cell[0]}\x00{cell[1]}" if cell else "?" for cell in row) for row in glass.rows]


async def test_end_while_playing_draws_the_lines_made_ahead(monkeypatch):
    """Playing, the story waits between events: End's lines are made ahead then too, and End
    pressed while it plays draws no new line, as a full repaint draws it."""
    made = Made(monkeypatch)
    path = write_long("long", 600, "operator")
    async with replay_watched(path, autoplay=True) as (app, pilot, glass, screen):
        for _ in range(600):  # made ahead, and nothing typing out: between two events
            if screen.playing and screen.prepared == len(screen.events) - 1 and all(r.done for r in screen._reveals):
                break
            await pilot.pause(0.01)
        else:
            raise AssertionError("End was not made ahead while the replay played")
        made.on = True
        await pilot.press("end")
        await settle(pilot, screen)
        await pilot.pause()
        made.on = False
        assert screen.shown == len(screen.events) - 1 and not screen.playing
        assert (made.wrapped, made.drawn, made.bars, made.finished) == (0, 0, 0, 0), made.lines
        await same_as_repainted(app, glass, "End while playing")
