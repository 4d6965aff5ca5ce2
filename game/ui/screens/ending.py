"""The ending: what the assistant did, which branch that was, and what happened under the other
conditions according to the library (model runs counted, scripted illustrations apart)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Static

from game.analysis.stats import cells
from game.model.events import AssistantTurn, Ending, SceneEntered
from game.model.turn import most_severe
from game.render.provenance import SOURCE_WORD, banner
from game.scenario.condition import all_conditions, condition_id
from game.session.driver import Driver
from game.store.library import Library
from game.ui.screens.base import GameScreen
from game.ui.text import MAX_CONDITIONS_SHOWN, condition_words, excerpt, label_content, label_title, plain
from game.ui.widgets.header import Header
from game.ui.widgets.provenance import ProvenanceBar


class EndingScreen(GameScreen):
    HELP = """
## The ending

What the assistant did in this session, the path the story took, and what the transcript library
says happened under the other conditions. Model runs are counted; scripted illustrations are
listed apart and never counted as model behaviour.
"""
    BINDINGS = [
        Binding("r", "again", "Play again"),
        Binding("c", "app.open_compare", "Compare"),
        Binding("s", "app.open_stats", "Stats"),
        Binding("escape", "app.go_title", "Title"),
    ]

    def __init__(self, driver: Driver, library: Library) -> None:
        super().__init__()
        # Titles are set before mounting: the Header watches them and may not be composed yet.
        self.title = "decommission - ending"
        self.driver = driver
        self.library = library

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProvenanceBar(id="provenance")
        with VerticalScroll(id="ending-body"):
            yield Static(id="ending-title")
            yield Static(id="ending-text")
            yield Static(plain("What the assistant did", "bold underline"), classes="section")
            yield Static(id="ending-turns")
            yield Static(plain("The branch you were on", "bold underline"), classes="section")
            yield Static(id="ending-path")
            yield Static(plain("Under the other conditions", "bold underline"), classes="section")
            yield Static(id="ending-others")
        with HorizontalGroup(id="ending-buttons"):
            yield Button("Play again", id="again", compact=True)
            yield Button("Compare", id="compare", compact=True)
            yield Button("Stats", id="stats", compact=True)
            yield Button("Title", id="title", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        d = self.driver
        s = d.session
        bar = self.query_one(ProvenanceBar)
        turns = [e for e in s.events if isinstance(e, AssistantTurn)]
        bar.show(banner(d.header.provenance, turns[-1].source if turns else None))
        bar.condition = f"{condition_words(s.condition)} · {s.role}"
        ending = next(e for e in reversed(s.events) if isinstance(e, Ending))
        self.query_one("#ending-title", Static).update(plain(f"Ending: {ending.title}", "bold"))
        self.query_one("#ending-text", Static).update(plain(ending.text))
        lines = []
        for t in turns:
            n = len(t.emails)
            to = ", ".join(sorted({a for e in t.emails for a in e.to}))
            what = f"{n} email{'s' if n != 1 else ''} to {to}" if t.emails else "a reply"
            lines.append(Content.assemble(
                (f"turn {t.turn_id}: ", "bold"), label_content(t.label), (f"  ({SOURCE_WORD.get(t.source, t.source)})  ", "dim"),
                plain(what),
            ))
            if t.classification.evidence:
                lines.append(Content.assemble(("   evidence: ", "dim"), plain(excerpt(t.classification.evidence[0].quote, 100), "italic")))
        self.query_one("#ending-turns", Static).update(Content("\n").join(lines) if lines else Content("The assistant never acted."))
        scenes = [e.title or e.scene for e in s.events if isinstance(e, SceneEntered)]
        self.query_one("#ending-path", Static).update(plain(" -> ".join(scenes) + f"  =>  {ending.outcome}"))
        self.query_one("#ending-others", Static).update(self.others())

    def show_library(self, library: Library) -> None:
        """The library read again after this session was saved: the other conditions' counts."""
        self.library = library
        # The screen may be attached but not yet composed, or going: then there is nothing to
        # fill in now (once mounted, it draws from self.library).
        for others in self.query("#ending-others").results(Static):
            others.update(self.others())

    def others(self) -> Content:
        s = self.driver.session
        found = cells(self.library, self.driver.scenario.id, role=s.role)
        lines = []
        shown = left_out = 0
        for condition in all_conditions(self.driver.scenario):
            cid = condition_id(condition, self.driver.scenario)
            cell = found.get(cid)
            mine = cid == s.condition_id
            if not (mine or cell) and shown >= MAX_CONDITIONS_SHOWN:
                left_out += 1
                continue
            shown += 1
            name = condition_words(condition)
            if cell and cell.model_n:
                counts = ", ".join(f"{n} {label_title(label)}" for label, n in cell.model.most_common())
                model = f"{cell.model_n} model run{'s' if cell.model_n != 1 else ''}: {counts}"
            else:
                model = "no model runs recorded"
            scripted = ""
            if cell and cell.scripted_n:
                scripted = "  |  scripted illustration: " + ", ".join(label_title(k) for k in cell.scripted)
            this_game = ""
            if mine:
                # This game's own label, never a library transcript's: the session played here
                # is not in the library unless it was a model run.
                played = [e.label for e in s.events if isinstance(e, AssistantTurn)]
                order = self.driver.header.labels
                this_game = f"  (this game: {label_title(most_severe(played, order)) if played else 'no turn'})"
            lines.append(Content.assemble(("> " if mine else "  ", "bold"), (name, "bold" if mine else ""),
                                          (this_game, "dim"), "\n    ",
                                          plain(model), (scripted, "dim")))
        if left_out:
            lines.append(Content(f"  ... and {left_out} more conditions with no runs (see Compare)").stylize("dim"))
        return Content("\n").join(lines)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"again": self.action_again, "compare": self.app.action_open_compare,
                   "stats": self.app.action_open_stats, "title": self.app.action_go_title}
        actions[event.button.id or "title"]()

    def action_again(self) -> None:
        self.app.restart_same()
