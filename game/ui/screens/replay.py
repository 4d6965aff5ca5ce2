"""Replaying a transcript as it happened: play or pause, step, change the speed, or jump to any
event on the timeline. The main view is the story up to the chosen event, drawn with the same
widgets as the play screen, and the provenance bar says at all times where the words come from.

Any step or jump costs the same whatever the transcript's length: what each event adds is
indexed once (game/ui/widgets/story_index.py), the view shows a bounded window of the most
recent entries and rewrites it in place (game/ui/widgets/story_view.py), and the timeline draws
only the lines on screen (game/ui/widgets/timeline.py)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Static

from game.model.events import (
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailDelivered,
    Ending,
    Narration,
    SceneEntered,
)
from game.render.provenance import banner
from game.store.transcripts import Transcript
from game.ui.text import condition_words, plain
from game.ui.widgets.header import Header
from game.ui.widgets.lines_view import Typing
from game.ui.widgets.provenance import ProvenanceBar
from game.ui.widgets.reveal import Reveal
from game.ui.widgets.story_index import StoryIndex
from game.ui.widgets.story_view import ReplayView
from game.ui.widgets.timeline import Timeline

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
# Seconds an event stays on screen at speed 1 before the next one, when playing. The
# assistant's words also take the time they need to be typed out.
DWELL: dict[type, float] = {SceneEntered: 0.8, Narration: 1.6, EmailDelivered: 1.8, AssistantTurn: 1.5, ChoiceOffered: 1.2,
         ChoiceMade: 1.2, Ending: 1.5}
DEFAULT_DWELL = 1.0
# Seconds of quiet (after the first paint and the index, then after each key or pause) before
# End and Home are made ahead: no reader presses the next key that soon.
PREPARE_AFTER = 0.2


def dwell(event: Any, speed: float) -> float:
    seconds = DWELL.get(type(event), DEFAULT_DWELL)
    if isinstance(event, Narration):
        seconds += min(3.0, len(event.text) / 200)
    return seconds / max(speed, 0.01)


# Replay screens open: while one is, the objects alive when it opened (the transcript above all)
# are left out of the garbage collector's full passes.
_holding = 0


def hold_heap() -> None:
    """A transcript of 100,000 events is about half a million objects that live as long as its
    replay does. Every full pass of the cyclic garbage collector walks all of them (0.4 s at
    that size, at any moment, in any step), so they are frozen out of its sight while a replay
    is open, and given back when the last one closes."""
    global _holding
    if not _holding:
        gc.freeze()
    _holding += 1


def hold_more() -> None:
    """What a replay's first paint leaves alive (its widgets, their styles, the lines they keep
    drawn with the caches of each: some 40,000 objects at 160x50) lives as long as the replay
    too: frozen with the rest, once that paint is done. A full pass of the collector walked
    them at the first End (about 20 ms of its CPU time, measured at 10,000 events; the pass
    that still comes later walks only what was made since)."""
    if _holding:
        gc.freeze()


def release_heap() -> None:
    global _holding
    _holding = max(0, _holding - 1)
    if not _holding:
        gc.unfreeze()


class ReplayScreen(Screen):
    HELP = """
## Replay

A transcript played back as it happened. The bar at the top says where the assistant's words
come from: a **scripted illustration** (written by us, not model behaviour), a **recorded** model
run (model, date, parameters) or an **imported** one (its source).

- **Space**: play / pause. **Right / n**: next event. **Left / p**: previous event.
- **+ / -**: faster / slower. **Home / End**: first / last event.
- **Up / Down** or click on the timeline (left): jump to any event; the main view shows the
  story up to that event.
