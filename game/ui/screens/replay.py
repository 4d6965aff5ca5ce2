"""Replaying a transcript as it happened: play or pause, step, change the speed, or jump to any
event on the timeline. The main view is the story up to the chosen event, drawn with the same
widgets as the play screen, and the provenance bar says at all times where the words come from."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, ListView, OptionList, Static

from game.model.events import (
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Narration,
    Notice,
    SceneEntered,
)
from game.render.provenance import banner, written_source
from game.store.transcripts import Transcript
from game.ui.text import condition_words, label_content, plain
from game.ui.widgets.console import OperatorConsole
from game.ui.widgets.header import Header
from game.ui.widgets.mail import Inbox, Letter, LetterItem, ReadingPane, letters_from
from game.ui.widgets.provenance import ProvenanceBar
from game.ui.widgets.reveal import Reveal
from game.ui.widgets.timeline import Timeline

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
# Seconds an event stays on screen at speed 1 before the next one, when playing. The
# assistant's words also take the time they need to be typed out.
DWELL = {SceneEntered: 0.8, Narration: 1.6, EmailDelivered: 1.8, AssistantTurn: 1.5, ChoiceOffered: 1.2,
         ChoiceMade: 1.2, Ending: 1.5}
DEFAULT_DWELL = 1.0


def dwell(event: Any, speed: float) -> float:
    seconds = DWELL.get(type(event), DEFAULT_DWELL)
    if isinstance(event, Narration):
        seconds += min(3.0, len(event.text) / 200)
    return seconds / max(speed, 0.01)


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


class ReplayLog(VerticalScroll):
    """Narration, scene titles, the player's choices and the ending, newest at the bottom."""

    def add(self, text: Content, classes: str = "") -> None:
        self.mount(Static(text, classes=classes))
        self.call_after_refresh(self.scroll_end, animate=False)


class ReplayDesk(Horizontal):
    """The engineer's mail, as in the play screen: the inbox and a reading pane."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.showing: list[Letter] = []
        self.now = ""  # the story clock of the current scene, for the letters the assistant writes

    def compose(self) -> ComposeResult:
        inbox = Inbox(id="inbox")
        inbox.border_title = "Inbox"
        yield inbox
        pane = ReadingPane(id="reading")
        pane.border_title = "Reading"
        yield pane

    def show(self, letters: list[Letter], speed: float) -> Reveal | None:
        """The first letter as the play screen shows it, the rest of the same turn below it, then
        the assistant's reasoning, which the engineer never sees in the story."""
        self.showing = letters
        pane = self.query_one(ReadingPane)
        pane.current = None  # always redraw: what follows the first letter is ours to add
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

    def add(self, event: object, speed: float, assistant_name: str) -> list[Reveal]:
        letters = letters_from(event, assistant_name, self.now)
        thinking = event.thinking if isinstance(event, AssistantTurn) else None
        for letter in letters:
            if thinking and letter.from_assistant:
                letter.thinking = thinking  # whichever of its letters is read, its reasoning is below
        self.query_one(Inbox).add(*letters)
        if not letters:
            return []
        for letter in letters[1:]:
            letter.fresh = False  # only the first is typed out
        reveal = self.show(letters if isinstance(event, AssistantTurn) else letters[:1], speed)
        return [reveal] if reveal else []

    @on(ListView.Highlighted, "#inbox")
    def _read(self, event: ListView.Highlighted) -> None:
        # Adding mail moves the highlight too (late, as a message): only the reader's own
        # moves in the inbox change what the pane shows.
        if not event.list_view.has_focus or not isinstance(event.item, LetterItem):
            return
        if not any(event.item.letter is x for x in self.showing):
            self.show([event.item.letter], 0)


