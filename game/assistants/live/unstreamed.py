"""One attempt at a request answered whole: the reply comes back as one JSON body, read as plain
data (no SDK model is built for it: reply.checked_content checks the dict at the boundary), its
wait bounded by one total time (`LiveSettings.whole_reply_timeout`), and every way it can fail
becomes a `RequestFailed` to retry or a `LiveError`; nothing else escapes.

`record` asks this way: nobody watches its text arrive, and a whole reply costs the client a
fraction of a streamed one (one body to read instead of an event per few words, each parsed
into a model). Live play streams (game/assistants/live/streaming.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from game.assistants.live.client import _plain, _seconds, _status_failure, translate_error
from game.assistants.live.errors import RequestFailed
from game.assistants.live.settings import LiveSettings

# A connection lost while the answer was on its way, as opposed to a server that could not be
# reached at all: httpx2's names (the aiohttp transport raises them too, over its own).
_CUT = ("ReadError", "RemoteProtocolError", "ServerDisconnectedError")


async def request_once(client: Any, params: dict[str, Any], settings: LiveSettings,
                       key: str | None) -> tuple[dict[str, Any], str | None]:
    """One attempt: the reply message as a dict (checked by the caller) and its request id."""
    import anthropic

    params = dict(params)
    if "temperature" in params:
        # No longer a keyword of the SDK (current models refuse it); older models take it.
        params["extra_body"] = {"temperature": params.pop("temperature")}
    bound = settings.whole_reply_timeout()
    try:
        async with asyncio.timeout(bound):
            # The SDK's own timeout is set past ours, so that the bound that fires is this one
            # (the same on every transport), and its check that a long request should stream
            # is left to our bound, sized for max_tokens.
            raw = await client.messages.with_raw_response.create(**params, timeout=bound + 30)
            body = await raw.read()
            request_id = raw.request_id
    except TimeoutError:
        raise RequestFailed(f"No reply within {_seconds(bound)} s", "stall") from None
    except anthropic.APIStatusError as exc:
        raise _status_failure(exc, settings, key) from None
    except anthropic.APITimeoutError:
        raise RequestFailed(f"No reply within {_seconds(bound)} s", "stall") from None
    except anthropic.APIConnectionError as exc:
        names = _causes(exc)
        name = next((n for n in reversed(names) if _plain(n) != n), names[0] if names else "connection error")
        if set(names) & set(_CUT):
            raise RequestFailed(f"The reply was cut off ({_plain(name)})", "cut") from None
        raise RequestFailed(
            f"The API could not be reached ({_plain(name)})", "network", final=translate_error(exc, settings, key)
        ) from None
    except anthropic.APIError as exc:
        raise RequestFailed(f"The reply could not be read ({type(exc).__name__})", "unreadable") from None
    return _message(body), request_id


def _causes(exc: BaseException) -> list[str]:
    """The names of the errors under the SDK's: httpx2's, then the transport's own under it."""
    names: list[str] = []
    cause = exc.__cause__
    while cause is not None and len(names) < 4:
        names.append(type(cause).__name__)
        cause = cause.__cause__
    return names


def _message(body: bytes) -> dict[str, Any]:
    """The body as a message object; RequestFailed (unreadable, one failed attempt) otherwise."""
    try:
        message = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RequestFailed("The reply could not be read (its body is not JSON)", "unreadable") from None
    if not isinstance(message, dict) or message.get("type", "message") != "message":
        raise RequestFailed("The reply could not be read (its body is not a message)", "unreadable")
    return message
