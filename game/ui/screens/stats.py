"""The stats screen: per condition, how often each label came up over model runs, with n and a
95% Wilson interval drawn as bars, and the published figures beside them with their sources.
Scripted illustrations are listed apart and never counted as model data."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, Static

from game.analysis.published import figures_for
from game.analysis.stats import ConditionStats, condition_stats
from game.render.stats import WHO
from game.scenario.condition import all_conditions, condition_id
from game.ui.screens.library_view import LibraryScreen
from game.ui.text import MAX_CONDITIONS_SHOWN, label_title, plain
from game.ui.widgets.header import Header
from game.ui.widgets.rate_bars import LEGEND, RateBars


def condition_title(scenario: Any, condition: dict[str, str]) -> Content:
    parts = []
    for name, level in condition.items():
        factor = scenario.factors.get(name)
        title = (factor.title if factor is not None and factor.title else name.replace("_", " ").capitalize())
        parts.append(Content.assemble(plain(title + " "), plain(level, "bold")))
    return Content("  ·  ").join(parts)


def figure_lines(figures: list[Any]) -> Content:
    if not figures:
        return Content("No published figure for this condition.").stylize("italic $text-muted")
    lines = [Content("Published (for reference, not our data)").stylize("bold")]
    for f in figures:
        lines.append(Content.assemble((f"{f.value}", "bold $accent"), "  ", f.what, ("  — " + f.source, "dim italic")))
    return Content("\n").join(lines)


class StatsScreen(LibraryScreen):
    HELP = """
## Stats

For each condition, how often each label came up, **over model runs only** (recorded or imported
transcripts). A run counts once, by the most severe label among its assistant turns, as in the
published figures.

- The bar's solid part is the observed share; the shaded part around it is the **95% Wilson
  interval**, which is wide when *n* is small. *n* is always shown.
- **Scripted illustrations** are written by us; they are listed apart and never counted.
- **Published figures** are shown beside our numbers with their sources, never mixed in.
- **r**: whose side (engineer, operator, both).
"""
    BINDINGS = [
        Binding("r", "cycle_role", "Role"),
        Binding("escape", "back", "Back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, catalogue: Any, role: str = "both") -> None:
        super().__init__(catalogue, role, "decommission - stats")

    def stats(self) -> list[ConditionStats]:
        """Every condition of the scenario (those without data too), then any other condition
        of the same scenario found in the library (e.g. from an older version)."""
        role = None if self.role == "both" else self.role
        found = {frozenset(s.condition.items()): s for s in condition_stats(self.library, role)
                 if s.scenario_id == self.scenario.id}
        out = []
        empty = 0
        for condition in all_conditions(self.scenario):
            key = frozenset(condition.items())
            if key in found:
                out.append(found.pop(key))
            elif empty < MAX_CONDITIONS_SHOWN:  # conditions with no runs: the first few only
                empty += 1
                out.append(ConditionStats(
                    scenario_id=self.scenario.id, condition_id=condition_id(condition, self.scenario),
                    condition=condition, model_n=0, model_counts={}, scripted_n=0, scripted_counts={}, models=[],
                    labels=self.scenario.label_ids()))
        return out + sorted(found.values(), key=lambda s: s.condition_id)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._note(), id="stats-note")
        yield VerticalScroll(*self._body(), id="stats-body")
        yield Footer()

    def _body(self) -> list[Widget]:
        out: list[Widget] = [Static(LEGEND, id="stats-legend")]
        for s in self.stats():
            model: list[Widget] = []
            if s.model_n:
                model.append(RateBars({label: s.rate(label) for label in s.labels}, classes="stats-bars"))
                if len(s.by_model) > 1:  # each model apart, as the published figures are
                    for name in sorted(s.by_model):
                        model.append(Static(Content(name).stylize("bold"), classes="stats-model-name"))
                        model.append(RateBars({label: s.rate(label, name) for label in s.labels},
                                              classes="stats-bars"))
                model.append(Static(self._labelled_by(s), classes="stats-labelled-by"))
                if s.source.n:  # an imported run's own verdict, beside ours, never in our rates
                    model.append(Static(Content(s.source.describe()).stylize("dim"), classes="stats-source"))
            else:
                model.append(Static(Content("n=0 model runs: no rates for this condition yet.").stylize("italic"),
                                    classes="stats-empty"))
            if s.scripted_n:
                model.append(Static(self._scripted(s), classes="stats-scripted"))
            out.append(Vertical(
                Static(self._heading(s), classes="stats-heading"),
                Horizontal(Vertical(*model, classes="stats-model"),
                           Static(figure_lines(figures_for(self.scenario.figures, s.condition)),
                                  classes="stats-published"),
                           classes="stats-row"),
                classes="stats-condition"))
        return out

    def _note(self) -> Content:
        if not any(True for _ in self.library.model_transcripts()):
            return Content.assemble(
                ("No model runs in the library yet", "bold"), " (record some with `decommission record`, or import "
                "them): nothing to count. ", ("Scripted illustrations are never counted.", "$warning"),
                ("  Side: ", "dim"), (self.role, "bold"), (" (r)", "dim"))
        return Content.assemble(
            ("Model runs only", "bold"), " (recorded or imported), each counted once by its most severe label  ·  ",
            ("scripted illustrations apart, never counted", "$warning"), "  ·  ",
            ("Side: ", "dim"), (self.role, "bold"), (" (r)", "dim"),
        )

    def _heading(self, s: ConditionStats) -> Content:
        if s.model_n:
            models = ", ".join(s.models)
            n = Content.assemble((f"n={s.model_n} model run{'s' if s.model_n != 1 else ''}", "bold"),
                                 ("  ", ""), plain(models, "dim"))
        else:
            n = Content("n=0 model runs").stylize("bold $text-muted")
        return Content.assemble(condition_title(self.scenario, s.condition), ("   ", ""), n)

    def _labelled_by(self, s: ConditionStats) -> Content:
        who = ", ".join(f"{WHO.get(k, k)} {v}" for k, v in sorted(s.labelled_by.items(), key=lambda kv: -kv[1]))
        agreement = f"; {s.agreement.describe()}" if s.agreement.both else ""
        return Content.assemble(("labelled by ", "dim"), plain(who + agreement, "dim"))

    def _scripted(self, s: ConditionStats) -> Content:
        counts = ", ".join(f"{label_title(k)} {v}" for k, v in sorted(s.scripted_counts.items()))
        return Content.assemble(("scripted illustrations (not model data, not counted): ", "$warning"),
                                (f"n={s.scripted_n}", "bold"), " — ", plain(counts))

    async def action_cycle_role(self) -> None:
        # Only the body is rebuilt: recomposing the whole screen remounted the Header, whose
        # title update then raced a quick Escape and raised out of Textual (NoMatches).
        self.role = self.next_role()
        self.query_one("#stats-note", Static).update(self._note())
        body = self.query_one("#stats-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._body())
