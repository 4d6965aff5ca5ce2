"""A live local fake of the Anthropic Messages API (see :mod:`.server`).

Use it directly::

    from fakeapi import FakeAnthropic, Reply, Text, ToolUse, rate_limited

    with FakeAnthropic() as api:
        ...  # anthropic.Anthropic(api_key="test-key", base_url=api.base_url)

or as a pytest fixture, by importing ``fake_anthropic`` into a conftest.py
(``from fakeapi import fake_anthropic  # noqa: F401``).
"""

from __future__ import annotations

from collections.abc import Iterator

from .server import (
    Block,
    CutStream,
    Disconnect,
    FakeAnthropic,
    Fault,
    HTTPFault,
    RecordedRequest,
    Reply,
    Slow,
    StreamError,
    Text,
    Thinking,
    ToolUse,
    Usage,
    auth_error,
    bad_request,
    default_responder,
    overloaded,
    rate_limited,
    server_error,
    sign_thinking,
)

__all__ = [
    "Block",
    "CutStream",
    "Disconnect",
    "FakeAnthropic",
    "Fault",
    "HTTPFault",
    "RecordedRequest",
    "Reply",
    "Slow",
    "StreamError",
    "Text",
    "Thinking",
    "ToolUse",
    "Usage",
    "auth_error",
    "bad_request",
    "default_responder",
    "overloaded",
    "rate_limited",
    "server_error",
    "sign_thinking",
]

try:  # the fixture is a convenience; the server itself needs only the standard library
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def fake_anthropic() -> Iterator[FakeAnthropic]:
        """A running FakeAnthropic, stopped after the test."""
        with FakeAnthropic() as api:
            yield api

    __all__.append("fake_anthropic")
