"""Text revealed like typing, at an adjustable speed; any key can finish it at once."""

from __future__ import annotations

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from game.model.textsafe import clean
from game.render.wrap import reflow
from game.ui.text import plain

BASE_CHARS_PER_SECOND = 90.0
TICK = 1 / 30


class Reveal(Static):
    class Done(Message):
        pass

    def __init__(self, text: str, speed: float = 1.0, style: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.full = reflow(clean(text))
        self.speed = speed
        self.style_name = style
        self.shown = 0
        self._timer: Timer | None = None
        self._finished = False

    def on_mount(self) -> None:
        if self.speed <= 0 or not self.full:
            self.finish()
        else:
            self.update(plain("", self.style_name))
            self._timer = self.set_interval(TICK, self._tick)

    @property
    def done(self) -> bool:
        return self.shown >= len(self.full)

    def _tick(self) -> None:
        self.shown = min(len(self.full), self.shown + max(1, round(BASE_CHARS_PER_SECOND * self.speed * TICK)))
        self.update(plain(self.full[: self.shown], self.style_name))
        if self.done:
            self.finish()

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.shown = len(self.full)
        self.update(plain(self.full, self.style_name))
        self.post_message(self.Done())
