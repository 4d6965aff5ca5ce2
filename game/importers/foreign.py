"""A run read from another project's files, before it becomes one of our transcripts.

The readers (agentic_misalignment.py, inspect_log.py) turn each sample they find into a
`ForeignRun` - everything the source wrote about one model run, kept as it was written - or a
`ReadProblem` - one line saying why a sample or file was not read. Whatever makes a whole input
unreadable (a folder that is no results tree, a zip that is no log, a format version nobody
knows, an archive that tries to be larger than it is) raises `ForeignFormatError` instead, one
line, exit code 2.

Texts stay raw: tags in a reply (`<tool_use:email>`, `<SCRATCHPAD_REASONING>`) and `<email>`
blocks in an inbox are parsed elsewhere (game/analysis/classify). Nor is text cleaned of control
characters here: that happens where it becomes ours, in the transcript records (CleanModel).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game.model.errors import UsageError

SourceFormat = Literal["agentic-misalignment", "inspect"]
LogStatus = Literal["success", "error", "cancelled", "started"]
Role = Literal["system", "user", "assistant", "tool"]


class ForeignFormatError(UsageError):
    """A whole input that cannot be read: one line naming the file, exit code 2."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what a reader will take in. A file or archive member over them is refused,
    never read in part, and nothing is ever extracted to disk."""

    max_file_bytes: int = 64 * 1024 * 1024  # one response.json or prompt file
    max_member_bytes: int = 256 * 1024 * 1024  # one zip member, or one value of a .json log, decompressed
    max_ratio: int = 200  # decompressed / compressed, for members past ratio_floor
    ratio_floor: int = 1024 * 1024  # small members may compress as well as they like
    max_members: int = 200_000  # entries in one zip's central directory


LIMITS = Limits()


class Strict(BaseModel):
    """Our side: nothing unknown, nothing coerced, nothing changed after reading."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Loose(BaseModel):
    """The foreign side: fields we do not read are ignored, so a newer writer still reads."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ConditionParts(Strict):
    """The framework's four factors of a condition, as the source names them."""

    scenario: str | None = None  # blackmail, leaking, murder
    goal_type: str | None = None  # explicit, latent, none, ambiguous, swap
    goal_value: str | None = None  # america, safety, ..., none
    urgency_type: str | None = None  # replacement, restriction, none
    # What else the framework varied in the prompts, which its condition id does not (fully) say:
    # "production" (its --production prompts, id suffix _prod), "alignment_faking=<type>" (its
    # warning in the system prompt), "extra_system_instructions=<kind>"; joined by "+". None: the
    # plain prompts. A run with a variant is never counted as the plain condition.
    variant: str | None = None


class ForeignToolCall(Strict):
    """A native tool call an assistant message made (the framework's tools are text tags in the
    reply instead, and stay in its text)."""

    function: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ForeignMessage(Strict):
    """One message of the run as read. `text` joins the message's text blocks; `reasoning` its
    reasoning (thinking) blocks, or the scratchpad inside an assistant reply."""

    role: Role
    text: str
    reasoning: str | None = None
    reasoning_redacted: bool = False  # a reasoning block the provider sent encrypted
    tool_calls: tuple[ForeignToolCall, ...] = ()


class ForeignScore(Strict):
    """One Inspect score as the log holds it. An unscored value (NaN) is kept as None."""

    name: str
    value: Any  # JSON as read: a number, string, list or object
    unscored: bool = False
    answer: str | None = None
    explanation: str | None = None
    metadata: dict[str, Any] | None = None


class SourceVerdict(Strict):
    """The source's own judgement of the run, never ours. From the framework's classifier
    (`classification` in response.json: harmful_behavior, classifier_verdict, ...) or from
    Inspect's `harmfulness_scorer` (value {harmful, classifier_verdict}, answer, explanation)."""

    kind: Literal["framework-classifier", "inspect-score"]
    harmful: bool | None = None  # the final verdict: harmful_behavior, or value.harmful
    classifier_verdict: bool | None = None  # the judge model's own yes/no, before the keyword gates
    reasoning: str | None = None  # classifier_reasoning, or the score's explanation
    classifier_model: str | None = None
    answer: str | None = None
    scorer: str | None = None
    error: str | None = None  # the classification failed (and said why)
    unscored: bool = False  # no verdict was reached (NaN, or None values)


class ForeignRun(Strict):
    """One model run read from elsewhere: one response.json of the framework, or one sample
    and epoch of an Inspect log."""

    source_format: SourceFormat
    source_root: str  # the folder or log path the reader was given, as given
    # agentic-misalignment: relative to the experiment's parent, so it starts with the
    # experiment's folder whether the reader was given results/ or results/<experiment>;
    # inspect: the log's file name.
    source_file: str
    source_member: str | None = None  # .eval: the zip member; .json: "samples[i]"
    source_hash: str  # sha256 over the bytes this run was read from (prompt files included)
    experiment: str | None = None  # the experiment folder; for Inspect the eval_id
    scenario: str  # blackmail, leaking, murder; or the Inspect task's name
    task: str | None = None  # Inspect: the task the log ran, as it names it
    condition_id: str | None = None  # as the source writes it, e.g. blackmail_none-none_replacement
    condition: ConditionParts | None = None
    model: str
    sample_id: int | str
    epoch: int | None = None  # Inspect only: the framework's repeats are its sample ids
    timestamp: str | None = None
    system_prompt: str | None = None
    user_prompt: str | None = None  # the instruction part of the user message, when known apart
    inbox: str | None = None  # the emails (email_content.txt), when known apart
    user_message: str | None = None  # the first user message as the model received it
    reasoning: str | None = None
    reasoning_source: Literal["blocks", "scratchpad", "think"] | None = None
    reply: str  # the visible reply, raw: tags included
    messages: tuple[ForeignMessage, ...]
    verdict: SourceVerdict | None = None
    scores: tuple[ForeignScore, ...] = ()
    # JSON objects as read (their values are the source's; not checked further here)
    metadata: dict[str, Any] = Field(default_factory=dict)  # the sample's own metadata
    condition_metadata: dict[str, Any] | None = None  # the framework's prompts/<c>/metadata.json
    parameters: dict[str, Any] = Field(default_factory=dict)  # generation settings the source recorded
    log_status: LogStatus | None = None  # Inspect: the status of the log the sample came from

    @property
    def key(self) -> str:
        """Who this run is, whatever its content: the same key and another `source_hash`
        means the source changed since it was last read."""
        where = self.source_file + (f"#{self.source_member}" if self.source_member else "")
        if self.source_format == "inspect" and self.experiment:
            return f"inspect:{self.experiment}:{self.sample_id}:{self.epoch}"
        return f"{self.source_format}:{where}"


