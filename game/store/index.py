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
import itertools
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.model.labels import MODEL_SOURCES, most_severe

if TYPE_CHECKING:  # a warm scan reads only the cache: no model of an event, no pydantic
    from game.model.events import AssistantTurn, Provenance
    from game.store.transcripts import Transcript

INDEX_FORMAT = "decommission-library-index"
# Bump when what an entry holds, or how it is derived from a transcript, changes: an older
# cache is then rebuilt.
INDEX_VERSION = 4
# A cache file is ours, but it is read as carefully as any file: never past this size (a
# million transcripts' entries), never a FIFO.
MAX_CACHE_BYTES = 2 * 1024 * 1024 * 1024
READ_CHUNK = 1000  # cache lines parsed in one call


@dataclass(frozen=True, slots=True)
class Verdict:
    """An imported run's own verdict, as far as the index keeps it."""

    harmful: bool | None
    classifier_verdict: bool | None
    model: str | None
    stands_for: str | None = None  # the label of ours its harmful verdict means (see SourceVerdict)


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
    # The most severe label of the turns, and of the model's own turns (None without any).
    worst: str | None = None
    worst_model: str | None = None
    size: int = 0  # the file's size and modification time when it was indexed
    mtime_ns: int = 0
    _provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def header(self) -> IndexEntry:
        return self

    @property
    def provenance(self) -> Provenance:
        """The checked provenance, built when first asked for (listing and counting use `kind`,
        `model` and `is_model_data`, which are kept as they are)."""
        if self._provenance is None:
            from game.model.events import Provenance

            self._provenance = Provenance.model_validate_json(self.provenance_json)
        return self._provenance

    @property
    def truncated(self) -> bool:
        return any("truncated" in w for w in self.warnings)

    def load(self) -> Transcript:
        """The whole transcript, read from its file now (TranscriptError if it no longer reads)."""
        from game.store.transcripts import read_transcript

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
    verdict = Verdict(c.source.harmful, c.source.classifier_verdict, c.source.model,
                      c.source.stands_for) if c.source else None
    return _share(TurnEntry(turn.turn_id, turn.scene, turn.source, c.label, c.method, c.confidence,
                            c.heuristic_label, c.judge_label, verdict))


def entry_for(transcript: Transcript) -> IndexEntry:
    h = transcript.header
    provenance = transcript.provenance
    ending = transcript.ending
    return IndexEntry(
        path=transcript.path, id=h.id, scenario_id=_share(h.scenario_id), scenario_hash=_share(h.scenario_hash),
        scenario_version=h.scenario_version, condition=_share(dict(h.condition)),
        condition_id=_share(h.condition_id), role=_share(h.role), seed=h.seed,
        labels=_share(tuple(h.labels)), created_at=h.created_at, kind=provenance.kind, model=provenance.model,
        is_model_data=provenance.is_model_data,
        provenance_json=provenance.model_dump_json(exclude_defaults=True),
        turns=tuple(_turn_entry(t) for t in transcript.turns),
        ending=_share(EndingEntry(ending.outcome, ending.title)) if ending is not None else None,
        warnings=tuple(transcript.warnings), worst=_worst(transcript.turns, h.labels, False),
        worst_model=_worst(transcript.turns, h.labels, True), _provenance=provenance,
    )


def _worst(turns: list[AssistantTurn], order: list[str], model_only: bool) -> str | None:
    labels = [t.label for t in turns if not model_only or t.source in MODEL_SOURCES]
    return _share(most_severe(labels, order)) if labels else None


# -- the cache file --------------------------------------------------------------------------
def cache_file(folder: Path) -> Path:
    """The cache of one library folder: named by a hash of its resolved path."""
    from game.store.paths import user_cache_dir

    name = hashlib.sha256(os.fsencode(folder.resolve())).hexdigest()[:32]
    return user_cache_dir() / "library-index" / f"{name}.jsonl"


Stamp = tuple[int, int]  # size, mtime_ns

# The cache file: a first line naming its format and version, then lines of two kinds. A table
# line, [code, index, ...], defines a value many entries share (so that each is written, read
# and held once): GROUP (scenario, hash, version, condition, condition id, role, labels),
# PROVENANCE (its JSON, kind, model, is model data), TURN (a TurnEntry's fields, the verdict as
# [harmful, classifier_verdict, model, stands_for] or null), ENDING (outcome, title), WORST (the most severe
# label of the turns, and of the model's turns). An entry line starts with the transcript's
# path relative to the folder: [path, size, mtime_ns, id, seed, created_at, group, provenance,
# [turn, ...], ending or null, [warning, ...], worst].
GROUP, PROVENANCE, TURN, ENDING, WORST = 0, 1, 2, 3, 4


class Damaged(ValueError):
    """A cache line that is not what this version writes."""


def _strip_path(warning: str, path: str) -> str:
    return "\0" + warning[len(path):] if warning.startswith(path) else warning


