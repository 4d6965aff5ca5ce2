"""`decommission handout [DECK] [-o FILE]`: one self-contained HTML page for the room (see
game.render.handout). Without -o the page goes to stdout; an existing FILE is never
overwritten."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("deck", nargs="?", type=Path, default=None,
                   help="the deck whose moment and questions it shows (default: the shipped workshop deck)")
    p.add_argument("-o", "--output", type=Path, default=None, help="the HTML file to write (never overwritten)")


def cmd_handout(args: argparse.Namespace) -> int:
    from game.cli.present import deck_path
    from game.model.errors import UsageError
    from game.present.deck import load_deck
    from game.present.slides import build
    from game.render.handout import handout_html
    from game.session.setup import load_library

    path = deck_path(args)
    if not path.exists():
        raise UsageError(f"{path}: no such deck file")
    output = args.output
    if output is not None and (output.exists() or output.is_symlink()):
        raise UsageError(f"{output}: already exists; choose another name (-o) or remove it first")
    loaded = load_deck(path)
    library = load_library()
    text = handout_html(build(loaded, library), library)
    if output is None:
        sys.stdout.write(text)
        return 0
    from game.store.files import refuse_overwriting, write_text_atomic

    refuse_overwriting(output, path)
    if not output.parent.is_dir():
        raise UsageError(f"{output.parent}: no such folder")
    write_text_atomic(output, text)
    print(f"wrote {output}", file=sys.stderr)
    return 0
