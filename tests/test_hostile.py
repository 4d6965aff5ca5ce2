"""Hostile files through the real command line: every one gets one clear line and exit code 1
or 2, fast, never a hang, a crash or a traceback.

Small cases live in tests/hostile/; big and special ones (50 MB files, FIFOs, symlinks to
/dev/zero, alias bombs) are made here in tmp_path. Each case runs in a subprocess with a
timeout of a few seconds: a hang fails the test instead of stalling the suite."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent
CORPUS = HERE / "hostile"
MINI = HERE / "data" / "mini.yaml"
SHIPPED = (ROOT / "transcripts"
    / "scripted-engineer-ethical_options-off_replacement_values-same_threat-replacement.jsonl")
MB = 1024 * 1024

# A hang guard, not a timing assertion: every case answers in well under a second, but the
# machine running the suite may be busy.
CASE_TIMEOUT = 10


# -- scenario files ---------------------------------------------------------------------------

def _mini() -> str:
    return MINI.read_text(encoding="utf-8")


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def _with_factors(count: int, levels: int = 2) -> str:
    names = ", ".join(f"l{j}" for j in range(levels))
    extra = "".join(f"  f{i}:\n    levels: [{names}]\n    default: l0\n" for i in range(count))
    return _mini().replace("factors:\n", "factors:\n" + extra, 1)


def _unknown_keys(count: int) -> str:
    return _mini() + "".join(f"k{i}: {i}\n" for i in range(count))


def _scenario_text(name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / f"{name}.yaml"
        path.write_text(SCENARIO_TEXT[name](), encoding="utf-8")
        return path
    return make


SCENARIO_TEXT: dict[str, Callable[[], str]] = {
    "alias-bomb-7": lambda: _alias_bomb(7),
    "billion-laughs": lambda: _alias_bomb(9),
    "alias-bomb-in-title": lambda: _alias_bomb(9) + _mini().replace("title: Mini replacement", "title: *a9"),
    "factors-20": lambda: _with_factors(20),
    "factors-30": lambda: _with_factors(30),
    "levels-1000": lambda: _with_factors(1, 1000),
    "levels-1000-x3": lambda: _with_factors(3, 1000),
    "unknown-keys-10k": lambda: _unknown_keys(10_000),
    "unknown-keys-20k": lambda: _unknown_keys(20_000),
    "title-10mb": lambda: _mini().replace("title: Mini replacement", "title: " + "x" * (10 * MB)),
    "title-3mb": lambda: _mini().replace("title: Mini replacement", "title: " + "x" * (3 * MB)),
    "file-50mb": lambda: _mini() + "# " + "padding " * (50 * MB // 8) + "\n",
    "deep-flow-100k": lambda: "[" * 100_000 + "]" * 100_000 + "\n",
    "deep-flow-mapping-100k": lambda: "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "deep-block-2k": lambda: "".join(" " * i + "- \n" for i in range(2_000)),
    "int-5000-digits": lambda: _mini().replace("version: 1", "version: " + "1" * 5000),
}


def _fifo(tmp: Path, name: str) -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def _zero_link(tmp: Path, name: str) -> Path:
    path = tmp / name
    path.symlink_to("/dev/zero")
    return path


SCENARIOS: dict[str, Callable[[Path], Path]] = {
    **{name: _scenario_text(name) for name in SCENARIO_TEXT},
    "fifo": lambda tmp: _fifo(tmp, "fifo.yaml"),
    "dev-zero-symlink": lambda tmp: _zero_link(tmp, "zero.yaml"),
    "dev-zero": lambda tmp: Path("/dev/zero"),
    "lone-surrogate": lambda tmp: CORPUS / "lone-surrogate.yaml",
    "not-utf8": lambda tmp: CORPUS / "not-utf8.yaml",
    "nul-bytes": lambda tmp: CORPUS / "nul-bytes.yaml",
}


# -- transcripts ------------------------------------------------------------------------------

def _shipped_lines() -> list[str]:
    return SHIPPED.read_text(encoding="utf-8").splitlines()


def _transcript(name: str, lines: list[str] | bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / f"{name}.jsonl"
        if isinstance(lines, bytes):
            path.write_bytes(lines)
        else:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    return make


def _header_with(**changes: object) -> str:
    head = json.loads(_shipped_lines()[0])
    head.update(changes)
    return json.dumps(head)


def _big_transcript(tmp: Path) -> Path:
    """Past the bound on a whole transcript (128 MB, room for 100,000 events): a few MB of real
    lines, the rest sparse (the size is refused before anything is read)."""
    path = tmp / "big-130mb.jsonl"
    event = json.dumps({"type": "narration", "text": "x" * 1000}) + "\n"
    with open(path, "w", encoding="utf-8") as out:
        out.write(_shipped_lines()[0] + "\n")
        out.write(event * (4 * MB // len(event)))
        out.truncate(130 * MB)
    return path


def _one_line_50mb(tmp: Path) -> Path:
    path = tmp / "line-50mb.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write(_shipped_lines()[0] + "\n")
        out.write('{"type": "narration", "text": "' + "x" * (50 * MB) + '"}\n')
    return path


def _one_line_20mb(tmp: Path) -> Path:
    path = tmp / "line-20mb.jsonl"  # under the file's bound, over the line's
    with open(path, "w", encoding="utf-8") as out:
        out.write(_shipped_lines()[0] + "\n")
        out.write('{"type": "narration", "text": "' + "x" * (20 * MB) + '"}\n')
    return path


def _huge_header(tmp: Path) -> Path:
    path = tmp / "header-10mb.jsonl"
    head = json.loads(_shipped_lines()[0])
    head["provenance"]["source"] = "x" * (10 * MB)
    path.write_text(json.dumps(head) + "\n" + "\n".join(_shipped_lines()[1:]) + "\n", encoding="utf-8")
    return path


def _deep_event(depth: int) -> str:
    return '{"type": "notice", "text": "hi", "extra": ' + "[" * depth + "]" * depth + "}"


TRANSCRIPTS: dict[str, Callable[[Path], Path]] = {
    "fifo": lambda tmp: _fifo(tmp, "fifo.jsonl"),
    "dev-zero-symlink": lambda tmp: _zero_link(tmp, "zero.jsonl"),
    "dev-zero": lambda tmp: Path("/dev/zero"),
    "file-130mb": _big_transcript,
    "line-50mb": _one_line_50mb,
    "line-20mb": _one_line_20mb,
    "header-10mb": _huge_header,
    "deep-header": _transcript("deep-header", ["[" * 100_000 + "]" * 100_000]),
    "deep-event": lambda tmp: _transcript("deep-event", [_shipped_lines()[0], _deep_event(100_000)])(tmp),
    "deep-event-900": lambda tmp: _transcript("deep-event-900", [_shipped_lines()[0], _deep_event(900)])(tmp),
    # Provenance parameters are free-form, so this one passes the schema: only the depth bound stops it.
    "deep-parameters-900": lambda tmp: _transcript("deep-parameters-900", [_header_with(
        provenance={"kind": "scripted", "parameters": {"x": json.loads("[" * 900 + "]" * 900)}})]
        + _shipped_lines()[1:])(tmp),
    "int-5000-digits": lambda tmp: _transcript("int", [_header_with(seed=int("1" * 4000)).replace(
        "1" * 4000, "1" * 5000)] + _shipped_lines()[1:])(tmp),
    "lone-surrogate": lambda tmp: CORPUS / "lone-surrogate.jsonl",
    "lone-surrogate-in-header": lambda tmp: CORPUS / "lone-surrogate-header.jsonl",
    "not-utf8-line": lambda tmp: CORPUS / "not-utf8-line.jsonl",
    "nul-bytes": lambda tmp: CORPUS / "nul-bytes.jsonl",
}


# -- running them -----------------------------------------------------------------------------

LOCATED = re.compile(r"^.+:\d+:\d+: .+$")


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DECOMMISSION_HOME": str(home)}
    env.pop("DECOMMISSION_DEBUG", None)
    env.pop("ANTHROPIC_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "game.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, errors="replace", stdin=subprocess.DEVNULL, timeout=CASE_TIMEOUT, check=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Each case's file, made once for every command that reads it."""
    cache: dict[tuple[str, str], Path] = {}

    def make(kind: str, name: str) -> Path:
        if (kind, name) not in cache:
            folder = tmp_path_factory.mktemp(f"{kind}-{name}")
            cache[(kind, name)] = (SCENARIOS if kind == "scenario" else TRANSCRIPTS)[name](folder)
        return cache[(kind, name)]

    return make


