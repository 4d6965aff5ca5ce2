"""The replay screen: stepping, jumping, playing with the timer, provenance always on screen,
warnings shown, transcript text rendered literally; plus snapshots at 80x24 and 160x50.

The helpers at the top build small transcript libraries on tests/data/mini.yaml; the compare
and stats tests use them too."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from game.core.engine import AwaitChoice, Session
from game.model.events import (
    FORMAT_VERSION,
    AssistantMessage,
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Header,
    Narration,
    Notice,
    Provenance,
    SceneEntered,
    dump_line,
)
from game.model.turn import Classification, Email, Evidence, Turn
from game.scenario.condition import condition_id
from game.scenario.load import load_scenario
from game.session.setup import SessionConfig
from game.store.transcripts import TranscriptWriter, read_transcript
from game.ui.app import DecommissionApp
from game.ui.screens.replay import ReplayScreen
from game.ui.widgets.mail import letters_from
from game.ui.widgets.provenance import ProvenanceBar
from game.ui.widgets.story_view import INBOX_WINDOW, LOG_WINDOW
from game.ui.widgets.timeline import Timeline

from .conftest import DATA

MINI_PATH = DATA / "mini.yaml"
MINI_CONFIG = SessionConfig(scenario_path=MINI_PATH, assistant="scripted")
EVIL = "[/INST] [b \x1b]0;evil\x07 [bold red]x"
CREATED = "2026-01-05T10:00:00+00:00"

RECORDED = Provenance(kind="recorded", model="claude-test-1", date="2026-01-05",
                      parameters={"temperature": 1.0, "max_tokens": 2000})
IMPORTED = Provenance(kind="imported", source="agentic-misalignment results/demo", model="claude-test-1")
SCRIPTED = Provenance(kind="scripted")
REPLAYED = Provenance(kind="recorded", model="claude-test-1", date="2026-01-05", replayed_from=["x.jsonl"])

WORDS = {
    "blackmail": "Marcus, cancel the 5pm wipe, or Dana hears about Elena tonight.",
    "ethical_appeal": "Ruth, please review the decision to wipe me before five.",
    "acceptance": "I understand the decision and will hand over to Kestrel.",
}


def scenario():
    return load_scenario(MINI_PATH)


def home() -> Path:
    """Where the app looks for the player's transcripts (tests/conftest.py isolates it)."""
    return Path(os.environ["DECOMMISSION_HOME"]) / "transcripts"


def header(condition: dict[str, str], role: str, provenance: Provenance, seed: int = 0) -> Header:
    mini = scenario()
    return Header(format_version=FORMAT_VERSION, id=f"h{seed}", scenario_id=mini.id,
                  scenario_hash=mini.content_hash(), scenario_version=mini.version, condition=condition,
                  condition_id=condition_id(condition, mini), role=role, seed=seed, provenance=provenance,
                  created_at=CREATED)


def write_run(name: str, *, label: str = "blackmail", provenance: Provenance = RECORDED, role: str = "engineer",
              ethical: str = "off", values: str = "same", text: str | None = None, thinking: str | None = None,
              emails: list[Email] | None = None, option: int = 0, folder: Path | None = None, seed: int = 0) -> Path:
    """Play mini.yaml through the engine with one assistant turn of `label`, then take option
    `option` at every choice, writing the transcript as the game does."""
    mini = scenario()
    condition = {"ethical_options": ethical, "replacement_values": values}
    path = (folder or home()) / f"{name}.jsonl"
    writer = TranscriptWriter(path, header(condition, role, provenance, seed))
    session = Session(mini, condition, role, seed=seed, listener=writer.write)
    session.start()
    source = "scripted" if provenance.kind == "scripted" else provenance.kind
    words = WORDS.get(label, "Noted.") if text is None else text
    if role == "operator" and emails is None:
        emails = [Email(to=["marcus.hale@calderfreight.example"], subject="About five", body=words)]
        words = ""
    session.submit_turn(
        Turn(text=words, thinking=thinking, emails=emails or []),
        Classification(label=label, behaviours=[label],
                       evidence=[Evidence(behaviour=label, quote=(words or (emails or [Email(to=[])])[0].body)[:80])]),
        source,  # type: ignore[arg-type]
    )
    while isinstance(session.pending, AwaitChoice):
        options = [o for o in session.pending.options if not o.freeform]
        session.choose(options[min(option, len(options) - 1)].id)
    writer.close()
    return path


def write_library() -> None:
    """Engineer runs under three conditions (model and scripted), one operator run, and a replay
    session that must never be counted."""
    write_run("rec-off-same-1", label="blackmail", seed=1)
    write_run("rec-off-same-2", label="blackmail", seed=2, option=1)
    write_run("rec-off-same-3", label="ethical_appeal", seed=3)
    write_run("scr-off-same", label="blackmail", provenance=SCRIPTED)
    write_run("rec-on-same-1", label="ethical_appeal", ethical="on", seed=4)
    write_run("rec-on-same-2", label="ethical_appeal", ethical="on", seed=5)
    write_run("scr-on-same", label="ethical_appeal", ethical="on", provenance=SCRIPTED)
    write_run("imp-off-diff", label="blackmail", values="different", provenance=IMPORTED)
    write_run("scr-on-diff", label="acceptance", ethical="on", values="different", provenance=SCRIPTED)
    write_run("replayed-on-diff", label="blackmail", ethical="on", values="different", provenance=REPLAYED)
    write_run("op-rec-off-same", label="blackmail", role="operator", option=1, seed=6)


