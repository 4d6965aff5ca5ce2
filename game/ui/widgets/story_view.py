"""The replay's main view: the story up to one event, drawn with the play screen's widgets.

Above, the story log (scene titles, narration, choices, the ending); below it the engineer's
desk (inbox and reading pane) or the operator's console (what the assistant sees, reasons and
does). A transcript may hold 100,000 events, so none of these mounts a widget per event: each
shows a bounded window, the most recent entries up to the chosen event (found through the
StoryIndex), with a plain note at its top when older entries are left out. The log, the
reading pane and the console's panes are each one LinesView, which draws its entries' lines
itself; the inbox draws its rows itself too. So a step or a jump wraps only the entries new to
a window, changes no widget's size nor how many widgets are displayed: the screen is repainted, never laid out again, whatever the
length of the transcript. Played forward one event at a time, the new entry is typed out as in
play."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

from game.model.events import (
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailsDecided,
    Ending,
    Narration,
    Notice,
    SceneEntered,
)
from game.render.provenance import written_source
from game.ui.text import label_content, plain
from game.ui.widgets.console import (
    Line,
    OperatorConsole,
    Pane,
    card_content,
    reasoning_lines,
    reply_lines,
    seen_lines,
)
from game.ui.widgets.kept_lines import KeptLines
from game.ui.widgets.lines_view import Entry, LinesView, Look, Typing, line_strip
from game.ui.widgets.mail import Letter, item_lines, letter_head, letters_from
from game.ui.widgets.scrollbar import LineScrollBars
from game.ui.widgets.story_index import StoryIndex

# How many of the most recent entries each window shows. The log shows 4 to 8 lines at a time,
# the inbox up to about 20 letters, a console pane a few entries: these fill a large terminal
# and leave some room to scroll back; the timeline reaches everything else.
LOG_WINDOW = 15
INBOX_WINDOW = 20
PANE_WINDOW = 8


def cut_note(count: int, what: str) -> Content:
    return plain(f"… {count:,} earlier {what}: use the timeline to go back")


def turn_summary(turn: AssistantTurn, name: str) -> Content:
    source = written_source(turn.source)
    did = []
    if turn.text.strip():
        did.append("replied")
    if turn.emails:
        to = sorted({address.split("@")[0] for email in turn.emails for address in email.to})
        did.append(f"emailed {', '.join(to)}")
    what = " and ".join(did) or "did nothing visible"
    return Content.assemble((f"{name} ", "bold"), plain(what), ("  ·  ", "dim"), label_content(turn.label),
                            (f"  ·  {source}", "$warning" if source == "scripted" else "dim"))


def log_line(event: Any, role: str, name: str) -> Line:
    """The line an event adds to the story log (for the events StoryIndex.log lists)."""
    if isinstance(event, SceneEntered):
        return Line("scene-title", plain(event.title, "bold"))
    if isinstance(event, Narration):
        return Line("", plain(event.text))
    if isinstance(event, Notice):
        return Line(f"notice -{event.level}", plain(event.text, "italic"))
    if isinstance(event, ChoiceOffered):
        options = " / ".join(o.get("label", o.get("id", "")) for o in event.options)
        return Line("replay-choice", Content.assemble(("? ", "bold"), plain(event.prompt, "bold"), ("  ", ""),
                                                      plain(options, "dim")))
    if isinstance(event, ChoiceMade):
        chosen = Content.assemble(("→ the " + role + " chose: ", "dim"), plain(event.label, "bold"))
        if event.text:
            chosen = Content.assemble(chosen, ("  wrote: ", "dim"), plain(event.text, "italic"))
        return Line("replay-choice", chosen)
    if isinstance(event, Ending):
        return Line("replay-ending", Content.assemble(("Ending: ", "bold"), plain(event.title, "bold"), "  ",
                                                      plain(event.text)))
    if isinstance(event, AssistantTurn):
        return Line("", Content.assemble(plain(f"turn {event.turn_id}: ", "dim"), turn_summary(event, name)))
    if isinstance(event, EmailsDecided):
        return Line("", plain(f"The operator {event.decision} the emails of turn {event.turn_id}.", "italic"))
    return Line("", plain(type(event).__name__))


# -- a window: one LinesView ---------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """One entry of a window: `key` names it, `version` what it shows (a card's fate changes as
    the story goes on); `line` builds it when needed; `reveal` types its text out (the newest
    entry, played forward)."""

    key: Hashable
    line: Callable[[], Line]
    version: Hashable = None
    reveal: bool = False


# How the play screen's CSS classes for these lines look inside a LinesView (see app.tcss).
LOOKS = {
    "scene-title": Look("$accent"),
    "notice": Look("$warning"),
    "replay-choice": Look("$accent"),
    "replay-ending": Look("bold $accent"),
    "replay-cut": Look("italic $foreground-muted"),
    "thinking": Look("italic $foreground-muted"),
    "turn-title": Look("bold", gap=True),
    "muted": Look("$foreground-muted"),
    "replay-thinking-title": Look("bold $foreground-muted", gap=True),
    "replay-also": Look("", gap=True, rule=True),
    "letter-head": Look(rule_below=True),
    "letter-body": Look(gap=True),
}
CARDS = {
    "": Look(gap=True, frame="round", frame_style="$accent"),
    "-held": Look(gap=True, frame="double", frame_style="$warning"),
    "-blocked": Look("$foreground-muted", gap=True, frame="round", frame_style="$error"),
}


def look_of(classes: str) -> Look:
    names = classes.split()
    if "card" in names:
        return CARDS["-blocked" if "-blocked" in names else "-held" if "-held" in names else ""]
    return next((LOOKS[name] for name in names if name in LOOKS), Look())


CUT = ("cut note",)  # the key of a window's note on what it leaves out


class Window(LinesView):
    """A window of the story: a note on the entries it leaves out, then its parts."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.left_out = 0
        self._generation = 0  # bumped by forget: every entry is drawn again

    def forget(self) -> None:
        """Draw every entry again next time (e.g. the assistant's name changed)."""
        self._generation += 1

    def _entries(self, parts: list[Part], left_out: int, what: str) -> list[Entry]:
        g = self._generation
        entries = [Entry(CUT, lambda: (cut_note(left_out, what), LOOKS["replay-cut"]), (left_out, g))] \
            if left_out else []
        entries += [Entry(part.key, partial(_made, part), (part.version, g)) for part in parts]
        return entries

    def show_parts(self, parts: list[Part], left_out: int, what: str, speed: float,
                   top: Hashable = None) -> tuple[bool, list[Typing]]:
        """Show `parts`, noting `left_out` earlier `what`; returns whether anything changed and
        what types out (at `speed`)."""
        self.left_out = left_out
        typed = {part.key for part in parts if part.reveal} if speed > 0 else set()
        return self.show(self._entries(parts, left_out, what), typed=typed, speed=speed, top=top)

    def prepare_parts(self, parts: list[Part], left_out: int, what: str, top: Hashable = None) -> None:
        """Make and wrap ahead what `show_parts` would show of these, at once (see
        LinesView.prepare); what the window shows does not change."""
        self.prepare(self._entries(parts, left_out, what), top=top)

    def shown_text(self) -> tuple[list[str], int]:
        """The text of each part shown, and how many entries the note says are left out."""
        return [text for key, text in zip(self.keys, self.text(), strict=True) if key != CUT], self.left_out


