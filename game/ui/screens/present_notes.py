"""Speaker notes (`decommission present --notes`): the current step's notes, the next step's
title and the elapsed time, following the main screen through its state file. Polls a few
times a second; a poll is one stat of the file unless it changed (game.present.position)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Digits, Footer, Static

from game.present.deck import step_title
from game.present.position import PresenterState, StateWatcher, clock, read_state
from game.ui.text import plain

POLL_SECONDS = 0.25


class NotesApp(App):
    CSS = """
    #notes-top { height: 3; padding: 0 2; background: $panel; }
    #notes-where { width: 1fr; height: 3; content-align: left middle; }
    #notes-timer { width: auto; color: $accent; }
    #notes-planned { width: auto; height: 3; content-align: left middle; padding-left: 1; }
    #notes-title { height: auto; padding: 1 2 0 2; text-style: bold; }
    #notes-body { height: 1fr; padding: 1 2; }
    #notes-text { max-width: 100; }
    #notes-next { height: auto; padding: 0 2; color: $text-muted; }
    """
    TITLE = "decommission - speaker notes"
    BINDINGS = [Binding("q,escape", "quit", "Quit")]

    def __init__(self, loaded: Any, state_file: Path) -> None:
        super().__init__()
        self.loaded = loaded
        self.steps = list(loaded.deck.steps)
        self.watcher = StateWatcher(state_file)
        self.state: PresenterState | None = None

    @property
    def internal_error(self) -> BaseException | None:
        return self._exception

    def compose(self) -> ComposeResult:
        with Horizontal(id="notes-top"):
            yield Static(id="notes-where")
            yield Digits("00:00", id="notes-timer")
            yield Static(id="notes-planned")
        yield Static(id="notes-title")
        with VerticalScroll(id="notes-body"):
            yield Static(id="notes-text")
        yield Static(id="notes-next")
        yield Footer()

    def on_mount(self) -> None:
        # A state left by a presenter that has closed is not followed: wait for a new one.
        first = read_state(self.watcher.path)
        self.watcher.poll()
        if first is not None and not first.ended:
            self.follow(first)
        else:
            self.waiting()
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_interval(1.0, self._tick)

    def waiting(self) -> None:
        self.query_one("#notes-where", Static).update(plain("Speaker notes", "bold"))
        self.query_one("#notes-title", Static).update(plain(self.loaded.deck.title, "bold"))
        self.query_one("#notes-text", Static).update(Content.assemble(
            "Waiting for the main screen: run ", ("decommission present", "bold"),
            " with this deck in another terminal; these notes follow it."))
        self.query_one("#notes-next", Static).update(Content(""))

    def _poll(self) -> None:
        state = self.watcher.poll()
        if state is not None and state.deck_id == self.loaded.deck.id:
            self.follow(state)

    def follow(self, state: PresenterState) -> None:
        self.state = state
        if state.ended:
            self.query_one("#notes-where", Static).update(plain("The presentation has ended", "bold"))
            self._tick()
            return
        index = max(0, min(state.step, len(self.steps) - 1))
        step = self.steps[index]
        self.query_one("#notes-where", Static).update(Content.assemble(
            (f"Step {index + 1} of {len(self.steps)}", "bold"), ("  ·  piece ", "dim"), str(state.part + 1)))
        minutes = f"   ({step.minutes:g} min planned)" if step.minutes else ""
        self.query_one("#notes-title", Static).update(Content.assemble(plain(step_title(step), "bold"),
                                                                        (minutes, "dim")))
        self.query_one("#notes-text", Static).update(plain(step.notes or "(no notes for this step)"))
        following = step_title(self.steps[index + 1]) if index + 1 < len(self.steps) else "(the end)"
        self.query_one("#notes-next", Static).update(Content.assemble(("Next: ", "bold"), plain(following)))
        self.query_one("#notes-planned", Static).update(plain(f"of {clock(state.planned_minutes * 60)}", "dim"))
        self._tick()

    def _tick(self) -> None:
        if self.state is not None and not self.state.ended:
            self.query_one("#notes-timer", Digits).update(clock(time.time() - self.state.started_at))
