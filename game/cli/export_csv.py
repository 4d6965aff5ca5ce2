"""`decommission export --format csv [-o OUT] [FILE|DIR...]`: per-sample labels of the
transcripts given (by default the library's), one row per assistant turn
(game.render.csv_export)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game.model.errors import UsageError

TRANSCRIPT_MARK = b'"decommission-transcript"'


def _refuse_writing_over_input(output: Path, inputs: list[Path]) -> None:
    """Never write over a file read: one given, or a transcript of a folder given (the CSV may
    be asked to go into the library it describes)."""
    from game.store.bounded import MAX_HEADER_LINE_BYTES, RefusedFile, open_regular
    from game.store.files import refuse_overwriting

    refuse_overwriting(output, *inputs)
    if not os.path.lexists(output):
        return
    if not output.is_file():  # said before the library is read, not after
        raise UsageError(f"{output}: is not a regular file; choose another output")
    try:
        with open_regular(output, 1 << 62) as handle:
            first = handle.readline(MAX_HEADER_LINE_BYTES)
    except (RefusedFile, OSError):
        return  # not a regular file: write_text_atomic says so
    if TRANSCRIPT_MARK in first:
        raise UsageError(f"{output}: is a transcript; choose another output (-o)")


def cmd_export_csv(args: argparse.Namespace) -> int:
    from game.render.csv_export import write_labels_csv
    from game.store.library import Library

    paths: list[Path] = list(args.files)
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    if not paths:
        from game.store.paths import shipped_transcripts_dir, user_data_dir

        paths = [shipped_transcripts_dir(), user_data_dir() / "transcripts"]
    if args.output:
        _refuse_writing_over_input(args.output, list(args.files))
    library = Library.scan(*paths)
    for problem in library.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.output:
        from game.store.files import write_atomic

        write_atomic(args.output, lambda handle: write_labels_csv(library.transcripts, handle))
        print(f"wrote {args.output} ({len(library.transcripts)} transcripts)", file=sys.stderr)
    else:
        write_labels_csv(library.transcripts, sys.stdout)
    return 0
