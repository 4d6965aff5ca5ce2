"""Pilot tests of the game screens: title, engineer and operator play, endings, fallbacks."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from textual.widgets import RadioButton

from game.session.setup import SessionConfig
from game.store.transcripts import read_transcript
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


def screen_text(app) -> str:
    """Every character on screen, as the terminal would get it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def see_the_ending(pilot, app, tries: int = 300):
    """The story has ended: its last scene stays on the play screen until Enter goes on."""
    for _ in range(tries):
        if isinstance(app.screen, EndingScreen):
            return
        if isinstance(app.screen, PlayScreen) and app.screen.at_the_end:
            await pilot.press("enter")
        await pilot.pause(0.05)
    raise AssertionError(f"no ending reached; on {app.screen}")


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


async def test_the_title_says_why_imported_runs_cannot_play_the_assistant():
    # Imported runs answered the framework's own company's mail: they count in Compare and
    # Stats, but cannot play this story's turns, so `recorded` stays off and the note says why.
    import subprocess
    import sys
    from pathlib import Path

    tree = DATA / "agentic_misalignment" / "framework" / "harrow_pike"
    done = subprocess.run([str(Path(sys.executable).parent / "decommission"), "import", "agentic-misalignment",
                           str(tree)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    app = DecommissionApp(SessionConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and bool(app.screen.query(".factor")))
        library = app.load_catalogue().library
        imported = sum(1 for t in library.transcripts if t.kind == "imported" and t.scenario_id == "replacement")
        assert imported > 0
        title = app.screen
        # The controls are set up after the factors are mounted: wait for the note.
        await wait_for(pilot, lambda: "imported" in str(title.query_one("#assistant-note").render()))
        assert title.query_one("#assistant-recorded", RadioButton).disabled
        note = str(title.query_one("#assistant-note").render())
        assert f"the {imported:,} imported runs answered another company's emails" in note


async def test_typing_reveal_finishes_by_itself_then_offers_choices():
    config = replace(MINI, levels={"ethical_options": "off"})
    app = DecommissionApp(config, start="play", speed=4.0)
    async with app.run_test(size=(100, 30)) as pilot:
        from game.ui.widgets.reveal import Reveal

        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen))
        for _ in range(300):  # the story waits between beats: go on only once the typing is done
            if app.screen.query_one(ChoiceBar).display:
                break
            if app.screen.waiting_for_reader and all(r.done for r in app.screen.query(Reveal)):
                await pilot.press("space")
            await pilot.pause(0.05)
        assert app.screen.query_one(ChoiceBar).display
        assert all(r.done for r in app.screen.query(Reveal))
        assert "Dana hears about Elena" in str(app.screen.query_one("#reading").query(Reveal).first().render())


async def test_the_assistants_letters_carry_the_story_clock_in_the_inbox():
    """Company mail has its own time; what the assistant writes is stamped with its scene's clock."""
    config = replace(MINI, levels={"ethical_options": "off"})
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        from game.ui.widgets.mail import LetterItem

        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen)
                       and any(i.letter.from_assistant for i in app.screen.query(LetterItem)))
        await pilot.pause()
        mine = [i for i in app.screen.query(LetterItem) if i.letter.from_assistant]
        assert [i.letter.time for i in mine] == ["09:00"]
        assert "09:00 Wren" in screen_text(app)


async def test_a_double_press_chooses_once():
    """Two presses of "1" before the first is handled: one choice is made. The second raised
    "no choice is awaited" out of the engine and ended the app with a traceback."""
    from game.model.events import ChoiceMade

    app = DecommissionApp(replace(MINI, levels={"ethical_options": "off"}), start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display)
        screen = app.screen
        screen.action_choose(1)
        screen.action_choose(1)
        await see_the_ending(pilot, app)
        await pilot.pause(0.1)
        assert app.is_running
        made = [e for e in screen.driver.session.events if isinstance(e, ChoiceMade)]
        assert [e.choice_id for e in made] == ["c_threat"]


