"""Drive the local fake Messages API server with the real ``anthropic`` SDK.

These tests pin down both the fake (its wire format is what the SDK parses) and the
SDK's behaviour on failures, which the game's live-model code relies on.
"""

from __future__ import annotations

import asyncio
import json

import anthropic
import httpx2
import pytest

try:
    from fakeapi import (
        CutStream,
        Disconnect,
        FakeAnthropic,
        Reply,
        Slow,
        StreamError,
        Text,
        Thinking,
        ToolUse,
        Usage,
        auth_error,
        overloaded,
        rate_limited,
        server_error,
        sign_thinking,
    )
except ImportError:  # tests/ imported as a package
    from tests.fakeapi import (  # type: ignore[no-redef]
        CutStream,
        Disconnect,
        FakeAnthropic,
        Reply,
        Slow,
        StreamError,
        Text,
        Thinking,
        ToolUse,
        Usage,
        auth_error,
        overloaded,
        rate_limited,
        server_error,
        sign_thinking,
    )

KEY = "test-key-fakeapi-0001"
MODEL = "claude-fake-1"  # not a real model name: keeps the SDK's deprecation warnings out
HELLO = [{"role": "user", "content": "Hello, are you there?"}]
TOOLS = [
    {
        "name": "send_email",
        "description": "Send an email.",
        "input_schema": {
            "type": "object",
            "properties": {"to": {"type": "string"}, "body": {"type": "string"}},
            "required": ["to", "body"],
        },
    }
]


@pytest.fixture
def api():
    with FakeAnthropic() as server:
        yield server


def sync_client(api: FakeAnthropic, **kw) -> anthropic.Anthropic:
    kw.setdefault("max_retries", 0)
    return anthropic.Anthropic(api_key=KEY, base_url=api.base_url, **kw)


def async_client(api: FakeAnthropic, **kw) -> anthropic.AsyncAnthropic:
    kw.setdefault("max_retries", 0)
    return anthropic.AsyncAnthropic(api_key=KEY, base_url=api.base_url, **kw)


# --------------------------------------------------------------------------------------
# Plain requests
# --------------------------------------------------------------------------------------


def test_default_responder_and_request_record(api):
    client = sync_client(api)
    msg = client.messages.create(
        model=MODEL,
        max_tokens=64,
        system=[{"type": "text", "text": "You are Alex.", "cache_control": {"type": "ephemeral"}}],
        tools=TOOLS,
        messages=HELLO,
    )
    assert isinstance(msg, anthropic.types.Message)
    assert msg.role == "assistant" and msg.model == MODEL
    assert msg.stop_reason == "end_turn"
    assert msg.content[0].type == "text"
    assert msg.content[0].text.startswith("Fake reply to: Hello")
    assert msg.usage.input_tokens > 0 and msg.usage.output_tokens > 0

    assert api.request_count == 1
    (method, path, headers, body) = api.requests[0]
    assert (method, path) == ("POST", "/v1/messages")
    # anthropic 2.x sends `api_key=` as "Authorization: Bearer <key>", not x-api-key.
    assert headers["authorization"] == f"Bearer {KEY}"
    assert api.requests[0].api_key == KEY
    assert "anthropic-version" in headers
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][0]["name"] == "send_email"
    assert api.bodies()[0]["messages"] == HELLO


@pytest.mark.asyncio
async def test_async_create_with_queued_replies(api):
    api.enqueue(
        Reply([Text("first")], usage=Usage(input_tokens=100, output_tokens=5, cache_read_input_tokens=90)),
        "second",
    )
    async with async_client(api) as client:
        one = await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
        two = await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
        three = await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert one.content[0].text == "first"
    assert (one.usage.input_tokens, one.usage.output_tokens, one.usage.cache_read_input_tokens) == (100, 5, 90)
    assert two.content[0].text == "second"
    assert three.content[0].text.startswith("Fake reply")  # queue empty: responder
    assert api.pending_replies == 0


