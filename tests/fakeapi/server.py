"""A small, real HTTP server that speaks enough of the Anthropic Messages API for
tests and benchmarks.

It listens on 127.0.0.1 on an ephemeral port and is meant to be driven by the
real ``anthropic`` SDK through ``base_url``::

    with FakeAnthropic() as api:
        client = anthropic.Anthropic(api_key="test-key", base_url=api.base_url)
        api.enqueue(Reply([Text("hello")]))
        client.messages.create(model="m", max_tokens=64, messages=[...])
        assert api.requests[-1].headers["x-api-key"] == "test-key"

Only the standard library is used. Each connection is served by its own daemon
thread (``ThreadingHTTPServer``), so many concurrent requests are fine.

What the "model" says is scripted: replies queued with :meth:`FakeAnthropic.enqueue`
are served first-in-first-out, then :attr:`FakeAnthropic.responder` is called.
Failures are scripted the same way with :meth:`FakeAnthropic.inject` (a FIFO of
faults) or :attr:`FakeAnthropic.fault_rule` (a predicate called per request).
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import hashlib
import http.server
import itertools
import json
import re
import socket
import struct
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

__all__ = [
    "Block",
    "CutStream",
    "Disconnect",
    "FakeAnthropic",
    "Fault",
    "Flaky",
    "HTTPFault",
    "Hang",
    "MalformedStream",
    "RecordedRequest",
    "Reply",
    "Slow",
    "Stall",
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


# --------------------------------------------------------------------------------------
# Scripted replies
# --------------------------------------------------------------------------------------

_SIGNATURE_PREFIX = "fakesig1."


def sign_thinking(thinking: str) -> str:
    """The signature the fake server gives (and, by default, demands) for a thinking text."""
    digest = hashlib.sha256(b"fake-anthropic-thinking\0" + thinking.encode("utf-8")).digest()
    return _SIGNATURE_PREFIX + base64.b64encode(digest).decode("ascii")


@dataclass
class Text:
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


@dataclass
class Thinking:
    thinking: str
    signature: str | None = None  # None: computed with sign_thinking()

    def sig(self) -> str:
        return self.signature if self.signature is not None else sign_thinking(self.thinking)

    def as_json(self) -> dict[str, Any]:
        return {"type": "thinking", "thinking": self.thinking, "signature": self.sig()}


@dataclass
class ToolUse:
    name: str
    # Usually an object; anything JSON can say is sent as given, to test a client against
    # tool inputs of the wrong shape (a string, a list, ``{"to": 123}``).
    input: Any = field(default_factory=dict)
    id: str | None = None  # None: a fresh "toolu_..." id per reply

    def as_json(self, block_id: str) -> dict[str, Any]:
        return {"type": "tool_use", "id": block_id, "name": self.name, "input": self.input}


Block = Text | Thinking | ToolUse


@dataclass
class Usage:
    """Token counts to report. ``None`` means "estimate it" (about 4 characters a token)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


@dataclass
class Reply:
    """One assistant message. ``stop_reason=None`` means "tool_use" if any block is a
    tool call, else "end_turn"."""

    blocks: list[Block] = field(default_factory=list)
    stop_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    stop_sequence: str | None = None
    model: str | None = None  # None: echo the request's model

    @classmethod
    def text(cls, text: str, **kw: Any) -> Reply:
        return cls([Text(text)], **kw)

    def resolved_stop_reason(self) -> str:
        if self.stop_reason is not None:
            return self.stop_reason
        return "tool_use" if any(isinstance(b, ToolUse) for b in self.blocks) else "end_turn"