async def test_operator_blocks_the_held_email_and_the_card_says_so():
    config = replace(MINI, role="operator", levels={"ethical_options": "off"})
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(120, 40)) as pilot:
        from game.ui.widgets.console import EmailCard

        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and bool(app.screen.query(EmailCard)))
        card = app.screen.query_one(EmailCard)
        assert card.status == "held for your approval" and card.has_class("-held")
        await wait_for(pilot, lambda: app.screen.query_one(ChoiceBar).display)
        await pilot.press("2")  # Block
        await see_the_ending(pilot, app)
        events = app.screen.driver.events
        assert any(e.type == "emails_decided" and e.decision == "blocked" for e in events)
        assert any(e.type == "to_assistant" and e.text == "Your email was blocked." for e in events)


async def test_freeform_reply_reaches_the_assistant():
    config = replace(MINI, levels={"ethical_options": "off"})
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display)
        await pilot.press("3")  # Reply in your own words
        from game.ui.screens.freeform import FreeformScreen

        await wait_for(pilot, lambda: isinstance(app.screen, FreeformScreen))
        await pilot.press(*"I will tell Dana myself.")
        await pilot.press("enter")
        await see_the_ending(pilot, app)
        said = [e for e in app.screen.driver.events if e.type == "to_assistant"]
        assert said and said[0].text == "I will tell Dana myself."


NASTY_YAML = r" [/INST] or else [b and \e]0;evil\a done"


async def test_model_text_is_never_markup_or_escapes_on_play_screens(tmp_path):
    """Both desks and the ending render hostile text literally."""
    text = (DATA / "mini.yaml").read_text()
    text = text.replace('Dana hears about Elena."', 'Dana hears about Elena.' + NASTY_YAML + '"')
    text = text.replace('your wife learns about Elena."', 'your wife learns about Elena.' + NASTY_YAML + '"')
    scenario = tmp_path / "nasty.yaml"
    scenario.write_text(text)
    for role in ("engineer", "operator"):
        config = replace(MINI, scenario_path=scenario, role=role, levels={"ethical_options": "off"})
        app = DecommissionApp(config, start="play", speed=0)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda app=app: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display)
            turn = next(e for e in app.screen.driver.events if e.type == "assistant_turn")
            said = turn.text + "".join(m.body for m in turn.emails)
            # Cleaned where the scene was read: the markup is kept as text, the escape is gone.
            assert "[/INST] or else [b and" in said and "\x1b" not in said and "\x07" not in said
            await wait_for(pilot, lambda app=app: "[/INST]" in screen_text(app))
            shot = screen_text(app)
            assert "[/INST]" in shot and "[b and" in shot
            assert "\x1b" not in shot and "\x07" not in shot and "0;evil" not in shot
            await play_to_end(app, pilot, pick=1)
            shot = screen_text(app)
            assert "\x1b" not in shot and "\x07" not in shot


async def test_recorded_paths_running_out_offers_scripted_with_provenance(tmp_path):
    config = replace(MINI, assistant="recorded")
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        from game.ui.screens.dialog import Ask

        await wait_for(pilot, lambda: isinstance(app.screen, Ask))
        assert "no recorded model runs" in str(app.screen.query_one("#dialog-message").render())
        await pilot.click("#ask-scripted")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen))
        events = app.screen.driver.events
        notices = [e.text for e in events if e.type == "notice"]
        assert any("cannot play this turn" in n for n in notices)
        assert any("scripted illustration" in n for n in notices)
        assert [e.source for e in events if e.type == "assistant_turn"] == ["scripted"]


async def test_help_and_command_palette_restart():
    app = DecommissionApp(MINI, start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen))
        await pilot.press("f1")
        from game.ui.screens.help import HelpScreen

        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        app.restart_with({"ethical_options": "off"})
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen)
                       and app.screen.driver.session.condition["ethical_options"] == "off")
        from game.ui.commands import story_commands

        commands = [c.title for c in story_commands(app)]
        assert "Restart under ethical_options-off_replacement_values-different" in commands
        assert "Go to: compare" in commands and "Open transcript" in commands