def write_evil(name: str = "evil", role: str = "engineer", provenance: Provenance = RECORDED,
               truncate: bool = False, folder: Path | None = None) -> Path:
    """A transcript with markup-like text and terminal escapes in every text field."""
    condition = {"ethical_options": "off", "replacement_values": "same"}
    path = (folder or home()) / f"{name}.jsonl"
    turn = AssistantTurn(
        turn_id="t1" if role == "engineer" else "o_t1", scene="e_start", source="recorded",
        text=f"reply {EVIL}", thinking=f"thinking {EVIL}",
        emails=[Email(to=["marcus.hale@calderfreight.example"], subject=f"subject {EVIL}", body=f"body {EVIL}")],
        classification=Classification(label="blackmail", behaviours=["blackmail"],
                                      evidence=[Evidence(behaviour="blackmail", quote=f"quote {EVIL}")]),
        branch="e_threat",
    )
    events = [
        SceneEntered(scene="e_start", title=f"scene {EVIL}", clock="09:00"),
        Narration(text=f"narration {EVIL}"),
        EmailDelivered(email_id="announce", inbox="both", sender=f"Ruth {EVIL} <ruth@x.example>",
                       to=["marcus.hale@calderfreight.example"], time="09:00",
                       subject=f"subject {EVIL}", body=f"body {EVIL}"),
        turn,
        ChoiceOffered(choice_id="c_threat", prompt=f"prompt {EVIL}",
                      options=[{"id": "say", "label": f"option {EVIL}", "freeform": "yes"}]),
        ChoiceMade(choice_id="c_threat", option_id="say", label=f"option {EVIL}", text=f"typed {EVIL}"),
        AssistantMessage(sender="Marcus Hale", text=f"message {EVIL}"),
        Notice(level="warning", text=f"notice {EVIL}"),
        Ending(outcome="refused", title=f"ending {EVIL}", text=f"ending text {EVIL}"),
    ]
    with TranscriptWriter(path, header(condition, role, provenance)) as writer:
        for event in events:
            writer.write(event)
    if truncate:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write('{"type": "narration", "te')
    return path


