"""The library's index: one compact entry per transcript (its header's ids, its checked
provenance, the labels of its assistant turns and who gave them, its ending), so that listing,
counting and comparing never hold a transcript's events. A transcript's events are read only
when it is replayed (`IndexEntry.load`).

The entries of one library folder are cached in one file under the user's cache folder, keyed
by each transcript's path, size and modification time (in ns): a transcript whose size or time
changed is read again, one that is gone drops out. The cache is only ever a copy of what the
transcripts say: written whole under a temporary name and renamed; any damage in it (cut off,
edited, another version's) makes it be rebuilt from the transcripts, never a failure."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.model.events import AssistantTurn, Ending, Provenance
from game.store.transcripts import Transcript, TranscriptError, read_transcript

INDEX_FORMAT = "decommission-library-index"
# Bump when what an entry holds, or how it is derived from a transcript, changes: an older
# cache is then rebuilt.
INDEX_VERSION = 1
# A cache file is ours, but it is read as carefully as any file: never past this size (a
# million transcripts' entries), never a FIFO.
MAX_CACHE_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Verdict:
    """An imported run's own verdict, as far as the index keeps it."""

    harmful: bool | None
    classifier_verdict: bool | None
    model: str | None


@dataclass(frozen=True, slots=True)
class TurnEntry:
    """One assistant turn as the index keeps it: where it was, who wrote it, its label and who
    gave that label. Equal entries are shared between transcripts."""

    turn_id: str
    scene: str
    source: str
    label: str
    method: str
    confidence: str
    heuristic_label: str | None
    judge_label: str | None
    verdict: Verdict | None

    @property
    def classification(self) -> TurnEntry:
        """The same names as a turn's Classification (label, method, heuristic_label...)."""
        return self


@dataclass(frozen=True, slots=True)
class EndingEntry:
    outcome: str
    title: str


@dataclass(slots=True)
class IndexEntry:
    """What the library knows of one transcript without its events. It has the header's names
    (`entry.header.condition_id` reads as it does on a Transcript: the entry is its own
    header), `turns`, `ending` and `provenance` as a Transcript has them; `load()` reads the
    whole transcript."""

    path: str
    id: str
    scenario_id: str
    scenario_hash: str
    scenario_version: int
    condition: dict[str, str]
    condition_id: str
    role: str
    seed: int
    labels: tuple[str, ...]
    created_at: str
    kind: str  # the checked provenance's kind (see Transcript.provenance)
    model: str | None
    is_model_data: bool
    provenance_json: str
    turns: tuple[TurnEntry, ...]
    ending: EndingEntry | None
    warnings: tuple[str, ...] = ()
    _provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def header(self) -> IndexEntry:
        return self

    @property
    def provenance(self) -> Provenance:
        """The checked provenance, built when first asked for (listing and counting use `kind`,
        `model` and `is_model_data`, which are kept as they are)."""
        if self._provenance is None:
            self._provenance = Provenance.model_validate_json(self.provenance_json)
        return self._provenance

    @property
    def truncated(self) -> bool:
        return any("truncated" in w for w in self.warnings)

    def load(self) -> Transcript:
        """The whole transcript, read from its file now (TranscriptError if it no longer reads)."""
        return read_transcript(self.path)


# -- from a transcript -----------------------------------------------------------------------
_shared: dict[Any, Any] = {}


def _share(value: Any) -> Any:
    """One object for equal values: most entries repeat the same conditions, labels and turns."""
    if isinstance(value, str):
        return sys.intern(value)
    key = (type(value), tuple(sorted(value.items())) if isinstance(value, dict) else value)
    return _shared.setdefault(key, value)


def _turn_entry(turn: AssistantTurn) -> TurnEntry:
    c = turn.classification
    verdict = Verdict(c.source.harmful, c.source.classifier_verdict, c.source.model) if c.source else None
    return _share(TurnEntry(turn.turn_id, turn.scene, turn.source, c.label, c.method, c.confidence,
                            c.heuristic_label, c.judge_label, verdict))


