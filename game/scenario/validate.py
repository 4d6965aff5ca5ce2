"""Schema errors plus lint for a set of files or directories, as one list of problems."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from game.scenario.lint import lint
from game.scenario.load import Problem, ScenarioError, load_located, read_text
from game.store.bounded import find_files


def scenario_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The scene files named or found in the folders named, and a problem for each folder
    that could not be listed."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found, unlisted = find_files(path, (".yaml", ".yml"))
            files += found
            problems += [Problem(str(folder), 1, 1, reason, rule="io") for folder, reason in unlisted]
        else:
            files.append(path)
    return files, problems


def validate_file(path: Path, classifiers: Collection[str] | None = None) -> list[Problem]:
    try:
        scenario, located = load_located(read_text(path), str(path))
    except ScenarioError as exc:
        return exc.all_problems()
    return lint(scenario, located, classifiers)


def validate_paths(paths: Iterable[Path], classifiers: Collection[str] | None = None) -> tuple[list[Problem], int]:
    """Every problem of every scene file in `paths`; `classifiers`: the names the game has."""
    files, problems = scenario_files(paths)
    problems += [problem for path in files for problem in validate_file(path, classifiers)]
    return problems, len(files)
