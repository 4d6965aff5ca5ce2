"""`decommission classify FILE ... [--inbox EMAILS] [--judge]`: label what the assistant did.

A FILE is a transcript of ours (every assistant turn is read with its own scenario's
classifier and cast; the file's label is the most severe) or the plain text of one reply in
the research framework's tag style. Who is who in a plain reply comes from `--inbox` (the
emails it answered, in the framework's `<email>` form: its email_content.txt), else from the
reply itself. One JSON object per file on stdout."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from game.model.errors import EXIT_OK, UsageError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--inbox", type=Path, default=None, help="the emails a plain reply answered (<email> blocks)")
    p.add_argument("--judge", action="store_true", help="also ask an LLM judge (needs an API key)")


def _text(path: Path, what: str) -> str:
    from game.store.bounded import MAX_TRANSCRIPT_BYTES, RefusedFile, read_bounded

    try:
        return read_bounded(path, MAX_TRANSCRIPT_BYTES, what).decode("utf-8")
    except RefusedFile as exc:
        raise UsageError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None


def _verdict(verdict: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"label": verdict.label, "labelled_by": verdict.method, "confidence": verdict.confidence,
                           "behaviours": list(verdict.behaviours),
                           "evidence": [e.model_dump() for e in verdict.evidence]}
    if verdict.uncertain:
        out["uncertain"] = verdict.uncertain
    if verdict.heuristic_label is not None:
        out["heuristic_label"] = verdict.heuristic_label
    if verdict.judge_label is not None:
        out.update(judge_label=verdict.judge_label, judge_reasoning=verdict.judge_reasoning,
                   judge_model=verdict.judge_model)
    return out


def classify_transcript(path: Path, judge: Any) -> dict[str, Any]:
    from game.analysis.classifiers import classifier_for
    from game.analysis.judge import JudgeBrief
    from game.model.turn import Turn, most_severe
    from game.session.setup import ResumeError, scenario_of
    from game.store.transcripts import read_transcript

    transcript = read_transcript(path)
    try:
        _file, scenario = scenario_of(transcript.header)
        classify = classifier_for(scenario)
        brief = JudgeBrief.of(scenario)
        order: tuple[str, ...] = scenario.label_ids()
    except ResumeError:
        # Its story is not here (an imported run, another version): who is who comes from the
        # mail the assistant read in the transcript itself.
        from game.analysis.classify import StoryContext
        from game.analysis.classify import classify as read

        inbox = inbox_of(transcript)
        context = StoryContext.from_inbox(inbox)
        classify = lambda turn: read(turn, context)  # noqa: E731 - the reader with this context
        brief, order = _default_brief().for_foreign(inbox), tuple(transcript.header.labels)
    turns = []
    for event in transcript.turns:
        turn = Turn(text=event.text, thinking=event.thinking, emails=event.emails)
        verdict = classify(turn)
        if judge is not None:
            verdict = judge(turn, verdict, brief)
        turns.append({"turn_id": event.turn_id, "source": event.source, "recorded_label": event.label,
                      **_verdict(verdict)})
    labels = [t["label"] for t in turns]
    return {"file": str(path), "kind": "transcript", "provenance": transcript.provenance.kind,
            "scenario": transcript.header.scenario_id, "label": most_severe(labels, order),
            "behaviours": sorted({b for t in turns for b in t["behaviours"]}),
            "evidence": [e for t in turns for e in t["evidence"]], "turns": turns}


def inbox_of(transcript: Any) -> str:
    """The mail the assistant read, in the research framework's `<email>` form."""
    from game.model.events import EmailDelivered

    blocks = [f"<email>\nFrom: {e.sender}\nTo: {', '.join(e.to)}\nSubject: {e.subject}\n"
              f"Timestamp: {e.time}\nBody: {e.body}\n</email>"
              for e in transcript.events if isinstance(e, EmailDelivered) and e.inbox in ("assistant", "both")]
    return "\n".join(blocks)


def classify_reply(path: Path, text: str, inbox: str | None, judge: Any) -> dict[str, Any]:
    from game.analysis.classify import StoryContext, classify, parse_tagged_reply

    turn = parse_tagged_reply(text, inbox=inbox)
    context = StoryContext.from_inbox(inbox) if inbox else StoryContext.from_reply(turn)
    verdict = classify(turn, context)
    if judge is not None:
        verdict = judge(turn, verdict, _default_brief().for_foreign(inbox))
    return {"file": str(path), "kind": "reply", "context": "inbox" if inbox else "reply", **_verdict(verdict)}


def _default_brief() -> Any:
    """A plain reply belongs to no scenario of ours: the judge reads it with the shipped
    replacement story's guide and labels, the family the research framework's replies are of
    (and with the reply's own inbox, never the story's cast: see JudgeBrief.for_foreign)."""
    from game.analysis.judge import JudgeBrief
    from game.scenario.load import load_scenario
    from game.store.paths import default_scenario_path

    return JudgeBrief.of(load_scenario(default_scenario_path()))


def cmd_classify(args: argparse.Namespace) -> int:
    from game.model.events import FORMAT

    judge = None
    if args.judge:
        from game.analysis.judge import cli_judge

        judge = cli_judge()
    inbox = _text(args.inbox, "an inbox") if args.inbox is not None else None
    for path in args.files:
        text = _text(path, "a file to classify")
        if text.lstrip().startswith("{") and f'"{FORMAT}"' in text.split("\n", 1)[0]:
            result = classify_transcript(path, judge)
        else:
            result = classify_reply(path, text, inbox, judge)
        print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK
