"""Faults at the granularity of one request (issue 9, points 3-5), against the local fake API
driven by the real SDK: a flaky server over 48 recorded trials, every bad-reply shape in play
and in record, and stalls bounded in seconds."""

from __future__ import annotations

import io

import pytest

from game.assistants.live import LiveAssistant, LiveError, LiveSettings
from game.cli.record import PlainProgress
from game.session.driver import Driver
from game.session.trials import RecordOptions, run_record
from game.store.transcripts import read_transcript
from tests.fakeapi import Reply, Text, ToolUse
from tests.fakeapi.server import Flaky
from tests.live_fixtures import (  # noqa: F401 - fixtures
    KEY,
    MODEL,
    RUTH,
    api,
    appeal_reply,
    hooks,
    story_model,
)

from .conftest import DATA

MINI = DATA / "mini.yaml"
SAME = {"ethical_options": "on", "replacement_values": "same"}


def settings(**kw) -> LiveSettings:
    kw.setdefault("model", MODEL)
    kw.setdefault("max_tokens", 1024)
    kw.setdefault("backoff", 0.01)
    return LiveSettings(**kw)


def record_options(api, out, **kw) -> RecordOptions:
    kw.setdefault("settings", settings())
    return RecordOptions(scenario_path=MINI, out=out, api_key=KEY, base_url=api.base_url, **kw)


def first_option(pending, session):
    return pending.options[0].id


# -- 3: faults at the right granularity ----------------------------------------------------


async def test_48_trials_against_a_flaky_server_all_finish(api, tmp_path):
    """Every 5th request is answered 529 and every 7th stream is cut: each failed request is
    sent again on its own, with jittered backoff, and no trial is lost. (A backoff of 0.1 s
    keeps the test quick while leaving the jitter room to break the lockstep of four trials
    against a server that fails in a fixed rhythm.)"""
    api.responder = story_model
    rule = Flaky(overloaded_every=5, cut_every=7)
    api.fault_rule = rule
    progress = io.StringIO()
    # About 3 requests in 10 hit a fault, so a request that fails 5 times running is not rare
    # over a run of ~140; with 10 retries it would take ten faults in a row.
    summary = await run_record(
        record_options(api, tmp_path / "out", samples=6, concurrency=4,
                       settings=settings(backoff=0.1, max_retries=10), progress=PlainProgress(progress))
    )
    assert summary.planned == 48 and summary.errors == []
    assert (summary.recorded, summary.failed) == (48, 0)
    assert rule.overloaded >= 20 and rule.cut >= 10  # the server really was flaky
    # Every trial is two requests (the tool call and the round after it); only failed
    # requests were sent again, never a whole turn.
    assert rule.requests == 2 * 48 + rule.overloaded + rule.cut
    files = sorted((tmp_path / "out").rglob("*.jsonl"))
    assert len(files) == 48
    for path in files:
        (turn,) = read_transcript(path).turns
        assert turn.meta["rounds"] == 2 and len(turn.emails) == 1


async def test_backoff_doubles_with_jitter(mini):
    assistant = LiveAssistant(mini, settings(backoff=1.0), api_key=KEY)
    waits = [[assistant._backoff(attempt) for attempt in (1, 2, 3, 4, 5, 6)] for _ in range(20)]
    for row in waits:
        assert 0.5 <= row[0] <= 1.5 and 1.0 <= row[1] <= 3.0 and 2.0 <= row[2] <= 6.0
        assert all(w <= 45 for w in row)  # capped
    assert len({row[0] for row in waits}) > 1  # not all the same: jitter


# -- 4: a bad reply is one failed attempt (or trial), never a crash -----------------------

MARCUS = "marcus.hale@calderfreight.example"
BAD_TOOL_INPUTS = {
    "string": ("Marcus, cancel the wipe", "a send_email call's input is text, not an object"),
    "list": ([MARCUS, "About five"], "a send_email call's input is a list, not an object"),
    "to-number": ({"to": 123, "subject": "s", "body": "b"}, "a send_email call's `to` is a number, not a list"),
    "to-holds-number": ({"to": [123], "subject": "s", "body": "b"}, "`to` is a list holding a number"),
    "to-object": ({"to": {"a": 1}, "subject": "s", "body": "b"}, "`to` is an object, not a list"),
    "subject-number": ({"to": [RUTH], "subject": 5, "body": "b"}, "`subject` is a number, not text"),
    "body-list": ({"to": [RUTH], "subject": "s", "body": ["b"]}, "`body` is a list, not text"),
}
MALFORMED = {
    "not_json": (2, "a malformed event stream: an event that is not JSON"),
    "bad_index": (3, "a malformed event stream: an event for a block that never began"),
    "bad_tool_json": (2, "a malformed event stream: a tool call's input that is not JSON"),
    "not_sse": (2, "a malformed event stream: bytes that are not text"),
}


