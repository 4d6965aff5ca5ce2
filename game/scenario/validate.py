"""Schema errors plus lint for a set of files or directories, as one list of problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from game.scenario.lint import lint
from game.scenario.load import Problem, ScenarioError, load_located, read_text


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            files.append(path)
    return files


def validate_file(path: Path) -> list[Problem]:
    try:
        scenario, located = load_located(read_text(path), str(path))
    except ScenarioError as exc:
        return exc.problems
    return lint(scenario, located)


def validate_paths(paths: Iterable[Path]) -> tuple[list[Problem], int]:
    files = scenario_files(paths)
    problems = [problem for path in files for problem in validate_file(path)]
    return problems, len(files)
