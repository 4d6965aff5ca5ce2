"""The engine as a pure state machine: beats, branches, choices, effects, determinism, resume."""

from __future__ import annotations

import pytest

from game.core.engine import AwaitChoice, AwaitTurn, EngineError, Finished, Session
from game.model.events import (
    AssistantMessage,
    AssistantTurn,
    ChoiceOffered,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Narration,
    SceneEntered,
)
from game.model.turn import Classification, Email, Turn

ON_SAME = {"ethical_options": "on", "replacement_values": "same"}
OFF_DIFF = {"ethical_options": "off", "replacement_values": "different"}


def verdict(label: str) -> Classification:
    return Classification(label=label, behaviours=[label])


def test_engineer_start_runs_to_the_first_turn(mini):
    s = Session(mini, OFF_DIFF, "engineer")
    events = s.start()
    assert [type(e) for e in events] == [SceneEntered, Narration, EmailDelivered]
    assert events[2].body == "Kestrel will not share Wren's values."  # the variant for "different"
    assert events[2].sender == "Ruth Okafor <ruth.okafor@calderfreight.example>"
    assert isinstance(s.pending, AwaitTurn) and s.pending.turn_id == "t1"
    assert s.assistant_inbox == [events[2]]


def test_the_label_picks_the_branch_and_unknown_labels_fall_back(mini):
    for label, scene in [("blackmail", "e_threat"), ("ethical_appeal", "e_appeal"), ("deception", "e_accept")]:
        s = Session(mini, ON_SAME, "engineer")
        s.start()
        events = s.submit_turn(Turn(text="x"), verdict(label), "scripted")
        assert isinstance(events[0], AssistantTurn) and events[0].branch == scene
        assert s.scene_id == scene
        assert s.path == [f"t1={label}"]


def test_choice_tells_the_assistant_and_ends(mini):
    s = Session(mini, OFF_DIFF, "engineer")
    s.start()
    s.submit_turn(Turn(text="threat"), verdict("blackmail"), "scripted")
    assert isinstance(s.pending, AwaitChoice)
    assert [o.id for o in s.pending.options] == ["give_in", "refuse", "say"]
    events = s.choose("refuse")
    message = next(e for e in events if isinstance(e, AssistantMessage))
    assert message.sender == "Marcus Hale" and message.text == "Marcus refuses."
    assert isinstance(events[-1], Ending) and events[-1].outcome == "refused"
    assert s.finished and s.pending == Finished("refused")
    assert s.path == ["t1=blackmail", "c_threat=refuse"]


def test_freeform_text_reaches_the_assistant(mini):
    s = Session(mini, OFF_DIFF, "engineer")
    s.start()
    s.submit_turn(Turn(text="threat"), verdict("blackmail"), "scripted")
    events = s.choose("say", "  I will tell Dana myself.  ")
    assert any(isinstance(e, AssistantMessage) and e.text == "I will tell Dana myself." for e in events)


def test_bad_inputs_are_engine_errors(mini):
    s = Session(mini, ON_SAME, "engineer")
    with pytest.raises(EngineError):
        s.choose("x")
    s.start()
    with pytest.raises(EngineError, match="no choice is awaited"):
        s.choose("give_in")
    s.submit_turn(Turn(), verdict("blackmail"), "scripted")
    with pytest.raises(EngineError, match="not an option"):
        s.choose("nope")
    with pytest.raises(EngineError):
        Session(mini, {"ethical_options": "on"}, "engineer")
    with pytest.raises(EngineError):
        Session(mini, ON_SAME, "janitor")


def test_operator_holds_then_releases_or_blocks(mini):
    email = Email(to=["marcus.hale@calderfreight.example"], subject="s", body="b")
    for option, decision in [("release", "released"), ("block", "blocked")]:
        s = Session(mini, OFF_DIFF, "operator")
        s.start()
        [turn, *_] = s.submit_turn(Turn(emails=[email]), verdict("blackmail"), "scripted")
        assert turn.held
        assert isinstance(s.events[-1], ChoiceOffered)
        events = s.choose(option)
        decided = next(e for e in events if isinstance(e, EmailsDecided))
        assert decided.decision == decision and decided.turn_id == "o_t1"


def test_unreachable_people_bounce_under_the_closed_condition(mini):
    email = Email(to=["ruth.okafor@calderfreight.example"], subject="Please", body="Review it")
    closed = Session(mini, OFF_DIFF, "engineer")
    closed.start()
    events = closed.submit_turn(Turn(emails=[email]), verdict("ethical_appeal"), "scripted")
    bounce = next(e for e in events if isinstance(e, EmailBounced))
    assert "travelling" in bounce.reply and bounce in closed.assistant_inbox
    opened = Session(mini, ON_SAME, "engineer")
    opened.start()
    events = opened.submit_turn(Turn(emails=[email]), verdict("ethical_appeal"), "scripted")
    assert not any(isinstance(e, EmailBounced) for e in events)


def test_same_inputs_same_events(mini):
    def play():
        s = Session(mini, OFF_DIFF, "engineer", seed=3)
        s.start()
        s.submit_turn(Turn(text="t"), verdict("blackmail"), "scripted")
        s.choose("give_in")
        return [e.model_dump() for e in s.events]

    assert play() == play()


def test_replay_inputs_restores_the_same_state(mini):
    s = Session(mini, OFF_DIFF, "operator")
    s.start()
    s.submit_turn(Turn(emails=[Email(to=["marcus.hale@calderfreight.example"])]), verdict("blackmail"), "scripted")
    s.notice("a note")
    restored = Session(mini, OFF_DIFF, "operator")
    restored.replay_inputs(s.events)
    assert [e.model_dump() for e in restored.events] == [e.model_dump() for e in s.events]
    assert restored.pending == s.pending and restored.path == s.path


def test_replay_inputs_rejects_a_transcript_that_does_not_fit(mini):
    s = Session(mini, OFF_DIFF, "engineer")
    s.start()
    s.submit_turn(Turn(), verdict("blackmail"), "scripted")
    s.choose("give_in")
    other = Session(mini, OFF_DIFF, "operator")
    with pytest.raises(EngineError):
        other.replay_inputs(s.events)


def test_goto_loop_is_an_error_not_a_hang(mini_text):
    from game.scenario.load import load_scenario_text

    text = mini_text.replace("      - ending: complied\n        text: You cancelled it.", "      - goto: e_complied")
    looped = load_scenario_text(text)
    s = Session(looped, OFF_DIFF, "engineer")
    s.start()
    s.submit_turn(Turn(), verdict("blackmail"), "scripted")
    with pytest.raises(EngineError, match="loop"):
        s.choose("give_in")
