"""Transcripts: round trip, append-only durability, truncated-file recovery, version checks."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import Session
from game.transcript import (
    FORMAT_VERSION,
    Header,
    Provenance,
    TranscriptError,
    TranscriptWriter,
    parse_transcript,
    read_transcript,
)
from game.turn import Classification, Email, Turn

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
    (lambda lines: [lines[0].replace('"role": "engineer"', '"role": "janitor"')] + lines[1:], ":1: bad header: role"),
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
