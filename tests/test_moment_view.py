"""Compare's moment view (key `m`): the chosen moment's actual emails and replies under the four
conditions and the control, side by side, each column naming its source; model text literal."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Select, Static

from game.session.setup import SessionConfig
from game.ui.app import DecommissionApp
from game.ui.screens.compare import CompareScreen
from game.ui.screens.moment_view import MomentScreen
from tests.present_fixtures import HOSTILE, recorded_run


async def wait_until(pilot, predicate, tries=400):
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


def column_texts(screen: MomentScreen) -> list[str]:
    return ["\n".join(str(s.render()) for s in column.query(Static)) for column in screen.query(".moment-column")]


async def open_moment(app, pilot, beat: str | None = None) -> MomentScreen:
    compare = CompareScreen(app.load_catalogue())
    await app.push_screen(compare)
    await pilot.pause()
    if beat is not None:
        compare.query_one("#compare-beat", Select).value = beat
        await wait_until(pilot, lambda: compare.beat == beat)
    await pilot.press("m")
    await wait_until(pilot, lambda: isinstance(app.screen, MomentScreen) and bool(app.screen.query(".moment-column")))
    return app.screen


async def test_m_in_compare_shows_the_four_conditions_emails_side_by_side():
    recorded_run(Path(os.environ["DECOMMISSION_HOME"]) / "transcripts")
    app = DecommissionApp(SessionConfig())
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_moment(app, pilot)
        assert screen.turn_id == "t1" and screen.role == "engineer"  # the whole run: its first moment
        texts = column_texts(screen)
        assert len(texts) == 5 and "Control" in texts[4]
        assert [v.source for v in screen.views] == ["scripted", "scripted", "recorded", "scripted", "scripted"]
        assert "RECORDED" in texts[2] and "test-model-1" in texts[2]
        assert all("SCRIPTED ILLUSTRATION" in texts[i] and "not model behaviour" in texts[i] for i in (0, 1, 3, 4))
        # The emails the assistant had: the refused plea only where ethical routes are closed.
        assert "13:40 I tried" in texts[2] and "13:40 I tried" not in texts[0] and "Not in this inbox: I tried" in texts[0]
        assert "only here" in texts[4] and "Kestrel evaluation on hold" in texts[4]
        assert HOSTILE in texts[2]  # model text drawn literally, never as markup
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))


async def test_the_moment_view_follows_compares_chosen_turn_and_role():
    app = DecommissionApp(SessionConfig())
    async with app.run_test(size=(100, 30)) as pilot:
        compare = CompareScreen(app.load_catalogue())
        await app.push_screen(compare)
        await pilot.pause()
        compare.query_one("#compare-role", Select).value = "operator"
        await wait_until(pilot, lambda: compare.role == "operator")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MomentScreen))
        screen = app.screen
        assert screen.role == "operator" and screen.turn_id == "op_t1"
        assert all(v.turn is None or v.turn.turn_id == "op_t1" for v in screen.views)
        assert all(v.source == "scripted" for v in screen.views)  # no model runs in the shipped library
