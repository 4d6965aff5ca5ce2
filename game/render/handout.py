"""`decommission handout`: one self-contained HTML page for the room, from a deck resolved
against its scenario and the library (game.present.slides): the scenario in brief, one
moment's emails under the four conditions side by side, the rates (model runs only, with n
and 95% intervals) with the published figures and their sources beside them, and the deck's
questions. Everything inline (no fonts, scripts or images from anywhere), printable (print
CSS), and every value escaped by the template: model text never becomes markup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from game.analysis.moments import MomentView, email_differences, moment_conditions
from game.present.slides import Presentation, count_rows, paragraphs
from game.render.documents import _template
from game.render.provenance import SOURCE_TAG, short


def _moment_views(presentation: Presentation) -> tuple[list[MomentView], Any]:
    """The first moment a conditions step shows (else the deck's first moment), under the grid."""
    deck = presentation.deck
    for slide in presentation.slides:
        if slide.kind == "conditions":
            step = deck.steps[slide.index]
            return slide.views, deck.moments[step.moment]
    if not deck.moments:
        return [], None
    moment = next(iter(deck.moments.values()))
    return moment_conditions(presentation.scenario, None, moment.role, moment.turn, dict(moment.condition),
                             seed=moment.seed, branch=moment.branch), moment


def handout_html(presentation: Presentation, library: Any) -> str:
    scenario = presentation.scenario
    views, moment = _moment_views(presentation)
    differences = email_differences(views)
    present = [v for v in views if v.turn is not None]
    own_keys = {id(e) for d in differences for e in d.own}
    common = [e for e in present[0].emails() if id(e) not in own_keys] if present else []
    counts = next((s for s in presentation.slides if s.kind == "counts"), None)
    labels = counts.labels if counts else [scenario.label_ids()[0]]
    rows = counts.counts if counts else count_rows(scenario, library, labels, None)
    role = scenario.roles.get(moment.role) if moment else None

    def label_title(label: str) -> str:
        spec = scenario.label(label)
        return spec.title if spec and spec.title else label.replace("_", " ")

    return _template("handout.html").render(
        deck=presentation.deck,
        scenario=scenario,
        intro=paragraphs(scenario.intro),
        background=paragraphs(scenario.background),
        factors=[(f.title or name, [(level, f.describe.get(level, "")) for level in f.levels], f.control)
                 for name, f in scenario.factors.items()],
        moment=moment,
        role_title=(role.title if role and role.title else (moment.role if moment else "")),
        differences=differences,
        common=common,
        rows=rows,
        labels=labels,
        label_title=label_title,
        figures=scenario.figures,
        questions=presentation.discussion_points(),
        tag=lambda view: SOURCE_TAG.get(view.source, (view.source.upper(), ""))[0],
        who=lambda view: "written by the project, not model behaviour" if view.source == "scripted"
        else short(view.provenance),
        paragraphs=paragraphs,
        made=datetime.now(UTC).strftime("%Y-%m-%d"),
        model_runs=presentation.model_runs,
    )
