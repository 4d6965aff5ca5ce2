"""Imported transcripts on disk, idempotently.

Each run's file is named from who it is and what it held: a readable prefix, 16 hex digits of
a hash of its `ForeignRun.key` (the sample, whatever its content) and 12 of its `source_hash`
(the bytes it was read from):

    <scenario>-<model>-<key16>-<content12>.jsonl

So importing the same source again finds every file already there and writes nothing; a
sample whose key is there under another content hash changed in the source since, and is
reported, never written over.

Each file is written whole under a temporary name in the same folder (a dot name the library
never reads) and renamed into place only once its data is on disk: with `sync`, the
temporary files of a batch are written, the file system is synced once (one `os.sync` per
BATCH files costs a small part of an fsync per file: 0.9 ms a file on the machine this was
measured on, more than the rest of the write), and then the batch is renamed. So a crash or a
power cut at any moment leaves every transcript complete or absent, never torn; a stop leaves
at most the temporary files of one batch, which a stop by signal or error removes."""

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
BATCH = 512  # files renamed into place after one sync


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

    def __init__(self, folder: Path, *, sync: bool = True, batch: int = BATCH):
        self.folder = Path(folder)
        self.sync = sync
        self.batch = batch
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final), written, not yet renamed
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
        """"already" or "changed" for a run the folder holds (or is about to); None for a new one."""
        held = self.known.get(key_digest(key))
        if not held:
            return None
        return "already" if content_digest(source_hash) in held else "changed"

    def add(self, key: str, source_hash: str, prefix: str, text: Callable[[], str]) -> tuple[Outcome, Path | None]:
        """Write the transcript `text()` unless the folder holds its run already; returns what
        happened and the file it goes to (None when nothing was written). The file is in place
        at the latest when `finish` returns."""
        found = self.claim(key, source_hash)
        if found is not None:
            return found, None
        return "imported", self.put(key, source_hash, prefix, text())

    def claim(self, key: str, source_hash: str) -> Outcome | None:
        """None for a run the folder does not hold, which is then counted as held (its text is
        `put` later: a second copy of the same run in the source is "already" there)."""
        found = self.status(key, source_hash)
        if found is None:
            self.known.setdefault(key_digest(key), set()).add(content_digest(source_hash))
        return found

    def put(self, key: str, source_hash: str, prefix: str, text: str) -> Path:
        """Write a claimed run's transcript; it is in place at the latest when `finish` returns."""
        path = self.folder / self.name_for(key, source_hash, prefix)
        self._write(path, text)
        return path

    @staticmethod
    def name_for(key: str, source_hash: str, prefix: str) -> str:
        return f"{_slug(prefix)}-{key_digest(key)}-{content_digest(source_hash)}.jsonl"

    def _write(self, path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
        try:
            with open(tmp, "x", encoding="utf-8") as handle:
                handle.write(text)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._pending.append((tmp, path))
        if len(self._pending) >= self.batch:
            self._commit()

    def _commit(self) -> None:
        """Sync the pending files' data, then rename them into place."""
        if not self._pending:
            return
        if self.sync:
            os.sync()
        while self._pending:
            tmp, path = self._pending[-1]
            os.replace(tmp, path)
            self._pending.pop()

    def abandon(self) -> None:
        """Remove what was written and not yet renamed (the import stopped with an error)."""
        pending, self._pending = self._pending, []
        for tmp, _path in pending:
            tmp.unlink(missing_ok=True)

    def finish(self) -> None:
        """Put every pending file in place, and make the renames durable (one fsync of the folder)."""
        try:
            self._commit()
        except BaseException:
            self.abandon()
            raise
        if not self.sync:
            return
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
