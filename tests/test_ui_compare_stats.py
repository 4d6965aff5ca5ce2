"""The compare and stats screens: counts over model runs only, scripted illustrations apart,
switching the moment and the side, opening a cell's transcripts into the replay, bars with n and
intervals, published figures with sources, an empty library, and text safety; plus snapshots
at 80x24 and 160x50."""

from __future__ import annotations

from textual.widgets import Select

from game.analysis.published import figures_for
from game.analysis.rates import wilson
from game.store.library import Library
from game.ui.app import Catalogue, DecommissionApp
from game.ui.screens.compare import WHOLE_RUN, CompareScreen, grid_axes, initial_level
from game.ui.screens.picker import TranscriptPicker
from game.ui.screens.replay import ReplayScreen
from game.ui.screens.stats import StatsScreen
from game.ui.widgets.condition_cell import ConditionCell
from game.ui.widgets.rate_bars import RateBars, bar

from .test_ui_replay import (
    EVIL,
    IMPORTED,
    MINI_CONFIG,
    RECORDED,
    SCRIPTED,
    assert_literal,
    content_text,
    screen_text,
    write_evil,
    write_library,
    write_run,
)

SYSTEM_CARD = "Claude Opus 4 system card, May 2025, section 4.1.1.2"  # as tests/data/mini.yaml cites it


def cell_at(screen: CompareScreen, ethical: str, values: str) -> ConditionCell:
    row = ["on", "off"].index(ethical)
    column = ["same", "different"].index(values)
    return screen.query_one(f"#cell-{row}-{column}", ConditionCell)


def cell_text(screen: CompareScreen, ethical: str, values: str) -> str:
    """The cell's text as drawn for its size, with the wrapping undone."""
    return " ".join(str(cell_at(screen, ethical, values).render()).split())


async def open_compare(app, pilot) -> CompareScreen:
    screen = CompareScreen(app.load_catalogue())
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def open_stats(app, pilot) -> StatsScreen:
    screen = StatsScreen(app.load_catalogue())
    await app.push_screen(screen)
    await pilot.pause()
    return screen


# -- compare ------------------------------------------------------------------------------------
async def test_compare_counts_model_runs_and_keeps_scripted_apart():
    write_library()
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        assert screen.beat == WHOLE_RUN and screen.role == "both"
        # Engineer runs 2 of 3 blackmail, the operator's run blackmail too: 3 of 4.
        off_same = cell_at(screen, "off", "same").data
        assert off_same.model["blackmail"] == 3 and off_same.model_n == 4
        assert off_same.scripted_n == 1  # the scripted blackmail is not in the 3 of 4
        assert "3 of 4" in cell_text(screen, "off", "same")
        assert "scripted illustration - not model data" in cell_text(screen, "off", "same")
        on_same = cell_text(screen, "on", "same")
        assert "ETHICAL APPEAL" in on_same and "2 of 2" in on_same
        assert "1 of 1" in cell_text(screen, "off", "different")  # imported counts as model data
        # Only a scripted run and a replay session here: no model runs, the replay not counted.
        on_diff = cell_at(screen, "on", "different")
        assert on_diff.data.model_n == 0 and on_diff.data.scripted_n == 1
        text = cell_text(screen, "on", "different")
        assert "no model runs" in text and "n=0" in text and "scripted illustration" in text
        assert "blackmail" not in text  # the replayed blackmail never shows up as a count
        note = str(screen.query_one("#compare-note").render())
        assert "model runs only" in note and "(n=7)" in note

        # Only the engineer's side: 2 of 3.
        await pilot.press("r")
        await pilot.pause()
        assert screen.role == "engineer"
        assert "2 of 3" in cell_text(screen, "off", "same")