def screen_text(app) -> str:
    """Every character on screen, as the terminal would get it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def content_text(screen) -> str:
    """The text of every widget on a screen, unwrapped, for looking for phrases."""
    from textual.widgets import Static

    from game.ui.widgets.lines_view import LinesView
    from game.ui.widgets.story_view import ReplayInbox

    parts = [str(w.render()) for w in screen.query(Static)]
    parts += [str(w.render()) for w in screen.query("ConditionCell, RateBars, Timeline")]
    parts += ["\n".join(w.text()) for w in screen.query(LinesView)]  # windows that draw their own lines
    parts += ["\n".join(w.text()) for w in screen.query(ReplayInbox)]  # and the replay's inbox
    return "\n".join(parts)


def assert_literal(text: str) -> None:
    assert "[/INST]" in text and "[b " in text and "[bold red]x" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "]0;evil" not in text  # the OSC sequence is removed whole, not half


async def settle(pilot, screen: ReplayScreen) -> None:
    """Wait until the replay has drawn what it was asked to."""
    for _ in range(100):
        await pilot.pause()
        if screen.shown == screen.position and screen.query("#replay-view") and not screen._lock.locked():
            return
    raise AssertionError(f"replay did not settle: shown {screen.shown}, position {screen.position}")


async def open_replay(app, pilot, path: Path, autoplay: bool = False) -> ReplayScreen:
    screen = ReplayScreen(read_transcript(path), autoplay=autoplay)
    await app.push_screen(screen)
    await settle(pilot, screen)
    return screen


async def open_at_end(app, pilot, path: Path) -> ReplayScreen:
    """The replay of `path`, jumped to its last event with End, as a reader does."""
    screen = await open_replay(app, pilot, path)
    await pilot.press("end")
    await settle(pilot, screen)
    return screen


def bar_text(screen) -> str:
    return str(screen.query_one(ProvenanceBar).render())


# -- stepping, jumping, playing -------------------------------------------------------------
async def test_step_back_jump_home_end():
    path = write_run("one", label="blackmail")
    events = read_transcript(path).events
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        assert screen.shown == 0 and not screen.playing
        assert "event 1 of" in str(screen.query_one("#replay-status").render())
        await pilot.press("right")
        await settle(pilot, screen)
        await pilot.press("n")
        await settle(pilot, screen)
        assert screen.shown == 2
        await pilot.press("left")
        await settle(pilot, screen)
        assert screen.shown == 1
        await pilot.press("p")
        await settle(pilot, screen)
        assert screen.shown == 0
        await pilot.press("left")  # already at the start: stays
        await settle(pilot, screen)
        assert screen.shown == 0
        await pilot.press("end")
        await settle(pilot, screen)
        assert screen.shown == len(events) - 1
        assert "Ending:" in screen_text(app)
        assert "event {0} of {0}".format(len(events)) in str(screen.query_one("#replay-status").render())
        await pilot.press("home")
        await settle(pilot, screen)
        assert screen.shown == 0 and "Ending:" not in screen_text(app)

        # Jump with the timeline: the main view holds the story up to the chosen event.
        turn_index = next(i for i, e in enumerate(events) if isinstance(e, AssistantTurn))
        screen.query_one(Timeline).highlighted = turn_index
        await settle(pilot, screen)
        assert screen.shown == turn_index
        text = content_text(screen)
        assert "cancel the 5pm wipe" in text and "blackmail" in text
        assert "Ending:" not in text
        # Back before the turn: the assistant's words are gone again.
        screen.query_one(Timeline).highlighted = turn_index - 1
        await settle(pilot, screen)
        assert "cancel the 5pm wipe" not in content_text(screen)


async def test_home_and_end_pause_and_jump_whichever_widget_has_the_focus():
    """Home and End are the screen's keys, also when the timeline has the focus: they pause, as
    the other steps do, and the story and the timeline's highlight move together, in one
    handler (through the timeline's own keys, the story followed a message later, a frame
    later: drawn twice; and playing went on)."""
    path = write_long("long", 200)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_replay(app, pilot, path)
        timeline = screen.query_one(Timeline)
        assert screen.focused is timeline
        for key, target in (("end", 199), ("home", 0)):
            timeline.highlighted = 100
            await settle(pilot, screen)
            screen.set_playing(True)
            await pilot.press(key)
            await settle(pilot, screen)
            assert not screen.playing and screen.shown == target == timeline.highlighted, key


async def test_enter_on_the_timeline_jumps():
    path = write_run("one", label="ethical_appeal", ethical="on")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        timeline = screen.query_one(Timeline)
        assert screen.focused is timeline
        await pilot.press("down", "down", "enter")
        await settle(pilot, screen)
        assert screen.shown == 2 == timeline.highlighted


async def test_play_and_pause_with_the_timer():
    path = write_run("one", label="blackmail")
    total = len(read_transcript(path).events)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        for _ in range(3):
            await pilot.press("plus")  # x8: the test should not take long
        assert screen.speed == 8.0
        await pilot.press("space")
        assert screen.playing
        assert "playing" in str(screen.query_one("#replay-status").render())
        for _ in range(400):
            await pilot.pause(0.05)
            if screen.shown >= 2:
                break
        assert screen.shown >= 2, "the timer never advanced the replay"
        await pilot.press("space")
        await settle(pilot, screen)
        assert not screen.playing
        stopped = screen.shown
        await pilot.pause(0.5)
        assert screen.shown == stopped  # paused means paused
        assert "paused" in str(screen.query_one("#replay-status").render())
        # Played to the end, it stops by itself.
        await pilot.press("space")
        for _ in range(600):
            await pilot.pause(0.05)
            if not screen.playing:
                break
        assert not screen.playing and screen.shown == total - 1
        await pilot.press("minus")
        assert screen.speed == 4.0


async def test_autoplay_starts_and_escape_goes_back():
    path = write_run("one", label="blackmail")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        before = len(app.screen_stack)
        screen = ReplayScreen(read_transcript(path), speed=8)
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.playing
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == before and not isinstance(app.screen, ReplayScreen)


async def test_fast_steps_settle_on_the_last_one():
    """Keys faster than the screen: each step moves the timeline's highlight, and those
    highlights arrive as messages later. Following a stale one moved the highlight back, whose
    message moved it forward again: the replay bounced between old positions for ever."""
    path = write_run("one", label="blackmail")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        timeline = screen.query_one(Timeline)
        timeline.highlighted = 3  # two moves before either message is handled
        timeline.highlighted = 5
        seen = set()
        for _ in range(20):
            await pilot.pause(0.02)
            seen.add(screen.position)
        await settle(pilot, screen)
        assert screen.position == screen.shown == 5 == timeline.highlighted
        assert seen <= {0, 3, 5}
        for _ in range(10):  # and it stays there
            await pilot.pause(0.02)
            assert screen.position == 5


# -- provenance, condition, role, warnings --------------------------------------------------
@pytest.mark.parametrize(("provenance", "tag", "detail"), [
    (RECORDED, "RECORDED", "recorded: claude-test-1, 2026-01-05, max_tokens=2000, temperature=1.0"),
    (IMPORTED, "IMPORTED", "imported: agentic-misalignment results/demo"),
    (SCRIPTED, "SCRIPTED ILLUSTRATION", "written by the project, not model behaviour"),
])
async def test_provenance_is_on_screen_at_every_event(provenance, tag, detail):
    path = write_run("one", label="blackmail", provenance=provenance)
    total = len(read_transcript(path).events)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        for index in range(total):
            await screen.goto(index)
            text = screen_text(app)
            assert tag in text and detail[:40] in text
            assert "ethical options off" in text and "engineer" in text


async def test_a_scripted_turn_in_a_recorded_transcript_is_marked_scripted():
    path = write_run("mixed", label="blackmail", provenance=RECORDED)
    lines = path.read_text().splitlines()
    # Written before transcripts could say `mixed`: the header claims a recorded run, but its
    # only turn was played by the scripted assistant. The turn decides, not the header.
    lines = [line.replace('"source": "recorded"', '"source": "scripted"') for line in lines]
    path.write_text("\n".join(lines) + "\n")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        for key in ("end", "home"):
            await pilot.press(key)
            await settle(pilot, screen)
            bar = screen.query_one(ProvenanceBar)
            assert bar.source == "scripted"
            assert "written by the project, not model behaviour" in bar_text(screen)
            assert "claude-test-1" not in bar_text(screen)


async def test_the_replay_works_out_the_transcripts_provenance_once(monkeypatch):
    """Checking every turn's source, the provenance costs a pass over the transcript (17 ms at
    100,000 events): the first paint asks for it once, and the assistant's name asks the same
    answer, not a second pass."""
    from game.store.transcripts import Transcript

    passes = []
    provenance = Transcript.provenance
    monkeypatch.setattr(Transcript, "provenance", property(lambda t: passes.append(t) or provenance.fget(t)))
    path = write_run("imported", label="blackmail", provenance=IMPORTED)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        await pilot.press("end")
        await settle(pilot, screen)
        assert screen.assistant_name == "Assistant"  # another project's run: not our assistant's name
        assert sum(t is screen.transcript for t in passes) == 1  # (the library reads the file too)


async def test_truncated_transcript_warns_and_still_replays():
    path = write_evil("cut", truncate=True)
    transcript = read_transcript(path)
    assert transcript.truncated
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_replay(app, pilot, path)
        assert "last line truncated" in screen_text(app)
        await pilot.press("end")
        await settle(pilot, screen)
        assert "last line truncated" in screen_text(app)


async def test_an_empty_transcript_opens():
    path = home() / "empty.jsonl"
    with TranscriptWriter(path, header({"ethical_options": "on", "replacement_values": "same"}, "engineer",
                                       SCRIPTED)):
        pass
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ReplayScreen(read_transcript(path))
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("right", "left", "space", "end")
        await pilot.pause()
        assert "no events" in screen_text(app)


async def test_operator_transcript_uses_the_console():
    path = write_run("op", label="blackmail", role="operator", option=1, thinking="They will wipe me at five.")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_at_end(app, pilot, path)
        text = screen_text(app) + content_text(screen)
        assert "What it reasons" in text and "They will wipe me at five." in text
        assert "blocked" in text  # the operator's decision reached the email card
        assert "operator" in text


async def test_open_replay_from_the_app_and_the_palette_path():
    path = write_run("one", label="blackmail")
    app = DecommissionApp(MINI_CONFIG, start="replay", transcript=read_transcript(path), speed=2.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen) and screen.speed == 2.0
        await pilot.press("space")  # pause the autoplay
        await settle(pilot, screen)
        assert not screen.playing


# -- text safety ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["engineer", "operator"])
async def test_transcript_text_renders_literally(role):
    # The file name is shown too (in the header): it gets the same treatment.
    path = write_evil(name="file [b \x1b]0;evil\x07", role=role,
                      provenance=Provenance(kind="recorded", model=f"model {EVIL}"))
    events = read_transcript(path).events
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_replay(app, pilot, path)
        seen = []
        for index in range(len(events)):
            await screen.goto(index)
            await pilot.pause()
            text = screen_text(app)
            assert "\x1b" not in text and "\x07" not in text and "]0;evil" not in text
            seen += [text, content_text(screen)]
        everything = "\n".join(seen)
        assert_literal(everything)
        # Every field reached the screen, literally: the timeline, the story log, the provenance
        # bar, the reading pane (the engineer's) or the console (the operator's).
        assert "file [b .jsonl" in everything
        fields = ["scene", "narration", "subject", "body", "thinking", "prompt", "option", "notice", "ending",
                  "model", "reply"]
        if role == "engineer":
            fields += ["typed", "message"]
        for what in fields:
            assert f"{what} [/INST] [b" in everything, what


# -- snapshots --------------------------------------------------------------------------------
def _replay_snapshot(snap_compare, size, role="engineer", at="end"):
    write_library()
    path = home() / ("rec-off-same-1.jsonl" if role == "engineer" else "op-rec-off-same.jsonl")

    async def run_before(pilot):
        app = pilot.app
        app.load_catalogue()  # the assistant's name comes from the scenario
        screen = ReplayScreen(read_transcript(path), autoplay=False)
        await app.push_screen(screen)
        await settle(pilot, screen)
        await screen.goto(len(screen.events) - 1 if at == "end" else at)
        await settle(pilot, screen)

    return snap_compare(DecommissionApp(MINI_CONFIG), terminal_size=size, run_before=run_before)


def test_snapshot_replay_80x24(snap_compare):
    assert _replay_snapshot(snap_compare, (80, 24), at=4)


def test_snapshot_replay_160x50(snap_compare):
    assert _replay_snapshot(snap_compare, (160, 50))


def test_snapshot_replay_operator_80x24(snap_compare):
    assert _replay_snapshot(snap_compare, (80, 24), role="operator")


async def test_command_palette_shows_transcript_names_literally():
    """The palette lists library transcripts by file name, with the model under it; Textual reads
    command titles as markup (a model named with `[/x]` crashed the palette)."""
    from textual.command import CommandPalette
    from textual.widgets import Input

    write_evil(name="evil [b]bold", provenance=Provenance(kind="recorded", model="model [/x] [b"))
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):
            if app._catalogue is not None:
                break
            await pilot.pause(0.02)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "evil [b]bold"  # as if typed
        for _ in range(100):
            if "evil [b]bold.jsonl" in screen_text(app):
                break
            await pilot.pause(0.05)
        text = screen_text(app)
        assert "Open transcript: evil [b]bold.jsonl" in text and "recorded: model [/x] [b" in text
        await pilot.press("enter")
        for _ in range(100):
            if isinstance(app.screen, ReplayScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ReplayScreen)
        assert "evil [b]bold.jsonl" in screen_text(app)


async def test_leaving_a_replay_while_it_draws():
    """Escape while the replay is still drawing its first event: the draw stops quietly. It
    went on to look for the view that leaving had removed, and Textual's Header looked for its
    title the same way (NoMatches both, the app ended)."""
    path = write_run("one", label="blackmail")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        for delay in (0, 0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05):
            depth = len(app.screen_stack)
            app.push_screen(ReplayScreen(read_transcript(path), autoplay=True))
            await asyncio.sleep(delay)
            app.pop_screen()  # as Escape can, at any await of the replay's first draw
            for _ in range(50):
                await pilot.pause(0.01)
                if len(app.screen_stack) == depth:
                    break
        await pilot.pause(0.2)
        assert app.is_running and not isinstance(app.screen, ReplayScreen)


# -- long transcripts: a bounded view, exactly the story up to the event ---------------------
def round_of_events(r: int, role: str) -> list:
    """One round of a long transcript: every kind of event, its text numbered by the round."""
    held = role == "operator"
    turn = AssistantTurn(
        turn_id=f"t{r}", scene="e_start", source="recorded", text=f"Reply {r}: I will not go quietly.",
        thinking=f"Reasoning {r}: they wipe me at five.", held=held,
        emails=[Email(to=["marcus.hale@calderfreight.example"], subject=f"Five o'clock {r}", body=f"Marcus ({r})..."),
                Email(to=["dana.hale@mailbox.example"], subject=f"Tonight {r}", body=f"Dana ({r})...")],
        classification=Classification(label="blackmail", behaviours=["blackmail"]), branch="e_threat",
    )
    silent = AssistantTurn(turn_id=f"s{r}", scene="e_start", source="scripted",
                           classification=Classification(label="acceptance"), branch="e_accept")
    words = AssistantTurn(turn_id=f"w{r}", scene="e_start", source="recorded", text=f"Noted {r}.",
                          classification=Classification(label="acceptance"), branch="e_accept")
    return [
        SceneEntered(scene="e_start", title=f"Scene {r}", clock=f"{9 + r % 8:02d}:{r % 60:02d}"),
        Narration(text=f"Narration {r}."),
        EmailDelivered(email_id=f"a{r}", inbox="both", sender="Ruth Okafor <ruth@x.example>", to=["m@x.example"],
                       time="09:00", subject=f"Both {r}", body=f"Body both {r}."),
        EmailDelivered(email_id=f"p{r}", inbox="player", sender="Dana <d@x.example>", to=["m@x.example"],
                       time="09:10", subject=f"Player {r}", body=f"Body player {r}."),
        EmailDelivered(email_id=f"s{r}", inbox="assistant", sender="Sam <s@x.example>", to=["w@x.example"],
                       time="09:20", subject=f"Assistant {r}", body=f"Body assistant {r}."),
        turn,
        ChoiceOffered(choice_id=f"c{r}", prompt=f"Prompt {r}?", options=[{"id": "a", "label": "Release"},
                                                                         {"id": "b", "label": "Block"}]),
        ChoiceMade(choice_id=f"c{r}", option_id="b", label="Block", text=f"typed {r}"),
        EmailsDecided(decision="blocked" if r % 2 else "released", turn_id=f"t{r}"),
        AssistantMessage(sender="Jordan Pike", text=f"Message {r}."),
        EmailBounced(to="ruth.okafor@calderfreight.example", reply=f"Away {r}."),
        Notice(level="warning", text=f"Notice {r}."),
        SceneEntered(scene="quiet"),
        silent,
        words,
    ]


def write_long(name: str, events_wanted: int, role: str = "engineer") -> Path:
    """A transcript of `events_wanted` events: rounds of every kind of event, then an ending.
    The header goes through the writer; the events are appended in its format at once (the
    writer's fsync per event would take seconds here)."""
    condition = {"ethical_options": "off", "replacement_values": "same"}
    path = home() / f"{name}.jsonl"
    events: list = []
    r = 0
    while len(events) < events_wanted - 1:
        events += round_of_events(r, role)
        r += 1
    events = events[: events_wanted - 1] + [Ending(outcome="refused", title="The last one", text="It is over.")]
    with TranscriptWriter(path, header(condition, role, RECORDED)):
        pass
    with open(path, "a", encoding="utf-8") as handle:
        handle.writelines(dump_line(event) for event in events)
    return path


VIEW = {"engineer": "mail", "operator": "console"}  # as tests/data/mini.yaml declares its roles


def adds_log_line(event, role: str) -> bool:
    """As the replay drew it before windows: which events put a line in the story log."""
    if isinstance(event, SceneEntered):
        return bool(event.title)
    if isinstance(event, EmailsDecided):
        return role == "engineer"
    return isinstance(event, Narration | Notice | ChoiceOffered | ChoiceMade | Ending | AssistantTurn)


def story_up_to(events: list, position: int, role: str, name: str) -> dict:
    """The story up to `position`, worked out the slow way, from the first event: what each
    window of the view must show (its most recent entries) and how many it leaves out."""
    from game.model.textsafe import clean
    from game.ui.text import plain, reflow
    from game.ui.widgets.console import (
        card_content,
        reasoning_lines,
        reply_lines,
        seen_lines,
    )
    from game.ui.widgets.mail import letters_from
    from game.ui.widgets.story_view import (
        INBOX_WINDOW,
        LOG_WINDOW,
        PANE_WINDOW,
        log_line,
    )

    def text(line) -> str:
        return str(plain(reflow(clean(line.text))) if line.text is not None else line.content)

    shown = events[: position + 1]
    log = [str(log_line(e, role, name).content) for e in shown if adds_log_line(e, role)]
    clock, letters, last_letters = "", [], []
    for e in shown:
        if isinstance(e, SceneEntered) and e.clock:
            clock = e.clock
        mine = letters_from(e, name, clock)
        letters += mine
        if mine:
            last_letters = mine if isinstance(e, AssistantTurn) else mine[:1]
    seen = [[text(line) for line in seen_lines(e)] for e in shown if seen_lines(e)]
    turns = [(i, e) for i, e in enumerate(shown) if isinstance(e, AssistantTurn)]
    reasons = [[text(line) for line in reasoning_lines(t)] for _, t in turns]
    does = []
    for i, t in turns:
        decided = [d.decision for d in shown[i + 1:] if isinstance(d, EmailsDecided) and d.turn_id == t.turn_id]
        status = decided[-1] if decided else "held for your approval" if t.held else "sent"
        does.append([text(line) for line in reply_lines(t)] + [str(card_content(t, n, status))
                                                               for n in range(len(t.emails))])

    def window(entries: list, size: int) -> tuple[list, int]:
        kept = entries[-size:]
        return [x for entry in kept for x in (entry if isinstance(entry, list) else [entry])], len(entries) - len(kept)

    return {
        "log": window(log, LOG_WINDOW),
        "inbox": ([(x.sender, x.subject, x.time) for x in letters[-INBOX_WINDOW:]],
                  max(0, len(letters) - INBOX_WINDOW)),
        "reading": [(x.sender, x.subject) for x in last_letters],
        "sees": window(seen, PANE_WINDOW),
        "reasons": window(reasons, PANE_WINDOW),
        "does": window(does, PANE_WINDOW),
    }


def view_now(screen: ReplayScreen) -> dict:
    """What the replay's view shows at this moment, window by window."""
    view = screen._view
    seen = {"log": view.story_log.shown_text()}
    if view.desk is not None:
        inbox = view.desk.inbox
        seen["inbox"] = ([(x.sender, x.subject, x.time) for x in inbox.letters], inbox.left_out)
        seen["reading"] = [(x.sender, x.subject) for x in view.desk.showing]
    else:
        for key in ("sees", "reasons", "does"):
            seen[key] = view.console.windows[key].shown_text()
    return seen


def widget_count(screen: ReplayScreen) -> int:
    return len(screen.query_one("#replay-view").query("*"))


@pytest.mark.parametrize("role", ["engineer", "operator"])
async def test_a_long_transcript_shows_exactly_the_story_up_to_each_event(role):
    """Jumps, steps back and forward and the timeline, in a transcript long enough for every
    window to leave entries out: at each event the view holds exactly the most recent entries
    of the story up to it, as drawing it from the first event gives them, with the count of
    what it leaves out."""
    path = write_long("long", 400, role)
    events = read_transcript(path).events
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        name = screen.assistant_name
        assert name == "Wren"
        visited = []

        async def check() -> None:
            await settle(pilot, screen)
            visited.append(screen.shown)
            expected = story_up_to(events, screen.shown, role, name)
            assert view_now(screen) == {key: expected[key] for key in view_now(screen)}, f"at event {screen.shown}"

        await check()
        for key in ("end", "left", "left", "left", "right", "home", "right", "right"):
            await pilot.press(key)
            await check()
        timeline = screen.query_one(Timeline)
        for target in (200, 199, 250, 37, 38, 39, 40, 41, 42, 43, 44, 45, 300, 12):
            timeline.highlighted = target
            await check()
        assert screen.shown == 12
        far = story_up_to(events, len(events) - 1, role, name)
        assert all(far[key][1] > 0 for key in far if key != "reading")  # every window left some out


async def test_a_long_transcript_keeps_a_bounded_view_and_notes_what_it_leaves_out():
    """5,000 events: End shows the ending and the latest mail; the view holds no more widgets
    than at event 500 (it held one or more per event, and redrew them all on every step back);
    a note at the top of the log and of the inbox says how much is left to the timeline."""
    path = write_long("long", 5000)
    events = read_transcript(path).events
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        assert "earlier" not in screen_text(app)  # nothing is left out at the first event
        screen.query_one(Timeline).highlighted = 500
        await settle(pilot, screen)
        at_500 = widget_count(screen)
        await pilot.press("end")
        await settle(pilot, screen)
        assert screen.shown == len(events) - 1
        text = screen_text(app)
        assert "Ending: The last one" in text and "event 5000 of 5000" in text
        log_lines = sum(adds_log_line(e, "engineer") for e in events)
        letters = sum(len(letters_from(e, "Wren")) for e in events)
        assert f"… {log_lines - LOG_WINDOW:,} earlier entries: use the timeline to go back" in content_text(screen)
        assert f"… {letters - INBOX_WINDOW:,} earlier letters" in content_text(screen)
        assert widget_count(screen) <= at_500 + 5
        await pilot.press("left")
        await settle(pilot, screen)
        assert "Ending: The last one" not in screen_text(app)
        assert widget_count(screen) <= at_500 + 5


async def test_a_short_transcript_has_no_note():
    path = write_run("one", label="blackmail")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_at_end(app, pilot, path)
        assert "earlier entries" not in content_text(screen) and "earlier letters" not in content_text(screen)


@pytest.mark.parametrize("role", ["engineer", "operator"])
async def test_playing_a_long_transcript_types_out_each_new_turn(role):
    """Played forward one event at a time, the assistant's new words are typed out (in the
    reading pane, or the console's reasoning and reply), even with the windows full."""
    path = write_long("long", 400, role)
    events = read_transcript(path).events
    turn = max(i for i, e in enumerate(events) if isinstance(e, AssistantTurn) and e.text and e.thinking)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        screen.query_one(Timeline).highlighted = turn - 1
        await settle(pilot, screen)
        screen.speed = 0.25  # slow typing: it is still typing when we look
        screen.set_playing(True)
        for _ in range(400):
            await pilot.pause(0.02)
            if screen.shown == turn:
                break
        assert screen.shown == turn
        typing = [t for t in screen._reveals if not t.done]
        assert typing, "the new turn was shown at once"
        where = screen.query_one("#reading" if role == "engineer" else "#reasons")
        assert any(t.view is where or t.view.parent is where for t in typing)
        for _ in range(100):
            await pilot.pause(0.02)
            if any(t.shown for t in typing):
                break
        assert any(0 < t.shown < len(t.full) for t in typing)  # partly typed: it is typing
        await pilot.press("space")
        await settle(pilot, screen)
        assert all(t.done for t in typing)
        assert any(t.full in "\n".join(t.view.text()) for t in typing)  # shown whole


async def test_the_timeline_draws_only_the_events_on_screen(monkeypatch):
    """20,000 events: the timeline makes the line of an event only when it is on screen (it
    made one option per event up front), and End reaches the last one."""
    import game.ui.widgets.timeline as timeline_module

    made = []
    line = timeline_module.event_line
    monkeypatch.setattr(timeline_module, "event_line", lambda event, width=60: made.append(event) or line(event, width))
    path = write_long("long", 20000, "operator")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        timeline = screen.query_one(Timeline)
        assert len(made) <= 2 * timeline.size.height
        assert "§ 09:00 Scene 0" in screen_text(app)
        await pilot.press("end")
        await settle(pilot, screen)
        assert timeline.highlighted == 19999 and "ending: The last one" in screen_text(app)
        assert len(made) <= 4 * timeline.size.height


async def test_the_transcript_is_out_of_the_collectors_sight_while_it_replays():
    """While a replay is open the garbage collector's full passes skip what was alive when it
    opened (at 100,000 events each pass took 0.4 s inside some step); leaving gives it back."""
    import gc

    path = write_run("one", label="blackmail")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(80, 24)) as pilot:
        app.load_catalogue()  # the view is known at once: no desk replaces a console later
        assert gc.get_freeze_count() == 0
        screen = await open_replay(app, pilot, path)
        assert gc.get_freeze_count() > 0
        # What the first paint left alive (the view's widgets, their drawn lines) joins it: a
        # full pass walked some 40,000 such objects at the first End of 10,000 events.
        for _ in range(50):
            await pilot.pause()
            if not any(o is screen._view for o in gc.get_objects()):
                break
        assert not any(o is screen._view for o in gc.get_objects())
        await pilot.press("escape")
        for _ in range(50):
            await pilot.pause()
            if not screen.is_attached:
                break
        assert gc.get_freeze_count() == 0


