"""The replay's scrollbar (game/ui/widgets/scrollbar.py) draws what Textual's ScrollBar draws, line
for line and segment for segment, in every state a bar can be in."""

from __future__ import annotations

import itertools

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar

from game.ui.widgets.lines_view import LinesView
from game.ui.widgets.scrollbar import LineScrollBar
from game.ui.widgets.timeline import Timeline


class Two(App[None]):
    CSS = "LinesView, Timeline { height: 12; } #thick { scrollbar-size-vertical: 2; }"

    def compose(self) -> ComposeResult:
        yield LinesView(id="thin")
        yield LinesView(id="thick")
        yield Timeline(list(range(500)), id="timeline")


def textual_lines(bar: ScrollBar, crop: Region) -> list:
    bar._set_dirty()  # nothing kept from before
    return [list(strip) for strip in ScrollBar.render_lines(bar, crop)]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_bar_is_textuals_bar_in_every_state(theme):
    app = Two()
    app.theme = theme
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        bars = [widget.vertical_scrollbar for widget in app.query("LinesView, Timeline")]
        assert all(isinstance(bar, LineScrollBar) for bar in bars)
        compared = 0
        for bar in bars:
            width, height = bar.size
            assert height > 1
            crops = [Region(0, 0, width, height), Region(0, 3, width, height - 5), Region(0, 0, 1, height)]
            for virtual, window, position in itertools.product((0, 1, 13, 40, 97, 5000), (0, 1, 12, 13, 40),
                                                               (0, 0.5, 3.25, 27, 96, 4990)):
                bar.window_virtual_size, bar.window_size, bar.position = virtual, window, position
                for over, crop in itertools.product((False, True), crops):
                    bar.mouse_over = over
                    ours = [list(strip) for strip in bar.render_lines(crop)]
                    assert ours == textual_lines(bar, crop), (bar.parent, virtual, window, position, over, crop)
                    assert [list(s) for s in bar.render_lines(crop)] == ours  # kept, and the same again
                    compared += 1
        assert compared > 1000
        # Focus changes the timeline's colours, and so its bar's.
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.pause()
        bar = timeline.vertical_scrollbar
        region = Region(0, 0, *bar.size)
        assert [list(strip) for strip in bar.render_lines(region)] == textual_lines(bar, region)