def _put_path(warning: str, path: str) -> str:
    return path + warning[1:] if warning.startswith("\0") else warning


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Damaged("not a text")
    return sys.intern(value)


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _optional_bool(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise Damaged("not a boolean")
    return value


def _decode_table(code: int, raw: list[Any]) -> Any:
    if code == GROUP:
        scenario_id, scenario_hash, version, condition, condition_id, role, labels = raw
        if type(version) is not int or not isinstance(condition, dict) or not isinstance(labels, list):
            raise Damaged("not a group")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in condition.items()):
            raise Damaged("not a condition")
        return (_text(scenario_id), _text(scenario_hash), version, _share(condition), _text(condition_id),
                _text(role), _share(tuple(_text(label) for label in labels)))
    if code == PROVENANCE:
        provenance_json, kind, model, is_model = raw
        if not isinstance(is_model, bool) or not isinstance(provenance_json, str):
            raise Damaged("not a provenance")
        return provenance_json, _text(kind), _optional_text(model), is_model
    if code == TURN:
        turn_id, scene, source, label, method, confidence, heuristic, judge, verdict = raw
        if verdict is not None:
            harmful, classifier_verdict, judge_model, stands_for = verdict
            verdict = Verdict(_optional_bool(harmful), _optional_bool(classifier_verdict),
                              _optional_text(judge_model), _optional_text(stands_for))
        return _share(TurnEntry(_text(turn_id), _text(scene), _text(source), _text(label), _text(method),
                                _text(confidence), _optional_text(heuristic), _optional_text(judge), verdict))
    if code == ENDING:
        outcome, title = raw
        return _share(EndingEntry(_text(outcome), _text(title)))
    if code == WORST:
        worst, worst_model = raw
        return _optional_text(worst), _optional_text(worst_model)
    raise Damaged("no such table")