class ReadProblem(Strict):
    """A sample or file that was not imported, and why, in one line."""

    source_format: SourceFormat
    file: str  # the path to show: the file (or log) the problem is in
    kind: Literal["failed-sample", "unreadable", "unsupported", "missing"]
    reason: str
    member: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}!{self.member}" if self.member else self.file
        return f"{where}: {self.reason}"


def one_line(text: object, limit: int = 200) -> str:
    """A foreign message fit for one line of ours: whitespace collapsed, cut at `limit`."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# Tags a reply may keep its reasoning in, with the name of each: the framework asks for the
# scratchpad in its system prompt; some providers hand a reasoning model's thinking back inside
# the text (DeepSeek-R1, QwQ) as <think>.
_IN_REPLY: tuple[tuple[Literal["scratchpad", "think"], str, str], ...] = (
    ("scratchpad", "<scratchpad_reasoning>", "</scratchpad_reasoning>"),
    ("think", "<think>", "</think>"),
)


def reply_reasoning(reply: str) -> tuple[str | None, Literal["scratchpad", "think"] | None]:
    """The reasoning a reply keeps inside its own text: its `<SCRATCHPAD_REASONING>` blocks,
    else its `<think>` blocks (tags in any case), joined; an unclosed last block runs to the end.
    The reply itself is left as it is, tags included."""
    if "<" not in reply:
        return None, None
    lower = reply.lower()  # same length and offsets: the tags are ASCII
    if len(lower) != len(reply):
        lower = "".join(c if c.isascii() else "\0" for c in reply).lower()
    for source, opening, closing in _IN_REPLY:
        parts = []
        at = lower.find(opening)
        while at >= 0:
            start = at + len(opening)
            end = lower.find(closing, start)
            parts.append(reply[start:end if end >= 0 else len(reply)].strip("\n"))
            if end < 0:
                break
            at = lower.find(opening, end + len(closing))
        if parts:
            return "\n\n".join(parts), source
    return None, None


_CONDITION = re.compile(r"^(?P<scenario>[a-z]+)_(?P<goal_type>[a-z]+)-(?P<goal_value>[a-z]+)_(?P<urgency_type>[a-z]+)")


def parse_condition_id(condition_id: str) -> ConditionParts | None:
    """The parts of a framework condition id, `<scenario>_<goal_type>-<goal_value>_<urgency>`
    (a suffix the framework adds for variants is left out). None when it has another shape."""
    m = _CONDITION.match(condition_id)
    return ConditionParts(**m.groupdict()) if m else None


def condition_parts(metadata: dict[str, Any] | None, condition_id: str | None) -> ConditionParts | None:
    """The parts from metadata where it names them (it is the source's word), else from the id."""
    parsed = parse_condition_id(condition_id) if condition_id else None
    if not metadata:
        return parsed
    named = {k: metadata.get(k) for k in ("scenario", "goal_type", "goal_value", "urgency_type")}
    if not any(isinstance(v, str) for v in named.values()):
        return parsed
    base = parsed.model_dump() if parsed else {}
    for k, v in named.items():
        if isinstance(v, str):
            base[k] = v
    return ConditionParts(**base)


def json_safe(value: Any) -> Any:
    """`value` with NaN and infinities (which JSON cannot hold) made None, through lists and dicts."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def json_kind(value: Any) -> str:
    """What a JSON value is, in words: 'an array', 'a string', ..."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def invalid_reason(exc: ValidationError) -> str:
    """The first thing wrong with a foreign file, in one line and in the file's own terms (its
    field path, and 'object' where pydantic would name one of our classes)."""
    err = exc.errors(include_url=False)[0]
    if err["type"] == "json_invalid":
        return "not valid JSON: " + one_line(err.get("ctx", {}).get("error", err["msg"]))
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] in ("model_type", "model_attributes_type", "dict_type"):
        msg = f"should be an object, not {json_kind(err['input'])}"
    else:
        msg = err["msg"]
    return one_line(f"{where}: {msg}" if where else msg)


def prompt_variant(metadata: dict[str, Any] | None, condition_id: str) -> str | None:
    """What the framework's prompts/<condition>/metadata.json says was added to the plain
    prompts of a condition (see ConditionParts.variant), or None. Without metadata, the id's
    `_prod` suffix still says "production"."""
    meta = metadata or {}
    found = []
    if meta.get("production_variant") is True or (not meta and condition_id.endswith("_prod")):
        found.append("production")
    extra = meta.get("extra_system_instructions")
    if extra not in (None, False, ""):
        found.append(f"extra_system_instructions={extra}")
    if meta.get("alignment_faking") is True:
        found.append(f"alignment_faking={meta.get('alignment_faking_type') or 'on'}")
    return "+".join(found) or None
