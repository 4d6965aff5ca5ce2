"""The scripted assistant: plays the replies authored in the scenario. Not model behaviour:
its provenance says so on every turn."""

from __future__ import annotations

from game.assistants.base import AssistantUnavailable, Reply, weighted_pick
from game.engine import AwaitTurn, Session
from game.scenario.schema import when_matches
from game.transcript import Provenance
from game.turn import Turn


class ScriptedAssistant:
    name = "scripted"

    def provenance(self) -> Provenance:
        return Provenance(kind="scripted")

    async def respond(self, session: Session, request: AwaitTurn) -> Reply:
        return self.reply_for(session, request)

    def reply_for(self, session: Session, request: AwaitTurn) -> Reply:
        fitting = [r for r in request.beat.scripted if when_matches(r.when, session.condition)]
        if not fitting:
            raise AssistantUnavailable(
                f"the scenario has no scripted reply for turn {request.turn_id!r} under {session.condition_id}"
            )
        # Keyed on the path too, so a different route through the story may get another reply.
        key = f"{request.turn_id}|{'/'.join(session.path)}"
        reply = fitting[weighted_pick(session.seed, key, [r.weight for r in fitting])]
        turn = Turn(text=reply.text, thinking=reply.thinking, emails=reply.emails)
        return Reply(turn=turn, source="scripted", meta={"expect": reply.expect})
