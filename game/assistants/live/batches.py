"""Sending the requests of many trials through the Message Batches API.

Every trial runs its normal session; when its live assistant needs a reply it hands the request
to the collector and waits. When every running trial is waiting, the collector sends all their
requests as one batch, polls until it has ended, and hands each trial its reply. The trials
then move on (write their events, make their choices) and ask again. So all trials go through
the story in step: one batch per turn depth (and per tool round within a turn, when the model
keeps calling tools), which is what a multi-turn path needs, since turn 2 cannot be asked
before turn 1 has come back.

A request that comes back errored, expired or canceled is sent again in the next batch, up to
`attempts` times; then its trial fails with a LiveError."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from game.assistants.live.client import scrub, translate_error
from game.assistants.live.errors import LiveError
from game.assistants.live.settings import LiveSettings


@dataclass
class _Waiting:
    params: dict[str, Any]
    future: asyncio.Future[Any]
    tries: int = 0


class BatchCollector:
    def __init__(
        self,
        client: Any,
        settings: LiveSettings,
        *,
        poll_interval: float = 30.0,
        attempts: int = 3,
        api_key: str | None = None,
        on_status: Callable[[str], Any] | None = None,
    ):
        self.client = client
        self.settings = settings
        self.poll_interval = poll_interval
        self.attempts = attempts
        self.on_status = on_status
        self._key = api_key
        self._active = 0
        self._waiting: dict[str, _Waiting] = {}
        self._ids = itertools.count(1)
        self._flushing: asyncio.Task[None] | None = None
        self.batches: list[str] = []  # ids of the batches sent, in order

    # Trials say when they start and stop, so the collector knows when all of them wait.
    def join(self, count: int = 1) -> None:
        self._active += count

    def leave(self) -> None:
        self._active -= 1
        self._maybe_flush()

    async def send(self, params: dict[str, Any]) -> Any:
        """The reply message for `params`, once the batch holding it has ended."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        # custom_id must be short and plain; our own counter, mapped back to the trial's future.
        self._waiting[f"req-{next(self._ids):06d}"] = _Waiting(params, future)
        self._maybe_flush()
        return await future

    def _maybe_flush(self) -> None:
        if self._flushing is None and self._waiting and len(self._waiting) >= self._active:
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        batch, self._waiting = self._waiting, {}
        try:
            results = await self._run_batch(batch)
        except LiveError as error:
            for item in batch.values():
                if not item.future.done():
                    item.future.set_exception(error)
            results = {}
        except BaseException as exc:  # cancelled while polling: the trials go down with it
            for item in batch.values():
                if not item.future.done():
                    item.future.set_exception(
                        LiveError(f"the batch was interrupted ({type(exc).__name__})", retryable=True)
                    )
            raise
        for custom_id, item in batch.items():
            if item.future.done():
                continue
            result = results.get(custom_id)
            kind = getattr(result, "type", "missing")
            if kind == "succeeded" and result is not None:
                item.future.set_result(result.message)
                continue
            item.tries += 1
            if item.tries < self.attempts:
                self._waiting[custom_id] = item  # again, in the next batch
            else:
                item.future.set_exception(LiveError(self._failure(kind, result), retryable=True))
        self._flushing = None
        self._maybe_flush()

    def _failure(self, kind: str, result: Any) -> str:
        detail = ""
        if kind == "errored":
            error = getattr(getattr(result, "error", None), "error", None)
            detail = f": {getattr(error, 'type', '')} {getattr(error, 'message', '')}".rstrip()
        return scrub(f"a batch request came back {kind} {self.attempts} times{detail}", self._key)

    async def _run_batch(self, batch: dict[str, _Waiting]) -> dict[str, Any]:
        import anthropic

        requests = [{"custom_id": cid, "params": item.params} for cid, item in batch.items()]
        try:
            created = await self.client.messages.batches.create(requests=requests)
            self.batches.append(created.id)
            self._say(f"Batch {len(self.batches)} sent: {len(requests)} request(s)")
            status = created
            while status.processing_status != "ended":
                await asyncio.sleep(self.poll_interval)
                status = await self.client.messages.batches.retrieve(created.id)
            return {r.custom_id: r.result async for r in await self.client.messages.batches.results(created.id)}
        except anthropic.APIError as exc:
            raise translate_error(exc, self.settings, self._key) from None

    def _say(self, message: str) -> None:
        if self.on_status is not None:
            self.on_status(message)
