"""`decommission present [DECK] [--notes]`: a facilitator's deck on the main screen, or (with
--notes) the speaker notes that follow it from a second terminal. Without DECK, the shipped
workshop deck. The deck is checked before any screen opens: a bad one is one line, exit 2."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("deck", nargs="?", type=Path, default=None,
                   help="a deck file (YAML; default: the shipped workshop deck)")
    p.add_argument("--notes", action="store_true",
                   help="the speaker notes, following the main screen (run it in a second terminal)")


def deck_path(args: argparse.Namespace) -> Path:
    from game.store.paths import default_deck_path

    return args.deck if args.deck is not None else default_deck_path()


def cmd_present(args: argparse.Namespace) -> int:
    from game.model.errors import UsageError
    from game.present.deck import load_deck
    from game.present.position import state_path
    from game.ui.launch import run_app

    path = deck_path(args)
    if not path.exists():
        raise UsageError(f"{path}: no such deck file")
    loaded = load_deck(path)
    state = state_path(loaded.deck.id)
    if args.notes:
        from game.ui.screens.present_notes import NotesApp

        return run_app(NotesApp(loaded, state))
    from game.present.slides import build
    from game.session.setup import load_library

    presentation = build(loaded, load_library())
    from game.ui.screens.present import PresentApp

    return run_app(PresentApp(presentation, state, str(path)))
