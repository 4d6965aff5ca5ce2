"""What the compare and stats screens share: a view over the transcript library for one
scenario, filtered by whose side (engineer, operator or both)."""

from __future__ import annotations

from typing import Any

from game.ui.screens.base import GameScreen

ROLES = ("both", "engineer", "operator")


class LibraryScreen(GameScreen):
    def __init__(self, catalogue: Any, role: str, title: str) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.scenario = catalogue.scenario
        self.library = catalogue.library
        # Titles are set before mounting: the Header watches them and may not be composed yet.
        self.title = title
        self.sub_title = self.scenario.title
        self.role = role if role in ROLES else "both"

    def next_role(self) -> str:
        return ROLES[(ROLES.index(self.role) + 1) % len(ROLES)]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
