"""Label rates as text bars: the observed share in solid blocks, the 95% interval around it in
lighter shades, sized to the width the widget has."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget

from game.rates import Rate
from game.turn import LABELS
from game.ui.text import LABEL_STYLE, LABEL_TITLE

FILL, INSIDE_LOW, INSIDE_HIGH, TRACK = "█", "▓", "░", "·"
LEGEND = Content.assemble((FILL * 2, "bold"), " observed share   ", (INSIDE_LOW + INSIDE_HIGH, ""),
                          " 95% Wilson interval   ", (TRACK, "dim"), " 0-100%")
LABEL_COLUMN = 16
NUMBER_COLUMN = 24  # " 10/10 100%  95% CI 72-100%"


def bar(rate: Rate, width: int, style: str = "") -> Content:
    """`width` cells: 0% at the left edge, 100% at the right."""
    if width <= 0:
        return Content("")
    fill = round(rate.value * width)
    low = int(rate.low * width)
    high = min(width, max(fill, round(rate.high * width + 0.4999)))
    cells = []
    for i in range(width):
        if i < fill:
            cells.append((INSIDE_LOW if i >= low else FILL, style))
        elif i < high:
            cells.append((INSIDE_HIGH, style))
        else:
            cells.append((TRACK, "dim"))
    return Content.assemble(*cells).simplify()


def rate_numbers(rate: Rate) -> str:
    return f"{rate.count:>3}/{rate.n:<3} {rate.value:>4.0%}  95% CI {rate.low:.0%}-{rate.high:.0%}"


class RateBars(Widget):
    """One line per label: name, bar, count over n, share and interval."""

    DEFAULT_CSS = "RateBars { height: auto; }"

    def __init__(self, rates: dict[str, Rate], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rates = rates

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return max(1, len(self.rates))

    def render(self) -> Content:
        width = self.content_size.width or 80
        numbers = NUMBER_COLUMN if width >= LABEL_COLUMN + NUMBER_COLUMN + 10 else 12
        bar_width = max(4, min(60, width - LABEL_COLUMN - numbers - 2))
        lines = []
        for label in LABELS:
            rate = self.rates.get(label)
            if rate is None:
                continue
            name = Content(f"{LABEL_TITLE.get(label, label):<{LABEL_COLUMN - 1}} "[:LABEL_COLUMN])
            style = LABEL_STYLE.get(label, "").replace("bold ", "")
            text = rate_numbers(rate) if numbers == NUMBER_COLUMN else f"{rate.count}/{rate.n} {rate.value:.0%}"
            lines.append(Content.assemble(name.stylize(LABEL_STYLE.get(label, "")), bar(rate, bar_width, style),
                                          " ", (text, "bold" if rate.count else "dim")))
        return Content("\n").join(lines)

    def on_resize(self) -> None:
        self.refresh()
