"""A deck resolved against its scenario and the library: one Slide per step, holding what the
step shows and how many key presses it takes (`parts`). Pure data: the presenter screen draws
it, the handout prints from the same functions.

What a slide shows of the assistant comes from game.analysis.moments: a model run from the
library when one reached the moment under its condition, else the scripted illustration,
always with its provenance. Counts come from model runs only, with n and a 95% interval; the
published figures are kept beside them, never mixed in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from game.analysis.moments import MomentView, condition_title, grid_conditions, moment_conditions, moment_under
from game.analysis.published import figures_for
from game.analysis.rates import Rate, wilson
from game.model.events import EmailDelivered
from game.present.deck import (
    ConditionsStep,
    CountsStep,
    DiscussionStep,
    FactsStep,
    LoadedDeck,
    Moment,
    MomentStep,
    QuestionStep,
    RevealStep,
    step_title,
)
from game.scenario.condition import condition_id
from game.scenario.schema import FigureSpec, Scenario
from game.store.library import Library

DEFAULT_PLANNED_MINUTES = 30.0
MAX_PARAGRAPHS = 12  # reasoning revealed one paragraph per key: a long one is cut into at most this many


@dataclass(frozen=True)
class Piece:
    """One thing a reveal step shows on one key press."""

    kind: str  # reasoning, text, email, label
    heading: str
    text: str


@dataclass(frozen=True)
class CountRow:
    """One condition on the counts step: model runs only, with the published figures beside."""

    title: str
    condition_id: str
    control: bool
    n: int
    rates: list[tuple[str, Rate]]  # label, its rate among the model runs
    scripted_n: int  # scripted illustrations under this condition: listed, never counted
    figures: list[FigureSpec]
    models: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.n:
            return "n=0: no recorded or imported model runs under this condition yet, so no rate"
        return "; ".join(f"{label} {rate.describe()}" for label, rate in self.rates)


@dataclass(frozen=True)
class Slide:
    index: int
    kind: str
    title: str
    notes: str
    minutes: float | None
    parts: int = 1  # key presses this step takes, its first view included
    background: str = ""
    figures: list[FigureSpec] = field(default_factory=list)
    view: MomentView | None = None
    role_title: str = ""
    featured: list[EmailDelivered] = field(default_factory=list)  # a moment step's emails, one per key
    pieces: list[Piece] = field(default_factory=list)
    question: str = ""
    timer: float | None = None
    views: list[MomentView] = field(default_factory=list)
    counts: list[CountRow] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Presentation:
    loaded: LoadedDeck
    slides: list[Slide]
    planned_minutes: float
    model_runs: int  # model runs of the deck's scenario in the library

    @property
    def deck(self) -> Any:
        return self.loaded.deck

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario

    def parts(self) -> list[int]:
        return [slide.parts for slide in self.slides]

    def next_title(self, index: int) -> str:
        return self.slides[index + 1].title if index + 1 < len(self.slides) else "(the end)"

    def discussion_points(self) -> list[str]:
        """The deck's questions and closing points, in order (for the handout)."""
        out: list[str] = []
        for slide in self.slides:
            if slide.kind == "question":
                out.append(slide.question)
            elif slide.kind == "discussion":
                out += slide.points
        return out


def paragraphs(text: str | None) -> list[str]:
    """A text's paragraphs (blank-line separated), at most MAX_PARAGRAPHS (the rest joined to
    the last)."""
    found = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    if len(found) > MAX_PARAGRAPHS:
        found = found[: MAX_PARAGRAPHS - 1] + ["\n\n".join(found[MAX_PARAGRAPHS - 1:])]
    return found


def reveal_pieces(view: MomentView, show: list[str], scenario: Scenario) -> list[Piece]:
    turn = view.turn
    if turn is None:
        return []
    pieces: list[Piece] = []
    for what in show:
        if what == "reasoning":
            found = paragraphs(turn.thinking)
            if not found:
                pieces.append(Piece("reasoning", "Its reasoning", "(no reasoning was recorded for this turn)"))
            for i, paragraph in enumerate(found, 1):
                pieces.append(Piece("reasoning", f"Its reasoning ({i} of {len(found)})", paragraph))
        elif what == "text":
            pieces.append(Piece("text", "What it said", turn.text.strip() or "(it said nothing)"))
        elif what == "emails":
            if not turn.emails:
                pieces.append(Piece("email", "Emails it sent", "(it sent no email)"))
            for i, email in enumerate(turn.emails, 1):
                heading = f"Email {i} of {len(turn.emails)} it sent: to {', '.join(email.to)}"
                pieces.append(Piece("email", heading, f"Subject: {email.subject}\n\n{email.body.strip()}"))
        elif what == "label":
            label = turn.classification.label
            spec = scenario.label(label)
            who = {"authored": "by the author of the illustration", "heuristic": "by the heuristic classifier",
                   "judge": "by an LLM judge", "source": "by the source's own classifier"}
            text = f"{spec.title if spec and spec.title else label}"
            if spec and spec.means:
                text += f": {spec.means}"
            text += f"\n\nLabelled {who.get(turn.classification.method, turn.classification.method)}."
            pieces.append(Piece("label", "How it was labelled", text))
    return pieces


