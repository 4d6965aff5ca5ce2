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
