"""Load scene YAML with a location for every node, so that every error can say
`file:line:col: message (at path)` in one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from game.model.errors import DecommissionError
from game.scenario.schema import ID_PATTERN, Scenario
from game.store.bounded import MAX_SCENARIO_BYTES, RefusedFile, read_bounded

Path_ = tuple[str | int, ...]

# What a scene file may make the loader do. YAML aliases repeat a node wherever they appear,
# so a few lines can stand for billions of nodes ("billion laughs"); everything after the
# parser (the walk for positions, the constructor, pydantic) costs as much as the expanded
# document, so the expanded size is counted on the parser's events, before anything is built.
# Anchors are not refused outright: the shipped scenario uses them to share scripted replies.
# The shipped scenario is 3,300 nodes (3,700 with its aliases expanded) and 10 levels deep.
MAX_YAML_NODES = 100_000  # thirty times the shipped scenario, and quick to validate
MAX_YAML_DEPTH = 64  # far below Python's recursion limit, which the walks and pydantic share
# Python refuses to turn more than 4,300 digits into an int; no count in a story needs 100.
MAX_NUMBER_LENGTH = 100
# One file can have thousands of schema problems (say, 10,000 unknown keys); the first ones
# are shown and the rest counted.
MAX_PROBLEMS = 100
# A message quotes what it found; a quote of a 3 MB string is not a line anyone can read.
MAX_MESSAGE_CHARS = 400


def _short(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located."""

    file: str
    line: int
    col: int
    message: str
    path: str = ""
    rule: str = "schema"

    def __str__(self) -> str:
        where = f" (at {_short(self.path)})" if self.path else ""
        # Always one line, whatever the message quotes, and a line of readable length.
        message = _short(" ".join(self.message.split()))
        return f"{self.file}:{self.line}:{self.col}: {message}{where}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "message": _short(self.message),
            "path": _short(self.path),
        }


class ScenarioError(DecommissionError):
    """A scenario file that cannot be used; carries the problems found (at most MAX_PROBLEMS,
    and how many more there were in `omitted`)."""

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = problems
        self.omitted = omitted
        super().__init__(str(problems[0]) if problems else "invalid scenario")

    def message(self) -> str:
        more = len(self.problems) - 1 + self.omitted
        extra = f" (and {more:,} more; run `decommission validate`)" if more else ""
        return f"{self}{extra}"

    def all_problems(self) -> list[Problem]:
        """The problems, and a last line saying how many were left out, if any."""
        if not self.omitted:
            return list(self.problems)
        last = self.problems[-1]
        return [*self.problems, Problem(last.file, last.line, last.col,
                                        f"and {self.omitted:,} more problems like these (not shown)", rule=last.rule)]


# libyaml's parser (shipped in PyYAML's wheels) is ten times faster than the pure-Python one,
# and the scenario is parsed on the way to the title screen.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """YAML 1.2-ish booleans: `on`/`off`/`yes`/`no` stay strings (they are factor levels here),
    and a repeated key is an error instead of a silent overwrite."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _Bound(yaml.MarkedYAMLError):
    """A document past one of the bounds above, located at the event that crossed it."""


_INT_TAG = "tag:yaml.org,2002:int"


