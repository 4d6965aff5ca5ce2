"""LinesView, the replay's windows: entries drawn as lines of one widget, wrapped as needed."""

from __future__ import annotations

from textual.app import App, ComposeResult

from game.ui.widgets.lines_view import Entry, LinesView, Look


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield LinesView(id="view")


def entries(count: int, words: int = 60) -> list[Entry]:
    def make(n: int):
        return lambda: (f"entry {n}: " + " ".join(f"w{n}.{i}" for i in range(words)), Look(gap=n % 2 == 0))
    return [Entry(n, make(n)) for n in range(count)]


def screen_text(view: LinesView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


async def test_a_jump_wraps_what_shows_and_the_rest_when_the_reader_scrolls_up():
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        view.show(entries(30))
        await pilot.pause()
        # The end is in view, and only about two views' worth of lines were wrapped.
        assert "w29.59" in " ".join(screen_text(view))
        wrapped = len(view._lines)
        assert wrapped < 30 * 8 and view._waiting
        # Scrolled to the top of what is drawn, the entries above are drawn and the same lines
        # stay in view.
        top_before = view._lines[0].text.rstrip()
        view.scroll_to(y=0, animate=False, immediate=True, force=True)
        await pilot.pause()
        assert not view._waiting and len(view._lines) > wrapped
        assert view.scroll_y > 0 and screen_text(view)[0] == top_before
        view.scroll_to(y=0, animate=False, immediate=True, force=True)
        await pilot.pause()
        assert screen_text(view)[:2] == ["", "entry 0: w0.0 w0.1 w0.2 w0.3 w0.4 w0.5"]  # its gap, then it
        assert view.text() == [entry.make()[0] for entry in entries(30)]


async def test_a_changed_entry_is_drawn_again_and_the_others_are_kept():
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        first = entries(3, words=3)
        view.show(first)
        kept = view._drawn[0][3]
        changed, _ = view.show(first[:2] + [Entry(2, lambda: ("entry 2 again", Look()), version=1)])
        assert changed and view._drawn[0][3] is kept  # not wrapped again
        assert view.text()[-1] == "entry 2 again"
        assert not view.show(first[:2] + [Entry(2, lambda: ("never made", Look()), version=1)])[0]


async def test_a_card_is_framed_and_model_text_is_never_markup():
    app = One()
    async with app.run_test(size=(30, 12)) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        view.show([Entry("card", lambda: ("[bold red]not markup[/] \x1b[31mred", Look(frame="round")))])
        await pilot.pause()
        lines = screen_text(view)
        assert lines[0].startswith("╭") and lines[0].endswith("╮")
        assert "[bold red]not markup[/]" in lines[1] and "\x1b" not in "".join(lines)
        assert lines[1].startswith("│ ") and lines[1].endswith(" │")


def test_line_strip_is_one_line_cut_to_the_width():
    """One line of a list (the timeline's events, the inbox's rows): exactly `width` cells, cut
    with an ellipsis; a newline or a tab that transcript text keeps is a space, never a line
    break written to the terminal."""
    from textual.content import Content
    from textual.style import Style

    from game.ui.widgets.lines_view import line_strip

    for text in ("Ruth\nOkafor", "Ruth\tOkafor", "Ruth Okafor"):
        strip = line_strip(Content.assemble(("09:00 ", "dim"), (text, "bold")), 30, Style())
        assert strip.text == "09:00 Ruth Okafor".ljust(30) and strip.cell_length == 30
    strip = line_strip(Content("the quick brown fox jumps over the lazy dog"), 12, Style())
    assert strip.text == "the quick b…" and strip.cell_length == 12
    assert line_strip(Content("x"), 0, Style()).cell_length == 0


async def test_wrapped_draws_what_visual_to_strips_draws():
    """The windows wrap their entries through `wrapped`, which skips Visual.to_strips' passes
    over every cell: the lines and every cell's look must stay what to_strips draws (words,
    long words folded, blank lines, tabs, wide characters, styles and theme colours)."""
    from textual.content import Content
    from textual.visual import Visual

    from game.ui.widgets.lines_view import wrapped

    samples = [
        Content(""), Content("one\n"), Content("\n\nthird line"), Content("x" * 130),
        Content("tab\there\tand  double  spaces\n\nnew paragraph " + "word " * 40),
        Content("wide 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字 end"),
        Content.assemble(("From: ", "dim"), ("Wren", "bold"), "\n", ("Subject: ", "dim"),
                         ("Before 17:00 " * 6, "bold $accent"), ("italic", "italic $foreground-muted")),
    ]
    app = One()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        style = view.visual_style

        def cells(strip):
            return [(ch, seg.style) for seg in strip for ch in seg.text]

        for content in samples:
            for width in (7, 20, 33, 60):
                ours, theirs = wrapped(content, width, style), Visual.to_strips(view, content, width, None, style)
                assert [s.text for s in ours] == [s.text for s in theirs], (content.plain[:30], width)
                for a, b in zip(ours, theirs, strict=True):
                    assert [(ch, s.clear_meta_and_links()) for ch, s in cells(a)] == \
                        [(ch, s.clear_meta_and_links()) for ch, s in cells(b)], (content.plain[:30], width)


class Framed(App[None]):
    CSS = """
    LinesView { border: round green; padding: 0 1; height: 10; }
    LinesView.-red { border: round red; }
    LinesView.-tinted { tint: blue 20%; }
    """

    def compose(self) -> ComposeResult:
        yield LinesView(id="view")


async def test_kept_lines_are_what_textuals_styles_cache_finishes():
    """A LinesView keeps each finished line by the line it came from (KeptLines): scrolled, it
    gives back lines finished in another row; when what finishes a line changes (the border's
    colour, a tint, the size) and the line itself does not, the line is finished again. Every
    time, the lines are what Textual's own styles cache makes of them."""
    from textual._styles_cache import StylesCache
    from textual.geometry import Region

    from game.ui.widgets.kept_lines import KeptLines

    app = Framed()
    async with app.run_test(size=(40, 14)) as pilot:
        view = app.query_one(LinesView)
        assert isinstance(view._styles_cache, KeptLines)
        view.show(entries(12, words=8))
        await pilot.pause()

        def textual() -> list[list]:
            kept, view._styles_cache = view._styles_cache, StylesCache()
            try:
                return [list(strip) for strip in view.render_lines(Region(0, 0, *view.size))]
            finally:
                view._styles_cache = kept

        def ours() -> list[list]:
            return [list(strip) for strip in view.render_lines(Region(0, 0, *view.size))]

        assert ours() == textual()
        for step in ("scroll", "-red", "scroll", "-tinted", "scroll", "-red", "resize", "scroll"):
            if step == "scroll":
                view.scroll_to(y=(view.scroll_y + 3) % max(1, view.max_scroll_y), animate=False, immediate=True)
            elif step == "resize":
                view.styles.height = 8
            else:
                view.toggle_class(step)
            await pilot.pause()
            assert ours() == textual(), step
