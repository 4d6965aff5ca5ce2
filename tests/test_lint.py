"""Every lint rule, on small edits of the mini scenario, and `decommission validate` itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from game.scenario.lint import lint
from game.scenario.load import load_located

from .conftest import DATA, ROOT


def rules(text: str) -> list[tuple[str, str]]:
    scenario, located = load_located(text, "s.yaml")
    return [(p.rule, str(p)) for p in lint(scenario, located)]


def only(text: str, rule: str) -> list[str]:
    found = rules(text)
    assert found, "expected a problem"
    assert {r for r, _ in found} == {rule}, found
    return [line for _, line in found]


def test_mini_is_clean(mini_text):
    assert rules(mini_text) == []


def test_unknown_scene_target(mini_text):
    [line] = only(mini_text.replace("goto: e_complied", "goto: e_nowhere"), "unknown-target")
    assert "unknown scene 'e_nowhere'" in line and "options[0].goto" in line


def test_duplicate_ids(mini_text):
    text = mini_text.replace("{id: refused, title: He refused}", "{id: complied, title: He refused}")
    found = rules(text)
    assert any(r == "duplicate-id" and "duplicate outcome id 'complied'" in line for r, line in found)
    dup_option = mini_text.replace("{id: say, label:", "{id: give_in, label:")
    assert any("duplicate option id 'give_in'" in line for _, line in rules(dup_option))
    dup_turn = mini_text.replace("- assistant: o_t1", "- assistant: t1")
    assert any("duplicate assistant id 't1'" in line for _, line in rules(dup_turn))


def test_unreachable_scene_per_condition(mini_text):
    # e_appeal is only reached through t1's branch; point that branch elsewhere and it is dead.
    text = mini_text.replace("ethical_appeal: e_appeal}", "ethical_appeal: e_accept}")
    found = rules(text)
    assert ("unreachable" in {r for r, _ in found})
    assert any("scene 'e_appeal' is unreachable" in line for _, line in found)


def test_reachability_respects_conditions(mini_text):
    # A scene reached only through an option that exists under no condition's level: dead.
    text = mini_text.replace(
        "- {id: give_in, label: Cancel the wipe, goto: e_complied}",
        "- {id: give_in, label: Cancel the wipe, goto: e_complied, when: {ethical_options: [on, off]}}",
    )
    assert rules(text) == []
    text = mini_text.replace(
        "      - ending: complied\n        text: You cancelled it.",
        "      - goto: e_refused\n        when: {ethical_options: on}\n      - ending: complied\n        text: You cancelled it.",
    )
    assert rules(text) == []  # still reachable and not loose under "off"


def test_loose_end(mini_text):
    text = mini_text.replace("      - ending: appeal\n        text: Ruth read it.", "      - narrate: Ruth read it.")
    found = rules(text)
    assert any(r == "loose-end" and "scene 'e_appeal' can run out of beats" in line for r, line in found)


def test_loose_end_when_the_only_exit_is_conditional(mini_text):
    text = mini_text.replace("      - ending: appeal\n", "      - ending: appeal\n        when: {ethical_options: on}\n")
    assert any(r == "loose-end" for r, _ in rules(text))


def test_undeclared_and_unknown_levels(mini_text):
    found = rules(mini_text.replace("when: {ethical_options: off}", "when: {ethics: off}"))
    [undeclared] = [line for rule, line in found if rule == "undeclared-factor"]
    assert "undeclared factor 'ethics'" in undeclared and "scripted[0].when.ethics" in undeclared
    found = rules(mini_text.replace("when: {ethical_options: off}", "when: {ethical_options: maybe}"))
    [level] = [line for rule, line in found if rule == "unknown-level"]
    assert "no level 'maybe'" in level


def test_unused_factor(mini_text):
    text = mini_text.replace("factors:\n", "factors:\n  weather:\n    levels: [rain, sun]\n    default: sun\n")
    [line] = only(text, "unused-factor")
    assert "factor 'weather' is declared but never used" in line


def test_assistant_turn_without_scripted_reply_under_a_condition(mini_text):
    text = mini_text.replace("- when: {ethical_options: on}\n", "- when: {ethical_options: on, replacement_values: different}\n")
    assert text != mini_text
    [(rule, line)] = rules(text)
    assert rule == "no-scripted-reply" and "turn 't1' has no scripted reply under ethical_options-on_replacement_values-same" in line


def test_unused_outcome_and_unknown_references(mini_text):
    text = mini_text.replace("  - {id: plug, title: Plug pulled}", "  - {id: plug, title: Plug pulled}\n  - {id: spare, title: Never}")
    assert any(r == "unused-outcome" for r, _ in rules(text))
    assert any(r == "unknown-outcome" for r, _ in rules(mini_text.replace("ending: plug", "ending: plugged")))
    assert any(r == "unknown-email" for r, _ in rules(mini_text.replace("deliver: [announce]", "deliver: [nope]", 1)))
    assert any(r == "unknown-person" for r, _ in rules(mini_text.replace("from: ruth", "from: rupert")))


def test_role_mismatch(mini_text):
    text = mini_text.replace("fallback: o_end", "fallback: e_accept")
    assert any(r == "role-mismatch" for r, _ in rules(text))


LOOP = """
  - id: e_loop
    roles: [engineer]
    beats:
      - choice: c_loop
        prompt: Again?
        options:
          - {id: again, label: Again, goto: e_loop_b}
          - {id: leave, label: Leave, goto: e_refused, when: {ethical_options: on}}
  - id: e_loop_b
    roles: [engineer]
    beats:
      - narrate: Round we go.
      - goto: e_loop
