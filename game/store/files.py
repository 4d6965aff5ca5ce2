"""Files written whole: under a temporary name in the same folder, synced, then renamed over
the target, so that a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from game.model.errors import UsageError


def refuse_overwriting(output: Path, *inputs: Path) -> None:
    """A command must not write over a file it reads: `export t.jsonl -o t.jsonl`."""
    for source in inputs:
        try:
            same = output.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            raise UsageError(f"{output}: is the input file; choose another output (-o)")


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda handle: handle.write(text))


def write_atomic(path: Path, fill: Callable[[TextIO], object]) -> None:
    """The file `path`, as `fill` writes it to the handle it is given (a large output is
    written as it is made, never held whole), in place only once it is complete and synced."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path}: is not a regular file; choose another output")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