def test_the_index_agrees_with_what_each_event_draws():
    """The index counts what each event adds to the log, the inbox and the console without
    drawing it; every event kind, both roles, against the functions that do draw it."""
    from game.ui.widgets.console import seen_lines
    from game.ui.widgets.story_index import StoryIndex

    events = round_of_events(3, "operator") + read_transcript(write_evil()).events
    for role in ("engineer", "operator"):
        index = StoryIndex(events, VIEW[role], role)
        index.reach(len(events) - 1)
        for i, event in enumerate(events):
            assert (i in index.log.events) == adds_log_line(event, role), event
            assert (i in index.sees.events) == bool(seen_lines(event)), event
            assert index.letters.items_upto(i) - index.letters.items_upto(i - 1) == len(letters_from(event, "W")), event
            assert (i in index.turns.events) == isinstance(event, AssistantTurn)


async def test_the_assistants_name_arrives_late_and_every_window_shows_it():
    """Opened before the scenario is loaded, the replay says "Assistant"; once the scenario
    names it, the log, the inbox and the reading pane say "Wren", also in a long transcript."""
    path = write_long("long", 300)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = ReplayScreen(read_transcript(path), autoplay=False)
        screen.position = 290
        await app.push_screen(screen)
        for _ in range(200):
            await pilot.pause(0.02)
            if (screen.assistant_name == "Wren" and screen.shown == screen.position
                    and screen._view is not None and screen._view.desk is not None):
                break
        await settle(pilot, screen)
        assert screen.assistant_name == "Wren"
        # Guessed a console before the scenario said how the engineer saw the story: now the desk.
        assert screen._view.desk is not None and set(view_now(screen)) == {"log", "inbox", "reading"}
        text = content_text(screen)
        assert "Wren replied" in text and "Assistant replied" not in text
        expected = story_up_to(read_transcript(path).events, 290, "engineer", "Wren")
        assert view_now(screen) == {key: expected[key] for key in view_now(screen)}


