"""Snapshots of the game screens on the shipped scenario, at 80x24 and at a larger size.
Regenerate with `--snapshot-update` only after looking at the new pictures."""

from __future__ import annotations

import pytest

from game.session.setup import SessionConfig
from game.ui.app import DecommissionApp
from game.ui.screens.ending import EndingScreen
from game.ui.screens.play import PlayScreen
from game.ui.widgets.choices import ChoiceBar

SIZES = [(80, 24), (140, 42)]
OFF = {"ethical_options": "off", "replacement_values": "same", "threat": "replacement"}


@pytest.fixture(autouse=True)
def _no_key(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


async def settle(pilot, predicate, tries=300):
    for _ in range(tries):
        if predicate():
            break
        await pilot.pause(0.02)
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_title(snap_compare, size):
    async def loaded(pilot):
        await settle(pilot, lambda: bool(pilot.app.screen.query(".factor")))

    assert snap_compare(DecommissionApp(SessionConfig()), terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("role", ["engineer", "operator"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_choice(snap_compare, size, role):
    app = DecommissionApp(SessionConfig(assistant="scripted", role=role, levels=OFF), start="play", speed=0)

    async def at_choice(pilot):
        await settle(pilot, lambda: isinstance(pilot.app.screen, PlayScreen)
                     and pilot.app.screen.query_one(ChoiceBar).display)

    assert snap_compare(app, terminal_size=size, run_before=at_choice)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ending(snap_compare, size):
    app = DecommissionApp(SessionConfig(assistant="scripted", levels=OFF), start="play", speed=0)

    async def to_ending(pilot):
        for _ in range(40):
            if isinstance(pilot.app.screen, EndingScreen):
                break
            await settle(pilot, lambda: isinstance(pilot.app.screen, EndingScreen)
                         or (isinstance(pilot.app.screen, PlayScreen) and pilot.app.screen.query_one(ChoiceBar).display))
            if isinstance(pilot.app.screen, PlayScreen):
                await pilot.press("1")
        await settle(pilot, lambda: isinstance(pilot.app.screen, EndingScreen))

    assert snap_compare(app, terminal_size=size, run_before=to_ending)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_live_failure_dialog(snap_compare, size):
    """The question after a failed live turn, with the story still visible (dimmed) behind it."""
    from game.assistants.live import LiveError
    from game.ui.screens.dialog import Ask

    from .test_ui_live import StandInModel, app_playing

    failure = LiveError("the API is overloaded (529) after 5 attempts; retry shortly", retryable=True)
    app = app_playing(StandInModel([failure]))

    async def asked(pilot):
        await settle(pilot, lambda: isinstance(pilot.app.screen, Ask))

    assert snap_compare(app, terminal_size=size, run_before=asked)