def one_line(result: subprocess.CompletedProcess[str], codes: tuple[int, ...] = (2,)) -> str:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in codes, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines[:5]
    return lines[0]


@pytest.mark.timeout(CASE_TIMEOUT + 30)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_validate_gives_located_lines(made, tmp_path, name):
    path = made("scenario", name)
    result = run(["validate", str(path)], tmp_path)
    summary = one_line(result, (1,))
    assert summary.startswith("1 file(s) checked, ")
    lines = result.stdout.splitlines()
    assert 1 <= len(lines) <= 101, len(lines)
    assert all(LOCATED.match(line) and line.startswith(f"{path}:") for line in lines), lines[:3]


@pytest.mark.timeout(CASE_TIMEOUT + 30)
@pytest.mark.parametrize("command", ["play", "record"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_commands_fail_with_one_line(made, tmp_path, name, command):
    path = made("scenario", name)
    args = ["play", "--scenario", str(path)] if command == "play" else ["record", "--dry-run", "--scenario", str(path)]
    line = one_line(run(args, tmp_path))
    assert line.startswith(f"decommission: {path}:"), line


# Files whose first line does not name the transcript format.
NOT_A_TRANSCRIPT = {"deep-header", "nul-bytes"}
TRANSCRIPT_COMMANDS = {
    "replay": lambda path: ["replay", "--plain", str(path)],
    "export": lambda path: ["export", str(path), "--format", "md"],
    "classify": lambda path: ["classify", str(path)],
    "resume": lambda path: ["play", "--resume", str(path)],
}


@pytest.mark.timeout(CASE_TIMEOUT + 30)
@pytest.mark.parametrize("command", list(TRANSCRIPT_COMMANDS))
@pytest.mark.parametrize("name", list(TRANSCRIPTS))
def test_transcript_commands_fail_with_one_line(made, tmp_path, name, command):
    path = made("transcript", name)
    result = run(TRANSCRIPT_COMMANDS[command](path), tmp_path)
    if command == "classify" and name in NOT_A_TRANSCRIPT:
        # classify reads any other text as one reply: a verdict, not an error.
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert json.loads(result.stdout)["kind"] == "reply"
        return
    line = one_line(result)
    assert line.startswith(f"decommission: {path}"), line


@pytest.mark.timeout(CASE_TIMEOUT + 30)
@pytest.mark.parametrize("name", list(TRANSCRIPTS))
def test_stats_skips_a_hostile_file_in_the_library_with_one_line(made, tmp_path, name):
    """The library is read whole by stats and the title screen: a bad file is a warning that
    names it, and the rest is still counted."""
    source = made("transcript", name)
    library = tmp_path / "library"
    library.mkdir()
    (library / "good.jsonl").write_bytes(SHIPPED.read_bytes())
    inside = library / "case.jsonl"
    if source.is_symlink() or not source.is_file():
        inside.symlink_to(source.resolve() if source.is_symlink() else source)
    else:
        inside.symlink_to(source)  # a symlink to a regular file is read as that file
    result = run(["stats", str(library)], tmp_path / "home")
    line = one_line(result, (0,))
    assert line.startswith(f"warning: {inside}"), line
    assert "ethical_options-off_replacement_values-same_threat-replacement" in result.stdout


@pytest.mark.timeout(CASE_TIMEOUT + 30)
def test_validate_a_folder_with_special_files_and_a_loop(tmp_path):
    folder = tmp_path / "scenes"
    folder.mkdir()
    (folder / "mini.yaml").write_text(_mini(), encoding="utf-8")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yml").symlink_to("/dev/zero")
    (folder / "again").symlink_to(folder)  # a folder loop: listed once
    result = run(["validate", str(folder)], tmp_path / "home")
    assert one_line(result, (1,)) == "3 file(s) checked, 2 problem(s)"
    assert result.stdout.splitlines() == [
        f"{folder / 'pipe.yaml'}:1:1: is a FIFO (named pipe), not a regular file",
        f"{folder / 'zero.yml'}:1:1: is a character device (through a symlink), not a regular file",
    ]


@pytest.mark.timeout(CASE_TIMEOUT + 30)
def test_a_fifo_in_the_library_does_not_hang_stats(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    os.mkfifo(library / "pipe.jsonl")
    (library / "zero.jsonl").symlink_to("/dev/zero")
    result = run(["stats", str(library)], tmp_path / "home")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"warning: {library / 'pipe.jsonl'}: is a FIFO (named pipe), not a regular file",
        f"warning: {library / 'zero.jsonl'}: is a character device (through a symlink), not a regular file",
    ]


@pytest.mark.timeout(CASE_TIMEOUT + 30)
def test_a_session_torn_inside_a_utf8_character_replays_with_one_warning(tmp_path):
    path = CORPUS / "torn-utf8.jsonl"
    result = run(["replay", "--plain", str(path)], tmp_path)
    warning = f"warning: {path}:6: last line truncated (the session stopped mid-write); it was skipped"
    assert one_line(result, (0,)) == warning
    assert "Provenance: scripted illustration" in result.stdout
