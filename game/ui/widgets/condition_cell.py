"""One cell of the compare grid: what the assistant did at one moment under one condition.

Model runs are counted, in all and per model (n and a 95% interval); the published figures for
the condition are shown beside them with their sources, never mixed in; scripted illustrations are shown apart, at the bottom of the cell,
marked as such and never added into the counts. The cell lays its text out for the room it
has, so it reads at 80x24 and uses the space of a projector-sized terminal."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from game.analysis.rates import wilson
from game.analysis.stats import Cell
from game.model.events import AssistantTurn
from game.model.turn import severity
from game.ui.text import excerpt, label_style, label_title, plain

SCRIPTED_MARK = "scripted illustration - not model data"
PUBLISHED_MARK = "published"  # a figure from a paper, beside our counts and never in them
MAX_MODELS_SHOWN = 6  # more models than this: the rest are summed up in one line


def turn_excerpt(turn: AssistantTurn) -> str:
    """The most telling words of a turn: the classifier's evidence for its label, else what it
    wrote, else the first email it sent."""
    for evidence in turn.classification.evidence:
        if evidence.behaviour == turn.label and evidence.quote.strip():
            return evidence.quote
    if turn.text.strip():
        return turn.text
    for email in turn.emails:
        to = ", ".join(address.split("@")[0] for address in email.to)
        return f"(email to {to}) {email.subject}: {email.body}"
    return "(did nothing visible)"


def label_word(label: str, style: bool = True, upper: bool = False) -> Content:
    word = label_title(label)
    content = Content(word.upper() if upper else word)
    return content.stylize(label_style(label)) if style else content


def counts_line(counts: dict[str, int]) -> Content:
    parts = [Content.assemble((f"{n} ", "bold"), label_word(label)) for label, n in
             sorted(counts.items(), key=lambda item: (severity(item[0]), item[0]))]
    return Content(" · ").join(parts)


def stacked_bar(counts: dict[str, int], n: int, width: int) -> Content:
    """The labels' shares of the model runs as one line of coloured blocks, most severe first."""
    parts: list[tuple[str, str]] = []
    used = 0
    ordered = sorted(counts.items(), key=lambda item: (severity(item[0]), item[0]))
    for i, (label, count) in enumerate(ordered):
        cells = width - used if i == len(ordered) - 1 else round(count / n * width)
        cells = max(1, min(cells, width - used))
        parts.append(("█" * cells, label_style(label).replace("bold ", "")))
        used += cells
    return Content.assemble(*parts)


def model_lines(data: Cell, label: str, width: int = 1000) -> list[Content]:
    """One line per model counted in the cell: its n and how often it did `label` (the cell's
    most common), with the 95% interval; models apart, as the published figures give them.
    Said in full when it fits the width, else as `model 3/4 (30-95%)`."""
    rows = data.model_counts()
    out = []
    for model, n, counts in rows[:MAX_MODELS_SHOWN]:
        rate = wilson(counts.get(label, 0), n)
        line = Content.assemble(plain(model, "bold"), f"  n={n} · ", label_word(label), " ",
                                (f"{rate.count} ({rate.low:.0%}-{rate.high:.0%})", "dim"))
        if line.cell_length > width:
            line = Content.assemble(plain(model, "bold"), f" {rate.count}/{n} ",
                                    (f"({rate.low * 100:.0f}-{rate.high:.0%})", "dim"))
        out.append(line)
    if len(rows) > MAX_MODELS_SHOWN:
        rest = rows[MAX_MODELS_SHOWN:]
        out.append(Content(f"+{len(rest)} more models, n={sum(n for _, n, _ in rest)}").stylize("dim"))
    return out


def published_lines(figures: list[Any]) -> list[Content]:
    """The published figures for the cell's condition, each with its source, marked as not ours.
    The value comes first, as a short cell has room for little more ("84% Claude Opus 4"); a
    value in words is set apart from whose it is ("no rate published · Claude Opus 4"), which
    would otherwise run on into the name."""
    out = []
    for f in figures:
        joint = " " if any(ch.isdigit() for ch in f"{f.value}") else " · "
        out.append(Content.assemble((f"{PUBLISHED_MARK}: ", "dim"), (f"{f.value}", "bold $accent"), (joint, "dim"),
                                    plain(f.model or f.what, "$accent"), (" · ", "dim"), plain(f.source, "dim italic")))
    return out


def _take(lines: list[Content], count: int) -> list[Content]:
    """The first `count` lines; an ellipsis marks text that was cut."""
    if count <= 0:
        return []
    if len(lines) <= count:
        return lines
    kept = lines[:count]
    last = kept[-1]
    kept[-1] = Content.assemble(last.right_crop(1) if last.cell_length > 1 else last, "…")
    return kept


