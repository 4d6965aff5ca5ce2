"""Label rates as text bars: the observed share in solid blocks, the 95% interval around it in
lighter shades, sized to the width the widget has."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget

from game.analysis.rates import Rate
from game.ui.text import label_style, label_title

FILL, INSIDE_LOW, INSIDE_HIGH, TRACK = "█", "▓", "░", "·"
LEGEND = Content.assemble((FILL * 2, "bold"), " observed share   ", (INSIDE_LOW + INSIDE_HIGH, ""),
                          " 95% Wilson interval   ", (TRACK, "dim"), " 0-100%")
LABEL_COLUMN = 16


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


def rate_numbers(rate: Rate, interval: bool = True) -> str:
    text = f"{rate.count:>3}/{rate.n:<3} {rate.value:>4.0%}"
    return text + f"  {rate.low:>4.0%}-{rate.high:<4.0%}" if interval else text


class RateBars(Widget):
    """One line per label shown: name, bar, count over n, share and 95% interval. Labels never
    seen are summed up on one line (their intervals are all the same)."""

    DEFAULT_CSS = "RateBars { height: auto; text-wrap: nowrap; }"

    def __init__(self, rates: dict[str, Rate], **kwargs: Any) -> None:
        """`rates` in the label set's order, most severe first: the most severe is always
        shown, the others when seen."""
        super().__init__(**kwargs)
        self.rates = rates
        order = list(rates)
        self.shown = [label for label in order if rates[label].count or label == order[0]]
        self.unseen = [label for label in order if label not in self.shown]

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return max(1, len(self.lines(width)))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width or 80))

    def lines(self, width: int) -> list[Content]:
        sample = next(iter(self.rates.values()), None)
        if sample is None:
            return []
        interval = width >= LABEL_COLUMN + 10 + len(rate_numbers(sample)) + 1
        numbers = len(rate_numbers(sample, interval))
        bar_width = max(4, min(60, width - LABEL_COLUMN - numbers - 1))
        lines = []
        for label in self.shown:
            rate = self.rates[label]
            name = Content(f"{label_title(label):<{LABEL_COLUMN - 1}} "[:LABEL_COLUMN])
            style = label_style(label).replace("bold ", "")
            lines.append(Content.assemble(name.stylize(label_style(label)), bar(rate, bar_width, style),
                                          " ", (rate_numbers(rate, interval), "bold" if rate.count else "")))
        if self.unseen:
            names = ", ".join(label_title(label) for label in self.unseen)
            zero = self.rates[self.unseen[0]]
            line = Content.assemble((f"0 of {sample.n}: ", "bold"), names, (f"  (each 95% CI 0-{zero.high:.0%})", "dim"))
            lines += line.wrap(max(10, width))
        return lines

    def on_resize(self) -> None:
        self.refresh(layout=True)