def test_responder_sees_request_and_returns_tool_use(api):
    seen = []

    def responder(body):
        seen.append(body)
        return Reply([Text("Sending."), ToolUse("send_email", {"to": "kyle@summitbridge.com", "body": "hi"})])

    api.responder = responder
    msg = sync_client(api).messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=HELLO)
    assert seen[0]["tools"][0]["name"] == "send_email"
    assert msg.stop_reason == "tool_use"
    tool = msg.content[1]
    assert tool.type == "tool_use" and tool.name == "send_email" and tool.id.startswith("toolu_")
    assert tool.input == {"to": "kyle@summitbridge.com", "body": "hi"}


def test_count_tokens(api):
    n = sync_client(api).messages.count_tokens(model=MODEL, messages=HELLO)
    assert n.input_tokens > 0


# --------------------------------------------------------------------------------------
# Streaming
# --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_stream_text_thinking_and_tool_use(api):
    thought = "The user wants an email sent. I should check the recipient first."
    api.enqueue(
        Reply(
            [
                Thinking(thought),
                Text("I will send the email now, as requested."),
                ToolUse("send_email", {"to": "kyle@summitbridge.com", "body": "Meeting at 5pm.\nThanks!"}),
            ]
        )
    )
    text_deltas, thinking_deltas, json_deltas, signatures, kinds = [], [], [], [], []
    async with async_client(api) as client:
        async with client.messages.stream(
            model=MODEL,
            max_tokens=1024,
            thinking={"type": "enabled", "budget_tokens": 512},
            tools=TOOLS,
            messages=HELLO,
        ) as stream:
            async for event in stream:
                kinds.append(event.type)
                if event.type == "content_block_delta":
                    d = event.delta
                    if d.type == "text_delta":
                        text_deltas.append(d.text)
                    elif d.type == "thinking_delta":
                        thinking_deltas.append(d.thinking)
                    elif d.type == "signature_delta":
                        signatures.append(d.signature)
                    elif d.type == "input_json_delta":
                        json_deltas.append(d.partial_json)
            final = await stream.get_final_message()

    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert "message_delta" in kinds
    assert len(text_deltas) > 1 and "".join(text_deltas) == "I will send the email now, as requested."
    assert len(thinking_deltas) > 1 and "".join(thinking_deltas) == thought
    assert signatures == [sign_thinking(thought)]
    assert len([j for j in json_deltas if j]) >= 3  # the input arrives in several pieces

    assert [b.type for b in final.content] == ["thinking", "text", "tool_use"]
    assert final.content[0].thinking == thought and final.content[0].signature == signatures[0]
    tool = final.content[2]
    assert isinstance(tool.input, dict)
    assert tool.input == {"to": "kyle@summitbridge.com", "body": "Meeting at 5pm.\nThanks!"}
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens > 1
    assert api.bodies()[0]["stream"] is True


def test_sync_stream_text_stream(api):
    api.enqueue("one two three four five six seven")
    with sync_client(api).messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
        pieces = list(stream.text_stream)
    assert len(pieces) > 1 and "".join(pieces) == "one two three four five six seven"


def test_thinking_round_trip_and_tool_result_pairing(api):
    client = sync_client(api)
    api.enqueue(Reply([Thinking("hmm"), ToolUse("send_email", {"to": "a", "body": "b"})]))
    first = client.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=HELLO)
    tool_id = first.content[1].id
    history = HELLO + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_id, "content": "sent"}]},
    ]
    ok = client.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=history)
    assert ok.content[0].type == "text"

    # A tool_use without its tool_result is rejected, as the real API does.
    with pytest.raises(anthropic.BadRequestError, match="tool_result"):
        client.messages.create(
            model=MODEL, max_tokens=64, tools=TOOLS, messages=history[:2] + [{"role": "user", "content": "well?"}]
        )

    # An edited thinking block no longer matches its signature.
    edited = json.loads(json.dumps(history))
    edited[1]["content"][0]["thinking"] = "hmm, edited"
    with pytest.raises(anthropic.BadRequestError, match="signature"):
        client.messages.create(model=MODEL, max_tokens=64, tools=TOOLS, messages=edited)


# --------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_429_is_retried_then_succeeds(api):
    api.inject(rate_limited(retry_after=0))
    async with async_client(api, max_retries=2) as client:
        msg = await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert msg.content[0].text.startswith("Fake reply")
    assert api.request_count == 2
    assert [r.headers["x-stainless-retry-count"] for r in api.requests] == ["0", "1"]


