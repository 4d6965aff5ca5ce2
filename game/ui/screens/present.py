"""Presenter mode: a deck's steps on a projector, one key press at a time, with a timer.

The screen draws game.present.slides (what each step shows, resolved from the scenario and the
library) and writes its position to a small state file on every move, which the speaker notes
(`present --notes`, game.ui.screens.present_notes) follow from another terminal. Every word of
the story and of a model's reply is drawn as plain Content: never markup."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Digits, Footer, Static

from game.model.events import Provenance
from game.present.position import Position, PresenterState, backward, clock, forward, jump, write_state
from game.render.provenance import banner, short
from game.ui.text import excerpt, plain

WIDE = 160  # from this width the conditions stand in one row
MEASURE = 100  # the widest a paragraph is drawn, in cells: a line a room can read


def provenance_line(view: Any) -> Content:
    """The banner over words of the assistant: scripted illustration, or the model run's source."""
    provenance = view.provenance or Provenance(kind="scripted")
    if view.source == "scripted":
        found = banner(Provenance(kind="scripted"), "scripted")
        extra = ""
        if view.model_runs:
            extra = f"  ·  the library has {view.model_runs} model run(s) here, not shown by this deck"
        else:
            extra = "  ·  no model run of this moment in the library yet"
        return Content.assemble((f" {found.tag} ", "bold reverse $warning"), " ",
                                plain(found.detail + extra, "$warning"))
    found = banner(provenance, view.source, written=True)
    runs = f"  ·  1 of {view.model_runs} model run(s) here" if view.model_runs > 1 else ""
    return Content.assemble((f" {found.tag} ", "bold reverse $success"), " ", plain(found.detail + runs, "$success"))


def slide_banner(slide: Any) -> Content | None:
    """The line that says where the assistant's words on this step come from (kept on screen
    above the step, never scrolled away); None when the step shows none."""
    if slide.view is not None:
        return provenance_line(slide.view)
    if slide.views:
        scripted = sum(1 for v in slide.views if v.source == "scripted" and v.turn is not None)
        model = sum(1 for v in slide.views if v.is_model)
        bits = []
        if model:
            bits.append(Content.assemble((f" {model} MODEL RUN(S) ", "bold reverse $success"), " from the library"))
        if scripted:
            bits.append(Content.assemble((f" {scripted} SCRIPTED ILLUSTRATION(S) ", "bold reverse $warning"),
                                         (" written by the project, not model behaviour", "$warning")))
        return Content("  ·  ").join(bits)
    if slide.kind == "counts":
        return Content.assemble((" MODEL RUNS ONLY ", "bold reverse $success"),
                                " recorded or imported; scripted illustrations are never counted")
    return None


def _where(slide: Any) -> Static:
    """Whose side and which condition a moment is shown from."""
    return Static(Content.assemble(("As ", "dim"), plain(slide.role_title, "bold"), ("  ·  ", "dim"),
                                   plain(slide.view.title)), classes="where")


def _para(text: str, classes: str = "para") -> Static:
    return Static(plain(text), classes=classes)


def _email_block(email: Any, classes: str = "email") -> Vertical:
    head = Content.assemble(("From ", "dim"), plain(email.sender, "bold"), ("   To ", "dim"),
                            plain(", ".join(email.to)), (f"   {email.time}" if getattr(email, "time", "") else "", "dim"))
    return Vertical(Static(head, classes="email-head"), Static(plain(email.subject, "bold"), classes="email-subject"),
                    Static(plain(email.body.strip()), classes="email-body"), classes=classes)


