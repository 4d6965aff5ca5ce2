"""The replay's main view: the story up to one event, drawn with the play screen's widgets.

Above, the story log (scene titles, narration, choices, the ending); below it the engineer's
desk (inbox and reading pane) or the operator's console (what the assistant sees, reasons and
does). A transcript may hold 100,000 events, so none of these mounts a widget per event: each
shows a bounded window, the most recent entries up to the chosen event (found through the
StoryIndex), with a plain note at its top when older entries are left out. Moving to another
event keeps the widgets of the entries still in the window and mounts or removes only the
difference (see arrange), so a step or a jump costs at most a window's worth of widgets,
whatever the length of the transcript. Played forward one event at a time, the new entry is
typed out as in play."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, ListItem, ListView, Static

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
from game.model.textsafe import clean
from game.render.provenance import written_source
from game.ui.text import label_content, plain, reflow
from game.ui.widgets.console import (
    Line,
    OperatorConsole,
    Pane,
    card_content,
    reasoning_lines,
    reply_lines,
    seen_lines,
)
from game.ui.widgets.mail import Inbox, Letter, LetterItem, ReadingPane, letters_from
from game.ui.widgets.reveal import Reveal
from game.ui.widgets.story_index import StoryIndex

Todo = list[Awaitable[Any]]  # mounts and removals under way, awaited together

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


# -- a window of widgets, rewritten in place ------------------------------------------------------
def arrange(container: Widget, shown: dict[Hashable, Widget], wanted: list[tuple[Hashable, Callable[[], Widget]]],
            todo: Todo) -> tuple[dict[Hashable, Widget], bool]:
    """Make the children of `container` (after its first child, a note) the widgets for `wanted`,
    in order: a widget already `shown` under the same key stays where it is, untouched; the others
    go; the missing ones are made and mounted in their places. Keys must keep their relative
    order (they do: they follow the events). Returns the new key to widget map, and whether
    anything was mounted or removed. A window that slides by one entry costs one mount and one
    removal, whatever its size.

    The mounts and removals start at once (the DOM order is set when they are called) and are
    awaited later, all together, through `todo`: one layout for the whole view, not one per
    window."""
    keys = {key for key, _ in wanted}
    gone = [widget for key, widget in shown.items() if key not in keys]
    arranged: dict[Hashable, Widget] = {}
    mounts: list[tuple[list[Widget], Widget | None]] = []
    pending: list[Widget] = []
    for key, make in wanted:
        widget = shown.get(key)
        if widget is None:
            widget = make()
            pending.append(widget)
        elif pending:
            mounts.append((pending, widget))
            pending = []
        arranged[key] = widget
    if pending:
        mounts.append((pending, None))
    if gone:
        todo.append(container.remove_children(gone))
    for widgets, before in mounts:
        todo.append(container.mount_all(widgets, before=before))
    return arranged, bool(gone or mounts)


@dataclass(frozen=True)
class Part:
    """One widget of a window: `key` names the entry it belongs to, `version` what it shows
    (a card's fate changes as the story goes on); `line` builds it when needed; `reveal` types
    its text out (the newest entry, played forward)."""

    key: Hashable
    line: Callable[[], Line]
    version: Hashable = None
    reveal: bool = False


class CutNote(Static):
    """At the top of a window that leaves older entries out, how many, and where they are."""

    DEFAULT_CSS = """
    CutNote {
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(self) -> None:
        super().__init__(classes="replay-cut")
        self.display = False


class Window:
    """The children of `container` after its CutNote, showing a list of parts (see arrange).
    A part whose version changed is redrawn in place; one to type out replaces a widget that
    shows the same entry at once."""

    def __init__(self, container: Widget, note: CutNote) -> None:
        self.container = container
        self.note = note
        self.shown: dict[Hashable, Widget] = {}
        self.versions: dict[Hashable, Hashable] = {}

    def forget(self) -> None:
        """Redraw every widget next time (e.g. the assistant's name changed)."""
        self.versions = {key: object() for key in self.versions}

    def show(self, parts: list[Part], left_out: int, what: str, speed: float, todo: Todo) -> tuple[bool, list[Reveal]]:
        """Show `parts`, noting `left_out` earlier `what`; returns whether anything changed and
        the widgets that type text out (at `speed`)."""
        self.note.display = left_out > 0
        if left_out:
            self.note.update(cut_note(left_out, what))
        changed = False
        replaced: list[Widget] = []
        for part in parts:
            widget = self.shown.get(part.key)
            if widget is None:
                continue
            if part.reveal and speed > 0 and not isinstance(widget, Reveal):
                replaced.append(self.shown.pop(part.key))
            elif self.versions.get(part.key) != part.version:
                if type(widget) is Static:
                    line = part.line()
                    widget.update(_content(line))
                    widget.set_classes(line.classes)
                    self.versions[part.key] = part.version
                    changed = True
                else:
                    replaced.append(self.shown.pop(part.key))
        if replaced:
            todo.append(self.container.remove_children(replaced))
        reveals: list[Reveal] = []

        def maker(part: Part) -> Callable[[], Widget]:
            def make() -> Widget:
                line = part.line()
                self.versions[part.key] = part.version
                if part.reveal and line.text is not None and speed > 0:
                    reveal = Reveal(line.text, speed=speed, classes=line.classes)
                    reveals.append(reveal)
                    return reveal
                return Static(_content(line), classes=line.classes)
            return make

        self.shown, moved = arrange(self.container, self.shown, [(part.key, maker(part)) for part in parts], todo)
        self.versions = {key: self.versions.get(key) for key in self.shown}
        return changed or moved or bool(replaced), reveals


def _content(line: Line) -> Content:
    # A line with text to type out, shown at once, is what its Reveal shows when finished.
    return plain(reflow(clean(line.text))) if line.text is not None else line.content or Content("")


# -- the log --------------------------------------------------------------------------------------
class ReplayLog(VerticalScroll):
    """Narration, scene titles, the player's choices and the ending, newest at the bottom."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.note = CutNote()
        self.window = Window(self, self.note)

    def compose(self) -> ComposeResult:
        yield self.note

    def show_story(self, index: StoryIndex, position: int, name: str, todo: Todo) -> None:
        shown, left_out = index.log.tail(position, LOG_WINDOW)
        events, role = index.events, index.role
        parts = [Part(i, partial(log_line, events[i], role, name)) for i in shown]
        changed, _ = self.window.show(parts, left_out, "entries", 0, todo)
        if changed:
            self.call_after_refresh(self.scroll_end, animate=False)


# -- the engineer's desk ------------------------------------------------------------------------
class CutNoteItem(ListItem):
    """The inbox's note on the letters it leaves out: never highlighted, never read."""

    def __init__(self) -> None:
        super().__init__(Label("", markup=False), Label("use the timeline to go back", classes="subject", markup=False),
                         disabled=True, classes="replay-cut")
        self.display = False

    def show_count(self, count: int) -> None:
        self.display = count > 0
        if count:
            self.query_children(Label).first().update(plain(f"… {count:,} earlier letters"))


class ReplayInbox(Inbox):
    """The inbox, holding the most recent letters up to the event shown (see arrange). The
    highlight follows the newest letter unless the reader moved it to another one still here."""

    def __init__(self, **kwargs: Any) -> None:
        self.note = CutNoteItem()
        self.shown: dict[Hashable, Widget] = {}
        super().__init__(self.note, **kwargs)

    def show_letters(self, letters: Sequence[tuple[Hashable, Letter]], left_out: int, todo: Todo) -> None:
        highlighted = self.highlighted_child
        items = list(self.shown.values())
        follow = not isinstance(highlighted, LetterItem) or not items or highlighted is items[-1]
        self.note.show_count(left_out)
        for key, letter in letters:
            item = self.shown.get(key)
            if isinstance(item, LetterItem) and item.letter is not letter:
                item.show_letter(letter)  # the same entry, made again (the assistant's name changed)
        self.shown, _ = arrange(self, self.shown, [(key, partial(LetterItem, letter)) for key, letter in letters], todo)
        items = list(self.shown.values())
        target = None if not items else items[-1] if follow or highlighted not in items else highlighted
        # Set without a message: the story, not the reader, moved the highlight; the reading pane
        # is the story's to set (see ReplayDesk).
        for item in items:
            if isinstance(item, ListItem):
                item.highlighted = item is target
        # The note comes first; removed items may not be gone from the DOM yet.
        self.set_reactive(ListView.index, 1 + items.index(target) if target is not None else None)
        if isinstance(target, ListItem) and follow:
            self.call_after_refresh(self.scroll_to_widget, target, animate=False)


class ReplayDesk(Horizontal):
    """The engineer's mail, as in the play screen: the inbox and a reading pane."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.showing: list[Letter] = []
        self.story_event: int | None = None  # the event whose letters the story last opened
        self._letters: OrderedDict[int, list[Letter]] = OrderedDict()
        self.inbox = ReplayInbox(id="inbox")
        self.inbox.border_title = "Inbox"
        self.pane = ReadingPane(id="reading")
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

    def show_story(self, index: StoryIndex, position: int, name: str, speed: float, reopen: bool,
                   todo: Todo) -> list[Reveal]:
        """The inbox up to event `position`, and the letters of the last event that brought any
        in the reading pane (typed out at `speed` if that is event `position` itself). Unless
        `reopen`, a letter the reader opened stays open while the story brings no new mail."""
        events, left_out = index.letters.tail(position, INBOX_WINDOW)
        letters = [((e, n), letter) for e in events for n, letter in enumerate(self.letters_of(index, e, name))]
        if len(letters) > INBOX_WINDOW:
            left_out += len(letters) - INBOX_WINDOW
            letters = letters[-INBOX_WINDOW:]
        self.inbox.show_letters(letters, left_out, todo)
        latest = index.letters.last(position)
        if latest == self.story_event and not reopen:
            return []
        self.story_event = latest
        if latest is None:
            pane = self.pane
            pane.current = None
            self.showing = []
            todo.append(pane.remove_children())
            return []
        opened = self.letters_of(index, latest, name)
        if not isinstance(index.events[latest], AssistantTurn):
            opened = opened[:1]
        reveal = self.show(opened, speed if latest == position else 0)
        return [reveal] if reveal else []

    def show(self, letters: list[Letter], speed: float) -> Reveal | None:
        """The first letter as the play screen shows it, the rest of the same turn below it, then
        the assistant's reasoning, which the engineer never sees in the story."""
        self.showing = letters
        pane = self.pane
        pane.current = None  # always redraw: what follows the first letter is ours to add
        letters[0].fresh = speed > 0  # typed out only when the story reaches it, played forward
        reveal = pane.show(letters[0], speed)
        for letter in letters[1:]:
            head = Content("\n").join([
                Content.assemble(("To: ", "dim"), plain(letter.to)),
                Content.assemble(("Subject: ", "dim"), plain(letter.subject, "bold")),
            ])
            pane.mount(Static(Content.assemble(("Also in this turn", "bold"), "\n", head),
                              classes="letter-head replay-also"))
            pane.mount(Static(plain(letter.body), classes="letter-body"))
        thinking = next((letter.thinking for letter in letters if letter.thinking), None)
        if thinking:
            pane.mount(Static(plain("Its reasoning (hidden from the engineer in the story):", "bold"),
                              classes="replay-thinking-title"))
            pane.mount(Static(plain(thinking), classes="thinking"))
        return reveal

    @on(ListView.Highlighted, "#inbox")
    def _read(self, event: ListView.Highlighted) -> None:
        # Showing mail moves the highlight too (late, as a message): only the reader's own
        # moves in the inbox change what the pane shows.
        if not event.list_view.has_focus or not isinstance(event.item, LetterItem):
            return
        if not any(event.item.letter is x for x in self.showing):
            self.show([event.item.letter], 0)


# -- the operator's console -----------------------------------------------------------------------
class ReplayConsole(OperatorConsole):
    """The operator's three panes, each holding its most recent entries up to the event shown."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.windows: dict[str, Window] = {}

    def compose(self) -> ComposeResult:
        for key, title in (("sees", "What it sees"), ("reasons", "What it reasons"), ("does", "What it does")):
            pane = Pane(title, id=key)
            note = CutNote()
            self.windows[key] = Window(pane, note)
            with pane:
                yield note

    def forget(self) -> None:
        for window in self.windows.values():
            window.forget()

    def show_story(self, index: StoryIndex, position: int, speed: float, todo: Todo) -> list[Reveal]:
        events = index.events
        reveals: list[Reveal] = []

        sees, left_out = index.sees.tail(position, PANE_WINDOW)
        parts = [Part((e, n), partial(nth, seen_lines, events[e], n), reveal=e == position)
                 for e in sees for n in range(len(seen_lines(events[e])))]
        reveals += self._show("sees", parts, left_out, 0, todo)

        turns, left_out = index.turns.tail(position, PANE_WINDOW)
        parts = [Part((e, n), partial(nth, reasoning_lines, events[e], n), reveal=e == position)
                 for e in turns for n in range(len(reasoning_lines(events[e])))]
        reveals += self._show("reasons", parts, left_out, speed, todo)

        parts = []
        first_card = None
        for e in turns:
            turn = events[e]
            parts += [Part((e, n), partial(nth, reply_lines, turn, n), reveal=e == position)
                      for n in range(len(reply_lines(turn)))]
            status = index.decision(e, position) or ("held for your approval" if turn.held else "sent")
            first_card = len(parts) if turn.emails else None
            parts += [Part((e, "card", n), partial(card_line, turn, n, status), status) for n in range(len(turn.emails))]
        window = self.windows["does"]
        changed, revealed = window.show(parts, left_out, "turns", speed, todo)
        reveals += revealed
        if changed:
            pane = window.container
            if first_card is not None:
                # Show the top of the newest card: recipient and subject matter most.
                card = window.shown[parts[first_card].key]
                pane.call_after_refresh(pane.scroll_to_widget, card, top=True, animate=False)
            else:
                pane.call_after_refresh(pane.scroll_end, animate=False)
        return reveals

    def _show(self, key: str, parts: list[Part], left_out: int, speed: float, todo: Todo) -> list[Reveal]:
        window = self.windows[key]
        changed, reveals = window.show(parts, left_out, "entries" if key == "sees" else "turns", speed, todo)
        if changed:
            window.container.call_after_refresh(window.container.scroll_end, animate=False)
        return reveals


def nth(lines: Callable[[Any], list[Line]], event: Any, n: int) -> Line:
    """Line `n` of what `lines` draws for `event` (built when the window needs it)."""
    return lines(event)[n]


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
        self.story_log.window.forget()
        if self.desk is not None:
            self.desk.forget()

    async def show(self, position: int, speed: float, reopen: bool = False) -> list[Reveal]:
        """The story up to event `position`; the entries of that event itself are typed out at
        `speed` (0: shown at once). Returns the widgets that type."""
        self.index.reach(position)
        todo: Todo = []
        self.story_log.show_story(self.index, position, self.assistant_name, todo)
        if self.desk is not None:
            reveals = self.desk.show_story(self.index, position, self.assistant_name, speed, reopen, todo)
        else:
            assert self.console is not None
            reveals = self.console.show_story(self.index, position, speed, todo)
        for pending in todo:
            await pending
        return reveals
