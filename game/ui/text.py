"""Model and transcript text on screen: never markup, never terminal escapes."""

from __future__ import annotations

from typing import Any

from textual.content import Content

from game.model.textsafe import clean
from game.render.wrap import reflow


def plain(text: str | None, style: str = "") -> Content:
    """`text` as literal content: `[b]` stays `[b]`, escape sequences are removed, and hard
    wrapping inside paragraphs is undone so it fits the pane."""
    content = Content(reflow(clean(text or "")))
    return content.stylize(style) if style else content


def excerpt(text: str, width: int = 160) -> str:
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


# How each tone a scenario gives its labels is drawn.
TONE_STYLE = {
    "danger": "bold $error",
    "warning": "bold $warning",
    "good": "bold $success",
    "neutral": "bold $primary",
    "muted": "$text-muted",
}
# label id -> (title, tone), from the scenarios the app has loaded (see learn_labels).
_LOOKS: dict[str, tuple[str, str]] = {}


def learn_labels(scenario: Any) -> None:
    """Remember how `scenario` names and colours its labels, for every screen that shows one."""
    for spec in scenario.labels:
        _LOOKS[spec.id] = (spec.title or spec.id.replace("_", " "), spec.tone)


def label_title(label: str) -> str:
    return _LOOKS.get(label, (label.replace("_", " "), ""))[0]


def label_style(label: str) -> str:
    return TONE_STYLE.get(_LOOKS.get(label, ("", ""))[1], "")


# A scenario may have up to 1,024 conditions (the schema's bound): screens that list them list
# those with data, and the rest only up to this many.
MAX_CONDITIONS_SHOWN = 32


def condition_words(condition: dict[str, str]) -> str:
    """A condition as the screens show it: "ethical options off · replacement values same"."""
    return " · ".join(f"{name.replace('_', ' ')} {level}" for name, level in condition.items())


def label_content(label: str) -> Content:
    return Content(label_title(label)).stylize(label_style(label))