def entry_for(transcript: Transcript) -> IndexEntry:
    h = transcript.header
    provenance = transcript.provenance
    ending: Ending | None = transcript.ending
    return IndexEntry(
        path=transcript.path, id=h.id, scenario_id=_share(h.scenario_id), scenario_hash=_share(h.scenario_hash),
        scenario_version=h.scenario_version, condition=_share(dict(h.condition)),
        condition_id=_share(h.condition_id), role=_share(h.role), seed=h.seed,
        labels=_share(tuple(h.labels)), created_at=h.created_at, kind=provenance.kind, model=provenance.model,
        is_model_data=provenance.is_model_data,
        provenance_json=provenance.model_dump_json(exclude_defaults=True),
        turns=tuple(_turn_entry(t) for t in transcript.turns),
        ending=_share(EndingEntry(ending.outcome, ending.title)) if ending is not None else None,
        warnings=tuple(transcript.warnings), _provenance=provenance,
    )


# -- the cache file --------------------------------------------------------------------------
def cache_file(folder: Path) -> Path:
    """The cache of one library folder: named by a hash of its resolved path."""
    from game.store.paths import user_cache_dir

    name = hashlib.sha256(os.fsencode(folder.resolve())).hexdigest()[:32]
    return user_cache_dir() / "library-index" / f"{name}.jsonl"


Stamp = tuple[int, int]  # size, mtime_ns


def _encode_turn(t: TurnEntry) -> list[Any]:
    verdict = [t.verdict.harmful, t.verdict.classifier_verdict, t.verdict.model] if t.verdict else None
    return [t.turn_id, t.scene, t.source, t.label, t.method, t.confidence, t.heuristic_label, t.judge_label,
            verdict]


def _decode_turn(raw: list[Any]) -> TurnEntry:
    turn_id, scene, source, label, method, confidence, heuristic, judge, verdict = raw
    for text in (turn_id, scene, source, label, method, confidence):
        if not isinstance(text, str):
            raise ValueError("not a turn")
    return _share(TurnEntry(turn_id, scene, source, label, method, confidence, heuristic, judge,
                            Verdict(*verdict) if verdict is not None else None))


def _strip_path(warning: str, path: str) -> str:
    return "\0" + warning[len(path):] if warning.startswith(path) else warning


def _put_path(warning: str, path: str) -> str:
    return path + warning[1:] if warning.startswith("\0") else warning


