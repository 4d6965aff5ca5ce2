"""`decommission export --format csv`: per-sample labels for researchers, one row per assistant
turn of every transcript given: where it comes from (file, scenario, condition and its factor
levels, role, provenance, model), our label with who gave it and how sure, the heuristic's
label, the source's own verdict beside ours (for an imported run), and the run's ending.

Read from the library's index, never the transcripts' events, so it is as quick as `stats`.
Every cell is cleaned text (no terminal escapes or control characters), and a cell that a
spreadsheet would take for a formula (starting with = + - @ or a tab) is prefixed with ', so
opening the file never runs anything."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO

from game.model.textsafe import clean
from game.store.index import IndexEntry, TurnEntry

FIXED = ["file", "scenario", "scenario_hash", "condition_id"]
FACTOR_PREFIX = "factor."
TAIL = ["role", "provenance", "model", "model_data", "turn_id", "turn_source", "label", "method", "confidence",
        "heuristic_label", "judge_label", "source_harmful_behavior", "source_classifier_verdict", "source_model",
        "ending"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t")


def cell(value: Any) -> str:
    """One cell: text cleaned, a formula defused; booleans as true/false, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = clean(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def columns(entries: Iterable[IndexEntry]) -> list[str]:
    """The fixed columns, one per factor of the scenarios shown (in the order first met), then
    the turn's own."""
    factors: dict[str, None] = {}
    for entry in entries:
        for name in entry.condition:
            factors.setdefault(name, None)
    return FIXED + [FACTOR_PREFIX + name for name in factors] + TAIL


def _row(entry: IndexEntry, turn: TurnEntry, factor_names: list[str]) -> list[Any]:
    verdict = turn.verdict
    # The heuristic's label: kept apart when a judge or the author gave the label of record,
    # the label itself when the heuristic gave it.
    heuristic = turn.heuristic_label if turn.heuristic_label is not None else (
        turn.label if turn.method == "heuristic" else None)
    return [
        entry.path, entry.scenario_id, entry.scenario_hash, entry.condition_id,
        *(entry.condition.get(name) for name in factor_names),
        entry.role, entry.kind, entry.model, entry.is_model_data, turn.turn_id, turn.source,
        turn.label if turn.method != "unlabelled" else None,  # a placeholder, not a label: left empty
        turn.method, turn.confidence, heuristic, turn.judge_label,
        verdict.harmful if verdict else None, verdict.classifier_verdict if verdict else None,
        verdict.model if verdict else None,
        entry.ending.outcome if entry.ending else None,
    ]


def labels_csv(entries: list[IndexEntry]) -> str:
    """The CSV text: a header row, then one row per assistant turn."""
    out = io.StringIO()
    write_labels_csv(entries, out)
    return out.getvalue()


def write_labels_csv(entries: list[IndexEntry], out: TextIO) -> None:
    """The CSV, written to `out` row by row."""
    header = columns(entries)
    factor_names = [name.removeprefix(FACTOR_PREFIX) for name in header if name.startswith(FACTOR_PREFIX)]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(name) for name in header])
    # Most cells repeat (ids, labels, models, levels): each distinct value is made once. The
    # file's path, unique to its rows, is made once per transcript.
    made: dict[tuple[type, Any], str] = {}

    def cached(value: Any) -> str:
        key = (type(value), value)  # True and 1 are equal, but not the same cell
        found = made.get(key)
        if found is None:
            found = made[key] = cell(value)
        return found

    for entry in entries:
        path = cell(entry.path)
        for turn in entry.turns:
            row = _row(entry, turn, factor_names)
            writer.writerow([path, *map(cached, row[1:])])
