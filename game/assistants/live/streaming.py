"""One attempt at a streamed request: its deltas go out as typed progress events as they
arrive, its silence is bounded (no headers within `first_byte_timeout`, no bytes for
`idle_timeout`), and every way it can fail becomes a `RequestFailed` to retry or a
`LiveError`; nothing else escapes."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any, Literal

from game.assistants.base import ProgressSink, Streamed
from game.assistants.live.client import _plain, _seconds, _status_failure, translate_error
from game.assistants.live.errors import RequestFailed
from game.assistants.live.reply import _field
from game.assistants.live.settings import LiveSettings


@functools.cache
def _heartbeat_class() -> type:
    import httpx2

    class Heartbeat(httpx2.AsyncByteStream):
        """A response body that calls `beat` whenever bytes arrive (pings included)."""

        def __init__(self, inner: Any, beat: Callable[[], None]):
            self._inner, self._beat = inner, beat

        async def __aiter__(self) -> Any:
            async for chunk in self._inner:
                self._beat()
                yield chunk

        async def aclose(self) -> None:
            await self._inner.aclose()

    return Heartbeat


def _unreadable(exc: Exception) -> str:
    """What was wrong with a stream the SDK could not parse, in words, from what it raised."""
    text = str(exc)
    if "tool parameter JSON" in text:
        return "a tool call's input that is not JSON"
    if isinstance(exc, json.JSONDecodeError):
        return "an event that is not JSON"
    if isinstance(exc, UnicodeDecodeError):
        return "bytes that are not text"
    if isinstance(exc, IndexError | KeyError):
        return "an event for a block that never began"
    if "event order" in text:
        return "events out of order"
    return f"{type(exc).__name__}"


def _delta_of(event: Any) -> tuple[Literal["text", "thinking"], str] | None:
    """("text" | "thinking", piece) for a streamed delta worth showing, else None."""
    if _field(event, "type") != "content_block_delta":
        return None
    delta = _field(event, "delta")
    kind = _field(delta, "type")
    if kind == "text_delta" and isinstance(_field(delta, "text"), str):
        return "text", _field(delta, "text")
    if kind == "thinking_delta" and isinstance(_field(delta, "thinking"), str):
        return "thinking", _field(delta, "thinking")
    return None


async def stream_once(client: Any, params: dict[str, Any], settings: LiveSettings, key: str | None,
                      progress: ProgressSink | None) -> tuple[Any, str | None]:
    """One attempt at a streamed request. Every way it can fail becomes a RequestFailed (to be
    retried) or a LiveError (not to be); nothing else escapes."""
    import anthropic
    import httpx2

    params = dict(params)
    if "temperature" in params:
        # No longer a keyword of the SDK (current models refuse it); older models take it.
        params["extra_body"] = {"temperature": params.pop("temperature")}
    loop = asyncio.get_running_loop()
    began = False  # the response headers arrived
    try:
        # One deadline, moved on whenever bytes arrive: first the response headers must
        # come within first_byte_timeout, then no silence may last idle_timeout.
        async with asyncio.timeout(settings.first_byte_timeout) as deadline:
            async with client.messages.stream(**params) as stream:
                began = True

                def beat() -> None:
                    if not deadline.expired():
                        deadline.reschedule(loop.time() + settings.idle_timeout)

                beat()
                stream.response.stream = _heartbeat_class()(stream.response.stream, beat)
                message = await _read(stream, progress)
                request_id = stream.request_id
    except TimeoutError:
        if not began:
            raise RequestFailed(f"No reply for {_seconds(settings.first_byte_timeout)} s", "stall") from None
        raise RequestFailed(f"The reply stalled: nothing for {_seconds(settings.idle_timeout)} s", "stall") from None
    except httpx2.TimeoutException as exc:
        raise RequestFailed(f"The reply stalled: {_plain(type(exc).__name__)}", "stall") from None
    except httpx2.TransportError as exc:
        # Lost after the response began: the SDK does not retry this, we do.
        raise RequestFailed(f"The reply was cut off ({_plain(type(exc).__name__)})", "cut") from None
    except anthropic.APIStatusError as exc:
        if exc.status_code == 200:  # an error event inside a started stream (e.g. overloaded)
            what = f"The reply broke off (the API sent {exc.type or 'an error'} mid-stream)"
            raise RequestFailed(what, "cut") from None
        raise _status_failure(exc, settings, key) from None
    except anthropic.APITimeoutError:
        raise RequestFailed(f"No reply within {_seconds(settings.timeout)} s", "stall") from None
    except anthropic.APIConnectionError as exc:
        cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else "connection error"
        raise RequestFailed(
            f"The API could not be reached ({_plain(cause)})",
            "network",
            final=translate_error(exc, settings, key),
        ) from None
    except anthropic.APIError as exc:
        raise RequestFailed(f"The reply could not be read ({type(exc).__name__})", "unreadable") from None
    return message, request_id

async def _read(stream: Any, progress: ProgressSink | None) -> Any:
    """Stream the reply's deltas to the hooks and return the final message. Whatever the
    SDK raises while parsing a malformed stream is one unreadable reply."""
    import anthropic
    import httpx2

    iterator = stream.__aiter__()
    begun = False  # message_start seen: a delta before it belongs to no message
    while True:
        try:
            event = await iterator.__anext__()
            begun = begun or _field(event, "type") == "message_start"
            delta = _delta_of(event) if begun else None
        except StopAsyncIteration:
            break
        except (httpx2.TransportError, anthropic.APIError):
            raise
        except Exception as exc:
            what = f"The reply could not be read (a malformed event stream: {_unreadable(exc)})"
            raise RequestFailed(what, "unreadable") from None
        if delta is None:
            continue
        if progress is not None:
            progress(Streamed(*delta))
    try:
        return await stream.get_final_message()
    except AssertionError:
        # The SDK's accumulator has no message: the stream ended before it began.
        raise RequestFailed("The reply was cut off (the stream ended before the reply began)", "cut") from None
