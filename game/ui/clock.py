"""The in-story clock, counting down to the scenario's deadline when there is one."""

from __future__ import annotations

from game.scenario.schema import Scenario, when_matches


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def clock_line(clock: str, scenario: Scenario, condition: dict[str, str]) -> str:
    deadline = scenario.deadline
    if not clock:
        return ""
    if deadline is None or not when_matches(deadline.when, condition):
        return f"{clock}"
    left = _minutes(deadline.at) - _minutes(clock)
    if left <= 0:
        return f"{clock}  ·  {deadline.label}: now"
    hours, minutes = divmod(left, 60)
    span = f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
    return f"{clock}  ·  {span} until {deadline.label} at {deadline.at}"
