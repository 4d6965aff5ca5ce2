"""A scrolling column of entries that draws its own lines: each window of the replay's view.

The replay shows, at each step, a bounded window of the story's most recent entries, and the
entries change at every step. Drawn as one widget per entry, every step changes widgets'
sizes, and Textual then lays the whole screen out twice (a widget whose size changed asks for
another layout), each time for every widget on it. Drawn as the lines of one widget whose size
never changes, a step wraps only the entries that are new to the window and repaints this one
widget: no layout at all. Entries carry their own look (see Look), since CSS cannot reach
inside a widget's lines.

What an entry wraps to is kept by what it shows (its text and styles, its look, the width), so
an entry that comes back (Home after End, the same letter opened again) is not wrapped again,
and `prepare` can wrap, while the screen is idle, the entries a key is expected to show (End)
and have their lines finished as the next paint would: the key then draws lines made before."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from typing import Any

from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.timer import Timer
from textual.widget import Widget

from game.model.textsafe import clean
from game.render.wrap import reflow
from game.ui.text import plain
from game.ui.widgets.kept_lines import KeptLines
from game.ui.widgets.reveal import BASE_CHARS_PER_SECOND, TICK, Reveal
from game.ui.widgets.scrollbar import LineScrollBars

FRAMES = {  # corners and sides: top-left, top, top-right, side, bottom-left, bottom-right
    "round": ("╭", "─", "╮", "│", "╰", "╯"),
    "double": ("╔", "═", "╗", "║", "╚", "╝"),
}


def line_strip(content: Content, width: int, style: VisualStyle) -> Strip:
    """`content` as one line of `width` cells over `style`, cut with an ellipsis if longer; a
    newline or a tab in it (transcript text keeps them) is a space. Made from the content's
    segments: a quarter of what Visual.to_strips costs for one line (it wraps, aligns and marks
    every cell for selecting text; measured 0.05 against 0.18 ms a line)."""
    text = content.plain
    if "\n" in text:
        content = Content(" ").join(content.split("\n", allow_blank=True))
    if "\t" in text:
        content = content.expand_tabs(1)
    content = content.truncate(max(0, width), ellipsis=True)
    return Strip(content.render_segments(style), content.cell_length).crop_extend(0, width, style.rich_style)


def wrapped(content: Content, width: int, style: VisualStyle) -> list[Strip]:
    """`content` wrapped to `width`, one strip a line, as Visual.to_strips wraps it (the same
    lines and styles, compared over every line the shipped transcripts draw, at five widths),
    in less than half its time: from each line's segments, with none of the alignment, link
    and selection passes it makes over every cell (measured 0.24 against 0.53 ms for an entry
    of six lines; tests/test_ui_lines_view.py holds it to what to_strips draws)."""
    return [Strip(line.render_segments(style), line.cell_length) for line in content.wrap(width)]


@dataclass(frozen=True)
class Look:
    """How an entry is drawn: `style` over its text, a blank line before it (`gap`), a rule
    above it (`rule`) or below it (`rule_below`), in `rule_style`, a box around it (`frame`:
    round or double, in `frame_style`)."""

    style: str = ""
    gap: bool = False
    rule: bool = False
    rule_below: bool = False
    rule_style: str = "$primary 30%"
    frame: str = ""
    frame_style: str = "$accent"


@dataclass(frozen=True)
class Entry:
    """One entry: `key` names it, `version` what it shows (an entry whose version changed is
    drawn again); `make` gives its content and look, called only when it must be drawn; `text`
    (given by `make` as a str instead of Content) is model or story text, shown through
    `plain` and typed out when the view is asked to."""

    key: Hashable
    make: Callable[[], tuple[Content | str, Look]]
    version: Hashable = None


def _content(made: Content | str, look: Look) -> Content:
    """An entry's content under its look's style (text through `plain`)."""
    if isinstance(made, str):
        return plain(made, look.style)
    return made.stylize_before(look.style) if look.style else made


class Typing:
    """An entry typed out like the play screen's Reveal (same pace, same Done message); as far
    as the replay screen looks at it, a Reveal: `done`, `finish()`, `is_attached`."""

    def __init__(self, view: LinesView, key: Hashable, text: str, speed: float) -> None:
        self.view = view
        self.key = key
        self.full = reflow(clean(text))
        self.speed = speed
        self.shown = 0
        self._timer: Timer | None = None
        self._finished = False
        if not self.full or speed <= 0:
            self.finish()
        else:
            self._timer = view.set_interval(TICK, self._tick)

    @property
    def done(self) -> bool:
        return self._finished

    @property
    def is_attached(self) -> bool:
        return self.view.is_attached and self.view.typing.get(self.key) is self

    def _tick(self) -> None:
        self.shown = min(len(self.full), self.shown + max(1, round(BASE_CHARS_PER_SECOND * self.speed * TICK)))
        self.view.retext(self.key, self.full[: self.shown])
        if self.shown >= len(self.full):
            self.finish()

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self.stop()
        self.shown = len(self.full)
        if self.view.typing.get(self.key) is self:
            self.view.retext(self.key, self.full)
        self.view.post_message(Reveal.Done())

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


class LinesView(LineScrollBars, ScrollView, can_focus=False):
    """Entries, one after another, wrapped to the width; scrolled by the reader or by `show`."""

    DEFAULT_CSS = """
    LinesView {
        height: 1fr;
        width: 1fr;
        scrollbar-size-vertical: 1;
        overflow-y: scroll;  /* a scrollbar that came and went would lay the screen out again */
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._styles_cache = KeptLines()  # a step finishes only the lines it has not finished before
        self.keys: list[Hashable] = []
        self.typing: dict[Hashable, Typing] = {}
        self._drawn: dict[Hashable, tuple[Hashable, Content, Look, list[Strip]]] = {}  # key -> version, ...
        self._lines: list[Strip] = []
        self._tops: dict[Hashable, int] = {}  # the first line of each entry drawn
        self._width = 0
        self._follow: Hashable = None  # what `show` scrolled to: the top of this entry, or the end
        self._waiting = False  # entries above the view wait to be drawn (see _relayout)
        # What each entry shown lately wrapped to, by what it shows (see _strips).
        self._wrapped: LRUCache[tuple[Any, ...], list[Strip]] = LRUCache(maxsize=256)

    # -- what to show ------------------------------------------------------------------------
    def show(self, entries: list[Entry], *, typed: Collection[Hashable] = (), speed: float = 0,
             top: Hashable = None) -> tuple[bool, list[Typing]]:
        """Show `entries`; those keyed in `typed` are typed out at `speed` (when `make` gives
        text). When anything changed, the view scrolls to its end, or to the top of entry `top`
        if given. Returns whether anything changed, and what types."""
        keys = [entry.key for entry in entries]
        changed = keys != self.keys
        typing: list[Typing] = []
        drawn: dict[Hashable, tuple[Hashable, Content, Look, list[Strip]]] = {}
        for entry in entries:
            old = self._drawn.get(entry.key)
            if old is not None and old[0] == entry.version and not (entry.key in typed and speed > 0):
                drawn[entry.key] = old
                continue
            made, look = entry.make()
            if isinstance(made, str) and entry.key in typed and speed > 0:
                typist = Typing(self, entry.key, made, speed)
                self.typing[entry.key] = typist
                typing.append(typist)
                content = plain(made[:0], look.style)
            else:
                content = _content(made, look)
            drawn[entry.key] = (entry.version, content, look, [])
            changed = True
        for key in list(self.typing):
            if key not in drawn or (key not in typed and self.typing[key].done):
                typist = self.typing.pop(key)
                if not typist.done:
                    typist.stop()
        self._drawn = drawn
        self.keys = keys
        if changed:
            self._follow = top
            self._relayout()
            self._scroll_as_asked()
        return changed, typing

    def retext(self, key: Hashable, text: str) -> None:
        """New text for entry `key` (typing): only that entry is wrapped again."""
        old = self._drawn.get(key)
        if old is None:
            return
        version, _old, look, _lines = old
        self._drawn[key] = (version, plain(text, look.style), look, [])
        at_end = self.scroll_y >= self.max_scroll_y
        self._relayout()
        if at_end:
            self._to_end()

    def text(self) -> list[str]:
        """Each entry's text as shown, in order (what a test reads)."""
        return [self._drawn[key][1].plain for key in self.keys if key in self._drawn]

    def prepare(self, entries: list[Entry], top: Hashable = None) -> None:
        """Wrap the entries that `show(entries, top=top)` would wrap at once (none typed out),
        and have their lines finished as the next paint would (see KeptLines.warm), without
        showing them: what the view shows does not change."""
        width = self.scrollable_content_region.width or self.size.width
        height = self.scrollable_content_region.height
        if width <= 0 or not height or width != self._width:
            return  # not laid out yet, or about to wrap everything again
        wanted = 2 * height
        keys = {entry.key for entry in entries}
        reached = top is None or top not in keys
        have = 0
        below_top: int | None = None  # the lines from the top of entry `top` to the end
        style = self.visual_style.rich_style
        lines = [Strip.blank(width, style)]  # the rows under the last line, when the entries are few
        for entry in reversed(entries):
            if have >= wanted and reached:
                break
            made, look = entry.make()
            strips = self._strips(_content(made, look), look, width)
            lines += [strip.crop_extend(0, width, style) for strip in strips]  # what render_line gives
            have += len(strips)
            if entry.key == top:
                below_top = have
            reached = reached or entry.key == top
        if isinstance(self._styles_cache, KeptLines):
            self._styles_cache.warm(self, lines)
        # Where show would scroll (see _scroll_as_asked): the top of `top`, or the end.
        y = have - below_top if below_top is not None else max(0, have - height)
        self.warm_scrollbar(have, y)

    # -- lines -------------------------------------------------------------------------------
    def _strips(self, content: Content, look: Look, width: int, keep: bool = True) -> list[Strip]:
        """The lines of an entry: made once for what it shows, while it is shown now and then
        (not kept when `keep` is false: the text of an entry typing out changes at every tick)."""
        style = self.visual_style
        key = (content.plain, tuple(content.spans), look, width, style)
        strips = self._wrapped.get(key)
        if strips is None:
            strips = self._wrap(content, look, width, style)
            if keep:
                self._wrapped[key] = strips
        return strips

    def _wrap(self, content: Content, look: Look, width: int, style: VisualStyle) -> list[Strip]:

        def line(text: str, line_style: str) -> Strip:  # a rule or a frame's edge: one line
            return line_strip(Content.styled(text, line_style), len(text), style)

        out: list[Strip] = []
        if look.gap:
            out.append(Strip.blank(width, style.rich_style))
        if look.rule:
            out.append(line("─" * width, look.rule_style))
        if not look.frame:
            out += wrapped(content, width, style)
            if look.rule_below:
                out.append(line("─" * width, look.rule_style))
            return out
        tl, top, tr, side, bl, br = FRAMES.get(look.frame, FRAMES["round"])
        inner = max(1, width - 4)
        body = wrapped(content, inner, style) or [Strip.blank(inner, style.rich_style)]
        left, right = line(side + " ", look.frame_style), line(" " + side, look.frame_style)
        out.append(line(tl + top * (width - 2) + tr, look.frame_style))
        out += [Strip.join([left, strip.crop_extend(0, inner, style.rich_style), right]) for strip in body]
        out.append(line(bl + top * (width - 2) + br, look.frame_style))
        return out

    def _relayout(self, everything: bool = False) -> None:
        """The lines of the entries, wrapped to the width. Only what the view shows is wrapped
        at once: from the last entry back (or from the entry `show` scrolls to) until twice the
        view's height is filled; the entries above are wrapped when the reader scrolls up to
        them (see watch_scroll_y), so a jump to a window of long entries costs what it shows."""
        width = self.scrollable_content_region.width or self.size.width
        if width != self._width:
            self._width = width
            self._drawn = {key: (v, c, look, []) for key, (v, c, look, _s) in self._drawn.items()}
        height = self.scrollable_content_region.height
        if width > 0:
            wanted = 2 * height if height and not everything else None
            reached = self._follow is None or self._follow not in self._drawn
            have = 0
            for key in reversed(self.keys):
                if wanted is not None and have >= wanted and reached:
                    break
                version, content, look, strips = self._drawn[key]
                if not strips:
                    typist = self.typing.get(key)
                    strips = self._strips(content, look, width, keep=typist is None or typist.done)
                    self._drawn[key] = (version, content, look, strips)
                have += len(strips)
                reached = reached or key == self._follow
        lines: list[Strip] = []
        tops: dict[Hashable, int] = {}
        self._waiting = False
        for key in self.keys:
            strips = self._drawn[key][3]
            if not strips:
                self._waiting = True  # above the view, until the reader scrolls up to it
                continue
            tops[key] = len(lines)
            lines += strips
        self._lines, self._tops = lines, tops
        size = Size(width, len(lines))
        if size != self.virtual_size:
            # Set without the layout of the whole screen that the reactive asks for: nothing
            # outside this widget depends on how many lines it holds, only its scrollbar, which
            # is updated here as Textual's own layout would (and never hidden: see the CSS).
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._waiting and new < 1 and self._width > 0:
            # The reader reached the top of what is drawn: draw the entries above it, and keep
            # the same lines in view.
            before = len(self._lines)
            self._relayout(everything=True)
            self.scroll_to(y=new + len(self._lines) - before, animate=False, immediate=True, force=True)

    def _scroll_as_asked(self) -> None:
        if self._follow is not None and self._follow in self._tops:
            y = self._tops[self._follow]
        else:
            y = max(0, len(self._lines) - self.scrollable_content_region.height)
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _to_end(self) -> None:
        self._follow = None
        self._scroll_as_asked()

    # -- Textual -----------------------------------------------------------------------------
    def on_resize(self) -> None:
        at_end = self.scroll_y >= self.max_scroll_y
        self._relayout()
        if at_end:
            self._to_end()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._width = 0  # the theme changed: draw every line again
        self._wrapped.clear()
        if self.is_mounted:
            self._relayout()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        style = self.visual_style.rich_style
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, style)
        return self._lines[index].crop_extend(0, width, style)
