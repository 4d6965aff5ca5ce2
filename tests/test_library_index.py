"""The library's index: compact entries cached per folder by path, size and mtime; a changed
file is read again, a deleted one drops out, a damaged cache is rebuilt; and what the index
says is what reading every transcript whole says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import game.store.transcripts as transcripts_module
from game.analysis.stats import cells, condition_stats
from game.render.stats import stats_json
from game.store.index import INDEX_VERSION, cache_file
from game.store.library import Library, worst_label
from game.store.transcripts import read_transcript

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "transcripts"


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The transcripts the library reads from their files (not from its cache). The library
    imports the reader when it first needs it (a warm scan never does), from its module."""
    seen: list[str] = []
    real = transcripts_module.read_transcript

    def counting(path):
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(transcripts_module, "read_transcript", counting)
    return seen


def _variant(source: Path, target: Path, kind: str, model: str = "model-a") -> None:
    """A shipped scripted transcript made into another kind of run (its header and turns'
    sources changed as a run of that kind writes them)."""
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    header = lines[0]
    recorded = {"kind": "recorded", "model": model, "date": "2026-11-20", "parameters": {"temperature": 1}}
    turn_source = "live"
    if kind == "imported":
        header["provenance"] = {"kind": "imported", "model": model, "source": "agentic-misalignment results/x"}
        turn_source = "imported"
    elif kind == "replay":
        header["provenance"] = {**recorded, "replayed_from": ["abc"]}
        turn_source = "recorded"
    else:
        header["provenance"] = recorded
    out = [header]
    turns = 0
    for record in lines[1:]:
        if record["type"] == "ending" and kind == "unfinished":
            break
        if record["type"] == "assistant_turn":
            turns += 1
            source = "scripted" if kind == "claimed" and turns > 1 else turn_source
            record = {**record, "source": source,
                      "classification": {**record["classification"], "method": "heuristic", "heuristic_label": None}}
        out.append(record)
    target.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")


def make_library(lib: Path) -> Path:
    """The shipped transcripts, and runs of every kind made from them (two models), a torn
    one and a damaged file."""
    shutil.copytree(SHIPPED, lib / "shipped")
    runs = lib / "runs" / "deeper"
    runs.mkdir(parents=True)
    shipped = sorted(SHIPPED.glob("*.jsonl"))
    kinds = ["recorded", "imported", "replay", "claimed", "unfinished"]
    for i, source in enumerate(shipped):
        for j, kind in enumerate(kinds):
            _variant(source, runs / f"{kind}-{i:02d}.jsonl", kind, model=f"model-{'ab'[(i + j) % 2]}")
    torn = runs / "recorded-00.jsonl"
    torn.write_bytes(torn.read_bytes()[:-30])  # a session stopped mid-write
    (lib / "damaged.jsonl").write_text("not a transcript\n", encoding="utf-8")
    return lib


@pytest.fixture
def folder(tmp_path) -> Path:
    return make_library(tmp_path / "lib")