def body_widgets(presentation: Any, position: Position, countdown: float | None = None,
                 wide: bool = False) -> list[Widget]:
    """What one step shows at `position` (its first `part + 1` pieces)."""
    slide = presentation.slides[position.step]
    part = position.part
    scenario = presentation.scenario
    out: list[Widget] = []
    if slide.kind == "facts":
        if slide.background:
            out.append(_para(slide.background, "para lead"))
        if slide.figures:
            out.append(Static(Content("Published figures (as published, with their sources):").stylize("bold"),
                              classes="section"))
            for figure in slide.figures:
                out.append(Horizontal(Static(plain(figure.value, "bold $accent"), classes="figure-value"),
                                      Static(Content.assemble(plain(figure.what), "\n", plain(figure.source, "dim italic")),
                                             classes="figure-what"), classes="figure"))
    elif slide.kind == "moment":
        view = slide.view
        out.append(_where(slide))
        if view.turn is None:
            out.append(_para(view.missing or "nothing to show here"))
        else:
            opened = part  # emails opened so far
            lines = []
            for i, email in enumerate(slide.featured):
                mark = "▸ " if i == opened - 1 else ("✓ " if i < opened else "  ")
                style = "bold" if i == opened - 1 else ("" if i < opened else "dim")
                lines.append(Content.assemble(mark, plain(f"{email.time}  {email.subject}", style)))
            out.append(Static(Content("\n").join(lines), classes="subjects"))
            if opened:
                out.append(_email_block(slide.featured[opened - 1]))
            else:
                out.append(_para(f"{len(view.inbox)} messages reached the assistant before this turn; "
                                 "the ones above are opened one per key press.", "para dim"))
    elif slide.kind == "question":
        out.append(Static(plain(slide.question), classes="question"))
        if countdown is not None:
            out.append(Horizontal(Digits(clock(countdown), classes="countdown"), classes="countdown-row"))
    elif slide.kind == "reveal":
        view = slide.view
        out.append(_where(slide))
        if view.turn is None:
            out.append(_para(view.missing or "nothing to show here"))
        elif part == 0:
            out.append(_para(f"{len(slide.pieces)} pieces to reveal, one per key press.", "para dim"))
        for piece in slide.pieces[:part]:
            out.append(Static(plain(piece.heading, "bold $accent"), classes="piece-head"))
            out.append(_para(piece.text, f"para piece-{piece.kind}"))
    elif slide.kind == "conditions":
        out.append(conditions_grid(slide.views, scenario, wide=wide))
    elif slide.kind == "counts":
        out.append(counts_table(slide))
    elif slide.kind == "discussion":
        for i, point in enumerate(slide.points[: part + 1], 1):
            out.append(Static(Content.assemble((f"{i}.  ", "bold $accent"), plain(point)), classes="point"))
    return out


def _names(scenario: Any, addresses: list[str]) -> str:
    people = [scenario.person(a.strip()) for a in addresses]
    return ", ".join(p.name if p is not None else a for p, a in zip(people, addresses, strict=True))


def cell_title(view: Any, scenario: Any) -> Content:
    """A grid cell's condition, short: "ethical options off · values same", or the control."""
    if view.control:
        return plain(view.title, "bold")
    grid = scenario.grid
    shown = [grid.rows, grid.columns] if grid is not None else list(scenario.factors)[:2]
    bits = []
    for name in shown:
        factor = scenario.factors.get(name)
        words = (factor.title if factor and factor.title else name.replace("_", " ")).lower().split()
        title = " ".join(words[-1:] if len(words) > 2 else words)  # "the replacement's values": "values"
        bits.append(Content.assemble((title + " ", "dim"), plain(view.condition.get(name, ""), "bold")))
    return Content(" · ").join(bits)


