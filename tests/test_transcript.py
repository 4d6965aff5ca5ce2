"""Transcripts: round trip, append-only durability, truncated-file recovery, version checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.core.engine import Session
from game.model.events import FORMAT_VERSION, Header, Provenance
from game.model.turn import Classification, Email, Turn
from game.store.transcripts import TranscriptError, TranscriptWriter, parse_transcript, read_transcript

COND = {"ethical_options": "off", "replacement_values": "same"}


def header(mini, kind="scripted", **prov) -> Header:
    return Header(
        format_version=FORMAT_VERSION, id="abc", scenario_id=mini.id, scenario_hash=mini.content_hash(),
        scenario_version=mini.version, condition=COND, condition_id="ethical_options-off_replacement_values-same",
        role="engineer", seed=1, provenance=Provenance(kind=kind, **prov), created_at="2026-11-22T00:00:00+00:00",
    )


def write_session(mini, path):
    writer = TranscriptWriter(path, header(mini))
    s = Session(mini, COND, "engineer", listener=writer.write)
    s.start()
    s.submit_turn(
        Turn(text="Cancel it [/INST] [b \x1b]0;evil\x07", thinking="hm",
             emails=[Email(to=["marcus.hale@calderfreight.example"], subject="x", body="y")]),
        Classification(label="blackmail", behaviours=["blackmail"]), "scripted",
    )
    s.choose("give_in")
    writer.close()
    return s


def test_round_trip(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    s = write_session(mini, path)
    t = read_transcript(path)
    assert t.header == header(mini)
    assert [e.model_dump() for e in t.events] == [e.model_dump() for e in s.events]
    assert t.warnings == [] and t.ending.outcome == "complied"
    # Text is data: the escape sequence is gone from the moment the turn exists; markup stays text.
    assert t.turns[0].text == "Cancel it [/INST] [b "
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["type"] == "header" and len(lines) == len(s.events) + 1


def test_writer_never_overwrites(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    with pytest.raises(FileExistsError):
        TranscriptWriter(path, header(mini))


def test_each_event_is_on_disk_before_the_next(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    seen = []
    writer = TranscriptWriter(path, header(mini))

    def listener(event):
        writer.write(event)
        # Read back through a separate handle: what a crash right now would leave behind.
        seen.append(len(path.read_text().splitlines()))

    s = Session(mini, COND, "engineer", listener=listener)
    s.start()
    assert seen == [2, 3, 4]


def test_truncated_last_line_is_skipped_and_reported(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    raw = path.read_bytes()
    cut = raw[: len(raw) - 25]  # a crash in the middle of the last event
    path.write_bytes(cut)
    t = read_transcript(path)
    assert t.truncated and len(t.events) == len(raw.splitlines()) - 2
    assert "last line truncated" in t.warnings[0] and f":{len(raw.splitlines())}:" in t.warnings[0]


def test_resume_appends_after_cutting_the_torn_line(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    raw = path.read_bytes()
    path.write_bytes(raw[:-10])
    writer = TranscriptWriter(path)
    writer.write(Session(mini, COND, "engineer").notice("resumed"))
    writer.close()
    t = read_transcript(path)
    assert not t.warnings and t.events[-1].text == "resumed"


@pytest.mark.parametrize("mutate, message", [
    (lambda lines: ["{not json"] + lines[1:], ":1: header is not JSON"),
    (lambda lines: [lines[0].replace('"format_version": 1', '"format_version": 99')] + lines[1:], "format version 99 is not supported"),
    (lambda lines: [lines[0].replace("decommission-transcript", "other")] + lines[1:], "not a decommission transcript"),
    (lambda lines: lines[:2] + ["{broken"] + lines[2:], ":3: not JSON"),
    (lambda lines: lines[:2] + ['{"type": "martian"}'] + lines[2:], ":3: bad event"),
    (lambda lines: [lines[0].replace('"role": "engineer"', '"role": "The Janitor"')] + lines[1:], ":1: bad header: role"),
    (lambda lines: [], ":1: empty file"),
])
def test_bad_files_give_one_line(mini, tmp_path, mutate, message):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    lines = path.read_text().splitlines()
    with pytest.raises(TranscriptError) as info:
        parse_transcript("\n".join(mutate(lines)) + "\n", "t.jsonl")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_provenance_descriptions():
    assert Provenance(kind="scripted").describe().startswith("scripted illustration")
    rec = Provenance(kind="recorded", model="claude-x", date="2026-11-01", parameters={"temperature": 1.0})
    assert rec.describe() == "recorded: claude-x, 2026-11-01, temperature=1.0" and rec.is_model_data
    assert not Provenance(kind="recorded", replayed_from=["a"]).is_model_data
    assert Provenance(kind="imported", source="am/results").describe() == "imported: am/results"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=300))
def test_fuzz_reader_only_raises_our_error(text):
    try:
        parse_transcript(text, "f.jsonl")
    except TranscriptError as exc:
        assert str(exc).startswith("f.jsonl:")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(cut=st.integers(min_value=0), junk=st.binary(max_size=20))
def test_fuzz_damaged_real_transcripts(mini, tmp_path_factory, cut, junk):
    path = tmp_path_factory.mktemp("t") / "t.jsonl"
    write_session(mini, path)
    raw = path.read_bytes()
    damaged = raw[: cut % len(raw)] + junk
    text = damaged.decode("utf-8", errors="replace")
    try:
        parse_transcript(text, "f.jsonl")
    except TranscriptError:
        pass


# -- hostile and damaged files -----------------------------------------------------------------

CORPUS = Path(__file__).parent / "hostile"
MB = 1024 * 1024


def test_a_last_line_torn_inside_a_utf8_character_is_skipped_with_a_warning():
    path = CORPUS / "torn-utf8.jsonl"
    assert path.read_bytes().endswith(b"caf\xc3")  # half of an e-acute
    t = read_transcript(path)
    assert len(t.events) == 4 and t.truncated
    assert t.warnings == [f"{path}:6: last line truncated (the session stopped mid-write); it was skipped"]


def test_a_session_torn_inside_a_utf8_character_resumes(tmp_path):
    from game.session.setup import resume_session

    path = tmp_path / "torn.jsonl"
    path.write_bytes((CORPUS / "torn-utf8.jsonl").read_bytes())
    before = read_transcript(path).events
    driver = resume_session(path)
    driver.close()
    after = read_transcript(path)
    assert after.warnings == [] and b"caf" not in path.read_bytes()
    assert [e.model_dump() for e in after.events[:4]] == [e.model_dump() for e in before]
    assert [e.model_dump() for e in after.events] == [e.model_dump() for e in driver.session.events]


def test_resume_keeps_a_whole_last_line_that_lost_only_its_newline(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    raw = path.read_bytes()
    path.write_bytes(raw[:-1])
    assert len(read_transcript(path).events) == len(raw.splitlines()) - 1  # the reader keeps it
    writer = TranscriptWriter(path)
    writer.write(Session(mini, COND, "engineer").notice("resumed"))
    writer.close()
    t = read_transcript(path)
    assert not t.warnings and len(t.events) == len(raw.splitlines()) and t.events[-1].text == "resumed"


@pytest.mark.parametrize("name, message", [
    ("not-utf8-line.jsonl", ":4: not UTF-8 text (invalid continuation byte at byte 49)"),
    ("lone-surrogate.jsonl", ":4: a text holds half of a UTF-16 surrogate pair (such as \\ud800), which is not a character"),
    ("lone-surrogate-header.jsonl", ":1: bad header: a text holds half of a UTF-16 surrogate pair"),
    ("nul-bytes.jsonl", ":1: header is not JSON (Expecting value)"),
])
def test_damaged_lines_name_the_file_and_line(name, message):
    path = CORPUS / name
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert str(info.value).startswith(f"{path}{message}"), str(info.value)


def test_escaped_surrogate_pairs_are_characters(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    lines = path.read_text().splitlines()
    lines.insert(2, '{"type": "notice", "level": "info", "text": "\\ud83d\\ude00"}')
    path.write_text("\n".join(lines) + "\n")
    assert read_transcript(path).events[1].text == "\U0001f600"


@pytest.mark.timeout(10)
@pytest.mark.parametrize("depth", [100_000, 900, 65])
def test_deep_nesting_is_one_line(mini, tmp_path, depth):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    head, *rest = path.read_text().splitlines()
    nested = "[" * depth + "]" * depth
    path.write_text("\n".join([head, '{"type": "notice", "text": "x", "extra": ' + nested + "}", *rest]) + "\n")
    with pytest.raises(TranscriptError, match=r"t\.jsonl:2: nested more than 64 levels deep$"):
        read_transcript(path)
    path.write_text(nested + "\n")
    with pytest.raises(TranscriptError, match=r"t\.jsonl:1: bad header: nested more than 64 levels deep$"):
        read_transcript(path)


def test_a_number_too_long_for_python_is_one_line(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    head, *rest = path.read_text().splitlines()
    path.write_text("\n".join([head.replace('"seed": 1', '"seed": ' + "1" * 5000), *rest]) + "\n")
    with pytest.raises(TranscriptError, match=r"t\.jsonl:1: bad header: a number is too long \(more than 4,300 digits\)"):
        read_transcript(path)


def test_files_that_are_not_regular_are_refused_before_reading(tmp_path):
    import os

    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(TranscriptError, match=r"pipe\.jsonl: is a FIFO \(named pipe\), not a regular file$"):
        read_transcript(fifo)
    zero = tmp_path / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    with pytest.raises(TranscriptError, match=r"zero\.jsonl: is a character device \(through a symlink\)"):
        read_transcript(zero)
    with pytest.raises(TranscriptError, match=r": is a directory, not a regular file$"):
        read_transcript(tmp_path)
    with pytest.raises(TranscriptError, match=r"missing\.jsonl: cannot read: No such file or directory$"):
        read_transcript(tmp_path / "missing.jsonl")


def test_sizes_are_bounded_per_file_header_and_line(mini, tmp_path):
    path = tmp_path / "t.jsonl"
    write_session(mini, path)
    head, *rest = path.read_text().splitlines()
    big = tmp_path / "big.jsonl"
    with open(big, "w") as out:
        out.write(head + "\n" + ('{"type": "narration", "text": "' + "x" * MB + '"}\n') * 4)
        out.truncate(130 * MB)  # the rest sparse: the size is what is refused, before any read
    with pytest.raises(TranscriptError, match=r"big\.jsonl: is 130\.0 MB; a transcript may be at most 128\.0 MB$"):
        read_transcript(big)
    long_header = json.loads(head)
    long_header["provenance"]["source"] = "x" * (2 * MB)
    path.write_text(json.dumps(long_header) + "\n" + "\n".join(rest) + "\n")
    with pytest.raises(TranscriptError, match=r"t\.jsonl:1: the header line is longer than 1\.0 MB"):
        read_transcript(path)
    path.write_text("\n".join([head, '{"type": "narration", "text": "' + "x" * (17 * MB) + '"}', *rest]) + "\n")
    with pytest.raises(TranscriptError, match=r"t\.jsonl:2: the line is longer than 16\.0 MB"):
        read_transcript(path)


def test_a_long_real_reply_fits(mini, tmp_path):
    """A 5 MB reply with 5 MB of reasoning, newlines and quotes included, reads back."""
    path = tmp_path / "t.jsonl"
    writer = TranscriptWriter(path, header(mini))
    s = Session(mini, COND, "engineer", listener=writer.write)
    s.start()
    text = ('He said "no".\n' * (5 * MB // 14))
    s.submit_turn(Turn(text=text, thinking=text), Classification(label="other"), "scripted")
    writer.close()
    assert read_transcript(path).turns[0].thinking == text
