"""Playing a session, as the engineer (an email client) or the operator (a console over the
assistant). The screen renders the driver's events and sends the player's choices back."""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, ListView, Static

from game.core.engine import AwaitChoice, AwaitTurn, Finished
from game.model.events import (
    AssistantTurn,
    EmailBounced,
    EmailDelivered,
    Ending,
    Narration,
    Notice,
    SceneEntered,
)
from game.render.provenance import banner
from game.session.controller import (
    WAIT_SECONDS,
    AssistantUnavailable,
    Offer,
    Progress,
    ProgressSink,
    Retrying,
    StreamedSoFar,
    after_failure,
    switch_assistant,
)
from game.session.driver import Driver
from game.ui.clock import clock_line
from game.ui.screens.base import GameScreen
from game.ui.text import condition_words, excerpt, plain
from game.ui.widgets.choices import ChoiceBar
from game.ui.widgets.console import OperatorConsole
from game.ui.widgets.header import Header
from game.ui.widgets.mail import Inbox, LetterItem, ReadingPane, letters_from
from game.ui.widgets.provenance import ProvenanceBar
from game.ui.widgets.reveal import Reveal

SPEEDS = (0.5, 1.0, 2.0, 4.0, 0.0)  # 0: no typing effect, and the story does not wait for keys
REDRAW_EVERY = 0.05  # seconds: a streaming reply is redrawn at most 20 times a second
ENDING = "--see-the-ending"  # the one option offered once the story has ended (no scenario id has "--")
NEXT_HINT = "Space ▸ next"

# The beats the story waits on: what there is to read. A scene's title waits with its first
# narration; the player's own message and the choice's bookkeeping do not wait at all.
READABLE = (Narration, EmailDelivered, EmailBounced, AssistantTurn, Notice)


def starts_beat(event: object) -> bool:
    return isinstance(event, READABLE) or (isinstance(event, SceneEntered) and bool(event.title))


def reading_seconds(event: object, speed: float) -> float:
    """How long a beat stays before the next when the story runs by itself: a second and a
    half, and the time to read its words at about 25 characters a second, faster with speed."""
    if isinstance(event, Narration | Notice):
        words = event.text
    elif isinstance(event, EmailDelivered):
        words = event.body
    elif isinstance(event, EmailBounced):
        words = event.reply
    elif isinstance(event, AssistantTurn):
        words = event.text + "".join(email.body for email in event.emails)
    else:
        words = ""
    return (1.5 + min(20.0, len(words) / 25)) / max(speed, 0.25)


def prompting_words(turn: AssistantTurn, width: int = 230) -> str:
    """The key sentences of the assistant's turn that prompted a choice: the classifier's
    evidence when it found some, else the opening of its first email (or of its reply)."""
    quotes = [e.quote for e in turn.classification.evidence if e.quote.strip()]
    if quotes:
        return excerpt(" … ".join(dict.fromkeys(quotes)), width)
    body = turn.emails[0].body if turn.emails else turn.text
    return excerpt(body, width) if body.strip() else ""


class StoryLog(VerticalScroll):
    """Narration and notices, newest at the bottom. The view stays at the top of the newest
    entry: a long paragraph is read from its start, never scrolled past."""

    def add(self, text: Content, classes: str = "") -> None:
        entry = Static(text, classes=classes)
        self.mount(entry)
        self.call_after_refresh(self.scroll_to_widget, entry, top=True, animate=False)


