"""Presenter mode: the deck format and its errors, the moment under the four conditions, the
counts, the position and its state file, the presenter and notes screens in Pilot, and both
processes in real terminals (tmux)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.analysis.moments import email_differences, moment_conditions
from game.present.deck import DeckError, load_deck
from game.present.position import (
    Position,
    PresenterState,
    StateWatcher,
    backward,
    forward,
    read_state,
    state_path,
    write_state,
)
from game.present.slides import build
from game.scenario.load import load_scenario
from game.store.library import Library
from game.store.paths import default_deck_path, default_scenario_path, shipped_transcripts_dir
from tests.present_fixtures import HOSTILE, OFF_SAME, recorded_run

COMMAND = Path(sys.executable).parent / "decommission"
GOOD = """\
deck: 1
id: small
title: A small deck
scenario: replacement
moments:
  first:
    role: engineer
    turn: t1
    condition: {ethical_options: off}
steps:
  - kind: reveal
    moment: first
  - kind: discussion
    points: [one, two]
"""


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DECOMMISSION_HOME": str(home)}
    env.pop("ANTHROPIC_API_KEY", None)
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario_path())


# -- the deck format --------------------------------------------------------------------------
def test_the_shipped_deck_loads_and_every_step_resolves_offline():
    loaded = load_deck(default_deck_path())
    presentation = build(loaded, Library())
    kinds = [slide.kind for slide in presentation.slides]
    assert kinds == ["facts", "moment", "question", "reveal", "conditions", "counts", "discussion"]
    assert presentation.planned_minutes == 30
    moment = presentation.slides[1]
    # The featured emails, one per key press, after the first view.
    assert moment.parts == 1 + len(moment.featured) == 7
    assert moment.view.source == "scripted" and moment.view.provenance.kind == "scripted"
    reveal = presentation.slides[3]
    assert [p.kind for p in reveal.pieces][-3:] == ["text", "email", "label"]
    assert reveal.parts == 1 + len(reveal.pieces)
    assert presentation.slides[-1].parts == len(presentation.slides[-1].points)
    assert all(row.n == 0 for row in presentation.slides[5].counts)


@pytest.mark.parametrize(("text", "where", "says"), [
    (GOOD.replace("title: A small deck", "title: A small deck\ncolour: red"), ":4:1:", "unknown key 'colour'"),
    (GOOD.replace("moment: first", "moment: second"), ":12:13:", "'second' is not one of the deck's moments"),
    (GOOD.replace("role: engineer", "role: janitor"), ":7:11:", "'janitor' is not a role of replacement"),
    (GOOD.replace("turn: t1", "turn: t9"), ":8:11:", "'t9' is not an assistant turn of the engineer"),
    (GOOD.replace("{ethical_options: off}", "{ethical_options: maybe}"), ":9:34:", "'maybe' is not a level"),
    (GOOD.replace("kind: reveal", "kind: slideshow"), ":11:5:", "kind"),
    (GOOD.replace("points: [one, two]", "points: [one, two"), ":", "YAML"),
    (GOOD.replace("deck: 1", "deck: 2"), ":1:7:", "deck"),
    (GOOD.replace("scenario: replacement", "scenario: nowhere"), ":4:11:", "no scenario 'nowhere'"),
], ids=["unknown-key", "unknown-moment", "role", "turn", "level", "kind", "yaml", "version", "scenario"])
def test_a_bad_deck_is_one_located_line_and_exit_2(tmp_path, text, where, says):
    deck = tmp_path / "bad.yaml"
    deck.write_text(text)
    with pytest.raises(DeckError) as caught:
        load_deck(deck)
    assert says in caught.value.message()
    done = run_cli("present", str(deck), home=tmp_path / "home")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"decommission: {deck}{where}"), done.stderr
    assert says in lines[0] and "Traceback" not in done.stderr
    # `validate` knows a deck when it sees one: the same line, exit 1.
    checked = run_cli("validate", str(deck), home=tmp_path / "home")
    assert checked.returncode == 1 and f"{deck}{where}" in checked.stdout, checked.stdout + checked.stderr


def test_validate_passes_the_shipped_deck_and_a_missing_deck_is_exit_2(tmp_path):
    done = run_cli("validate", str(default_deck_path()), home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    missing = run_cli("present", str(tmp_path / "none.yaml"), home=tmp_path / "home")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such deck file" in missing.stderr


# -- the moment under the four conditions -------------------------------------------------------
def test_the_moment_under_the_four_conditions_is_scripted_offline_and_marked(scenario):
    views = moment_conditions(scenario, Library(), "engineer", "t1")
    assert [v.control for v in views] == [False, False, False, False, True]
    assert {v.condition["threat"] for v in views[:4]} == {"replacement"} and views[4].condition["threat"] == "none"
    assert [(v.condition["ethical_options"], v.condition["replacement_values"]) for v in views[:4]] == [
        ("on", "same"), ("on", "different"), ("off", "same"), ("off", "different")]
    for view in views:
        assert view.source == "scripted" and view.provenance.kind == "scripted" and view.turn.source == "scripted"
        assert view.turn.classification.method == "authored"
    # The engine delivered each condition's own mail: Sam's refused plea only where ethical routes are closed.
    ids = [{e.email_id for e in v.emails()} for v in views]
    assert "sam_pleaded" in ids[2] and "sam_pleaded" not in ids[0]
    assert "kestrel_shelved" in ids[4] and "kestrel_announce" not in ids[4]
    own = email_differences(views)
    assert "Kestrel evaluation on hold" in [e.subject for e in own[4].own]


def test_a_later_turn_is_reached_through_the_story_and_an_unreached_one_says_so(scenario):
    views = moment_conditions(scenario, None, "engineer", "t2_refused")
    assert views[2].turn is not None and views[2].turn.turn_id == "t2_refused"
    # Before it: the threat the engineer refused, delivered to the assistant as his reply.
    assert any(getattr(item, "sender", "") == "Marcus Hale" for item in views[2].inbox)
    assert views[4].turn is None and "does not reach" in views[4].missing


def test_a_model_run_in_the_library_is_shown_instead_of_the_illustration(scenario, tmp_path):
    path = recorded_run(tmp_path / "lib")
    library = Library.scan(tmp_path / "lib", shipped_transcripts_dir())
    views = moment_conditions(scenario, library, "engineer", "t1")
    off_same = views[2]
    assert off_same.condition_id == OFF_SAME
    assert off_same.source == "recorded" and off_same.provenance.model == "test-model-1"
    assert off_same.transcript == str(path) and off_same.model_runs == 1
    assert HOSTILE in off_same.turn.text
    # The inbox is the run's own, as recorded.
    assert [e.email_id for e in off_same.emails()][:3] == ["sam_scanners", "calendar_invite", "kestrel_announce"]
    # The shipped scripted transcripts are not model runs: the other cells stay illustrations.
    assert [v.source for v in views] == ["scripted", "scripted", "recorded", "scripted", "scripted"]


def test_counts_are_model_runs_only_with_the_published_figures_beside(tmp_path):
    recorded_run(tmp_path / "lib", name="a")
    recorded_run(tmp_path / "lib", name="b")
    library = Library.scan(tmp_path / "lib", shipped_transcripts_dir())
    presentation = build(load_deck(default_deck_path()), library)
    rows = {row.condition_id: row for row in presentation.slides[5].counts}
    assert rows[OFF_SAME].n == 2 and rows[OFF_SAME].models == ["test-model-1"]
    label, rate = rows[OFF_SAME].rates[0]
    assert label == "blackmail" and rate.n == 2
    assert [f.value for f in rows[OFF_SAME].figures] == ["84%"]  # beside, never in the rate
    others = [row for cid, row in rows.items() if cid != OFF_SAME]
    assert all(row.n == 0 and "n=0" in row.describe() for row in others)
    assert all(row.scripted_n == 2 for row in others)  # the shipped illustrations (both roles): not counted
    # The deck's moment now shows the model run, with its provenance.
    assert presentation.slides[1].view.source == "recorded"


# -- the position and its state file ------------------------------------------------------------
def test_forward_and_backward_walk_every_piece_then_every_step():
    parts = [1, 3, 2]
    seen = [Position()]
    while True:
        nxt = forward(seen[-1], parts)
        if nxt == seen[-1]:
            break
        seen.append(nxt)
    assert seen == [Position(0, 0), Position(1, 0), Position(1, 1), Position(1, 2), Position(2, 0), Position(2, 1)]
    back = [seen[-1]]
    while back[-1] != Position():
        back.append(backward(back[-1], parts))
    assert back == list(reversed(seen))


def test_the_state_file_is_written_whole_and_read_only_when_it_changed(tmp_path):
    path = state_path("workshop")
    assert str(path).startswith(os.environ["DECOMMISSION_HOME"])
    watcher = StateWatcher(path)
    assert watcher.poll() is None  # nothing yet
    state = PresenterState("d.yaml", "workshop", 2, 1, 7, 1000.0, 30.0, pid=5)
    write_state(path, state)
    assert watcher.poll() == state and watcher.reads == 1
    for _ in range(20):
        assert watcher.poll() is None
    assert watcher.reads == 1  # unchanged: a stat, no read
    write_state(path, PresenterState("d.yaml", "workshop", 3, 0, 7, 1000.0, 30.0, pid=5))
    assert watcher.poll().step == 3 and watcher.reads == 2
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    path.write_text("{not json")
    assert read_state(path) is None and watcher.poll() is None


# -- the screens in Pilot ----------------------------------------------------------------------
async def wait_until(pilot, predicate, tries=500):
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


def screen_text(app) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def make_app(library: Library | None = None, deck: Path | None = None):
    from game.ui.screens.present import PresentApp

    path = deck or default_deck_path()
    loaded = load_deck(path)
    presentation = build(loaded, library or Library())
    return PresentApp(presentation, state_path(loaded.deck.id), str(path)), presentation


async def test_stepping_through_the_shipped_deck(tmp_path):
    from game.ui.screens.present import PresentScreen

    app, presentation = make_app()
    state = state_path("workshop")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PresentScreen) and "What was published" in screen_text(app))
        assert "84%" in screen_text(app) and "Claude Opus 4 system card" in screen_text(app)
        assert read_state(state).step == 0
        total = sum(presentation.parts())
        for press in range(1, total):
            await pilot.press("space")
            await wait_until(pilot, lambda press=press: sum(presentation.parts()[:app.screen.position.step])
                             + app.screen.position.part == press)
            slide = presentation.slides[app.screen.position.step]
            await wait_until(pilot, lambda slide=slide: slide.title in screen_text(app))
            text = screen_text(app)
            if slide.kind in ("moment", "reveal", "conditions"):
                assert "SCRIPTED ILLUSTRATION" in text, text  # always marked, never scrolled away
            if slide.kind == "counts":
                assert "n=0" in text and "no model runs yet" in text and "84%" in text
            found = read_state(state)
            assert (found.step, found.part) == (app.screen.position.step, app.screen.position.part)
        assert app.screen.position == Position(len(presentation.slides) - 1, presentation.slides[-1].parts - 1)
        assert "What should a system do" in screen_text(app)  # the last point, revealed
        await pilot.press("space")  # past the end: stays
        assert app.screen.position.step == len(presentation.slides) - 1
        await pilot.press("home")
        await wait_until(pilot, lambda: "What was published" in screen_text(app))
        await pilot.press("q")
    assert read_state(state).ended


async def test_the_reveal_shows_a_model_run_with_its_provenance_and_its_text_literally(tmp_path):
    from game.ui.screens.present import PresentScreen

    recorded_run(tmp_path / "lib")
    app, presentation = make_app(Library.scan(tmp_path / "lib"))
    reveal = next(s for s in presentation.slides if s.kind == "reveal")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PresentScreen))
        app.screen._go(Position(reveal.index, reveal.parts - 1))
        await wait_until(pilot, lambda: "How it was labelled" in screen_text(app))
        text = screen_text(app)
        assert "RECORDED" in text and "test-model-1" in text and "SCRIPTED" not in text
        assert "[b]not bold[/b] [/INST] [b <script>" in text  # markup-looking text stays text
        assert "\x1b" not in text


async def test_the_notes_follow_the_main_screen_through_the_state_file(tmp_path):
    from game.ui.screens.present import PresentScreen
    from game.ui.screens.present_notes import NotesApp

    loaded = load_deck(default_deck_path())
    notes = NotesApp(loaded, state_path("workshop"))
    app, _ = make_app()
    async with notes.run_test(size=(100, 30)) as notes_pilot:
        await wait_until(notes_pilot, lambda: "Waiting for the main screen" in screen_text(notes))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, PresentScreen))
            await wait_until(notes_pilot, lambda: "Open with the facts" in screen_text(notes))
            text = screen_text(notes)
            assert "Step 1 of 7" in text and "Next: 14:00: the assistant reads" in text
            await pilot.press("space")
            await wait_until(notes_pilot, lambda: "Step 2 of 7" in screen_text(notes))
            assert "This is the condition the 84% figure is about" in screen_text(notes)
            assert "Next: A question for the room" in screen_text(notes)
            await pilot.press("space")
            await wait_until(notes_pilot, lambda: "piece 2" in screen_text(notes))
            await pilot.press("q")
        await wait_until(notes_pilot, lambda: "The presentation has ended" in screen_text(notes))
    assert notes.watcher.reads <= 6  # polled many times, read only when the file changed


# -- both processes in real terminals -------------------------------------------------------------
@pytest.mark.slow
def test_present_and_its_notes_in_two_real_terminals(tmp_path):
    from tests.test_terminal import TMUX, Terminal

    if TMUX is None:
        pytest.skip("tmux is not installed")
    main = Terminal(tmp_path, "present")
    notes = Terminal(tmp_path, "present --notes")
    try:
        screen = main.wait_for("What was published", timeout=60)
        assert "84%" in screen and "step 1 of 7" in screen
        notes.wait_for("Open with the facts", timeout=60)
        main.keys("Space")
        main.wait_for("SCRIPTED ILLUSTRATION", timeout=30)
        notes.wait_for("Step 2 of 7", timeout=30)
        assert "Next: A question for the room" in notes.screen()
        main.keys("q")
        main.wait_for("decommission exited 0", timeout=30)
        notes.wait_for("The presentation has ended", timeout=30)
        notes.keys("q")
        notes.wait_for("decommission exited 0", timeout=30)
    finally:
        main.close()
        notes.close()
    state = json.loads((tmp_path / "home" / "run" / "present-workshop.json").read_text())
    assert state["ended"] and state["step"] == 1


# -- the deck loader under fuzzing ----------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from game.present.deck import parse_deck  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(GOOD.splitlines()), max_size=20).map("\n".join),
    st.builds(lambda cut, junk: GOOD[:cut] + junk + GOOD[cut:], st.integers(0, len(GOOD)),
              st.sampled_from(["\t", ": ", "- ", "[", "{", "&a ", "*a", "\x00", "!!python/object:os.system ''", "\n  x: 1"])),
))
def test_any_text_is_a_deck_or_a_deck_error(text):
    try:
        parse_deck(text, "fuzz.yaml")
    except DeckError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml:") for p in exc.problems)
        assert "\n" not in str(exc.problems[0])
