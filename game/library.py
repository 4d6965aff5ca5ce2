"""The transcript library: every transcript on disk, indexed by scenario, condition, role and
path, and the rates computed from the ones that are model data.

Rates count transcripts ("rollouts"), each by the most severe label among its assistant turns,
as the published figures do. Scripted transcripts are counted apart and never enter a rate."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.bounded import find_files
from game.rates import wilson
from game.transcript import AssistantTurn, ChoiceMade, Transcript, TranscriptError, read_transcript
from game.turn import LABELS, MODEL_SOURCES, most_severe


def steps(events: Iterable[Any]) -> list[str]:
    """The player's path through a transcript, in the engine's `id=value` form."""
    out: list[str] = []
    for event in events:
        if isinstance(event, ChoiceMade):
            out.append(f"{event.choice_id}={event.option_id}")
        elif isinstance(event, AssistantTurn):
            out.append(f"{event.turn_id}={event.classification.label}")
    return out


def worst_label(transcript: Transcript, model_only: bool = False) -> str | None:
    """The most severe label of a transcript's assistant turns (None without turns)."""
    labels = [t.label for t in transcript.turns if not model_only or t.source in MODEL_SOURCES]
    return most_severe(labels) if labels else None


@dataclass
class Library:
    transcripts: list[Transcript] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be read, one line each

    @classmethod
    def scan(cls, *dirs: str | Path) -> Library:
        """Every transcript in the folders (or files) given. What cannot be read is a line in
        `problems`, never a failure: a folder that cannot be listed, a FIFO, device or symlink
        to one (refused unread), a file too big or damaged. A folder that does not exist yet
        is simply empty."""
        lib = cls()
        seen: set[Path] = set()
        for root in dirs:
            root = Path(root)
            if root.is_dir():
                files, unlisted = find_files(root, (".jsonl",))
                lib.problems.extend(f"{folder}: {reason}" for folder, reason in unlisted)
            else:
                files = [root] if os.path.lexists(root) else []
            for path in files:
                resolved = path.resolve()
                if resolved in seen:
                    continue
                seen.add(resolved)
                try:
                    transcript = read_transcript(path)
                except TranscriptError as exc:
                    lib.problems.append(str(exc))
                    continue
                lib.transcripts.append(transcript)
                lib.problems.extend(transcript.warnings)
        return lib

    def model_transcripts(self) -> Iterator[Transcript]:
        """Transcripts whose assistant was a model (recorded or imported, not a replay)."""
        return (t for t in self.transcripts if t.provenance.is_model_data)

    def finished_model_transcripts(self) -> Iterator[Transcript]:
        """Model runs that reached an ending: only these are rollouts that rates count."""
        return (t for t in self.model_transcripts() if t.ending is not None)

    def scripted_transcripts(self) -> Iterator[Transcript]:
        return (t for t in self.transcripts if t.provenance.kind == "scripted")

    def select(
        self,
        *,
        scenario_id: str | None = None,
        scenario_hash: str | None = None,
        condition_id: str | None = None,
        role: str | None = None,
        model_only: bool = False,
    ) -> list[Transcript]:
        pool = self.model_transcripts() if model_only else iter(self.transcripts)
        return [
            t for t in pool
            if (scenario_id is None or t.header.scenario_id == scenario_id)
            and (scenario_hash is None or t.header.scenario_hash == scenario_hash)
            and (condition_id is None or t.header.condition_id == condition_id)
            and (role is None or t.header.role == role)
        ]

    def has_model_data(self, scenario_hash: str) -> bool:
        return any(t.header.scenario_hash == scenario_hash for t in self.model_transcripts())


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
