"""`decommission serve [--host 127.0.0.1] [--port 8000]`: the game in a browser, one game per
visitor, every game ended when the server stops. Works with no network (see game/web/).

This module is imported on every start (main.py registers the command), so it loads no web
code: textual-serve and aiohttp come in only when `serve` runs."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from game.model.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
_HOSTNAME_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"  # one dot-separated part of a host name


def _host(text: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_address(text)
        return text
    except ValueError:
        pass
    labels = text.removesuffix(".").split(".")
    if text and len(text) <= 253 and all(re.fullmatch(_HOSTNAME_LABEL, label) for label in labels):
        return text
    raise argparse.ArgumentTypeError(f"{text!r} is not an IP address or a host name")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return port


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", type=_host, default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 for every network)")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--present", nargs="?", const="", default=None, metavar="DECK",
                      help="serve presenter mode (the shipped deck, or DECK) instead of the game")
    what.add_argument("--notes", nargs="?", const="", default=None, metavar="DECK",
                      help="serve the speaker notes of presenter mode (run beside a --present server)")


def served_command(args: argparse.Namespace) -> list[str]:
    """The game's own arguments for each visitor: the title screen, or presenter mode or its
    notes. A deck is checked here, so that a bad one is one line before anything listens."""
    mode = "present" if args.present is not None else "notes" if args.notes is not None else None
    if mode is None:
        return []
    from game.cli.present import deck_path
    from game.model.errors import UsageError
    from game.present.deck import load_deck

    given = args.present if mode == "present" else args.notes
    path = deck_path(argparse.Namespace(deck=Path(given).resolve() if given else None))
    if not path.exists():
        raise UsageError(f"{path}: no such deck file")
    load_deck(path)
    return ["present", str(path)] + (["--notes"] if mode == "notes" else [])


def url_for(host: str, port: int) -> str:
    """Where a browser on this machine opens the game."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def cmd_serve(args: argparse.Namespace) -> int:
    command = served_command(args)
    from game.web.server import GameServer

    def announce() -> None:
        everywhere = " (listening on every network address)" if args.host in ("0.0.0.0", "::") else ""
        what = "" if not command else " for the speaker notes" if "--notes" in command else " for presenter mode"
        print(f"decommission: open {url_for(args.host, args.port)} in a browser{what}{everywhere}; "
              "Ctrl+C stops the server and every game", flush=True)

    server = GameServer(args.host, args.port, announce, command)
    try:
        server.run()
    except OSError as exc:
        import errno

        where = f"{args.host} port {args.port}"
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"{where} is already in use (try another --port)") from None
        raise UsageError(f"cannot listen on {where}: {exc.strerror or exc}") from None
    if not server.games_left:
        print("decommission: stopped; every game has ended", file=sys.stderr)
    return 0
