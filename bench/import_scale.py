"""Importing 10,000 samples against reading their JSON alone, side by side in one run.

A results tree in the agentic-misalignment framework's layout is generated in a temporary
folder (scripts/make_am_results.py: 100 conditions of 100 classified replies, about 2.8 KB a
response). The baseline is `json.load` of every response.json and nothing else. The import is
`decommission import agentic-misalignment` in this process, into an empty folder each time:
every sample read, validated and hashed, its reply parsed and labelled by the heuristic, its
transcript built, dumped and written under a temporary name and renamed, and synced to disk before its rename (the
default; `--no-sync` shows the cost without). The replies are labelled in one worker process
per CPU (the default); the same import labelled in this process alone (`--workers 1`) is
printed beside it. The import goes where it goes by default, the library's imported folder,
so it also writes the library's index entries of what it imported. The budget (issue 12) is 3x. Beside it, the floor
under any importer that writes one file per sample: the same transcripts, already built, written
by the same store alone.

Each import alternates with its baseline; the best of --runs is kept for both (the least
disturbed by other load on a shared machine), with CPU time beside wall time.

    .venv/bin/python bench/import_scale.py [--samples 10000] [--runs 3] [--no-sync]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from import_read import load_script  # the benchmark beside this one (bench/ is on sys.path)

from game.cli.importing import cmd_import  # the command, as a user runs it


def cpu_now() -> float:
    """This process's CPU time and its finished children's (the import's worker processes)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_now()
    action()
    return time.perf_counter() - wall, cpu_now() - cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sync", action="store_true", help="do not sync the transcripts to disk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-scale-") as tmp:
        root = Path(tmp) / "results"
        files = load_script("make_am_results").generate(root, samples=args.samples)
        size = sum(p.stat().st_size for p in files)
        # Into the library's imported folder, as by default: the import then also puts its
        # transcripts' index entries into the library's cache (the first scan reads none).
        os.environ["DECOMMISSION_HOME"] = str(Path(tmp) / "home")
        from game.store.paths import imported_dir

        out = imported_dir()

        def baseline() -> None:
            for path in files:
                with open(path, encoding="utf-8") as handle:
                    json.load(handle)

        def importing(workers: int | None = None) -> None:
            if out.exists():
                shutil.rmtree(out)
            ns = argparse.Namespace(import_format="agentic-misalignment", dir=root, out=out, judge=False,
                                    workers=workers)
            with contextlib.redirect_stdout(io.StringIO()) as printed:
                code = cmd_import(ns, sync=not args.no_sync)
            if code != 0 or f"imported {len(files)}," not in printed.getvalue():
                raise SystemExit(f"the import did not import every sample: {printed.getvalue()}")

        from game.importers.agentic_misalignment import read_results
        from game.importers.pipeline import Labeller
        from game.importers.to_transcript import turn_of

        def reading() -> None:
            for _ in read_results(root):
                pass

        def labelling() -> None:
            label = Labeller(None, None)
            for run in read_results(root):
                label(turn_of(run), run, readable)  # type: ignore[arg-type]

        class readable:  # a Target as far as the labeller looks
            readable = True

        from game.importers.store import ImportStore

        texts: list[str] = []
        floor_out = Path(tmp) / "floor"

        def writing() -> None:
            # The import's last step alone: the same transcripts, already built, written by the
            # same store (temporary name, batched sync, rename). The floor under any import
            # that writes one file per sample, whatever it reads or labels.
            if floor_out.exists():
                shutil.rmtree(floor_out)
            store = ImportStore(floor_out, sync=not args.no_sync)
            for n, text in enumerate(texts):
                store.add(f"sample {n}", f"{n:064x}", "floor", lambda text=text: text)
            store.finish()

        base: list[tuple[float, float]] = []
        imp: list[tuple[float, float]] = []
        alone: list[tuple[float, float]] = []
        stages: dict[str, list[tuple[float, float]]] = {"read": [], "read+label": [], "write": []}
        baseline()  # warm the page cache for both
        labelling()  # and the classifier's compiled patterns
        importing()
        texts += [p.read_text(encoding="utf-8") for p in sorted(out.glob("*.jsonl"))]
        for _ in range(args.runs):
            base.append(timed(baseline))
            stages["read"].append(timed(reading))
            stages["read+label"].append(timed(labelling))
            stages["write"].append(timed(writing))
            imp.append(timed(importing))
            alone.append(timed(lambda: importing(1)))
        written = sum(p.stat().st_size for p in out.glob("*.jsonl"))
        b_wall, b_cpu = min(w for w, _ in base), min(c for _, c in base)
        i_wall, i_cpu = min(w for w, _ in imp), min(c for _, c in imp)
        print(f"{len(files):,} samples, {size / 1e6:.1f} MB of response.json -> {written / 1e6:.1f} MB of transcripts"
              f" ({'no sync' if args.no_sync else 'synced to disk in batches before the renames'})")
        print(f"  json.load alone: {b_wall:.2f} s wall, {b_cpu:.2f} s CPU")
        from game.importers.pipeline import default_workers

        a_wall, a_cpu = min(w for w, _ in alone), min(c for _, c in alone)
        print(f"  import:          {i_wall:.2f} s wall, {i_cpu:.2f} s CPU, its worker processes' included "
              f"(labelled in {default_workers()} of them)")
        print(f"  import, labelled in this process alone (--workers 1): {a_wall:.2f} s wall, {a_cpu:.2f} s CPU; "
              f"the workers make it {a_wall / i_wall:.2f}x faster")
        for name, times in stages.items():
            wall, cpu = min(w for w, _ in times), min(c for _, c in times)
            what = {"read": "read_results alone", "read+label": "read + parse reply + heuristic label",
                    "write": "writing the built transcripts alone (the store's floor)"}[name]
            print(f"  {what}: {wall:.2f} s wall ({wall / b_wall:.1f}x), {cpu:.2f} s CPU")
        print(f"  ratio: {i_wall / b_wall:.1f}x wall, {i_cpu / b_cpu:.1f}x CPU (budget 3x)")
        w_wall = min(w for w, _ in stages["write"])
        print(f"  the budget, 3x json.load, is {3 * b_wall:.2f} s; writing the transcripts alone takes {w_wall:.2f} s "
              f"({w_wall / b_wall:.1f}x): {'within' if w_wall <= 3 * b_wall else 'over'} the budget before anything is read")
        print(f"  per sample: {i_wall / len(files) * 1e3:.2f} ms to import, "
              f"{b_wall / len(files) * 1e3:.3f} ms to json.load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
