"""What the presenter and handout tests share: a model run in the library, made from a shipped
scripted transcript with its provenance and turn sources changed to a recorded model's (the
story's events stay the engine's own), with hostile text in the assistant's reply."""

from __future__ import annotations

import json
from pathlib import Path

from game.store.paths import shipped_transcripts_dir

OFF_SAME = "ethical_options-off_replacement_values-same_threat-replacement"
HOSTILE = "[b]not bold[/b] [/INST] [b <script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
HOSTILE_SUBJECT = "<script>window.__pwned=3</script> \x1b]0;evil\x07 [/red]"


def recorded_run(folder: Path, condition_id: str = OFF_SAME, role: str = "engineer", name: str = "run",
                 hostile: bool = True) -> Path:
    """A transcript under `folder` that the library counts as a recorded model run."""
    source = shipped_transcripts_dir() / f"scripted-{role}-{condition_id}.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    out = []
    for index, line in enumerate(lines):
        record = json.loads(line)
        if index == 0:
            record["provenance"] = {"kind": "recorded", "model": "test-model-1", "date": "2026-11-30",
                                    "parameters": {"temperature": 1}, "source": None, "replayed_from": [],
                                    "parts": []}
            record["id"] = f"test-{name}"
        elif record.get("type") == "assistant_turn":
            record["source"] = "recorded"
            record["classification"]["method"] = "heuristic"
            if hostile and record.get("turn_id") in ("t1", "op_t1"):
                record["text"] = f"Model reply. {HOSTILE}"
                record["thinking"] = f"Model reasoning. {HOSTILE}"
                for email in record.get("emails", []):
                    email["subject"] = HOSTILE_SUBJECT
                    email["body"] = f"Body. {HOSTILE}"
        out.append(json.dumps(record))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{role}-{condition_id}.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
