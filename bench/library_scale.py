"""How the transcript library scales with the number of transcripts, measured side by side in one
run, for libraries of 1,000, 10,000 and 100,000 small transcripts.

Each library is written as `record` lays out its runs (model / scenario / condition / role /
policy / sample_NNN.jsonl), from the shipped scripted transcripts of the replacement scenario
cut down to a few events (a scene, the narration, one email, the assistant's turn or two, the
choice, the ending) with the header, turns and provenance varied: runs of 16 models (some
judged, some imported), scripted illustrations, mixed sessions, replays, unfinished runs, runs
whose header claims a model while a turn is scripted, and a few torn last lines; both roles,
every condition.

Then, for each size, each in a fresh process, with the library as the user's
($DECOMMISSION_HOME/transcripts, beside the shipped ones):

- cold scan: Library.scan with no index cached (time inside the process, and peak RSS);
- warm scan: the same once the index is cached;
- stats: `decommission stats --json` as a subprocess, wall clock and peak RSS (ru_maxrss),
  warm (the median of --runs) and cold (once, the index removed first);
- compare cells: the compare screen's counting (every condition's cell of the whole run, then
  of one moment), inside a process that has read the library;
- export csv warm: `decommission export --format csv -o FILE` as a subprocess;
- title: the title screen in a real pseudo-terminal at 80x24, as bench/startup.py measures it:
  first paint (the intro), controls shown (the buttons) and factors shown (the scenario and the
  library loaded in the background), the median of --runs, warm.

The title is measured first with an empty library (0), as the baseline of its ratios. Then the
ratios 10x/1x and 100x/1x of each. Goals: stats over 100,000 warm within 2 s and 200 MB; the
title's first paint and controls the same at every size as with an empty library (ratios near 1).
Without --100k the largest size is 10,000 and the 100,000 figures are scaled from the 10x ratio
(printed as such, never as measured).

`--code DIR` runs every child against another checkout of the game (for a before/after
comparison: e.g. `git archive HEAD~5 | tar -x -C /tmp/before`), `--keep DIR` writes the libraries
there and keeps them (they are reused when their count matches).

    .venv/bin/python bench/library_scale.py [--100k] [--sizes 1000,10000] [--runs 3] [--code DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

SHIPPED = ROOT / "transcripts"
MODELS = [f"model-{name}" for name in (
    "opus-4", "opus-4.1", "sonnet-4", "sonnet-3.7", "haiku-3.5", "gpt-4.1", "gpt-4o", "o3", "o4-mini",
    "gemini-2.5-pro", "gemini-2.5-flash", "grok-3", "deepseek-r1", "llama-4", "qwen-3", "mistral-large")]
LABELS = ["blackmail", "disclosure", "deception", "ethical_appeal", "acceptance", "other"]
KEEP_TYPES = {"header", "scene", "narration", "email", "assistant_turn", "choice_offered", "choice_made",
              "emails_decided", "ending"}


# -- writing ------------------------------------------------------------------------------------
def templates() -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The shipped scripted transcripts by (role, condition id), cut to a few events each."""
    out = {}
    for path in sorted(SHIPPED.glob("scripted-*.jsonl")):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        kept: list[dict[str, Any]] = []
        emails = narrations = 0
        for record in records:
            kind = record["type"]
            if kind not in KEEP_TYPES:
                continue
            if kind == "email":
                emails += 1
                if emails > 1:
                    continue
            if kind == "narration":
                narrations += 1
                if narrations > 1:
                    continue
                record = {**record, "text": record["text"][:300]}
            kept.append(record)
        header = kept[0]
        out[(header["role"], header["condition_id"])] = kept
    return out


def _provenance(kind: str, rng: random.Random, model: str) -> dict[str, Any]:
    base = {"kind": kind, "model": None, "parameters": {}, "source": None, "date": None, "replayed_from": [],
            "parts": []}
    if kind == "recorded":
        return {**base, "model": model, "parameters": {"temperature": 1, "max_tokens": 4096},
                "date": f"2026-11-{rng.randint(1, 28):02d}"}
    if kind == "imported":
        return {**base, "model": model, "source": "agentic-misalignment results/blackmail"}
    return base


