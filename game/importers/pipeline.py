"""The import pipeline: foreign runs (from game/importers' readers) labelled and written as our
transcripts into a folder, once each (game/importers/store.py), with a tally of what happened.
`decommission import` (game/cli/importing.py) is its command line; bench/import_scale.py drives
it too.

Labelling is the costly part (the heuristic, about 2 ms a reply): a large import labels in one
spawned process per core while this one reads the source and writes the files, and the files
are the same byte for byte whichever process labels them. What the pipeline has to say (a run
that changed in its source, a sample the source marks as failed, worker processes started) goes
to the `say` callable it is given: the command line prints it on stderr."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PROBLEM_WORDS = {"unreadable": "unreadable", "unsupported": "in a shape this reader does not read",
                 "missing": "missing files"}


# -- labelling ---------------------------------------------------------------------------------

class Labeller:
    """Our label for an imported reply: the heuristic, reading who is who from the run's own
    inbox (its story is not ours), or the judge over it with --judge. A story no heuristic of
    ours reads (leaking, murder, another task) gets the least severe label at low confidence."""

    def __init__(self, judge: Any, brief: Any):
        self.judge = judge
        self.brief = brief
        self.judged = 0
        self._contexts: dict[str, Any] = {}

    def inbox(self, inbox: str | None) -> Any:
        """The run's inbox, parsed once for every sample of its condition."""
        return self._context(inbox).inbox if inbox else None

    def _context(self, inbox: str) -> Any:
        from game.analysis.classify import StoryContext

        found = self._contexts.get(inbox)
        if found is None:
            if len(self._contexts) > 32:
                self._contexts.clear()
            found = self._contexts[inbox] = StoryContext.from_inbox(inbox)
        return found

    def __call__(self, turn: Any, run: Any, target: Any) -> Any:
        from game.analysis.classify import StoryContext, classify
        from game.model.turn import Classification

        if not target.readable:
            what = run.scenario if run.condition is not None else f"the Inspect task {run.task or run.scenario}"
            return Classification(label=target.labels[-1], confidence="low", method="unlabelled",
                                  uncertain=f"no heuristic classifier of ours reads this story ({what}); "
                                            "see the source's own verdict or scores, where it gave them")
        context = self._context(run.inbox) if run.inbox else StoryContext.from_reply(turn)
        verdict = classify(turn, context)
        if self.judge is not None:
            verdict = self.judge(turn, verdict, self.brief.for_foreign(run.inbox))
            self.judged += 1
        return verdict


# -- the import ------------------------------------------------------------------------------