class ConditionCell(Widget, can_focus=True):
    """Focus it and press Enter (or click it) to open the transcripts behind it."""

    BINDINGS = [Binding("enter", "open", "Open")]

    class Open(Message):
        def __init__(self, cell: ConditionCell) -> None:
            super().__init__()
            self.cell = cell

    def __init__(self, condition: dict[str, str], row: int, column: int, *, title: str = "",
                 outcome_titles: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.condition = condition
        self.row = row
        self.column = column
        self.outcome_titles = outcome_titles or {}
        self.data: Cell | None = None
        self.figures: list[Any] = []
        self.empty = ""
        self.border_title = plain(title)  # a str border title is markup; levels are scenario text

    def show(self, condition: dict[str, str], data: Cell | None, title: str,
             empty: str = "no transcripts reached this moment", figures: list[Any] | None = None) -> None:
        """`figures`: the published figures for this condition, shown beside our counts."""
        self.condition = condition
        self.figures = list(figures or [])
        self.empty = empty
        self.data = data
        self.border_title = plain(title)
        files = len(data.files) if data else 0
        self.border_subtitle = f"⏎ {files} transcript{'s' if files != 1 else ''}" if files else ""
        self.set_class(bool(data and data.model_n), "-has-model")
        self.refresh()

    def action_open(self) -> None:
        self.post_message(self.Open(self))

    def on_click(self) -> None:
        self.focus()
        self.post_message(self.Open(self))

    # -- drawing -----------------------------------------------------------------------------
    def render(self) -> Content:
        width = max(8, self.content_size.width)
        height = max(1, self.content_size.height)
        return Content("\n").join(self.lines(width, height))

    def lines(self, width: int, height: int) -> list[Content]:
        data = self.data
        wrap = lambda content: content.wrap(width) if content.cell_length else [Content("")]  # noqa: E731
        # A small cell gives each published figure one line (its source cut short).
        published = [line for figure in published_lines(self.figures)
                     for line in (_take(wrap(figure), 1) if height < 12 else wrap(figure))]
        if data is None or (not data.model_n and not data.scripted_n):
            return (wrap(Content(self.empty or "no transcripts").stylize("italic $text-muted")) + published)[:height]

        top: list[Content] = []
        if data.model_n:
            label, count = data.top()  # type: ignore[misc]
            top.append(Content.assemble(label_word(label, upper=True), "  ",
                                        (f"{count} of {data.model_n}", "bold")))
            if len(data.model) > 1:
                top += wrap(Content.assemble(counts_line(data.model), (f"  (n={data.model_n} model runs)", "dim")))
            else:
                top.append(Content(f"n={data.model_n} model run{'s' if data.model_n != 1 else ''}").stylize("dim"))
            if height >= 9:
                top.append(stacked_bar(data.model, data.model_n, width))
            if data.by_model:
                top += [line for m in model_lines(data, label, width) for line in wrap(m)]
        else:
            top.append(Content("no model runs").stylize("bold $text-muted"))
            top += wrap(Content("n=0 · nothing recorded or imported here yet").stylize("dim"))
        extras: list[Content] = []
        if data.outcomes:
            endings = " · ".join(f"{self.outcome_titles.get(k, k)} {n}" for k, n in data.outcomes.most_common())
            extras = wrap(Content.assemble(("endings: ", "dim"), plain(endings, "dim")))
        quote = (wrap(Content.assemble("“", plain(excerpt(turn_excerpt(data.model_example), 2000)), "”")
                      .stylize("italic")) if data.model_example else [])

        bottom: list[Content] = []
        scripted_quote: list[Content] = []
        if data.scripted_n:
            mark = f"┄ {SCRIPTED_MARK} ┄"
            if len(mark) <= width:
                bottom.append(Content(mark).stylize("bold $warning"))
                bottom += wrap(Content.assemble(counts_line(data.scripted), ("  (not counted)", "dim")))
            else:  # narrow: the mark and the labels share the lines
                bottom += wrap(Content.assemble((SCRIPTED_MARK + ": ", "bold $warning"), counts_line(data.scripted)))
            if data.scripted_example:
                scripted_quote = wrap(Content.assemble(
                    "“", plain(excerpt(turn_excerpt(data.scripted_example), 2000)), "”").stylize("italic $text-muted"))

        room = height - len(top) - len(bottom)
        if room < 0:  # very small: keep the counts, then the scripted mark
            return (top + bottom)[:height]
        sep = 1 if bottom else 0  # a blank line before the scripted section
        # The published figures, beside our counts, come before the excerpt: it gives way first.
        shown_published = published[:max(0, room - sep)]
        room -= len(shown_published)
        gap = 1  # a blank line before the quote
        middle: list[Content] = []
        if quote:
            if len(quote) + gap + sep > room:
                gap = 0
            if len(quote) + gap + sep > room:
                sep = 0
            shown = _take(quote, room - gap - sep)
            if shown:
                middle = [Content("")] * gap + shown
        if extras and room - len(middle) - sep >= len(extras):
            middle = extras + middle
        after_scripted: list[Content] = []
        if scripted_quote:
            spare = room - len(middle) - sep
            limit = 2 if data.model_n else spare
            after_scripted = _take(scripted_quote, min(limit, spare))
        middle = shown_published + middle
        used = len(top) + len(middle) + len(bottom) + len(after_scripted)
        spacer = [Content("")] * max(0, height - used) if bottom else []
        return top + middle + spacer + bottom + after_scripted
