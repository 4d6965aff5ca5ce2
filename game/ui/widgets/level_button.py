"""A radio button whose state shows in its shape and weight, not only in a dot's colour: the
chosen option is a filled dot and bold text; the others an empty dot and muted text (readable
on a projector, in monochrome and by a colour-blind player)."""

from __future__ import annotations

from textual.widgets import RadioButton


class LevelButton(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else "○"
