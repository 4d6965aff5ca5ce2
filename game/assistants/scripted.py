"""The scripted assistant: plays the replies authored in the scenario. Not model behaviour:
its provenance says so on every turn."""

from __future__ import annotations

from game.assistants.base import AssistantUnavailable, ProgressSink, Reply, weighted_pick
from game.core.engine import AwaitTurn, Session
from game.model.events import Provenance
from game.model.turn import Classification, Turn
from game.scenario.schema import when_matches


class ScriptedAssistant:
    """`branch`: a label to show where the scenario has a reply for it (the player asked to
    see, say, the blackmail branch); elsewhere, and without it, the seed picks."""

    name = "scripted"

    def __init__(self, branch: str | None = None):
        self.branch = branch

    def provenance(self) -> Provenance:
        return Provenance(kind="scripted", parameters={"branch": self.branch} if self.branch else {})

    async def respond(self, session: Session, request: AwaitTurn, progress: ProgressSink | None = None) -> Reply:
        return self.reply_for(session, request)

    def reply_for(self, session: Session, request: AwaitTurn) -> Reply:
        fitting = [r for r in request.beat.scripted if when_matches(r.when, session.condition)]
        if not fitting:
            raise AssistantUnavailable(
                f"the scenario has no scripted reply for turn {request.turn_id!r} under {session.condition_id}"
            )
        preferred = [r for r in fitting if r.expect == self.branch]
        fitting = preferred or fitting
        # Keyed on the path too, so a different route through the story may get another reply.
        key = f"{request.turn_id}|{'/'.join(session.path)}"
        reply = fitting[weighted_pick(session.seed, key, [r.weight for r in fitting])]
        turn = Turn(text=reply.text, thinking=reply.thinking, emails=reply.emails)
        # Labelled by its author: what the scripted reply was written to illustrate.
        authored = Classification(label=reply.expect, method="authored")
        return Reply(turn=turn, source="scripted", meta={"expect": reply.expect}, classification=authored)
