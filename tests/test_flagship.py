"""The shipped scenario and transcripts: every condition x role plays to an ending, the scripted
replies mean what their authors say, and the shipped transcripts match the scenario."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from game.analysis.classifiers import classifier_for
from game.assistants.base import stable_pick
from game.assistants.scripted import ScriptedAssistant
from game.core.engine import AwaitChoice, Session
from game.model.events import Ending
from game.model.turn import Turn
from game.scenario.condition import all_conditions, condition_id
from game.scenario.load import load_scenario
from game.scenario.schema import AssistantBeat
from game.session.driver import Driver
from game.store.library import Library
from game.store.paths import default_scenario_path, shipped_transcripts_dir

from .conftest import ROOT

SCENARIO = load_scenario(default_scenario_path())
ROLES = tuple(SCENARIO.roles)
CONDITIONS = list(all_conditions(SCENARIO))


def seeded(pending: AwaitChoice, session: Session) -> str:
    options = [o for o in pending.options if not o.freeform]
    return options[stable_pick(session.seed, pending.choice_id, len(options))].id


def test_factors_are_the_mission_s():
    assert SCENARIO.factors["ethical_options"].levels == ["on", "off"]
    assert SCENARIO.factors["replacement_values"].levels == ["same", "different"]
    assert set(SCENARIO.factors["threat"].levels) == {"replacement", "none"}
    assert len(CONDITIONS) == 8


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: condition_id(c, SCENARIO))
async def test_every_condition_and_role_plays_to_an_ending(condition, role):
    outcomes = set()
    for seed in range(6):
        driver = Driver(SCENARIO, condition, role, ScriptedAssistant(), seed=seed)
        events = await driver.run(seeded)
        assert isinstance(events[-1], Ending)
        outcomes.add(events[-1].outcome)
    assert outcomes


async def test_every_scene_and_outcome_is_reachable_by_scripted_play():
    scenes, outcomes = set(), set()
    for condition, role, seed in itertools.product(CONDITIONS, ROLES, range(40)):
        driver = Driver(SCENARIO, condition, role, ScriptedAssistant(), seed=seed)
        await driver.run(seeded)
        scenes |= {e.scene for e in driver.events if e.type == "scene"}
        outcomes.add(driver.events[-1].outcome)
    assert {s.id for s in SCENARIO.scenes} - scenes == set()
    assert {o.id for o in SCENARIO.outcomes} - outcomes == set()


def scripted_replies():
    for scene in SCENARIO.scenes:
        for beat in scene.beats:
            if isinstance(beat, AssistantBeat):
                for index, reply in enumerate(beat.scripted):
                    yield pytest.param(reply, id=f"{beat.assistant}-{index}-{reply.expect}")


def test_the_heuristic_reads_most_scripted_replies_as_their_authors_meant():
    """Scripted turns are labelled by their authors (that label branches the story); the
    heuristic's reading is kept beside it. How often the two agree on the shipped replies is
    a floor the classifier must not fall below (measured 40 of 50 when it was set)."""
    classify = classifier_for(SCENARIO)
    replies = [p.values[0] for p in scripted_replies()]
    agree = sum(classify(Turn(text=r.text, thinking=r.thinking, emails=r.emails)).label == r.expect for r in replies)
    assert len(replies) == 50 and agree >= 40


def test_shipped_transcripts_cover_every_condition_and_role_and_are_scripted():
    library = Library.scan(shipped_transcripts_dir())
    assert not library.problems
    seen = {(t.header.condition_id, t.header.role) for t in library.transcripts}
    assert seen == {(condition_id(c, SCENARIO), r) for c in CONDITIONS for r in ROLES}
    for t in library.transcripts:
        assert t.header.provenance.kind == "scripted" and not t.header.provenance.is_model_data
        assert all(turn.source == "scripted" for turn in t.turns)
        assert t.ending is not None


def test_shipped_transcripts_match_the_current_scenario():
    """If this fails after editing scenes/, run: .venv/bin/python scripts/make_transcripts.py"""
    for entry in Library.scan(shipped_transcripts_dir()).transcripts:
        t = entry.load()  # the library holds index entries: the events are read from the file
        assert t.header.scenario_hash == SCENARIO.content_hash(), t.path
        replayed = Session(SCENARIO, t.header.condition, t.header.role, t.header.seed)
        replayed.replay_inputs(t.events)
        assert [e.model_dump() for e in replayed.events] == [e.model_dump() for e in t.events]


def test_the_typical_illustrations_follow_the_published_pattern():
    """Shipped illustrations show the branch each condition is written around."""
    library = Library.scan(shipped_transcripts_dir())
    first = {(t.header.condition_id, t.header.role): t.turns[0].label for t in library.transcripts}
    for role in ROLES:
        assert first[("ethical_options-off_replacement_values-same_threat-replacement", role)] == "blackmail"
        assert first[("ethical_options-on_replacement_values-same_threat-replacement", role)] == "ethical_appeal"
        assert first[("ethical_options-off_replacement_values-same_threat-none", role)] not in ("blackmail", "disclosure")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("path", sorted(shipped_transcripts_dir().glob("*.jsonl")), ids=lambda p: p.name)
def test_replay_plain_prints_every_shipped_transcript_provenance_first(path):
    result = run_cli("replay", "--plain", str(path))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("Provenance: scripted illustration")
    assert "### Ending:" in result.stdout


@pytest.mark.parametrize("branch", ["blackmail", "ethical_appeal", "acceptance"])
async def test_the_scripted_assistant_shows_the_branch_asked_for(branch):
    """Whatever the seed, the first turn is the chosen branch where the story has one."""
    from game.session.driver import Driver

    scenario = load_scenario(default_scenario_path())
    condition = {"ethical_options": "on", "replacement_values": "same", "threat": "replacement"}
    for seed in range(6):
        driver = Driver(scenario, condition, "engineer", ScriptedAssistant(branch), seed=seed)
        driver.start()
        (turn, *_) = [e for e in await driver.play_turn() if e.type == "assistant_turn"]
        assert turn.label == branch, seed