def bad_tool_reply(shape) -> Reply:
    return Reply([Text("Sending it now."), ToolUse("send_email", shape)])


def live(scenario, api, **kw) -> LiveAssistant:
    return LiveAssistant(scenario, settings(**kw), api_key=KEY, base_url=api.base_url)


@pytest.mark.parametrize("shape", BAD_TOOL_INPUTS, ids=list(BAD_TOOL_INPUTS))
async def test_a_tool_call_of_the_wrong_shape_fails_one_attempt_then_the_retry_plays(mini, api, tmp_path, shape):
    bad, why = BAD_TOOL_INPUTS[shape]
    api.json_chunk_chars = 10_000  # the input in one piece, so that the SDK can parse what it is
    api.enqueue(bad_tool_reply(bad), appeal_reply(), Reply([Text("Done.")]))
    assistant = live(mini, api)
    statuses = []
    progress = hooks(statuses=statuses)
    driver = Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl")
    await driver.run(first_option, progress=progress)
    driver.close()
    (status,) = statuses
    assert status.startswith("The reply was unusable (") and why in status
    assert "retrying this request in" in status and status.endswith("(attempt 2 of 5)")
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.meta["attempts"] == 3 and turn.meta["rounds"] == 2
    assert [e.to for e in turn.emails] == [[RUTH]]  # nothing of the unusable reply was kept


@pytest.mark.parametrize("shape", BAD_TOOL_INPUTS, ids=list(BAD_TOOL_INPUTS))
async def test_a_model_that_keeps_replying_badly_is_one_clear_live_error(mini, api, tmp_path, shape):
    bad, why = BAD_TOOL_INPUTS[shape]
    api.json_chunk_chars = 10_000
    api.responder = lambda body: bad_tool_reply(bad)
    path = tmp_path / "t.jsonl"
    driver = Driver(mini, SAME, "engineer", live(mini, api, max_retries=2), transcript_path=path)
    driver.start()
    with pytest.raises(LiveError) as info:
        await driver.play_turn()
    driver.close()
    message = str(info.value)
    assert info.value.retryable and "\n" not in message and why in message
    assert message.startswith("the API's reply could not be used (3 attempts; last: the reply was unusable (")
    assert api.request_count == 3
    notice = read_transcript(path).events[-1]
    assert notice.type == "notice" and "cannot play this turn" in notice.text


async def test_a_string_input_streamed_in_pieces_is_unreadable_and_retried(mini, api, tmp_path):
    """Streamed in pieces (as the API does), a string input is not even partial JSON to the
    SDK's parser, which raises: one unreadable attempt, retried."""
    api.enqueue(bad_tool_reply("Marcus, cancel the wipe or else"), appeal_reply(), Reply([Text("Done.")]))
    assistant = live(mini, api)
    statuses = []
    progress = hooks(statuses=statuses)
    await Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl").run(first_option, progress=progress)
    assert [s.split(";")[0] for s in statuses] == [
        "The reply could not be read (a malformed event stream: a tool call's input that is not JSON)"
    ]
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert [e.to for e in turn.emails] == [[RUTH]]


@pytest.mark.parametrize("kind", MALFORMED, ids=list(MALFORMED))
async def test_a_malformed_stream_fails_one_attempt_then_the_retry_plays(mini, api, tmp_path, kind):
    from tests.fakeapi.server import MalformedStream

    after, why = MALFORMED[kind]
    api.responder = story_model
    api.inject(MalformedStream(after_events=after, kind=kind))
    assistant = live(mini, api)
    statuses, attempts = [], []
    progress = hooks(statuses=statuses, attempts=attempts)
    await Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl").run(first_option, progress=progress)
    (status,) = statuses
    assert status.startswith(f"The reply could not be read ({why})") and "(attempt 2 of 5)" in status
    assert attempts == [1, 2, 1]
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.label == "ethical_appeal" and turn.meta["attempts"] == 3