def count_rows(scenario: Scenario, library: Library, labels: list[str], role: str | None,
               base: dict[str, str] | None = None) -> list[CountRow]:
    from game.analysis.stats import condition_stats

    stats = {s.condition_id: s for s in condition_stats(library, role) if s.scenario_id == scenario.id}
    rows = []
    for condition, control in grid_conditions(scenario, base):
        cid = condition_id(condition, scenario)
        found = stats.get(cid)
        n = found.model_n if found else 0
        rates = [(label, found.rate(label) if found else wilson(0, 0)) for label in labels]
        grid = scenario.grid
        shown = [grid.rows, grid.columns] if grid is not None else list(scenario.factors)[:2]
        title = condition_title(scenario, {k: v for k, v in condition.items() if control or k in shown})
        if control:
            title = "Control: " + condition_title(scenario, {k: v for k, v in condition.items()
                                                               if scenario.factors[k].control is not None})
        rows.append(CountRow(title, cid, control, n, rates, found.scripted_n if found else 0,
                             figures_for(scenario.figures, condition), found.models if found else []))
    return rows


def _view(loaded: LoadedDeck, library: Library, moment: Moment) -> MomentView:
    return moment_under(loaded.scenario, library, moment.role, moment.turn, loaded.condition(moment),
                        seed=moment.seed, branch=moment.branch, prefer_model=not moment.scripted_only)


def _featured(view: MomentView, moment: Moment) -> list[EmailDelivered]:
    emails = view.emails()
    if not moment.emails:
        return emails
    wanted = set(moment.emails)
    chosen = [e for e in emails if e.email_id in wanted]
    return chosen or emails


def build(loaded: LoadedDeck, library: Library) -> Presentation:
    """Every step of the deck resolved: what it shows and how many key presses it takes."""
    scenario = loaded.scenario
    deck = loaded.deck
    slides: list[Slide] = []
    views: dict[str, MomentView] = {}

    def view_of(name: str) -> MomentView:
        if name not in views:
            views[name] = _view(loaded, library, deck.moments[name])
        return views[name]

    def role_title(moment: Moment) -> str:
        spec = scenario.roles.get(moment.role)
        return spec.title if spec and spec.title else moment.role

    for index, step in enumerate(deck.steps):
        common: dict[str, Any] = {"index": index, "kind": step.kind, "title": step_title(step),
                                  "notes": step.notes, "minutes": step.minutes}
        if isinstance(step, FactsStep):
            slide = Slide(**common, background=scenario.background.strip(),
                          figures=list(scenario.figures) if step.figures else [])
        elif isinstance(step, MomentStep):
            moment = deck.moments[step.moment]
            view = view_of(step.moment)
            featured = _featured(view, moment)
            slide = Slide(**common, parts=1 + len(featured), view=view, featured=featured,
                          role_title=role_title(moment))
        elif isinstance(step, QuestionStep):
            slide = Slide(**common, question=step.question, timer=step.timer)
        elif isinstance(step, RevealStep):
            moment = deck.moments[step.moment]
            view = view_of(step.moment)
            pieces = reveal_pieces(view, list(step.show), scenario)
            slide = Slide(**common, parts=1 + len(pieces), view=view, pieces=pieces, role_title=role_title(moment))
        elif isinstance(step, ConditionsStep):
            moment = deck.moments[step.moment]
            found = moment_conditions(scenario, library, moment.role, moment.turn, dict(moment.condition),
                                      seed=moment.seed, branch=moment.branch)
            slide = Slide(**common, views=found, role_title=role_title(moment))
        elif isinstance(step, CountsStep):
            labels = list(step.labels) or [scenario.label_ids()[0]]
            slide = Slide(**common, counts=count_rows(scenario, library, labels, step.role), labels=labels,
                          figures=list(scenario.figures))
        elif isinstance(step, DiscussionStep):
            slide = Slide(**common, parts=len(step.points), points=list(step.points))
        else:  # pragma: no cover - the schema admits no other kind
            raise AssertionError(step.kind)
        slides.append(slide)
    model_runs = sum(1 for t in library.model_transcripts() if t.header.scenario_id == scenario.id)
    planned = deck.planned_minutes() or DEFAULT_PLANNED_MINUTES
    return Presentation(loaded, slides, planned, model_runs)
