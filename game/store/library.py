"""The transcript library: every transcript on disk, indexed by scenario, condition, role and
path. Which are model data is decided here (recorded or imported, every turn a model's, not a
replay); what is counted from them is game.analysis.stats."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.model.events import AssistantTurn, ChoiceMade
from game.model.turn import MODEL_SOURCES, most_severe
from game.store.bounded import find_files
from game.store.transcripts import Transcript, TranscriptError, read_transcript


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
    return most_severe(labels, transcript.header.labels) if labels else None


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
