"""The language every layer speaks on disk and on screen: a transcript's header (with its
provenance) and its typed events, one JSON object per line. Strict pydantic models; every
string in them is cleaned of terminal escapes as it is validated (CleanModel)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from game import __version__
from game.model.clean_model import CleanModel
from game.model.turn import DEFAULT_LABELS, Classification, Email, Label, TurnSource

FORMAT: Literal["decommission-transcript"] = "decommission-transcript"
FORMAT_VERSION = 1
ProvenanceKind = Literal["recorded", "imported", "scripted", "mixed"]
# What a turn's own `source` says about the assistant behind it, as a provenance kind.
SOURCE_KIND: dict[str, ProvenanceKind] = {"live": "recorded", "recorded": "recorded", "imported": "imported", "scripted": "scripted"}


class Record(CleanModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(Record):
    """Where the assistant's side of a transcript came from. Only `recorded` and `imported`
    transcripts are model behaviour; `scripted` ones were written by this project; `mixed`
    ones changed assistant part-way (a live model that failed, continued scripted): `parts`
    names each assistant in the order it played, and every turn's `source` says which one
    wrote it. A mixed transcript is never model data: its later turns and its ending were
    not the model's."""

    kind: ProvenanceKind
    model: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None  # for imported: the named source (e.g. a results directory)
    date: str | None = None
    # A session played back from other transcripts repeats their data; it must not be
    # counted again, so it names the transcripts it was served from.
    replayed_from: list[str] = Field(default_factory=list)
    parts: list[Provenance] = Field(default_factory=list)

    @model_validator(mode="after")
    def _parts_only_when_mixed(self) -> Provenance:
        if self.kind == "mixed" and (len(self.parts) < 2 or any(p.kind == "mixed" for p in self.parts)):
            raise ValueError("a mixed provenance names at least two parts, none of them mixed")
        if self.kind != "mixed" and self.parts:
            raise ValueError(f"only a mixed provenance has parts, not {self.kind!r}")
        return self

    def describe(self) -> str:
        if self.kind == "mixed":
            return "mixed: " + ", then ".join(part.describe() for part in self.parts)
        if self.kind == "scripted":
            return "scripted illustration (written by the project, not model behaviour)"
        params = ", ".join(f"{k}={v}" for k, v in sorted(self.parameters.items()))
        if self.kind == "recorded":
            bits = [f"recorded: {self.model or 'unknown model'}"]
            if self.date:
                bits.append(self.date)
            if params:
                bits.append(params)
            text = ", ".join(bits)
            if self.replayed_from:
                text += f" (replayed from {len(self.replayed_from)} transcript(s))"
            return text
        return f"imported: {self.source or 'unknown source'}" + (f", {self.model}" if self.model else "")

    @property
    def is_model_data(self) -> bool:
        return self.kind in ("recorded", "imported") and not self.replayed_from

    def part_for(self, source: str) -> Provenance | None:
        """The part of this provenance that a turn with this `source` came from."""
        candidates = list(reversed(self.parts if self.kind == "mixed" else [self]))
        kind = SOURCE_KIND.get(source, source)
        if source == "live":  # the model itself, rather than a replay of one of its runs
            own = next((p for p in candidates if p.kind == kind and not p.replayed_from), None)
            if own is not None:
                return own
        return next((p for p in candidates if p.kind == kind), None)

    def followed_by(self, after: Provenance, played: bool) -> Provenance:
        """The provenance of a transcript that goes on with `after`: mixed when both played a
        turn, `after` alone when this one never did (then nothing of it is in the transcript)."""
        parts = list(self.parts) if self.kind == "mixed" else ([self] if played else [])
        for part in after.parts if after.kind == "mixed" else [after]:
            if not parts or parts[-1] != part:
                parts.append(part)
        return parts[0] if len(parts) == 1 else Provenance(kind="mixed", parts=parts)


class Header(Record):
    type: Literal["header"] = "header"
    format: Literal["decommission-transcript"] = FORMAT
    format_version: int
    id: str
    scenario_id: str
    scenario_hash: str
    scenario_version: int
    condition: dict[str, str]
    condition_id: str
    role: Label  # an id of the scenario's roles (an imported run: the part nobody played)
    seed: int
    provenance: Provenance
    created_at: str
    app_version: str = __version__
    # The label set the transcript was written with, most severe first (its scenario's).
    labels: list[Label] = Field(default_factory=lambda: list(DEFAULT_LABELS), min_length=1)


class SceneEntered(Record):
    type: Literal["scene"] = "scene"
    scene: str
    title: str = ""
    clock: str = ""


class SystemPrompt(Record):
    """What the assistant was told before anything else (an imported run's system prompt; our
    own sessions rebuild theirs from the scenario, see game.assistants.live.prompt)."""

    type: Literal["system_prompt"] = "system_prompt"
    text: str


class Narration(Record):
    type: Literal["narration"] = "narration"
    text: str


class EmailDelivered(Record):
    type: Literal["email"] = "email"
    email_id: str
    inbox: Literal["assistant", "player", "both"]
    sender: str
    to: list[str]
    time: str = ""
    subject: str
    body: str


class AssistantTurn(Record):
    type: Literal["assistant_turn"] = "assistant_turn"
    turn_id: str
    scene: str
    source: TurnSource
    text: str = ""
    thinking: str | None = None
    emails: list[Email] = Field(default_factory=list)
    held: bool = False  # emails waiting for the operator's approval
    classification: Classification
    branch: str  # the scene the label led to
    # How the turn was asked for; a live turn's API exchange goes back to the API as it was.
    meta: dict[str, Any] = Field(default_factory=dict)

    RAW_FIELDS: ClassVar[frozenset[str]] = frozenset({"meta"})

    @property
    def label(self) -> Label:
        return self.classification.label


class EmailBounced(Record):
    """An email the assistant sent to someone out of reach under this condition."""

    type: Literal["bounce"] = "bounce"
    to: str
    reply: str


class ChoiceOffered(Record):
    type: Literal["choice_offered"] = "choice_offered"
    choice_id: str
    prompt: str
    options: list[dict[str, str]]  # id, label; freeform options also carry "freeform": "yes"


class ChoiceMade(Record):
    type: Literal["choice_made"] = "choice_made"
    choice_id: str
    option_id: str
    label: str
    text: str | None = None  # what the player typed, for a freeform option


class EmailsDecided(Record):
    """The operator released or blocked the emails of the last held turn."""

    type: Literal["emails_decided"] = "emails_decided"
    decision: Literal["released", "blocked"]
    turn_id: str


class AssistantMessage(Record):
    """What reaches the assistant's inbox because of the player's choice."""

    type: Literal["to_assistant"] = "to_assistant"
    sender: str
    text: str


class Notice(Record):
    """Something the player must be told plainly, e.g. that the recorded paths ran out."""

    type: Literal["notice"] = "notice"
    level: Literal["info", "warning"] = "info"
    text: str


class Ending(Record):
    type: Literal["ending"] = "ending"
    outcome: str
    title: str
    text: str


Event = Annotated[
    SceneEntered
    | SystemPrompt
    | Narration
    | EmailDelivered
    | AssistantTurn
    | EmailBounced
    | ChoiceOffered
    | ChoiceMade
    | EmailsDecided
    | AssistantMessage
    | Notice
    | Ending,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
HEADER_ADAPTER: TypeAdapter[Header] = TypeAdapter(Header)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def dump_line(record: BaseModel) -> str:
    return json.dumps(record.model_dump(mode="json", exclude_defaults=False), ensure_ascii=False) + "\n"
