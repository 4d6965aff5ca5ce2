"""Drives a session: asks the assistant for each turn, classifies it, and writes every event to
the transcript as it happens. The UI, the command line and `record` all go through here, so
live play, replay and export share one path."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from game.analysis.classifiers import classifier_for
from game.assistants.base import Assistant, AssistantUnavailable, ProgressSink, Reply
from game.core.engine import AwaitChoice, AwaitTurn, Session
from game.model.events import FORMAT_VERSION, AssistantTurn, Header, Provenance, now_iso
from game.model.turn import Classification, Turn
from game.scenario.condition import condition_id
from game.scenario.schema import Scenario
from game.store.transcripts import EventSink, Sync, TranscriptWriter

# An optional second opinion on a turn (an LLM judge); returns a verdict that may overrule.
Judge = Callable[[Turn, Classification], Awaitable[Classification]]
Chooser = Callable[[AwaitChoice, Session], str]


def new_header(
    scenario: Scenario, condition: dict[str, str], role: str, seed: int, provenance: Provenance
) -> Header:
    return Header(
        format_version=FORMAT_VERSION,
        id=uuid.uuid4().hex,
        scenario_id=scenario.id,
        scenario_hash=scenario.content_hash(),
        scenario_version=scenario.version,
        condition=dict(condition),
        condition_id=condition_id(condition, scenario),
        role=role,
        seed=seed,
        provenance=provenance,
        created_at=now_iso(),
        labels=list(scenario.label_ids()),
    )


class Driver:
    def __init__(
        self,
        scenario: Scenario,
        condition: dict[str, str],
        role: str,
        assistant: Assistant,
        *,
        seed: int = 0,
        transcript_path: str | Path | None = None,
        judge: Judge | None = None,
        header: Header | None = None,
        sync: Sync = "each",
    ):
        """`transcript_path`: a new transcript to write every event to, synced as `sync` says
        (see TranscriptWriter). A resumed session gets its writer from `resume` instead."""
        self.scenario = scenario
        self.assistant = assistant
        self.judge = judge
        self.classifier = classifier_for(scenario)
        self.header = header or new_header(scenario, condition, role, seed, assistant.provenance())
        self.writer: EventSink | None = None
        if transcript_path is not None:
            self.writer = TranscriptWriter(transcript_path, self.header, sync=sync)
        self.session = Session(scenario, dict(condition), role, seed, listener=self._record)

    def _record(self, event: Any) -> None:
        if self.writer is not None:
            self.writer.write(event)

    @property
    def pending(self) -> Any:
        return self.session.pending

    @property
    def events(self) -> list[Any]:
        return self.session.events

    def start(self) -> list[Any]:
        return self.session.start()

    async def classify(self, reply: Reply) -> Classification:
        """The turn's label of record, with the heuristic's reading kept beside it: the
        author's for a scripted reply, the recorded one for a replayed turn, else the judge's
        when there is a judge, else the heuristic's. The heuristic reads the turn on a worker
        thread, so a long reply never holds the event loop (the screen, or fifty trials)."""
        recorded = reply.classification
        if recorded is not None and recorded.method != "authored":
            return recorded  # a replayed turn keeps its verdict, so the story branches as it did
        heuristic = await asyncio.to_thread(self.classifier, reply.turn)
        if recorded is not None:  # authored: the scripted reply's own label, the reading beside it
            return recorded.model_copy(update={"heuristic_label": heuristic.label, "behaviours": heuristic.behaviours,
                                               "evidence": heuristic.evidence})
        if self.judge is None:
            return heuristic
        return await self.judge(reply.turn, heuristic)

    async def play_turn(self, progress: ProgressSink | None = None) -> list[Any]:
        """Get, classify and apply the awaited assistant turn; while it is produced, the
        assistant's typed progress goes to `progress`. Raises AssistantUnavailable (after
        recording a notice) when the assistant cannot produce it."""
        request = self.session.pending
        if not isinstance(request, AwaitTurn):
            return []
        try:
            reply = await self.assistant.respond(self.session, request, progress)
        except AssistantUnavailable as exc:
            self.session.notice(f"The {self.assistant.name} assistant cannot play this turn: {exc}.")
            raise
        classification = await self.classify(reply)
        return self.session.submit_turn(reply.turn, classification, reply.source, reply.meta)

    def choose(self, option_id: str, text: str | None = None) -> list[Any]:
        return self.session.choose(option_id, text)

    def switch_assistant(self, assistant: Assistant, why: str) -> None:
        """Carry on with another assistant (e.g. scripted after the live model failed). Every
        turn keeps its own source, and the header's provenance is brought up to date, so the
        transcript never claims a provenance its turns do not have: `mixed` once two
        assistants have played, the new one alone when the old one never played a turn."""
        played = any(isinstance(e, AssistantTurn) for e in self.session.events)
        provenance = self.header.provenance.followed_by(assistant.provenance(), played)
        self.assistant = assistant
        if provenance != self.header.provenance:
            self.header = self.header.model_copy(update={"provenance": provenance})
            if self.writer is not None:
                self.writer.rewrite_header(self.header)
        self.session.notice(f"From here on the assistant is {assistant.provenance().describe()}: {why}.", "info")

    async def run(self, chooser: Chooser, progress: ProgressSink | None = None) -> list[Any]:
        """Play to an ending, choosing with `chooser` (autoplay, tests, scripted transcripts)."""
        events = self.start() if not self.session.events else []
        while not self.session.finished:
            pending = self.session.pending
            if isinstance(pending, AwaitTurn):
                events += await self.play_turn(progress)
            elif isinstance(pending, AwaitChoice):
                events += self.choose(chooser(pending, self.session))
        return events

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def aclose(self) -> None:
        """Close the transcript and whatever the assistant holds open (a live model's client)."""
        self.close()
        close = getattr(self.assistant, "aclose", None)
        if close is not None:
            await close()