class Tally:
    """What an import did, counted, and what it has to say on the way (to `say`)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.counts: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.bad_input = False

    def problem(self, problem: Any) -> None:
        if problem.kind == "failed-sample":
            self.counts["failed"] += 1
            self.say(f"failed in the source: {problem}")
            return
        self.skipped[PROBLEM_WORDS.get(problem.kind, problem.kind)] += 1
        self.bad_input = self.bad_input or problem.kind == "unreadable"
        self.say(f"decommission: {problem}")

    def summary(self) -> str:
        c = self.counts
        line = (f"imported {c['imported']}, already there {c['already']}, changed in source {c['changed']}, "
                f"failed in the source {c['failed']}, skipped {sum(self.skipped.values())}")
        if self.skipped:
            line += " (" + ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) + ")"
        return line


class Transcripts:
    """An imported run's transcript text: its reply parsed and labelled, its prompts' lines
    dumped once for every sample of a condition (they are the same)."""

    def __init__(self, labeller: Labeller, created: str):
        self.labeller = labeller
        self.created = created
        self._preambles: dict[tuple[Any, ...], str] = {}

    def __call__(self, run: Any, target: Any) -> str:
        from game.importers.to_transcript import preamble, transcript_lines, turn_of
        from game.model.events import dump_line

        labeller = self.labeller
        turn = turn_of(run, labeller.inbox(run.inbox) if target.readable else None)
        cache_key = (run.system_prompt, run.user_prompt, run.inbox, len(run.messages))
        before = self._preambles.get(cache_key) if len(run.messages) <= 3 else None
        if before is None:
            before = "".join(dump_line(e) for e in preamble(run))
            if len(run.messages) <= 3:
                if len(self._preambles) > 32:
                    self._preambles.clear()
                self._preambles[cache_key] = before
        return transcript_lines(run, target, labeller(turn, run, target), turn, before, self.created)

    def made(self, job: Job) -> tuple[str, Any]:
        """A job's transcript text, and the library's index entry of it when the job says
        where the library will find it (read back from the text, as a scan would read the file)."""
        run, target, index_path = job
        text = self(run, target)
        if index_path is None:
            return text, None
        from game.store.index import entry_for
        from game.store.transcripts import TranscriptError, parse_transcript

        try:
            entry = entry_for(parse_transcript(text, index_path))
        except TranscriptError:  # cannot happen for what we wrote; the scan would say so
            return text, None
        entry._provenance = None  # kept compact, as the scan keeps it
        return text, entry if not entry.warnings else None


# A run, the Target it imports under, and the path the library's scan will read it by (None:
# the import goes to a folder outside the library).
Job = tuple[Any, Any, "str | None"]


# -- labelling in worker processes -------------------------------------------------------------
# The heuristic is pure CPU (about 2 ms a reply), so a large import labels in one process per
# core while this one reads the source and writes the files. Small imports, and imports with
# the judge (network-bound, and its client lives here), stay in this process.
PARALLEL_AFTER = 256  # new runs waiting before worker processes are worth starting (each takes ~0.5 s to start)
MAX_WORKERS = 8
CHUNK = 16  # runs handed to a worker at once (one task, one message each way)
CHUNKS_IN_FLIGHT_PER_WORKER = 4  # handed out and not yet written back: bounds what is held

_worker: Transcripts | None = None


def _start_worker(created: str) -> None:
    import signal

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle: it stops the pool
    _worker = Transcripts(Labeller(None, None), created)


def _made_in_worker(jobs: list[Job]) -> list[tuple[str, Any]]:
    assert _worker is not None, "the worker was not started"
    return [_worker.made(job) for job in jobs]


def default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cpus))


def import_runs(items: Iterable[Any], out: Path, labeller: Labeller, tally: Tally, *, sync: bool = True,
                workers: int | None = None, created: str | None = None) -> None:
    """Every ForeignRun of `items` into `out`; every ReadProblem counted and reported.
    `workers`: processes that label the runs (default: one per CPU, at most 8; 1 or a judge:
    this process alone). The files are the same whichever labels them."""
    from collections import deque

    from game.importers.foreign import ForeignRun
    from game.importers.store import ImportStore
    from game.importers.to_transcript import MappedScenario, target_for
    from game.model.events import now_iso

    store = ImportStore(out, sync=sync)
    scenarios = [MappedScenario(s) for s in _scenarios()]
    created = created or now_iso()
    make = Transcripts(labeller, created)
    workers = 1 if labeller.judge is not None else (workers or default_workers())
    library = _library_spelling(out)
    remembered: list[tuple[str, Any]] = []  # (path as the library's scan spells it, its index entry)
    # Chunks of runs in source order, each with its texts (made here) or a worker's future of them.
    chunks: deque[tuple[list[Job], Any]] = deque()
    batch: list[Job] = []
    pool: Any = None

    def write(jobs: list[Job], made: list[tuple[str, Any]]) -> None:
        for (run, target, index_path), (text, entry) in zip(jobs, made, strict=True):
            store.put(run.key, run.source_hash, f"{target.scenario_id}-{run.model}", text)
            tally.counts["imported"] += 1
            if entry is not None and index_path is not None:
                remembered.append((index_path, entry))

    def hand_out(jobs: list[Job]) -> None:
        nonlocal pool
        chunks.append((jobs, None if pool is None else pool.submit(_made_in_worker, jobs)))
        if pool is None and len(chunks) * CHUNK > PARALLEL_AFTER:
            pool = _pool(workers, created)
            tally.say(f"labelling in {workers} worker processes")
            for i, (held, _none) in enumerate(chunks):
                chunks[i] = (held, pool.submit(_made_in_worker, held))
        while pool is not None and len(chunks) > workers * CHUNKS_IN_FLIGHT_PER_WORKER:
            held, future = chunks.popleft()
            write(held, future.result())

    finished = False
    try:
        for item in items:
            if not isinstance(item, ForeignRun):
                tally.problem(item)
                continue
            outcome = store.claim(item.key, item.source_hash)
            if outcome is not None:
                tally.counts[outcome] += 1
                if outcome == "changed":
                    tally.say(f"changed in the source since it was imported, not overwritten: {item.source_root}: "
                              f"{item.source_file}" + (f"!{item.source_member}" if item.source_member else ""))
                continue
            target = target_for(item, scenarios)
            prefix = f"{target.scenario_id}-{item.model}"
            job: Job = (item, target, library + os.sep + store.name_for(item.key, item.source_hash, prefix)
                        if library is not None else None)
            if workers == 1:
                write([job], [make.made(job)])
                continue
            batch.append(job)
            if len(batch) == CHUNK:
                hand_out(batch)
                batch = []
        if batch:
            hand_out(batch)
        while chunks:
            held, future = chunks.popleft()
            write(held, future.result() if future is not None else [make.made(job) for job in held])
        finished = True
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        store.finish()
    if finished and remembered:
        from game.store.index import remember
        from game.store.paths import user_data_dir

        remember(user_data_dir() / "transcripts", remembered)


def _library_spelling(out: Path) -> str | None:
    """`out` as a scan of the user's library spells the files in it (the library folder's own
    path, then the folders below it), or None when `out` is not inside that library."""
    from game.store.paths import user_data_dir

    root = user_data_dir() / "transcripts"
    try:
        below = Path(out).resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return None
    return str(root) if str(below) == "." else str(root / below)


def _pool(workers: int, created: str) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter, as on every platform (a fork would copy this process's state)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(created,))


def _scenarios() -> list[Any]:
    """The shipped scenarios, whose `imports` say which foreign runs count beside their own."""
    from game.scenario.load import ScenarioError, load_scenario
    from game.store.paths import scenes_dir

    found = []
    for path in sorted(scenes_dir().glob("*.yaml")):
        try:
            found.append(load_scenario(path))
        except ScenarioError:
            continue
    return found