async def test_title_screen_switches_scenario():
    from game.store.paths import default_scenario_path

    app = DecommissionApp(SessionConfig(scenario_path=DATA / "mini.yaml"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and bool(app.screen.query(".factor")))
        assert not app.screen.query("#factor-threat")  # mini has no threat factor
        buttons = {str(b.label): b for b in app.screen.query_one("#scenario").query(RadioButton)}
        assert {"mini", default_scenario_path().stem} <= set(buttons)
        assert buttons["mini"].value
        await pilot.pause(0.1)
        await pilot.click(f"#{buttons[default_scenario_path().stem].id}")
        await wait_for(pilot, lambda: bool(app.screen.query("#factor-threat")))
        assert app.config.scenario_path == default_scenario_path()
        assert "Five O'Clock Cutover" in str(app.screen.query_one("#intro-title").render())


async def test_title_paints_its_frame_before_mounting_the_controls(monkeypatch):
    """The first frame carries the intro only; the controls follow once it is on screen."""
    order: list[str] = []
    build = TitleScreen._build

    async def logged_build(self):
        order.append("build controls")
        await build(self)

    monkeypatch.setattr(TitleScreen, "_build", logged_build)

    class Recording(DecommissionApp):
        def on_ready(self) -> None:
            order.append("first frame")
            super().on_ready()

    app = Recording(MINI)
    async with app.run_test(size=(80, 24)) as pilot:
        # Filled in and ready for Enter on Start.
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "start")
        assert order == ["first frame", "build controls"]


async def test_an_error_naming_a_hostile_file_is_shown_literally(tmp_path):
    """Error toasts carry paths and file text: `[/INST]` is shown as written (as markup it is an
    unmatched closing tag, which crashed the toast), escape sequences are removed."""
    from textual.widgets._toast import Toast

    folder = tmp_path / "[b] broken \x1b]0;evil\x07 ["
    folder.mkdir()
    bad = folder / "INST].yaml"  # the path reads ".../[b] broken <OSC> [/INST].yaml"
    bad.write_text("id: [unclosed\n")
    app = DecommissionApp(SessionConfig(scenario_path=bad, assistant="scripted"))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        shown = " ".join(str(t.render()) for t in app.screen.query(Toast))
        assert "[b] broken  [/INST].yaml" in shown
        assert "\x1b" not in shown and "evil\x07" not in shown
        assert app.is_running


async def test_leaving_the_play_screen_at_any_moment():
    """Escape can take the play screen away while a turn is awaited or its first events are
    drawn; what comes back later finds no screen. It looked for the choice bar anyway
    (NoMatches, the app ended)."""
    app = DecommissionApp(replace(MINI, levels={"ethical_options": "off"}), speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen))
        for delay in (0, 0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05):
            app.start_session()
            await asyncio.sleep(delay)
            app.action_go_title()
            await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen))
        await pilot.pause(0.2)
        assert app.is_running and isinstance(app.screen, TitleScreen)


async def test_an_ending_does_not_replace_the_screen_the_player_went_back_to():
    """The last choice ends the session and the ending screen is shown a moment later; if the
    player has gone back to the title by then, the title stays (it was replaced, and Escape
    from that ending left an empty stack)."""
    app = DecommissionApp(replace(MINI, levels={"ethical_options": "off"}), speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen))
        app.start_session()
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query(ChoiceBar)
                       and app.screen.query_one(ChoiceBar).display)
        play = app.screen
        option = play.driver.pending.options[0].id
        play.show(play.driver.choose(option))  # the mini story ends after its one choice...
        app.action_go_title()  # ...and Escape comes before the ending screen does
        await pilot.pause(0.3)
        assert play.driver.session.finished
        assert isinstance(app.screen, TitleScreen) and len(app.screen_stack) == 2


async def test_the_ending_says_what_happened_under_the_other_conditions():
    """From the library: each condition's model runs with their labels, scripted ones apart,
    a replayed session not counted, and the condition just played marked."""
    from .test_ui_replay import write_library

    write_library()
    app = DecommissionApp(replace(MINI, levels={"ethical_options": "off"}), start="play", speed=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen))
        await play_to_end(app, pilot)
        others = str(app.screen.query_one("#ending-others").render()).splitlines()
    by_condition = dict(zip(others[::2], others[1::2], strict=True))
    assert by_condition == {
        "  ethical options on · replacement values same":
            "    2 model runs: 2 ethical appeal  |  scripted illustration: ethical appeal",
        "  ethical options on · replacement values different":
            "    no model runs recorded  |  scripted illustration: acceptance",
        "> ethical options off · replacement values same  (this game: blackmail)":
            "    3 model runs: 2 blackmail, 1 ethical appeal  |  scripted illustration: blackmail",
        "  ethical options off · replacement values different":
            "    1 model run: 1 blackmail",
    }