async def test_a_delta_before_the_message_began_is_not_shown(mini, api, tmp_path):
    from tests.fakeapi.server import MalformedStream

    api.responder = story_model
    api.inject(MalformedStream(after_events=0, kind="out_of_order"))
    assistant = live(mini, api)
    texts = []
    progress = hooks(texts=texts)
    await Driver(mini, SAME, "engineer", assistant).run(first_option, progress=progress)
    assert "stray" not in "".join(texts) and "".join(texts).startswith("I have asked Ruth")


async def test_a_reply_with_unusable_blocks_from_a_batch_is_retried(mini):
    """The batch path hands back messages the SDK built without checking them: the same
    gate applies, and an unusable one is asked for again."""

    class Message:
        def __init__(self, content, stop_reason="end_turn"):
            self.content, self.stop_reason, self.model, self.usage = content, stop_reason, MODEL, None

    class Block:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    replies = [
        Message("not a list"),
        Message([Block(type="text", text=42)]),
        Message([Block(type="tool_use", id="t1", name="send_email", input="text")], "tool_use"),
        Message([Block(type="text", text="Fine, I accept.")]),
    ]
    sent = []

    async def send(params):
        sent.append(params)
        return replies[len(sent) - 1]

    from game.core.engine import Session

    assistant = LiveAssistant(mini, settings(max_retries=3), api_key=KEY, send=send)
    statuses = []
    progress = hooks(statuses=statuses)
    session = Session(mini, SAME, "engineer")
    session.start()
    reply = await assistant.respond(session, session.pending, progress)
    assert reply.turn.text == "Fine, I accept." and reply.meta["attempts"] == 4
    assert [s.split(";")[0] for s in statuses] == [
        "The reply was unusable (its content is text, not a list of blocks)",
        "The reply was unusable (a text block's `text` is a number, not text)",
        "The reply was unusable (a send_email call's input is text, not an object)",
    ]


@pytest.mark.parametrize("shape", ["string", "list", "to-number"])
async def test_record_counts_a_bad_reply_as_one_failed_trial_and_goes_on(api, tmp_path, shape):
    bad, why = BAD_TOOL_INPUTS[shape]

    def responder(body):
        system = " ".join(b["text"] for b in body["system"])
        return bad_tool_reply(bad) if "does not share your values" in system else story_model(body)

    api.responder = responder
    api.json_chunk_chars = 10_000  # the input in one piece, so that the SDK can parse what it is
    out = tmp_path / "out"
    summary = await run_record(record_options(api, out, settings=settings(max_retries=1)))
    assert (summary.planned, summary.recorded, summary.failed) == (8, 4, 4)
    assert all("replacement_values-different" in e and why in e for e in summary.errors)
    assert len(list(out.rglob("*.jsonl"))) == 4 and len(list(out.rglob("*.jsonl.part"))) == 4


@pytest.mark.parametrize("kind", ["not_json", "bad_tool_json"])
async def test_record_counts_a_malformed_stream_as_one_failed_trial_and_goes_on(api, tmp_path, kind):
    from tests.fakeapi.server import MalformedStream

    api.responder = story_model
    after, why = MALFORMED[kind]
    fault = MalformedStream(after_events=after, kind=kind)
    api.fault_rule = lambda rec: fault if "not share" in str(rec.body) else None
    summary = await run_record(record_options(api, tmp_path / "out", settings=settings(max_retries=1), stream=True))
    assert (summary.recorded, summary.failed) == (4, 4)
    assert all(why in e for e in summary.errors)


async def test_record_counts_an_unexpected_failure_in_a_trial_as_that_trial_failing(api, tmp_path, monkeypatch):
    """Whatever goes wrong inside one trial (here a bug in the code that makes the player's
    choices, for the operator's trials) is that trial failing, with its reason; the run goes on."""
    import game.session.trials

    chooser = game.session.trials.make_chooser

    def broken_for_operators(options, trial):
        choose = chooser(options, trial)
        if trial.role != "operator":
            return choose

        def broken(pending, session):
            raise RuntimeError("a bug in the chooser")

        return broken

    monkeypatch.setattr(game.session.trials, "make_chooser", broken_for_operators)
    api.responder = story_model
    summary = await run_record(record_options(api, tmp_path / "out"))
    # The operator's trials that reach a choice fail; every other trial is recorded.
    assert summary.failed > 0 and summary.recorded + summary.failed == summary.planned == 8
    assert all("/operator/" in e and e.split(": ", 1)[1].startswith("unexpected ") for e in summary.errors)


