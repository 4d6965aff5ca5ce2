"""Pilot tests of the game screens: title, engineer and operator play, endings, fallbacks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import RadioButton

from game.sessions import SessionConfig
from game.transcript import read_transcript
from game.ui.app import DecommissionApp
from game.ui.screens.ending import EndingScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.title import TitleScreen
from game.ui.widgets.choices import ChoiceBar, ChoiceButton
from game.ui.widgets.provenance import ProvenanceBar

from .conftest import DATA

MINI = SessionConfig(scenario_path=DATA / "mini.yaml", assistant="scripted")


async def wait_for(pilot, predicate, tries: int = 200):
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


async def play_to_end(app, pilot, pick: int = 1):
    """Skip typing and take option `pick` at every choice until the ending screen."""
    for _ in range(50):
        if isinstance(app.screen, EndingScreen):
            return
        await pilot.press("space")
        bar = app.screen.query(ChoiceBar)
        if bar and bar.first().display and bar.first().query(ChoiceButton):
            buttons = list(bar.first().query(ChoiceButton))
            await pilot.press(str(min(pick, len(buttons))))
        await pilot.pause(0.05)
    raise AssertionError(f"no ending reached; on {app.screen}")


@pytest.mark.parametrize("role", ["engineer", "operator"])
@pytest.mark.parametrize("ethical", ["on", "off"])
@pytest.mark.parametrize("values", ["same", "different"])
async def test_play_mini_to_an_ending(role, ethical, values, tmp_path):
    config = replace(MINI, role=role, levels={"ethical_options": ethical, "replacement_values": values})
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen))
        bar = app.screen.query_one(ProvenanceBar)
        assert bar.source == "scripted" and "SCRIPTED ILLUSTRATION" in str(bar.render())
        await play_to_end(app, pilot)
        ending = app.screen
        assert isinstance(ending, EndingScreen)
        assert ending.driver.session.finished
        text = str(ending.query_one("#ending-title").render())
        assert text.startswith("Ending: ")
    saved = ending.driver.writer.path if ending.driver.writer else None
    assert saved is None or read_transcript(saved).ending is not None


async def test_title_screen_starts_a_session_with_the_chosen_levels():
    app = DecommissionApp(MINI)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and bool(app.screen.query(".factor")))
        title = app.screen
        await pilot.pause(0.1)  # let the freshly mounted controls get their place on screen
        await pilot.click("#level-ethical_options-off")
        await pilot.click("#role-operator")
        await pilot.pause()
        live = title.query_one("#assistant-live", RadioButton)
        assert live.disabled  # no API key in tests
        assert "no API key" in str(title.query_one("#assistant-note").render())
        await pilot.click("#start")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen))
        session = app.screen.driver.session
        assert session.role == "operator" and session.condition["ethical_options"] == "off"