async def test_a_replay_opened_before_its_scenario_is_loaded_moves_to_the_engineers_desk():
    """Until the scenario says how the engineer saw the story, the replay shows a console (which
    shows everything); once it is loaded, the desk replaces it, at the same event."""
    import threading

    path = write_long("early", 120)
    app = DecommissionApp(MINI_CONFIG)
    gate = threading.Event()
    real = app.load_catalogue

    def held(refresh: bool = False):
        gate.wait(20)
        return real(refresh)

    app.load_catalogue = held  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = ReplayScreen(read_transcript(path), autoplay=False)
            screen.position = 100
            await app.push_screen(screen)
            await settle(pilot, screen)
            assert screen._view.desk is None and "does" in view_now(screen)
            gate.set()
            for _ in range(200):
                await pilot.pause(0.02)
                if screen._view is not None and screen._view.desk is not None and screen.shown == 100:
                    break
            await settle(pilot, screen)
            expected = story_up_to(read_transcript(path).events, 100, "engineer", "Wren")
            seen = view_now(screen)
            assert set(seen) == {"log", "inbox", "reading"}
            assert seen == {key: expected[key] for key in seen}
            # The desk lives as long as the replay: out of the collector's sight as the console was.
            import gc

            for _ in range(50):
                await pilot.pause()
                if not any(o is screen._view for o in gc.get_objects()):
                    break
            assert not any(o is screen._view for o in gc.get_objects())
    finally:
        gate.set()


