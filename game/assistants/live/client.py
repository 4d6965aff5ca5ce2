"""The SDK's client and its failures in plain words: making the client, scrubbing the key from
every message, turning an SDK error into a `LiveError` or a `RequestFailed` to retry."""

from __future__ import annotations

import re
from typing import Any

from game.assistants.live.errors import LiveError, RequestFailed
from game.assistants.live.settings import API_KEY_ENV, LiveSettings

_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")


def scrub(text: str, key: str | None) -> str:
    """`text` with the API key (and anything shaped like one) taken out."""
    if key:
        text = text.replace(key, "[key]")
    return _KEY_SHAPE.sub("[key]", text)


def make_client(settings: LiveSettings, api_key: str, base_url: str | None = None, *, aiohttp: bool = False) -> Any:
    """An AsyncAnthropic client. Without `base_url` the SDK reads ANTHROPIC_BASE_URL itself.
    Its own retries serve the judge and the batch calls; the live assistant's requests go
    through a copy without them (it retries those itself, see `respond`).

    `aiohttp`: the SDK's aiohttp transport (DefaultAioHttpClient) instead of httpx2's. It
    spends about half the client's CPU per request (bench/record_throughput.py), which is what
    bounds `record` at high concurrency; live play keeps httpx2, the transport its streaming
    faults were first tested against."""
    import anthropic

    extra: dict[str, Any] = {}
    if aiohttp:
        extra["http_client"] = anthropic.DefaultAioHttpClient(timeout=settings.timeout)
    return anthropic.AsyncAnthropic(
        api_key=api_key, base_url=base_url, max_retries=settings.max_retries, timeout=settings.timeout, **extra
    )


_STATUS_WORDS = {408: "timed out", 409: "conflicted", 429: "rate limited", 529: "overloaded"}
_TRANSPORT_WORDS = {
    "ReadError": "connection reset",
    "RemoteProtocolError": "connection closed mid-body",
    "ReadTimeout": "read timed out",
    "ConnectError": "could not connect",
    "ConnectTimeout": "could not connect in time",
    "WriteError": "connection lost while sending",
    "ServerDisconnectedError": "the server closed the connection",  # aiohttp's, under httpx2's
}


def _plain(name: str) -> str:
    return _TRANSPORT_WORDS.get(name, name)


def _seconds(value: float) -> str:
    return f"{value:.2g}" if value < 10 else f"{value:.0f}"


def _retry_after(headers: Any) -> float | None:
    """The wait the server asked for, when it asked for a sensible one (as the SDK does)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            seconds = float(headers.get(name)) / scale
        except (TypeError, ValueError, AttributeError):
            continue
        if 0 < seconds <= 60:
            return seconds
    return None


def _status_failure(exc: Any, settings: LiveSettings, key: str | None) -> RequestFailed | LiveError:
    """An HTTP error answer: a RequestFailed to retry (408, 409, 429, 5xx, unless the server says
    not to, or any status it says to retry), else the LiveError to raise at once."""
    status = exc.status_code
    headers = getattr(exc.response, "headers", {}) or {}
    told = str(headers.get("x-should-retry", "")).lower()
    again = told == "true" or (told != "false" and (status in (408, 409, 429) or status >= 500))
    final = translate_error(exc, settings, key)
    if not again:
        return final
    words = _STATUS_WORDS.get(status, "server error" if status >= 500 else "refused")
    return RequestFailed(f"The API answered {status} ({words})", "status", wait=_retry_after(headers), final=final)


def translate_error(exc: BaseException, settings: LiveSettings, key: str | None) -> LiveError:
    """One plain sentence for an SDK failure (after the SDK's own retries)."""
    import anthropic

    tries = f"after {settings.max_retries + 1} attempts"
    if isinstance(exc, anthropic.AuthenticationError):
        msg, again = f"the API key was rejected (401); check {API_KEY_ENV}", False
    elif isinstance(exc, anthropic.PermissionDeniedError):
        msg, again = f"the API key may not use model {settings.model!r} (403)", False
    elif isinstance(exc, anthropic.NotFoundError):
        msg, again = f"the API does not know model {settings.model!r} (404); choose another with --model", False
    elif isinstance(exc, anthropic.RateLimitError):
        msg, again = f"the API is still rate-limiting {tries}; wait a minute and retry", True
    elif isinstance(exc, anthropic.APIStatusError) and exc.status_code >= 500:
        kind = "overloaded" if exc.status_code == 529 else "failing"
        msg, again = f"the API is {kind} ({exc.status_code}) {tries}; retry shortly", True
    elif isinstance(exc, anthropic.APIStatusError):
        detail = getattr(exc, "message", "") or ""
        detail = " ".join(str(detail).split())[:200]
        msg, again = f"the API refused the request ({exc.status_code}): {detail}", exc.status_code in (408, 409)
    elif isinstance(exc, anthropic.APITimeoutError):
        msg, again = f"the API did not answer within {settings.timeout:g}s {tries}", True
    elif isinstance(exc, anthropic.APIConnectionError):
        msg, again = f"the API could not be reached {tries}; check the network", True
    else:
        msg, again = f"the request to the API failed ({type(exc).__name__})", True
    return LiveError(scrub(msg, key), retryable=again)
