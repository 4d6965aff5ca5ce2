"""Reading files we did not write, without letting them hang or swamp us.

Every file the game reads from the user (scenes, transcripts, replies to classify) comes
through here: only regular files are read (a symlink counts as what it points to), they are
opened without blocking so that a FIFO cannot hang the reader, and no more than a cap is ever
read, checked before reading and enforced while reading (a file may grow after it was
measured). The limits are named here, with the reason for each value."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

KB = 1024
MB = 1024 * KB

# The shipped scenario is 105 KB (2,342 lines); 4 MB is forty times that, more than any story
# an author writes by hand, and small enough that parsing it is quick.
MAX_SCENARIO_BYTES = 4 * MB

# A transcript's first line is its header: ids, the condition, provenance. The only open-ended
# part is the list of transcripts a replayed session was served from (a path each); 1 MB holds
# thousands of those, and lets a listing read headers without reading whole files.
MAX_HEADER_LINE_BYTES = 1 * MB

# One event per line. The largest is an assistant turn: its reply, its reasoning and its emails.
# A very long reply is around 5 MB with its reasoning as long again; JSON escapes (newlines,
# quotes) add a little. 16 MB holds that with room to spare.
MAX_EVENT_LINE_BYTES = 16 * MB

# A whole transcript: a long run is a few dozen turns of at most a few hundred KB each, a few
# MB in all; the longest the replay is built for is 100,000 events, about 50 MB. 128 MB holds
# that with room, and still refuses a file that is no transcript of ours.
MAX_TRANSCRIPT_BYTES = 128 * MB


class RefusedFile(Exception):
    """A path that is not read: not a regular file, too big, or not readable. The message says
    why in a few words, without the path (the caller puts it in front)."""


def describe_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= KB:
        return f"{size / KB:.1f} KB"
    return f"{size} bytes"


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(path: Path, mode: int) -> RefusedFile:
    what = kind_of(mode)
    via = " (through a symlink)" if path.is_symlink() else ""
    return RefusedFile(f"is {what}{via}, not a regular file")


def check_regular(path: str | Path) -> os.stat_result:
    """The file's status, following symlinks; RefusedFile when it is missing or not a regular
    file. Nothing is opened: opening some devices has effects of its own."""
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise RefusedFile(_os_reason(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, info.st_mode)
    return info


def _os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc}"


def _too_big(size: int | None, limit: int, what: str) -> RefusedFile:
    seen = f"is {describe_size(size)}" if size is not None else f"is more than {describe_size(limit)}"
    return RefusedFile(f"{seen}; {what} may be at most {describe_size(limit)}")


@contextmanager
def open_regular(path: str | Path, limit: int, what: str = "the file") -> Iterator[BinaryIO]:
    """A binary handle on a regular file of at most `limit` bytes. `what` names the kind of
    file in the message about its size ("a scenario", "a transcript")."""
    path = Path(path)
    check_regular(path)
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the check, open returns at once
        # instead of waiting for a writer; O_NOCTTY: a terminal never becomes ours.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise RefusedFile(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)  # what was opened, whatever the path pointed to a moment ago
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise _too_big(info.st_size, limit, what)
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_bounded(path: str | Path, limit: int, what: str = "the file") -> bytes:
    """The whole content of a regular file of at most `limit` bytes, never reading past it."""
    with open_regular(path, limit, what) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise RefusedFile(_os_reason(exc)) from None
    if len(data) > limit:
        raise _too_big(None, limit, what)  # it grew after it was measured
    return data


def read_line(handle: BinaryIO, limit: int) -> tuple[bytes, bool]:
    """The next line (with its newline, if any) and whether it is longer than `limit` bytes;
    a line that is too long is not read beyond the limit."""
    line = handle.readline(limit + 1)
    too_long = len(line) > limit and not (len(line) == limit + 1 and line.endswith(b"\n"))
    return line, too_long


def find_files(root: str | Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files under the folder `root` whose names end in one of `suffixes`, sorted, and each
    folder that could not be listed with the reason (instead of leaving it silently out).
    Symlinked folders are followed, each folder once, so a symlink loop is not followed round.
    Only names are looked at here: what each file is, is checked when it is read."""
    names, problems = find_paths(root, suffixes)
    return [Path(name) for name in names], problems


def find_paths(root: str | Path, suffixes: tuple[str, ...]) -> tuple[list[str], list[tuple[Path, str]]]:
    """find_files, with the files' paths as strings, in the same order: a library of 100,000
    transcripts is listed without making 100,000 Path objects. Each folder's entries are taken
    in name order, a folder's files where its name falls among them: the order Paths sort in
    (a/b before a-b/c), with no key to build for each file."""
    files: list[str] = []
    problems: list[tuple[Path, str]] = []
    seen: set[tuple[int, int]] = set()

    def listed(folder: str) -> list[tuple[str, str, bool]]:
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                return []
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append((Path(folder), f"cannot list the folder: {exc.strerror or exc}"))
            return []
        out = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()  # follows a symlink
            except OSError:
                is_folder = False
            if is_folder or entry.name.endswith(suffixes):
                out.append((entry.name, entry.path, is_folder))
        out.sort()
        return out

    stack = [iter(listed(str(Path(root))))]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif item[2]:
            stack.append(iter(listed(item[1])))
        else:
            files.append(item[1])
    return files, problems