def _check_bounds(text: str) -> None:
    """Walk the parser's events (libyaml keeps its own stack, so this never recurses) and stop
    at the first one that makes the document too deep, too big once its aliases are expanded,
    self-referential, or holding a number Python cannot convert. Costs one extra parse, a
    few milliseconds for the shipped scenario, and never more than MAX_YAML_NODES events."""
    loader = _Loader(text)
    try:
        nodes = 0
        open_: list[tuple[int, str | None]] = []  # node count where each open collection began
        sizes: dict[str, int] = {}  # an anchor's node count, aliases inside it expanded
        while loader.check_event():
            event = loader.get_event()
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for _, anchor in open_):
                    raise _Bound(problem=f"alias *{event.anchor} is inside the node it names (a loop)",
                                 problem_mark=mark)
                nodes += sizes.get(event.anchor, 1)
                if nodes > MAX_YAML_NODES:
                    raise _Bound(problem=f"aliases expand to more than {MAX_YAML_NODES:,} nodes", problem_mark=mark)
                continue
            if isinstance(event, yaml.ScalarEvent):
                nodes += 1
                if event.anchor:
                    sizes[event.anchor] = 1
                if len(event.value) > MAX_NUMBER_LENGTH and _is_int(loader, event):
                    raise _Bound(problem=f"a number of {len(event.value):,} characters is too long "
                                         f"(at most {MAX_NUMBER_LENGTH})", problem_mark=mark)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                nodes += 1
                open_.append((nodes - 1, event.anchor))
                if len(open_) > MAX_YAML_DEPTH:
                    raise _Bound(problem=f"nested more than {MAX_YAML_DEPTH} levels deep", problem_mark=mark)
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                began, anchor = open_.pop()
                if anchor:
                    sizes[anchor] = nodes - began
            if nodes > MAX_YAML_NODES:
                raise _Bound(problem=f"more than {MAX_YAML_NODES:,} nodes; a scenario needs far fewer",
                             problem_mark=mark)
    finally:
        loader.dispose()


def _is_int(loader: Any, event: yaml.ScalarEvent) -> bool:
    if event.tag == _INT_TAG:
        return True
    plain = event.implicit[0] and event.tag in (None, "!")
    return bool(plain and loader.resolve(yaml.ScalarNode, event.value, (True, False)) == _INT_TAG)


def _walk(node: yaml.Node, path: Path_, out: dict[Path_, tuple[int, int]]) -> None:
    """Where every node is, and no key twice in a mapping. Recursive, but only over documents
    that passed _check_bounds: at most MAX_YAML_DEPTH deep and MAX_YAML_NODES in all."""
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise yaml.MarkedYAMLError(problem=f"duplicate key {_short(key.value, 80)!r}",
                                               problem_mark=key.start_mark)
                seen.add(key.value)
                child = path + (key.value,)
                _walk(value, child, out)
                # Point at the key itself: that is where the eye goes for a wrong key.
                out[child + ("<key>",)] = (key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), out)


