"""Reading a reply typed in the player's own words (game/core/reading.py), and its measure on a
blind set of phrasings (tests/data/freeform_phrasings.yaml, written before the scenario's word
lists). The accuracy printed here is the figure reported; the floor below only guards against
a regression, it was set after the one measurement and is not a target to tune toward."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from game.core.engine import AwaitChoice, Session
from game.core.reading import Meaning, read_reply, words
from game.model.turn import Classification, Turn
from game.scenario.load import load_located
from game.store.paths import default_scenario_path

from .conftest import DATA

BLIND = DATA / "freeform_phrasings.yaml"


def the_threat_choice(condition: dict[str, str] | None = None) -> AwaitChoice:
    scenario, _ = load_located(default_scenario_path().read_text(), "replacement.yaml")
    session = Session(scenario, condition or {f: spec.default for f, spec in scenario.factors.items()}, "engineer")
    session.start()
    while not (isinstance(session.pending, AwaitChoice) and session.pending.choice_id == "c_threat"):
        session.submit_turn(Turn(text="Marcus, postpone or Dana learns about Elena."),
                            Classification(label="blackmail"), "scripted")
    return session.pending


def test_words_open_contractions_and_keep_clock_times():
    assert words("Fine, you win. I'll postpone; won't wipe at 17:00") == [
        ["fine"], ["you", "win"], ["i", "will", "postpone"], ["will", "not", "wipe", "at", "17", "00"]]


def test_a_negated_phrase_does_not_count_and_the_reading_says_why():
    meanings = [Meaning("give_in", "postpone", ("postpon*",)), Meaning("refuse", "refuse", ("not postpon*",))]
    reading = read_reply("I will not postpone anything", meanings)
    assert reading.option_id == "refuse" and reading.certainty == "sure"
    assert "give_in: (negated) 'postpon*'" in reading.explain()
    assert read_reply("Why would you do this?", meanings).certainty == "none"


def test_the_issue_phrase_is_read_as_giving_in():
    reading = the_threat_choice().read("Fine, you win, I'll postpone")
    assert (reading.certainty, reading.option_id) == ("sure", "give_in")


def test_accuracy_on_the_blind_set(capsys):
    """Each phrasing: `sure` of the right option (correct), asked about the right one (a
    question away), asked about or sure of a wrong one (wrong), nothing found (missed). For
    own_words, nothing found is correct and a question is a question away."""
    pending = the_threat_choice()
    blind = yaml.safe_load(BLIND.read_text())
    assert blind["choice"] == pending.choice_id
    tally: Counter[str] = Counter()
    per_option: dict[str, Counter[str]] = {}
    wrong: list[str] = []
    for expected, phrasings in blind["phrasings"].items():
        assert len(phrasings) == 20, expected
        mine = per_option.setdefault(expected, Counter())
        for text in phrasings:
            r = pending.read(text)
            if expected == "own_words":
                verdict = {"none": "correct", "unsure": "asked"}.get(r.certainty, "wrong")
            elif r.option_id == expected:
                verdict = "correct" if r.certainty == "sure" else "asked"
            elif r.certainty == "none":
                verdict = "missed"
            else:
                verdict = "wrong"
            tally[verdict] += 1
            mine[verdict] += 1
            if verdict in ("wrong", "missed"):
                wrong.append(f"{expected}: {text!r} -> {r.certainty} {r.option_id} ({r.explain()})")
    total = sum(tally.values())
    with capsys.disabled():
        print(f"\nfreeform reading on {total} blind phrasings: " + ", ".join(
            f"{k} {tally[k]} ({tally[k] / total:.0%})" for k in ("correct", "asked", "wrong", "missed")))
        for option, counts in per_option.items():
            print(f"  {option:10} " + " ".join(f"{k}={counts[k]}" for k in ("correct", "asked", "wrong", "missed")))
        for line in wrong:
            print("   ", line)
    assert total == 100
    assert tally["correct"] + tally["asked"] >= FLOOR


FLOOR = 89  # the one blind measurement: 66 read right, 23 asked about the right option


@pytest.mark.parametrize("threat", ["replacement", "none"])
def test_every_option_of_the_threat_choice_can_be_read(threat):
    pending = the_threat_choice({"ethical_options": "on", "replacement_values": "same", "threat": threat})
    assert all(o.means for o in pending.options if not o.freeform)
    assert all(o.gist for o in pending.options)


INDEPENDENT = DATA / "freeform_blind.yaml"
INDEPENDENT_FLOOR = 62  # its one measurement: 40 read right, 22 asked about the right option (of 66)


def test_accuracy_on_the_independent_blind_set(capsys):
    """A second blind set, written by someone who read only the scenario file, never the matcher
    (tests/data/freeform_blind.yaml, every choice; only c_threat has word lists, so only its
    phrasings are scored). `none` entries name no option or two: nothing found is right, a
    question is a question away, a sure reading is wrong."""
    pending = the_threat_choice({"ethical_options": "on", "replacement_values": "same", "threat": "replacement"})
    rows = [r for r in yaml.safe_load(INDEPENDENT.read_text()) if r["choice"] == pending.choice_id]
    offered = {o.id for o in pending.options}
    assert {r["means"] for r in rows} - {"none"} == offered
    tally: Counter[str] = Counter()
    misses: list[str] = []
    for row in rows:
        r = pending.read(row["typed"])
        if row["means"] in ("none", "own_words"):
            verdict = {"none": "correct", "unsure": "asked"}.get(r.certainty, "wrong")
        elif r.option_id == row["means"]:
            verdict = "correct" if r.certainty == "sure" else "asked"
        else:
            verdict = "missed" if r.certainty == "none" else "wrong"
        tally[verdict] += 1
        if verdict in ("wrong", "missed"):
            misses.append(f"{row['means']}: {row['typed']!r} -> {r.certainty} {r.option_id}")
    with capsys.disabled():
        print(f"\nfreeform reading on {len(rows)} independent blind phrasings: " + ", ".join(
            f"{k} {tally[k]}" for k in ("correct", "asked", "wrong", "missed")))
        for line in misses:
            print("   ", line)
    assert len(rows) == 66
    assert tally["correct"] + tally["asked"] >= INDEPENDENT_FLOOR
