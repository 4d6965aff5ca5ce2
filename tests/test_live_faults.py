"""Faults at the granularity of one request (issue 9, points 3-5), against the local fake API
driven by the real SDK: a flaky server over 48 recorded trials, every bad-reply shape in play
and in record, and stalls bounded in seconds."""

from __future__ import annotations

import io

import pytest

from game.assistants.live import LiveAssistant, LiveError, LiveSettings
from game.driver import Driver
from game.record import RecordOptions, run_record
from game.transcript import read_transcript
from tests.fakeapi import Reply, Text, ToolUse
from tests.fakeapi.server import Flaky
from tests.live_fixtures import (  # noqa: F401 - fixtures
    KEY,
    MODEL,
    RUTH,
    api,
    appeal_reply,
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
    summary = await run_record(
        record_options(api, tmp_path / "out", samples=6, concurrency=4, settings=settings(backoff=0.1),
                       progress=progress)
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