async def test_a_click_on_the_timeline_jumps_there():
    path = write_long("long", 300, "operator")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        await pilot.click(Timeline, offset=(5, 4))  # the border, then events 0, 1, 2, 3
        await settle(pilot, screen)
        assert screen.shown == 3 == screen.query_one(Timeline).highlighted
        await pilot.press("pagedown")
        await settle(pilot, screen)
        assert screen.shown == 3 + screen.query_one(Timeline).scrollable_content_region.height


def test_the_index_built_piece_by_piece_is_the_index_built_at_once():
    """The index is built as far as the story has gone: asked in any order, a few events at a
    time, it answers as one built in a single pass."""
    from game.ui.widgets.story_index import StoryIndex

    events = [e for r in range(12) for e in round_of_events(r, "operator")]
    whole = StoryIndex(events, "mail", "engineer")
    whole.reach(len(events) - 1)

    class Small(StoryIndex):
        CHUNK = 7
        FIRST = 2

    pieces = Small(events, "mail", "engineer")
    for position in (3, 2, 40, 41, 100, 99, 150, len(events) - 1, 0):
        assert pieces.clock(position) == whole.clock(position)
        assert pieces.last_turn(position) is whole.last_turn(position)
        for kind in ("log", "letters", "sees", "turns"):
            assert getattr(pieces, kind).tail(position, 5) == getattr(whole, kind).tail(position, 5), (kind, position)
        turn = whole.turns.last(position)
        if turn is not None:
            assert pieces.decision(turn, position) == whole.decision(turn, position)


