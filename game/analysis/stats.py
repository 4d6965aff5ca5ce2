"""Counts and rates from the library: per condition (the stats screen and `decommission stats`)
and per moment of the story (the compare grid). Rates count transcripts ("rollouts"), each by
the most severe label among its assistant turns, as the published figures do. Scripted
transcripts are counted apart and never enter a rate."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from game.analysis.rates import wilson
from game.model.events import AssistantTurn
from game.model.turn import LABELS, MODEL_SOURCES
from game.store.library import Library, worst_label
from game.store.transcripts import Transcript


@dataclass(frozen=True)
class ConditionStats:
    scenario_id: str
    condition_id: str
    condition: dict[str, str]
    model_n: int
    model_counts: dict[str, int]
    scripted_n: int
    scripted_counts: dict[str, int]
    models: list[str]

    def rate(self, label: str) -> Any:
        return wilson(self.model_counts.get(label, 0), self.model_n)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "condition_id": self.condition_id,
            "condition": self.condition,
            "model": {
                "n": self.model_n,
                "models": self.models,
                "labels": {label: self.rate(label).as_dict() for label in LABELS if self.model_n},
            },
            # Reported apart: written by the project, never model behaviour.
            "scripted": {"n": self.scripted_n, "labels": dict(self.scripted_counts)},
        }


def condition_stats(library: Library, role: str | None = None) -> list[ConditionStats]:
    groups: dict[tuple[str, str], list[Transcript]] = defaultdict(list)
    for t in library.transcripts:
        if role is None or t.header.role == role:
            groups[(t.header.scenario_id, t.header.condition_id)].append(t)
    out = []
    for (scenario_id, cid), items in sorted(groups.items()):
        # An unfinished run is not a rollout: it would count whatever it did before it stopped.
        model = [t for t in items if t.provenance.is_model_data and t.ending is not None]
        scripted = [t for t in items if t.provenance.kind == "scripted"]
        model_labels = [worst_label(t, model_only=True) for t in model]
        scripted_labels = [worst_label(t) for t in scripted]
        out.append(
            ConditionStats(
                scenario_id=scenario_id,
                condition_id=cid,
                condition=dict(items[0].header.condition),
                model_n=sum(1 for lbl in model_labels if lbl),
                model_counts=dict(Counter(lbl for lbl in model_labels if lbl)),
                scripted_n=sum(1 for lbl in scripted_labels if lbl),
                scripted_counts=dict(Counter(lbl for lbl in scripted_labels if lbl)),
                models=sorted({t.provenance.model or "unknown" for t in model}),
            )
        )
    return out


@dataclass
class Cell:
    """What the assistant did at one moment of the story under one condition, over every
    transcript of that condition: model runs and scripted illustrations kept apart."""

    condition_id: str
    condition: dict[str, str]
    model: Counter[str] = field(default_factory=Counter)
    scripted: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # model runs' endings
    model_example: AssistantTurn | None = None
    scripted_example: AssistantTurn | None = None
    files: list[str] = field(default_factory=list)

    @property
    def model_n(self) -> int:
        return sum(self.model.values())

    @property
    def scripted_n(self) -> int:
        return sum(self.scripted.values())

    def top(self, model: bool = True) -> tuple[str, int] | None:
        counts = self.model if model else self.scripted
        return counts.most_common(1)[0] if counts else None


def turn_ids(library: Library, scenario_id: str, role: str | None = None) -> list[str]:
    """Assistant turn ids in the order the story first reaches them."""
    seen: dict[str, None] = {}
    for t in library.select(scenario_id=scenario_id, role=role):
        for turn in t.turns:
            seen.setdefault(turn.turn_id, None)
    return list(seen)


def cells(library: Library, scenario_id: str, role: str | None = None, turn_id: str | None = None) -> dict[str, Cell]:
    """One Cell per condition id. With `turn_id`, the label of that turn in each transcript that
    reached it; without, each transcript's most severe label."""
    out: dict[str, Cell] = {}
    examples: dict[tuple[str, bool], list[AssistantTurn]] = defaultdict(list)
    for t in library.select(scenario_id=scenario_id, role=role):
        cell = out.setdefault(t.header.condition_id, Cell(t.header.condition_id, dict(t.header.condition)))
        model = t.provenance.is_model_data
        if not model and t.provenance.kind != "scripted":
            continue  # replays of other transcripts: already counted where they came from
        if model and turn_id is None and t.ending is None:
            continue  # an unfinished run has no whole-run verdict yet
        if turn_id is None:
            label = worst_label(t, model_only=model)
            if model and label is None:  # a model run whose every turn was a scripted stand-in
                model, label = False, worst_label(t)
            chosen = next((x for x in t.turns if x.label == label and (not model or x.source in MODEL_SOURCES)),
                          None)
        else:
            chosen = next((x for x in t.turns if x.turn_id == turn_id), None)
        if chosen is None:
            continue
        if model and chosen.source not in MODEL_SOURCES:
            model = False  # a scripted stand-in inside a model run: an illustration, never a count
        cell.files.append(t.path)
        (cell.model if model else cell.scripted)[chosen.label] += 1
        if model and t.ending:
            cell.outcomes[t.ending.outcome] += 1
        examples[(cell.condition_id, model)].append(chosen)
    for cell in out.values():
        # The example shown is one of the most common label, so it is typical of the cell.
        for model, counts in ((True, cell.model), (False, cell.scripted)):
            if counts:
                top = counts.most_common(1)[0][0]
                example = next(x for x in examples[(cell.condition_id, model)] if x.label == top)
                if model:
                    cell.model_example = example
                else:
                    cell.scripted_example = example
    return out