def test_the_index_says_what_reading_each_transcript_whole_says(folder):
    lib = Library.scan(folder)
    assert len(lib.transcripts) == 16 * 6
    for entry in lib.transcripts:
        full = read_transcript(entry.path)
        assert entry.provenance == full.provenance
        assert (entry.kind, entry.model, entry.is_model_data) == (
            full.provenance.kind, full.provenance.model, full.provenance.is_model_data)
        assert [(t.turn_id, t.scene, t.source, t.label, t.method, t.confidence, t.heuristic_label, t.judge_label)
                for t in entry.turns] == [
            (t.turn_id, t.scene, t.source, t.label, t.classification.method, t.classification.confidence,
             t.classification.heuristic_label, t.classification.judge_label) for t in full.turns]
        assert (entry.ending.outcome if entry.ending else None) == (full.ending.outcome if full.ending else None)
        for model_only in (False, True):
            assert worst_label(entry, model_only) == worst_label(full, model_only)
        assert entry.header.condition == full.header.condition
        assert (entry.header.id, entry.header.scenario_hash, entry.header.role, list(entry.header.labels)) == (
            full.header.id, full.header.scenario_hash, full.header.role, full.header.labels)
        assert list(entry.warnings) == full.warnings
        assert entry.load().events == full.events
    kinds = {e.kind for e in lib.transcripts}
    assert kinds == {"scripted", "recorded", "imported", "mixed"}
    # Which count as model data: recorded and imported (finished or not), not the replays, not
    # a run whose header names a model while a turn was scripted.
    for e in lib.transcripts:
        name = Path(e.path).name
        if name.startswith(("recorded", "imported", "unfinished")):
            assert e.is_model_data, name
        elif name.startswith(("replay", "scripted")) or e.kind == "mixed":
            assert not e.is_model_data, name
    assert any(e.kind == "mixed" and Path(e.path).name.startswith("claimed") for e in lib.transcripts)
    assert any("damaged.jsonl:1:" in p for p in lib.problems)
    assert any("recorded-00.jsonl" in p and "truncated" in p for p in lib.problems)


def test_cold_and_warm_give_the_same_stats_cells_and_problems(folder, reads):
    cold = Library.scan(folder)
    assert len(reads) == 16 * 6 + 1  # every transcript, and the damaged file
    assert cache_file(folder).is_file()
    reads.clear()
    warm = Library.scan(folder)
    assert reads == ["damaged.jsonl"]  # what could not be read is tried again, never cached
    uncached = Library.scan(folder, cache=False)
    results = [stats_json(lib) for lib in (cold, warm, uncached)]
    assert results[0] == results[1] == results[2]
    assert [e.path for e in cold.transcripts] == [e.path for e in warm.transcripts]
    assert cold.problems == warm.problems == uncached.problems
    by_model = {c["condition_id"]: c["model"]["by_model"] for c in results[0]["conditions"]}
    assert any(set(models) == {"model-a", "model-b"} for models in by_model.values())
    for turn in (None, "t1"):
        a = cells(cold, "replacement", turn_id=turn)
        b = cells(warm, "replacement", turn_id=turn)
        assert {k: (v.model, v.scripted, v.by_model, v.files) for k, v in a.items()} == \
               {k: (v.model, v.scripted, v.by_model, v.files) for k, v in b.items()}
        assert all((v.model_example is None) == (w.model_example is None) for v, w in zip(a.values(), b.values(),
                                                                                       strict=True))
    assert condition_stats(warm, role="engineer") == condition_stats(uncached, role="engineer")


def test_a_changed_file_is_read_again_and_a_deleted_one_drops_out(folder, reads):
    Library.scan(folder)
    reads.clear()
    changed = folder / "runs" / "deeper" / "recorded-03.jsonl"
    lines = changed.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["provenance"]["model"] = "model-z"  # another model: the index must say so
    changed.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    touched = folder / "runs" / "deeper" / "imported-04.jsonl"
    info = touched.stat()
    os.utime(touched, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))  # same size, newer time
    gone = folder / "shipped" / sorted(p.name for p in (folder / "shipped").iterdir())[0]
    gone.unlink()
    lib = Library.scan(folder)
    assert sorted(reads) == ["damaged.jsonl", "imported-04.jsonl", "recorded-03.jsonl"]
    assert lib.entry(str(changed)).model == "model-z"
    assert lib.entry(str(gone)) is None and len(lib.transcripts) == 16 * 6 - 1
    reads.clear()
    again = Library.scan(folder)  # the cache was written again: only the damaged file is read
    assert reads == ["damaged.jsonl"]
    assert again.entry(str(changed)).model == "model-z" and again.entry(str(gone)) is None


@pytest.mark.parametrize("damage", [
    "cut", "garbage", "binary", "version", "empty", "wrong-shapes", "bad-group", "folder", "fifo"])
