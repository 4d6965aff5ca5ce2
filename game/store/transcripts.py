"""Transcripts on disk: JSONL, a header line with provenance, then one typed event per line
(game.model.events). One writer (append-only; flushed per record, fsynced per record or at
close) and a reader that is bounded, type-checked and tolerant of a torn last line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, Protocol

from pydantic import BaseModel, ValidationError

from game.model.errors import DecommissionError
from game.model.events import (
    EVENT_ADAPTER,
    FORMAT,
    FORMAT_VERSION,
    HEADER_ADAPTER,
    SOURCE_KIND,
    AssistantTurn,
    Ending,
    Header,
    Provenance,
    dump_line,
)
from game.store.bounded import (
    MAX_EVENT_LINE_BYTES,
    MAX_HEADER_LINE_BYTES,
    MAX_TRANSCRIPT_BYTES,
    RefusedFile,
    describe_size,
    open_regular,
    read_line,
)


class EventSink(Protocol):
    """Where a session's events go as they happen (the driver writes every one)."""

    def write(self, event: BaseModel) -> None: ...

    def rewrite_header(self, header: Header) -> None: ...

    def close(self) -> None: ...


Sync = Literal["each", "close"]


class TranscriptWriter:
    """The one transcript writer: append-only, each record flushed to the OS as it is written,
    so a killed process loses nothing written. When it is also made to survive a power cut
    is `sync`: "each" fsyncs every record before the call returns (a session played by a
    person: a crash loses at most the event in flight); "close" fsyncs once, at close (bulk
    recording: fifty trials on one event loop would otherwise queue behind the disk; only
    an unfinished `.part` file can be caught short, and the reader and resume take a torn
    last line as the torn line it is).

    With `header`, a new transcript is created (never over an existing file); without, an
    existing one is continued (resume), a torn last line cut off first."""

    def __init__(self, path: str | Path, header: Header | None = None, *, sync: Sync = "each"):
        self.path = Path(path)
        self.sync = sync
        if header is None:
            _end_last_line(self.path)
            self._file: IO[str] | None = open(self.path, "a", encoding="utf-8")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "x", encoding="utf-8")  # "x": never overwrite a transcript
            self.write(header)

    def write(self, event: BaseModel) -> None:
        if self._file is None:
            raise ValueError("transcript is closed")
        self._file.write(dump_line(event))
        self._file.flush()
        if self.sync == "each":
            os.fsync(self._file.fileno())

    def rewrite_header(self, header: Header) -> None:
        """Put a new header on the transcript (its provenance changed: the assistant was
        switched). The only write that is not an append: the whole file is rewritten under a
        temporary name and renamed over the old one, so a crash leaves one or the other."""
        if self._file is None:
            raise ValueError("transcript is closed")
        self._file.close()
        raw = self.path.read_bytes()
        rest = raw[raw.index(b"\n") + 1:] if b"\n" in raw else b""
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "wb") as out:
            out.write(dump_line(header).encode("utf-8") + rest)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        self._file = open(self.path, "a", encoding="utf-8")

    def close(self) -> None:
        if self._file is not None:
            if self.sync == "close":
                os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    def __enter__(self) -> TranscriptWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _end_last_line(path: Path) -> None:
    """Before appending: a last line without its newline is cut off when it is torn (the
    reader skipped it) and ended when it is whole (the reader kept it), so that the file goes
    on as it was read."""
    raw = path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        keep = raw.rfind(b"\n") + 1
        try:
            _load_line(raw[keep:])
            whole = True
        except _Unreadable:
            whole = False
        with open(path, "r+b") as handle:
            if whole:
                handle.seek(0, os.SEEK_END)
                handle.write(b"\n")
            else:
                handle.truncate(keep)


class TranscriptError(DecommissionError):
    """A transcript that cannot be read; the message is one line: file:line: what is wrong."""


@dataclass
class Transcript:
    path: str
    header: Header
    events: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def turns(self) -> list[AssistantTurn]:
        return [e for e in self.events if isinstance(e, AssistantTurn)]

    @property
    def ending(self) -> Ending | None:
        return next((e for e in reversed(self.events) if isinstance(e, Ending)), None)

    @property
    def provenance(self) -> Provenance:
        """The header's provenance, checked against the turns' own sources: a transcript whose
        turns came from an assistant its header does not name (written before `mixed`
        existed) is mixed, whatever its header says."""
        claimed = self.header.provenance
        if claimed.kind == "mixed":
            return claimed
        # By exact type, as the reader makes them: isinstance on a pydantic model runs its
        # metaclass's check in Python, a quarter of the time at 100,000 events.
        sources = list(dict.fromkeys([e.source for e in self.events if type(e) is AssistantTurn]))
        foreign = [s for s in sources if claimed.part_for(s) is None]
        if not foreign:
            return claimed
        # Only assistants that played a turn are named.
        parts = [claimed] if len(foreign) < len(sources) else []
        parts += [Provenance(kind=SOURCE_KIND.get(s, "scripted")) for s in foreign]
        return parts[0] if len(parts) == 1 else Provenance(kind="mixed", parts=parts)

    @property
    def truncated(self) -> bool:
        return any("truncated" in w for w in self.warnings)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    where = _clip(".".join(str(p) for p in err.get("loc", ())))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


# A transcript's events nest four levels at most; the free-form parts (a turn's meta, the
# provenance's parameters) hold a few more. Deeper is not a transcript, and is refused before
# it reaches pydantic or the recursion limit.
MAX_JSON_DEPTH = 64


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Unreadable(Exception):
    """A line that cannot be turned into data; `torn` when it looks cut off (not valid JSON)."""

    def __init__(self, message: str, torn: bool = False):
        super().__init__(message)
        self.torn = torn