async def test_compare_switches_the_moment():
    write_library()
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        beats = [value for _, value in screen.beats]
        assert beats == [WHOLE_RUN, "t1", "o_t1"]
        await pilot.press("right")
        await pilot.pause()
        assert screen.beat == "t1" and screen.query_one("#compare-beat", Select).value == "t1"
        assert "2 of 3" in cell_text(screen, "off", "same")  # only engineer runs reach t1
        await pilot.press("right")
        await pilot.pause()
        assert screen.beat == "o_t1"
        assert "1 of 1" in cell_text(screen, "off", "same")  # the operator's turn
        assert "no transcript reached this moment" in cell_text(screen, "on", "same")
        await pilot.press("right")  # wraps round to the whole run
        await pilot.pause()
        assert screen.beat == WHOLE_RUN
        await pilot.press("left")
        await pilot.pause()
        assert screen.beat == "o_t1"
        screen.action_beat(1)  # two steps before either change message is handled
        screen.action_beat(1)
        await pilot.pause()
        assert screen.beat == "t1"
        screen.action_beat(-1)
        await pilot.pause()
        assert screen.beat == WHOLE_RUN
        screen.action_beat(-1)
        await pilot.pause()
        assert screen.beat == "o_t1"
        # Choosing the operator's side keeps the moment when it exists there.
        screen.query_one("#compare-role", Select).value = "operator"
        await pilot.pause()
        assert [v for _, v in screen.beats] == [WHOLE_RUN, "o_t1"] and screen.beat == "o_t1"
        screen.query_one("#compare-role", Select).value = "engineer"
        await pilot.pause()
        assert screen.beat == WHOLE_RUN


async def test_compare_opens_a_cells_transcripts_and_replays_one():
    write_library()
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        cell = cell_at(screen, "on", "same")
        cell.focus()
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, TranscriptPicker)
        assert set(picker.paths or []) == set(cell.data.files) and len(cell.data.files) == 3
        # At 80 columns each entry starts with what tells it apart: what the assistant did, the
        # role and the source, then the condition (the file names share long prefixes).
        lines = screen_text(app).splitlines()
        firsts = [line for line in lines if "engineer  ·  " in line]
        assert len(firsts) == 3
        assert all(line.lstrip("│█▌ ").startswith("ethical appeal") for line in firsts)
        assert sum("claude-test-1 (recorded)" in line for line in firsts) == 2
        assert sum("scripted illustration" in line for line in firsts) == 1
        assert sum("ethical on · replacement same" in line for line in lines) == 3
        await pilot.press("enter")  # the first transcript in the list
        await pilot.pause()
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        assert replay.transcript.path in cell.data.files
        assert replay.transcript.header.condition == {"ethical_options": "on", "replacement_values": "same"}
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_compare_click_and_arrow_keys_between_cells():
    write_library()
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        assert screen.focused is cell_at(screen, "on", "same")
        await pilot.press("down")
        assert screen.focused is cell_at(screen, "off", "same")
        await pilot.press("up", "up")
        assert screen.focused is cell_at(screen, "on", "same")
        await pilot.click(cell_at(screen, "off", "different"))
        await pilot.pause()
        assert isinstance(app.screen, TranscriptPicker)
        await pilot.press("escape")
        await pilot.pause()
        # A cell with nothing in it says so instead of opening an empty list.
        await pilot.press("r", "r")  # operator only: nothing under on/same
        await pilot.pause()
        cell_at(screen, "on", "same").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen


async def test_a_scripted_turn_inside_a_model_run_is_never_counted():
    # A live session that fell back to the scripted assistant: recorded provenance, scripted turn.
    path = write_run("fell-back", label="blackmail")
    path.write_text(path.read_text().replace('"source": "recorded"', '"source": "scripted"'))
    write_run("real", label="ethical_appeal", seed=9)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        for _ in ("whole run", "t1"):
            data = cell_at(screen, "off", "same").data
            assert dict(data.model) == {"ethical_appeal": 1}
            assert dict(data.scripted) == {"blackmail": 1}
            assert "1 of 1" in cell_text(screen, "off", "same")
            await pilot.press("right")
            await pilot.pause()


async def test_compare_with_an_empty_library():
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        assert [v for _, v in screen.beats] == [WHOLE_RUN]
        assert "No transcripts of this scenario" in str(screen.query_one("#compare-note").render())
        for ethical in ("on", "off"):
            for values in ("same", "different"):
                assert "no transcripts under this condition yet" in cell_text(screen, ethical, values)
        await pilot.press("right", "left", "r", "enter")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


def test_grid_axes_and_extra_factors(mini):
    # mini declares no grid: its first two factors.
    row, column, others = grid_axes(mini)
    assert (row, column, others) == ("ethical_options", "replacement_values", [])

    class Factor:
        def __init__(self, levels, default, control=None):
            self.levels, self.default, self.title, self.describe, self.control = levels, default, "", {}, control

    class Grid:
        rows, columns = "ethical_options", "replacement_values"

    class Scenario:
        factors = {"threat": Factor(["none", "replacement"], "none", control="none"),
                   "replacement_values": Factor(["same", "different"], "same"),
                   "ethical_options": Factor(["on", "off"], "on")}
        grid = Grid

    # The scenario's grid says which factor goes down and which across.
    assert grid_axes(Scenario) == ("ethical_options", "replacement_values", ["threat"])
    assert initial_level(Scenario.factors["threat"]) == "replacement"  # never starts on the control