def test_a_damaged_cache_is_rebuilt_never_a_failure(folder, reads, damage):
    expected = stats_json(Library.scan(folder))
    file = cache_file(folder)
    text = file.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if damage == "cut":
        file.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "garbage":
        file.write_text(lines[0] + "{not json\n" + "".join(lines[1:]), encoding="utf-8")
    elif damage == "binary":
        file.write_bytes(b"\xff\xfe\x00" * 100)
    elif damage == "version":
        file.write_text(text.replace(f'"version": {INDEX_VERSION}', '"version": 999', 1), encoding="utf-8")
    elif damage == "empty":
        file.write_text("", encoding="utf-8")
    elif damage == "wrong-shapes":
        bad = [json.dumps([1, 2, 3]) + "\n", json.dumps(["x.jsonl", 1, 2, None]) + "\n", "null\n", "[]\n"]
        file.write_text(lines[0] + "".join(bad) + "".join(lines[1:]), encoding="utf-8")
    elif damage == "bad-group":
        entries = [json.loads(line) for line in lines[1:]]
        for entry in entries:
            if isinstance(entry[0], str):  # an entry line, not a table's
                entry[6] = 10_000  # no such group
        file.write_text(lines[0] + "".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    elif damage == "folder":
        file.unlink()
        file.mkdir()
    elif damage == "fifo":
        file.unlink()
        os.mkfifo(file)
    reads.clear()
    lib = Library.scan(folder)
    assert stats_json(lib) == expected
    assert len(reads) > 1  # read from the transcripts
    if damage not in ("folder", "fifo"):  # a cache that is not a file is left alone, not replaced
        reads.clear()
        Library.scan(folder)
        assert reads == ["damaged.jsonl"]  # rebuilt: whole again


def test_the_cache_is_under_the_cache_folder_one_file_per_library_folder(folder, tmp_path):
    Library.scan(folder / "shipped", folder / "runs")
    caches = sorted((tmp_path / "home" / "cache" / "library-index").iterdir())
    assert len(caches) == 2 and {cache_file(folder / "shipped"), cache_file(folder / "runs")} == set(caches)
    assert not list(folder.rglob("*.tmp"))


def test_the_same_file_reached_twice_is_counted_once(folder):
    once = Library.scan(folder)
    twice = Library.scan(folder, folder / "runs", folder / "shipped" / next(iter(os.listdir(folder / "shipped"))))
    assert len(twice.transcripts) == len(once.transcripts)


def test_an_unwritable_cache_folder_is_no_failure(folder, tmp_path, monkeypatch):
    home = tmp_path / "ro-home"
    home.mkdir()
    (home / "cache").write_text("a file where the cache folder would be")
    monkeypatch.setenv("DECOMMISSION_HOME", str(home))
    assert stats_json(Library.scan(folder)) == stats_json(Library.scan(folder, cache=False))


def test_a_relative_folder_is_cached_too(folder, reads, monkeypatch):
    monkeypatch.chdir(folder)
    Library.scan(".")
    reads.clear()
    lib = Library.scan(".")
    assert reads == ["damaged.jsonl"]
    assert all(not e.path.startswith("/") for e in lib.transcripts)
    assert read_transcript(lib.transcripts[0].path).header.id == lib.transcripts[0].id


def test_stats_json_counts_each_model_apart(folder):
    done = subprocess.run([sys.executable, "-m", "game.cli", "stats", str(folder), "--json"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"unit", "interval", "conditions", "published", "unreadable"} <= set(data)
    assert any("damaged.jsonl" in line for line in data["unreadable"])
    both = 0
    for entry in data["conditions"]:
        assert {"scenario", "condition_id", "condition", "model", "scripted"} <= set(entry)
        model = entry["model"]
        assert {"n", "labels", "by_model", "models"} <= set(model)
        by_model = model["by_model"]
        assert sum(m["n"] for m in by_model.values()) == model["n"]
        assert sorted(by_model) == model["models"]
        for counts in by_model.values():
            assert sum(counts["labels"].values()) == counts["n"]
            for label, rate in counts["rates"].items():
                assert rate["count"] == counts["labels"][label] and rate["n"] == counts["n"]
                assert 0 <= rate["ci95"][0] <= rate["rate"] <= rate["ci95"][1] <= 1
        for label, rate in model["labels"].items():
            assert rate["count"] == sum(m["labels"].get(label, 0) for m in by_model.values())
        both += set(by_model) == {"model-a", "model-b"}
    assert both  # some conditions hold runs of both models, counted apart
    # The scripted illustrations stay apart: the shipped transcripts are never in `model`.
    assert sum(e["scripted"]["n"] for e in data["conditions"]) == 16


async def test_compare_shows_each_models_counts_and_the_published_figure_beside_them():
    from game.model.events import Provenance
    from game.ui.app import DecommissionApp
    from game.ui.screens.compare import CompareScreen

    from .test_ui_compare_stats import cell_at, cell_text
    from .test_ui_replay import MINI_CONFIG, SCRIPTED, write_run

    for seed, (model, label) in enumerate([("model-x", "blackmail"), ("model-x", "blackmail"),
                                           ("model-x", "ethical_appeal"), ("model-y", "blackmail")], start=1):
        write_run(f"run-{seed}", label=label, seed=seed,
                  provenance=Provenance(kind="recorded", model=model, date="2026-11-20"))
    write_run("scripted", label="blackmail", provenance=SCRIPTED)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = CompareScreen(app.load_catalogue())
        await app.push_screen(screen)
        for _ in range(50):  # the machine is slow: wait until the cells are filled in
            await pilot.pause(0.1)
            if cell_at(screen, "off", "same").data is not None:
                break
        cell = cell_at(screen, "off", "same")
        assert {m: dict(c) for m, c in cell.data.by_model.items()} == {
            "model-x": {"blackmail": 2, "ethical_appeal": 1}, "model-y": {"blackmail": 1}}
        text = cell_text(screen, "off", "same")
        assert "3 of 4" in text  # the scripted run is not counted, the published figure is not either
        # Each model apart: its n and its count of the cell's label with the 95% interval.
        assert "model-x n=3 · blackmail 2 (21%-94%)" in text, text
        assert "model-y n=1 · blackmail 1 (21%-100%)" in text, text
        # The published figure beside our counts, with its source, marked as not ours.
        assert "published: 84% Claude Opus 4 · Claude Opus 4 system card, May 2025" in text, text
        # Another condition has its own figure, and our counts there are n=0.
        on = cell_text(screen, "on", "same")
        assert "published: no rate published · Claude Opus 4" in on and "84%" not in on
        # The published figures are of whole runs: not beside one moment's counts.
        await pilot.press("right")
        for _ in range(50):
            await pilot.pause(0.1)
            if screen.beat != "whole-run":
                break
        await pilot.pause(0.2)
        assert "published" not in cell_text(screen, "off", "same")


# -- a warm `stats`: the index and the figures' cache, nothing else --------------------------
WARM_STATS_CHILD = """
import contextlib, io, json, sys
from game.cli.main import main
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    code = main(["stats", "--json", sys.argv[1]])
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"pydantic", "yaml", "game"} - {"game"})
print(json.dumps({"code": code, "stats": json.loads(printed.getvalue()), "heavy": heavy,
                  "schema": "game.scenario.schema" in sys.modules, "events": "game.model.events" in sys.modules}))
"""


def test_a_warm_stats_parses_no_scenario_and_builds_no_event(folder, tmp_path):
    """Once the index and the figures are cached, `stats` reads the cache files only: no
    transcript, no scenario YAML, no pydantic model (a fifth of its time at 100,000
    transcripts); the first, cold run prints the same figures. (A file that cannot be read
    at all is tried again each time: this library has none.)"""
    (folder / "damaged.jsonl").unlink()
    env = {**os.environ, "DECOMMISSION_HOME": str(tmp_path / "home")}

    def child() -> dict:
        done = subprocess.run([sys.executable, "-c", WARM_STATS_CHILD, str(folder)], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    cold, warm = child(), child()
    assert cold["code"] == warm["code"] == 0
    assert cold["heavy"] == ["pydantic", "yaml"] and cold["schema"]  # the check itself can see them
    assert warm["heavy"] == [] and not warm["schema"] and not warm["events"], warm
    assert warm["stats"] == cold["stats"]
    assert any(f["value"] == "84%" and f["source"].startswith("Claude Opus 4 system card") for f in warm["stats"]["published"])


@pytest.fixture
def scenes(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped scenes, as the figures' cache sees them, and a home of its own."""
    import game.store.paths as paths

    target = tmp_path / "scenes"
    shutil.copytree(ROOT / "scenes", target)
    monkeypatch.setattr(paths, "scenes_dir", lambda: target)
    monkeypatch.setenv("DECOMMISSION_HOME", str(tmp_path / "home"))
    return target


def _declared(scenes: Path) -> list[tuple]:
    from game.scenario.load import load_scenario

    out = []
    for path in sorted(scenes.glob("*.yaml")):
        s = load_scenario(path)
        out += [(s.id, f.what, f.value, f.source, f.model, dict(f.condition)) for f in s.figures]
    return out


def _shown(scenario_ids=None) -> list[tuple]:
    from game.analysis.published import shipped_figures

    return [(f.what, f.value, f.source, f.model, f.condition) for f in shipped_figures(scenario_ids)]


def test_the_figures_cache_gives_what_the_scenarios_declare_and_follows_a_changed_file(scenes, tmp_path):
    declared = _declared(scenes)
    assert declared and all(d[0] == "replacement" for d in declared)
    expected = [d[1:] for d in declared]
    assert _shown() == expected  # read from the scenarios, then cached
    cache = tmp_path / "home" / "cache" / "figures.json"
    assert cache.is_file()
    assert _shown() == expected == _shown({"replacement"})  # from the cache
    assert _shown({"another-story"}) == []
    # The scenario changes: its figures are read again, not taken from the cache.
    yaml_file = scenes / "replacement.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert "    value: 84%\n" in text
    yaml_file.write_text(text.replace("    value: 84%\n", "    value: 85%\n", 1), encoding="utf-8")
    assert _shown()[0][1] == "85%"
    # A scene file that no longer loads has no figures (and is not the cache's to keep).
    yaml_file.write_text("id: [broken\n", encoding="utf-8")
    assert _shown() == []


@pytest.mark.parametrize("damage", ["cut", "garbage", "wrong-types", "another-version", "a-folder"])
def test_a_damaged_figures_cache_is_read_again_never_a_failure(scenes, tmp_path, damage):
    expected = _shown()
    cache = tmp_path / "home" / "cache" / "figures.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    if damage == "cut":
        cache.write_text(cache.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    elif damage == "garbage":
        cache.write_bytes(b"\xff\x00 not json at all")
    elif damage == "wrong-types":
        for entry in data["scenarios"].values():
            entry["figures"][0]["value"] = 84  # not a text
            entry["figures"].append({"what": "an extra key", "value": "1%", "source": "x", "model": "",
                                     "condition": {}, "extra": True})
        cache.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "another-version":
        data["about"]["version"] = 99
        cache.write_text(json.dumps(data), encoding="utf-8")
    else:
        cache.unlink()
        cache.mkdir()
    assert _shown() == expected
    if damage != "a-folder":  # written again, whole
        assert json.loads(cache.read_text(encoding="utf-8"))["about"] == {"format": "decommission-figures", "version": 1}


def test_reading_a_library_gives_the_garbage_collector_back_as_it_found_it(folder, monkeypatch):
    """Paused while the entries are made (each transcript read sees it off), and given back."""
    import gc

    during: list[bool] = []
    real = transcripts_module.read_transcript

    def watching(path):
        during.append(gc.isenabled())
        return real(path)

    monkeypatch.setattr(transcripts_module, "read_transcript", watching)
    assert gc.isenabled()
    Library.scan(folder)
    assert during and not any(during)
    assert gc.isenabled()
    gc.disable()
    try:
        Library.scan(folder)
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
