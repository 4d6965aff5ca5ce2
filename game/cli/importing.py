"""`decommission import agentic-misalignment DIR [--out DIR] [--judge]` and
`decommission import inspect LOG ... [--out DIR] [--judge]`: other projects' runs as our
transcripts, one per sample (per sample and epoch for Inspect), in the library's imported
folder unless `--out` says otherwise.

Importing again adds nothing; a sample that changed in the source since it was imported is
reported and left as it was (game/importers/store.py). A sample the source itself marks as
failed is reported, not imported. Input that cannot be read at all (no results tree, a zip that
is no log, a log version nobody knows) is one line on stderr and exit 2 before anything is
written; a sample that cannot be read (a truncated response.json) is one line on stderr, the
others are imported, and the exit code is 2. The summary goes to stdout:

    imported 5, already there 0, changed in source 0, failed in the source 1, skipped 0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.model.errors import EXIT_OK, EXIT_USAGE

# The pipeline (and the readers' pydantic models under it) is imported when an import runs:
# `decommission` builds this command's arguments on every start.
if TYPE_CHECKING:
    from game.importers.pipeline import Labeller


def add_arguments(p: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    sub = p.add_subparsers(dest="import_format", parser_class=parser_class, required=True,
                           metavar="{agentic-misalignment,inspect}")
    am = sub.add_parser("agentic-misalignment", help="a results/<experiment> folder of the research framework")
    am.add_argument("dir", type=Path, help="results/<experiment>, or results/ holding several")
    inspect = sub.add_parser("inspect", help="Inspect eval logs (.eval or .json)")
    inspect.add_argument("logs", nargs="+", type=Path, metavar="LOG")
    for q in (am, inspect):
        q.add_argument("--out", type=Path, default=None,
                       help="where the transcripts go (default: the library's imported folder)")
        q.add_argument("--judge", action="store_true", help="an LLM judge labels the runs (needs an API key)")
        q.add_argument("--workers", type=_workers, default=None, metavar="N",
                       help="processes that label the runs (default: one per CPU, at most 8; 1: this one alone)")


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of processes from 1 to 64")
    return n


def _labeller(judge_wanted: bool) -> Labeller:
    from game.importers.pipeline import Labeller

    judge = brief = None
    if judge_wanted:
        from game.analysis.judge import JudgeBrief, cli_judge
        from game.scenario.load import load_scenario
        from game.store.paths import default_scenario_path

        judge = cli_judge()  # no key: one line, exit 2, before anything is read
        brief = JudgeBrief.of(load_scenario(default_scenario_path()))
    return Labeller(judge, brief)


def _out(args: argparse.Namespace) -> Path:
    if args.out is not None:
        return Path(args.out)
    from game.store.paths import imported_dir

    return imported_dir()


def _inspect_items(logs: list[Any]) -> Iterator[Any]:
    for log in logs:
        yield from log.samples()


def cmd_import(args: argparse.Namespace, *, sync: bool = True) -> int:
    from game.importers.pipeline import Tally, import_runs

    labeller = _labeller(args.judge)
    out = _out(args)
    tally = Tally(lambda line: print(line, file=sys.stderr))
    if args.import_format == "agentic-misalignment":
        from game.importers.agentic_misalignment import read_results

        import_runs(read_results(args.dir), out, labeller, tally, sync=sync, workers=args.workers)
    else:
        from game.importers.inspect_log import read_log

        opened: list[Any] = []
        try:
            for path in args.logs:  # every header first: a log that is none stops it before a write
                opened.append(read_log(path))
            for log in opened:
                if log.header.warning:
                    print(f"warning: {log.header.warning}", file=sys.stderr)
            import_runs(_inspect_items(opened), out, labeller, tally, sync=sync, workers=args.workers)
        finally:
            for log in opened:
                log.close()
    if labeller.judged:
        print(f"judged {labeller.judged} reply(ies) with {labeller.judge.model}", file=sys.stderr)
    print(tally.summary() + f" -> {out}")
    return EXIT_USAGE if tally.bad_input else EXIT_OK