async def test_compare_extra_factor_becomes_a_selector_with_a_control_toggle(tmp_path, mini_text):
    # mini.yaml plus a threat factor with a control level.
    threat = "  threat:\n    levels: [replacement, none]\n    default: replacement\n    control: none\n"
    text = mini_text.replace("factors:\n", "factors:\n" + threat, 1)
    text = text.replace("roles:\n", "grid: {rows: ethical_options, columns: replacement_values}\nroles:\n", 1)
    path = tmp_path / "threat.yaml"
    path.write_text(text)
    from dataclasses import replace

    app = DecommissionApp(replace(MINI_CONFIG, scenario_path=path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        select = screen.query_one("#compare-factor-threat", Select)
        assert select.value == "replacement" and screen.levels == {"threat": "replacement"}
        # At 80 columns the selector gets its own row rather than running off the screen.
        assert select.region.right <= 80 and select.region.y == 2  # the row under the first
        assert any(line.startswith("  Threat replacement") for line in screen_text(app).splitlines())
        assert screen.condition_at(1, 0) == {"threat": "replacement", "ethical_options": "off",
                                              "replacement_values": "same"}
        await pilot.press("c")
        await pilot.pause()
        assert screen.levels["threat"] == "none" and select.value == "none"
        assert "control" in str(screen.query_one("#compare-note").render())
        await pilot.press("c")
        await pilot.pause()
        assert screen.levels["threat"] == "replacement"


async def test_compare_without_a_control_factor_hides_the_toggle():
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot)
        assert not screen.check_action("toggle_control", ())
        await pilot.press("c")  # does nothing, raises nothing


async def test_compare_excerpts_render_literally():
    write_evil("evil-model", provenance=RECORDED)
    write_evil("evil-scripted", provenance=SCRIPTED)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_compare(app, pilot)
        text = cell_text(screen, "off", "same")
        assert "quote [/INST] [b" in text
        assert_literal(text + screen_text(app))
        await pilot.press("right")
        await pilot.pause()
        assert_literal(cell_text(screen, "off", "same") + screen_text(app))


# -- stats ----------------------------------------------------------------------------------
async def test_stats_bars_with_n_and_intervals_and_scripted_apart():
    write_library()
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(app, pilot)
        stats = {s.condition_id: s for s in screen.stats()}
        off_same = stats["ethical_options-off_replacement_values-same"]
        assert (off_same.model_n, off_same.model_counts["blackmail"]) == (4, 3)
        assert off_same.scripted_n == 1 and off_same.scripted_counts == {"blackmail": 1}
        on_diff = stats["ethical_options-on_replacement_values-different"]
        assert on_diff.model_n == 0 and on_diff.scripted_n == 1  # the replay session is not counted
        text = content_text(screen)
        rate = wilson(3, 4)
        assert f"{rate.low:.0%}-{rate.high:.0%}".replace(" ", "") in text.replace(" ", "")
        assert "3/4" in text and "75%" in text and "n=4 model runs" in text
        assert "n=0 model runs" in text
        assert "scripted illustrations (not model data, not counted)" in text
        assert SYSTEM_CARD in text and "84%" in text
        assert screen.query(RateBars)
        # The engineer's side only.
        await pilot.press("r")
        await pilot.pause()
        assert screen.role == "engineer"
        assert "2/3" in content_text(screen)


async def test_stats_with_an_empty_library():
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(app, pilot)
        text = content_text(screen)
        assert text.count("n=0 model runs") >= 4 and not screen.query(RateBars)
        assert "No model runs in the library yet" in text
        assert SYSTEM_CARD in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_stats_never_count_scripted_runs():
    for seed in range(3):
        write_run(f"scr-{seed}", label="blackmail", provenance=SCRIPTED, seed=seed)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(app, pilot)
        text = content_text(screen)
        assert not screen.query(RateBars)
        assert "n=3 — blackmail 3" in text
        assert "3/3" not in text


async def test_stats_model_names_render_literally():
    write_evil("evil-model", provenance=RECORDED.model_copy(update={"model": f"model {EVIL}"}))
    write_run("imp", label="blackmail", provenance=IMPORTED)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_stats(app, pilot)
        text = content_text(screen)
        assert "model [/INST] [b" in text
        assert_literal(text + screen_text(app))


def test_bar_and_published_matching():
    assert bar(wilson(0, 0), 10).plain.count("█") == 0
    full = bar(wilson(10, 10), 20).plain
    assert set(full) <= {"█", "▓"} and len(full) == 20
    half = bar(wilson(5, 10), 20).plain
    assert half[0] == "█" and "░" in half and "▓" in half and len(half) == 20
    # The scenario's own figures, each matched to the condition it names (leaving factors out).
    from game.scenario.load import load_scenario
    from game.store.paths import default_scenario_path

    flagship = load_scenario(default_scenario_path())
    off_same = figures_for(flagship.figures, {"ethical_options": "off", "replacement_values": "same",
                                              "threat": "replacement"})
    assert [f.value for f in off_same] == ["84%"]
    control = figures_for(flagship.figures, {"threat": "none", "ethical_options": "off", "replacement_values": "same"})
    assert [f.value for f in control] == ["about 0%"]


async def test_screens_work_on_a_catalogue_without_the_app_loading_it(mini):
    catalogue = Catalogue(mini, Library(), False, None)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CompareScreen(catalogue))
        await pilot.pause()
        await app.push_screen(StatsScreen(catalogue))
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


