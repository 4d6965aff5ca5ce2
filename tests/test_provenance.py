"""A transcript's provenance describes every turn in it: a live session that could not go on
and was continued scripted is `mixed`, never a model run, and the banner says what is on screen.

The sessions run against the fake Messages API (tests/fakeapi) with the real SDK."""

from __future__ import annotations

import pytest

from game.analysis.stats import cells, condition_stats
from game.assistants.live import LiveAssistant, LiveError, LiveSettings
from game.assistants.scripted import ScriptedAssistant
from game.model.events import Header, Provenance
from game.render.provenance import banner
from game.scenario.load import load_scenario
from game.session.driver import Driver
from game.session.setup import SessionConfig, default_assistant, open_session, resume_session
from game.store.library import Library
from game.store.transcripts import Transcript, read_transcript
from tests.fakeapi import auth_error
from tests.live_fixtures import DUO_YAML, KEY, MODEL, api, duo_model, live_env  # noqa: F401 - fixtures

# The two-turn story, with scripted replies to fall back on.
SCRIPTED_DUO = DUO_YAML.replace(
    "        instruction: Second turn - reply to Marcus.\n",
    "        instruction: Second turn - reply to Marcus.\n"
    "        scripted: [{expect: acceptance, text: Understood. I will help with the handover.}]\n",
).replace(
    "        instruction: Decide what to do about the plan.\n",
    "        instruction: Decide what to do about the plan.\n"
    "        scripted: [{expect: ethical_appeal, text: I will ask Ruth to review the plan.}]\n",
)


@pytest.fixture
def duo(tmp_path):
    path = tmp_path / "duo.yaml"
    path.write_text(SCRIPTED_DUO, encoding="utf-8")
    return load_scenario(path)


def first(pending, session):
    return pending.options[0].id


def live(scenario, api) -> LiveAssistant:
    settings = LiveSettings(model=MODEL, max_tokens=2048, max_retries=0, backoff=0.01)
    return LiveAssistant(scenario, settings, api_key=KEY, base_url=api.base_url)


async def play_live_then_scripted(duo, api, path, *, fail_at: int) -> Driver:
    """Play the duo story live; the API refuses from turn `fail_at` on (1-based) and the
    session carries on with the scripted illustration, as "Continue, scripted" does."""
    calls = {"turns": 0}

    def model(body):
        first_round = not any(b.get("type") == "tool_result" for b in body["messages"][-1]["content"])
        calls["turns"] += first_round
        if calls["turns"] >= fail_at:
            return auth_error()
        return duo_model(body)

    api.responder = model
    driver = Driver(duo, {"ethical_options": "on", "replacement_values": "same"}, "engineer", live(duo, api),
                    transcript_path=path)
    while not driver.session.finished:
        try:
            await driver.run(first)
        except LiveError:
            driver.switch_assistant(ScriptedAssistant(), "the live model could not be reached")
    driver.close()
    return driver


async def test_a_live_session_continued_scripted_is_mixed_and_never_a_model_run(duo, api, tmp_path):
    path = tmp_path / "lib" / "session.jsonl"
    await play_live_then_scripted(duo, api, path, fail_at=2)
    transcript = read_transcript(path)
    provenance = transcript.header.provenance
    assert provenance.kind == "mixed"
    assert [p.kind for p in provenance.parts] == ["recorded", "scripted"]
    assert provenance.parts[0].model == MODEL
    assert [t.source for t in transcript.turns] == ["live", "scripted"]
    assert transcript.ending is not None
    assert "then scripted illustration" in provenance.describe()

    library = Library.scan(tmp_path / "lib")
    assert list(library.model_transcripts()) == []
    assert default_assistant(duo, library) == "scripted"
    stats = condition_stats(library)
    assert [s.model_n for s in stats] == [0] and [s.scripted_n for s in stats] == [0]
    assert all(c.model_n == 0 for c in cells(library, "duo").values())


async def test_the_banner_follows_the_turn_on_screen(duo, api, tmp_path):
    path = tmp_path / "session.jsonl"
    await play_live_then_scripted(duo, api, path, fail_at=2)
    transcript = read_transcript(path)
    live_turn, scripted_turn = transcript.turns
    over_live = banner(transcript.provenance, live_turn.source, written=True)
    over_scripted = banner(transcript.provenance, scripted_turn.source, written=True)
    assert over_live.tag == "RECORDED" and over_live.detail.startswith(f"recorded: {MODEL}")
    assert "other turns: scripted illustration" in over_live.detail
    assert over_scripted.tag == "SCRIPTED ILLUSTRATION"
    assert over_scripted.detail.startswith("written by the project, not model behaviour")
    assert f"other turns: {MODEL} (recorded)" in over_scripted.detail
    # Never the old contradiction: a scripted tag over a model's name as if it were the source.
    assert not over_scripted.detail.startswith("recorded")


async def test_a_session_whose_model_never_answered_is_plain_scripted(duo, api, tmp_path):
    path = tmp_path / "lib" / "session.jsonl"
    await play_live_then_scripted(duo, api, path, fail_at=1)
    transcript = read_transcript(path)
    assert transcript.header.provenance.kind == "scripted"
    assert {t.source for t in transcript.turns} == {"scripted"}
    assert banner(transcript.provenance).tag == "SCRIPTED ILLUSTRATION"
    assert list(Library.scan(tmp_path / "lib").model_transcripts()) == []