class FolderCache:
    """The cached entries of one library folder, by path relative to it."""

    def __init__(self, folder: Path, file: Path | None = None) -> None:
        self.folder = folder
        self.prefix = "" if str(folder) == "." else str(folder) + os.sep  # Path("./x") is "x"
        self.file = file if file is not None else cache_file(folder)
        self.old: dict[str, tuple[Stamp, list[Any]]] = {}
        self.new: dict[str, tuple[Stamp, IndexEntry]] = {}
        self.changed = False
        self.groups: list[tuple[Any, ...]] = []

    # reading
    def load(self) -> FolderCache:
        try:
            self.old = dict(self._read())
        except Exception:  # damaged, cut off, another version's, unreadable: rebuilt from the transcripts
            self.old = {}
            self.changed = True
        return self

    def _read(self) -> Iterator[tuple[str, tuple[Stamp, list[Any]]]]:
        from game.store.bounded import open_regular

        if not os.path.lexists(self.file):
            self.changed = True  # no cache yet
            return
        with open_regular(self.file, MAX_CACHE_BYTES, "a cache") as handle:
            head = json.loads(handle.readline())
            if head != {"format": INDEX_FORMAT, "version": INDEX_VERSION}:
                raise ValueError("another version's cache")
            for line in handle:
                raw = json.loads(line)
                if raw[0] == "g":
                    self.groups.append(self._checked_group(raw[1:]))
                    continue
                rel, size, mtime_ns = raw[0], raw[1], raw[2]
                if not (isinstance(rel, str) and isinstance(size, int) and isinstance(mtime_ns, int)):
                    raise ValueError("not an entry")
                yield rel, ((size, mtime_ns), raw)

    def get(self, path: str, stamp: Stamp) -> IndexEntry | None:
        """The cached entry of `path` if the file is as it was when it was indexed."""
        rel = path[len(self.prefix):] if path.startswith(self.prefix) else None
        if rel is None:
            return None
        cached = self.old.get(rel)
        if cached is None or cached[0] != stamp:
            return None
        try:
            entry = self._decode(path, cached[1])
        except Exception:  # one damaged line: that transcript is read again
            return None
        self.new[rel] = (stamp, entry)
        return entry

    def _decode(self, path: str, raw: list[Any]) -> IndexEntry:
        (_rel, _size, _mtime, entry_id, seed, created_at, group, provenance_json, kind, model, is_model,
         turns, ending, warnings) = raw
        scenario_id, scenario_hash, scenario_version, condition, condition_id, role, labels = self._group(group)
        if not (isinstance(entry_id, str) and isinstance(provenance_json, str) and isinstance(kind, str)
                and isinstance(is_model, bool) and isinstance(seed, int)):
            raise ValueError("not an entry")
        return IndexEntry(
            path=path, id=entry_id, scenario_id=scenario_id, scenario_hash=scenario_hash,
            scenario_version=scenario_version, condition=condition, condition_id=condition_id, role=role,
            seed=seed, labels=labels, created_at=created_at, kind=_share(kind),
            model=_share(model) if isinstance(model, str) else None, is_model_data=is_model,
            provenance_json=provenance_json, turns=tuple(_decode_turn(t) for t in turns),
            ending=_share(EndingEntry(*ending)) if ending is not None else None,
            warnings=tuple(_put_path(w, path) for w in warnings),
        )

    def _group(self, index: int) -> tuple[Any, ...]:
        if not isinstance(index, int) or not 0 <= index < len(self.groups):
            raise ValueError("no such group")
        return self.groups[index]

    @staticmethod
    def _checked_group(group: list[Any]) -> tuple[Any, ...]:
        """What transcripts of one scenario, condition and role share, one object each."""
        if len(group) != 7 or not all(isinstance(group[i], str) for i in (0, 1, 4, 5)):
            raise ValueError("not a group")
        if not isinstance(group[2], int) or not isinstance(group[3], dict) or not isinstance(group[6], list):
            raise ValueError("not a group")
        return (_share(group[0]), _share(group[1]), group[2], _share(group[3]), _share(group[4]),
                _share(group[5]), _share(tuple(group[6])))

    # writing
    def put(self, path: str, stamp: Stamp, entry: IndexEntry) -> None:
        """A transcript read now (its entry was not cached, or not as the file is now)."""
        rel = path[len(self.prefix):] if path.startswith(self.prefix) else None
        if rel is not None:
            self.new[rel] = (stamp, entry)
            self.changed = True

    def save(self) -> None:
        """Write the cache again if anything changed (read anew, or gone); never fails."""
        if not self.changed and self.new.keys() == self.old.keys():
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            from game.store.files import write_text_atomic

            write_text_atomic(self.file, "".join(self._lines()))
        except Exception:  # a cache folder that cannot be written: the next scan reads again
            pass

    def _lines(self) -> Iterable[str]:
        yield json.dumps({"format": INDEX_FORMAT, "version": INDEX_VERSION}) + "\n"
        groups: dict[tuple[Any, ...], int] = {}
        for rel, ((size, mtime_ns), e) in sorted(self.new.items()):
            key = (e.scenario_id, e.scenario_hash, e.scenario_version, e.condition_id, e.role, e.labels,
                   tuple(sorted(e.condition.items())))
            group = groups.get(key)
            if group is None:
                group = groups[key] = len(groups)
                yield json.dumps(["g", e.scenario_id, e.scenario_hash, e.scenario_version, e.condition,
                                  e.condition_id, e.role, list(e.labels)], ensure_ascii=False) + "\n"
            yield json.dumps([rel, size, mtime_ns, e.id, e.seed, e.created_at, group, e.provenance_json, e.kind,
                              e.model, e.is_model_data, [_encode_turn(t) for t in e.turns],
                              [e.ending.outcome, e.ending.title] if e.ending else None,
                              [_strip_path(w, e.path) for w in e.warnings]], ensure_ascii=False) + "\n"


def read_entry(path: Path) -> IndexEntry:
    """The entry of one transcript, read from its file (TranscriptError when it cannot be)."""
    return entry_for(read_transcript(path))


__all__ = ["EndingEntry", "FolderCache", "IndexEntry", "TranscriptError", "TurnEntry", "Verdict", "entry_for",
           "read_entry"]
