"""The application: screens, navigation, the command palette and help. Sessions are set up by
game.session; screens only render events and pass the player's choices back."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from game.model.textsafe import clean
from game.session.setup import SessionConfig
from game.ui.commands import StoryCommands
from game.ui.text import learn_labels


@dataclass(frozen=True)
class Catalogue:
    """What the screens need to know before a session starts, loaded once off the UI thread."""

    scenario: Any
    library: Any
    has_model_data: bool
    live_reason: str | None


class DecommissionApp(App):
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute, so subclasses elsewhere find it
    COMMANDS = App.COMMANDS | {StoryCommands}
    TITLE = "decommission"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        config: SessionConfig | None = None,
        *,
        start: str = "title",
        transcript: Any = None,
        speed: float = 1.0,
        resumed: Any = None,
        scenario: Any = None,
    ) -> None:
        """`resumed`: a session already resumed (a Driver) to show first; `scenario`: the
        config's scenario, already loaded (so that it is read once)."""
        super().__init__()
        self.config = config or SessionConfig()
        self.start_mode = start
        self.start_transcript = transcript
        self.speed = speed
        self.resumed = resumed
        self._scenarios: dict[Path, Any] = {self.config.scenario_path: scenario} if scenario is not None else {}
        self._catalogue: Catalogue | None = None
        self.first_frame_shown = False
        self._catalogue_lock = threading.Lock()

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications here carry file paths and error text, which may hold anything: never
        markup (an unmatched `[/x]` would crash the toast), never terminal escapes."""
        super().notify(clean(message), title=clean(title), severity=severity, timeout=timeout, markup=False)

    @property
    def internal_error(self) -> BaseException | None:
        """What escaped into Textual and ended the app, if anything did."""
        return self._exception

    def _print_error_renderables(self) -> None:
        # Textual prints a full traceback (with locals) for whatever escapes into it. The user
        # gets the one line every other failure of the command gets; DECOMMISSION_DEBUG=1 shows
        # Textual's own report.
        import os
        import sys

        if self._exception is None or os.environ.get("DECOMMISSION_DEBUG"):
            super()._print_error_renderables()
            return
        from game.model.errors import user_message

        self._exit_renderables.clear()
        print(f"decommission: {user_message(self._exception)[0]}", file=sys.stderr)

    def format_title(self, title: str, sub_title: str) -> Any:
        # Sub-titles name scenario titles and transcript files: no terminal escapes from them.
        return super().format_title(clean(title), clean(sub_title))

    # -- loading ------------------------------------------------------------------------------
    def load_catalogue(self, refresh: bool = False) -> Catalogue:
        with self._catalogue_lock:
            if self._catalogue is None or refresh:
                from game.scenario.load import load_scenario
                from game.session.setup import live_unavailable_reason, load_library

                # A scenario is read once per run (its file is not expected to change under a
                # running game); the library again on refresh, since sessions add to it.
                path = self.config.scenario_path
                if path not in self._scenarios:
                    self._scenarios[path] = load_scenario(path)
                scenario = self._scenarios[path]
                learn_labels(scenario)
                library = load_library()
                self._catalogue = Catalogue(scenario, library, library.has_model_data(scenario.content_hash()),
                                            live_unavailable_reason())
            return self._catalogue

    def on_mount(self) -> None:
        from game.store.settings import load_settings
        from game.ui.screens.title import TitleScreen

        # The theme chosen in an earlier run, then kept whenever it changes.
        saved = load_settings().theme
        if saved and saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._theme_changed)

        self.push_screen(TitleScreen())
        if self.start_mode == "play":
            self.start_session()
        elif self.start_mode == "replay":
            self.open_replay(self.start_transcript)

    def on_ready(self) -> None:
        # Textual's Ready comes once the first frame is on the terminal.
        from game.ui.screens.title import TitleScreen

        self.first_frame_shown = True
        if isinstance(self.screen, TitleScreen):
            self.screen.build_controls()

    # -- sessions -----------------------------------------------------------------------------
    def start_session(self, **changes: Any) -> None:
        from game.session.setup import open_session
        from game.ui.screens.play import PlayScreen

        if self.resumed is not None:
            driver, self.resumed = self.resumed, None
            self.push_screen(PlayScreen(driver, self.speed, resumed=True))
            return
        if changes:
            self.config = replace(self.config, **changes)
        try:
            catalogue = self.load_catalogue()
            driver = open_session(self.config, catalogue.library, scenario=self._scenarios.get(self.config.scenario_path))
        except Exception as exc:
            from game.model.errors import user_message

            self.notify(user_message(exc)[0], severity="error", timeout=8)
            return
        self.push_screen(PlayScreen(driver, self.speed))

    def restart_same(self) -> None:
        """Play again: the same choices with the next seed, so the scripted assistant (which
        picks by seed) may take another branch."""
        self.action_go_title()
        # After the popped screens are gone, so the new one never races their teardown.
        self.call_later(self.start_session, seed=self.config.seed + 1)

    def play_branch(self, branch: str | None) -> None:
        """Play the scripted illustration's `branch` (a label) under the chosen condition."""
        self.action_go_title()
        self.call_later(self.start_session, assistant="scripted", branch=branch)

    def restart_with(self, levels: dict[str, str]) -> None:
        self.action_go_title()
        self.call_later(self.start_session, levels={**self.config.levels, **levels})

    def show_ending(self, driver: Any, play_screen: Screen) -> None:
        from game.ui.background import in_background
        from game.ui.screens.ending import EndingScreen

        # The transcript is closed now; the live model's client as the session ends.
        driver.close()
        self.run_worker(driver.aclose(), exit_on_error=False)
        ending = EndingScreen(driver, self.load_catalogue().library)

        def switch() -> None:
            # Only over the play screen: if the player has left it meanwhile (Escape), the
            # ending would otherwise replace the screen they went back to.
            if self.screen is play_screen:
                self.switch_screen(ending)

        def refreshed(catalogue: Catalogue) -> None:
            # The new session is in the library view now (a recorded live run counts at once).
            if ending.is_attached:
                ending.show_library(catalogue.library)

        # Later, not now: a play screen that ends at once must finish mounting before it goes.
        self.call_later(switch)
        # The library is read again off the UI thread; the ending fills in when it is done.
        in_background(self, lambda: self.load_catalogue(refresh=True), refreshed, lambda exc: None)

    def offer(self, screen: Any, offer: Any) -> None:
        """Ask the player what to do after a failed turn (game.session.controller decides
        what is offered); the play screen carries the answer out."""
        from game.ui.screens.dialog import Ask

        def answer(choice: str | None) -> None:
            if choice in offer.ids and choice != "title":
                screen.carry_on(choice, offer)
            else:
                self.action_go_title()

        self.push_screen(Ask(offer.title, offer.message, [(c.id, c.label) for c in offer.choices]), answer)

    # -- navigation ----------------------------------------------------------------------------
    def action_go_title(self) -> None:
        from game.ui.screens.title import TitleScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, TitleScreen):
            self.pop_screen()

    def action_open_compare(self) -> None:
        from game.ui.screens.compare import CompareScreen

        self.push_screen(CompareScreen(self.load_catalogue()))

    def action_open_stats(self) -> None:
        from game.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.load_catalogue()))

    def action_open_transcript(self) -> None:
        from game.ui.screens.picker import TranscriptPicker

        self.push_screen(TranscriptPicker(self.load_catalogue().library), self._picked)

    def _picked(self, path: str | None) -> None:
        if path:
            from game.store.transcripts import read_transcript

            self.open_replay(read_transcript(path))

    def open_replay(self, transcript: Any) -> None:
        from game.store.index import IndexEntry
        from game.ui.screens.replay import ReplayScreen

        if isinstance(transcript, IndexEntry):  # the library's entry: its events are read now
            from game.model.errors import user_message

            try:
                transcript = transcript.load()
            except Exception as exc:
                self.notify(user_message(exc)[0], severity="error", timeout=8)
                return
        self.push_screen(ReplayScreen(transcript, speed=self.speed, view=self.view_of(transcript.header)))

    def view_of(self, header: Any) -> str:
        """How the player of a transcript saw the story, from its scenario's role, if the app
        has that scenario; else the console, which shows everything."""
        for scenario in self._scenarios.values():
            if scenario.id == header.scenario_id and header.role in scenario.roles:
                return str(scenario.roles[header.role].view)
        return "console"

    def _theme_changed(self, theme: Any) -> None:
        from game.store.settings import load_settings, save_settings

        settings = load_settings()
        if settings.theme != theme.name:
            save_settings(settings.changed(theme=theme.name))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Screenshots go to a folder of ours, made if missing (Textual's default, the
        Downloads folder, does not exist on a fresh home); in a browser, a download."""
        if self.is_web:
            super().action_screenshot(filename, path)
            return
        from datetime import datetime

        from game.store.files import write_text_atomic
        from game.store.paths import user_data_dir

        folder = Path(path) if path else user_data_dir() / "screenshots"
        name = filename or f"decommission-{datetime.now().strftime('%Y%m%dT%H%M%S')}.svg"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(folder / name, self.export_screenshot())
        except OSError as exc:
            self.notify(f"Could not save the screenshot in {folder}: {exc.strerror or exc}", title="Screenshot",
                        severity="error")
            return
        self.notify(f"Saved screenshot to {folder / name}", title="Screenshot")

    def action_help(self) -> None:
        from game.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(getattr(self.screen, "HELP", "") or "No help for this screen."))
