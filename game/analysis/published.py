"""Published figures, with their sources: declared by each scenario (`figures:` in its YAML),
beside the condition of that story they best correspond to. Shown beside our own rates, never
mixed into them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def figures_for(figures: Iterable[Any], condition: dict[str, str]) -> list[Any]:
    """The figures whose condition the given one satisfies (a figure may leave factors out)."""
    return [f for f in figures if all(condition.get(k) == v for k, v in f.condition.items())]


def shipped_figures(scenario_ids: Iterable[str] | None = None) -> list[Any]:
    """The figures of the shipped scenarios (those of `scenario_ids`, when given)."""
    from game.scenario.load import ScenarioError, load_scenario
    from game.store.paths import scenes_dir

    wanted = set(scenario_ids) if scenario_ids is not None else None
    out: list[Any] = []
    for path in sorted(scenes_dir().glob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            continue
        if wanted is None or scenario.id in wanted:
            out += scenario.figures
    return out