- **Tab** moves to the inbox or the console panes, to read them.
"""
    BINDINGS = [
        Binding("space", "toggle_play", "Play/Pause"),
        Binding("right,n", "step(1)", "Next", key_display="→"),
        Binding("left,p", "step(-1)", "Back", key_display="←"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", key_display="-"),
        # Before the timeline's own Home/End (the same jumps): the story is drawn in the same
        # handler as the timeline's highlight, one frame, not a message and a frame later.
        Binding("home", "jump('first')", "First", show=False, priority=True),
        Binding("end", "jump('last')", "Last", show=False, priority=True),
        Binding("escape", "back", "Back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, transcript: Transcript, speed: float = 1.0, *, autoplay: bool = True,
                 assistant_name: str | None = None, view: str | None = None) -> None:
        """`view`: how the transcript's player saw the story (`mail` or `console`); by default
        the app's answer from the transcript's scenario (see DecommissionApp.view_of)."""
        super().__init__()
        self.transcript = transcript
        # Titles are set before mounting: the Header watches them and may not be composed yet.
        self.title = "decommission - replay"
        self.sub_title = f"{transcript.header.scenario_id} · {Path(transcript.path).name}"
        # The transcript's own list, not a copy: a new list of 100,000 events is young, and
        # every collection of the young objects until the heap is frozen walks all of it.
        self.events: list[Any] = transcript.events if isinstance(transcript.events, list) else list(transcript.events)
        # Worked out once: the provenance checks every turn, the index every event.
        self.provenance = transcript.provenance
        self.view = view
        self._index: StoryIndex | None = None
        self.speed = speed if speed > 0 else 1.0
        self.autoplay = autoplay
        self.assistant_name = assistant_name
        self.position = 0 if self.events else -1  # the last event shown (the target)
        self.shown = -1  # the last event drawn so far
        self.playing = False
        self._timer: Timer | None = None
        self._reveals: list[Typing] = []  # entries typing out (see LinesView)
        self._lock = asyncio.Lock()
        # Found once: a query walks the whole screen, and the screen is drawn at every step.
        self._main: Vertical | None = None
        self._view: ReplayView | None = None
        self._status: tuple[Content, str] | None = None
        self._holding = False
        self._preparing: Timer | None = None
        self._painted = False  # the first paint is done and the transcript indexed: End can be made ahead
        self.prepared: int | None = None  # the event whose jump was last made ahead (see _prepare_ends)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield ProvenanceBar(id="provenance")
        if self.transcript.warnings:
            yield Static(Content("\n").join(plain("⚠ " + w) for w in self.transcript.warnings), id="replay-warnings")
        with Horizontal(id="replay-body"):
            timeline = Timeline(self.events, id="timeline")
            timeline.border_title = f"Timeline · {len(self.events)} events"
            yield timeline
            yield Vertical(id="replay-main")
        with HorizontalGroup(id="replay-controls"):
            for key, label, tip in (("first", "|◀", "first event (Home)"), ("back", "◀", "previous event (Left)"),
                                    ("play", "▶ Play", "play / pause (Space)"), ("next", "▶", "next event (Right)"),
                                    ("last", "▶|", "last event (End)")):
                button = Button(label, id=f"replay-{key}", compact=True, tooltip=tip)
                button.can_focus = False
                yield button
            yield Static(id="replay-status")
        yield Footer()

    @property
    def index(self) -> StoryIndex:
        if self._index is None:
            view = self.view or getattr(self.app, "view_of", lambda header: "console")(self.transcript.header)
            self._index = StoryIndex(self.events, view, self.transcript.header.role)
        return self._index

    async def on_mount(self) -> None:
        hold_heap()
        self._holding = True
        h = self.transcript.header
        self._main = self.query_one("#replay-main", Vertical)
        # The source and its detail follow the events shown (see _update_chrome).
        self.query_one(ProvenanceBar).condition = f"Condition: {condition_words(h.condition)}  ·  {h.role}"
        if not self.assistant_name:
            self.assistant_name = self._name_from(getattr(self.app, "_catalogue", None)) or "Assistant"
        self.query_one(Timeline).focus()
        await self.goto(self.position)
        self.call_after_refresh(hold_more)  # once the first paint is done
        self.call_after_refresh(self._index_ahead)
        if self.autoplay and len(self.events) > 1:
            self.set_playing(True)
        self._learn_assistant_name()

    async def _index_ahead(self) -> None:
        """Once the first paint is done, the rest of the transcript is indexed while the reader
        looks at it, a chunk at a time between other work (1.3 ms a chunk), so that the first
        End does not pay for it (3 ms at 10,000 events, 30 ms at 100,000); then End itself is
        prepared (see _prepare_ends)."""
        while self.is_attached and self.index.reach_more():
            await asyncio.sleep(0.01)
        self._painted = True
        self._prepare_soon()

    def _prepare_soon(self) -> None:
        """Make End's and Home's lines ahead once the screen has been quiet for PREPARE_AFTER
        (again after every key and every event played: what the caches kept of them may have
        gone since; playing, the story waits a second or so between events)."""
        if self._preparing is not None:
            self._preparing.stop()
            self._preparing = None
        self.prepared = None
        if self._painted:
            self._preparing = self.set_timer(PREPARE_AFTER, self._prepare_ends)

    async def _prepare_ends(self) -> None:
        """While the reader looks at the story, the lines End (and Home) would bring are made
        ahead: the timeline's lines around that event, and what each window would show (made,
        wrapped and finished as the next paint would finish them). The jump then draws lines
        made before (at 10,000 events that was some 20 ms of a first End's 45 in the operator's
        console). One widget at a time, between other work; nothing on screen changes. Made
        before and kept, they cost little the next time (a few ms)."""
        # The timer stays in _preparing meanwhile: a key stops it, and this with it (at an await).
        last = len(self.events) - 1
        view = self._view
        for target in (last, 0):
            if last < 1 or target == self.shown:
                continue
            steps: list[Callable[[], None]] = [partial(self._prepare_timeline, target)]
            if view is not None:
                steps += view.preparations(target)
            for step in steps:
                if self._widgets_gone() or self._view is not view or self._lock.locked():
                    return
                step()
                await asyncio.sleep(0)
        self._preparing = None
        self.prepared = last

    def _prepare_timeline(self, target: int) -> None:
        self.query_one(Timeline).prepare(target)

    def _name_from(self, catalogue: Any) -> str | None:
        scenario = getattr(catalogue, "scenario", None)
        if self.provenance.kind == "imported":
            return None  # another project's run, at another company: its assistant is not ours
        if scenario is not None and scenario.id == self.transcript.header.scenario_id:
            return scenario.assistant.name
        return None

    @work(thread=True, exit_on_error=False)
    def _learn_assistant_name(self) -> None:
        """The transcript does not carry the assistant's name, nor how its player saw the story;
        the scenario does, when it is the one the app has loaded. Looked up off the UI thread;
        the replay is redrawn if either differs from what it first guessed."""
        load = getattr(self.app, "load_catalogue", None)
        if load is None:
            return
        try:
            name = self._name_from(load())
        except Exception:
            return
        view = self.view or getattr(self.app, "view_of", lambda header: "console")(self.transcript.header)
        if (name and name != self.assistant_name) or (self._index is not None and view != self._index.view):
            self.app.call_from_thread(self._rename, name or self.assistant_name or "Assistant", view)  # type: ignore[arg-type]  # Textual runs the coroutine

    async def _rename(self, name: str, view: str | None = None) -> None:
        if not self.is_attached or self not in self.app.screen_stack:
            return
        self.assistant_name = name
        async with self._lock:
            if view is not None and self._index is not None and view != self._index.view:
                # Opened before its scenario was loaded, an engineer's transcript was shown as a
                # console: now the desk it was played at replaces it.
                self.view = view
                self._index = None
                self._view = None
            elif self._view is not None:
                self._view.rename(name)
            self.shown = -1
        await self._draw()
        self.call_after_refresh(hold_more)  # a new view (the desk for the console) is frozen too
        self._prepare_soon()  # End again, in what the new name or view draws

    # -- drawing -----------------------------------------------------------------------------
    def _widgets_gone(self) -> bool:
        # Escape can pop this screen while a draw awaits a mount; what follows the await then
        # finds the widgets gone. Drawing stops there.
        return (not self.is_attached or self not in self.app.screen_stack or self._main is None
                or not self._main.is_attached)

    async def _reset_view(self) -> None:
        if self._widgets_gone():
            return
        assert self._main is not None
        await self._main.remove_children()
        self._reveals = []
        self._view = ReplayView(self.index, self.assistant_name or "Assistant", id="replay-view")
        await self._main.mount(self._view)

    async def goto(self, index: int) -> None:
        """Show the story up to event `index` (clamped), then bring the screen up to date."""
        if not self.events:
            self._update_chrome()
            await self._reset_view()
            return
        self.position = max(0, min(len(self.events) - 1, index))
        self._sync_timeline()
        await self._draw()

    async def _draw(self) -> None:
        async with self._lock:
            if self._widgets_gone():
                return
            target = self.position
            view = self._view
            if target == self.shown and view is not None:
                self._update_chrome()
                return
            if view is None or not view.is_attached:
                await self._reset_view()
                self.shown = -1
            view = self._view
            if self._widgets_gone() or view is None:
                return
            animate = self.playing and target == self.shown + 1
            if not animate:
                self._finish_reveals()  # a jump: whatever was typing is shown whole
            back = target < self.shown
            reveals = await view.show(target, self.speed if animate else 0, reopen=back)
            if self._widgets_gone():
                return
            # Typing widgets the window has let go of (gone from the screen) are not waited for.
            self._reveals = [r for r in self._reveals if r.is_attached] + reveals
            self.shown = target
            if not self.playing:
                self._finish_reveals()
            self._update_chrome()
        self._prepare_soon()

    def _sync_timeline(self) -> None:
        timeline = self.query_one(Timeline)
        if timeline.highlighted != self.position:
            timeline.highlighted = self.position

    def _update_chrome(self) -> None:
        if self._widgets_gone():
            return
        bar = self.query_one(ProvenanceBar)
        turn = self.index.last_turn(self.shown)
        bar.show(banner(self.provenance, turn.source if turn else None, written=True))
        bar.clock = self.index.clock(self.shown)
        total = len(self.events)
        state = ("▶ playing", "bold $success") if self.playing else ("paused", "bold")
        where = f"event {self.shown + 1} of {total}" if total else "no events in this transcript"
        at_end = total and self.shown == total - 1
        status = Content.assemble(state, ("  ·  ", "dim"), where, ("  ·  ", "dim"), f"speed ×{self.speed:g}",
                                  (" · end" if at_end and not self.playing else "", "dim"))
        label = "⏸ Pause" if self.playing else "▶ Play"
        if self._status != (status, label):
            # One line in a bar of fixed height: no layout for the whole screen.
            self.query_one("#replay-status", Static).update(status, layout=False)
            if self._status is None or self._status[1] != label:
                self.query_one("#replay-play", Button).label = label
            self._status = (status, label)

    def _finish_reveals(self) -> None:
        for reveal in self._reveals:
            reveal.finish()
        self._reveals = []

    # -- playing -----------------------------------------------------------------------------
    def set_playing(self, playing: bool) -> None:
        if playing and len(self.events) > 1 and self.position >= len(self.events) - 1:
            # Play at the end starts again from the beginning.
            self.call_later(self._restart)
            return
        self.playing = playing
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            self._schedule_next()
        else:
            self._finish_reveals()
        self._update_chrome()
        self._prepare_soon()

    async def _restart(self) -> None:
        await self.goto(0)
        self.set_playing(True)

    def _schedule_next(self) -> None:
        if not self.playing:
            return
        self._reveals = [r for r in self._reveals if not r.done]
        if self._reveals:
            return  # Reveal.Done brings us back here
        if self._timer is not None:
            self._timer.stop()
        current = self.events[self.shown] if 0 <= self.shown < len(self.events) else None
        self._timer = self.set_timer(dwell(current, self.speed), self._advance)

    async def _advance(self) -> None:
        self._timer = None
        if not self.playing:
            return
        if self.position >= len(self.events) - 1:
            self.set_playing(False)
            return
        await self.goto(self.position + 1)
        self._schedule_next()

    @on(Reveal.Done)
    def _revealed(self) -> None:
        if self.playing and self._reveals:
            self._schedule_next()

    # -- input -------------------------------------------------------------------------------
    def action_toggle_play(self) -> None:
        self.set_playing(not self.playing)

    async def action_step(self, delta: int) -> None:
        self.set_playing(False)
        await self.goto(self.position + delta)

    async def action_jump(self, where: str) -> None:
        self.set_playing(False)
        await self.goto(0 if where == "first" else len(self.events) - 1)

    def action_speed(self, step: int) -> None:
        if step > 0:
            faster = [s for s in SPEEDS if s > self.speed]
            self.speed = faster[0] if faster else self.speed
        else:
            slower = [s for s in SPEEDS if s < self.speed]
            self.speed = slower[-1] if slower else self.speed
        for reveal in self._reveals:
            reveal.speed = self.speed
        self._update_chrome()

    def action_back(self) -> None:
        self.set_playing(False)
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(Timeline.Highlighted, "#timeline")
    async def _highlighted(self, event: Timeline.Highlighted) -> None:
        # Highlights arrive as messages, after the fact. One that is no longer the highlighted
        # event is stale (the keys moved on); following it would move the highlight back and
        # start a ping-pong between old positions that never ends.
        if event.index != event.timeline.highlighted:
            return
        if event.index != self.position:
            await self.goto(event.index)
            if self.playing:
                self._schedule_next()

    @on(Timeline.Selected, "#timeline")
    async def _selected(self, event: Timeline.Selected) -> None:
        await self.goto(event.index)

    @on(Button.Pressed, "#replay-controls Button")
    async def _pressed(self, event: Button.Pressed) -> None:
        key = (event.button.id or "").removeprefix("replay-")
        if key == "play":
            self.action_toggle_play()
        elif key in ("back", "next"):
            await self.action_step(-1 if key == "back" else 1)
        elif key in ("first", "last"):
            await self.action_jump(key)

    def on_screen_suspend(self) -> None:
        # Help, a dialog or another screen on top: the replay waits for the reader.
        self.set_playing(False)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._preparing is not None:
            self._preparing.stop()
        if self._holding:
            self._holding = False
            release_heap()