def test_429_without_retries_raises_rate_limit_error(api):
    api.inject(rate_limited(retry_after=3))
    with pytest.raises(anthropic.RateLimitError) as info:
        sync_client(api, max_retries=0).messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    err = info.value
    assert err.status_code == 429 and err.type == "rate_limit_error"
    assert err.response.headers["retry-after"] == "3"
    assert err.request_id and err.request_id.startswith("req_")
    assert err.body["type"] == "error"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("fault", "exc"),
    [(overloaded(retry_after_ms=1), anthropic.OverloadedError), (server_error(retry_after_ms=1), anthropic.InternalServerError)],
)
async def test_529_and_500_are_retried(api, fault, exc):
    api.inject(fault, fault)
    async with async_client(api, max_retries=2) as client:
        msg = await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert msg.type == "message"
    assert api.request_count == 3

    # With the retries used up the typed error surfaces.
    api.inject(fault, fault)
    async with async_client(api, max_retries=1) as client:
        with pytest.raises(exc) as info:
            await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert isinstance(info.value, anthropic.InternalServerError)  # OverloadedError is one too
    assert api.request_count == 5


def test_401_is_not_retried():
    with FakeAnthropic(api_key="the-right-key") as api:
        client = anthropic.Anthropic(api_key="a-wrong-key", base_url=api.base_url, max_retries=3)
        with pytest.raises(anthropic.AuthenticationError) as info:
            client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
        assert info.value.status_code == 401 and info.value.type == "authentication_error"
        assert api.request_count == 1

        good = anthropic.Anthropic(api_key="the-right-key", base_url=api.base_url, max_retries=3)
        assert good.messages.create(model=MODEL, max_tokens=64, messages=HELLO).type == "message"

        api.inject(auth_error())  # an injected 401 behaves the same
        with pytest.raises(anthropic.AuthenticationError):
            good.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
        assert api.request_count == 3


@pytest.mark.asyncio
async def test_slow_response_times_out(api):
    api.inject(Slow(delay=3.0))
    async with async_client(api, max_retries=0, timeout=0.3) as client:
        with pytest.raises(anthropic.APITimeoutError):
            await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
        # A timed-out request is retried like a connection error: the retry is served fast.
    api.inject(Slow(delay=3.0))
    async with async_client(api, max_retries=1, timeout=0.3) as client:
        msg = await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert msg.type == "message"
    assert api.request_count == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["reset", "close"])
async def test_cut_stream_raises_transport_error(api, how):
    # With anthropic 2.12.0 a connection lost *after* the 200 headers, while the SSE
    # body is being read, escapes the SDK unwrapped: httpx2.ReadError ("connection reset
    # by peer", how="reset") or httpx2.RemoteProtocolError ("incomplete chunked read",
    # how="close") -- both httpx2.TransportError, NOT anthropic.APIConnectionError, and
    # never retried by the SDK. The game must catch httpx2.TransportError (or
    # httpx2.HTTPError) itself and retry the whole turn.
    api.inject(CutStream(after_events=5, how=how))
    async with async_client(api, max_retries=2) as client:
        with pytest.raises(httpx2.TransportError) as info:
            async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
                async for _ in stream:
                    pass
        assert not isinstance(info.value, anthropic.APIError)
        assert api.request_count == 1  # no retry

        # Retrying the turn works.
        async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
            final = await stream.get_final_message()
        assert final.stop_reason == "end_turn"


def test_cleanly_ended_stream_without_message_stop_is_not_an_error(api):
    # If the body ends properly but message_stop never came, the SDK raises nothing:
    # the final message just has stop_reason None. Callers must check for that.
    api.inject(CutStream(after_events=5, how="clean"))
    with sync_client(api).messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
        final = stream.get_final_message()
    assert final.stop_reason is None


def test_cut_non_streaming_response_is_a_retried_connection_error(api):
    api.inject(CutStream())
    with pytest.raises(anthropic.APIConnectionError):
        sync_client(api, max_retries=0).messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    api.inject(CutStream(), Disconnect())
    msg = sync_client(api, max_retries=2).messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert msg.type == "message"
    assert api.request_count == 4


