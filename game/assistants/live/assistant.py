"""The live assistant: a Claude model, through the Anthropic Messages API, plays the assistant.

`anthropic` is imported only here (and in game/judge.py), and only when a client is first
needed, so the rest of the game starts without paying for it.

How a turn is asked for:
- The conversation is rebuilt from `session.events` on every turn, never kept in memory, so a
  resumed session (events replayed from a transcript) continues exactly where it stopped.
- Each past assistant turn is replayed as the API saw it: the raw content blocks of every
  round (text, thinking with its signature, tool calls) are stored in the turn's `meta` under
  `exchange`, with the tool results we gave. Turns that came from elsewhere (scripted or
  recorded, after a switch) are replayed as plain assistant text.
- Everything that reached the assistant between its turns (emails delivered to its inbox,
  messages from the player, bounces, the operator's decision on held mail) arrives as one user
  message written as plain email text, headed by the in-story time; the beat's instruction, if
  any, comes last. The time lives there rather than in the system prompt so that the system
  prompt and tools stay one unchanging, cacheable prefix.
- The model acts through a native `send_email` tool. Within one turn it may call it several
  times: every call is answered ("queued for delivery", or "held for the operator's approval"
  in scenes that hold mail) and the model continues, up to `max_rounds` requests. Bounces
  from people out of reach under the condition come back later, as auto-replies in its inbox
  (the engine decides them, as for every other assistant).

Faults are handled one request at a time (a turn of several rounds keeps the rounds already
done): the request that failed is sent again, up to `max_retries` more times, after a backoff
that doubles with jitter (or the server's retry-after). Every transient failure counts alike:
429, 529, 5xx, a connection that could not be made or dropped mid-reply, a stream that stalls
(no headers within `first_byte_timeout`, no bytes for `idle_timeout`) or a reply asked whole that
has not come within `whole_reply_timeout()`, a stream or body that cannot be parsed, and a reply
whose content we cannot use (validated at the boundary, game/assistants/live/reply.py). A request
that stalls `max_stalls` times is given up early, so a dead server holds a streamed turn for
about a minute, not for many read timeouts (a turn asked whole, for twice its reply bound). The SDK's own retries are off for these requests, so that
every attempt is counted, bounded and told to the player (`on_status`, `on_attempt`). What is
left is raised as `LiveError` with one plain sentence and `retryable`. The API key is never
written anywhere and is scrubbed from every message."""

from __future__ import annotations

import asyncio
import importlib
import os
import random
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from game.assistants.base import Attempt, ProgressSink, Reply, Retrying
from game.assistants.live.client import _seconds, make_client, scrub
from game.assistants.live.errors import LiveError, RequestFailed
from game.assistants.live.exchange import TurnExchange
from game.assistants.live.settings import API_KEY_ENV, DEFAULT_MODEL, MODEL_ENV, LiveSettings
from game.assistants.live.streaming import stream_once
from game.assistants.live.unstreamed import request_once
from game.core.engine import AwaitTurn, Session
from game.model.events import Provenance
from game.scenario.schema import Scenario

Sender = Callable[[dict[str, Any]], Awaitable[Any]]


async def _sdk_loaded() -> None:
    """Import the SDK (and its HTTP stack) on a worker thread the first time: importing it
    takes most of a second, and on the event loop that freezes the play screen (or every
    trial of a recording) while the first turn is asked for."""
    if "anthropic" not in sys.modules:
        await asyncio.to_thread(importlib.import_module, "anthropic")


