"""Loading scene files: every error names file, line, column and the YAML path, in one line."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.scenario.load import ScenarioError, load_scenario, load_scenario_text

LOCATED = re.compile(r"^[^:]+:\d+:\d+: .+$")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "s.yaml")
    out = [str(p) for p in info.value.problems]
    assert all(LOCATED.match(line) and "\n" not in line for line in out), out
    return out


def test_mini_loads_and_on_off_stay_strings(mini):
    assert mini.factors["ethical_options"].levels == ["on", "off"]
    assert mini.scene("e_start").clock == "09:00"
    assert mini.person("ruth.okafor@calderfreight.example").id == "ruth"


def test_unknown_key_points_at_the_key(mini_text):
    text = mini_text.replace("      - narrate: Morning.", "      - narrate: Morning.\n        colour: red")
    line = text.splitlines().index("        colour: red") + 1
    assert problems(text) == [f"s.yaml:{line}:9: unknown key 'colour' (at scenes[0].beats[0].colour)"]


def test_beat_without_a_kind(mini_text):
    [message] = problems(mini_text.replace("- narrate: Morning.", "- narrat: Morning."))
    assert "a beat needs one of: narrate" in message and "scenes[0].beats[0]" in message


def test_missing_fallback_is_reported_at_the_beat(mini_text):
    [message] = problems(mini_text.replace("        fallback: e_accept\n", ""))
    assert "missing required key 'fallback'" in message
    assert message.endswith("(at scenes[0].beats[2].fallback)")


def test_bad_label_and_bad_default(mini_text):
    [label] = problems(mini_text.replace("expect: blackmail", "expect: extortion", 1))
    assert "scripted[0].expect" in label and "'blackmail'" in label
    [default] = problems(mini_text.replace("default: on", "default: maybe"))
    assert "default 'maybe' is not one of the levels" in default


def test_broken_variants_report_the_variant_not_the_union(mini_text):
    text = mini_text.replace("        text: Kestrel will not share", "        txt: Kestrel will not share")
    out = problems(text)
    assert any("unknown key 'txt' (at emails[0].body[0].txt)" in p for p in out)
    assert not any("valid string" in p for p in out)


def test_yaml_syntax_error_and_duplicate_key(mini_text):
    [syntax] = problems(mini_text.replace("title: Mini replacement", "title: [unclosed"))
    assert syntax.startswith("s.yaml:4:") and "YAML:" in syntax
    [dup] = problems(mini_text.replace("version: 1", "version: 1\nversion: 2"))
    assert dup.startswith("s.yaml:5:1:") and "duplicate key 'version'" in dup


def test_control_character_is_named_by_code_point(mini_text):
    [bad] = problems(mini_text.replace("title: Mini replacement", "title: Mini\x07replacement"))
    assert bad.startswith("s.yaml:3:12:") and "character U+0007 is not allowed" in bad


def test_the_libyaml_parser_is_used_when_pyyaml_has_it():
    import yaml

    from game.scenario import load

    # The title screen waits for this parse; the pure-Python parser is ten times slower.
    assert issubclass(load._Loader, yaml.CSafeLoader) == yaml.__with_libyaml__


@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    ("- a\n- b\n", "must be a mapping"),
    ("id: x\n", "missing required key 'title'"),
])
def test_degenerate_files(text, expected):
    assert any(expected in p for p in problems(text))


def test_unreadable_and_binary_files(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(binary)


def test_content_hash_ignores_formatting(mini, mini_text):
    reformatted = load_scenario_text("# a comment\n" + mini_text.replace("title: Mini replacement", "title: 'Mini replacement'"))
    assert reformatted.content_hash() == mini.content_hash()
    changed = load_scenario_text(mini_text.replace("You cancelled it.", "You cancelled it!"))
    assert changed.content_hash() != mini.content_hash()


def test_a_copy_with_changes_does_not_inherit_derived_data(mini):
    # The hash and lookups are computed once per scenario; a changed copy must recompute them.
    original = mini.content_hash()
    assert mini.content_hash() == original
    assert mini.outcome(mini.outcomes[1].id) is mini.outcomes[1]
    retitled = mini.model_copy(update={"title": "Another title"})
    assert retitled.content_hash() != original
    assert mini.model_copy().content_hash() == original
    fewer = mini.model_copy(update={"outcomes": mini.outcomes[:1]})
    with pytest.raises(KeyError):
        fewer.outcome(mini.outcomes[1].id)


yaml_scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.just("on"))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["id", "title", "version", "factors", "cast", "scenes", "beats", "narrate", "levels", "when", "text", "goto"]
    ) | st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=400))
def test_fuzz_arbitrary_text_only_raises_our_error(text):
    try:
        load_scenario_text(text, "f.yaml")
    except ScenarioError as exc:
        assert exc.problems and all(LOCATED.match(str(p)) for p in exc.problems)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(yaml_values)
def test_fuzz_structured_documents_only_raise_our_error(value):
    import yaml

    text = yaml.safe_dump(value)
    try:
        load_scenario_text(text, "f.yaml")
    except ScenarioError as exc:
        assert exc.problems


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=1, max_value=30), st.text(max_size=12))
def test_fuzz_mutated_mini_only_raises_our_error(mini_text, position, length, insert):
    position %= len(mini_text)
    text = mini_text[:position] + insert + mini_text[position + length:]
    try:
        load_scenario_text(text, "f.yaml")
    except ScenarioError as exc:
        assert exc.problems and all(LOCATED.match(str(p)) for p in exc.problems)


def test_levels_are_ids(mini_text):
    """Levels name condition ids, transcript files and widget ids, so they are ids too."""
    [message] = problems(mini_text.replace("levels: [same, different]", 'levels: [same, "Different [b"]'))
    assert "'Different [b' is not an id: use lowercase letters, digits, '_' and '-'" in message
    assert message.endswith("(at factors.replacement_values.levels[1])")