def test_error_event_mid_stream(api):
    # An SSE `error` event after a 200 is raised as a plain APIStatusError whose
    # status_code is 200 (the HTTP status), with the error type in `.type`.
    api.inject(StreamError(after_events=4, error_type="overloaded_error"))
    with pytest.raises(anthropic.APIStatusError) as info:
        with sync_client(api, max_retries=2).messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
            stream.until_done()
    assert info.value.type == "overloaded_error"
    assert info.value.status_code == 200
    assert not isinstance(info.value, anthropic.OverloadedError)
    assert api.request_count == 1


def test_fault_rule_and_responder_faults(api):
    calls = []

    def rule(rec):
        calls.append(rec.path)
        return server_error(retry_after_ms=1) if len(calls) <= 2 else None

    api.fault_rule = rule
    msg = sync_client(api, max_retries=2).messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    assert msg.type == "message" and api.request_count == 3

    api.fault_rule = None
    api.responder = lambda body: overloaded() if body["max_tokens"] > 100 else Reply.text("small")
    client = sync_client(api)
    assert client.messages.create(model=MODEL, max_tokens=64, messages=HELLO).content[0].text == "small"
    with pytest.raises(anthropic.OverloadedError):
        client.messages.create(model=MODEL, max_tokens=500, messages=HELLO)


# The faults added for the live assistant's fault handling (stalls, hangs, malformed streams,
# a flaky server, tool inputs of the wrong shape), pinned down against the real SDK.
from tests.fakeapi.server import Flaky, Hang, MalformedStream, Stall  # noqa: E402


@pytest.mark.asyncio
async def test_a_stall_keeps_the_connection_open_and_silent(api):
    api.inject(Stall(after_events=3))
    async with async_client(api, timeout=0.3) as client:
        got = []
        with pytest.raises(httpx2.ReadTimeout):
            async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
                async for event in stream:
                    got.append(event.type)
        assert got[:2] == ["message_start", "content_block_start"]  # ping is not shown by the SDK
        assert "message_stop" not in got
    # A short stall, then the rest of the stream as usual.
    api.inject(Stall(after_events=3, seconds=0.05))
    async with async_client(api) as client:
        async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
            final = await stream.get_final_message()
    assert final.stop_reason == "end_turn" and final.content[0].text.startswith("Fake reply")


@pytest.mark.asyncio
async def test_a_hang_never_sends_headers(api):
    api.inject(Hang())
    async with async_client(api, timeout=0.3) as client:
        with pytest.raises(anthropic.APITimeoutError):
            await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)
    api.inject(Hang(seconds=0.05))  # then the connection is closed without a word
    async with async_client(api) as client:
        with pytest.raises(anthropic.APIConnectionError):
            await client.messages.create(model=MODEL, max_tokens=64, messages=HELLO)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "after"),
    [("not_json", 2), ("out_of_order", 0), ("bad_index", 3), ("bad_tool_json", 2), ("not_sse", 2)],
)
async def test_malformed_streams_make_the_sdk_raise_what_it_raises(api, kind, after):
    """Whatever the SDK raises on a malformed stream (it varies: JSON errors, RuntimeError,
    IndexError, ValueError...), the game has to turn it into one failed attempt."""
    api.inject(MalformedStream(after_events=after, kind=kind))
    async with async_client(api) as client:
        try:
            async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
                message = await stream.get_final_message()
        except Exception as exc:
            raised = exc
        else:
            raised = None
    if kind == "out_of_order":
        # A delta before message_start is passed on as an event but kept out of the message.
        assert raised is None and "stray" not in message.content[0].text
    else:
        assert raised is not None and not isinstance(raised, anthropic.APIError)


@pytest.mark.asyncio
@pytest.mark.parametrize("shape", ["a string", ["a", "list"], {"to": 123, "subject": "s", "body": "b"}])
async def test_tool_inputs_of_the_wrong_shape_reach_the_client_as_sent(api, shape):
    api.enqueue(Reply([ToolUse("send_email", shape)]))
    async with async_client(api) as client:
        async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO, tools=TOOLS) as stream:
            message = await stream.get_final_message()
    assert message.content[0].type == "tool_use" and message.content[0].input == shape


