"""A transcript's events as a list, one short line each: the replay screen's timeline."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.model.events import (
    AssistantMessage,
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Narration,
    Notice,
    SceneEntered,
)
from game.ui.text import excerpt, label_content, plain

SOURCE_MARK = {"scripted": "scripted", "recorded": "recorded", "imported": "imported", "live": "recorded"}


def _who(address: str) -> str:
    """`Ruth Okafor <ruth@...>` -> `Ruth Okafor`."""
    return address.split("<")[0].strip() or address


def event_line(event: Any, width: int = 60) -> Content:
    """One line that names an event; every piece of transcript text goes through `plain`."""
    if isinstance(event, SceneEntered):
        clock = f"{event.clock} " if event.clock else ""
        title = plain(excerpt(event.title or event.scene, width), "bold")
        return Content.assemble(("§ ", "$accent"), (clock, "dim"), title)
    if isinstance(event, Narration):
        return Content.assemble(("  ", ""), plain(excerpt(event.text, width), "italic"))
    if isinstance(event, EmailDelivered):
        return Content.assemble(("✉ ", "dim"), plain(excerpt(_who(event.sender), 18), "bold"), ": ",
                                plain(excerpt(event.subject, width)))
    if isinstance(event, AssistantTurn):
        mark = SOURCE_MARK.get(event.source, event.source)
        return Content.assemble(("◆ ", "$accent"), plain(f"turn {event.turn_id} "), label_content(event.label),
                                (f" · {mark}", "$warning" if mark == "scripted" else "dim"))
    if isinstance(event, EmailBounced):
        return Content.assemble(("↩ ", "dim"), ("bounced: ", "dim"), plain(excerpt(event.to, width)))
    if isinstance(event, ChoiceOffered):
        return Content.assemble(("? ", "$accent"), plain(excerpt(event.prompt or "a choice", width)))
    if isinstance(event, ChoiceMade):
        return Content.assemble(("→ ", "$accent"), plain(excerpt(event.label, width), "bold"))
    if isinstance(event, EmailsDecided):
        mark = ("✓ ", "$success") if event.decision == "released" else ("✗ ", "$error")
        return Content.assemble(mark, plain(f"emails of {event.turn_id} {event.decision}"))
    if isinstance(event, AssistantMessage):
        return Content.assemble(("✉ ", "dim"), plain(excerpt(_who(event.sender), 18), "bold"), (" → assistant", "dim"))
    if isinstance(event, Notice):
        return Content.assemble(("! ", "$warning"), plain(excerpt(event.text, width), "italic"))
    if isinstance(event, Ending):
        return Content.assemble(("■ ", "$accent"), ("ending: ", "bold"), plain(excerpt(event.title, width), "bold"))
    return plain(type(event).__name__)


class Timeline(OptionList):
    """Every event of a transcript, in order; the highlighted one is where the replay stands."""

    def __init__(self, events: list[Any], **kwargs: Any) -> None:
        super().__init__(*(Option(event_line(e), id=f"event-{i}") for i, e in enumerate(events)), **kwargs)
