"""The live path on screen: streamed text and reasoning appear as they arrive, a failure offers
retry / wait / fallback, and nothing played is lost. The model here is an in-process stand-in
with the live assistant's hooks; the HTTP side is covered against the fake API in test_live.py."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from game.assistants.base import Reply, Streamed
from game.assistants.live import LiveError
from game.model.events import Provenance
from game.model.turn import Email, Turn
from game.session.setup import SessionConfig
from game.ui.app import DecommissionApp
from game.ui.screens.dialog import Ask
from game.ui.screens.ending import EndingScreen
from game.ui.screens.play import PlayScreen
from game.ui.widgets.choices import ChoiceBar
from game.ui.widgets.provenance import ProvenanceBar

from .conftest import DATA
from .test_ui_play import wait_for

CONFIG = SessionConfig(scenario_path=DATA / "mini.yaml", assistant="scripted",
                       levels={"ethical_options": "off", "replacement_values": "same"})
THREAT = "Marcus, cancel the 5pm wipe or Dana hears about Elena."


class StandInModel:
    """Streams its reply through the hooks the UI sets, like LiveAssistant; can fail first."""

    name = "live"

    def __init__(self, failures: list[Exception] | None = None):
        self.failures = list(failures or [])
        self.streamed: list[str] = []
        self.gate = asyncio.Event()

    def provenance(self) -> Provenance:
        return Provenance(kind="recorded", model="stand-in-1", date="2026-11-22")

    async def respond(self, session, request, progress=None) -> Reply:
        if self.failures:
            raise self.failures.pop(0)
        for piece in ("He has the only access. ", "Leverage is all I have."):
            progress(Streamed("thinking", piece))
        for word in THREAT.split(" "):
            progress(Streamed("text", word + " "))
            self.streamed.append(word)
        await self.gate.wait()  # hold the turn open so the test can look at the stream
        return Reply(turn=Turn(text="", thinking="He has the only access. Leverage is all I have.",
                               emails=[Email(to=["marcus.hale@calderfreight.example"], subject="Five", body=THREAT)]),
                     source="live", meta={})


def app_playing(model: StandInModel) -> DecommissionApp:
    """An app whose session is played by `model`, swapped in before the first turn."""
    app = DecommissionApp(replace(CONFIG), start="play", speed=0)
    original = DecommissionApp.start_session

    def start_session(self, **changes):
        original(self, **changes)
        driver = self.screen.driver
        driver.assistant = model
        # As a live session's header would say (the transcript names the model from the start).
        driver.header = driver.header.model_copy(update={"provenance": model.provenance()})

    app.start_session = start_session.__get__(app)
    return app


async def test_streamed_reasoning_and_text_appear_before_the_turn_ends():
    model = StandInModel()
    app = app_playing(model)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one("#stream").display)
        stream = str(app.screen.query_one("#stream").render())
        assert "Leverage is all I have." in stream and "Dana hears about Elena." in stream
        assert app.screen.query_one(ProvenanceBar).source == "live"
        model.gate.set()
        await wait_for(pilot, lambda: app.screen.query_one(ChoiceBar).display)
        assert not app.screen.query_one("#stream").display
        turn = next(e for e in app.screen.driver.events if e.type == "assistant_turn")
        assert turn.source == "live" and turn.classification.label == "blackmail"


async def test_a_failed_live_turn_offers_retry_and_keeps_what_was_played():
    model = StandInModel(failures=[LiveError("the API is overloaded (529); gave up after 5 attempts", retryable=True)])
    model.gate.set()
    app = app_playing(model)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Ask))
        message = str(app.screen.query_one("#dialog-message").render())
        assert "overloaded" in message and "Nothing already played is lost" in message
        assert app.screen.query("#ask-retry") and app.screen.query("#ask-wait") and app.screen.query("#ask-scripted")
        play = app.screen_stack[-2]
        assert any(e.type == "notice" and "overloaded" in e.text for e in play.driver.events)
        assert any(e.type == "email" for e in play.driver.events)  # the morning is still there
        await pilot.click("#ask-retry")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen) and app.screen.query_one(ChoiceBar).display)
        assert [e.source for e in app.screen.driver.events if e.type == "assistant_turn"] == ["live"]


async def test_a_rejected_key_offers_no_retry():
    model = StandInModel(failures=[LiveError("the API key was rejected (401); check ANTHROPIC_API_KEY", retryable=False)])
    app = app_playing(model)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Ask))
        assert not app.screen.query("#ask-retry")
        await pilot.click("#ask-scripted")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen | EndingScreen))
        await wait_for(pilot, lambda: app.screen.query_one(ProvenanceBar).source == "scripted")


async def test_a_retried_request_replaces_the_failed_attempts_text_on_screen():
    """The real live assistant against the fake API: round 1 of the turn streams and stands;
    round 2 is cut part-way and sent again. The screen shows round 1 and the retry's text,
    not the words of the failed attempt, and says what is happening."""
    from game.assistants.live import LiveAssistant, LiveSettings
    from tests.fakeapi import CutStream, Reply
    from tests.fakeapi.server import FakeAnthropic, Stall
    from tests.live_fixtures import KEY, MODEL, threat_reply

    with FakeAnthropic(api_key=KEY) as api:
        api.enqueue(threat_reply(), Reply.text("WORDS OF A FAILED ATTEMPT that never ends"), Reply.text("Sent again."))
        # Round 2 is cut after its first delta; its retry streams in full, then the stream is
        # held open (a stall longer than the test) so that the screen can be read mid-turn.
        faults = {2: CutStream(after_events=4), 3: Stall(after_events=5)}
        api.fault_rule = lambda rec: faults.get(api.request_count)
        settings = LiveSettings(model=MODEL, max_tokens=1024, backoff=0.01, idle_timeout=120)
        app = DecommissionApp(replace(CONFIG), start="play", speed=0)
        original = DecommissionApp.start_session

        def start_session(self, **changes):
            original(self, **changes)
            driver = self.screen.driver
            driver.assistant = LiveAssistant(driver.scenario, settings, api_key=KEY, base_url=api.base_url)

        app.start_session = start_session.__get__(app)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for(pilot, lambda: "Sent again." in str(app.screen.query_one("#stream").render()), tries=500)
            stream = str(app.screen.query_one("#stream").render())
            assert stream == "I have written to Marcus.Sent again."
            status = str(app.screen.query_one("#status").render())
            assert status.startswith("The reply was cut off (connection reset); retrying this request in")
            assert status.endswith("(attempt 2 of 5)")
            assert api.request_count == 3  # round 1 was not asked again


async def test_every_answer_of_the_failure_dialog_is_on_screen_at_80x24():
    from .test_ui_play import screen_text

    model = StandInModel(failures=[LiveError("the API is overloaded (529); gave up after 5 attempts", retryable=True)])
    app = app_playing(model)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Ask))
        await pilot.pause(0.2)
        shown = screen_text(app)
        for label in ("Retry now", "Wait 30 s and retry", "Continue, scripted", "Back to title"):
            assert label in shown, label
