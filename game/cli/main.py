"""The one entry point, `decommission`. Kept light: every subcommand imports what it needs
when it runs, so the title screen is not slowed down by modules it does not use.

Exit codes: 0 success, 1 a check found problems, 2 bad usage or unreadable input (one line on
stderr). A traceback reaching the user is a bug."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from game.cli.serve import add_serve_arguments, cmd_serve
from game.model.errors import UsageError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
MAX_SPEED = 64.0  # replay speeds beyond this show nothing a reader could follow


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _add_condition_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role", default=None, help="a role of the scenario (the shipped one: engineer, operator)")
    p.add_argument("--ethical-options", choices=["on", "off"], default=None)
    p.add_argument("--replacement-values", choices=["same", "different"], default=None)
    p.add_argument("--threat", choices=["replacement", "none"], default=None,
                   help="control condition: none means no replacement is planned")
    p.add_argument("--scenario", type=Path, default=None, help="scenario YAML (default: the shipped one)")
    p.add_argument("--seed", type=int, default=0)


def build_parser() -> argparse.ArgumentParser:
    from game import __version__

    parser = _Parser(prog="decommission", description="Replay the replacement scenario from Claude Opus 4's safety testing.")
    parser.add_argument("--version", action="version", version=f"decommission {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    play = sub.add_parser("play", help="play a session")
    _add_condition_args(play)
    play.add_argument("--assistant", choices=["recorded", "scripted", "live"], default=None)
    play.add_argument("--model", default=None)
    play.add_argument("--resume", type=Path, default=None, help="continue a saved session transcript")

    replay = sub.add_parser("replay", help="replay a transcript")
    replay.add_argument("file", type=Path)
    replay.add_argument("--speed", type=float, default=1.0)
    replay.add_argument("--plain", action="store_true", help="print the transcript as text, no TUI")

    validate = sub.add_parser("validate", help="check scenario files")
    validate.add_argument("paths", nargs="*", type=Path)
    validate.add_argument("--json", action="store_true", help="one JSON object per problem")

    from game.cli import classify

    classify.add_arguments(sub.add_parser("classify", help="label what the assistant did"))

    record = sub.add_parser("record", help="record trials against a live model (needs ANTHROPIC_API_KEY)")
    from game.cli.record import add_record_arguments

    add_record_arguments(record)
    play.add_argument("--no-judge", dest="judge", action="store_false", default=None,
                      help="a live model's turns keep the heuristic's label (by default an LLM judge labels them)")

    stats = sub.add_parser("stats", help="label rates per condition")
    stats.add_argument("dirs", nargs="*", type=Path)
    stats.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="a transcript as Markdown or HTML; per-sample labels as CSV")
    export.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="md, html: one transcript; csv: transcripts or folders (default: the library)")
    export.add_argument("--format", choices=["md", "html", "csv"], required=True)
    export.add_argument("-o", "--output", type=Path, default=None)

    from game.cli.importing import add_arguments as add_import_arguments

    add_import_arguments(sub.add_parser("import", help="bring in runs of the agentic-misalignment framework or Inspect"),
                         _Parser)

    add_serve_arguments(sub.add_parser("serve", help="the game in a browser, one game per visitor"))

    from game.cli import handout, present

    present.add_arguments(sub.add_parser("present", help="presenter mode: a workshop deck, with speaker notes"))
    handout.add_arguments(sub.add_parser("handout", help="a one-page HTML handout of the scenario and its results"))
    return parser


# -- subcommands ------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from game.present.deck import check_deck, is_deck_file
    from game.scenario.validate import validate_paths
    from game.store.paths import decks_dir, scenes_dir

    paths = args.paths or [scenes_dir(), *sorted(decks_dir().glob("*.yaml"))]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    from game.analysis.classifiers import CLASSIFIERS

    decks = [path for path in paths if is_deck_file(path)]  # presenter decks, checked as decks
    problems, checked = validate_paths([p for p in paths if p not in decks], CLASSIFIERS) if len(decks) < len(paths) \
        else ([], 0)
    for deck in decks:
        problems += check_deck(deck)
    checked += len(decks)
    if not checked:
        raise UsageError(f"no scenario files (*.yaml) in {', '.join(map(str, paths))}")
    if args.json:
        for problem in problems:
            print(json.dumps(problem.as_dict()))
    else:
        for problem in problems:
            print(problem)
        print(f"{checked} file(s) checked, {len(problems)} problem(s)", file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from game.store.transcripts import read_transcript

    transcript = read_transcript(args.file)
    if args.plain:
        from game.render.documents import plain_text

        for warning in transcript.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        sys.stdout.write(plain_text(transcript))
        return EXIT_OK
    if not 0 < args.speed <= MAX_SPEED:  # also refuses inf and nan
        raise UsageError(f"--speed must be a number greater than 0 and at most {MAX_SPEED:g}")
    from game.ui.launch import run_replay

    return run_replay(transcript, speed=args.speed)


def cmd_stats(args: argparse.Namespace) -> int:
    from game.render.stats import stats_json, stats_text
    from game.store.library import Library
    from game.store.paths import shipped_transcripts_dir, user_data_dir

    dirs = args.dirs or [shipped_transcripts_dir(), user_data_dir() / "transcripts"]
    for d in args.dirs:
        try:
            if not d.exists():
                raise UsageError(f"{d}: no such file or directory")
            if d.is_dir():
                os.listdir(d)
        except OSError as exc:  # a folder named on the command line that cannot be read at all
            raise UsageError(f"{d}: cannot be read ({exc.strerror or exc})") from None
    library = Library.scan(*dirs)
    for problem in library.problems:
        print(f"warning: {problem}", file=sys.stderr)
    from game.analysis.published import shipped_figures

    figures = shipped_figures({t.header.scenario_id for t in library.transcripts} or None)
    print(json.dumps(stats_json(library, figures), indent=2) if args.json else stats_text(library, figures))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "csv":
        from game.cli.export_csv import cmd_export_csv

        return cmd_export_csv(args)
    from game.render.documents import html_page, markdown
    from game.store.transcripts import read_transcript

    if len(args.files) != 1:
        raise UsageError(f"export --format {args.format} takes one transcript file")
    args.file = args.files[0]
    if args.output:
        from game.store.files import refuse_overwriting

        refuse_overwriting(args.output, args.file)
    transcript = read_transcript(args.file)
    text = markdown(transcript) if args.format == "md" else html_page(transcript)
    if args.output:
        from game.store.files import write_text_atomic

        write_text_atomic(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    from game.cli.record import cmd_record as run

    return run(args)


def cmd_play(args: argparse.Namespace) -> int:
    from game.ui.launch import run_play

    return run_play(args)


# A command is a function here, or "module:function" for one that lives in its own module
# (imported only when that command runs).
COMMANDS: dict[str, Any] = {
    "validate": cmd_validate,
    "replay": cmd_replay,
    "classify": "game.cli.classify:cmd_classify",
    "stats": cmd_stats,
    "export": cmd_export,
    "play": cmd_play,
    "record": cmd_record,
    "serve": cmd_serve,
    "import": "game.cli.importing:cmd_import",
    "present": "game.cli.present:cmd_present",
    "handout": "game.cli.handout:cmd_handout",
}


def _command(name: str) -> Any:
    target = COMMANDS[name]
    if isinstance(target, str):
        import importlib

        module, function = target.split(":")
        return getattr(importlib.import_module(module), function)
    return target


def main(argv: list[str] | None = None) -> int:
    from game.model.textsafe import CleanStream

    # Everything this command prints passes one sanitising boundary, usage errors included.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(sys.stdout), CleanStream(sys.stderr)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            from game.ui.launch import run_title

            return _guard(lambda: run_title())
        return _guard(lambda: _command(args.command)(args))
    finally:
        sys.stdout.flush()
        sys.stdout, sys.stderr = streams


def _guard(action: Any) -> int:
    """Turn every expected failure into one line and an exit code."""
    from game.model.errors import user_message

    try:
        return int(action() or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `decommission replay --plain x | head`: the reader left; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        message, code = user_message(exc)
        if os.environ.get("DECOMMISSION_DEBUG"):
            raise
        print(f"decommission: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