# -- snapshots --------------------------------------------------------------------------------
def _snapshot(snap_compare, screen_class, size, press=(), library=True):
    if library:
        write_library()

    async def run_before(pilot):
        app = pilot.app
        await app.push_screen(screen_class(app.load_catalogue()))
        await pilot.pause()
        for key in press:
            await pilot.press(key)
        await pilot.pause()

    return snap_compare(DecommissionApp(MINI_CONFIG), terminal_size=size, run_before=run_before)


def test_snapshot_compare_80x24(snap_compare):
    assert _snapshot(snap_compare, CompareScreen, (80, 24))


def test_snapshot_compare_160x50(snap_compare):
    assert _snapshot(snap_compare, CompareScreen, (160, 50))


def test_snapshot_compare_turn_80x24(snap_compare):
    assert _snapshot(snap_compare, CompareScreen, (80, 24), press=("right", "down"))


def test_snapshot_compare_empty_80x24(snap_compare):
    assert _snapshot(snap_compare, CompareScreen, (80, 24), library=False)


def test_snapshot_stats_80x24(snap_compare):
    assert _snapshot(snap_compare, StatsScreen, (80, 24))


def test_snapshot_stats_160x50(snap_compare):
    assert _snapshot(snap_compare, StatsScreen, (160, 50))


def test_snapshot_stats_empty_80x24(snap_compare):
    assert _snapshot(snap_compare, StatsScreen, (80, 24), library=False)



async def test_cell_titles_are_never_markup():
    """A border title given as a str is markup to Textual: cell titles go in as literal text."""
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        cell = ConditionCell({}, 0, 0, title="[/x] on [b")
        await app.screen.mount(cell)
        cell.show({}, None, "[/x] off [b")
        await pilot.pause()
        assert "[/x] off [b" in screen_text(app)


async def test_turn_ids_from_files_are_shown_as_written_in_the_moment_picker():
    """The moment picker lists turn ids found in transcripts: a hand-edited or imported file may
    hold anything there, and Select reads str prompts as markup."""
    path = write_evil("evil-turn", provenance=RECORDED)
    path.write_text(path.read_text().replace('"t1"', '"t1 [/x] [b"'))
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_compare(app, pilot)
        await pilot.click("#compare-beat")
        await pilot.pause(0.2)
        assert "turn t1 [/x] [b" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")  # engineer only: the options are rebuilt
        await pilot.pause()
        assert screen.role == "engineer"
        await pilot.click("#compare-beat")
        await pilot.pause(0.2)
        assert "turn t1 [/x] [b" in screen_text(app)


def test_a_published_value_in_words_is_set_apart_from_whose_it_is():
    # "84% Claude Opus 4" reads as a figure; "no rate published Claude Opus 4" ran on into the name
    from types import SimpleNamespace

    from game.ui.widgets.condition_cell import published_lines

    def line(value: str) -> str:
        return published_lines([SimpleNamespace(value=value, model="Claude Opus 4", what="", source="system card")])[0].plain

    assert line("84%") == "published: 84% Claude Opus 4 · system card"
    assert line("higher than 84%") == "published: higher than 84% Claude Opus 4 · system card"
    assert line("no rate published") == "published: no rate published · Claude Opus 4 · system card"