class LiveAssistant:
    """An assistant whose turns come from a model. While a turn is produced it reports typed
    progress (game.assistants.base) to the `progress` sink of `respond`: `Streamed` pieces of
    reply and reasoning, `Attempt(n)` before each attempt of a request, `Retrying(message)`
    when a request failed and is about to be sent again. A turn is one request or several
    (rounds), and each request is retried on its own: from Attempt(2) on, what streamed since
    that request's first attempt began is void (StreamedSoFar drops it)."""

    name = "live"

    def __init__(
        self,
        scenario: Scenario,
        settings: LiveSettings | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        client: Any = None,
        send: Sender | None = None,
        streaming: bool = True,
    ):
        """`client`: an SDK client to share (else one is made, and closed by `aclose`); one
        made without retries (`client.with_options(max_retries=0)`) is used as it is.
        `streaming`: stream every reply (live play: the player watches it arrive; a stall is
        noticed within `idle_timeout`), or ask for it whole (`record`: cheaper for the client,
        bounded by `LiveSettings.whole_reply_timeout`). `send`: the batch path's own way of
        getting a reply."""
        self.scenario = scenario
        self.settings = settings or LiveSettings()
        self._api_key = api_key
        self._base_url = base_url
        self._client = client
        self._owns_client = client is None
        self._request_client: Any = None
        self._random = random.Random()
        self._send = send
        self.streaming = streaming
        self.date = date.today().isoformat()

    @classmethod
    def from_environment(cls, scenario: Scenario, model: str | None = None, **params: Any) -> LiveAssistant:
        """Model from `model`, else $DECOMMISSION_MODEL, else DEFAULT_MODEL; key from
        $ANTHROPIC_API_KEY; base URL from $ANTHROPIC_BASE_URL (read by the SDK)."""
        key = os.environ.get(API_KEY_ENV, "").strip()
        if not key:
            raise LiveError(f"no API key: set {API_KEY_ENV} to play against a live model", retryable=False)
        chosen = model or os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL
        try:
            settings = LiveSettings(model=chosen, **params)
        except (TypeError, ValueError) as exc:
            raise LiveError(f"bad live model settings: {exc}", retryable=False) from None
        return cls(scenario, settings, api_key=key)

    def provenance(self) -> Provenance:
        return Provenance(
            kind="recorded", model=self.settings.model, parameters=self.settings.parameters(), date=self.date
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            if not self._api_key:
                raise LiveError(f"no API key: set {API_KEY_ENV} to play against a live model", retryable=False)
            self._client = make_client(self.settings, self._api_key, self._base_url)
        return self._client

    @property
    def request_client(self) -> Any:
        """The client for this assistant's requests: the same connections, without the SDK's
        retries (every attempt is ours, counted and bounded)."""
        if self._request_client is None:
            client = self.client
            self._request_client = client if client.max_retries == 0 else client.with_options(max_retries=0)
        return self._request_client

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.close()
            self._client = None
            self._request_client = None

    async def respond(self, session: Session, request: AwaitTurn, progress: ProgressSink | None = None) -> Reply:
        await _sdk_loaded()
        exchange = TurnExchange(self.settings, session, request)
        sent = 0
        while True:
            done, attempts = await self._round(exchange, progress)
            sent += attempts
            if done:
                return exchange.reply(sent)

    async def _round(self, exchange: TurnExchange, progress: ProgressSink | None) -> tuple[bool, int]:
        """Send the turn's next request until a usable reply comes back; returns whether the
        turn is complete and how many attempts it took. Rounds already done are kept."""
        limit = self.settings.max_retries + 1
        stalls = 0
        for attempt in range(1, limit + 1):
            if progress is not None:
                progress(Attempt(attempt))
            try:
                message, request_id = await self._request(exchange.params(), progress)
                return exchange.add(message, request_id), attempt
            except RequestFailed as failure:
                stalls += failure.kind == "stall"
                if attempt == limit or stalls >= self.settings.max_stalls:
                    raise self._give_up(failure, attempt, stalls) from None
                delay = failure.wait if failure.wait is not None else self._backoff(attempt)
                if progress is not None:
                    what = f"{failure.what}; retrying this request in {_seconds(delay)} s (attempt {attempt + 1} of {limit})"
                    progress(Retrying(scrub(what, self._api_key)))
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Seconds before attempt `attempt + 1`: doubling from `backoff`, with jitter (so that
        trials that failed together do not come back together), at most 30 s."""
        return min(self.settings.backoff * 2 ** (attempt - 1), 30.0) * self._random.uniform(0.5, 1.5)

    def _give_up(self, failure: RequestFailed, attempts: int, stalls: int) -> LiveError:
        if failure.final is not None:
            return failure.final
        reason = failure.what[0].lower() + failure.what[1:]
        if failure.kind == "stall" and stalls > 1:
            message = f"the API went silent {stalls} times (last: {reason}); try again later, or switch to recorded"
        elif failure.kind == "cut":
            message = (
                f"the connection to the API kept dropping in the middle of the reply ({attempts} attempts; "
                f"last: {reason}); try again, or switch to recorded"
            )
        else:
            message = (
                f"the API's reply could not be used ({attempts} attempts; last: {reason}); "
                "try again, or switch to recorded"
            )
        return LiveError(scrub(message, self._api_key), retryable=True)

    async def _request(self, params: dict[str, Any], progress: ProgressSink | None) -> tuple[Any, str | None]:
        if self._send is not None:
            return await self._send(params), None
        if self.streaming:
            return await stream_once(self.request_client, params, self.settings, self._api_key, progress)
        return await request_once(self.request_client, params, self.settings, self._api_key)