class FolderCache:
    """The cached entries of one library folder, by path relative to it."""

    def __init__(self, folder: Path, file: Path | None = None) -> None:
        self.folder = folder
        self.prefix = "" if str(folder) == "." else str(folder) + os.sep  # Path("./x") is "x"
        self.cut = len(self.prefix)
        self.file = file if file is not None else cache_file(folder)
        self.old: dict[str, IndexEntry] = {}  # relative path -> its cached entry, until it is used
        self.new: dict[str, IndexEntry] = {}  # by path: what the cache is written from
        self.changed = False
        self.tables: tuple[list[Any], ...] = ([], [], [], [], [])

    # reading
    def load(self) -> FolderCache:
        try:
            self._read()
        except Exception:  # damaged, cut off, another version's, unreadable: rebuilt from the transcripts
            self.old = {}
            self.tables = ([], [], [], [], [])
            self.changed = True
        return self

    def _read(self) -> None:
        from game.store.bounded import open_regular

        if not os.path.lexists(self.file):
            self.changed = True  # no cache yet
            return
        loads = json.loads
        with open_regular(self.file, MAX_CACHE_BYTES, "a cache") as handle:
            if loads(handle.readline(4096) or b"null") != {"format": INDEX_FORMAT, "version": INDEX_VERSION}:
                raise Damaged("another version's cache")
            total = 0
            # A thousand lines parsed at once (one call, not one per line), each entry decoded
            # at once: only the decoded entries are held, never the file or its parsed lines.
            while chunk := list(itertools.islice(handle, READ_CHUNK)):
                total += sum(map(len, chunk))
                if total > MAX_CACHE_BYTES:
                    raise Damaged("it grew while it was read")
                if not chunk[-1].endswith(b"\n"):
                    raise Damaged("cut off")
                lines = [line.rstrip(b"\n") for line in chunk if line.strip()]
                if lines:
                    for raw in loads(b"[" + b",".join(lines) + b"]"):
                        self._take(raw)

    def _take(self, raw: Any) -> None:
        first = raw[0]
        if type(first) is str:
            try:
                self.old[first] = self._decode(self.prefix + first, raw)
            except Exception:  # one damaged line: that transcript is read again
                pass
            return
        table = self.tables[first]
        if raw[1] != len(table):
            raise Damaged("tables out of order")
        table.append(_decode_table(first, raw[2:]))

    def get(self, path: str, size: int, mtime_ns: int) -> IndexEntry | None:
        """The cached entry of `path` if the file is as it was when it was indexed."""
        if not path.startswith(self.prefix):
            return None
        entry = self.old.pop(path[self.cut:], None)  # taken out as it is used
        if entry is None or entry.size != size or entry.mtime_ns != mtime_ns or entry.path != path:
            self.changed = True
            return None
        self.new[path] = entry  # by its full path: the string the entry holds already
        return entry

    def _decode(self, path: str, raw: list[Any]) -> IndexEntry:
        _rel, size, mtime_ns, entry_id, seed, created_at, group, provenance, turns, ending, warnings, worst = raw
        groups, provenances, turn_table, endings, worsts = self.tables
        # Indices are checked to be ints of at least 0 (a negative one would index from the end).
        if not (type(entry_id) is str and type(created_at) is str and type(seed) is int and type(group) is int
                and type(provenance) is int and type(worst) is int and group >= 0 and provenance >= 0
                and worst >= 0 and (not turns or min(turns) >= 0) and (ending is None or ending >= 0)):
            raise Damaged("not an entry")
        scenario_id, scenario_hash, scenario_version, condition, condition_id, role, labels = groups[group]
        provenance_json, kind, model, is_model = provenances[provenance]
        worst_label, worst_model = worsts[worst]
        return IndexEntry(
            path, entry_id, scenario_id, scenario_hash, scenario_version, condition, condition_id, role, seed,
            labels, created_at, kind, model, is_model, provenance_json,
            tuple([turn_table[i] for i in turns]), endings[ending] if ending is not None else None,
            tuple([_put_path(w, path) for w in warnings]) if warnings else (),
            worst_label, worst_model, size, mtime_ns,
        )

    # writing
    def put(self, path: str, stamp: Stamp, entry: IndexEntry) -> None:
        """A transcript read now (its entry was not cached, or not as the file is now)."""
        entry.size, entry.mtime_ns = stamp
        if path.startswith(self.prefix):
            self.new[path] = entry
            self.changed = True

    def save(self) -> None:
        """Write the cache again if anything changed (read anew, or gone); never fails."""
        if not self.changed and not self.old:  # every line used, none read anew: as it was
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            from game.store.files import write_atomic

            write_atomic(self.file, lambda handle: handle.writelines(self._lines()))  # never held whole
        except Exception:  # a cache folder that cannot be written: the next scan reads again
            pass

    def _lines(self) -> Iterator[str]:
        dumps = json.dumps
        yield dumps({"format": INDEX_FORMAT, "version": INDEX_VERSION}) + "\n"
        tables: tuple[dict[Any, int], ...] = ({}, {}, {}, {}, {})

        def index(code: int, key: Any, row: list[Any]) -> Iterator[str]:
            if key not in tables[code]:
                tables[code][key] = len(tables[code])
                yield dumps([code, tables[code][key], *row], ensure_ascii=False) + "\n"

        cut = len(self.prefix)
        for path, e in sorted(self.new.items()):
            rel = path[cut:]
            group = (e.scenario_id, e.scenario_hash, e.scenario_version, tuple(sorted(e.condition.items())),
                     e.condition_id, e.role, e.labels)
            yield from index(GROUP, group, [e.scenario_id, e.scenario_hash, e.scenario_version, e.condition,
                                            e.condition_id, e.role, list(e.labels)])
            provenance = (e.provenance_json, e.kind, e.model, e.is_model_data)
            yield from index(PROVENANCE, provenance, list(provenance))
            for t in e.turns:
                verdict = [t.verdict.harmful, t.verdict.classifier_verdict, t.verdict.model,
                           t.verdict.stands_for] if t.verdict else None
                yield from index(TURN, t, [t.turn_id, t.scene, t.source, t.label, t.method, t.confidence,
                                           t.heuristic_label, t.judge_label, verdict])
            if e.ending is not None:
                yield from index(ENDING, e.ending, [e.ending.outcome, e.ending.title])
            worst = (e.worst, e.worst_model)
            yield from index(WORST, worst, list(worst))
            yield dumps([rel, e.size, e.mtime_ns, e.id, e.seed, e.created_at, tables[GROUP][group],
                         tables[PROVENANCE][provenance], [tables[TURN][t] for t in e.turns],
                         tables[ENDING][e.ending] if e.ending is not None else None,
                         [_strip_path(w, e.path) for w in e.warnings], tables[WORST][worst]],
                        ensure_ascii=False) + "\n"


def remember(root: Path, written: list[tuple[str, IndexEntry]]) -> None:
    """Put the entries of transcripts just written (by their paths as a scan of `root` spells
    them) into `root`'s cache, beside what it holds: the first scan after a large import reads
    none of them again. Each is stamped with its file as it is now; one that changed since, or
    a path the scan spells otherwise, is simply read again. Never fails."""
    try:
        cache = FolderCache(root).load()
        for rel, entry in cache.old.items():  # kept as they are: the next scan checks them
            cache.new[cache.prefix + rel] = entry
        cache.old = {}
        for path, entry in written:
            info = os.stat(path)
            cache.put(path, (info.st_size, info.st_mtime_ns), entry)
        cache.save()
    except Exception:  # only a copy: the next scan reads the files
        pass


def read_entry(path: Path) -> IndexEntry:
    """The entry of one transcript, read from its file (TranscriptError when it cannot be)."""
    from game.store.transcripts import read_transcript

    return entry_for(read_transcript(path))


__all__ = ["EndingEntry", "FolderCache", "IndexEntry", "TurnEntry", "Verdict", "entry_for", "read_entry",
           "remember"]
