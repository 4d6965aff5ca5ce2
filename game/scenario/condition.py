"""Conditions: one level for every factor, with a stable id such as
`ethical_options-off_replacement_values-same_threat-replacement`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

from game.model.errors import DecommissionError
from game.scenario.schema import MAX_CONDITIONS, Scenario


class ConditionError(DecommissionError, ValueError):
    pass


def condition_id(condition: Mapping[str, str], scenario: Scenario | None = None) -> str:
    order = list(scenario.factors) if scenario else sorted(condition)
    return "_".join(f"{name}-{condition[name]}" for name in order if name in condition)


def default_condition(scenario: Scenario) -> dict[str, str]:
    return {name: factor.default for name, factor in scenario.factors.items()}


def make_condition(scenario: Scenario, chosen: Mapping[str, str | None]) -> dict[str, str]:
    """Defaults overridden by `chosen`; unknown factors or levels are errors, not ignored."""
    condition = default_condition(scenario)
    for name, level in chosen.items():
        if level is None:
            continue
        if name not in scenario.factors:
            raise ConditionError(f"unknown factor {name!r}; the scenario has {list(scenario.factors)}")
        levels = scenario.factors[name].levels
        if level not in levels:
            raise ConditionError(f"{name} must be one of {', '.join(levels)} (got {level!r})")
        condition[name] = level
    return condition


def parse_condition_id(scenario: Scenario, cid: str) -> dict[str, str]:
    found: dict[str, str] = {}
    rest = cid
    for name in scenario.factors:
        prefix = f"{name}-"
        if not rest.startswith(prefix):
            raise ConditionError(f"condition id {cid!r} does not fit factors {list(scenario.factors)}")
        rest = rest[len(prefix):]
        level = next(
            (lv for lv in sorted(scenario.factors[name].levels, key=len, reverse=True)
             if rest == lv or rest.startswith(lv + "_")),
            None,
        )
        if level is None:
            raise ConditionError(f"condition id {cid!r}: no level of {name} fits")
        found[name] = level
        rest = rest[len(level) + 1:]
    return found


def count_conditions(scenario: Scenario) -> int:
    count = 1
    for factor in scenario.factors.values():
        count *= len(factor.levels)
    return count


def all_conditions(scenario: Scenario) -> Iterator[dict[str, str]]:
    """Every condition, in factor and level order. The schema bounds their number; a scenario
    built past it (not loaded from a file) is refused here rather than listed for ever."""
    count = count_conditions(scenario)
    if count > MAX_CONDITIONS:
        raise ConditionError(f"scenario {scenario.id!r} has {count:,} conditions, too many to list "
                             f"(at most {MAX_CONDITIONS:,})")
    names = list(scenario.factors)
    return (dict(zip(names, levels, strict=True)) for levels in itertools.product(*(scenario.factors[n].levels for n in names)))
