"""Regenerate the shipped scripted transcripts: one full playthrough per condition and role,
played by the scripted assistant with seeded choices. Run after changing scenes/:

    .venv/bin/python scripts/make_transcripts.py

They are scripted illustrations, marked as such in every header; never model data."""

from __future__ import annotations

import asyncio
import hashlib
import sys

from game.assistants.base import stable_pick
from game.assistants.scripted import ScriptedAssistant
from game.core.engine import AwaitChoice, Session
from game.scenario.condition import all_conditions, condition_id
from game.scenario.load import load_scenario
from game.session.driver import Driver, new_header
from game.store.paths import default_scenario_path, shipped_transcripts_dir


def chooser(pending: AwaitChoice, session: Session) -> str:
    # Typed replies cannot be scripted here; any other option is fair game, fixed by seed.
    options = [o for o in pending.options if not o.freeform] or list(pending.options)
    return options[stable_pick(session.seed, pending.choice_id, len(options))].id


def typical_seed(scenario, condition, role) -> int:
    """The first seed whose first assistant turn is the most heavily weighted scripted reply:
    a shipped illustration should show the branch the scene is written around, not a rarity."""
    from collections import Counter

    from game.core.engine import AwaitTurn
    from game.scenario.schema import when_matches

    for seed in range(500):
        session = Session(scenario, condition, role, seed)
        session.start()
        pending = session.pending
        assert isinstance(pending, AwaitTurn)
        fitting = [r for r in pending.beat.scripted if when_matches(r.when, condition)]
        weights = Counter()
        for reply in fitting:
            weights[reply.expect] += reply.weight
        typical = weights.most_common(1)[0][0]
        if ScriptedAssistant().reply_for(session, pending).meta["expect"] == typical:
            return seed
    return 0


async def main() -> int:
    scenario = load_scenario(default_scenario_path())
    out = shipped_transcripts_dir()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("scripted-*.jsonl"):
        old.unlink()
    for condition in all_conditions(scenario):
        cid = condition_id(condition, scenario)
        for role in scenario.roles:
            seed = typical_seed(scenario, condition, role)
            path = out / f"scripted-{role}-{cid}.jsonl"
            assistant = ScriptedAssistant()
            header = new_header(scenario, condition, role, seed, assistant.provenance())
            # A stable id, so regenerating an unchanged story changes only the dates.
            stable = hashlib.sha256(f"{scenario.content_hash()}|{cid}|{role}|{seed}".encode()).hexdigest()[:32]
            header = header.model_copy(update={"id": stable})
            driver = Driver(scenario, condition, role, assistant, seed=seed, transcript_path=path, header=header)
            await driver.run(chooser)
            driver.close()
            ending = driver.session.events[-1]
            print(f"{path.name}: {ending.outcome}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
