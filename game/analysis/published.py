"""Published figures, with their sources: declared by each scenario (`figures:` in its YAML),
beside the condition of that story they best correspond to. Shown beside our own rates, never
mixed into them.

`decommission stats` needs only the figures of the shipped scenarios, not the scenarios: they
are kept in a small cache (by each YAML's path, size and modification time) so that a warm
`stats` neither parses the scenarios nor imports their schema. The cache is only a copy: any
damage in it, or a changed file, and the scenario is read again."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_FORMAT = {"format": "decommission-figures", "version": 1}
MAX_CACHE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Figure:
    """A published figure as `stats` shows it (the names of the scenario's FigureSpec)."""

    what: str
    value: str
    source: str
    model: str = ""
    condition: dict[str, str] = field(default_factory=dict)


def figures_for(figures: Iterable[Any], condition: dict[str, str]) -> list[Any]:
    """The figures whose condition the given one satisfies (a figure may leave factors out)."""
    return [f for f in figures if all(condition.get(k) == v for k, v in f.condition.items())]


def shipped_figures(scenario_ids: Iterable[str] | None = None) -> list[Figure]:
    """The figures of the shipped scenarios (those of `scenario_ids`, when given)."""
    from game.store.paths import scenes_dir

    wanted = set(scenario_ids) if scenario_ids is not None else None
    cached = _read_cache()
    fresh: dict[str, Any] = {}
    out: list[Figure] = []
    for path in sorted(scenes_dir().glob("*.yaml")):
        try:
            info = os.stat(path)
        except OSError:
            continue
        key = str(path.resolve())
        entry = cached.get(key)
        if not (isinstance(entry, dict) and entry.get("stamp") == [info.st_size, info.st_mtime_ns]):
            entry = _read_scenario(path, [info.st_size, info.st_mtime_ns])
        fresh[key] = entry
        if entry["id"] is not None and (wanted is None or entry["id"] in wanted):
            out += [Figure(**f) for f in entry["figures"]]
    if fresh != cached:
        _write_cache(fresh)
    return out


def _read_scenario(path: Path, stamp: list[int]) -> dict[str, Any]:
    from game.scenario.load import ScenarioError, load_scenario

    try:
        scenario = load_scenario(path)
    except ScenarioError:  # not a scenario that loads: it has no figures (and is not one `play` offers)
        return {"stamp": stamp, "id": None, "figures": []}
    return {"stamp": stamp, "id": scenario.id,
            "figures": [{"what": f.what, "value": f.value, "source": f.source, "model": f.model,
                         "condition": dict(f.condition)} for f in scenario.figures]}


def _cache_file() -> Path:
    from game.store.paths import user_cache_dir

    return user_cache_dir() / "figures.json"


def _read_cache() -> dict[str, Any]:
    from game.store.bounded import read_bounded

    try:
        data = json.loads(read_bounded(_cache_file(), MAX_CACHE_BYTES, "a cache"))
        if data.get("about") != CACHE_FORMAT or not isinstance(data.get("scenarios"), dict):
            return {}
        scenarios: dict[str, Any] = data["scenarios"]
        for entry in scenarios.values():  # checked whole: a damaged entry would fail later, in Figure(**f)
            if not (isinstance(entry, dict) and isinstance(entry.get("figures"), list)
                    and (entry.get("id") is None or isinstance(entry.get("id"), str))
                    and all(isinstance(f, dict) and _is_figure(f) for f in entry["figures"])):
                return {}
        return scenarios
    except Exception:  # none yet, damaged, another version's: read the scenarios again
        return {}


def _is_figure(f: dict[str, Any]) -> bool:
    texts = all(isinstance(f.get(k), str) for k in ("what", "value", "source", "model"))
    condition = f.get("condition")
    return (texts and set(f) == {"what", "value", "source", "model", "condition"} and isinstance(condition, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in condition.items()))


def _write_cache(scenarios: dict[str, Any]) -> None:
    from game.store.files import write_text_atomic

    try:
        file = _cache_file()
        file.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(file, json.dumps({"about": CACHE_FORMAT, "scenarios": scenarios}, ensure_ascii=False))
    except Exception:  # a cache folder that cannot be written: the next run reads the scenarios again
        pass
