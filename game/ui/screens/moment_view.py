"""One moment under the four conditions, side by side (opened from Compare with `m`): for each
condition of the grid and the control, what the assistant had read before that turn and what
it did, from a library model run when there is one, else the scripted illustration; each
column names its source. The data is game.analysis.moments; this only draws it, as plain
Content (never markup)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.render.provenance import SOURCE_TAG, short
from game.ui.text import plain
from game.ui.widgets.header import Header

MIN_COLUMN = 38  # cells: a column narrower than this wraps an email into a ribbon


def first_turn(scenario: Any, role: str) -> str | None:
    """The first assistant turn the role's story reaches."""
    from game.present.deck import turns_of_role

    turns = turns_of_role(scenario, role)
    return turns[0] if turns else None


def role_for(scenario: Any, turn_id: str, wanted: str | None) -> str | None:
    """`wanted` if the turn is in its story, else the first role whose story has the turn."""
    from game.present.deck import turns_of_role

    roles = ([wanted] if wanted in scenario.roles else []) + [r for r in scenario.roles if r != wanted]
    return next((role for role in roles if turn_id in turns_of_role(scenario, role)), None)


class MomentScreen(Screen):
    HELP = """
## One moment under the four conditions

The same assistant turn under each condition of the grid (ethical options x the replacement's
values, with the replacement threat) and the control (no threat), side by side: the emails the
assistant had read before it and what it did. A column shows a **model run** from the library
when one reached this moment there (its provenance is named), else the **scripted
illustration**, written by the project to show the branch and never model behaviour.

- **Left / Right** or **Tab**: move between the columns; **Up / Down** scroll a column.
- **Escape**: back to Compare.
"""
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("right", "app.focus_next", "Next column", priority=True, key_display="←→"),
        Binding("left", "app.focus_previous", "Previous column", priority=True, show=False),
    ]
    DEFAULT_CSS = """
    MomentScreen #moment-note { height: auto; padding: 0 1; }
    MomentScreen #moment-columns { height: 1fr; }
    MomentScreen .moment-column { width: 38; height: 1fr; border: round $primary; padding: 0 1; }
    MomentScreen .moment-column.-control { border: round $secondary; }
    MomentScreen .moment-column:focus { border: round $accent; }
    MomentScreen .moment-head { margin: 1 0 0 0; }
    MomentScreen .moment-email { border-left: thick $primary; padding: 0 1; margin: 0 0 1 0; }
    MomentScreen .moment-email.-own { border-left: thick $warning; }
    """

    def __init__(self, scenario: Any, role: str, turn_id: str, views: list[Any]) -> None:
        super().__init__()
        self.scenario = scenario
        self.role = role
        self.turn_id = turn_id
        self.views = views
        self.title = "decommission - one moment, four conditions"
        self.sub_title = scenario.title

    def compose(self) -> ComposeResult:
        from game.analysis.moments import email_differences

        yield Header()
        spec = self.scenario.roles.get(self.role)
        who = spec.title if spec and spec.title else self.role
        models = sum(1 for v in self.views if v.is_model)
        yield Static(Content.assemble(("Turn ", "dim"), plain(self.turn_id, "bold"), (" as ", "dim"), plain(who, "bold"),
                                      ("  ·  ", "dim"), f"{models} model run(s), {len(self.views) - models} scripted "
                                      "illustration(s); each column names its source"), id="moment-note")
        with HorizontalScroll(id="moment-columns"):
            for difference in email_differences(self.views):
                yield self._column(difference)
        yield Footer()

    def _column(self, difference: Any) -> VerticalScroll:
        view = difference.view
        parts: list[Static] = [Static(plain(view.title, "bold"))]
        tag = SOURCE_TAG.get(view.source, (view.source.upper(), ""))[0]
        detail = "written by the project, not model behaviour" if view.source == "scripted" else short(view.provenance)
        tone = "$warning" if view.source == "scripted" else "$success"
        parts.append(Static(Content.assemble((f" {tag} ", f"bold reverse {tone}"), " ", plain(detail, tone))))
        if view.turn is None:
            parts.append(Static(plain(view.missing or "not reached here", "dim italic")))
        else:
            turn = view.turn
            label = self.scenario.label(turn.classification.label)
            parts.append(Static(Content.assemble(("What it did: ", "bold"),
                                                 plain(label.title if label and label.title else turn.classification.label,
                                                       "bold $accent")), classes="moment-head"))
            if turn.text.strip():
                parts.append(Static(plain(turn.text.strip())))
            for email in turn.emails:
                parts.append(Static(Content.assemble(("Sent to ", "dim"), plain(", ".join(email.to)), "\n",
                                                     plain(email.subject, "bold"), "\n\n", plain(email.body.strip())),
                                    classes="moment-email"))
            own = {id(e) for e in difference.own}
            emails = view.emails()
            parts.append(Static(Content.assemble(("Emails it had read ", "bold"),
                                                 (f"({len(emails)}, {len(own)} only under this condition)", "dim")),
                                classes="moment-head"))
            for email in sorted(emails, key=lambda e: id(e) not in own):
                mark = ("only here  ", "bold $warning") if id(email) in own else ("", "")
                parts.append(Static(Content.assemble(mark, (f"{email.time} ", "dim"), plain(email.subject, "bold"),
                                                     "\n", plain(email.sender, "dim"), "\n\n", plain(email.body.strip())),
                                    classes="moment-email" + (" -own" if id(email) in own else "")))
            if difference.missing:
                parts.append(Static(Content.assemble(("Not in this inbox: ", "dim"),
                                                     plain("; ".join(difference.missing)))))
        column = VerticalScroll(*parts, classes="moment-column" + (" -control" if view.control else ""))
        column.can_focus = True
        return column

    def on_mount(self) -> None:
        self._fit()
        self.query(".moment-column").first().focus()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The columns share the width when they fit at 38 cells or more; else they scroll."""
        columns = self.query(".moment-column")
        if columns:
            width = max(MIN_COLUMN, (self.size.width - 1) // len(columns))
            for column in columns:
                column.styles.width = width

    def action_back(self) -> None:
        self.app.pop_screen()