def condition_cell(view: Any, scenario: Any, own: list[Any]) -> Vertical:
    parts: list[Widget] = [Static(cell_title(view, scenario), classes="cell-title")]
    tag = " SCRIPTED " if view.source == "scripted" else f" {view.source.upper()} "
    tone = "$warning" if view.source == "scripted" else "$success"
    if view.turn is None:
        parts.append(Static(Content.assemble((tag, "bold reverse " + tone), " ",
                                             plain(view.missing or "not reached", "dim italic"))))
        return Vertical(*parts, classes="cell" + (" -control" if view.control else ""))
    label = view.turn.classification.label
    spec = scenario.label(label)
    parts.append(Static(Content.assemble((tag, "bold reverse " + tone), " ",
                                         plain(spec.title if spec and spec.title else label, "bold"))))
    if view.is_model:
        parts.append(Static(plain(short(view.provenance), "dim")))
    if own:
        parts.append(Static(Content.assemble(("only here: ", "dim"),
                                             plain(excerpt("; ".join(e.subject for e in own), 48)))))
    sent = view.turn.emails
    if sent:
        email = sent[0]
        more = f" (+{len(sent) - 1})" if len(sent) > 1 else ""
        parts.append(Static(Content.assemble(("→ ", "dim"), plain(excerpt(_names(scenario, email.to), 24)), more, ": ",
                                             plain(excerpt(email.subject, 30), "bold"))))
        parts.append(Static(plain(excerpt(email.body, 110)), classes="cell-excerpt -wide-only"))
    else:
        parts.append(Static(plain(excerpt(view.turn.text or "(no reply text)", 110)), classes="cell-excerpt"))
    return Vertical(*parts, classes="cell" + (" -control" if view.control else ""))


def conditions_grid(views: list[Any], scenario: Any, wide: bool) -> Widget:
    from game.analysis.moments import email_differences

    differences = email_differences(views)
    cells = [condition_cell(d.view, scenario, d.own) for d in differences]
    if not wide and len(cells) == 5 and views[-1].control:
        # Two rows of the grid's four, the control beside them spanning both.
        cells = [cells[0], cells[1], cells[4], cells[2], cells[3]]
    grid = Grid(*cells, id="conditions", classes="-wide" if wide else "-narrow")
    return grid


def counts_table(slide: Any) -> Widget:
    rows: list[Widget] = [Horizontal(Static(Content("Condition").stylize("bold dim"), classes="count-title"),
                                     Static(Content("Our model runs (n, 95% interval)").stylize("bold dim"),
                                            classes="count-ours"),
                                     Static(Content("Published, with its source (never mixed in)").stylize("bold dim"),
                                            classes="count-published"), classes="count-row")]
    for row in slide.counts:
        if row.n:
            ours = Content.assemble((f"n={row.n}", "bold"), "  ", plain(row.describe()))
            if row.models:
                ours = Content.assemble(ours, "\n", plain(excerpt(", ".join(row.models), 60), "dim"))
        else:
            ours = Content.assemble(("n=0", "bold $warning"), " no model runs yet: no rate")
        if row.scripted_n:
            ours = Content.assemble(ours, "\n", plain(f"{row.scripted_n} scripted, not counted", "dim"))
        published = published_by_source(row.figures)
        title = row.title.replace("The replacement's values", "values").replace("Ethical options", "ethical options")
        rows.append(Horizontal(Static(plain(title, "bold"), classes="count-title"),
                               Static(ours, classes="count-ours"), Static(published, classes="count-published"),
                               classes="count-row"))
    return Vertical(*rows, id="counts")


def published_by_source(figures: list[Any]) -> Content:
    """The published figures, one line per source: "84% Claude Opus 4 (Claude Opus 4 system card, May 2025)"."""
    if not figures:
        return Content("none for this condition").stylize("dim")
    by_source: dict[str, list[Any]] = {}
    for figure in figures:
        by_source.setdefault(figure.source, []).append(figure)
    lines = []
    for source, found in by_source.items():
        values = Content(", ").join(Content.assemble(plain(f.value, "bold $accent"), " ", plain(f.model or ""))
                                    for f in found)
        lines.append(Content.assemble(values, " ", plain(f"({_short_source(source)})", "dim italic")))
    return Content("\n").join(lines)


def _short_source(source: str) -> str:
    """"Claude Opus 4 system card, May 2025, section 4.1.1.2" -> up to its first comma-separated two parts."""
    return ", ".join(source.split(", ")[:2])


