"""Snapshots of presenter mode on the shipped deck, offline (scripted illustrations), at a
projector's 100x30 and 200x60, with the clock fixed. Regenerate with `--snapshot-update` only
after looking at the new pictures (render the SVGs with `chromium --headless --screenshot`)."""

from __future__ import annotations

import pytest

from game.present.deck import load_deck
from game.present.position import Position
from game.present.slides import build
from game.store.library import Library
from game.store.paths import default_deck_path

SIZES = [(100, 30), (200, 60)]
# (step, part) of the shipped deck: the facts, the third email opened, the question, the whole
# reveal, the four conditions, the counts, every closing point.
STEPS = {"facts": (0, 0), "moment": (1, 3), "question": (2, 0), "reveal": (3, 9), "conditions": (4, 0),
         "counts": (5, 0), "discussion": (6, 3)}


def app_at():
    from game.ui.screens.present import PresentApp

    presentation = build(load_deck(default_deck_path()), Library())
    return PresentApp(presentation, None, "workshop.yaml", now=lambda: 1_000_000.0)


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_present(snap_compare, size, step):
    from game.ui.screens.present import PresentScreen

    async def at_step(pilot):
        for _ in range(300):
            if isinstance(pilot.app.screen, PresentScreen):
                break
            await pilot.pause(0.05)
        pilot.app.screen._go(Position(*STEPS[step]))
        await pilot.pause(0.5)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.2)

    assert snap_compare(app_at(), terminal_size=size, run_before=at_step)
