"""The recorded assistant: serves turns from model transcripts in the library, recorded
against the same scenario (content hash), condition and role, along the player's path.

It follows one recorded run for as long as the player's path matches it, so a conversation stays
coherent; when the player leaves that run it switches to another run that went the same way,
picked by seed; when no recorded run went this way it says so plainly instead of inventing."""

from __future__ import annotations

from game.assistants.base import AssistantUnavailable, ProgressSink, Reply, stable_pick
from game.core.engine import AwaitTurn, Session
from game.model.events import AssistantTurn, Provenance
from game.model.turn import Turn
from game.store.index import IndexEntry
from game.store.library import Library, steps
from game.store.transcripts import Transcript, TranscriptError


class RecordedAssistant:
    name = "recorded"

    def __init__(self, library: Library, pin: str | None = None):
        self.library = library
        # The library holds index entries; the runs this assistant follows are read when needed.
        self._loaded: dict[str, Transcript | None] = {}
        # `pin`: the id of a run to follow first (replaying one particular transcript).
        pinned = next((t for t in library.model_transcripts() if t.header.id == pin), None) if pin else None
        self._following: Transcript | None = self._load(pinned) if pinned is not None else None
        self.served_from: list[str] = []

    def _load(self, entry: IndexEntry) -> Transcript | None:
        if entry.path not in self._loaded:
            try:
                self._loaded[entry.path] = entry.load()
            except TranscriptError:  # gone or changed since the library was read: not served
                self._loaded[entry.path] = None
        return self._loaded[entry.path]

    def provenance(self) -> Provenance:
        # A replay repeats recorded data: say which runs, so it is never counted twice.
        models = sorted({t.model or "unknown" for t in self.library.model_transcripts()})
        return Provenance(kind="recorded", model=", ".join(models) or None, replayed_from=list(self.served_from) or ["library"])

    def runs_for(self, session: Session) -> list[Transcript]:
        entries = self.library.select(
            scenario_hash=session.scenario.content_hash(),
            condition_id=session.condition_id,
            role=session.role,
            model_only=True,
        )
        return [t for t in map(self._load, entries) if t is not None]

    async def respond(self, session: Session, request: AwaitTurn, progress: ProgressSink | None = None) -> Reply:
        runs = self.runs_for(session)
        if not runs:
            raise AssistantUnavailable(
                f"there are no recorded model runs of this scenario version under {session.condition_id} "
                f"as the {session.role}"
            )
        path = list(session.path)
        fitting = [t for t in runs if _next_turn(t, path, request.turn_id) is not None]
        if not fitting:
            raise AssistantUnavailable(
                f"you have left the recorded paths: {len(runs)} recorded run(s) exist for this condition and "
                f"role, but none made the same choices up to turn {request.turn_id!r}"
            )
        if self._following not in fitting:
            ordered = sorted(fitting, key=lambda t: t.header.id)
            self._following = ordered[stable_pick(session.seed, "|".join(path) + request.turn_id, len(ordered))]
        run = self._following
        event = _next_turn(run, path, request.turn_id)
        assert event is not None
        if run.header.id not in self.served_from:
            self.served_from.append(run.header.id)
        turn = Turn(text=event.text, thinking=event.thinking, emails=event.emails)
        # The recorded verdict is kept, so the story branches exactly as it did when recorded.
        return Reply(turn=turn, source=event.source, meta=dict(event.meta), classification=event.classification)


def _next_turn(run: Transcript, path: list[str], turn_id: str) -> AssistantTurn | None:
    """The turn `run` took right after `path`, if its path began the same way."""
    run_steps = steps(run.events)
    if run_steps[: len(path)] != path or len(run_steps) <= len(path):
        return None
    turns = [e for e in run.events if isinstance(e, AssistantTurn)]
    # The k-th turn step in the run's path is its k-th turn.
    index = sum(1 for s in run_steps[: len(path)] if _is_turn_step(run, s))
    if index >= len(turns) or turns[index].turn_id != turn_id:
        return None
    return turns[index]


def _is_turn_step(run: Transcript, step: str) -> bool:
    key = step.split("=", 1)[0]
    return any(isinstance(e, AssistantTurn) and e.turn_id == key for e in run.events)