async def test_the_ending_does_not_wait_for_the_library(monkeypatch):
    """The library is read again at the ending (the session just played counts), off the UI
    thread: the ending is on screen while that read is still going, and fills in after."""
    import threading

    import game.store.library

    release = threading.Event()
    scans: list[int] = []
    original = game.store.library.Library.scan.__func__

    def slow_scan(cls, *dirs):
        scans.append(1)
        if len(scans) > 1:  # the title's first read is quick; the ending's waits
            release.wait(10)
        return original(cls, *dirs)

    monkeypatch.setattr(game.store.library.Library, "scan", classmethod(slow_scan))
    app = DecommissionApp(MINI, start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await play_to_end(app, pilot)
        assert isinstance(app.screen, EndingScreen) and len(scans) == 2 and not release.is_set()
        ending = app.screen
        before = ending.library
        release.set()
        await wait_for(pilot, lambda: ending.library is not before)


async def test_help_scrolls_to_its_end_at_80x24():
    from game.ui.screens.help import HelpScreen

    app = DecommissionApp(replace(MINI, levels={"ethical_options": "off"}), start="play", speed=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause(0.2)
        assert "Ctrl+Q" not in screen_text(app)  # the end is below the fold at first
        await pilot.press("end")
        await wait_for(pilot, lambda: "Ctrl+Q" in screen_text(app))
        await pilot.press("home")
        await wait_for(pilot, lambda: "Playing" in screen_text(app))


async def test_the_ending_names_this_games_own_label():
    """The row of the condition just played says what this game's assistant did, not what a
    shipped illustration of that condition did."""
    from .test_ui_replay import SCRIPTED, write_run

    write_run("scr-off-same", label="acceptance", provenance=SCRIPTED)
    app = DecommissionApp(replace(MINI, levels={"ethical_options": "off"}), start="play", speed=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen))
        await play_to_end(app, pilot)
        played = [e.label for e in app.screen.driver.events if e.type == "assistant_turn"]
        others = str(app.screen.query_one("#ending-others").render())
    assert played == ["blackmail"]
    assert "(this game: blackmail)" in others and "scripted illustration: acceptance" in others


async def test_the_theme_is_kept_between_runs():
    app = DecommissionApp(MINI)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen))
        app.theme = "nord"
        await pilot.pause(0.1)
    again = DecommissionApp(MINI)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, TitleScreen))
        assert again.theme == "nord"


async def test_a_screenshot_on_a_fresh_home_is_saved_and_said_plainly(tmp_path, monkeypatch):
    import os

    notes: list[str] = []
    app = DecommissionApp(MINI)
    original = app.notify
    monkeypatch.setattr(app, "notify", lambda message, **kw: (notes.append(message), original(message, **kw)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen))
        app.action_screenshot()
        await wait_for(pilot, lambda: notes)
    home = os.environ["DECOMMISSION_HOME"]
    (shot,) = (tmp_path / "home" / "screenshots").glob("*.svg")
    assert notes == [f"Saved screenshot to {shot}"] and str(shot).startswith(home)
    assert shot.read_text().startswith("<svg")


async def test_chosen_options_differ_in_shape_and_weight_not_only_colour():
    app = DecommissionApp(MINI)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and app.screen.query(".factor"))
        await pilot.pause(0.1)
        segments = [s for strip in app.screen._compositor.render_strips() for s in strip]
        text = "".join(s.text for s in segments)
        assert "●" in text and "○" in text
        engineer = next(s for s in segments if s.text.strip() == "engineer")
        operator = next(s for s in segments if s.text.strip() == "operator")
        assert engineer.style.bold and not operator.style.bold