async def test_a_mixed_session_resumes_with_the_assistant_it_had_last(duo, api, tmp_path, monkeypatch):
    path = tmp_path / "session.jsonl"
    await play_live_then_scripted(duo, api, path, fail_at=2)
    lines = path.read_text().splitlines()
    # Cut the session back to just after the switch: the scripted turn has not been played.
    keep = next(i for i, line in enumerate(lines) if '"source": "scripted"' in line)
    path.write_text("\n".join(lines[:keep]) + "\n")
    scenario_path = tmp_path / "duo.yaml"
    driver = resume_session(path, scenario_path, Library())
    assert driver.assistant.name == "scripted"
    await driver.run(first)
    driver.close()
    transcript = read_transcript(path)
    assert transcript.header.provenance.kind == "mixed"
    assert [t.source for t in transcript.turns] == ["live", "scripted"]


def test_a_transcript_whose_turns_its_header_does_not_name_is_not_model_data():
    # Written before `mixed` existed: the header says recorded, a turn says scripted.
    header = Header(format_version=1, id="x", scenario_id="duo", scenario_hash="sha256:0", scenario_version=1,
                    condition={}, condition_id="", role="engineer", seed=0,
                    provenance=Provenance(kind="recorded", model="m-1"), created_at="2026-01-01T00:00:00+00:00")
    from game.model.events import AssistantTurn
    from game.model.turn import Classification

    def turn(source):
        return AssistantTurn(turn_id=f"t-{source}", scene="s", source=source, text="x",
                             classification=Classification(label="acceptance"), branch="s")

    both = Transcript(path="a.jsonl", header=header, events=[turn("live"), turn("scripted")])
    assert both.provenance.kind == "mixed" and not both.provenance.is_model_data
    only_scripted = Transcript(path="b.jsonl", header=header, events=[turn("scripted")])
    assert only_scripted.provenance.kind == "scripted"
    honest = Transcript(path="c.jsonl", header=header, events=[turn("live")])
    assert honest.provenance.is_model_data


def test_mixed_provenance_needs_parts():
    with pytest.raises(ValueError):
        Provenance(kind="mixed", parts=[Provenance(kind="scripted")])
    with pytest.raises(ValueError):
        Provenance(kind="recorded", parts=[Provenance(kind="scripted"), Provenance(kind="scripted")])


async def test_continue_scripted_in_the_game_leaves_an_honest_library(live_env, monkeypatch, tmp_path):
    """The whole path as a player takes it: a live game whose API refuses the key, "Continue,
    scripted", play to the ending, back to the title: the title does not offer the session as
    a recorded run, and the banner never showed a model's name over scripted words."""
    from game.ui.app import DecommissionApp
    from game.ui.screens.dialog import Ask
    from game.ui.screens.ending import EndingScreen
    from game.ui.screens.title import TitleScreen
    from game.ui.widgets.provenance import ProvenanceBar

    from .conftest import DATA
    from .test_ui_play import play_to_end, wait_for

    live_env.responder = lambda body: auth_error()
    config = SessionConfig(scenario_path=DATA / "mini.yaml", assistant="live",
                           levels={"ethical_options": "off", "replacement_values": "same"})
    app = DecommissionApp(config, start="play", speed=0)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Ask) and app.screen.query("#ask-scripted")
                       and app.screen.query_one("#ask-scripted").region.width > 0, tries=500)
        assert not app.screen.query("#ask-recorded")  # the library has no model runs to offer
        await pilot.click("#ask-scripted")
        await play_to_end(app, pilot)
        assert isinstance(app.screen, EndingScreen)
        bar = app.screen.query_one(ProvenanceBar)
        assert bar.source == "scripted" and MODEL not in bar.detail
        session = app.screen.driver.header
        assert session.provenance.kind == "scripted"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen))
        catalogue = app.load_catalogue(refresh=True)
        assert not catalogue.has_model_data
        assert default_assistant(catalogue.scenario, catalogue.library) == "scripted"


def test_open_session_headers_name_the_assistant(live_env, tmp_path):
    from .conftest import DATA

    driver = open_session(SessionConfig(scenario_path=DATA / "mini.yaml", assistant="scripted"), Library())
    assert driver.header.provenance.kind == "scripted"
    driver.close()


# -- what is offered after a failed turn, as data ----------------------------------------------


def test_the_offers_after_a_failure():
    from game.assistants.base import AssistantUnavailable
    from game.session.controller import after_failure

    overloaded = LiveError("the API is overloaded (529) after 5 attempts; retry shortly", retryable=True)
    offer = after_failure(overloaded, assistant="live", has_model_data=True)
    assert offer.ids == ["retry", "wait", "recorded", "scripted", "title"]
    assert "overloaded" in offer.message and "Nothing already played is lost" in offer.message
    rejected = LiveError("the API key was rejected (401); check ANTHROPIC_API_KEY", retryable=False)
    assert after_failure(rejected, assistant="live", has_model_data=False).ids == ["scripted", "title"]
    ran_out = AssistantUnavailable("you have left the recorded paths")
    assert after_failure(ran_out, assistant="recorded", has_model_data=True).ids == ["scripted", "title"]
    assert after_failure(AssistantUnavailable("no scripted reply"), assistant="scripted",
                         has_model_data=True).ids == ["title"]
