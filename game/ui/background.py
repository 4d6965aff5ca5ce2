"""Work that reads files (the scenario, the library) runs on a daemon thread of its own, not
on Textual's thread workers: those run in the event loop's default executor, which the
interpreter waits for at exit, so a read that hangs (a slow disk, a network mount) would keep
Ctrl+Q from ever quitting. A daemon thread is left behind when the app ends."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def in_background(app: Any, job: Callable[[], T], done: Callable[[T], Any],
                  failed: Callable[[BaseException], Any], name: str = "decommission-load") -> None:
    """Run `job()` on a daemon thread; then `done(result)` or `failed(exc)` on the UI thread
    (nothing, if the app has ended meanwhile)."""

    def deliver(callback: Callable[[Any], Any], value: Any) -> None:
        if not app.is_running:
            return  # the app is gone: nobody is waiting for this any more
        try:
            app.call_from_thread(callback, value)
        except RuntimeError:
            pass  # it went while this was on its way

    def run() -> None:
        try:
            result = job()
        except Exception as exc:
            deliver(failed, exc)
        else:
            deliver(done, result)

    threading.Thread(target=run, name=name, daemon=True).start()