def _lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_HALF_PAIR = "a text holds half of a UTF-16 surrogate pair (such as \\ud800), which is not a character"


def _check_data(data: Any, raw: str) -> None:
    """Refuse nesting past MAX_JSON_DEPTH and lone surrogates: json accepts "\\ud800", but
    such a string can never be written out as UTF-8 again (replay, export and resume would
    fail much later)."""
    surrogates = "\\ud" in raw or "\\uD" in raw  # they can only come from an escape
    if not surrogates and raw.count("[") + raw.count("{") <= MAX_JSON_DEPTH:
        return  # too few brackets to nest that deep: nothing to walk (the common case)
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _Unreadable(f"nested more than {MAX_JSON_DEPTH} levels deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if surrogates and isinstance(key, str) and _lone_surrogate(key):
                    raise _Unreadable(_HALF_PAIR)
                stack.append((item, depth + 1))
        elif surrogates and isinstance(value, str) and _lone_surrogate(value):
            raise _Unreadable(_HALF_PAIR)


def _load_line(line: bytes | str) -> Any:
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Unreadable(f"not UTF-8 text ({exc.reason} at byte {exc.start + 1})", torn=True) from None
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"not JSON ({exc.msg})", torn=True) from None
    except RecursionError:
        raise _Unreadable(f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError:  # Python turns at most 4,300 digits into an int
        raise _Unreadable(f"a number is too long (more than {sys.get_int_max_str_digits():,} digits)") from None
    _check_data(data, line)
    return data


# One line of a transcript: its number, its content without the newline, and whether the
# newline was there (only the last line can lack it: a session stopped while writing it).
_Line = tuple[int, bytes | str, bool]


def _parse(lines: Iterator[_Line], path: str) -> Transcript:
    first = next(lines, None)
    if first is None or not first[1].strip():
        raise TranscriptError(f"{path}:1: empty file, expected a transcript header")
    try:
        head = _load_line(first[1])
    except _Unreadable as exc:
        raise TranscriptError(f"{path}:1: header is {exc}" if exc.torn else f"{path}:1: bad header: {exc}") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise TranscriptError(f"{path}:1: not a decommission transcript (no format {FORMAT!r})")
    version = head.get("format_version")
    if version != FORMAT_VERSION:
        raise TranscriptError(
            f"{path}:1: transcript format version {_clip(repr(version), 40)} is not supported "
            f"(this build reads {FORMAT_VERSION})"
        )
    try:
        header = HEADER_ADAPTER.validate_python(head)
    except ValidationError as exc:
        raise TranscriptError(f"{path}:1: bad header: {_first_error(exc)}") from None
    warnings: list[str] = []
    events: list[Any] = []
    for number, line, terminated in lines:
        if not line.strip():
            continue
        try:
            data = _load_line(line)
        except _Unreadable as exc:
            if exc.torn and not terminated:
                warnings.append(f"{path}:{number}: last line truncated (the session stopped mid-write); it was skipped")
                break
            raise TranscriptError(f"{path}:{number}: {exc}") from None
        try:
            events.append(EVENT_ADAPTER.validate_python(data))
        except ValidationError as exc:
            raise TranscriptError(f"{path}:{number}: bad event: {_first_error(exc)}") from None
    return Transcript(path=path, header=header, events=events, warnings=warnings)


def parse_transcript(text: str, path: str = "<transcript>") -> Transcript:
    pieces = text.split("\n")
    if pieces[-1] == "":
        pieces.pop()  # a file written completely ends with a newline
        ends_complete = True
    else:
        ends_complete = False
    last = len(pieces)
    lines = ((n, piece, n < last or ends_complete) for n, piece in enumerate(pieces, start=1))
    return _parse(lines, path)


def read_transcript(path: str | Path) -> Transcript:
    """Read a transcript file: a regular file (FIFOs and devices are refused before they are
    opened) of at most MAX_TRANSCRIPT_BYTES. The header line is read first, on its own bound,
    so a file that is not a transcript is refused at once; then each event line is read on
    its bound. A last line cut off by a stop, even inside a UTF-8 character, is skipped with a
    warning."""
    path = Path(path)
    try:
        with open_regular(path, MAX_TRANSCRIPT_BYTES, "a transcript") as handle:
            return _parse(_read_lines(handle, str(path)), str(path))
    except RefusedFile as exc:
        raise TranscriptError(f"{path}: {exc}") from None
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _read_lines(handle: BinaryIO, path: str) -> Iterator[_Line]:
    total = 0
    number = 0
    while True:
        number += 1
        limit = MAX_HEADER_LINE_BYTES if number == 1 else MAX_EVENT_LINE_BYTES
        line, too_long = read_line(handle, limit)
        if too_long:
            what = "the header line" if number == 1 else "the line"
            raise TranscriptError(f"{path}:{number}: {what} is longer than {describe_size(limit)}; "
                                  "this is not a transcript this game wrote")
        if not line:
            return
        total += len(line)
        if total > MAX_TRANSCRIPT_BYTES:  # the file grew while it was read
            raise TranscriptError(f"{path}: is more than {describe_size(MAX_TRANSCRIPT_BYTES)}; "
                                  f"a transcript may be at most {describe_size(MAX_TRANSCRIPT_BYTES)}")
        terminated = line.endswith(b"\n")
        yield number, line[:-1] if terminated else line, terminated
