"""The transcript library: every transcript on disk, indexed by scenario, condition, role and
path. Which are model data is decided here (recorded or imported, every turn a model's, not a
replay); what is counted from them is game.analysis.stats.

The library holds one compact entry per transcript (game.store.index), not its events: reading
it costs one stat per file when the index is cached, and a transcript is read whole only when
it is replayed (`entry.load()`)."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.model.labels import MODEL_SOURCES, most_severe
from game.store.bounded import find_paths
from game.store.index import FolderCache, IndexEntry, entry_for

if TYPE_CHECKING:  # read only on the cold path (a transcript not in the cache), imported there
    from game.store.transcripts import Transcript


def steps(events: Iterable[Any]) -> list[str]:
    """The player's path through a transcript, in the engine's `id=value` form."""
    from game.model.events import AssistantTurn, ChoiceMade

    out: list[str] = []
    for event in events:
        if isinstance(event, ChoiceMade):
            out.append(f"{event.choice_id}={event.option_id}")
        elif isinstance(event, AssistantTurn):
            out.append(f"{event.turn_id}={event.classification.label}")
    return out


def worst_label(transcript: Transcript | IndexEntry, model_only: bool = False) -> str | None:
    """The most severe label of a transcript's assistant turns (None without turns)."""
    if isinstance(transcript, IndexEntry):  # worked out when it was indexed
        return transcript.worst_model if model_only else transcript.worst
    labels = [t.label for t in transcript.turns if not model_only or t.source in MODEL_SOURCES]
    return most_severe(labels, transcript.header.labels) if labels else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a library is read. Reading 100,000 entries makes
    half a million objects that all live on, and the collector, run every 700 of them, walks
    the whole growing heap again and again: a quarter of a warm scan's time at that size, for
    no garbage (reference counting frees what the scan drops). Given back when done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class Library:
    transcripts: list[IndexEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be read, one line each

    @classmethod
    def scan(cls, *dirs: str | Path, cache: bool = True) -> Library:
        """Every transcript in the folders (or files) given. What cannot be read is a line in
        `problems`, never a failure: a folder that cannot be listed, a FIFO, device or symlink
        to one (refused unread), a file too big or damaged. A folder that does not exist yet
        is simply empty. A folder's entries come from its cached index when a file's size and
        modification time are those it was indexed with (`cache=False`: read every file)."""
        with collector_paused():
            return cls._scan(dirs, cache)

    @classmethod
    def _scan(cls, dirs: tuple[str | Path, ...], cache: bool) -> Library:
        lib = cls()
        seen: set[object] = set()
        for root in dirs:
            root = Path(root)
            folder: FolderCache | None = None
            if root.is_dir():
                files, unlisted = find_paths(root, (".jsonl",))
                lib.problems.extend(f"{folder}: {reason}" for folder, reason in unlisted)
                folder = FolderCache(root).load() if cache else None
            else:
                files = [str(root)] if os.path.lexists(root) else []
            for name in files:
                try:
                    info: os.stat_result | None = os.stat(name)
                except OSError:
                    info = None
                # The same file reached twice (two folders given, a symlink) is counted once.
                regular = info is not None and stat.S_ISREG(info.st_mode)
                # One int per file rather than a tuple: 100,000 of them are held at once.
                key: object = (info.st_dev << 64 | info.st_ino) if info is not None and regular \
                    else Path(name).resolve()
                if key in seen:
                    continue
                seen.add(key)
                entry = folder.get(name, info.st_size, info.st_mtime_ns) \
                    if folder is not None and info is not None and regular else None
                if entry is None:
                    from game.store.transcripts import TranscriptError, read_transcript

                    try:
                        entry = entry_for(read_transcript(name))
                    except TranscriptError as exc:
                        lib.problems.append(str(exc))
                        continue
                    entry._provenance = None  # kept compact: built again when asked for
                    if folder is not None and info is not None and regular:
                        folder.put(name, (info.st_size, info.st_mtime_ns), entry)
                lib.transcripts.append(entry)
                lib.problems.extend(entry.warnings)
            if folder is not None:
                folder.save()
        return lib

    def model_transcripts(self) -> Iterator[IndexEntry]:
        """Transcripts whose assistant was a model (recorded or imported, not a replay)."""
        return (t for t in self.transcripts if t.is_model_data)

    def finished_model_transcripts(self) -> Iterator[IndexEntry]:
        """Model runs that reached an ending: only these are rollouts that rates count."""
        return (t for t in self.model_transcripts() if t.ending is not None)

    def scripted_transcripts(self) -> Iterator[IndexEntry]:
        return (t for t in self.transcripts if t.kind == "scripted")

    def select(
        self,
        *,
        scenario_id: str | None = None,
        scenario_hash: str | None = None,
        condition_id: str | None = None,
        role: str | None = None,
        model_only: bool = False,
    ) -> list[IndexEntry]:
        pool = self.model_transcripts() if model_only else iter(self.transcripts)
        return [
            t for t in pool
            if (scenario_id is None or t.scenario_id == scenario_id)
            and (scenario_hash is None or t.scenario_hash == scenario_hash)
            and (condition_id is None or t.condition_id == condition_id)
            and (role is None or t.role == role)
        ]

    def has_model_data(self, scenario_hash: str) -> bool:
        return any(t.scenario_hash == scenario_hash for t in self.model_transcripts())

    def imported_count(self, scenario_id: str) -> int:
        """Imported runs counted under `scenario_id` (another project's runs, of its own story)."""
        return sum(1 for t in self.transcripts if t.kind == "imported" and t.scenario_id == scenario_id)

    def entry(self, path: str) -> IndexEntry | None:
        return next((t for t in self.transcripts if t.path == path), None)