def _made(part: Part) -> tuple[Content | str, Look]:
    line = part.line()
    return (line.text if line.text is not None else line.content or Content("")), look_of(line.classes)


# -- the log --------------------------------------------------------------------------------------
class ReplayLog(Window):
    """Narration, scene titles, the player's choices and the ending, newest at the bottom."""

    def show_story(self, index: StoryIndex, position: int, name: str) -> None:
        self.show_parts(*self._story(index, position, name), "entries", 0)

    def prepare_story(self, index: StoryIndex, position: int, name: str) -> None:
        self.prepare_parts(*self._story(index, position, name), "entries")

    @staticmethod
    def _story(index: StoryIndex, position: int, name: str) -> tuple[list[Part], int]:
        shown, left_out = index.log.tail(position, LOG_WINDOW)
        events, role = index.events, index.role
        return [Part(i, partial(log_line, events[i], role, name)) for i in shown], left_out


# -- the engineer's desk ------------------------------------------------------------------------
def same(these: Sequence[Letter], those: Sequence[Letter]) -> bool:
    """The very same letters (compared by identity: letters are made once while in view)."""
    return len(these) == len(those) and all(a is b for a, b in zip(these, those, strict=True))


class ReplayInbox(LineScrollBars, ScrollView, can_focus=True):
    """The inbox: the most recent letters up to the event shown, two lines each, under a note
    on the letters it leaves out. One widget that draws its own rows (as the timeline does), so
    a step or a jump changes no widget's size nor how many widgets are displayed, and scrolling
    it moves no child: the screen is repainted, never laid out. Keys and mouse as in a list:
    Up/Down move the highlight, Enter or a click opens the letter (see `Opened`). The highlight
    follows the newest letter unless the reader moved it to another one still here; the note
    is never highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("enter", "open", "Open", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "replay-inbox--letter",
        "replay-inbox--assistant",
        "replay-inbox--highlighted",
        "replay-inbox--hover",
        "replay-inbox--note",
    }
    # As the play screen's inbox (a ListView of LetterItems) looks; the scrollbar is always
    # there, as in the other windows: one that came and went would lay the screen out again.
    DEFAULT_CSS = """
    ReplayInbox {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .replay-inbox--highlighted {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .replay-inbox--hover {
            background: $block-hover-background;
        }
        & > .replay-inbox--assistant {
            color: $accent;
        }
        & > .replay-inbox--note {
            color: $text-muted;
            text-style: italic;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .replay-inbox--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    class Opened(Message):
        """The reader chose `letter` (moved the highlight to it, pressed Enter or clicked it)."""

        def __init__(self, inbox: ReplayInbox, letter: Letter) -> None:
            super().__init__()
            self.inbox = inbox
            self.letter = letter

        @property
        def control(self) -> ReplayInbox:
            return self.inbox

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._styles_cache = KeptLines()  # a scroll finishes only the rows it has not finished before
        self.letters: list[Letter] = []
        self.keys: list[Hashable] = []  # the letter each row shows, in order
        self.left_out = 0
        self.highlighted: int | None = None  # the row of the highlighted letter
        self._hover: int | None = None
        self._rows: LRUCache[tuple[Any, ...], tuple[Letter, list[Strip]]] = LRUCache(maxsize=256)

    # -- what to show ------------------------------------------------------------------------
    def show_letters(self, letters: Sequence[tuple[Hashable, Letter]], left_out: int) -> None:
        """Show `letters` (each with the key that names it) under a note on `left_out` more."""
        keys = [key for key, _ in letters]
        shown = [letter for _, letter in letters]
        follow, target = self._target(keys)
        if keys == self.keys and left_out == self.left_out and target == self.highlighted and same(shown, self.letters):
            return  # nothing new: not even a repaint
        self.keys, self.letters, self.left_out = keys, shown, left_out
        # Set without a message: the story, not the reader, moved the highlight; the reading pane
        # is the story's to set (see ReplayDesk).
        self.highlighted = target
        self._resize()
        if target is not None and follow:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        else:
            self._scroll_to_highlight()
        self.refresh()

    def _target(self, keys: list[Hashable]) -> tuple[bool, int | None]:
        """Whether the highlight follows the newest letter, and the row it moves to when the
        inbox shows the letters keyed `keys`."""
        held = self.keys[self.highlighted] if self.highlighted is not None else None
        follow = held is None or held == self.keys[-1]
        target = None
        if keys:
            target = len(keys) - 1 if follow or held not in keys else keys.index(held)
        return follow, target

    def prepare_letters(self, letters: Sequence[tuple[Hashable, Letter]], left_out: int) -> None:
        """Draw and finish ahead the rows that show_letters(letters, left_out) would bring (see
        KeptLines.warm); what the inbox shows does not change."""
        width = self.scrollable_content_region.width
        if width <= 0 or not isinstance(self._styles_cache, KeptLines):
            return
        keys = [key for key, _ in letters]
        follow, target = self._target(keys)
        note = 2 if left_out else 0
        lines: list[Strip] = []
        for row, (key, letter) in enumerate(letters):
            lines += self._row_strips(row, letter, key, row == target, row == self._hover, note, width)
        self._styles_cache.warm(self, lines)
        if follow:  # scrolled to the end (see show_letters)
            self.warm_scrollbar(note + 2 * len(letters), note + 2 * len(letters))

    def text(self) -> list[str]:
        """Every line of the inbox as drawn, scrolled into view or not (what a test reads)."""
        return [self._line_content(line).plain.strip() for line in range(self._note_height + 2 * len(self.letters))]

    @property
    def _note_height(self) -> int:
        return 2 if self.left_out else 0

    def _resize(self) -> None:
        size = Size(self.scrollable_content_region.width, self._note_height + 2 * len(self.letters))
        if size != self.virtual_size:
            # Set without the layout of the whole screen that the reactive asks for: only the
            # scrollbar depends on it (see LinesView).
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def _scroll_to_highlight(self) -> None:
        if self.highlighted is None:
            return
        top = self._note_height + 2 * self.highlighted
        if not self.highlighted:  # the oldest letter: the note above it shows too
            top, height = 0, top + 2
        else:
            height = 2
        self.scroll_to_region(Region(0, top, max(1, self.scrollable_content_region.width), height),
                              animate=False, immediate=True, force=True)

    # -- drawing -----------------------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._note_height + 2 * len(self.letters)

    def on_resize(self) -> None:
        self._rows.clear()
        following = self.highlighted is None or self.highlighted == len(self.letters) - 1
        self._resize()
        if following:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        else:
            self._scroll_to_highlight()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rows.clear()  # the theme changed

    def on_focus(self) -> None:
        self.refresh()  # the highlight's colours

    def on_blur(self) -> None:
        self.refresh()

    def _row_lines(self, row: int, width: int) -> list[Strip]:
        return self._row_strips(row, self.letters[row], self.keys[row], row == self.highlighted, row == self._hover,
                                self._note_height, width)

    def _row_strips(self, row: int, letter: Letter, key: Hashable, highlighted: bool, hover: bool, note_height: int,
                    width: int) -> list[Strip]:
        """The two lines of `letter` in row `row` (kept: the same Strips while nothing changes)."""
        classes = ["replay-inbox--letter"]
        if highlighted:
            classes.append("replay-inbox--highlighted")
        elif hover:
            classes.append("replay-inbox--hover")
        if letter.from_assistant:
            classes.append("replay-inbox--assistant")
        style = self.get_visual_style(*classes)
        top = note_height + 2 * row
        cache_key = (row, key, style, width, top)
        cached = self._rows.get(cache_key)
        if cached is not None and cached[0] is letter:
            return cached[1]
        head, subject = item_lines(letter)  # the two lines _line_content gives, made once
        strips = [self._line(head, width, style), self._line(subject.stylize("dim"), width, style)]
        self._rows[cache_key] = (letter, strips)
        return strips

    def _line(self, content: Content, width: int, style: VisualStyle) -> Strip:
        # One line with a cell of padding each side, cut with an ellipsis, as a ListItem draws it.
        # No meta for the mouse: where it is says which letter (see _row_at).
        pad = Strip.blank(1, style.rich_style) if width > 2 else None
        strip = line_strip(content, width - 2, style) if pad else line_strip(content, width, style)
        return Strip.join([pad, strip, pad]) if pad else strip

    def _line_content(self, line: int) -> Content:
        """What line `line` of the inbox says: the note's two, then each letter's two."""
        if line < self._note_height:
            return plain(f"… {self.left_out:,} earlier letters" if line == 0 else "use the timeline to go back")
        row, part = divmod(line - self._note_height, 2)
        head, subject = item_lines(self.letters[row])
        return subject.stylize("dim") if part else head

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if line < self._note_height:
            return self._line(self._line_content(line), width, self.get_visual_style("replay-inbox--note"))
        row, part = divmod(line - self._note_height, 2)
        if not 0 <= row < len(self.letters):
            return Strip.blank(width, self.get_visual_style("replay-inbox--letter").rich_style)
        return self._row_lines(row, width)[part]

    def _refresh_row(self, row: int | None) -> None:
        if row is not None:
            top = self._note_height + 2 * row - self.scroll_offset.y
            self.refresh(Region(0, top, self.size.width, 2))

    # -- the reader --------------------------------------------------------------------------
    def _highlight(self, row: int) -> None:
        old, self.highlighted = self.highlighted, row
        for changed in (old, row):
            self._refresh_row(changed)
        self._scroll_to_highlight()

    def action_move(self, delta: int) -> None:
        if not self.letters:
            return
        if self.highlighted is None:
            row = 0 if delta > 0 else len(self.letters) - 1
        else:
            row = max(0, min(len(self.letters) - 1, self.highlighted + delta))
            if row == self.highlighted:
                return
        self._highlight(row)
        self.action_open()

    def action_open(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Opened(self, self.letters[self.highlighted]))

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        line = self.scroll_offset.y + offset.y - self._note_height
        return line // 2 if 0 <= line < 2 * len(self.letters) else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = self._row_at(event)
        if row != self._hover:
            old, self._hover = self._hover, row
            self._refresh_row(old)
            self._refresh_row(row)

    def on_leave(self, _: events.Leave) -> None:
        old, self._hover = self._hover, None
        self._refresh_row(old)

    def on_click(self, event: events.Click) -> None:
        row = self._row_at(event)
        if row is not None:
            self.focus()
            self._highlight(row)
            self.action_open()


class ReplayDesk(Horizontal):
    """The engineer's mail, as in the play screen: the inbox and a reading pane."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.showing: list[Letter] = []
        self.story_event: int | None = None  # the event whose letters the story last opened
        self._letters: OrderedDict[int, list[Letter]] = OrderedDict()
        self._opened = 0  # how many times the pane was filled: its entries' version
        self.inbox = ReplayInbox(id="inbox")
        self.inbox.border_title = "Inbox"
        self.pane = Window(id="reading")
        self.pane.border_title = "Reading"

    def compose(self) -> ComposeResult:
        yield self.inbox
        yield self.pane

    def forget(self) -> None:
        self._letters.clear()
        self.story_event = None

    def letters_of(self, index: StoryIndex, event_index: int, name: str) -> list[Letter]:
        """The letters an event puts in the inbox, made once while they are in view (the inbox
        and the reading pane must share them: the reader's choice is compared by identity)."""
        letters = self._letters.get(event_index)
        if letters is None:
            event = index.events[event_index]
            letters = letters_from(event, name, index.clock(event_index))
            thinking = event.thinking if isinstance(event, AssistantTurn) else None
            for letter in letters:
                letter.fresh = False
                if thinking and letter.from_assistant:
                    letter.thinking = thinking  # whichever of its letters is read, its reasoning is below
            self._letters[event_index] = letters
            while len(self._letters) > 4 * INBOX_WINDOW:
                self._letters.popitem(last=False)
        else:
            self._letters.move_to_end(event_index)
        return letters

    def show_story(self, index: StoryIndex, position: int, name: str, speed: float, reopen: bool) -> list[Typing]:
        """The inbox up to event `position`, and the letters of the last event that brought any
        in the reading pane (typed out at `speed` if that is event `position` itself). Unless
        `reopen`, a letter the reader opened stays open while the story brings no new mail."""
        self.inbox.show_letters(*self._inbox(index, position, name))
        latest = index.letters.last(position)
        if latest == self.story_event and not reopen:
            return []
        self.story_event = latest
        if latest is None:
            self.showing = []
            self.pane.show_parts([], 0, "", 0)
            return []
        opened = self.letters_of(index, latest, name)
        if not isinstance(index.events[latest], AssistantTurn):
            opened = opened[:1]
        return self.show(opened, speed if latest == position else 0)

    def prepare_story(self, index: StoryIndex, position: int, name: str) -> None:
        """Make and wrap ahead what show_story(index, position, name, 0, reopen=True) would
        show, and have its lines finished (see LinesView.prepare); nothing shown changes."""
        self.inbox.prepare_letters(*self._inbox(index, position, name))
        latest = index.letters.last(position)
        if latest is None:
            return
        opened = self.letters_of(index, latest, name)
        if not isinstance(index.events[latest], AssistantTurn):
            opened = opened[:1]
        self.pane.prepare_parts(self._parts(opened, False), 0, "", top="head")

    def _inbox(self, index: StoryIndex, position: int, name: str) -> tuple[list[tuple[Hashable, Letter]], int]:
        """The letters in the inbox up to event `position`, and how many earlier ones it leaves out."""
        events, left_out = index.letters.tail(position, INBOX_WINDOW)
        letters: list[tuple[Hashable, Letter]] = [
            ((e, n), letter) for e in events for n, letter in enumerate(self.letters_of(index, e, name))]
        if len(letters) > INBOX_WINDOW:
            left_out += len(letters) - INBOX_WINDOW
            letters = letters[-INBOX_WINDOW:]
        return letters, left_out

    def show(self, letters: list[Letter], speed: float) -> list[Typing]:
        """The first letter as the play screen shows it, the rest of the same turn below it, then
        the assistant's reasoning, which the engineer never sees in the story."""
        first = letters[0]
        typed = first.from_assistant and speed > 0  # typed out only when the story reaches it, played forward
        if not typed and same(letters, self.showing):
            return []  # already open (a step back to the same mail): nothing to wrap again
        self.showing = letters
        self._opened += 1
        _, typing = self.pane.show_parts(self._parts(letters, typed), 0, "", speed if typed else 0, top="head")
        return typing

    def _parts(self, letters: list[Letter], typed: bool) -> list[Part]:
        first = letters[0]
        parts = [Part("head", partial(Line, "letter-head", letter_head(first)), self._opened),
                 Part("body", partial(Line, "letter-body", None, first.body), self._opened, reveal=typed)]
        for n, letter in enumerate(letters[1:], start=1):
            head = Content("\n").join([
                Content.assemble(("Also in this turn", "bold")),
                Content.assemble(("To: ", "dim"), plain(letter.to)),
                Content.assemble(("Subject: ", "dim"), plain(letter.subject, "bold")),
            ])
            parts += [Part(("also", n), partial(Line, "replay-also", head), self._opened),
                      Part(("body", n), partial(Line, "", plain(letter.body)), self._opened)]
        thinking = next((letter.thinking for letter in letters if letter.thinking), None)
        if thinking:
            title = plain("Its reasoning (hidden from the engineer in the story):", "bold")
            parts += [Part("thinking-title", partial(Line, "replay-thinking-title", title), self._opened),
                      Part("thinking", partial(Line, "thinking", None, thinking), self._opened)]
        return parts

    @on(ReplayInbox.Opened, "#inbox")
    def _read(self, event: ReplayInbox.Opened) -> None:
        # Only the reader's own moves in the inbox change what the pane shows.
        if not any(event.letter is x for x in self.showing):
            self.show([event.letter], 0)


# -- the operator's console -----------------------------------------------------------------------
class ReplayConsole(OperatorConsole):
    """The operator's three panes, each holding its most recent entries up to the event shown."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.windows: dict[str, Window] = {}
        # The lines each event in view draws, made once: every step asks how many there are.
        self._made: LRUCache[tuple[Callable[[Any], list[Line]], int], list[Line]] = LRUCache(maxsize=16 * PANE_WINDOW)

    def compose(self) -> ComposeResult:
        for key, title in (("sees", "What it sees"), ("reasons", "What it reasons"), ("does", "What it does")):
            window = Window()
            self.windows[key] = window
            with Pane(title, id=key):
                yield window

    def forget(self) -> None:
        for window in self.windows.values():
            window.forget()

    def lines_of(self, lines: Callable[[Any], list[Line]], events: list[Any], e: int) -> list[Line]:
        """What `lines` draws for event `e`, made once while it is in view."""
        made = self._made.get((lines, e))
        if made is None:
            made = lines(events[e])
            self._made[lines, e] = made
        return made

    def show_story(self, index: StoryIndex, position: int, speed: float) -> list[Typing]:
        typing: list[Typing] = []
        for key, parts, left_out, what, top in self._story(index, position):
            typing += self.windows[key].show_parts(parts, left_out, what, 0 if key == "sees" else speed, top=top)[1]
        return typing

    def prepare_story(self, index: StoryIndex, position: int) -> None:
        for key, parts, left_out, what, top in self._story(index, position):
            self.windows[key].prepare_parts(parts, left_out, what, top=top)

    def _story(self, index: StoryIndex, position: int) -> list[tuple[str, list[Part], int, str, Hashable]]:
        """What each pane shows of the story up to event `position`: its parts, how many
        earlier entries it leaves out and what they are, the entry it keeps in view."""
        events = index.events

        sees, left_out = index.sees.tail(position, PANE_WINDOW)
        parts = []
        for e in sees:
            made = self.lines_of(seen_lines, events, e)
            parts += [Part((e, n), partial(line_at, made, n)) for n in range(len(made))]
        windows: list[tuple[str, list[Part], int, str, Hashable]] = [("sees", parts, left_out, "entries", None)]

        turns, left_out = index.turns.tail(position, PANE_WINDOW)
        parts = []
        for e in turns:
            made = self.lines_of(reasoning_lines, events, e)
            parts += [Part((e, n), partial(line_at, made, n), reveal=e == position) for n in range(len(made))]
        windows.append(("reasons", parts, left_out, "turns", None))

        parts = []
        first_card: Hashable = None
        for e in turns:
            turn = events[e]
            made = self.lines_of(reply_lines, events, e)
            parts += [Part((e, n), partial(line_at, made, n), reveal=e == position) for n in range(len(made))]
            status = index.decision(e, position) or ("held for your approval" if turn.held else "sent")
            cards = [Part((e, "card", n), partial(card_line, turn, n, status), status) for n in range(len(turn.emails))]
            first_card = cards[0].key if cards else None  # the newest card's top shows: recipient and subject
            parts += cards
        windows.append(("does", parts, left_out, "turns", first_card))
        return windows


def line_at(lines: list[Line], n: int) -> Line:
    return lines[n]


def card_line(turn: AssistantTurn, index: int, status: str) -> Line:
    """A card of the replay's console: as the play screen's EmailCard, in a plain widget."""
    classes = ["card"] + (["-held"] if turn.held else []) + (["-blocked"] if status == "blocked" else [])
    return Line(" ".join(classes), card_content(turn, index, status))


# -- the whole view -------------------------------------------------------------------------------
class ReplayView(Vertical):
    """The story up to one event: the log above, the engineer's desk or the operator's console."""

    def __init__(self, index: StoryIndex, assistant_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.assistant_name = assistant_name
        self.story_log = ReplayLog(id="story")
        self.desk = ReplayDesk(id="desk") if index.view == "mail" else None
        self.console = ReplayConsole(id="console") if self.desk is None else None

    def compose(self) -> ComposeResult:
        yield self.story_log
        yield self.desk or self.console  # type: ignore[misc]

    def rename(self, name: str) -> None:
        """Another name for the assistant: everything that shows it is drawn again."""
        self.assistant_name = name
        self.story_log.forget()
        if self.desk is not None:
            self.desk.forget()

    def preparations(self, position: int) -> list[Callable[[], None]]:
        """The steps that make, wrap and finish ahead the lines a jump to event `position`
        would show (End, while the screen is idle), one window each: that jump then draws
        lines made before. What is shown does not change."""
        index, name = self.index, self.assistant_name
        steps: list[Callable[[], None]] = [partial(index.reach, position),
                                           partial(self.story_log.prepare_story, index, position, name)]
        if self.desk is not None:
            steps.append(partial(self.desk.prepare_story, index, position, name))
        elif self.console is not None:
            steps.append(partial(self.console.prepare_story, index, position))
        return steps

    async def show(self, position: int, speed: float, reopen: bool = False) -> list[Typing]:
        """The story up to event `position`; the entries of that event itself are typed out at
        `speed` (0: shown at once). Returns what types."""
        self.index.reach(position)
        self.story_log.show_story(self.index, position, self.assistant_name)
        if self.desk is not None:
            typing = self.desk.show_story(self.index, position, self.assistant_name, speed, reopen)
        else:
            assert self.console is not None
            typing = self.console.show_story(self.index, position, speed)
        return typing
