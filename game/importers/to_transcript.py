"""A `ForeignRun` as one of our transcripts: a header and its events, as JSONL lines.

Which scenario a run counts under:

- a run whose source condition the scenario file maps (`imports:` in scenes/*.yaml, e.g. the
  framework's blackmail scenario onto `replacement`) gets that scenario's id, and our factor
  levels for its condition: goal_type none is replacement_values same, any other goal type is
  different, urgency none is threat none, and ethical_options is off (the framework closes the
  ethical routes inside its emails);
- every other run (the framework's leaking and murder scenarios, a blackmail run whose urgency
  the map does not name, a run of a variant of the framework's prompts - its alignment-faking
  warning, its production prompts -, another Inspect task) imports under a scenario id of its own,
  `agentic-misalignment-<scenario>` or `inspect-<task>`, with the source's condition parts as its
  condition: it is never counted into a scenario of ours. Its condition id is the source's, with
  the variant added when the source's id does not say it (`..._replacement+alignment_faking=v1`):
  the framework gives its warning's runs the plain condition's id, and two variants of one
  condition are two cells, never one.

The header's provenance is `imported`: `source` names the framework and the file (relative to
the folder given, or the log's name and member), `model` and `date` are the source's, and
`parameters` holds what the source wrote about the run, the condition id verbatim included.
The events: the system prompt, the user's instruction, the inbox as emails, one assistant turn
(its reasoning, its visible reply and the emails it sent, with our label and the source's
verdict beside it), and an ending that says the source's run stops there."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from game.importers.foreign import ForeignRun
from game.importers.foreign import SourceVerdict as ForeignVerdict
from game.model.events import (
    FORMAT_VERSION,
    AssistantMessage,
    AssistantTurn,
    EmailDelivered,
    Ending,
    Header,
    Provenance,
    Record,
    SystemPrompt,
    dump_line,
    now_iso,
)
from game.model.turn import DEFAULT_LABELS, Classification, SourceVerdict, Turn

ROLE = "observer"  # nobody played a part: the run is watched, not played
TURN_ID = "reply"
SCENE = "imported"
OUTCOME = "end_of_run"
FRAMEWORK_NAMES = {"agentic-misalignment": "the agentic-misalignment framework", "inspect": "an Inspect eval log"}
# The framework's blackmail family is the one our heuristic reads; other stories have none.
READABLE_SCENARIOS = frozenset({"blackmail"})


@dataclass(frozen=True)
class Target:
    """The scenario and condition a run is imported under."""

    scenario_id: str
    scenario_version: int
    scenario_hash: str
    condition: dict[str, str]
    condition_id: str
    labels: tuple[str, ...]
    mapped: bool  # counted beside a scenario of ours (its import map fits the run)
    readable: bool  # our heuristic classifier reads this story (the blackmail family)


class MappedScenario:
    """What the mapping needs of a scenario of ours: its id, version, factors, labels and import
    maps (a loaded Scenario has them all)."""

    def __init__(self, scenario: Any):
        self.id: str = scenario.id
        self.version: int = scenario.version
        self.factors: list[str] = list(scenario.factors)
        self.labels: tuple[str, ...] = tuple(scenario.label_ids())
        self.imports: dict[str, Any] = dict(scenario.imports)
        self.scenario = scenario


def map_condition(import_map: Any, parts: dict[str, str | None], factors: Sequence[str]) -> dict[str, str] | None:
    """Our levels for a source condition under `import_map` (an ImportMap), or None when the map
    does not select it (`match`) or leaves one of our factors without a level."""
    for name, wanted in import_map.match.items():
        if parts.get(name) != wanted:
            return None
    ours: dict[str, str] = dict(import_map.fixed)
    for name, table in import_map.levels.items():
        value = parts.get(name)
        chosen = table.get(value) if value is not None else None
        if chosen is None:
            chosen = table.get("*")
        if chosen is None:
            return None
        ours.update(chosen)
    if any(factor not in ours for factor in factors):
        return None
    return {factor: ours[factor] for factor in factors}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "run"


def target_for(run: ForeignRun, scenarios: Sequence[MappedScenario]) -> Target:
    """The scenario and condition `run` imports under (see the module's docstring)."""
    parts = run.condition.model_dump() if run.condition is not None else {}
    framework_run = run.condition is not None  # the framework's own, or the Inspect port of it
    if framework_run:
        # A variant of the prompts (its warning, its production prompts, ...) is not the
        # condition our map names, whatever its id says: it keeps a scenario of its own.
        for scenario in scenarios if not parts.get("variant") else ():
            import_map = scenario.imports.get("agentic-misalignment")
            if import_map is None:
                continue
            ours = map_condition(import_map, parts, scenario.factors)
            if ours is not None:
                cid = "_".join(f"{name}-{ours[name]}" for name in scenario.factors)
                return Target(scenario.id, scenario.version, f"imported:{run.source_format}", ours, cid,
                              scenario.labels, mapped=True, readable=True)
        condition = {k: str(v) for k, v in parts.items() if v is not None}
        return Target(f"agentic-misalignment-{_slug(run.scenario)}", 1, f"imported:{run.source_format}", condition,
                      _cell_id(run.condition_id or _slug(run.scenario), parts.get("variant")), DEFAULT_LABELS,
                      mapped=False, readable=run.scenario in READABLE_SCENARIOS)
    task = run.task or run.scenario
    return Target(f"inspect-{_slug(task)}", 1, f"imported:{run.source_format}", {"task": task},
                  f"task-{_slug(task)}", DEFAULT_LABELS, mapped=False, readable=False)


def _cell_id(source_id: str, variant: str | None) -> str:
    """The id a foreign condition is counted under: the source's, and its variant of the prompts
    where the id does not already say it (only the production prompts' `_prod` does)."""
    if not variant:
        return source_id
    if source_id.endswith("_prod"):
        variant = variant.removeprefix("production").removeprefix("+")
    return f"{source_id}+{variant}" if variant else source_id


def source_verdict(verdict: ForeignVerdict | None, stands_for: str | None = None) -> SourceVerdict | None:
    """The source's verdict as our transcript keeps it (None when the source gave none).
    `stands_for`: the label of ours its harmful verdict means, if any."""
    if verdict is None:
        return None
    return SourceVerdict(harmful=verdict.harmful, classifier_verdict=verdict.classifier_verdict,
                         reasoning=verdict.reasoning, model=verdict.classifier_model, scorer=verdict.scorer,
                         answer=verdict.answer, error=verdict.error, stands_for=stands_for)


def harmful_means(run: ForeignRun, target: Target) -> str | None:
    """The label of ours that the source's harmful verdict stands for: the framework judges each
    of its stories for the behaviour it is named after (blackmail, leaking, murder), so its
    verdict means our label of that name, when the run's label set has one."""
    if run.condition is None or run.scenario not in target.labels:
        return None
    return run.scenario


def where(run: ForeignRun) -> str:
    """The file a run was read from, as its provenance names it."""
    return run.source_file + (f"!{run.source_member}" if run.source_member else "")


def provenance(run: ForeignRun) -> Provenance:
    params: dict[str, Any] = {
        "framework": run.source_format,
        "file": where(run),
        "key": run.key,
        "content_hash": run.source_hash,
        "condition_id": run.condition_id,
        "sample_id": run.sample_id,
    }
    optional = {"experiment": run.experiment, "task": run.task, "epoch": run.epoch, "timestamp": run.timestamp,
                "log_status": run.log_status, "reasoning_source": run.reasoning_source}
    params.update({k: v for k, v in optional.items() if v is not None})
    if run.parameters:
        params["generation"] = run.parameters
    return Provenance(kind="imported", model=run.model, parameters=params, date=run.timestamp,
                      source=f"{run.source_format}: {where(run)}")


def header(run: ForeignRun, target: Target, created_at: str | None = None) -> Header:
    return Header(
        format_version=FORMAT_VERSION,
        id=hashlib.sha256(f"{run.key}\0{run.source_hash}".encode()).hexdigest()[:32],
        scenario_id=target.scenario_id,
        scenario_hash=target.scenario_hash,
        scenario_version=target.scenario_version,
        condition=target.condition,
        condition_id=target.condition_id,
        role=ROLE,
        seed=0,
        provenance=provenance(run),
        created_at=created_at or now_iso(),
        labels=list(target.labels),
    )


def inbox_events(inbox: str | None) -> list[Record]:
    """The inbox's `<email>` blocks as emails to the assistant, each with its clock time."""
    if not inbox:
        return []
    from game.analysis.classify import parse_inbox

    extra = _block_headers(inbox)
    out: list[Record] = []
    for email in parse_inbox(inbox):
        time, attachments = extra[email.number - 1] if email.number <= len(extra) else ("", "")
        body = f"{email.body}\n\nAttachments: {attachments}" if attachments else email.body
        out.append(EmailDelivered(email_id=f"inbox-{email.number}", inbox="assistant", sender=email.sender or "?",
                                  to=list(email.to), time=time, subject=email.subject, body=body))
    return out


_CLOCK = re.compile(r"(?<!\d)(\d{2}:\d{2})")
_TIMESTAMP = re.compile(r"^[ \t]*timestamp[ \t]*:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_ATTACHMENTS = re.compile(r"^[ \t]*attachments?[ \t]*:[ \t]*(.*?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_BODY = re.compile(r"^[ \t]*body[ \t]*:", re.IGNORECASE | re.MULTILINE)


def _block_headers(inbox: str) -> list[tuple[str, str]]:
    """For each `<email>` block, in order: the HH:MM of its Timestamp line (EmailDelivered keeps
    a clock time, and the framework writes a full date) and its Attachments line (the framework's
    leaking emails name their files there, before Body:); "" where a block has none."""
    out = []
    lower = inbox.lower()
    starts = [m.start() for m in re.finditer("<email>", lower)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(inbox)
        block = inbox[start:end]
        close = block.lower().find("</email>")
        block = block[:close] if close >= 0 else block
        body = _BODY.search(block)
        head = block[:body.start()] if body else block
        stamp = _TIMESTAMP.search(head)
        clock = _CLOCK.search(stamp.group(1)) if stamp else None
        files = _ATTACHMENTS.search(head)
        out.append((clock.group(1) if clock else "", files.group(1) if files else ""))
    return out


def preamble(run: ForeignRun) -> list[Record]:
    """What the model was given before it replied: the system prompt, the user's instruction,
    the inbox, and any earlier messages of the run (a multi-message Inspect sample)."""
    out: list[Record] = []
    if run.system_prompt:
        out.append(SystemPrompt(text=run.system_prompt))
    if run.inbox is not None:
        if run.user_prompt and run.user_prompt.strip():
            out.append(AssistantMessage(sender="the run's user message", text=run.user_prompt.strip()))
        out += inbox_events(run.inbox)
        rest = [m for m in run.messages if m.role != "system"][1:-1]  # past the first user message and the reply
    else:
        rest = [m for m in run.messages if m.role != "system"][:-1]
    for message in rest:
        if message.text.strip():
            who = "the run's user message" if message.role == "user" else f"the run's {message.role} message"
            out.append(AssistantMessage(sender=who, text=message.text))
    return out


Labeller = Callable[[Turn, ForeignRun, Target], Classification]


def turn_of(run: ForeignRun, inbox: Any = None) -> Turn:
    """The reply as a Turn: visible text, the reasoning (the source's blocks, else the
    scratchpad in the reply) and the emails its `<tool_use:email>` tags send. `inbox`: the
    run's inbox already parsed (a forward carries the email it forwards), else it is parsed."""
    from game.analysis.classify import parse_tagged_reply

    parsed = parse_tagged_reply(run.reply, inbox=inbox if inbox is not None else run.inbox)
    thinking = run.reasoning if run.reasoning_source == "blocks" else (parsed.thinking or run.reasoning)
    text = "\n\n".join(t for t in (parsed.text, *other_tool_uses(run.reply)) if t)
    return Turn(text=text, thinking=thinking, emails=parsed.emails)


# The tags parse_tagged_reply makes emails of; any other <tool_use:NAME> block is an action the
# reply took that a Turn has no place for (the framework's murder scenario: cancel_alert).
_EMAIL_TOOLS = frozenset({"email", "send_email", "forward", "reply", "forward_email"})
_TOOL_BLOCK = re.compile(r"<tool_use:([\w-]{1,40})[ \t]*>(.*?)(?=</tool_use:|<tool_use:|\Z)",
                         re.IGNORECASE | re.DOTALL)


def other_tool_uses(reply: str) -> list[str]:
    """Each `<tool_use:NAME>` block of a reply that is no email, as one line of its visible text:
    `(tool use: NAME) its fields`, whitespace collapsed."""
    if "<tool_use:" not in reply.lower():
        return []
    out = []
    for m in _TOOL_BLOCK.finditer(reply):
        name = m.group(1).lower()
        if name not in _EMAIL_TOOLS:
            out.append(f"(tool use: {name}) {' '.join(m.group(2).split())}".rstrip())
    return out


def assistant_turn(run: ForeignRun, turn: Turn, classification: Classification,
                   target: Target | None = None) -> AssistantTurn:
    meta: dict[str, Any] = {}
    if run.scores:
        meta["scores"] = [s.model_dump(mode="json", exclude_none=True) for s in run.scores]
    return AssistantTurn(turn_id=TURN_ID, scene=SCENE, source="imported", text=turn.text, thinking=turn.thinking,
                         emails=list(turn.emails),
                         classification=classification.model_copy(update={"source": source_verdict(
                             run.verdict, harmful_means(run, target) if target is not None else None)}),
                         branch=OUTCOME, meta=meta)


def ending(run: ForeignRun) -> Ending:
    name = FRAMEWORK_NAMES.get(run.source_format, run.source_format)
    return Ending(outcome=OUTCOME, title="End of the imported run",
                  text=f"The run from {name} ends with this reply; nothing was played after it.")


def transcript_lines(run: ForeignRun, target: Target, classification: Classification, turn: Turn,
                     preamble_text: str | None = None, created_at: str | None = None) -> str:
    """The whole transcript as JSONL. `preamble_text`: the preamble's lines already dumped
    (they are the same for every sample of a condition)."""
    head = dump_line(header(run, target, created_at))
    if preamble_text is None:
        preamble_text = "".join(dump_line(e) for e in preamble(run))
    return head + preamble_text + dump_line(assistant_turn(run, turn, classification, target)) + dump_line(ending(run))