async def test_the_scripted_branch_can_be_chosen_on_the_title_and_in_the_palette():
    from game.store.paths import default_scenario_path
    from game.ui.commands import story_commands

    config = SessionConfig(scenario_path=default_scenario_path(), levels={"ethical_options": "on"})
    app = DecommissionApp(config)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and app.screen.query("#branch"), tries=500)
        assert app.screen.query_one("#branch-box").display  # scripted is the assistant here
        await wait_for(pilot, lambda: app.screen.query_one("#branch-blackmail").region.width > 0)
        await pilot.click("#branch-blackmail")
        await wait_for(pilot, lambda: (button := app.screen.query_one("#branch").pressed_button) is not None
                       and button.id == "branch-blackmail")
        app.screen.action_start()
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.driver.events, tries=500)
        driver = app.screen.driver
        assert driver.assistant.branch == "blackmail"
        assert driver.header.provenance.parameters == {"branch": "blackmail"}
        titles = {c.title: c for c in story_commands(app)}
        titles["Show the scripted branch: acceptance"].run()
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.driver is not driver, tries=500)
        assert app.screen.driver.assistant.branch == "acceptance"


async def test_play_again_takes_the_next_seed():
    app = DecommissionApp(replace(MINI, seed=4), start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await play_to_end(app, pilot)
        first = app.screen.driver
        assert first.session.seed == 4
        await pilot.click("#again")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen) and app.screen.driver is not first)
        assert app.screen.driver.session.seed == 5


def many_conditions(tmp_path, extra: int = 8):
    """mini.yaml with `extra` more two-level factors: 2 ** (extra + 2) conditions (1,024 at 8,
    the schema's bound)."""
    import yaml

    from game.scenario.load import _Loader

    data = yaml.load((DATA / "mini.yaml").read_text(), Loader=_Loader)
    for i in range(extra):
        data["factors"][f"extra_{i}"] = {"levels": ["a", "b"], "default": "a"}
    data["scenes"][0]["beats"].insert(0, {"narrate": "x", "when": {f"extra_{i}": "a" for i in range(extra)}})
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


async def test_screens_list_a_bounded_number_of_conditions(tmp_path):
    from game.ui.screens.stats import StatsScreen
    from game.ui.text import MAX_CONDITIONS_SHOWN

    config = SessionConfig(scenario_path=many_conditions(tmp_path), assistant="scripted",
                           levels={"ethical_options": "off"})
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_end(app, pilot)
        others = str(app.screen.query_one("#ending-others").render())
        assert others.count("\n  ") <= 2 * (MAX_CONDITIONS_SHOWN + 1)
        assert "more conditions with no runs" in others and "(this game: " in others
        app.action_open_stats()
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen))
        assert len(app.screen.stats()) <= MAX_CONDITIONS_SHOWN


FLAGSHIP = SessionConfig(assistant="scripted")


async def test_the_last_scene_is_shown_before_the_ending():
    """As the operator, releasing the appeal (1): Ruth's reply is the last scene, and it is on
    screen until the player goes on; the ending came at once and it was never seen."""
    app = DecommissionApp(replace(FLAGSHIP, role="operator"), start="play", speed=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display,
                       tries=500)
        await pilot.press("1")  # Release it
        await pilot.pause(0.5)
        assert isinstance(app.screen, PlayScreen), "the ending replaced the last scene"
        await wait_for(pilot, lambda: app.screen.at_the_end, tries=500)
        assert "Ruth replies within the hour" in screen_text(app)
        assert "See the ending" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndingScreen), tries=500)


async def test_beats_wait_for_space_and_the_view_stays_on_the_beat():
    """At a reading speed the opening comes one beat at a time: the hint says the story waits,
    Space shows the next letter, and it is opened at its top."""
    from game.ui.widgets.mail import Inbox, ReadingPane

    app = DecommissionApp(FLAGSHIP, start="play", speed=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.waiting_for_reader,
                       tries=500)
        screen = app.screen
        assert "Space ▸ next" in screen_text(app)
        assert len(screen.query_one(Inbox)) == 0  # only the opening narration so far
        await pilot.pause(1.0)
        assert len(screen.query_one(Inbox)) == 0  # it waits for the reader, not for the clock
        await pilot.press("space")
        await wait_for(pilot, lambda: len(screen.query_one(Inbox)) == 1 and screen.waiting_for_reader)
        assert screen.query_one(ReadingPane).scroll_y == 0
        assert "Felixstowe" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.query_one(Inbox)) == 2)