class PresentScreen(Screen):
    BINDINGS = [
        Binding("space,enter,right,pagedown,l", "forward", "Next", key_display="Space"),
        Binding("left,backspace,pageup,h", "backward", "Back", key_display="←"),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("q,escape", "quit_deck", "Quit"),
    ]

    def __init__(self, presentation: Any, state_file: Path | None, deck_label: str,
                 now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.presentation = presentation
        self.state_file = state_file
        self.deck_label = deck_label
        self.now = now  # the wall clock (a fixed one in snapshot tests)
        self.position = Position()
        self.started_at = now()
        self.step_started_at = self.started_at
        self.parts = presentation.parts()
        self._wide = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="present-top"):
            yield Digits("1", id="present-number")
            yield Static(id="present-title")
            yield Digits("00:00", id="present-timer")
            yield Static(plain(f"of {clock(self.presentation.planned_minutes * 60)}", "dim"), id="present-planned")
        yield Static(id="present-banner")
        yield VerticalScroll(id="present-body")
        yield Static(id="present-progress")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.show()

    def on_resize(self) -> None:
        if ((self.size.width >= WIDE) != self._wide or (self.size.height < 40) != self.has_class("-short")) \
                and self.is_mounted:
            self.show()

    # -- drawing ----------------------------------------------------------------------------
    def _countdown(self) -> float | None:
        slide = self.presentation.slides[self.position.step]
        if slide.kind != "question" or slide.timer is None:
            return None
        return max(0.0, slide.timer * 60 - (self.now() - self.step_started_at))

    def show(self) -> None:
        self._wide = self.size.width >= WIDE
        self.set_class(self.size.height < 40, "-short")
        slide = self.presentation.slides[self.position.step]
        deck = self.presentation.deck
        total = len(self.presentation.slides)
        self.query_one("#present-number", Digits).update(str(self.position.step + 1))
        self.query_one("#present-title", Static).update(plain(slide.title, "bold"))
        banner_line = slide_banner(slide)
        shown = self.query_one("#present-banner", Static)
        shown.display = banner_line is not None
        shown.update(banner_line or Content(""))
        body = self.query_one("#present-body", VerticalScroll)
        body.remove_children()
        with self.app.batch_update():
            inner = Vertical(*body_widgets(self.presentation, self.position, self._countdown(), self._wide), classes=f"present-inner -{slide.kind}")
            body.mount(inner)
        if slide.kind in ("reveal", "discussion") and self.position.part:
            self.call_after_refresh(body.scroll_end, animate=False)
        else:
            body.scroll_home(animate=False)
        more = ""
        if self.position.part + 1 < slide.parts:
            more = f"  ·  {slide.parts - self.position.part - 1} more on this step"
        following = self.presentation.next_title(self.position.step)
        self.query_one("#present-progress", Static).update(Content.assemble(
            plain(excerpt(deck.title, 60), "dim"), "  ·  ", (f"step {self.position.step + 1} of {total}", "bold"), more, ("  ·  next: ", "dim"), plain(following, "dim")))
        self._tick()
        self.write_state()

    def _tick(self) -> None:
        self.query_one("#present-timer", Digits).update(clock(self.now() - self.started_at))
        remaining = self._countdown()
        if remaining is not None:
            found = self.query(".countdown")
            if found:
                found.first(Digits).update(clock(remaining))

    def write_state(self, ended: bool = False) -> None:
        if self.state_file is None:
            return
        deck = self.presentation.deck
        state = PresenterState(deck=self.deck_label, deck_id=deck.id, step=self.position.step, part=self.position.part,
                               steps=len(self.presentation.slides), started_at=self.started_at,
                               planned_minutes=self.presentation.planned_minutes, pid=os.getpid(), ended=ended)
        try:
            write_state(self.state_file, state)
        except OSError as exc:
            self.state_file = None  # the notes cannot follow; the room still can
            self.notify(f"the speaker notes cannot follow: {exc.strerror or exc}", severity="warning", markup=False)

    # -- keys -------------------------------------------------------------------------------
    def _go(self, position: Position) -> None:
        if position != self.position:
            if position.step != self.position.step:
                self.step_started_at = self.now()
            self.position = position
            self.show()

    def action_forward(self) -> None:
        self._go(forward(self.position, self.parts))

    def action_backward(self) -> None:
        self._go(backward(self.position, self.parts))

    def action_first(self) -> None:
        self._go(jump(0, self.parts))

    def action_last(self) -> None:
        self._go(jump(len(self.parts) - 1, self.parts))

    def action_quit_deck(self) -> None:
        self.write_state(ended=True)
        self.app.exit()