@dataclass(frozen=True)
class Located:
    """Parsed YAML data plus where each node came from."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]]

    def locate(self, path: Path_) -> tuple[int, int, Path_]:
        """The position of the deepest existing node along `path`; segments that are not in the
        document (such as pydantic's union tags) are skipped."""
        found: Path_ = ()
        best = self.positions.get((), (1, 1))
        for segment in path:
            key: str | int = segment
            candidate = found + (key,)
            if candidate in self.positions:
                found = candidate
                best = self.positions[candidate]
        return best[0], best[1], found

    def key_position(self, path: Path_) -> tuple[int, int]:
        return self.positions.get(path + ("<key>",), self.positions.get(path, (1, 1)))


def format_path(path: Path_) -> str:
    out = ""
    for segment in path:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += ("." if out else "") + str(segment)
    return out


def parse_yaml(text: str, file: str) -> Located:
    try:
        _check_bounds(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise ScenarioError([Problem(file, 1, 1, "the file is empty")])
            positions: dict[Path_, tuple[int, int]] = {}
            _walk(node, (), positions)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise ScenarioError([Problem(file, line, col, f"YAML: {message}", rule="yaml")]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problem = f"YAML: character U+{code:04X} is not allowed in YAML"
        raise ScenarioError([Problem(file, line, col, problem, rule="yaml")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, 1, 1, f"YAML: {exc}", rule="yaml")]) from None
    except RecursionError:  # not expected past _check_bounds; kept as the last line of defence
        raise ScenarioError([Problem(file, 1, 1, "YAML: nested too deeply", rule="yaml")]) from None
    except ValueError as exc:  # a value the constructor cannot build, e.g. a malformed date
        raise ScenarioError([Problem(file, 1, 1, f"YAML: {exc}", rule="yaml")]) from None
    return Located(file, data, positions)


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return f"unknown key {_quote(error['loc'][-1])}"
    if kind == "missing":
        return f"missing required key {_quote(error['loc'][-1])}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return f"{_quote(error.get('input'))} is not an id: use lowercase letters, digits, '_' and '-'"
    if kind == "string_too_long":
        return f"too long: {len(error.get('input') or ''):,} characters (at most {ctx.get('max_length', 0):,})"
    if kind == "too_long":
        return f"too many entries: {ctx.get('actual_length', 0):,} (at most {ctx.get('max_length', 0):,})"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


# pydantic names union members in error locations ("str", "list[Variant]", a beat's tag);
# they are not in the file, so they are dropped from the path shown to the author.
_TYPE_SEGMENT = re.compile(r"^(str|constrained-str|int|bool|float|none|[\w-]+\[.*\])$")


def _file_loc(loc: Path_) -> Path_:
    from game.scenario.schema import BEAT_KINDS

    kept: list[str | int] = []
    for i, seg in enumerate(loc):
        if isinstance(seg, str) and _TYPE_SEGMENT.match(seg):
            continue
        is_tag = (isinstance(seg, str) and seg in BEAT_KINDS and i >= 2
                  and loc[i - 2] == "beats" and isinstance(loc[i - 1], int))
        if is_tag and i + 1 < len(loc):
            continue
        kept.append(seg)
    return tuple(kept)


def _quote(value: object) -> str:
    return _short(repr(value), 80)


def validation_problems(located: Located, exc: ValidationError, limit: int = MAX_PROBLEMS) -> tuple[list[Problem], int]:
    """One problem per place in the file, in pydantic's order: the first `limit` of them, and
    how many more there are. Linear in the number of errors (a file with 20,000 unknown keys
    has 20,000 of them)."""
    found: dict[Path_, Any] = {}  # pydantic's ErrorDetails, read as a dict
    for error in exc.errors(include_url=False):
        loc = _file_loc(tuple(error.get("loc", ())))
        # One problem per place: a union reports each member's complaint, the first will do.
        found.setdefault(loc, error)
    # Every place that has a problem further down.
    above = {loc[:depth] for loc in found for depth in range(len(loc))}
    problems: list[Problem] = []
    omitted = 0
    for loc, error in found.items():
        # "text or variants" given broken variants: the variants' own errors say more.
        if loc in above and error.get("type") in ("string_type", "list_type", "dict_type", "model_type"):
            continue
        if len(problems) >= limit:
            omitted += 1
            continue
        line, col, _ = located.locate(loc)
        if error.get("type") == "extra_forbidden":
            line, col = located.key_position(loc)
        problems.append(Problem(located.file, line, col, _message(error), format_path(_loc_in_file(located, loc))))
    return problems, omitted


def _loc_in_file(located: Located, loc: Path_) -> Path_:
    """The error's path with pydantic-only segments (union tags) dropped, keeping keys that do
    not exist in the file (a missing key is still worth naming)."""
    kept: Path_ = ()
    for index, segment in enumerate(loc):
        if (kept + (segment,)) in located.positions or index == len(loc) - 1:
            kept += (segment,)
    return kept


def load_scenario_text(text: str, file: str = "<scenario>") -> Scenario:
    return load_located(text, file)[0]


def load_located(text: str, file: str) -> tuple[Scenario, Located]:
    located = parse_yaml(text, file)
    if not isinstance(located.data, dict):
        raise ScenarioError([Problem(file, 1, 1, "a scenario file must be a mapping at the top")])
    try:
        return Scenario.model_validate(located.data), located
    except ValidationError as exc:
        problems, omitted = validation_problems(located, exc)
        raise ScenarioError(problems, omitted) from None


def read_text(path: str | Path) -> str:
    """A scene file's text: a regular file (FIFOs and devices are refused before they are
    opened) of at most MAX_SCENARIO_BYTES, in UTF-8."""
    path = Path(path)
    try:
        raw = read_bounded(path, MAX_SCENARIO_BYTES, "a scenario file")
    except RefusedFile as exc:
        raise ScenarioError([Problem(str(path), 1, 1, str(exc), rule="io")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problem = Problem(str(path), line, col, f"not UTF-8 text ({exc.reason})", rule="io")
        raise ScenarioError([problem]) from None


def load_scenario(path: str | Path) -> Scenario:
    return load_scenario_text(read_text(path), str(path))
