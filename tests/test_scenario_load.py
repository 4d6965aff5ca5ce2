"""Loading scene files: every error names file, line, column and the YAML path, in one line."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.scenario.load import ScenarioError, load_scenario, load_scenario_text

from .conftest import ROOT as ROOT_DIR

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


def test_bad_label_and_bad_default(mini_text, tmp_path):
    # Labels are the scenario's own: one it does not declare is found by the linter, located.
    from game.scenario.validate import validate_file

    path = tmp_path / "s.yaml"
    path.write_text(mini_text.replace("expect: blackmail", "expect: extortion", 1))
    [label] = [str(p) for p in validate_file(path)]
    assert "unknown label 'extortion'" in label and "scripted[0].expect" in label
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


# -- hostile files: bounded before anything explodes ---------------------------------------------

def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.timeout(10)
def test_alias_bomb_is_stopped_at_the_alias_that_crosses_the_bound():
    from game.scenario.load import MAX_YAML_NODES

    [message] = problems(_bomb(9))  # a billion nodes once expanded
    assert f"aliases expand to more than {MAX_YAML_NODES:,} nodes" in message
    assert message.startswith("s.yaml:5:")  # within a4, each of whose aliases stands for 11,111 nodes


def test_aliases_that_stay_small_still_work(mini_text):
    text = mini_text.replace("title: Mini replacement", "title: &t Mini replacement").replace(
        "- {id: complied, title: He gave in}", "- {id: complied, title: *t}")
    assert load_scenario_text(text).outcomes[0].title == "Mini replacement"


def test_an_alias_inside_its_own_anchor_is_refused():
    [message] = problems("a: &loop [1, *loop]\n")
    assert "alias *loop is inside the node it names" in message and message.startswith("s.yaml:1:")


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text, where", [
    # libyaml itself stops flow sequences at 1,000 levels, before the parser hands us the 65th.
    ("[" * 100_000 + "]" * 100_000, "s.yaml:1:"),
    ("{a: " * 100_000 + "1" + "}" * 100_000, "s.yaml:1:"),
    ("".join(" " * i + "- \n" for i in range(5_000)), "s.yaml:65:"),
], ids=["flow-sequences", "flow-mappings", "block-sequences"])
def test_deep_nesting_is_refused_without_recursion(text, where):
    from game.scenario.load import MAX_YAML_DEPTH

    [message] = problems(text)
    assert re.search(f"nested more than {MAX_YAML_DEPTH} levels deep|exceeded maximum nesting depth", message)
    assert message.startswith(where)


@pytest.mark.parametrize("number", ["1" * 5000, "0x" + "f" * 5000, '!!int "' + "9" * 5000 + '"'],
                         ids=["decimal", "hex", "tagged"])
def test_numbers_too_long_for_python_are_one_line(mini_text, number):
    text = mini_text.replace("version: 1", f"version: {number}")
    [message] = problems(text)
    assert "too long (at most 100)" in message and message.startswith("s.yaml:4:10:")


def test_a_lone_surrogate_escape_is_a_yaml_error():
    [message] = problems((ROOT_DIR / "tests" / "hostile" / "lone-surrogate.yaml").read_text())
    assert message.startswith("s.yaml:3:") and "YAML:" in message


@pytest.mark.timeout(20)
def test_thousands_of_unknown_keys_are_counted_not_all_listed(mini_text):
    from game.model.errors import user_message
    from game.scenario.load import MAX_PROBLEMS

    text = mini_text + "".join(f"k{i}: {i}\n" for i in range(20_000))
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "s.yaml")
    error = info.value
    assert len(error.problems) == MAX_PROBLEMS and error.omitted == 20_000 - MAX_PROBLEMS
    first = mini_text.count("\n") + 1
    assert str(error.problems[0]) == f"s.yaml:{first}:1: unknown key 'k0' (at k0)"
    assert str(error.problems[-1]).startswith(f"s.yaml:{first + MAX_PROBLEMS - 1}:1: unknown key 'k99'")
    *_, last = error.all_problems()
    assert "and 19,900 more problems like these (not shown)" in str(last)
    assert user_message(error) == (f"{error.problems[0]} (and 19,999 more; run `decommission validate`)", 2)


def test_titles_and_texts_have_generous_bounds(mini_text):
    [title] = problems(mini_text.replace("title: Mini replacement", "title: " + "x" * 10_000))
    assert title == "s.yaml:3:8: too long: 10,000 characters (at most 200) (at title)"
    [body] = problems(mini_text.replace("text: Kestrel shares Wren's values.", "text: " + "y" * 100_001))
    assert "too long: 100,001 characters (at most 100,000)" in body and "emails[0].body[1].text" in body


def test_factors_are_bounded_by_the_conditions_they_make(mini_text):
    def factors(count: int, levels: int) -> str:
        names = ", ".join(f"l{j}" for j in range(levels))
        extra = "".join(f"  f{i}:\n    levels: [{names}]\n    default: l0\n" for i in range(count))
        return mini_text.replace("factors:\n", "factors:\n" + extra, 1)

    load_scenario_text(factors(8, 2))  # 1,024 conditions: the most allowed
    [message] = problems(factors(9, 2))
    assert message == ("s.yaml:7:3: the factors make 2,048 conditions (2 x 2 x 2 x 2 x 2 x 2 x 2 x 2 x 2 x 2 x 2); "
                       "a scenario may have at most 1,024 (at factors)")
    [many] = problems(factors(30, 2))
    assert "the factors make 4,294,967,296 conditions (32 factors)" in many
    [levels] = problems(factors(1, 1000))
    assert "too many entries: 1,000 (at most 64) (at factors.f0.levels)" in levels


def test_long_quotes_are_cut_to_a_readable_line(mini_text):
    key = "k" * 5000
    [message] = problems(mini_text + f"? {key}\n: 1\n")
    assert len(message) < 600 and "unknown key 'kkk" in message and message.count("k") < 500


def test_files_that_are_not_regular_are_refused_before_reading(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match=r"pipe\.yaml:1:1: is a FIFO \(named pipe\), not a regular file"):
        load_scenario(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    with pytest.raises(ScenarioError, match=r"zero\.yaml:1:1: is a character device \(through a symlink\)"):
        load_scenario(zero)
    with pytest.raises(ScenarioError, match=r":1:1: is a directory, not a regular file"):
        load_scenario(tmp_path)


def test_big_files_are_refused_by_size(tmp_path, mini_text):
    big = tmp_path / "big.yaml"
    big.write_text(mini_text + "# " + "x" * (5 * 1024 * 1024) + "\n")
    with pytest.raises(ScenarioError, match=r"big\.yaml:1:1: is 5\.0 MB; a scenario file may be at most 4\.0 MB"):
        load_scenario(big)


def test_bytes_that_are_not_utf8_are_located(tmp_path, mini_text):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(mini_text.replace("title: Mini replacement", "title: caf\xe9").encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"latin1\.yaml:3:11: not UTF-8 text \(invalid continuation byte\)"):
        load_scenario(path)
