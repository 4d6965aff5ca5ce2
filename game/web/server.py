"""The web server behind `decommission serve`: textual-serve, with our page and our manners.

textual-serve starts one game per websocket (so one per browser page) as a subprocess and
relays its screen to xterm.js. What we change, and why:
- the page is our template (game/web/templates/app_index.html): the stock one loads a font from
  fonts.googleapis.com, and a room with no network gets a broken page;
- it announces itself with one line, once the port is really listening, and logs nothing else
  (textual-serve prints a banner and an access log, and announces before binding);
- on SIGINT or SIGTERM every game is told to quit and waited for before the server exits
  (textual-serve leaves open websockets to aiohttp, which waits a minute for them)."""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from game.web import TEMPLATES

SHUTDOWN_GRACE = 10.0  # seconds the games have to close once told to quit


def game_command(arguments: Sequence[str] = ()) -> str:
    """The shell command textual-serve runs for each visitor: this interpreter's own game, its
    title screen unless `arguments` say otherwise (presenter mode). `exec` puts the game in the
    shell's place, so no shell lingers beside it."""
    return " ".join(["exec", shlex.quote(sys.executable), "-m", "game.cli", *map(shlex.quote, arguments)])


class _OneLine(logging.Formatter):
    """A log record as one plain line: no traceback, unless DECOMMISSION_DEBUG is set."""

    def format(self, record: logging.LogRecord) -> str:
        if os.environ.get("DECOMMISSION_DEBUG"):
            return super().format(record)
        return f"decommission serve: {record.getMessage()}"


class GameServer(Server):
    def __init__(self, host: str, port: int, announce: Callable[[], None], arguments: Sequence[str] = ()) -> None:
        super().__init__(game_command(arguments), host=host, port=port, title="decommission",
                         templates_path=TEMPLATES)
        self._announce = announce
        self._visits: set[asyncio.Task[Any]] = set()
        self.games_left = 0  # games still running when the server stopped (after the grace)

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLine())
        for name in ("textual-serve", "aiohttp"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.WARNING)
            logger.propagate = False

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM. A port that cannot be bound raises OSError."""
        self.initialize_logging()
        web.run_app(
            self._make_app(),  # textual-serve's routes: the page, /ws, /download, /static
            host=self.host,
            port=self.port,
            print=lambda _message: self._announce(),  # called once the sockets listen
            access_log=None,
            handle_signals=True,  # SIGINT and SIGTERM end the loop; on_shutdown then runs
            shutdown_timeout=SHUTDOWN_GRACE,
        )

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its banner here; we announce once listening (see run)."""

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One visitor's game, from textual-serve, kept track of so that shutdown can end it."""
        visit = asyncio.current_task()
        assert visit is not None
        self._visits.add(visit)
        try:
            return await super().handle_websocket(request)
        finally:
            self._visits.discard(visit)

    async def on_shutdown(self, app: web.Application) -> None:
        """Cancelling a visit makes textual-serve send its game "quit" and wait for it to exit."""
        visits = set(self._visits)
        for visit in visits:
            visit.cancel()
        if visits:
            _, pending = await asyncio.wait(visits, timeout=SHUTDOWN_GRACE)
            self.games_left = len(pending)
            if pending:
                logging.getLogger("textual-serve").warning(
                    "%d game(s) did not stop within %g s", len(pending), SHUTDOWN_GRACE)