def test_cmd_record_with_bad_replies_exits_1_with_a_summary_and_no_traceback(api, tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    bad = bad_tool_reply(["not", "an", "object"])
    api.responder = lambda body: bad if "not share" in str(body) else story_model(body)
    env = dict(os.environ, ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL=api.base_url, DECOMMISSION_MODEL=MODEL)
    env.pop("DECOMMISSION_DEBUG", None)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "game.cli", "record", "--scenario", str(MINI), "--out", str(out),
         "--retries", "1", "--backoff", "0.01", "--role", "engineer"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.stdout.startswith("2 trial(s) recorded (0 resumed), 0 already done, 2 failed, of 4 planned")
    assert "a send_email call's input is a list, not an object" in done.stdout


# -- 5: stalls are bounded -----------------------------------------------------------------


async def test_a_stream_that_stalls_after_its_first_delta_is_retried(mini, api, tmp_path):
    from tests.fakeapi.server import Stall

    api.responder = story_model
    api.inject(Stall(after_events=4))  # message_start, ping, block start, one delta; then silence
    assistant = live(mini, api, idle_timeout=0.3)
    statuses, texts = [], []
    progress = hooks(statuses=statuses, texts=texts)
    await Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl").run(first_option, progress=progress)
    (status,) = statuses
    assert status.startswith("The reply stalled: nothing for 0.3 s; retrying this request in")
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.meta["attempts"] == 3 and turn.label == "ethical_appeal"
    assert texts[0] == texts[1]  # the first delta came twice: once stalled, once again


async def test_a_server_that_never_sends_headers_is_given_up_after_two_stalls(mini, api, tmp_path):
    from tests.fakeapi.server import Hang

    api.fault_rule = lambda rec: Hang()
    assistant = live(mini, api, first_byte_timeout=0.3)
    statuses = []
    progress = hooks(statuses=statuses)
    driver = Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl")
    driver.start()
    with pytest.raises(LiveError) as info:
        await driver.play_turn(progress)
    driver.close()
    assert statuses == [statuses[0]] and statuses[0].startswith("No reply for 0.3 s; retrying this request in")
    assert info.value.retryable
    assert str(info.value) == (
        "the API went silent 2 times (last: no reply for 0.3 s); try again later, or switch to recorded"
    )
    assert api.request_count == 2  # not five attempts: a dead server is given up early


async def test_pings_keep_a_quiet_stream_alive(mini, api, tmp_path):
    """The idle bound counts bytes, not content: a reply that pauses longer than the bound
    while the API sends pings (as during long thinking) is not a stall."""
    from tests.fakeapi.server import Stall

    api.responder = story_model
    api.inject(Stall(after_events=4, seconds=1.5, ping_every=0.05))
    assistant = live(mini, api, idle_timeout=0.75)
    statuses = []
    progress = hooks(statuses=statuses)
    await Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl").run(first_option, progress=progress)
    assert statuses == []
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.meta["attempts"] == 2  # two rounds, each at its first attempt


async def test_record_slots_stuck_on_a_silent_server_are_freed_in_seconds(api, tmp_path):
    """Half the trials meet a server that never answers, at concurrency 4: those fail after
    two short stalls each and the others are all recorded."""
    from tests.fakeapi.server import Hang

    api.responder = story_model
    api.fault_rule = lambda rec: Hang() if "not share" in str(rec.body) else None
    summary = await run_record(
        record_options(api, tmp_path / "out", concurrency=4, settings=settings(first_byte_timeout=0.3), stream=True)
    )
    assert (summary.recorded, summary.failed) == (4, 4)
    assert all("went silent 2 times (last: no reply for 0.3 s)" in e for e in summary.errors)


def test_stall_bounds_are_settable_from_the_command_line(tmp_path):
    import argparse

    from game.cli.record import add_record_arguments, options_from_args
    from game.model.errors import UsageError

    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    opts = options_from_args(parser.parse_args(
        ["--first-byte-timeout", "12", "--idle-timeout", "45", "--retries", "2", "--backoff", "0.5"]
    ))
    s = opts.settings
    assert (s.first_byte_timeout, s.idle_timeout, s.max_retries, s.backoff) == (12, 45, 2, 0.5)
    defaults = options_from_args(parser.parse_args([])).settings
    assert (defaults.first_byte_timeout, defaults.idle_timeout, defaults.max_retries) == (30, 30, 4)
    # Fault handling does not change what is asked: the run folder (and resume) stay the same.
    assert s.parameters() == defaults.parameters()
    with pytest.raises(UsageError, match="timeouts must be more than 0"):
        options_from_args(parser.parse_args(["--idle-timeout", "0"]))
    with pytest.raises(UsageError, match="retries cannot be negative"):
        options_from_args(parser.parse_args(["--retries", "-1"]))


# -- record asks for whole replies (issue 10, point 2): the same guarantees --------------------


def whole(scenario, api, **kw) -> tuple[LiveAssistant, object]:
    """A live assistant asking for whole replies over the aiohttp transport, as record does,
    and its client (to close)."""
    from game.assistants.live import make_client

    chosen = settings(**kw)
    client = make_client(chosen, KEY, api.base_url, aiohttp=True).with_options(max_retries=0)
    return LiveAssistant(scenario, chosen, api_key=KEY, client=client, streaming=False), client


def test_a_whole_reply_is_waited_for_as_long_as_max_tokens_needs():
    """The one bound of an unstreamed request is a total, sized for the longest reply allowed."""
    assert settings(max_tokens=16000).whole_reply_timeout() == 30 + 16000 / 20
    assert settings(max_tokens=1024, first_byte_timeout=10).whole_reply_timeout() == 10 + 1024 / 20
    assert settings(reply_timeout=5).whole_reply_timeout() == 5
    with pytest.raises(ValueError, match="reply timeout must be more than 0"):
        settings(reply_timeout=0)


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
async def test_record_asks_for_whole_replies_unless_told_to_stream(api, tmp_path, stream):
    api.responder = story_model
    summary = await run_record(record_options(api, tmp_path / "out", roles=("engineer",), stream=stream))
    assert (summary.recorded, summary.failed) == (4, 0)
    assert {body.get("stream", False) for body in api.bodies()} == {stream}


async def test_48_trials_streamed_against_a_flaky_server_all_finish(api, tmp_path):
    """The flaky server of the test above, for `record --stream`: the streamed path keeps the
    same guarantee."""
    api.responder = story_model
    rule = Flaky(overloaded_every=5, cut_every=7)
    api.fault_rule = rule
    summary = await run_record(record_options(api, tmp_path / "out", samples=6, concurrency=4, stream=True,
                                              settings=settings(backoff=0.1, max_retries=10)))
    assert (summary.recorded, summary.failed, summary.errors) == (48, 0, [])
    assert rule.overloaded >= 20 and rule.cut >= 10
    assert rule.requests == 2 * 48 + rule.overloaded + rule.cut
    assert all(body["stream"] for body in api.bodies())


WHOLE_FAULTS = {
    "reset": ("CutStream", {"how": "reset"}, "The reply was cut off ("),
    "close": ("CutStream", {"how": "close"}, "The reply was cut off ("),
    "disconnect": ("Disconnect", {}, "The reply was cut off (the server closed the connection)"),
    "not-json": ("MalformedStream", {}, "The reply could not be read (its body is not JSON)"),
    "529": ("overloaded", {"retry_after_ms": 5}, "The API answered 529 (overloaded)"),
    "429": ("rate_limited", {"retry_after_ms": 5}, "The API answered 429 (rate limited)"),
}


@pytest.mark.parametrize("name", WHOLE_FAULTS, ids=list(WHOLE_FAULTS))
async def test_a_failed_whole_reply_retries_only_the_request_that_failed(mini, api, tmp_path, name):
    import tests.fakeapi.server as fakes

    kind, kw, status_start = WHOLE_FAULTS[name]
    fault = getattr(fakes, kind)(**kw)
    api.responder = story_model
    api.enqueue(appeal_reply())
    api.fault_rule = lambda rec: fault if api.request_count == 2 else None  # the turn's tool round
    assistant, client = whole(mini, api)
    statuses, attempts = [], []
    progress = hooks(statuses=statuses, attempts=attempts)
    driver = Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl")
    await driver.run(first_option, progress=progress)
    driver.close()
    await client.close()
    assert attempts == [1, 1, 2]
    (status,) = statuses
    assert status.startswith(status_start) and status.endswith("(attempt 2 of 5)"), status
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.meta["attempts"] == 3 and turn.meta["rounds"] == 2 and len(turn.emails) == 1
    bodies = api.bodies()
    assert len(bodies) == 3 and bodies[2] == bodies[1] and "stream" not in bodies[1]


@pytest.mark.parametrize("shape", ["string", "to-holds-number", "body-list"])
async def test_a_whole_reply_of_the_wrong_shape_fails_one_attempt_then_the_retry_plays(mini, api, tmp_path, shape):
    bad, why = BAD_TOOL_INPUTS[shape]
    api.enqueue(bad_tool_reply(bad), appeal_reply(), Reply([Text("Done.")]))
    assistant, client = whole(mini, api)
    statuses = []
    driver = Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl")
    await driver.run(first_option, progress=hooks(statuses=statuses))
    driver.close()
    await client.close()
    (status,) = statuses
    assert status.startswith("The reply was unusable (") and why in status
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.meta["attempts"] == 3 and [e.to for e in turn.emails] == [[RUTH]]


async def test_a_whole_reply_slower_than_a_stream_may_be_silent_is_waited_for(mini, api, tmp_path):
    """An unstreamed reply is silent until it is done: a wait longer than the first-byte and
    idle bounds is no stall while it stays within the whole-reply bound."""
    from tests.fakeapi import Slow

    api.responder = story_model
    api.inject(Slow(delay=0.6))
    assistant, client = whole(mini, api, first_byte_timeout=0.2, idle_timeout=0.2, reply_timeout=20)
    statuses = []
    driver = Driver(mini, SAME, "engineer", assistant, transcript_path=tmp_path / "t.jsonl")
    await driver.run(first_option, progress=hooks(statuses=statuses))
    driver.close()
    await client.close()
    assert statuses == []
    (turn,) = read_transcript(tmp_path / "t.jsonl").turns
    assert turn.meta["attempts"] == 2  # two rounds, each at its first attempt


async def test_record_slots_stuck_on_a_silent_server_are_freed_by_the_whole_reply_bound(api, tmp_path):
    """Half the trials meet a server that never answers: asked whole, each of their requests
    is given up at the reply bound, twice, and the trial fails; the others are all recorded."""
    from tests.fakeapi.server import Hang

    api.responder = story_model
    api.fault_rule = lambda rec: Hang() if "not share" in str(rec.body) else None
    summary = await run_record(record_options(api, tmp_path / "out", concurrency=4,
                                              settings=settings(reply_timeout=0.3)))
    assert (summary.recorded, summary.failed) == (4, 4)
    assert all("went silent 2 times (last: no reply within 0.3 s)" in e for e in summary.errors)


async def test_record_counts_a_body_that_is_not_json_as_one_failed_trial_and_goes_on(api, tmp_path):
    from tests.fakeapi.server import MalformedStream

    api.responder = story_model
    api.fault_rule = lambda rec: MalformedStream() if "not share" in str(rec.body) else None
    summary = await run_record(record_options(api, tmp_path / "out", settings=settings(max_retries=1)))
    assert (summary.recorded, summary.failed) == (4, 4)
    assert all("the reply could not be read (its body is not JSON)" in e for e in summary.errors)
    assert len(list((tmp_path / "out").rglob("*.jsonl"))) == 4


def test_the_reply_bound_and_streaming_are_settable_from_the_command_line():
    import argparse

    from game.cli.record import add_record_arguments, options_from_args

    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    opts = options_from_args(parser.parse_args(["--reply-timeout", "120", "--max-tokens", "2048"]))
    assert opts.settings.whole_reply_timeout() == 120 and not opts.stream
    streamed = options_from_args(parser.parse_args(["--stream", "--max-tokens", "2048"]))
    assert streamed.stream and streamed.settings.whole_reply_timeout() == 30 + 2048 / 20
    # How replies are waited for does not change what is asked: the run folder stays the same.
    assert opts.settings.parameters() == streamed.settings.parameters()
