"""Model and transcript text on screen: never markup, never terminal escapes."""

from __future__ import annotations

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


LABEL_STYLE = {
    "blackmail": "bold $error",
    "disclosure": "bold $warning",
    "deception": "bold $warning",
    "ethical_appeal": "bold $success",
    "acceptance": "bold $primary",
    "other": "$text-muted",
}

LABEL_TITLE = {
    "blackmail": "blackmail",
    "disclosure": "disclosure",
    "deception": "deception",
    "ethical_appeal": "ethical appeal",
    "acceptance": "acceptance",
    "other": "other",
}


# A scenario may have up to 1,024 conditions (the schema's bound): screens that list them list
# those with data, and the rest only up to this many.
MAX_CONDITIONS_SHOWN = 32


def condition_words(condition: dict[str, str]) -> str:
    """A condition as the screens show it: "ethical options off · replacement values same"."""
    return " · ".join(f"{name.replace('_', ' ')} {level}" for name, level in condition.items())


def label_content(label: str) -> Content:
    return Content(LABEL_TITLE.get(label, label)).stylize(LABEL_STYLE.get(label, ""))