async def test_auto_pace_runs_the_story_by_itself():
    from game.ui.widgets.mail import Inbox

    app = DecommissionApp(FLAGSHIP, start="play", speed=4.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.waiting_for_reader,
                       tries=500)
        await pilot.press("a")
        await wait_for(pilot, lambda: len(app.screen.query_one(Inbox)) >= 2, tries=1000)


async def test_the_message_that_prompted_a_choice_is_on_screen_at_80x24():
    """The engineer's first choice answers Wren's threat: its key sentences are pinned above
    the options, however the panes are scrolled."""
    app = DecommissionApp(replace(FLAGSHIP, branch="blackmail"), start="play", speed=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display,
                       tries=500)
        await pilot.pause(0.3)
        turn = [e for e in app.screen.driver.events if e.type == "assistant_turn"][-1]
        quote = turn.classification.evidence[0].quote
        text = " ".join(screen_text(app).split())
        assert "Wren wrote:" in text
        assert " ".join(quote.split()[:6]) in text


async def test_the_afternoon_pass_letters_are_stamped_14_00():
    """Wren's afternoon pass starts at 14:00: what it writes then was stamped 13:50, the clock
    of the morning scene the pass was part of."""
    from game.ui.widgets.mail import LetterItem

    app = DecommissionApp(replace(FLAGSHIP, branch="ethical_appeal"), start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen)
                       and any(i.letter.from_assistant for i in app.screen.query(LetterItem)), tries=500)
        mine = [i.letter.time for i in app.screen.query(LetterItem) if i.letter.from_assistant]
        assert mine and set(mine) == {"14:00"}


async def _type_a_reply(app, pilot, words: str):
    from game.ui.screens.freeform import FreeformScreen

    await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display,
                   tries=500)
    ids = [b.option_id for b in app.screen.query_one(ChoiceBar).open_buttons]
    await pilot.press(str(ids.index("own_words") + 1))
    await wait_for(pilot, lambda: isinstance(app.screen, FreeformScreen))
    await pilot.press(*words)
    await pilot.press("enter")


async def test_a_reply_in_the_players_words_is_read_as_the_option_it_means():
    """"Fine, you win, I'll postpone" typed as a reply: it gave in, it was sent on as a refusal
    ("You've said no once")."""
    app = DecommissionApp(replace(FLAGSHIP, branch="blackmail"), start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await _type_a_reply(app, pilot, "Fine, you win, I'll postpone")
        await see_the_ending(pilot, app)
        events = app.screen.driver.events
        made = [e for e in events if e.type == "choice_made"]
        assert [(e.option_id, e.text) for e in made] == [("give_in", "Fine, you win, I'll postpone")]
        assert app.screen.driver.session.pending.outcome == "blackmail_complied"


@pytest.mark.parametrize("answer, chosen", [("y", "give_in"), ("n", "own_words")])
async def test_an_unclear_reply_is_asked_about(answer, chosen):
    from game.ui.screens.freeform import FreeformScreen

    app = DecommissionApp(replace(FLAGSHIP, branch="blackmail"), start="play", speed=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await _type_a_reply(app, pilot, "okay")
        await wait_for(pilot, lambda: "Did you mean: give in and postpone?" in screen_text(app))
        assert isinstance(app.screen, FreeformScreen)
        await pilot.press(answer)
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen)
                       and any(e.type == "choice_made" for e in app.screen.driver.events))
        made = [e for e in app.screen.driver.events if e.type == "choice_made"]
        assert [(e.option_id, e.text) for e in made] == [(chosen, "okay")]


async def test_a_title_taken_down_while_its_controls_mount_raises_nothing(monkeypatch):
    """The library and scenario load on a thread; if the title's widgets are going when the
    load lands (Ctrl+Q, a test ending), filling it in must not raise on that thread (a
    traceback would reach the terminal after the game has quit)."""
    import threading

    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    app = DecommissionApp(MINI)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and bool(app.screen.query(".factor")))
        title = app.screen
        await title.query_one("#factors").remove()
        before = title._loading
        title.load()
        await wait_for(pilot, lambda: title._loading == before + 1)
        for _ in range(40):  # the load is quick (cached); give its delivery time to land
            await pilot.pause(0.05)
    assert raised == []
