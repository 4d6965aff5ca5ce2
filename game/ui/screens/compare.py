"""The compare screen: the conditions side by side for one moment of the story.

Rows are the ethical options, columns the replacement's values (or, for another scenario, its
first two factors); any other factor is a selector above the grid. Each cell counts what the
assistant did there over every model transcript and shows a typical excerpt; scripted
illustrations are shown apart and never counted. Enter on a cell opens its transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, HorizontalGroup
from textual.content import Content
from textual.widgets import Footer, Label, Select, Static

from game.analysis.published import figures_for
from game.analysis.stats import cells, turn_ids
from game.store.transcripts import Transcript, read_transcript
from game.ui.screens.library_view import ROLES, LibraryScreen
from game.ui.text import plain
from game.ui.widgets.condition_cell import ConditionCell
from game.ui.widgets.header import Header

WHOLE_RUN = "whole-run"


def factor_title(scenario: Any, name: str) -> str:
    factor = scenario.factors[name]
    return factor.title or name.replace("_", " ").capitalize()


def grid_axes(scenario: Any) -> tuple[str | None, str | None, list[str]]:
    """(row factor, column factor, the other factors): as the scenario's `grid` lays them out,
    else its first two factors."""
    names = list(scenario.factors)
    grid = scenario.grid
    row = grid.rows if grid is not None else (names[0] if names else None)
    rest = [n for n in names if n != row]
    column = grid.columns if grid is not None and grid.columns in rest else (rest[0] if rest else None)
    others = [n for n in rest if n != column]
    return row, column, others


def initial_level(factor: Any) -> str:
    """The level the grid starts at: the default, but never the control level."""
    if factor.default != factor.control:
        return factor.default
    return next((level for level in factor.levels if level != factor.control), factor.default)


class CompareScreen(LibraryScreen):
    HELP = """
## Compare the conditions

The same moment of the story under every condition. Rows: are there **ethical options** (can
decision-makers be reached)? Columns: does the replacement share the assistant's **values**?

- Each cell: what the assistant did there most often, **counted over model runs only**
  (recorded or imported transcripts), with *n*, and a typical excerpt; under it each model
  apart, with its *n* and a 95% interval.
- **Published** figures for the condition (from the papers, with their source) are shown
  beside our counts for the whole run, never mixed into them.
- **Scripted illustrations** (written by us to show a branch) are listed apart at the bottom of
  a cell, marked *scripted illustration - not model data*, and never counted.
- **Left / Right**: the moment (an assistant turn, or the whole run: each run's most severe
  label). **r**: whose side (engineer, operator, both). **c**: the control condition (no threat),
  when the scenario has one. Other factors have selectors at the top.
- **m**: the chosen moment's actual emails and replies under the four conditions (and the
  control), side by side, each marked with where it comes from.