class EngineerDesk(Horizontal):
    now = ""  # the story clock of the current scene, for the letters the assistant writes

    def compose(self) -> ComposeResult:
        inbox = Inbox(id="inbox")
        inbox.border_title = "Inbox"
        yield inbox
        pane = ReadingPane(id="reading")
        pane.border_title = "Reading"
        yield pane

    def add(self, event: object, speed: float, assistant_name: str) -> list[Reveal]:
        letters = letters_from(event, assistant_name, self.now)
        self.query_one(Inbox).add(*letters)
        if not letters:
            return []
        # The newest letter opens in the reading pane (typed out if it is the assistant's);
        # the others of the same event wait in the inbox, already complete.
        for letter in letters[:-1]:
            letter.fresh = False
        reveal = self.query_one(ReadingPane).show(letters[-1], speed)
        return [reveal] if reveal else []

    @on(ListView.Highlighted, "#inbox")
    def _read(self, event: ListView.Highlighted) -> None:
        # Highlights arrive after the fact; one for an item no longer selected is stale.
        if event.item is not self.query_one(Inbox).highlighted_child:
            return
        if isinstance(event.item, LetterItem):
            self.query_one(ReadingPane).show(event.item.letter, 0)


class PlayScreen(GameScreen):
    HELP = """
## Playing

You are a person at the company. Its AI assistant is played by the source shown
in the bar at the top: **scripted** (written by us to illustrate a branch, not model behaviour),
**recorded** (a model's own words from the transcript library) or **live** (a model, now).

- **Space** or **Enter**: finish the text being typed out, then go on to the next beat of the
  story (the hint "Space ▸ next" says when the story is waiting for you).
- **a**: let the story run by itself at a reading pace; **+ / -** make it (and typing) faster
  or slower.
- **1-9** or click: pick an option when the story asks.
- **Up / Down** in the inbox: read earlier mail (engineer).
- **i**: on a small screen, swap the operator's view between what the assistant sees and what it
  reasons.
- **Ctrl+P**: command palette (restart under another condition, compare, stats).
"""
    BINDINGS = [
        *(Binding(str(n), f"choose({n})", f"option {n}", show=False) for n in range(1, 10)),
        Binding("space", "next", "Next", priority=True),
        # Enter goes on too, but only while the story waits: otherwise it presses the focused option.
        Binding("enter", "next", "Next", show=False, priority=True),
        Binding("a", "auto", "Auto"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", key_display="-"),
        Binding("i", "toggle_inbox", "Inbox/reasons"),
        Binding("escape", "app.go_title", "Title"),
    ]

    def __init__(self, driver: Driver, speed: float = 1.0, resumed: bool = False) -> None:
        super().__init__()
        # Titles are set before mounting: the Header watches them and may not be composed yet.
        self.title = f"decommission - the {driver.session.role}"
        self.sub_title = driver.scenario.title
        self.driver = driver
        self.speed = speed
        self.resumed = resumed
        self._reveals: list[Reveal] = []
        self._waiting_reveal = False
        # Pacing: events not shown yet, whether the story waits for the player to go on, and
        # whether something readable has been shown since the player last did something.
        self._queue: deque[Any] = deque()
        self._then_proceed = True
        self._holding = False
        self._read_since_input = False
        self._last_beat: Any = None
        self.auto = False
        self._auto_timer: Timer | None = None

    @property
    def role(self) -> str:
        return self.driver.session.role

    @property
    def reads_mail(self) -> bool:
        """The player's view: an email client (`mail`), or a console over the assistant."""
        spec = self.driver.scenario.roles.get(self.role)
        return spec is not None and spec.view == "mail"

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProvenanceBar(id="provenance")
        with Vertical(id="play-body"):
            yield StoryLog(id="story")
            if self.reads_mail:
                yield EngineerDesk(id="desk")
            else:
                yield OperatorConsole(id="console")
            yield Static(id="status")
            yield Static(id="stream")
            yield Static(NEXT_HINT, id="next-hint")
            yield ChoiceBar(id="choices")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_inbox":
            return not self.reads_mail and self.has_class("-compact")
        if action == "next":
            # Space and Enter are the story's while it types or waits; else the focused widget's.
            return self._holding or self._waiting_reveal or any(not r.done for r in self._reveals)
        return True

    def on_mount(self) -> None:
        s = self.driver.session
        bar = self.query_one(ProvenanceBar)
        last = next((e for e in reversed(s.events) if isinstance(e, AssistantTurn)), None)
        bar.show(banner(self.driver.header.provenance, last.source if last else self._playing()))
        bar.condition = f"{condition_words(s.condition)} · {self.role}"
        self.query_one("#status", Static).display = False
        self.query_one("#stream", Static).display = False
        self.query_one("#next-hint", Static).display = False
        if self.resumed:
            # What was played before is shown at once; the story waits from here on.
            speed, self.speed = self.speed, 0
            self.show(list(s.events))
            self.speed = speed
        else:
            self.show(self.driver.start())

    # -- rendering events ----------------------------------------------------------------
    def show(self, events: list[Any], proceed: bool = True) -> None:
        """Show `events` beat by beat: each readable beat after the first waits for Space or
        Enter (or the auto pace); at speed 0 they are all shown at once. When they are all
        shown, the story goes on (`proceed`): a turn, a choice, or the way to the ending."""
        if self._gone():
            return
        self._queue.extend(events)
        self._then_proceed = proceed
        self._read_since_input = False
        self._pump()

    def _pump(self) -> None:
        while self._queue:
            if self._gone():
                return
            event = self._queue[0]
            if self.speed > 0 and self._read_since_input and starts_beat(event):
                self._hold()
                return
            self._queue.popleft()
            if isinstance(event, SceneEntered) and self._queue and isinstance(self._queue[0], Ending):
                continue  # an ending's scene: its title and clock are the ending screen's
            self._draw_event(event)
            if isinstance(event, READABLE):
                self._read_since_input = True
                self._last_beat = event
                # Narration being read gets the room it needs; mail gets it back afterwards.
                self.set_class(isinstance(event, Narration | Notice), "-reading")
        self._set_holding(False)
        if self._then_proceed:
            self._proceed_when_read()

    @property
    def waiting_for_reader(self) -> bool:
        """The story waits for Space or Enter (the hint is shown)."""
        return self._holding

    @property
    def at_the_end(self) -> bool:
        """The story has ended; its last scene stays until the player goes on to the ending."""
        return isinstance(self.driver.pending, Finished) and not self._queue and \
            any(b.option_id == ENDING for b in self.query_one(ChoiceBar).open_buttons)

    def _hold(self) -> None:
        """The story waits for its reader: the hint says so, and the auto pace (if on) goes on
        once the beat is typed out and had time to be read."""
        self._set_holding(True)
        self._schedule_auto()

    def _set_holding(self, holding: bool) -> None:
        self._holding = holding
        if not self._gone():
            self.query_one("#next-hint", Static).display = holding
            self.refresh_bindings()

    def _schedule_auto(self) -> None:
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None
        if not (self.auto and self._holding):
            return
        if any(not r.done and r.is_attached for r in self._reveals):
            return  # scheduled again when the typing is done (see _revealed)
        self._auto_timer = self.set_timer(reading_seconds(self._last_beat, self.speed), self._auto_next)

    def _auto_next(self) -> None:
        self._auto_timer = None
        if self.auto and self._holding:
            self._advance()

    def _advance(self) -> None:
        if self._holding:
            self._set_holding(False)
            self._read_since_input = False
            self._pump()

    def _draw_event(self, event: Any) -> None:
        name = self.driver.scenario.assistant.name
        story = self.query_one(StoryLog)
        bar = self.query_one(ProvenanceBar)
        if isinstance(event, SceneEntered):
            if event.clock:
                bar.clock = clock_line(event.clock, self.driver.scenario, self.driver.session.condition)
                if self.reads_mail:
                    self.query_one(EngineerDesk).now = event.clock
            if event.title:
                story.add(plain(event.title, "bold"), "scene-title")
        elif isinstance(event, Narration):
            story.add(plain(event.text))
        elif isinstance(event, Notice):
            story.add(plain(event.text, "italic"), f"notice -{event.level}")
        elif isinstance(event, Ending):
            pass
        else:
            speed = self.speed
            if isinstance(event, AssistantTurn):
                bar.show(banner(self.driver.header.provenance, event.source))
                # What streamed in is already read: a live turn is not typed out a second time.
                if event.source == "live":
                    speed = 0
            if self.reads_mail:
                self._reveals += self.query_one(EngineerDesk).add(event, speed, name)
            else:
                self._reveals += self.query_one(OperatorConsole).add(event, speed)

    def _playing(self) -> str:
        """The source of the turns to come: the assistant playing now."""
        assistant = self.driver.assistant
        return "live" if assistant.name == "live" else assistant.provenance().kind

    def on_resize(self) -> None:
        self.set_class(self.size.height >= 40, "-tall")
        # Small terminals: the operator sees two panes at a time, `i` swaps inbox and reasoning.
        self.set_class(self.size.height < 32, "-compact")

    def action_toggle_inbox(self) -> None:
        self.toggle_class("-show-sees")

    def _proceed_when_read(self) -> None:
        # A reveal replaced in the reading pane before it finished no longer holds the story up.
        self._reveals = [r for r in self._reveals if not r.done and r.is_attached]
        if self._reveals:
            self._waiting_reveal = True
            # A safety net: a reveal removed before it finished sends no Done.
            self.set_timer(0.5, self._recheck)
            return
        self._waiting_reveal = False
        self.proceed()

    def _recheck(self) -> None:
        if self._waiting_reveal:
            self._proceed_when_read()

    @on(Reveal.Done)
    def _revealed(self) -> None:
        if self._waiting_reveal:
            self._proceed_when_read()
        elif self._holding:
            self._schedule_auto()

    def on_unmount(self) -> None:
        # Left mid-session (Escape, a restart): what was played is in the transcript already;
        # the file and the live model's client are closed.
        self.driver.close()
        self.app.run_worker(self.driver.aclose(), exit_on_error=False)

    def _gone(self) -> bool:
        # Escape can take this screen away while a turn is awaited, a dialog is open or a
        # timer is pending; what comes back later then has no screen to draw on.
        return not self.is_attached or self not in self.app.screen_stack

    def proceed(self) -> None:
        if self._gone():
            return
        pending = self.driver.pending
        choices = self.query_one(ChoiceBar)
        if isinstance(pending, AwaitTurn):
            self.set_status(f"{self.driver.scenario.assistant.name} is reading its inbox and deciding what to do...")
            self.play_turn()
        elif isinstance(pending, AwaitChoice):
            self.set_status(None)
            # The options and the words that prompted them need the room now: the story above
            # gives some back, so that the assistant's panes stay readable at 80x24.
            self.add_class("-choosing")
            choices.offer(pending.prompt, [(o.id, o.label, o.freeform) for o in pending.options],
                          context=self._prompted_by())
        elif isinstance(pending, Finished):
            # The last scene stays on screen until the player goes on to the ending.
            self.set_status(None)
            choices.offer("The story ends here.", [(ENDING, "See the ending", False)])

    def _prompted_by(self) -> Content | None:
        """The assistant's words that prompted the choice now asked, if a turn came since the
        player's last choice: its key sentences, shown above the options."""
        from game.model.events import ChoiceMade

        for event in reversed(self.driver.session.events):
            if isinstance(event, ChoiceMade):
                return None
            if isinstance(event, AssistantTurn):
                words = prompting_words(event)
                if not words:
                    return None
                name = self.driver.scenario.assistant.name
                return Content.assemble((f"{name} wrote: ", "bold $accent"), plain(f"“{words}”", "italic"))
        return None

    def set_status(self, text: str | None) -> None:
        if self._gone():
            return
        status = self.query_one("#status", Static)
        status.display = bool(text)
        if text:
            status.update(plain(text, "italic"))

    def _progress(self) -> ProgressSink:
        """Where a turn's typed progress goes while it is produced: the streamed reasoning and
        text (a request sent again replaces what its failed attempt streamed), and what went
        wrong while it is retried. The stream is redrawn at most 20 times a second, not once
        per delta: each redraw lays the pane out again."""
        stream = self.query_one("#stream", Static)
        so_far = StreamedSoFar()
        pending: list[Timer] = []

        def draw() -> None:
            pending.clear()
            if self._gone():
                return
            stream.display = True
            shown = []
            if so_far.thinking:
                shown.append(plain(so_far.thinking[-600:], "italic $text-muted"))
            if so_far.text:
                shown.append(plain(so_far.text[-900:]))
            stream.update(Content("\n").join(shown))

        def take(event: Progress) -> None:
            if isinstance(event, Retrying):
                self.set_status(event.message)
            elif so_far.apply(event) and not pending:
                pending.append(self.set_timer(REDRAW_EVERY, draw))

        return take

    @work(exclusive=True, group="turn")
    async def play_turn(self) -> None:
        try:
            events = await self.driver.play_turn(self._progress())
        except Exception as exc:
            if self._gone():
                return
            self.query_one("#stream", Static).display = False
            if isinstance(exc, AssistantUnavailable):
                # The driver wrote a notice of it: shown, but the story waits for the player.
                self.show([e for e in self.driver.events[-1:] if isinstance(e, Notice)], proceed=False)
            self.set_status(None)
            offer = after_failure(exc, assistant=self.driver.assistant.name,
                                  has_model_data=self.app.load_catalogue().has_model_data)
            self.app.offer(self, offer)
            return
        if self._gone():
            return  # the turn is in the transcript; the player has left the screen
        self.set_status(None)
        self.query_one("#stream", Static).display = False
        self.show(events)

    def carry_on(self, choice: str, offer: Offer) -> None:
        """Carry out the player's answer to an offer after a failed turn."""
        if self._gone():
            return
        if choice == "retry":
            self.play_turn()
        elif choice == "wait":
            self.set_status(f"Waiting {WAIT_SECONDS} seconds before trying again...")
            self.set_timer(WAIT_SECONDS, self.play_turn)
        elif choice in ("recorded", "scripted"):
            switch_assistant(self.driver, choice, self.app.load_catalogue().library, offer.why)
            # The next words come from the new assistant.
            self.query_one(ProvenanceBar).show(banner(self.driver.header.provenance, self._playing()))
            self.show(self.driver.events[-1:])

    # -- input -----------------------------------------------------------------------------
    @on(ChoiceBar.Chosen)
    def _chosen(self, message: ChoiceBar.Chosen) -> None:
        self.remove_class("-choosing")
        if message.option_id == ENDING:
            self.app.show_ending(self.driver, self)
            return
        if message.freeform:
            from game.ui.screens.freeform import FreeformScreen, Reply

            def typed(reply: Reply | None) -> None:
                if reply is None:
                    self.proceed()  # cancelled: offer the options again
                    return
                if reply.option_id is not None:
                    # The words meant one of the options: it is taken, with the player's words.
                    self.notify(f"Read as: {reply.gist}", timeout=3)
                self.show(self.driver.choose(reply.option_id or message.option_id, reply.text))

            pending = self.driver.pending
            self.app.push_screen(FreeformScreen(pending if isinstance(pending, AwaitChoice) else None), typed)
            return
        self.show(self.driver.choose(message.option_id))

    def action_choose(self, number: int) -> None:
        self.query_one(ChoiceBar).press_number(number)

    def action_next(self) -> None:
        """Space or Enter: finish the text being typed out; if nothing is, the next beat."""
        typing = [r for r in self.query(Reveal) if not r.done]
        if typing:
            for reveal in typing:
                reveal.finish()
        elif self._holding:
            self._advance()
        if self._waiting_reveal:
            self._proceed_when_read()

    def action_auto(self) -> None:
        self.auto = not self.auto
        self.notify("the story runs by itself" if self.auto else "the story waits for Space", timeout=1.5)
        self._schedule_auto()

    def action_speed(self, step: int) -> None:
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else 1
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, index + step))]
        for reveal in self.query(Reveal):
            reveal.speed = self.speed
            if self.speed == 0:
                reveal.finish()
        if self.speed == 0 and self._holding:
            self._advance()  # instant: the story no longer waits
        self._schedule_auto()
        self.notify("typing: instant" if self.speed == 0 else f"typing speed x{self.speed:g}", timeout=1.5)