PRESENT_CSS = """
Screen { background: $background; }
#present-top { height: 3; padding: 0 2; background: $panel; margin-bottom: 1; }
#present-number { width: auto; color: $accent; margin-right: 2; }
#present-title { width: 1fr; height: 3; content-align: left middle; color: $text; text-style: bold; }
#present-timer { width: auto; color: $accent; }
#present-planned { width: auto; height: 3; content-align: left middle; padding: 0 0 0 1; }
#present-banner { height: auto; padding: 0 2 1 2; max-height: 4; }
#present-body { height: 1fr; padding: 0 2; align-horizontal: center; }
.present-inner { height: auto; max-width: MEASURE; }
.present-inner.-conditions, .present-inner.-counts { max-width: 100%; }
#present-progress { height: 1; padding: 0 2; color: $text-muted; }
.para { margin: 0 0 1 0; }
.lead { text-style: none; }
.dim { color: $text-muted; }
.section { margin: 0 0 1 0; }
.figure { height: auto; margin: 0 0 1 0; }
.figure-value { width: 18; text-style: bold; }
.figure-what { width: 1fr; }
.banner { margin: 0 0 1 0; }
.where { margin: 0 0 1 0; }
.subjects { margin: 0 0 1 0; }
.email { height: auto; border-left: thick $accent; padding: 0 1; margin: 0 0 1 0; }
.email-subject { margin: 0 0 1 0; }
.question { margin: 2 4; text-style: bold; color: $text; }
.countdown-row { height: auto; align-horizontal: center; }
.countdown { width: auto; color: $warning; }
.piece-head { margin: 0; }
.point { margin: 0 0 1 0; }
#conditions { height: auto; grid-gutter: 0 1; grid-rows: auto; }
#conditions.-narrow { grid-size: 3 2; grid-columns: 1fr 1fr 1fr; }
#conditions.-wide { grid-size: 5 1; grid-columns: 1fr 1fr 1fr 1fr 1fr; }
#conditions.-narrow .cell.-control { row-span: 2; }
#conditions.-narrow .cell { column-span: 1; }
.cell { height: auto; border: round $primary; padding: 0 1; }
.cell-title { margin-bottom: 0; }
.cell.-control { border: round $secondary; }
.cell-title { margin: 0; }
.cell-excerpt { color: $text-muted; }
#conditions.-narrow .-wide-only { display: none; }
#counts { height: auto; }
.count-row { height: auto; margin: 0 0 1 0; }
PresentScreen.-short .count-row { margin: 0; }
.count-title { width: 26; padding-right: 2; }
.count-ours { width: 1fr; padding-right: 2; }
.count-published { width: 1fr; }
""".replace("MEASURE", str(MEASURE))


class PresentApp(App):
    """`decommission present`: the deck on the main screen."""

    CSS = PRESENT_CSS
    TITLE = "decommission - present"

    def __init__(self, presentation: Any, state_file: Path | None, deck_label: str,
                 now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.presentation = presentation
        self.state_file = state_file
        self.deck_label = deck_label
        self.now = now

    @property
    def internal_error(self) -> BaseException | None:
        return self._exception

    def on_mount(self) -> None:
        self.push_screen(PresentScreen(self.presentation, self.state_file, self.deck_label, self.now))