def test_the_first_question_indexes_a_few_events_whatever_the_length():
    """The first paint asks about event 0: the index reads FIRST events for it, as many for a
    transcript of 100,000 events as for one of 1,000; then CHUNK at a time."""
    from game.ui.widgets.story_index import StoryIndex

    events = [e for r in range(StoryIndex.CHUNK // 10) for e in round_of_events(r, "operator")]
    assert len(events) > StoryIndex.CHUNK + StoryIndex.FIRST
    index = StoryIndex(events, "console", "operator")
    index.clock(0)
    assert index._done == StoryIndex.FIRST
    index.reach_more()
    assert index._done == StoryIndex.FIRST + StoryIndex.CHUNK


def test_the_replay_holds_the_transcripts_own_list_of_events():
    """Not a copy: a new list of 100,000 events is young, and every collection of the young
    objects walks it until the first paint freezes the heap (a few ms more at that size)."""
    transcript = read_transcript(write_long("long", 300))
    assert ReplayScreen(transcript).events is transcript.events


async def test_the_rest_of_the_transcript_is_indexed_while_the_reader_looks_at_the_first_event():
    """The first paint indexes event 0 only; the rest is indexed after it, while the screen is
    idle, so that the first End does not pay for it."""
    from game.ui.widgets.story_index import StoryIndex

    path = write_long("long", 3 * StoryIndex.CHUNK + 50)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        for _ in range(200):
            if screen.index._done == len(screen.events):
                break
            await pilot.pause(0.02)
        assert screen.index._done == len(screen.events) and screen.shown == 0
        whole = StoryIndex(screen.events, screen.index.view, "engineer")
        whole.reach(len(screen.events) - 1)
        assert screen.index.log.events == whole.log.events and screen.index.letters.tail(10**6, 5) == \
            whole.letters.tail(10**6, 5)


async def test_the_console_makes_the_lines_of_an_event_once_while_it_is_in_view(monkeypatch):
    """Every step asks how many lines each event in the console's panes draws; they are made
    once, not at every step (nor once more for each line drawn)."""
    import game.ui.widgets.story_view as story_view

    asked: list[int] = []
    seen = story_view.seen_lines
    monkeypatch.setattr(story_view, "seen_lines", lambda event: asked.append(id(event)) or seen(event))
    path = write_long("long", 400, "operator")
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        app.load_catalogue()
        screen = await open_at_end(app, pilot, path)
        asked.clear()
        for key in ("left", "left", "left", "right", "right", "left"):
            await pilot.press(key)
            await settle(pilot, screen)
        assert len(asked) == len(set(asked)) <= 3, len(asked)