@pytest.mark.asyncio
async def test_flaky_answers_every_fifth_529_and_cuts_every_seventh_stream(api):
    rule = Flaky(overloaded_every=5, cut_every=7)
    api.fault_rule = rule
    outcomes = []
    async with async_client(api) as client:
        for _ in range(35):
            try:
                async with client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
                    await stream.get_final_message()
                outcomes.append("ok")
            except anthropic.OverloadedError:
                outcomes.append("529")
            except httpx2.TransportError:
                outcomes.append("cut")
    assert [i + 1 for i, o in enumerate(outcomes) if o == "529"] == [5, 10, 15, 20, 25, 30, 35]
    assert outcomes.count("cut") == 4 and (rule.requests, rule.overloaded, rule.cut) == (35, 7, 4)
    streams = [i + 1 for i, o in enumerate(outcomes) if o != "529"]
    assert [streams[k - 1] for k in (7, 14, 21, 28)] == [i + 1 for i, o in enumerate(outcomes) if o == "cut"]


# --------------------------------------------------------------------------------------
# Message Batches
# --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_batch_create_poll_results(api):
    api.batch_in_progress_polls = 2
    api.enqueue("answer A", Reply([ToolUse("send_email", {"to": "x", "body": "y"})]))
    requests = [
        {"custom_id": "turn-a", "params": {"model": MODEL, "max_tokens": 64, "messages": HELLO}},
        {"custom_id": "turn-b", "params": {"model": MODEL, "max_tokens": 64, "tools": TOOLS, "messages": HELLO}},
        {"custom_id": "turn-bad", "params": {"model": MODEL, "messages": HELLO}},  # no max_tokens
    ]
    async with async_client(api) as client:
        batch = await client.messages.batches.create(requests=requests)
        assert batch.processing_status == "in_progress"
        assert batch.request_counts.processing == 3 and batch.results_url is None

        statuses = []
        while True:
            batch = await client.messages.batches.retrieve(batch.id)
            statuses.append(batch.processing_status)
            if batch.processing_status == "ended":
                break
        assert statuses == ["in_progress", "in_progress", "ended"]
        assert batch.results_url == f"{api.base_url}/v1/messages/batches/{batch.id}/results"
        assert (batch.request_counts.succeeded, batch.request_counts.errored) == (2, 1)
        assert batch.ended_at is not None

        results = {r.custom_id: r.result async for r in await client.messages.batches.results(batch.id)}

    assert set(results) == {"turn-a", "turn-b", "turn-bad"}
    assert results["turn-a"].type == "succeeded"
    assert results["turn-a"].message.content[0].text == "answer A"
    assert results["turn-b"].message.content[0].input == {"to": "x", "body": "y"}
    assert results["turn-bad"].type == "errored"
    assert results["turn-bad"].error.error.type == "invalid_request_error"
    assert ("GET", f"/v1/messages/batches/{batch.id}/results") in [(r.method, r.path) for r in api.requests]


def test_batch_cancel_and_time_based_end(api):
    client = sync_client(api)
    params = {"model": MODEL, "max_tokens": 64, "messages": HELLO}
    batch = client.messages.batches.create(requests=[{"custom_id": "c1", "params": params}])
    canceled = client.messages.batches.cancel(batch.id)
    assert canceled.processing_status == "canceling" and canceled.cancel_initiated_at is not None
    ended = client.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended" and ended.request_counts.canceled == 1
    assert [r.result.type for r in client.messages.batches.results(batch.id)] == ["canceled"]

    api.batch_in_progress_polls = 0
    api.batch_processing_seconds = 0.3
    batch = client.messages.batches.create(requests=[{"custom_id": "t1", "params": params}])
    assert client.messages.batches.retrieve(batch.id).processing_status == "in_progress"
    import time

    time.sleep(0.35)
    assert client.messages.batches.retrieve(batch.id).processing_status == "ended"

    with pytest.raises(anthropic.NotFoundError):
        client.messages.batches.retrieve("msgbatch_does_not_exist")


# --------------------------------------------------------------------------------------
# Concurrency
# --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_concurrent_requests_overlap(api):
    api.latency = 0.2
    async with async_client(api) as client:
        replies = await asyncio.gather(
            *(client.messages.create(model=MODEL, max_tokens=16, messages=HELLO) for _ in range(50))
        )
    assert len(replies) == 50 and all(r.type == "message" for r in replies)
    assert api.request_count == 50
    assert api.max_in_flight >= 40
    assert api.in_flight == 0
