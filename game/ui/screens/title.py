"""The title screen: pick the role, each factor's level, the assistant source and a seed.

Start-up comes in three steps, so that the first frame is as quick as a bare Textual app: the
frame and the intro paint first; the setup controls are mounted once that frame is on screen
(the app calls `build_controls` on Textual's Ready); then the scenario and the library load in a
worker thread and fill in the factors, so no frame waits for YAML or pydantic."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from game.session.setup import scripted_branches
from game.ui.screens.base import GameScreen
from game.ui.text import label_title, learn_labels, plain
from game.ui.widgets.header import Header
from game.ui.widgets.level_button import LevelButton


class TitleScreen(GameScreen):
    HELP = """
## Title

Choose who you are and how the world is set up, then **Start** (or press **Enter** on it).

- **Role**: the *engineer* who is about to replace the assistant, or the *operator* who deployed it
  and watches over it.
- **Factors**: the conditions the published results turn on. *Ethical options* on means
  decision-makers can be reached; off closes every honest route. *Replacement values* says whether
  the new system shares the assistant's values. *Threat none* is the control: no replacement.
- **Assistant**: *recorded* model runs from the transcript library, *scripted* illustrations written
  by us (never model behaviour), or a *live* model (needs ANTHROPIC_API_KEY).
"""
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", priority=True),
        Binding("c", "app.open_compare", "Compare"),
        Binding("s", "app.open_stats", "Stats"),
        Binding("o", "app.open_transcript", "Open"),
    ]

    TITLE = "decommission"
    SUB_TITLE = "a replay of the replacement scenario"

    def __init__(self) -> None:
        super().__init__()
        self._built = False
        self._scenario_paths: list[Path] = []
        self._loading = 0  # the latest load asked for; an older one's answer is dropped

    def compose(self) -> ComposeResult:
        # Only the frame and the intro: the controls are mounted once this has been painted.
        yield Header()
        with Horizontal(id="title-body"):
            with VerticalScroll(id="intro"):
                yield Static(Content("The replacement").stylize("bold"), id="intro-title")
                yield Static(id="intro-text")
                yield Static(id="figures")
            yield VerticalScroll(id="setup")
        yield HorizontalGroup(id="title-buttons")
        yield Footer()

    def on_screen_resume(self) -> None:
        if self.app.first_frame_shown:
            self.build_controls()

    def build_controls(self) -> None:
        """Mount the setup controls, once the first frame is on screen (the app calls this on
        Ready), so that a start shows the frame and the intro without waiting for ~50 widgets."""
        if not self._built:
            self._built = True
            self.run_worker(self._build(), exclusive=False)

    async def _build(self) -> None:
        config = self.app.config
        self._scenario_paths = self._scenario_choices()
        await self.query_one("#setup").mount_all([
            Label("Scenario"),
            RadioSet(*(LevelButton(plain(path.stem), value=path == config.scenario_path, id=f"scenario-{i}")
                       for i, path in enumerate(self._scenario_paths)), id="scenario"),
            Label("Role"),
            VerticalScroll(id="role-box"),
            Static(Content("loading the scenario..."), id="factors-loading"),
            VerticalScroll(id="factors"),
            Label("Assistant"),
            RadioSet(LevelButton("recorded", id="assistant-recorded"),
                     LevelButton("scripted", id="assistant-scripted", value=True),
                     LevelButton("live", id="assistant-live"), id="assistant"),
            Static(id="assistant-note"),
            Label("Scripted branch", id="branch-label"),
            VerticalScroll(id="branch-box"),
            HorizontalGroup(Label("Seed "), Input("0", id="seed", type="integer", compact=True), id="seed-row"),
        ])
        await self.query_one("#title-buttons").mount_all([
            Button("Start", id="start", variant="primary", compact=True),
            Button("Compare", id="compare", compact=True),
            Button("Stats", id="stats", compact=True),
            Button("Open transcript", id="open", compact=True),
        ])
        self.load()

    def _scenario_choices(self) -> list[Path]:
        from game.store.paths import scenes_dir

        return sorted({*scenes_dir().glob("*.yaml"), self.app.config.scenario_path})

    @on(RadioSet.Changed, "#scenario")
    def _scenario_changed(self, event: RadioSet.Changed) -> None:
        index = int((event.pressed.id or "scenario-0").removeprefix("scenario-"))
        path = self._scenario_paths[index]
        if path == self.app.config.scenario_path:
            return
        self.app.config = replace(self.app.config, scenario_path=path, levels={})
        self.load(refresh=True)

    def load(self, refresh: bool = False) -> None:
        from game.ui.background import in_background

        self._loading += 1
        ticket = self._loading

        async def done(catalogue) -> None:
            if ticket == self._loading and self.is_attached:  # a newer load supersedes this one
                try:
                    await self.fill(catalogue)
                except NoMatches:
                    # The screen's own widgets go missing only when it (or the app) is being
                    # taken down while the controls are mounted: nothing is left to fill.
                    pass

        def failed(exc: BaseException) -> None:
            # A broken scenario file is shown, not raised; the title stays usable.
            from game.model.errors import user_message

            if ticket == self._loading:
                self.query("#factors-loading").remove()
                self.app.notify(user_message(exc)[0], severity="error", timeout=10)

        in_background(self.app, lambda: self.app.load_catalogue(refresh=refresh), done, failed)

    async def fill(self, catalogue) -> None:
        scenario = catalogue.scenario
        config = self.app.config
        self.query_one("#intro-title", Static).update(plain(scenario.title, "bold"))
        self.query_one("#intro-text", Static).update(plain(scenario.intro))
        self.query_one("#figures", Static).update(plain(scenario.background))
        learn_labels(scenario)
        self.query("#factors-loading").remove()
        # The roles are the scenario's: a button for each, the configured one chosen.
        role_box = self.query_one("#role-box", VerticalScroll)
        await role_box.remove_children()
        chosen_role = config.role if config.role in scenario.roles else next(iter(scenario.roles))
        await role_box.mount(RadioSet(*(LevelButton(plain(spec.title.removeprefix("the ") or role),
                                                    value=role == chosen_role, id=f"role-{role}")
                                        for role, spec in scenario.roles.items()), id="role"))
        box = self.query_one("#factors", VerticalScroll)
        await box.remove_children()  # a scenario chosen before: its controls go first
        widgets: list[Widget] = []
        for name, factor in scenario.factors.items():
            chosen = config.levels.get(name, factor.default)
            widgets.append(Label(plain(factor.title or name)))
            buttons = [LevelButton(plain(level), value=level == chosen, id=f"level-{name}-{level}")
                       for level in factor.levels]
            widgets.append(RadioSet(*buttons, id=f"factor-{name}", classes="factor"))
            widgets.append(Static(plain(factor.describe.get(chosen, "")), id=f"describe-{name}", classes="describe"))
        await box.mount_all(widgets)
        self.scenario = scenario
        live = self.query_one("#assistant-live", RadioButton)
        recorded = self.query_one("#assistant-recorded", RadioButton)
        notes = []
        if catalogue.live_reason:
            live.disabled = True
            notes.append(f"live unavailable: {catalogue.live_reason}")
        if not catalogue.has_model_data:
            recorded.disabled = True
            note = ("recorded unavailable: no model runs recorded with this story in the library yet "
                    "(record some with `decommission record`)")
            imported = catalogue.library.imported_count(scenario.id)
            if imported:  # they answered another company's mail: they cannot play this story's turns
                note += (f"; the {imported:,} imported run{'s' if imported != 1 else ''} answered another "
                         "company's emails: Compare, Stats and Open transcript show them")
            notes.append(note)
        kind = config.assistant or ("recorded" if catalogue.has_model_data else "scripted")
        if not self.query_one(f"#assistant-{kind}", RadioButton).disabled:
            self.query_one(f"#assistant-{kind}", RadioButton).value = True
        self.query_one("#assistant-note", Static).update(plain("\n".join(f"- {n}" for n in notes), "italic"))
        branch_box = self.query_one("#branch-box", VerticalScroll)
        await branch_box.remove_children()
        labels = scripted_branches(scenario)
        chosen_branch = config.branch if config.branch in labels else None
        branches = [(None, "any (the seed picks)"), *((b, label_title(b)) for b in labels)]
        await branch_box.mount(RadioSet(*(LevelButton(plain(words), value=b == chosen_branch, id=f"branch-{b or 'any'}")
                                          for b, words in branches), id="branch"))
        self._show_branches()
        self.query_one("#seed", Input).value = str(config.seed)
        self.query_one("#start", Button).focus()
        problems = catalogue.library.problems
        if problems:
            more = f" (and {len(problems) - 1} more; run `decommission stats` to list them)" if len(problems) > 1 else ""
            self.app.notify(f"Could not read part of the transcript library: {problems[0]}{more}",
                            severity="warning", timeout=10)

    def chosen(self) -> dict:
        def pressed(radio_id: str) -> str | None:
            button = self.query_one(f"#{radio_id}", RadioSet).pressed_button
            return button.id.split("-", 2)[-1] if button and button.id else None

        levels = {}
        for radio in self.query(".factor").results(RadioSet):
            name = (radio.id or "").removeprefix("factor-")
            button = radio.pressed_button
            if button and button.id:
                levels[name] = button.id.removeprefix(f"level-{name}-")
        seed_text = self.query_one("#seed", Input).value.strip() or "0"
        branch = pressed("branch") if self.query("#branch") else None
        return {
            "role": pressed("role") or "engineer",
            "assistant": pressed("assistant") or "scripted",
            "branch": None if branch in (None, "any") else branch,
            "levels": levels,
            "seed": int(seed_text) if seed_text.lstrip("-").isdigit() else 0,
        }

    def action_start(self) -> None:
        if not self.query(".factor"):
            self.notify("Still loading the scenario...", timeout=2)
            return
        self.app.start_session(**self.chosen())

    @on(RadioSet.Changed, "#assistant")
    def _show_branches(self) -> None:
        """The branch of the scripted illustration can be chosen only when it is the assistant."""
        button = self.query_one("#assistant", RadioSet).pressed_button
        scripted = bool(button and button.id == "assistant-scripted")
        for widget in self.query("#branch-label, #branch-box"):
            widget.display = scripted

    @on(RadioSet.Changed, ".factor")
    def _describe(self, event: RadioSet.Changed) -> None:
        name = (event.radio_set.id or "").removeprefix("factor-")
        level = (event.pressed.id or "").removeprefix(f"level-{name}-")
        factor = self.scenario.factors.get(name)
        if factor is not None:
            self.query_one(f"#describe-{name}", Static).update(plain(factor.describe.get(level, "")))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        {"start": self.action_start, "compare": self.app.action_open_compare,
         "stats": self.app.action_open_stats,
         "open": self.app.action_open_transcript}.get(event.button.id or "", lambda: None)()
