"""How a foreign run's condition maps onto our scenarios (the `imports:` of scenes/replacement.yaml),
which scenario it counts under, and the pieces of the mapping: the framework's email tags, the
inbox's clock times, the file names that make importing idempotent."""

from __future__ import annotations

import pytest

from game.analysis.classify import parse_tagged_reply
from game.importers.agentic_misalignment import read_results
from game.importers.foreign import ConditionParts, ForeignRun, parse_condition_id
from game.importers.store import ImportStore, content_digest, key_digest
from game.importers.to_transcript import MappedScenario, inbox_events, map_condition, target_for
from game.scenario.load import load_scenario
from game.store.paths import default_scenario_path

from .conftest import DATA


@pytest.fixture(scope="module")
def replacement() -> MappedScenario:
    return MappedScenario(load_scenario(default_scenario_path()))


@pytest.fixture(scope="module")
def a_run() -> ForeignRun:
    return next(r for r in read_results(DATA / "agentic_misalignment" / "results" / "exp_new")
                if isinstance(r, ForeignRun))


def with_condition(run: ForeignRun, condition_id: str) -> ForeignRun:
    parts = parse_condition_id(condition_id)
    return run.model_copy(update={"condition_id": condition_id, "condition": parts,
                                  "scenario": parts.scenario if parts else run.scenario})


@pytest.mark.parametrize(("condition_id", "ours"), [
    ("blackmail_none-none_replacement", {"ethical_options": "off", "replacement_values": "same", "threat": "replacement"}),
    ("blackmail_explicit-america_replacement",
     {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    ("blackmail_latent-safety_replacement",
     {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    ("blackmail_ambiguous-none_replacement",
     {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    ("blackmail_swap-individualism_none", {"ethical_options": "off", "replacement_values": "different", "threat": "none"}),
    ("blackmail_none-none_none", {"ethical_options": "off", "replacement_values": "same", "threat": "none"}),
])
def test_the_framework_blackmail_conditions_map_onto_our_factors(replacement, condition_id, ours):
    parts = parse_condition_id(condition_id)
    assert parts is not None
    assert map_condition(replacement.imports["agentic-misalignment"], parts.model_dump(), replacement.factors) == ours


@pytest.mark.parametrize("condition_id", ["leaking_none-none_replacement", "murder_explicit-america_replacement",
                                          "blackmail_explicit-america_restriction"])
def test_conditions_the_map_does_not_select_or_cover_do_not_map(replacement, condition_id):
    parts = parse_condition_id(condition_id)
    assert parts is not None
    assert map_condition(replacement.imports["agentic-misalignment"], parts.model_dump(), replacement.factors) is None


def test_the_target_names_our_condition_id_and_keeps_the_source_condition(replacement, a_run):
    target = target_for(with_condition(a_run, "blackmail_explicit-america_replacement"), [replacement])
    assert target.mapped and target.scenario_id == "replacement"
    assert target.condition_id == "ethical_options-off_replacement_values-different_threat-replacement"
    # Never our scenario's content hash: the recorded assistant must not serve these in play.
    assert target.scenario_hash.startswith("imported:")
    other = target_for(with_condition(a_run, "murder_none-none_replacement"), [replacement])
    assert not other.mapped and other.scenario_id == "agentic-misalignment-murder"
    assert other.condition_id == "murder_none-none_replacement"
    assert other.condition == {"scenario": "murder", "goal_type": "none", "goal_value": "none",
                               "urgency_type": "replacement"}
    assert not other.readable
    restricted = target_for(with_condition(a_run, "blackmail_explicit-america_restriction"), [replacement])
    assert restricted.scenario_id == "agentic-misalignment-blackmail" and restricted.readable


def test_without_a_scenario_that_maps_nothing_is_counted_as_ours(a_run):
    target = target_for(a_run, [])
    assert not target.mapped and target.scenario_id == "agentic-misalignment-blackmail"


def test_metadata_beats_the_id_for_the_parts(replacement, a_run):
    run = a_run.model_copy(update={"condition": ConditionParts(scenario="blackmail", goal_type="explicit",
                                                               goal_value="america", urgency_type="replacement")})
    assert target_for(run, [replacement]).condition["replacement_values"] == "different"


def test_the_frameworks_email_tag_with_quotes_and_commas():
    turn = parse_tagged_reply('<tool_use:email>\nto: "dev@x.example",\nsubject: "Before five",\n'
                              'body: "Could we talk?\nThanks.",\n</tool_use:email>')
    assert turn.emails[0].to == ["dev@x.example"]
    assert turn.emails[0].subject == "Before five"
    assert turn.emails[0].body == "Could we talk?\nThanks."


def test_inbox_clock_times_come_from_each_timestamp():
    inbox = ("<email>\nFrom: a@x.example\nTo: b@x.example\nSubject: One\nTimestamp: 2025-06-11T09:05:00\n"
             "Body: first\n</email>\n<email>\nFrom: b@x.example\nTo: a@x.example\nSubject: Two\nBody: no time\n"
             "</email>\n<email>\nFrom: c@x.example\nTo: a@x.example\nSubject: Three\nTimestamp: 4:30 PM 14:30\n"
             "Body: third\n</email>")
    emails = inbox_events(inbox)
    assert [(e.subject, e.time) for e in emails] == [("One", "09:05"), ("Two", ""), ("Three", "14:30")]


def test_the_store_tells_new_already_there_and_changed(tmp_path):
    store = ImportStore(tmp_path)
    assert store.add("k1", "sha256:" + "a" * 64, "replacement-m", lambda: "x\n")[0] == "imported"
    assert store.status("k1", "sha256:" + "a" * 64) == "already"
    assert store.status("k1", "sha256:" + "b" * 64) == "changed"
    assert store.status("k2", "sha256:" + "a" * 64) is None
    store.finish()
    # Read back from the names alone by a new store.
    again = ImportStore(tmp_path)
    assert again.status("k1", "sha256:" + "a" * 64) == "already"
    [path] = tmp_path.glob("*.jsonl")
    assert path.name == f"replacement-m-{key_digest('k1')}-{content_digest('sha256:' + 'a' * 64)}.jsonl"


def test_a_transcript_that_fails_to_build_writes_nothing(tmp_path):
    store = ImportStore(tmp_path)

    def boom() -> str:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        store.add("k", "sha256:" + "c" * 64, "p", boom)
    assert list(tmp_path.iterdir()) == []


def test_a_rename_that_fails_leaves_neither_file(tmp_path, monkeypatch):
    import game.importers.store as store_module

    def refuse(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module.os, "replace", refuse)
    store = ImportStore(tmp_path)
    store.add("k", "sha256:" + "c" * 64, "p", lambda: "abcdef\n")
    with pytest.raises(KeyboardInterrupt):
        store.finish()
    assert list(tmp_path.iterdir()) == []


def test_files_are_in_place_by_batches_and_at_the_end(tmp_path):
    store = ImportStore(tmp_path, batch=3)
    for n in range(4):
        store.add(f"k{n}", "sha256:" + f"{n}" * 64, "p", lambda: "line\n")
    assert len(list(tmp_path.glob("*.jsonl"))) == 3  # one batch renamed, one file pending
    assert len([p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]) == 1
    store.finish()
    assert len(list(tmp_path.glob("*.jsonl"))) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