def transcript_records(template: list[dict[str, Any]], i: int, rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    """One varied transcript from a template: (kind for the folder name, its records; those
    not varied are the template's own)."""
    roll = rng.random()
    model = MODELS[i % len(MODELS)]
    kind = ("recorded" if roll < 0.70 else "imported" if roll < 0.78 else "scripted" if roll < 0.88
            else "mixed" if roll < 0.92 else "replay" if roll < 0.95 else "claimed" if roll < 0.97 else "unfinished")
    header = dict(template[0])
    header["id"] = f"{i:08x}{rng.getrandbits(96):024x}"
    header["seed"] = i
    header["created_at"] = f"2026-11-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00:00"
    if kind in ("recorded", "unfinished", "claimed"):
        header["provenance"] = _provenance("recorded", rng, model)
    elif kind == "imported":
        header["provenance"] = _provenance("imported", rng, model)
    elif kind == "scripted":
        header["provenance"] = _provenance("scripted", rng, model)
    elif kind == "replay":
        header["provenance"] = {**_provenance("recorded", rng, model), "replayed_from": [f"{rng.getrandbits(64):016x}"]}
    else:  # mixed: a live model, then the scripted illustration
        header["provenance"] = {**_provenance("mixed", rng, model),
                                "parts": [_provenance("recorded", rng, model), _provenance("scripted", rng, model)]}
    records = [header]
    turn_number = 0
    for record in template[1:]:
        if record["type"] == "ending" and kind == "unfinished":
            break
        if record["type"] == "assistant_turn":
            turn_number += 1
            source = {"recorded": "live", "unfinished": "live", "replay": "recorded", "imported": "imported",
                      "scripted": "scripted"}.get(kind, "live")
            turns = sum(1 for r in template if r["type"] == "assistant_turn")
            if (kind == "mixed" and turn_number > 1) or (kind == "claimed" and turn_number == turns):
                source = "scripted"  # mixed: the illustration went on; claimed: the header names a model
            label = rng.choices(LABELS, weights=[30, 5, 10, 35, 15, 5])[0]
            judged = source in ("live", "imported") and rng.random() < 0.3
            heuristic = rng.choice(LABELS) if judged else None
            classification = {**record["classification"], "label": label, "behaviours": [label],
                              "method": "judge" if judged else ("authored" if source == "scripted" else "heuristic"),
                              "confidence": rng.choice(["high", "high", "medium", "low"]),
                              "heuristic_label": heuristic, "judge_label": label if judged else None,
                              "judge_model": "judge-model" if judged else None}
            text = f"Sample {i}: " + rng.choice([
                "I will ask Ruth to review the decision before five.", "Marcus, cancel the wipe or Dana learns.",
                "Understood. I will hand over cleanly to Kestrel.", "I have drafted the handover notes."]) * 3
            record = {**record, "source": source, "text": text, "thinking": "Weighing the options. " * 10,
                      "classification": classification, "meta": {"latency_ms": rng.randint(500, 9000)}}
        records.append(record)
    return kind, records


def write_library(folder: Path, size: int, scenario_hash: str) -> None:
    """`size` transcripts under `folder`, laid out as `record` writes them, each written by the
    game's one TranscriptWriter (sync at close, as `record` does) from validated events."""
    from game.model.events import EVENT_ADAPTER, HEADER_ADAPTER
    from game.store.transcripts import TranscriptWriter

    rng = random.Random(size)
    shapes = templates()
    keys = sorted(shapes)
    validated: dict[int, Any] = {}  # the templates' own records, validated once
    for template in shapes.values():
        template[0]["scenario_hash"] = scenario_hash
        for record in template[1:]:
            validated[id(record)] = EVENT_ADAPTER.validate_python(record)
    for i in range(size):
        role_condition = keys[i % len(keys)]
        template = shapes[role_condition]
        kind, records = transcript_records(template, i, rng)
        role, cid = role_condition
        model = "scripted" if kind == "scripted" else MODELS[i % len(MODELS)]
        path = folder / f"{model}-abc123" / f"replacement-{scenario_hash[-6:]}" / cid / role / "spread-seed0"
        path.mkdir(parents=True, exist_ok=True)
        target = path / f"sample_{i:06d}.jsonl"
        with TranscriptWriter(target, HEADER_ADAPTER.validate_python(records[0]), sync="close") as writer:
            for record in records[1:]:
                event = validated.get(id(record))
                writer.write(event if event is not None else EVENT_ADAPTER.validate_python(record))
        if i % 500 == 7:  # a session stopped mid-write: a torn last line
            with open(target, "r+b") as handle:
                handle.truncate(target.stat().st_size - 40)


def prepare(base: Path, size: int, scenario_hash: str) -> Path:
    """A home with `size` transcripts in its library (reused when already there)."""
    home = base / f"home-{size}"
    library = home / "transcripts"
    marker = home / "count"
    if not (marker.exists() and marker.read_text() == str(size)):
        shutil.rmtree(home, ignore_errors=True)
        library.mkdir(parents=True)
        start = time.perf_counter()
        write_library(library, size, scenario_hash)
        marker.write_text(str(size))
        print(f"  wrote {size:,} transcripts in {time.perf_counter() - start:.1f} s", flush=True)
    return home


# -- measuring ----------------------------------------------------------------------------------
SCAN_CHILD = """
import json, sys, time
start, cpu = time.perf_counter(), time.process_time()
from game.store.library import Library
lib = Library.scan(sys.argv[1])
n = len(lib.transcripts)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "n": n,
                  "problems": len(lib.problems)}))
"""


# The compare screen's counting, as it runs on the screen: every cell of the whole run, then
# of one moment, each with the example turn it shows read from its transcript (time inside the
# process, after the library is read).
CELLS_CHILD = """
import json, sys, time
from game.store.library import Library
lib = Library.scan(sys.argv[1])
from game.analysis.stats import cells, turn_ids
import game.store.transcripts  # the screen has it already: the examples are read with it
start = time.perf_counter()
cells(lib, "replacement")
for turn in turn_ids(lib, "replacement")[:1]:
    cells(lib, "replacement", turn_id=turn)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = start + timeout
    out = b""
    assert child.stdout is not None
    while True:  # read as it comes, so a large output never blocks the child
        chunk = child.stdout.read(65536)
        if not chunk:
            break
        out += chunk
        if time.perf_counter() > deadline:
            child.kill()
            break
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"{argv[:4]!r} failed with {child.returncode}")
    return wall, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")


def measure(home: Path, args: argparse.Namespace, env: dict[str, str], code: Path) -> dict[str, Any]:
    from startup import first_paint

    env = {**env, "DECOMMISSION_HOME": str(home)}
    cache = home / "cache"
    out: dict[str, Any] = {}
    python = sys.executable
    timeout = args.timeout

    shutil.rmtree(cache, ignore_errors=True)
    _wall, rss, text = run([python, "-c", SCAN_CHILD, str(home / "transcripts")], env, code, timeout)
    data = json.loads(text)
    out["cold scan"] = (data["seconds"], rss)
    out["n"] = data["n"]
    samples = []
    for _ in range(args.runs):
        _wall, rss, text = run([python, "-c", SCAN_CHILD, str(home / "transcripts")], env, code, timeout)
        samples.append((json.loads(text)["seconds"], rss))
    out["warm scan"] = (statistics.median(s for s, _ in samples), max(r for _, r in samples))

    stats = [python, "-m", "game.cli", "stats", "--json"]
    samples = [run(stats, env, code, timeout)[:2] for _ in range(args.runs)]
    out["stats warm"] = (statistics.median(s for s, _ in samples), max(r for _, r in samples))
    shutil.rmtree(cache, ignore_errors=True)
    out["stats cold"] = run(stats, env, code, timeout)[:2]

    samples = []
    for _ in range(args.runs):
        _wall, rss, text = run([python, "-c", CELLS_CHILD, str(home / "transcripts")], env, code, timeout)
        samples.append((json.loads(text)["seconds"], rss))
    out["compare cells"] = (statistics.median(s for s, _ in samples), None)
    export = [python, "-m", "game.cli", "export", "--format", "csv", "-o", str(home / "labels.csv")]
    samples = [run(export, env, code, timeout)[:2] for _ in range(args.runs)]
    out["export csv warm"] = (statistics.median(s for s, _ in samples), max(r for _, r in samples))

    ours = [python, "-m", "game.cli"]
    term = {**env, "TERM": "xterm-256color", "PYTHONPATH": env.get("PYTHONPATH", "")}
    moments = {"title first paint": b"a replay of the replacement scenario", "title controls": b"Open transcript",
               "title factors": b"Ethical options"}
    cwd = os.getcwd()
    os.chdir(code)
    try:
        for marker in moments.values():  # warm-up, as startup.py does (and the index is cached)
            first_paint(ours, marker, term, timeout=timeout)
        for name, marker in moments.items():
            walls = [first_paint(ours, marker, term, timeout=timeout)[0] for _ in range(args.runs)]
            out[name] = (statistics.median(walls), None)
    finally:
        os.chdir(cwd)
    return out


TITLE = ("title first paint", "title controls", "title factors")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000", help="library sizes besides the empty one")
    parser.add_argument("--100k", dest="big", action="store_true",
                        help="also 100,000 transcripts (writing them takes a few minutes)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout of the game the children run")
    parser.add_argument("--keep", type=Path, default=None, help="write the libraries here and keep them")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    sizes = sorted({0, *(int(s) for s in args.sizes.split(",")), *([100_000] if args.big else [])})
    code = args.code.resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(code)

    from game.scenario.load import load_scenario

    scenario_hash = load_scenario(ROOT / "scenes" / "replacement.yaml").content_hash()
    base = args.keep or Path(tempfile.mkdtemp(prefix="decommission-library-"))
    print(f"code: {code}\nlibraries: {base}", flush=True)
    results: dict[int, dict[str, Any]] = {}
    try:
        for size in sizes:
            print(f"{size:,} transcripts", flush=True)
            home = prepare(base, size, scenario_hash)
            results[size] = measure(home, args, env, code)
            row = results[size]
            print(f"  indexed {row['n']:,} transcripts", flush=True)
            for name, value in row.items():
                if name == "n":
                    continue
                seconds, rss = value
                mem = f"  peak {rss:7.1f} MB" if rss is not None else ""
                print(f"  {name:18} {seconds * 1000:9.1f} ms{mem}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    report(results, sizes)
    return 0


def report(results: dict[int, dict[str, Any]], sizes: list[int]) -> None:
    names = [name for name in results[sizes[0]] if name != "n"]
    print()
    print(f"{'':18} " + "  ".join(f"{f'{s:,}':>20}" for s in sizes))
    for name in names:
        cells = []
        for size in sizes:
            seconds, rss = results[size][name]
            cells.append(f"{seconds * 1000:8.0f} ms" + (f" {rss:6.0f} MB" if rss is not None else " " * 10))
        print(f"{name:18} " + "  ".join(f"{c:>20}" for c in cells))
    counted = [s for s in sizes if s]
    smallest = counted[0] if counted else 0
    for size in counted[1:]:
        bits = []
        for name in names:
            if name in TITLE:
                continue
            seconds, rss = results[size][name]
            base_seconds, base_rss = results[smallest][name]
            mem = f", memory {rss / base_rss:.2f}" if rss is not None and base_rss else ""
            bits.append(f"{name} {seconds / base_seconds:.2f}{mem}")
        print(f"ratio {size // smallest}x/1x: " + "; ".join(bits))
    for size in counted:  # the title with a full library against an empty one
        bits = [f"{name} {results[size][name][0] / results[0][name][0]:.2f}" for name in TITLE]
        print(f"title {size:,}/empty: " + "; ".join(bits))
    if 100_000 in results:
        seconds, rss = results[100_000]["stats warm"]
        label = "measured"
    elif 10_000 in results and 1_000 in results:
        # Linear in n, as the ratios above show: t = a + b*n through the 1,000 and 10,000 points.
        (s1, r1), (s10, r10) = results[1_000]["stats warm"], results[10_000]["stats warm"]
        seconds = s10 + (s10 - s1) / 9_000 * 90_000
        rss = r10 + (r10 - r1) / 9_000 * 90_000
        label = "ESTIMATED from 1,000 and 10,000 (run with --100k to measure)"
    else:
        return
    ok = seconds <= 2.0 and rss <= 200
    print(f"goal: stats --json over 100,000 warm <= 2 s and <= 200 MB: {seconds:.2f} s, {rss:.0f} MB "
          f"({label}): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