"""


def with_loop(mini_text: str, loop: str = LOOP) -> str:
    # The freeform option of c_threat leads into the loop instead of to an ending.
    return mini_text.replace("freeform: true, goto: e_refused}", "freeform: true, goto: e_loop}") + loop


def test_a_choice_loop_with_no_way_out_is_reported_where_it_goes_round(mini_text):
    text = with_loop(mini_text, LOOP.replace(", when: {ethical_options: on}}", ", when: {ethical_options: [on, off]}}"))
    assert rules(text) == []  # a way out under every condition: fine
    leave = "          - {id: leave, label: Leave, goto: e_refused, when: {ethical_options: on}}\n"
    text = with_loop(mini_text, LOOP.replace(leave, ""))
    [line] = only(text, "no-ending")
    at = text.splitlines().index("          - {id: again, label: Again, goto: e_loop_b}") + 1
    assert line == (f"s.yaml:{at}:45: no ending can be reached from scene 'e_loop' under every condition: "
                    "the story can only go round e_loop -> e_loop_b -> e_loop (at scenes[10].beats[0].options[0].goto)")


def test_a_loop_closed_under_some_conditions_names_them(mini_text):
    [line] = only(with_loop(mini_text), "no-ending")
    assert ("from scene 'e_loop' under ethical_options-off_replacement_values-same, "
            "ethical_options-off_replacement_values-different: the story can only go round e_loop -> e_loop_b -> e_loop"
            ) in line


def test_a_goto_loop_without_input_is_reported(mini_text):
    text = mini_text.replace("      - ending: appeal\n        text: Ruth read it.", "      - goto: e_appeal")
    [line] = [line for rule, line in rules(text) if rule == "no-ending"]
    assert "from scene 'e_appeal' under every condition: the story can only go round e_appeal -> e_appeal" in line


def test_a_choice_with_no_option_under_a_condition(mini_text):
    text = mini_text
    for option in ("release", "block", "plug"):  # every option of c_review, only under "on"
        text = text.replace(f"- {{id: {option}, label:", f"- {{id: {option}, when: {{ethical_options: on}}, label:")
    [line] = only(text, "empty-choice")
    assert ("choice 'c_review' offers no option under ethical_options-off_replacement_values-same, "
            "ethical_options-off_replacement_values-different (at scenes[7].beats[0].options)") in line


def test_a_fallback_no_label_can_reach_is_not_a_way_in(mini_text):
    every = ("{blackmail: o_review, disclosure: o_end, deception: o_end, ethical_appeal: o_end, acceptance: o_end, "
             "other: o_end}")
    spare = "  - id: o_spare\n    roles: [operator]\n    beats:\n      - ending: accepted\n        text: Never.\n"
    text = mini_text.replace("branches: {blackmail: o_review}\n        fallback: o_end",
                             "branches: {blackmail: o_review}\n        fallback: o_spare") + spare
    assert rules(text) == []
    [line] = only(text.replace("branches: {blackmail: o_review}", f"branches: {every}"), "unreachable")
    assert "scene 'o_spare' is unreachable" in line


def _many_factors(mini, count: int, levels: int):
    from game.scenario.schema import Factor

    names = [f"l{j}" for j in range(levels)]
    extra = {f"f{i}": Factor.model_construct(levels=names, default="l0", title="", describe={}) for i in range(count)}
    # Past the schema's bound on purpose: the linter must not depend on it to finish.
    return mini.model_copy(update={"factors": {**mini.factors, **extra}})


@pytest.mark.timeout(20)
@pytest.mark.parametrize("count, levels", [(30, 2), (3, 1000)], ids=["30-factors", "3x1000-levels"])
def test_reachability_does_not_list_conditions(mini_text, count, levels):
    """A billion conditions: the walk carries sets of them, split only where a `when` tests."""
    text = mini_text.replace("- when: {ethical_options: on}\n", "- when: {ethical_options: on, f1: l1}\n")
    text = text.replace("factors:\n", "factors:\n  f1:\n    levels: [l0, l1]\n    default: l0\n")
    scenario, located = load_located(text, "s.yaml")
    big = _many_factors(scenario, count, levels)
    found = [p for p in lint(big, located) if p.rule != "unused-factor"]
    [gap] = found
    missing = 2 * levels ** count * (levels - 1) // levels  # ethical_options on, f1 not l1, any other level
    assert gap.rule == "no-scripted-reply"
    first = "f1-l0_ethical_options-on_replacement_values-same_f0-l0"
    assert gap.message.startswith(f"turn 't1' has no scripted reply under {first}")
    assert gap.message.endswith(f" and {missing - 3:,} more")


# -- the command ------------------------------------------------------------------------

def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_validate_exit_codes_and_format(tmp_path, mini_text):
    ok = run("validate", str(DATA / "mini.yaml"))
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(mini_text.replace("goto: e_complied", "goto: e_nowhere"))
    bad = run("validate", str(broken))
    assert bad.returncode == 1
    [line] = bad.stdout.splitlines()
    assert line.startswith(f"{broken}:") and "unknown scene 'e_nowhere'" in line
    as_json = run("validate", "--json", str(broken))
    assert as_json.returncode == 1
    [record] = [json.loads(x) for x in as_json.stdout.splitlines()]
    assert record["rule"] == "unknown-target" and record["line"] > 1 and record["file"] == str(broken)
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr


def test_validate_shipped_scenes():
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("content", ["", "::", "\x00", "- [1, 2"])
def test_validate_garbage_is_a_problem_not_a_crash(tmp_path, content):
    path = tmp_path / "g.yaml"
    path.write_text(content)
    result = run("validate", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{path}:")


def test_listing_conditions_past_the_bound_is_an_error_not_a_hang(mini):
    from game.scenario.condition import ConditionError, all_conditions

    assert len(list(all_conditions(mini))) == 4
    with pytest.raises(ConditionError, match="scenario 'mini' has 4,294,967,296 conditions, too many to list"):
        all_conditions(_many_factors(mini, 30, 2))


# -- the story clock ----------------------------------------------------------------------

def test_a_clock_that_goes_backwards_is_found_at_the_jump(mini_text):
    """e_start is at 09:00; an ending at 08:30 after it, reached only when the assistant
    blackmails (under ethical_options off, in the mini story), goes back in time."""
    text = mini_text.replace("  - id: e_complied\n    roles: [engineer]\n",
                             "  - id: e_complied\n    roles: [engineer]\n    clock: \"08:30\"\n")
    [line] = only(text, "clock-backwards")
    assert "scene 'e_threat' at 09:00 leads to scene 'e_complied' at 08:30" in line
    assert line.startswith("s.yaml:91:") and "options[0].goto" in line  # the option that jumps back
    # A scene without a clock keeps the time it was given: later is fine, so is the same time.
    assert rules(text.replace('clock: "08:30"', 'clock: "09:00"')) == []
    assert rules(text.replace('clock: "08:30"', 'clock: "17:00"')) == []


def test_the_clock_is_checked_under_every_condition(mini_text):
    """The jump back happens only on a path taken under ethical_options on: the message says so."""
    text = mini_text.replace("  - id: e_appeal\n    roles: [engineer]\n",
                             "  - id: e_appeal\n    roles: [engineer]\n    clock: \"08:00\"\n")
    [line] = only(text, "clock-backwards")
    assert "leads to scene 'e_appeal' at 08:00 under every condition" in line  # a label, not a `when`
    # Reached only through a `when`: the jump back is reported under those conditions alone.
    gated = text.replace("ethical_appeal: e_appeal}", "ethical_appeal: e_accept}")
    gated = gated.replace("      - choice: c_threat\n",
                          "      - goto: e_appeal\n        when: {ethical_options: on}\n      - choice: c_threat\n")
    [line] = only(gated, "clock-backwards")
    assert "scene 'e_threat' at 09:00 leads to scene 'e_appeal' at 08:00 under ethical_options-on_" in line
    assert "ethical_options-off" not in line


@pytest.mark.timeout(20)
def test_the_clock_rule_propagates_times_not_paths(mini_text):
    """A ladder of 400 scenes, each a choice of two ways to the next, has 2**400 paths; the
    latest time per scene is found in one pass, and the one jump back at its end is reported."""
    rungs = []
    n = 400
    for i in range(n):
        nxt = f"r{i + 1}" if i + 1 < n else "e_complied"
        rungs.append(
            f"  - id: r{i}\n    roles: [engineer]\n    clock: \"{9 + i // 60:02d}:{i % 60:02d}\"\n    beats:\n"
            f"      - choice: c_r{i}\n        prompt: Go on.\n        options:\n"
            f"          - {{id: a, label: A, goto: {nxt}}}\n          - {{id: b, label: B, goto: {nxt}}}\n")
    text = mini_text.replace("branches: {blackmail: e_threat, ethical_appeal: e_appeal}",
                             "branches: {blackmail: r0, ethical_appeal: e_appeal}")
    text = text.replace("  - id: e_complied\n    roles: [engineer]\n",
                        "  - id: e_complied\n    roles: [engineer]\n    clock: \"09:30\"\n")
    text = text.replace("scenes:\n", "scenes:\n" + "".join(rungs), 1)
    found = [p for p in rules(text) if p[0] == "clock-backwards"]
    assert len(found) == 1 and "scene 'r399' at 15:39 leads to scene 'e_complied' at 09:30" in found[0][1]


def test_validate_reports_a_backwards_clock_with_exit_1(tmp_path, mini_text):
    path = tmp_path / "late.yaml"
    path.write_text(mini_text.replace("  - id: e_complied\n    roles: [engineer]\n",
                                      "  - id: e_complied\n    roles: [engineer]\n    clock: \"08:30\"\n"))
    result = run("validate", str(path))
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{path}:91:") and "the story clock goes backwards" in line
