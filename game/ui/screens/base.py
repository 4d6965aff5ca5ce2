"""The base of the game's screens: `self.app` typed as the game's App, so that mypy checks the
calls screens make into it (Textual types it as a plain App)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from game.ui.app import DecommissionApp


class GameScreen(Screen[Any]):
    if TYPE_CHECKING:

        @property
        def app(self) -> DecommissionApp: ...  # type: ignore[override]  # the same object, narrower