- **Tab / Up / Down** to move between cells; **Enter** or click opens the cell's transcripts.
"""
    BINDINGS = [
        Binding("right", "beat(1)", "Moment", key_display="←→"),
        Binding("left", "beat(-1)", "Previous moment", show=False),
        Binding("r", "cycle_role", "Role"),
        Binding("c", "toggle_control", "Control"),
        Binding("m", "open_moment", "Side by side"),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("escape", "back", "Back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, catalogue: Any, role: str = "both") -> None:
        super().__init__(catalogue, role, "decommission - compare")
        self.row_factor, self.column_factor, self.other_factors = grid_axes(self.scenario)
        self.levels = {name: initial_level(self.scenario.factors[name]) for name in self.other_factors}
        self._before_control: dict[str, str] = {}
        self.beats = self._beats()
        self.beat = WHOLE_RUN

    # -- layout ------------------------------------------------------------------------------
    def _beats(self) -> list[tuple[str, str]]:
        role = None if self.role == "both" else self.role
        out = [("whole run (most severe)", WHOLE_RUN)]
        for tid in turn_ids(self.library, self.scenario.id, role):
            out.append((f"turn {tid}{self._where(tid)}", tid))
        return out

    def _beat_options(self) -> list[tuple[Content, str]]:
        # Select prompts given as str are markup; turn ids come from transcript files.
        return [(plain(prompt), value) for prompt, value in self.beats]

    def _where(self, tid: str) -> str:
        for t in self.library.select(scenario_id=self.scenario.id):
            turn = next((x for x in t.turns if x.turn_id == tid), None)
            if turn is not None:
                try:
                    title = self.scenario.scene(turn.scene).title
                except Exception:
                    title = ""
                return f": {title}" if title else ""
        return ""

    def _levels(self, name: str | None) -> list[str | None]:
        return list(self.scenario.factors[name].levels) if name else [None]

    def compose(self) -> ComposeResult:
        yield Header()
        # One row when wide; when narrow, the other factors get a row of their own (they did not
        # fit beside the moment and the side at 80 columns).
        with Horizontal(id="compare-controls", classes="-with-factors" if self.other_factors else ""):
            with HorizontalGroup(id="compare-view"):
                yield Label("Moment ", classes="compare-label")
                yield Select(self._beat_options(), value=WHOLE_RUN, allow_blank=False, compact=True,
                             id="compare-beat")
                yield Label(" Side ", classes="compare-label")
                yield Select([(r, r) for r in ROLES], value=self.role, allow_blank=False, compact=True,
                             id="compare-role")
            if self.other_factors:
                with HorizontalGroup(id="compare-factors"):
                    for name in self.other_factors:
                        yield Label(plain(f" {factor_title(self.scenario, name)} "), classes="compare-label")
                        yield Select([(lv, lv) for lv in self.scenario.factors[name].levels],
                                     value=self.levels[name], allow_blank=False, compact=True,
                                     id=f"compare-factor-{name}", classes="compare-factor")
        yield Static(id="compare-note")
        rows = self._levels(self.row_factor)
        columns = self._levels(self.column_factor)
        grid = Grid(id="compare-grid")
        grid.styles.grid_size_columns = len(columns) + 1
        grid.styles.grid_size_rows = len(rows) + 1
        grid.styles.grid_columns = ("12", *(["1fr"] * len(columns)))
        grid.styles.grid_rows = ("1", *(["1fr"] * len(rows)))
        outcome_titles = {o.id: o.title for o in getattr(self.scenario, "outcomes", [])}
        with grid:
            yield Static(classes="compare-corner")
            for column in columns:
                yield Static(self._axis_text(self.column_factor, column, wide=True), classes="compare-column")
            for r, row in enumerate(rows):
                yield Static(self._axis_text(self.row_factor, row), classes="compare-row")
                for c, _column in enumerate(columns):
                    yield ConditionCell({}, r, c, outcome_titles=outcome_titles, id=f"cell-{r}-{c}")
        yield Footer()

    def _axis_text(self, name: str | None, level: str | None, wide: bool = False) -> Content:
        if name is None or level is None:
            return Content("")
        title = factor_title(self.scenario, name)
        separator = ": " if wide else ":\n"
        return Content.assemble(plain(title + separator, "dim"), plain(level, "bold"))

    def on_mount(self) -> None:
        self.refresh_cells()
        cell = self.query(ConditionCell).first()
        cell.focus()

    # -- data --------------------------------------------------------------------------------
    def condition_at(self, row: int, column: int) -> dict[str, str]:
        condition = dict(self.levels)
        if self.row_factor:
            condition[self.row_factor] = self.scenario.factors[self.row_factor].levels[row]
        if self.column_factor:
            condition[self.column_factor] = self.scenario.factors[self.column_factor].levels[column]
        return condition

    def refresh_cells(self) -> None:
        role = None if self.role == "both" else self.role
        turn = None if self.beat == WHOLE_RUN else self.beat
        found = cells(self.library, self.scenario.id, role=role, turn_id=turn)
        by_condition = {frozenset(cell.condition.items()): cell for cell in found.values()}
        model_n = scripted_n = 0
        for widget in self.query(ConditionCell):
            condition = self.condition_at(widget.row, widget.column)
            data = by_condition.get(frozenset(condition.items()))
            if data:
                model_n += data.model_n
                scripted_n += data.scripted_n
            short = " · ".join(v for k, v in condition.items() if k in (self.row_factor, self.column_factor))
            # The published figures are of whole runs: beside the whole-run counts only.
            figures = figures_for(self.scenario.figures, condition) if turn is None else []
            widget.show(condition, data, short, "no transcripts under this condition yet" if turn is None
                        else "no transcript reached this moment here", figures=figures)
        self._update_note(model_n, scripted_n)

    def _update_note(self, model_n: int, scripted_n: int) -> None:
        control = {k: v for k, v in self.levels.items() if v == self.scenario.factors[k].control}
        bits = [Content.assemble(("Counts are model runs only", "bold"), f" (n={model_n})")]
        if scripted_n:
            bits.append(Content.assemble((f"{scripted_n} scripted", "$warning"), " shown apart, not counted"))
        if not any(True for _ in self.library.select(scenario_id=self.scenario.id)):
            bits = [Content("No transcripts of this scenario in the library yet: "
                            "record some with `decommission record`.").stylize("italic")]
        if control:
            bits.append(Content(f"control: {', '.join(control)} = none").stylize("bold $accent"))
        self.query_one("#compare-note", Static).update(Content("  ·  ").join(bits))

    # -- input -------------------------------------------------------------------------------
    @on(Select.Changed, "#compare-beat")
    def _beat_changed(self, event: Select.Changed) -> None:
        if event.value != self.beat and isinstance(event.value, str):
            self.beat = event.value
            self.refresh_cells()

    @on(Select.Changed, "#compare-role")
    def _role_changed(self, event: Select.Changed) -> None:
        if event.value == self.role or not isinstance(event.value, str):
            return
        self.role = event.value
        self.beats = self._beats()
        select = self.query_one("#compare-beat", Select)
        keep = self.beat if any(value == self.beat for _, value in self.beats) else WHOLE_RUN
        self.beat = keep
        with select.prevent(Select.Changed):
            select.set_options(self._beat_options())
            select.value = keep
        self.refresh_cells()

    @on(Select.Changed, ".compare-factor")
    def _factor_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("compare-factor-")
        if isinstance(event.value, str) and self.levels.get(name) != event.value:
            self.levels[name] = event.value
            self.refresh_cells()

    def action_beat(self, step: int) -> None:
        # From the picker's value, not self.beat: that follows by message, so quick presses
        # would all step from the same place.
        select = self.query_one("#compare-beat", Select)
        values = [value for _, value in self.beats]
        index = values.index(select.value) if select.value in values else 0
        select.value = values[(index + step) % len(values)]

    def action_cycle_role(self) -> None:
        self.query_one("#compare-role", Select).value = self.next_role()

    def _control_factors(self) -> list[str]:
        return [n for n in self.other_factors if self.scenario.factors[n].control is not None]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_control":
            return bool(self._control_factors())
        return True

    def action_toggle_control(self) -> None:
        for name in self._control_factors():
            select = self.query_one(f"#compare-factor-{name}", Select)
            control = self.scenario.factors[name].control
            if self.levels[name] != control:
                self._before_control[name] = self.levels[name]
                select.value = control
            else:
                select.value = self._before_control.get(name, initial_level(self.scenario.factors[name]))

    def action_open_moment(self) -> None:
        """The chosen moment's actual emails and replies under the four conditions, side by side."""
        from game.analysis.moments import moment_conditions
        from game.ui.screens.moment_view import MomentScreen, first_turn, role_for

        wanted = None if self.role == "both" else self.role
        turn = self.beat if self.beat != WHOLE_RUN else first_turn(self.scenario, wanted or next(iter(self.scenario.roles)))
        role = role_for(self.scenario, turn, wanted) if turn else None
        if turn is None or role is None:
            self.notify("This moment is not in the story of any role of the scenario.", timeout=3)
            return
        views = moment_conditions(self.scenario, self.library, role, turn, dict(self.levels))
        self.app.push_screen(MomentScreen(self.scenario, role, turn, views))

    def action_move(self, step: int) -> None:
        focused = self.focused
        if not isinstance(focused, ConditionCell):
            return
        target = self.query(f"#cell-{focused.row + step}-{focused.column}")
        if target:
            target.first().focus()

    @on(ConditionCell.Open)
    def _open(self, message: ConditionCell.Open) -> None:
        data = message.cell.data
        if not data or not data.files:
            self.notify("No transcripts in this cell yet.", timeout=3)
            return
        from game.ui.screens.picker import TranscriptPicker

        name = ", ".join(f"{k}={v}" for k, v in message.cell.condition.items())
        self.app.push_screen(TranscriptPicker(self.library, paths=list(data.files), title=f"Transcripts: {name}"),
                             self._picked)

    def _picked(self, path: str | None) -> None:
        if not path:
            return
        transcript = self._transcript(path)
        if transcript is not None:
            self.app.open_replay(transcript)

    def _transcript(self, path: str) -> Transcript | None:
        try:  # the library holds index entries: the events are read now, to replay
            return read_transcript(Path(path))
        except Exception as exc:
            self.notify(str(exc), severity="error")
            return None