class ReplayView(Vertical):
    """The story up to one event: the log above, the engineer's desk or the operator's console."""

    def __init__(self, role: str, assistant_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.role = role
        self.assistant_name = assistant_name

    def compose(self) -> ComposeResult:
        yield ReplayLog(id="story")
        if self.role == "engineer":
            yield ReplayDesk(id="desk")
        else:
            yield OperatorConsole(id="console")

    def add(self, event: Any, speed: float) -> list[Reveal]:
        log = self.query_one(ReplayLog)
        name = self.assistant_name
        if isinstance(event, SceneEntered):
            if event.title:
                log.add(plain(event.title, "bold"), "scene-title")
            if event.clock and self.role == "engineer":
                self.query_one(ReplayDesk).now = event.clock
            return []
        if isinstance(event, Narration):
            log.add(plain(event.text))
            return []
        if isinstance(event, Notice):
            log.add(plain(event.text, "italic"), f"notice -{event.level}")
            return []
        if isinstance(event, ChoiceOffered):
            options = " / ".join(o.get("label", o.get("id", "")) for o in event.options)
            log.add(Content.assemble(("? ", "bold"), plain(event.prompt, "bold"), ("  ", ""), plain(options, "dim")),
                    "replay-choice")
            return []
        if isinstance(event, ChoiceMade):
            chosen = Content.assemble(("→ the " + self.role + " chose: ", "dim"), plain(event.label, "bold"))
            if event.text:
                chosen = Content.assemble(chosen, ("  wrote: ", "dim"), plain(event.text, "italic"))
            log.add(chosen, "replay-choice")
            return []
        if isinstance(event, Ending):
            log.add(Content.assemble(("Ending: ", "bold"), plain(event.title, "bold"), "  ", plain(event.text)),
                    "replay-ending")
            return []
        if isinstance(event, AssistantTurn):
            log.add(Content.assemble(plain(f"turn {event.turn_id}: ", "dim"), turn_summary(event, name)))
        if self.role == "engineer":
            if isinstance(event, EmailsDecided):
                log.add(plain(f"The operator {event.decision} the emails of turn {event.turn_id}.", "italic"))
            return self.query_one(ReplayDesk).add(event, speed, name)
        return self.query_one(OperatorConsole).add(event, speed)


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
        Binding("home", "jump('first')", "First", show=False),
        Binding("end", "jump('last')", "Last", show=False),
        Binding("escape", "back", "Back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, transcript: Transcript, speed: float = 1.0, *, autoplay: bool = True,
                 assistant_name: str | None = None) -> None:
        super().__init__()
        self.transcript = transcript
        # Titles are set before mounting: the Header watches them and may not be composed yet.
        self.title = "decommission - replay"
        self.sub_title = f"{transcript.header.scenario_id} · {Path(transcript.path).name}"
        self.events: list[Any] = list(transcript.events)
        self.speed = speed if speed > 0 else 1.0
        self.autoplay = autoplay
        self.assistant_name = assistant_name
        self.position = 0 if self.events else -1  # the last event shown (the target)
        self.shown = -1  # the last event drawn so far
        self.playing = False
        self._timer: Timer | None = None
        self._reveals: list[Reveal] = []
        self._lock = asyncio.Lock()

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

    async def on_mount(self) -> None:
        h = self.transcript.header
        # The source and its detail follow the events shown (see _update_chrome).
        self.query_one(ProvenanceBar).condition = f"Condition: {condition_words(h.condition)}  ·  {h.role}"
        if not self.assistant_name:
            self.assistant_name = self._name_from(getattr(self.app, "_catalogue", None)) or "Assistant"
        self.query_one(Timeline).focus()
        await self.goto(self.position)
        if self.autoplay and len(self.events) > 1:
            self.set_playing(True)
        self._learn_assistant_name()

    def _name_from(self, catalogue: Any) -> str | None:
        scenario = getattr(catalogue, "scenario", None)
        if scenario is not None and scenario.id == self.transcript.header.scenario_id:
            return scenario.assistant.name
        return None

    @work(thread=True, exit_on_error=False)
    def _learn_assistant_name(self) -> None:
        """The transcript does not carry the assistant's name; the scenario does, when it is
        the one the app has loaded. Looked up off the UI thread, redrawn if it changes."""
        load = getattr(self.app, "load_catalogue", None)
        if load is None:
            return
        try:
            name = self._name_from(load())
        except Exception:  # noqa: BLE001 - a missing scenario only costs the name
            return
        if name and name != self.assistant_name:
            self.app.call_from_thread(self._rename, name)

    async def _rename(self, name: str) -> None:
        if not self.is_attached or self not in self.app.screen_stack:
            return
        self.assistant_name = name
        async with self._lock:
            self.shown = -1
            await self._reset_view()
        await self._draw()

    # -- drawing -----------------------------------------------------------------------------
    def _widgets_gone(self) -> bool:
        # Escape can pop this screen while a draw awaits a mount; what follows the await then
        # finds the widgets gone. Drawing stops there.
        return not self.is_attached or self not in self.app.screen_stack or not self.query("#replay-main")

    async def _reset_view(self) -> None:
        if self._widgets_gone():
            return
        main = self.query_one("#replay-main", Vertical)
        await main.remove_children()
        self._reveals = []
        await main.mount(ReplayView(self.transcript.header.role, self.assistant_name, id="replay-view"))

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
            if target == self.shown and self.query("#replay-view"):
                self._update_chrome()
                return
            if target < self.shown or not self.query("#replay-view"):
                await self._reset_view()
                self.shown = -1
            views = self.query(ReplayView)
            if self._widgets_gone() or not views:
                return
            view = views.first()
            animate = self.playing and target == self.shown + 1
            for index in range(self.shown + 1, target + 1):
                self._reveals += view.add(self.events[index], self.speed if animate else 0)
            self.shown = target
            if not self.playing:
                self._finish_reveals()
            self._update_chrome()

    def _sync_timeline(self) -> None:
        timeline = self.query_one(Timeline)
        if timeline.highlighted != self.position:
            timeline.highlighted = self.position

    def _update_chrome(self) -> None:
        if self._widgets_gone():
            return
        bar = self.query_one(ProvenanceBar)
        shown = self.events[: self.shown + 1]
        turn = next((e for e in reversed(shown) if isinstance(e, AssistantTurn)), None)
        scene = next((e for e in reversed(shown) if isinstance(e, SceneEntered) and e.clock), None)
        bar.show(banner(self.transcript.provenance, turn.source if turn else None, written=True))
        bar.clock = scene.clock if scene else ""
        total = len(self.events)
        state = ("▶ playing", "bold $success") if self.playing else ("paused", "bold")
        where = f"event {self.shown + 1} of {total}" if total else "no events in this transcript"
        at_end = total and self.shown == total - 1
        status = Content.assemble(state, ("  ·  ", "dim"), where, ("  ·  ", "dim"), f"speed ×{self.speed:g}",
                                  (" · end" if at_end and not self.playing else "", "dim"))
        self.query_one("#replay-status", Static).update(status)
        self.query_one("#replay-play", Button).label = "⏸ Pause" if self.playing else "▶ Play"

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

    @on(OptionList.OptionHighlighted, "#timeline")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Highlights arrive as messages, after the fact. One that is no longer the highlighted
        # option is stale (the keys moved on); following it would move the highlight back and
        # start a ping-pong between old positions that never ends.
        if event.option_index != event.option_list.highlighted:
            return
        if event.option_index != self.position:
            await self.goto(event.option_index)
            if self.playing:
                self._schedule_next()

    @on(OptionList.OptionSelected, "#timeline")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        await self.goto(event.option_index)

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

