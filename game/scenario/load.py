"""Load scene YAML with a location for every node, so that every error can say
`file:line:col: message (at path)` in one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from game.scenario.schema import ID_PATTERN, Scenario

Path_ = tuple[str | int, ...]


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
        where = f" (at {self.path})" if self.path else ""
        # Always one line, whatever the message quotes.
        message = " ".join(self.message.split())
        return f"{self.file}:{self.line}:{self.col}: {message}{where}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "message": self.message,
            "path": self.path,
        }


class ScenarioError(Exception):
    """A scenario file that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid scenario")


# libyaml's parser (shipped in PyYAML's wheels) is ten times faster than the pure-Python one,
# and the scenario is parsed on the way to the title screen.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
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


def _check_duplicate_keys(node: yaml.Node) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise yaml.MarkedYAMLError(
                        problem=f"duplicate key {key.value!r}", problem_mark=key.start_mark
                    )
                seen.add(key.value)
            _check_duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item)


def _positions(node: yaml.Node, path: Path_, out: dict[Path_, tuple[int, int]]) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = path + (key.value,)
                _positions(value, child, out)
                # Point at the key itself: that is where the eye goes for a wrong key.
                out[child + ("<key>",)] = (key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _positions(item, path + (index,), out)


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
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise ScenarioError([Problem(file, 1, 1, "the file is empty")])
            _check_duplicate_keys(node)
            positions: dict[Path_, tuple[int, int]] = {}
            _positions(node, (), positions)
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
    except RecursionError:
        raise ScenarioError([Problem(file, 1, 1, "YAML: nested too deeply", rule="yaml")]) from None
    return Located(file, data, positions)


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}"
    if kind == "missing":
        return f"missing required key {error['loc'][-1]!r}"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == ID_PATTERN:
        return f"{error.get('input')!r} is not an id: use lowercase letters, digits, '_' and '-'"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


# pydantic names union members in error locations ("str", "list[Variant]", a beat's tag);
# they are not in the file, so they are dropped from the path shown to the author.
_TYPE_SEGMENT = re.compile(r"^(str|int|bool|float|none|[\w-]+\[.*\])$")


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


def validation_problems(located: Located, exc: ValidationError) -> list[Problem]:
    found: list[tuple[Path_, dict[str, Any]]] = []
    for error in exc.errors(include_url=False):
        loc = _file_loc(tuple(error.get("loc", ())))
        # One problem per place: a union reports each member's complaint, the first will do.
        if all(loc != seen for seen, _ in found):
            found.append((loc, error))
    problems: list[Problem] = []
    for loc, error in found:
        # "text or variants" given broken variants: the variants' own errors say more.
        deeper = any(other[: len(loc)] == loc and len(other) > len(loc) for other, _ in found)
        if deeper and error.get("type") in ("string_type", "list_type", "dict_type", "model_type"):
            continue
        line, col, _ = located.locate(loc)
        if error.get("type") == "extra_forbidden":
            line, col = located.key_position(loc)
        problems.append(Problem(located.file, line, col, _message(error), format_path(_loc_in_file(located, loc))))
    return problems


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
        raise ScenarioError(validation_problems(located, exc)) from None


def read_text(path: str | Path) -> str:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), 1, 1, f"not UTF-8 text ({exc.reason})", rule="io")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(str(path), 1, 1, f"cannot read: {exc.strerror}", rule="io")]) from None
    return text


def load_scenario(path: str | Path) -> Scenario:
    return load_scenario_text(read_text(path), str(path))