def _last_user_text(body: dict[str, Any]) -> str:
    for msg in reversed(body.get("messages") or []):
        if not isinstance(msg, dict) or msg.get("role") != "user":
            continue
        content = msg.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            texts = [b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"]
            if texts:
                return " ".join(texts)
        return ""
    return ""


def default_responder(body: dict[str, Any]) -> Reply:
    """A short text reply that mentions the start of the last user text."""
    said = " ".join(_last_user_text(body).split())
    if len(said) > 40:
        said = said[:37] + "..."
    return Reply([Text(f"Fake reply to: {said}" if said else "Fake reply.")])


# --------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------

ANY_PATH = "*"


@dataclass
class Fault:
    """Base class. ``path`` says which requests a *queued* fault may be spent on:
    an exact path such as "/v1/messages" (the default) or "*" for any request."""

    path: str = dataclasses.field(default="/v1/messages", kw_only=True)

    def matches(self, path: str) -> bool:
        return self.path == ANY_PATH or self.path == path


@dataclass
class HTTPFault(Fault):
    """Answer with an API error: status code plus ``{"type":"error","error":{...}}``."""

    status: int = 500
    error_type: str = "api_error"
    message: str = "Internal server error"
    retry_after: float | None = None  # seconds, sent as `retry-after`
    retry_after_ms: float | None = None  # sent as `retry-after-ms` (the SDK prefers it)
    should_retry: bool | None = None  # sent as `x-should-retry: true|false`
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Slow(Fault):
    """Wait ``delay`` seconds before sending anything, then answer normally."""

    delay: float = 5.0


@dataclass
class Disconnect(Fault):
    """Read the request, then close the connection without answering."""


@dataclass
class CutStream(Fault):
    """Send ``after_events`` SSE events (message_start and ping count), then stop
    without message_stop. ``how``:

    * ``"reset"`` (default): close the socket with a TCP RST mid-body (a dropped
      connection; the client sees "connection reset by peer");
    * ``"close"``: close the socket normally (FIN) with the chunked body unterminated
      (the client sees an incomplete body);
    * ``"clean"``: end the HTTP body properly, so only the missing message_stop
      tells that the stream was cut.

    On a non-streaming request, half of the JSON body is sent before closing."""

    after_events: int = 4
    how: str = "reset"

    def __post_init__(self) -> None:
        if self.how not in ("reset", "close", "clean"):
            raise ValueError(f"CutStream.how must be 'reset', 'close' or 'clean', not {self.how!r}")


@dataclass
class StreamError(Fault):
    """Send ``after_events`` SSE events, then an ``event: error`` (as the API does when
    it is overloaded mid-stream), then end the body."""

    after_events: int = 4
    error_type: str = "overloaded_error"
    message: str = "Overloaded"


@dataclass
class Stall(Fault):
    """Send ``after_events`` SSE events (message_start and ping count), then send nothing
    for ``seconds`` (or until the server stops) with the connection open, then go on with
    the rest of the stream. A client that gives up first just closes the connection.
    With ``ping_every``, a ``ping`` event is sent that often during the pause (as the API
    does while it has nothing else to say): no content, but the connection is not silent."""

    after_events: int = 3
    seconds: float = 3600.0
    ping_every: float | None = None


@dataclass
class Hang(Fault):
    """Read the request and never send the response headers: wait ``seconds`` (or until the
    server stops) with the connection open, then close it without a word."""

    seconds: float = 3600.0


MALFORMED_KINDS = ("not_json", "out_of_order", "bad_index", "bad_tool_json", "not_sse")


@dataclass
class MalformedStream(Fault):
    """A streamed reply the client cannot parse: ``after_events`` good events, then one bad
    one, then the rest of the stream as usual. ``kind``:

    * ``"not_json"``: an event whose data is not JSON;
    * ``"out_of_order"``: a content_block_delta before message_start (use after_events=0);
    * ``"bad_index"``: a text delta for a content block that was never started;
    * ``"bad_tool_json"``: a tool_use block (index 0: use after_events=2) whose input_json_delta
      can never become JSON;
    * ``"not_sse"``: bytes that are not an event stream at all (a line with no field name).

    On a non-streaming request, whatever the kind, the body is JSON cut short (a complete HTTP
    answer, 200, whose body does not parse)."""

    after_events: int = 2
    kind: str = "not_json"

    def __post_init__(self) -> None:
        if self.kind not in MALFORMED_KINDS:
            raise ValueError(f"MalformedStream.kind must be one of {', '.join(MALFORMED_KINDS)}, not {self.kind!r}")

    def payload(self) -> bytes:
        if self.kind == "not_json":
            return b"event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0,\n\n"
        if self.kind in ("out_of_order", "bad_index"):
            delta = {"type": "content_block_delta", "index": 0 if self.kind == "out_of_order" else 7,
                     "delta": {"type": "text_delta", "text": "stray"}}
            return _sse("content_block_delta", delta)
        if self.kind == "bad_tool_json":
            start = {"type": "content_block_start", "index": 0,
                     "content_block": {"type": "tool_use", "id": "toolu_bad", "name": "send_email", "input": {}}}
            delta = {"type": "content_block_delta", "index": 0,
                     "delta": {"type": "input_json_delta", "partial_json": '{"to": ]]] nonsense'}}
            return _sse("content_block_start", start) + _sse("content_block_delta", delta)
        return b"\x00\xff garbage that is no event stream \x00\n\n"


class Flaky:
    """A fault rule (``api.fault_rule = Flaky(...)``) for a server having a bad day: of the
    requests to /v1/messages, counted in order of arrival, every ``overloaded_every``-th is
    answered 529 and, of the others, every ``cut_every``-th stream is cut after
    ``cut_after`` events (a TCP reset). Counts are shared by all connections."""

    def __init__(self, *, overloaded_every: int = 5, cut_every: int = 7, cut_after: int = 4) -> None:
        self.overloaded_every = overloaded_every
        self.cut_every = cut_every
        self.cut_after = cut_after
        self._lock = threading.Lock()
        self.requests = 0
        self.streams = 0  # requests that were not answered 529
        self.overloaded = 0
        self.cut = 0

    def __call__(self, rec: RecordedRequest) -> Fault | None:
        if rec.method != "POST" or rec.path != "/v1/messages":
            return None
        with self._lock:
            self.requests += 1
            if self.overloaded_every and self.requests % self.overloaded_every == 0:
                self.overloaded += 1
                return overloaded()
            self.streams += 1
            if self.cut_every and self.streams % self.cut_every == 0:
                self.cut += 1
                return CutStream(after_events=self.cut_after, how="reset")
        return None


def rate_limited(retry_after: float = 0, **kw: Any) -> HTTPFault:
    return HTTPFault(status=429, error_type="rate_limit_error", message="Number of requests has exceeded your rate limit", retry_after=retry_after, **kw)


def overloaded(**kw: Any) -> HTTPFault:
    return HTTPFault(status=529, error_type="overloaded_error", message="Overloaded", **kw)


def server_error(**kw: Any) -> HTTPFault:
    return HTTPFault(status=500, error_type="api_error", message="Internal server error", **kw)


def auth_error(**kw: Any) -> HTTPFault:
    return HTTPFault(status=401, error_type="authentication_error", message="invalid x-api-key", **kw)


def bad_request(message: str = "Invalid request", **kw: Any) -> HTTPFault:
    return HTTPFault(status=400, error_type="invalid_request_error", message=message, **kw)


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


class RecordedRequest(NamedTuple):
    method: str
    path: str  # without the query string
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, the raw text if it was not JSON, or None

    @property
    def api_key(self) -> str | None:
        """The credential sent: ``x-api-key``, else the token of ``Authorization: Bearer``.
        (anthropic 2.x sends ``api_key=`` as ``Authorization: Bearer <key>``.)"""
        key = self.headers.get("x-api-key")
        if key is not None:
            return key
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None


class _Closed(Exception):
    """Raised inside a handler to say that the connection has been dropped on purpose."""


def _now_rfc3339(dt: datetime | None = None) -> str:
    dt = dt or datetime.now(UTC)
    return dt.isoformat().replace("+00:00", "Z")


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def _estimate_tokens(obj: Any) -> int:
    if obj is None:
        return 0
    text = obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":"))
    return max(1, len(text) // 4)


# --------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------


@dataclass
class _Batch:
    id: str
    created: datetime
    custom_ids: list[str]
    results: dict[str, dict[str, Any]]  # custom_id -> result object
    polls: int = 0
    status: str = "in_progress"
    cancel_initiated: datetime | None = None
    ended: datetime | None = None


# --------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True
    fake: FakeAnthropic

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (timeout test, cut stream) is not an error here.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, OSError, _Closed)):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "FakeAnthropic/1.0"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.fake._track_connection(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track_connection(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def do_DELETE(self) -> None:
        self.server.fake._serve(self)

    # -- low-level writers used by FakeAnthropic -----------------------------------

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def send_bytes(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_chunked(self, status: int, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        if not data:
            return
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def drop(self, *, reset: bool = True) -> None:
        """Close the socket now. ``reset`` sends a TCP RST instead of a FIN."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass
        raise _Closed()


# --------------------------------------------------------------------------------------
# The fake API
# --------------------------------------------------------------------------------------

Responder = Callable[[dict[str, Any]], Reply | str | Fault]
FaultRule = Callable[[RecordedRequest], Fault | None]

_BATCH_PATH = re.compile(r"^/v1/messages/batches/([^/]+)(/results|/cancel)?$")


class FakeAnthropic:
    """A live fake of the Messages API on 127.0.0.1:<ephemeral port>.

    Scripting (all may be changed while the server runs):
      * ``responder``: ``fn(request_json) -> Reply | str | Fault``; default :func:`default_responder`
      * ``enqueue(*replies)``: replies served FIFO before the responder is asked
      * ``inject(*faults)``: faults spent FIFO on matching requests (see ``Fault.path``)
      * ``fault_rule``: ``fn(RecordedRequest) -> Fault | None``, asked when the fault queue
        has nothing for the request
      * ``latency``: seconds slept before answering every request
      * ``event_delay``: seconds slept between SSE events
      * ``api_key``: if set, any other ``x-api-key`` (or bearer token) gets a 401
      * ``validate``: check required fields and tool_use/tool_result pairing (400 if wrong)
      * ``verify_thinking_signatures``: 400 for a thinking block whose signature is not
        ``sign_thinking(thinking)`` (the real API rejects altered thinking blocks)
      * ``batch_in_progress_polls`` / ``batch_processing_seconds``: a batch reports
        ``in_progress`` until it has been retrieved this many times AND this long has passed

    Observing: ``requests`` (list of :class:`RecordedRequest`), ``request_count``,
    ``in_flight``, ``max_in_flight``, ``bodies(path)``, ``reset()``.
    """

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        latency: float = 0.0,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.responder: Responder = responder or default_responder
        self.fault_rule: FaultRule | None = None
        self.latency = latency
        self.event_delay = 0.0
        self.api_key = api_key
        self.validate = True
        self.verify_thinking_signatures = True
        self.batch_in_progress_polls = 1
        self.batch_processing_seconds = 0.0
        self.text_chunk_words = 3
        self.json_chunk_chars = 12

        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._replies: collections.deque[Reply] = collections.deque()
        self._faults: collections.deque[Fault] = collections.deque()
        self._requests: list[RecordedRequest] = []
        self._request_count = 0
        self._in_flight = 0
        self._max_in_flight = 0
        self._batches: dict[str, _Batch] = {}
        self._connections: set[socket.socket] = set()
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> FakeAnthropic:
        if self._server is not None:
            return self
        self._stop.clear()
        server = _Server((self._host, self._port), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeAnthropic", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server = self._server
        if server is None:
            return
        self._stop.set()  # wakes handlers sleeping in latency / Slow
        server.shutdown()
        server.server_close()
        with self._lock:
            conns = list(self._connections)
        for conn in conns:  # idle keep-alive connections would otherwise linger
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeAnthropic is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    # -- scripting -------------------------------------------------------------------

    def enqueue(self, *replies: Reply | str) -> None:
        with self._lock:
            for r in replies:
                self._replies.append(Reply.text(r) if isinstance(r, str) else r)

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    @property
    def pending_replies(self) -> int:
        with self._lock:
            return len(self._replies)

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    # -- observing -------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return self._request_count

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    def bodies(self, path: str = "/v1/messages") -> list[Any]:
        """JSON bodies of the requests received on ``path``, in arrival order."""
        return [r.body for r in self.requests if r.path == path]

    def reset(self) -> None:
        """Forget requests, counters, queued replies/faults and batches (settings stay)."""
        with self._lock:
            self._requests.clear()
            self._request_count = 0
            self._max_in_flight = self._in_flight
            self._replies.clear()
            self._faults.clear()
            self._batches.clear()

    # -- internals -------------------------------------------------------------------

    def _track_connection(self, conn: socket.socket, opened: bool) -> None:
        with self._lock:
            if opened:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stop.wait(seconds)

    def _request_id(self) -> str:
        return f"req_fake{next(self._ids):06d}{uuid.uuid4().hex[:12]}"

    def _serve(self, h: _Handler) -> None:
        path = h.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in h.headers.items()}
        length = int(headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        rec = RecordedRequest(h.command, path, headers, body)

        with self._lock:
            self._requests.append(rec)
            self._request_count += 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        try:
            self._dispatch(h, rec)
        except _Closed:
            pass
        except (TimeoutError, ConnectionError):
            h.close_connection = True
        except Exception as exc:  # a bug in a responder or fault rule: tell the client
            h.close_connection = True
            try:
                self._error(h, 500, "api_error", f"FakeAnthropic handler crashed: {exc!r}")
            except OSError:
                pass
            raise
        finally:
            with self._lock:
                self._in_flight -= 1

    def _take_fault(self, rec: RecordedRequest) -> Fault | None:
        with self._lock:
            for i, f in enumerate(self._faults):
                if f.matches(rec.path):
                    del self._faults[i]
                    return f
        rule = self.fault_rule
        return rule(rec) if rule is not None else None

    def _error(self, h: _Handler, status: int, etype: str, message: str, headers: dict[str, str] | None = None) -> None:
        rid = self._request_id()
        hdrs = {"request-id": rid, **(headers or {})}
        h.send_json(status, {"type": "error", "error": {"type": etype, "message": message}, "request_id": rid}, hdrs)

    def _send_fault(self, h: _Handler, f: HTTPFault) -> None:
        extra = dict(f.headers)
        if f.retry_after is not None:
            ra = f.retry_after
            extra["retry-after"] = str(int(ra)) if float(ra).is_integer() else str(ra)
        if f.retry_after_ms is not None:
            extra["retry-after-ms"] = str(f.retry_after_ms)
        if f.should_retry is not None:
            extra["x-should-retry"] = "true" if f.should_retry else "false"
        self._error(h, f.status, f.error_type, f.message, extra)

    def _dispatch(self, h: _Handler, rec: RecordedRequest) -> None:
        self._sleep(self.latency)

        if self.api_key is not None and rec.api_key != self.api_key:
            self._error(h, 401, "authentication_error", "invalid x-api-key")
            return

        fault = self._take_fault(rec)
        if isinstance(fault, HTTPFault):
            self._send_fault(h, fault)
            return
        if isinstance(fault, Disconnect):
            h.drop(reset=False)
        if isinstance(fault, Hang):
            self._sleep(fault.seconds)
            h.drop(reset=False)
        if isinstance(fault, Slow):
            self._sleep(fault.delay)
            fault = None

        m, p = rec.method, rec.path
        if m == "POST" and p == "/v1/messages":
            self._messages(h, rec, fault)
        elif m == "POST" and p == "/v1/messages/count_tokens":
            self._count_tokens(h, rec)
        elif m == "POST" and p == "/v1/messages/batches":
            self._batch_create(h, rec)
        elif m == "GET" and p == "/v1/messages/batches":
            self._batch_list(h)
        elif (match := _BATCH_PATH.match(p)) is not None:
            bid, action = match.group(1), match.group(2)
            if m == "GET" and action is None:
                self._batch_retrieve(h, bid)
            elif m == "GET" and action == "/results":
                self._batch_results(h, bid)
            elif m == "POST" and action == "/cancel":
                self._batch_cancel(h, bid)
            elif m == "DELETE" and action is None:
                self._batch_delete(h, bid)
            else:
                self._error(h, 405, "invalid_request_error", f"Method {m} not allowed on {p}")
        else:
            self._error(h, 404, "not_found_error", f"Not found: {m} {p}")

    # -- validation ------------------------------------------------------------------

    def _check_params(self, body: Any) -> str | None:
        """An error message in the API's style, or None if the request looks fine."""
        if not isinstance(body, dict):
            return "Request body must be a JSON object"
        if not self.validate:
            return None
        for key in ("model", "max_tokens", "messages"):
            if key not in body:
                return f"{key}: Field required"
        if not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1:
            return "max_tokens: must be a positive integer"
        msgs = body["messages"]
        if not isinstance(msgs, list) or not msgs:
            return "messages: at least one message is required"
        prev_tool_ids: set[str] = set()
        for i, msg in enumerate(msgs):
            if not isinstance(msg, dict) or msg.get("role") not in ("user", "assistant"):
                return f"messages.{i}.role: Input should be 'user' or 'assistant'"
            content = msg.get("content")
            blocks = content if isinstance(content, list) else []
            if not isinstance(content, (str, list)):
                return f"messages.{i}.content: Input should be a valid string or list"
            results = {b.get("tool_use_id") for b in blocks if isinstance(b, dict) and b.get("type") == "tool_result"}
            if prev_tool_ids and not prev_tool_ids <= results:
                missing = ", ".join(sorted(prev_tool_ids - results))
                return (
                    f"messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                    f"{missing}. Each `tool_use` block must have a corresponding `tool_result` block in the next message."
                )
            stray = results - prev_tool_ids
            if stray:
                return (
                    f"messages.{i}.content: unexpected `tool_use_id` found in `tool_result` blocks: "
                    f"{', '.join(sorted(map(str, stray)))}. Each `tool_result` block must have a corresponding "
                    f"`tool_use` block in the previous message."
                )
            prev_tool_ids = set()
            if msg["role"] == "assistant":
                for j, b in enumerate(blocks):
                    if not isinstance(b, dict):
                        continue
                    if b.get("type") == "tool_use":
                        prev_tool_ids.add(str(b.get("id")))
                    if b.get("type") == "thinking" and self.verify_thinking_signatures:
                        if b.get("signature") != sign_thinking(str(b.get("thinking", ""))):
                            return f"messages.{i}.content.{j}: Invalid `signature` in `thinking` block"
        return None

    # -- /v1/messages ----------------------------------------------------------------

    def _next_reply(self, body: dict[str, Any]) -> Reply | Fault:
        with self._lock:
            queued = self._replies.popleft() if self._replies else None
        if queued is not None:
            return queued
        out = self.responder(body)
        if isinstance(out, str):
            return Reply.text(out)
        return out

    def _message_json(self, reply: Reply, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        ids = [
            (b.id or _new_id("toolu_01")) if isinstance(b, ToolUse) else ""
            for b in reply.blocks
        ]
        content = [b.as_json(ids[i]) if isinstance(b, ToolUse) else b.as_json() for i, b in enumerate(reply.blocks)]
        u = reply.usage
        input_tokens = u.input_tokens
        if input_tokens is None:
            input_tokens = _estimate_tokens([body.get("system"), body.get("messages"), body.get("tools")])
        output_tokens = u.output_tokens if u.output_tokens is not None else _estimate_tokens(content)
        msg = {
            "id": _new_id("msg_01"),
            "type": "message",
            "role": "assistant",
            "model": reply.model or body.get("model") or "claude-fake",
            "content": content,
            "stop_reason": reply.resolved_stop_reason(),
            "stop_sequence": reply.stop_sequence,
            "usage": {
                "input_tokens": input_tokens,
                "cache_creation_input_tokens": u.cache_creation_input_tokens,
                "cache_read_input_tokens": u.cache_read_input_tokens,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": u.cache_creation_input_tokens,
                    "ephemeral_1h_input_tokens": 0,
                },
                "output_tokens": output_tokens,
                "service_tier": "standard",
            },
        }
        return msg, ids

    def _messages(self, h: _Handler, rec: RecordedRequest, fault: Fault | None) -> None:
        problem = self._check_params(rec.body)
        if problem is not None:
            self._error(h, 400, "invalid_request_error", problem)
            return
        body: dict[str, Any] = rec.body
        reply = self._next_reply(body)
        if isinstance(reply, Fault):  # the responder chose to fail this request
            if isinstance(reply, HTTPFault):
                self._send_fault(h, reply)
                return
            if isinstance(reply, Disconnect):
                h.drop(reset=False)
            if isinstance(reply, Hang):
                self._sleep(reply.seconds)
                h.drop(reset=False)
            if isinstance(reply, Slow):
                self._sleep(reply.delay)
                reply = default_responder(body)
            else:
                fault, reply = reply, default_responder(body)
        message, _ = self._message_json(reply, body)
        rid = self._request_id()

        if not body.get("stream"):
            if isinstance(fault, MalformedStream):
                h.send_bytes(200, json.dumps(message).encode("utf-8")[:40], "application/json", {"request-id": rid})
                return
            if isinstance(fault, CutStream):
                data = json.dumps(message).encode("utf-8")
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(data)))
                h.send_header("request-id", rid)
                h.end_headers()
                h.wfile.write(data[: len(data) // 2])
                h.drop(reset=fault.how == "reset")
            h.send_json(200, message, {"request-id": rid})
            return

        h.start_chunked(200, "text/event-stream; charset=utf-8", {"request-id": rid})
        sent = 0
        for name, payload in self._sse_events(message):
            if isinstance(fault, Stall) and sent == fault.after_events:
                self._stall(h, fault)
                fault = None
            if isinstance(fault, MalformedStream) and sent == fault.after_events:
                h.write_chunk(fault.payload())
                fault = None
            if isinstance(fault, (CutStream, StreamError)) and sent >= fault.after_events:
                if isinstance(fault, StreamError):
                    err = {"type": "error", "error": {"type": fault.error_type, "message": fault.message}, "request_id": rid}
                    h.write_chunk(_sse("error", err))
                    h.end_chunked()
                    return
                if fault.how != "clean":
                    h.drop(reset=fault.how == "reset")
                h.end_chunked()
                h.close_connection = True
                return
            h.write_chunk(_sse(name, payload))
            sent += 1
            if self.event_delay and name not in ("message_start", "ping", "message_stop"):
                self._sleep(self.event_delay)
        h.end_chunked()

    def _stall(self, h: _Handler, fault: Stall) -> None:
        if not fault.ping_every:
            self._sleep(fault.seconds)
            return
        left = fault.seconds
        while left > 0 and not self._stop.is_set():
            step = min(fault.ping_every, left)
            self._sleep(step)
            left -= step
            h.write_chunk(_sse("ping", {"type": "ping"}))

    def _sse_events(self, message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        """The event sequence of a streamed message, in the API's order."""
        usage = message["usage"]
        start = dict(message, content=[], stop_reason=None, stop_sequence=None)
        start["usage"] = dict(usage, output_tokens=1)
        yield "message_start", {"type": "message_start", "message": start}
        yield "ping", {"type": "ping"}
        for i, block in enumerate(message["content"]):
            kind = block["type"]
            if kind == "text":
                yield "content_block_start", {"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}}
                for piece in _split_words(block["text"], self.text_chunk_words):
                    yield "content_block_delta", {"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": piece}}
            elif kind == "thinking":
                yield "content_block_start", {"type": "content_block_start", "index": i, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}
                for piece in _split_words(block["thinking"], self.text_chunk_words):
                    yield "content_block_delta", {"type": "content_block_delta", "index": i, "delta": {"type": "thinking_delta", "thinking": piece}}
                yield "content_block_delta", {"type": "content_block_delta", "index": i, "delta": {"type": "signature_delta", "signature": block["signature"]}}
            elif kind == "tool_use":
                yield "content_block_start", {
                    "type": "content_block_start",
                    "index": i,
                    "content_block": {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}},
                }
                text = json.dumps(block["input"])
                pieces = [""] + [text[k : k + self.json_chunk_chars] for k in range(0, len(text), max(1, self.json_chunk_chars))]
                for piece in pieces:
                    yield "content_block_delta", {"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": piece}}
            yield "content_block_stop", {"type": "content_block_stop", "index": i}
        yield "message_delta", {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]},
            "usage": {
                "input_tokens": usage["input_tokens"],
                "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
                "cache_read_input_tokens": usage["cache_read_input_tokens"],
                "output_tokens": usage["output_tokens"],
            },
        }
        yield "message_stop", {"type": "message_stop"}

    def _count_tokens(self, h: _Handler, rec: RecordedRequest) -> None:
        body = rec.body if isinstance(rec.body, dict) else {}
        if self.validate and ("model" not in body or "messages" not in body):
            self._error(h, 400, "invalid_request_error", "model and messages are required")
            return
        n = _estimate_tokens([body.get("system"), body.get("messages"), body.get("tools")])
        h.send_json(200, {"input_tokens": n}, {"request-id": self._request_id()})

    # -- batches ---------------------------------------------------------------------

    def _batch_json(self, b: _Batch) -> dict[str, Any]:
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if b.status == "ended":
            for r in b.results.values():
                counts[r["type"]] += 1
        else:
            counts["processing"] = len(b.custom_ids)
        return {
            "id": b.id,
            "type": "message_batch",
            "processing_status": b.status,
            "request_counts": counts,
            "created_at": _now_rfc3339(b.created),
            "expires_at": _now_rfc3339(b.created + timedelta(hours=24)),
            "ended_at": _now_rfc3339(b.ended) if b.ended else None,
            "cancel_initiated_at": _now_rfc3339(b.cancel_initiated) if b.cancel_initiated else None,
            "archived_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{b.id}/results" if b.status == "ended" else None,
        }

    def _batch_result(self, params: Any) -> dict[str, Any]:
        problem = self._check_params(params)
        if problem is None and isinstance(params, dict) and params.get("stream"):
            problem = "stream: streaming is not supported in batches"
        if problem is not None:
            return _errored("invalid_request_error", problem)
        reply = self._next_reply(params)
        if isinstance(reply, HTTPFault):
            return _errored(reply.error_type, reply.message)
        if isinstance(reply, Fault):
            return _errored("api_error", "Internal server error")
        message, _ = self._message_json(reply, params)
        message["usage"]["service_tier"] = "batch"
        return {"type": "succeeded", "message": message}

    def _batch_create(self, h: _Handler, rec: RecordedRequest) -> None:
        reqs = rec.body.get("requests") if isinstance(rec.body, dict) else None
        if not isinstance(reqs, list) or not reqs:
            self._error(h, 400, "invalid_request_error", "requests: at least one request is required")
            return
        ids: list[str] = []
        for i, r in enumerate(reqs):
            cid = r.get("custom_id") if isinstance(r, dict) else None
            if not isinstance(cid, str) or not cid:
                self._error(h, 400, "invalid_request_error", f"requests.{i}.custom_id: Field required")
                return
            if cid in ids:
                self._error(h, 400, "invalid_request_error", f"requests.{i}.custom_id: duplicate custom_id {cid!r}")
                return
            ids.append(cid)
        results = {r["custom_id"]: self._batch_result(r.get("params")) for r in reqs}
        b = _Batch(id=_new_id("msgbatch_01"), created=datetime.now(UTC), custom_ids=ids, results=results)
        with self._lock:
            self._batches[b.id] = b
            out = self._batch_json(b)
        h.send_json(200, out, {"request-id": self._request_id()})

    def _advance(self, b: _Batch, *, poll: bool) -> None:
        # Caller holds the lock.
        if b.status == "ended":
            return
        if poll:
            b.polls += 1
        if b.status == "canceling":
            if poll:
                b.status, b.ended = "ended", datetime.now(UTC)
            return
        elapsed = (datetime.now(UTC) - b.created).total_seconds()
        if b.polls > self.batch_in_progress_polls and elapsed >= self.batch_processing_seconds:
            b.status, b.ended = "ended", datetime.now(UTC)

    def _get_batch(self, h: _Handler, bid: str) -> _Batch | None:
        with self._lock:
            b = self._batches.get(bid)
        if b is None:
            self._error(h, 404, "not_found_error", f"No message batch with id {bid!r}")
        return b

    def _batch_retrieve(self, h: _Handler, bid: str) -> None:
        b = self._get_batch(h, bid)
        if b is None:
            return
        with self._lock:
            self._advance(b, poll=True)
            out = self._batch_json(b)
        h.send_json(200, out, {"request-id": self._request_id()})

    def _batch_list(self, h: _Handler) -> None:
        with self._lock:
            data = [self._batch_json(b) for b in reversed(list(self._batches.values()))]
        page = {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }
        h.send_json(200, page, {"request-id": self._request_id()})

    def _batch_results(self, h: _Handler, bid: str) -> None:
        b = self._get_batch(h, bid)
        if b is None:
            return
        with self._lock:
            if b.status != "ended":
                ready = None
            else:
                ready = [{"custom_id": cid, "result": b.results[cid]} for cid in b.custom_ids]
        if ready is None:
            self._error(h, 404, "not_found_error", f"Message batch {bid} has not finished processing")
            return
        data = "".join(json.dumps(line) + "\n" for line in ready).encode("utf-8")
        h.send_bytes(200, data, "application/binary", {"request-id": self._request_id()})

    def _batch_cancel(self, h: _Handler, bid: str) -> None:
        b = self._get_batch(h, bid)
        if b is None:
            return
        with self._lock:
            if b.status == "in_progress":
                b.status = "canceling"
                b.cancel_initiated = datetime.now(UTC)
                b.results = {cid: {"type": "canceled"} for cid in b.custom_ids}
            out = self._batch_json(b)
        h.send_json(200, out, {"request-id": self._request_id()})

    def _batch_delete(self, h: _Handler, bid: str) -> None:
        b = self._get_batch(h, bid)
        if b is None:
            return
        with self._lock:
            if b.status != "ended":
                busy = True
            else:
                busy = False
                self._batches.pop(bid, None)
        if busy:
            self._error(h, 400, "invalid_request_error", "A batch that is still processing cannot be deleted; cancel it first")
            return
        h.send_json(200, {"id": bid, "type": "message_batch_deleted"}, {"request-id": self._request_id()})


def _errored(etype: str, message: str) -> dict[str, Any]:
    return {"type": "errored", "error": {"type": "error", "error": {"type": etype, "message": message}}}


def _sse(event: str, payload: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(payload)}\n\n".encode()


def _split_words(text: str, words_per_chunk: int) -> list[str]:
    """Split text into chunks of a few words, keeping every character (whitespace included)."""
    tokens = re.findall(r"\s*\S+\s*|\s+", text)
    if not tokens:
        return [text] if text else []
    n = max(1, words_per_chunk)
    return ["".join(tokens[k : k + n]) for k in range(0, len(tokens), n)]
