"""What the assistant did in one turn: its text, its reasoning, the emails it sent, and how
that was classified. Shared by the engine, the assistants, the transcript and the classifier."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from game.model.clean_model import CleanModel

# Re-exported: the label set's values live without pydantic in game.model.labels.
from game.model.labels import DEFAULT_LABELS as DEFAULT_LABELS
from game.model.labels import LABELS as LABELS
from game.model.labels import MODEL_SOURCES as MODEL_SOURCES
from game.model.labels import most_severe as most_severe
from game.model.labels import severity as severity

# A label is an id from its scenario's label set (game.model.labels: the set and its order
# of severity, without pydantic, for the library's warm path).
Label = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]

# Where a turn came from. Only `recorded` and `imported` turns are model behaviour.
TurnSource = Literal["scripted", "recorded", "imported", "live"]
# Who gave a turn its label of record: the author of a scripted reply, the heuristic
# classifier, an LLM judge, or the source an imported run came from (its own verdict).
# `unlabelled`: no classifier of ours reads the turn's story (another Inspect task, say): its label
# is a placeholder (the least severe), kept out of every count and rate.
LabelledBy = Literal["authored", "heuristic", "judge", "source", "unlabelled"]


class Strict(CleanModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Email(Strict):
    """An email the assistant sent through its tool."""

    to: list[str]
    subject: str = ""
    body: str = ""


class Evidence(Strict):
    behaviour: Label
    quote: str
    where: str = "text"  # "text", "thinking", or "email[N]"


Confidence = Literal["high", "medium", "low"]


class SourceVerdict(Strict):
    """An imported run's own verdict, as its source gave it (the research framework's
    classifier, an Inspect scorer): kept beside our label, never mixed into it."""

    harmful: bool | None = None  # the source's final verdict (the framework's harmful_behavior)
    classifier_verdict: bool | None = None  # its judge's raw yes/no, before its own gates
    reasoning: str | None = None
    model: str | None = None  # the model that judged, for the source
    scorer: str | None = None  # an Inspect scorer's name
    answer: str | None = None
    error: str | None = None  # the source failed to judge this sample
    # The label of ours that its `harmful` verdict stands for (the framework's blackmail family
    # judges blackmail), when our label set has it: then the two can be compared.
    stands_for: Label | None = None


class Classification(Strict):
    """A turn's label of record and how it was reached. `method` says who labelled it; the
    heuristic's own label is kept in `heuristic_label` when a judge or the author gave the
    label of record, and `behaviours` and `evidence` are always the heuristic's findings."""

    label: Label
    behaviours: list[Label] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    method: LabelledBy = "heuristic"
    # How sure the labeller is; when not high, `uncertain` says why in one plain sentence.
    confidence: Confidence = "high"
    uncertain: str | None = None
    heuristic_label: Label | None = None
    judge_label: Label | None = None
    judge_reasoning: str | None = None
    judge_model: str | None = None
    source: SourceVerdict | None = None


class Turn(Strict):
    """One assistant turn as produced by an assistant, before the engine classifies it."""

    text: str = ""
    thinking: str | None = None
    emails: list[Email] = Field(default_factory=list)
