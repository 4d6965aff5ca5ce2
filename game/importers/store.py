"""Imported transcripts on disk, idempotently.

Each run's file is named from who it is and what it held: a readable prefix, 16 hex digits of
a hash of its `ForeignRun.key` (the sample, whatever its content) and 12 of its `source_hash`
(the bytes it was read from):

    <scenario>-<model>-<key16>-<content12>.jsonl

So importing the same source again finds every file already there and writes nothing; a
sample whose key is there under another content hash changed in the source since, and is
reported, never written over. Each file is written whole under a temporary name in the same
folder and renamed into place: a run stopped at any moment leaves a file complete or absent
(and at most one temporary file, whose name the library never reads)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from game.model.errors import UsageError

Outcome = Literal["imported", "already", "changed"]
_NAME = re.compile(r"-(?P<key>[0-9a-f]{16})-(?P<content>[0-9a-f]{12})\.jsonl$")
TEMP_SUFFIX = ".tmp"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def content_digest(source_hash: str) -> str:
    digest = source_hash.split(":", 1)[-1]
    if not re.fullmatch(r"[0-9a-f]{12,}", digest):
        digest = hashlib.sha256(source_hash.encode("utf-8")).hexdigest()
    return digest[:12]


def _slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "run"


class ImportStore:
    """The folder imports go to, and what is in it already (read once, from file names)."""

    def __init__(self, folder: Path, *, sync: bool = True):
        self.folder = Path(folder)
        self.sync = sync
        if self.folder.exists() and not self.folder.is_dir():
            raise UsageError(f"{self.folder}: is not a folder; choose another --out")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with os.scandir(self.folder) as listing:
                names = [entry.name for entry in listing]
        except OSError as exc:
            raise UsageError(f"{self.folder}: cannot be used for the imports ({exc.strerror or exc})") from None
        self.known: dict[str, set[str]] = {}
        for name in names:
            m = _NAME.search(name)
            if m and not name.startswith("."):
                self.known.setdefault(m.group("key"), set()).add(m.group("content"))

    def status(self, key: str, source_hash: str) -> Outcome | None:
        """"already" or "changed" for a run the folder holds; None for a new one."""
        held = self.known.get(key_digest(key))
        if not held:
            return None
        return "already" if content_digest(source_hash) in held else "changed"

    def add(self, key: str, source_hash: str, prefix: str, text: Callable[[], str]) -> tuple[Outcome, Path | None]:
        """Write the transcript `text()` unless the folder holds its run already; returns what
        happened and the file written (None when nothing was)."""
        found = self.status(key, source_hash)
        if found is not None:
            return found, None
        k, c = key_digest(key), content_digest(source_hash)
        path = self.folder / f"{_slug(prefix)}-{k}-{c}.jsonl"
        self._write(path, text())
        self.known.setdefault(k, set()).add(c)
        return "imported", path

    def _write(self, path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
        try:
            with open(tmp, "x", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                if self.sync:
                    os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def finish(self) -> None:
        """Make the renames themselves durable: one fsync of the folder."""
        try:
            fd = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
