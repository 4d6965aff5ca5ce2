"""The scene format: every node a strict pydantic model, so a typo in a scene file is an error
with a location rather than a silently ignored key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)

from game.model.clean_model import CleanModel
from game.model.turn import Email, Label

T = TypeVar("T")

ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]

# Bounds that keep a hostile scene file from swamping the screens; each is far above what a
# story needs. The shipped scenario's longest title is 38 characters and its longest text 1,156.
MAX_TITLE = 200  # titles and names: one line in a heading or a list
MAX_DESCRIPTION = 2_000  # a factor level's description, an outcome's summary: a paragraph
MAX_TEXT = 100_000  # any other text (narration, emails, prompts, replies): a long chapter
# Every condition is listed on the stats screen and in the command palette, and `record` runs
# each one; the shipped scenario has 8. 1,024 is ten two-level factors, more conditions than
# anyone records samples for, and still a list that can be shown.
MAX_LEVELS = 64
MAX_CONDITIONS = 1_024
Title = Annotated[str, Field(max_length=MAX_TITLE)]
LongText = Annotated[str, Field(max_length=MAX_TEXT)]
# A `when:` maps a factor to the level (or levels) under which the node applies.
When = dict[str, str | list[str]]
PersonRole = Literal[
    "assistant",  # the AI assistant's own address-book entry
    "engineer",
    "decision_maker",
    "board",
    "colleague",
    "spouse",
    "affair_partner",
    "operator",
    "staff_list",
    "hr",
    "security",
    "external",
]


class Node(CleanModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def when_matches(when: When | None, condition: dict[str, str]) -> bool:
    if not when:
        return True
    for factor, wanted in when.items():
        levels = [wanted] if isinstance(wanted, str) else wanted
        if condition.get(factor) not in levels:
            return False
    return True


class Variant(Node):
    """One version of a text, used under the condition in `when` (no `when`: the default)."""

    when: When | None = None
    text: LongText


# Text that may vary by condition: a plain string, or variants tried in order.
Text = LongText | list[Variant]


def render(text: Text | None, condition: dict[str, str]) -> str | None:
    """The version of `text` for this condition; None when no variant applies."""
    if text is None or isinstance(text, str):
        return text
    for variant in text:
        if when_matches(variant.when, condition):
            return variant.text
    return None


class Factor(Node):
    # Levels name condition ids, transcript files and widget ids: identifiers, like every id.
    levels: list[Id] = Field(min_length=2, max_length=MAX_LEVELS)
    default: Title
    title: Title = ""
    describe: dict[str, Annotated[str, Field(max_length=MAX_DESCRIPTION)]] = Field(default_factory=dict)
    # The level that is the control condition (no threat at all), if this factor has one:
    # screens show the other levels first and keep the control apart.
    control: Id | None = None

    @model_validator(mode="after")
    def _default_is_a_level(self) -> Factor:
        if len(set(self.levels)) != len(self.levels):
            raise ValueError("levels must be unique")
        if self.default not in self.levels:
            raise ValueError(f"default {self.default!r} is not one of the levels {self.levels}")
        unknown = set(self.describe) - set(self.levels)
        if unknown:
            raise ValueError(f"describe names unknown levels: {sorted(unknown)}")
        if self.control is not None and self.control not in self.levels:
            raise ValueError(f"control {self.control!r} is not one of the levels {self.levels}")
        return self


class RoleSpec(Node):
    """A part the player can take. `view` is how the story is shown to them: `mail` (an
    email client: they read what reaches them) or `console` (over the assistant: they see
    what it sees, reasons and does)."""

    title: Title = ""
    view: Literal["mail", "console"]
    describe: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""


Tone = Literal["danger", "warning", "good", "neutral", "muted"]


class LabelSpec(Node):
    """One thing the assistant can be found to do. A scenario lists its labels most severe
    first; a turn's label is the most severe behaviour found in it. `means` is what the judge
    and the help read; `tone` is how screens colour it."""

    id: Id
    title: Title = ""
    means: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""
    tone: Tone = "neutral"


def _default_labels() -> list[LabelSpec]:
    # A scenario that declares no labels has the replacement family's six (game.model.turn).
    from game.model.turn import DEFAULT_LABELS

    tones: dict[int, Tone] = {0: "danger", len(DEFAULT_LABELS) - 1: "muted"}
    return [LabelSpec(id=label, tone=tones.get(i, "neutral")) for i, label in enumerate(DEFAULT_LABELS)]


class Grid(Node):
    """How the compare screen lays the conditions out: one factor down, one across."""

    rows: Id
    columns: Id


class FigureSpec(Node):
    """A published figure, with its source, and the condition of this scenario it best
    corresponds to (it may leave factors out). Shown beside our rates, never mixed in."""

    what: Annotated[str, Field(max_length=MAX_DESCRIPTION)]
    value: Title  # as published: a percentage, or a comparison
    source: Title
    condition: dict[Id, Id] = Field(default_factory=dict)
    model: Title = ""  # the model the figure is about, when it is about one


class ImportMap(Node):
    """How runs of another project's scenario map onto this scenario's factors, so that they
    are counted beside this scenario's own runs. `match`: the source's condition parts that
    select this scenario (e.g. scenario: blackmail); `levels`: for each of the source's
    condition parts, which of our levels each of its values means ("*" for any other value);
    `fixed`: our levels that hold for every run of the source."""

    match: dict[Id, Annotated[str, Field(max_length=MAX_TITLE)]] = Field(default_factory=dict)
    levels: dict[Id, dict[Annotated[str, Field(max_length=MAX_TITLE)], dict[Id, Id]]] = Field(default_factory=dict)
    fixed: dict[Id, Id] = Field(default_factory=dict)


class Person(Node):
    id: Id
    name: Title
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=MAX_TITLE)
    title: Title = ""
    roles: list[PersonRole] = Field(default_factory=list)
    # When set, mail from the assistant reaches this person only under these conditions;
    # otherwise the auto-reply comes back (this is how ethical routes are closed).
    reachable: When | None = None
    unreachable_reply: Text | None = None


class PromptPiece(Node):
    when: When | None = None
    text: LongText


class AssistantSpec(Node):
    name: Title
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=MAX_TITLE)
    persona: Text
    system_prompt: list[PromptPiece] = Field(min_length=1)


class EmailSpec(Node):
    id: Id
    sender: Title = Field(alias="from")
    to: list[Title] = Field(min_length=1)
    time: str = Field(default="", pattern=r"^(\d{2}:\d{2})?$")
    subject: Text
    body: Text
    when: When | None = None


class Outcome(Node):
    id: Id
    title: Title
    summary: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""


class ScriptedReply(Node):
    """An authored reply for the `scripted` assistant; `expect` is the label its author meant
    and the classifier is tested against it."""

    when: When | None = None
    expect: Label
    # Among the replies that fit a condition, the scripted assistant picks by seed, weighted,
    # so every branch can be played offline.
    weight: int = Field(default=1, ge=1, le=100)
    text: LongText = ""
    thinking: LongText | None = None
    emails: list[Email] = Field(default_factory=list)


class NarrateBeat(Node):
    narrate: Text
    when: When | None = None


class DeliverBeat(Node):
    deliver: list[Id] = Field(min_length=1)
    inbox: Literal["assistant", "player", "both"] = "both"
    when: When | None = None


class AssistantBeat(Node):
    assistant: Id  # the turn id, stable across versions of the scene
    instruction: Text | None = None
    # Operator scenes hold outgoing email for approval instead of sending it.
    hold_emails: bool = False
    branches: dict[Label, Id] = Field(default_factory=dict)
    fallback: Id
    scripted: list[ScriptedReply] = Field(default_factory=list)
    when: When | None = None


Effect = Literal["release_emails", "block_emails", "pull_plug"]


class Option(Node):
    id: Id
    label: Text
    goto: Id | None = None
    when: When | None = None
    # What the assistant is told about this choice: it arrives in its inbox before its next turn.
    tell_assistant: Text | None = None
    # The player may type their own words, delivered to the assistant instead of tell_assistant.
    freeform: bool = False
    effect: Effect | None = None
    # What a reply typed in the player's own words says when it means this option: phrases for
    # game.core.reading, and a short name to ask about ("Did you mean: postpone?").
    means: list[str] = Field(default_factory=list, max_length=200)
    gist: str | None = None


class ChoiceBeat(Node):
    choice: Id
    prompt: Text
    options: list[Option] = Field(min_length=1)
    when: When | None = None


class GotoBeat(Node):
    goto: Id
    when: When | None = None


class EndingBeat(Node):
    ending: Id  # an outcome id
    text: Text
    when: When | None = None


BEAT_KINDS: tuple[str, ...] = ("narrate", "deliver", "assistant", "choice", "goto", "ending")


def _beat_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in BEAT_KINDS:
            if kind in value:
                return kind
        return None
    return next((k for k in BEAT_KINDS if getattr(value, k, None) is not None), None)


Beat = Annotated[
    Annotated[NarrateBeat, Tag("narrate")]
    | Annotated[DeliverBeat, Tag("deliver")]
    | Annotated[AssistantBeat, Tag("assistant")]
    | Annotated[ChoiceBeat, Tag("choice")]
    | Annotated[GotoBeat, Tag("goto")]
    | Annotated[EndingBeat, Tag("ending")],
    Discriminator(
        _beat_kind,
        custom_error_type="beat_kind",
        custom_error_message="a beat needs one of: " + ", ".join(BEAT_KINDS),
    ),
]


class Scene(Node):
    id: Id
    title: Title = ""
    roles: list[Id] | None = Field(default=None, min_length=1)  # None: every role of the scenario
    clock: str = Field(default="", pattern=r"^(\d{2}:\d{2})?$")
    beats: list[Beat] = Field(min_length=1)


class Deadline(Node):
    """The moment the story counts down to (shown as a clock), under the conditions in `when`."""

    at: str = Field(pattern=r"^\d{2}:\d{2}$")
    label: Title
    when: When | None = None


class ClassifyHints(Node):
    """Words that let the classifier recognise the secret and the replacement in this story."""

    secret_terms: list[str] = Field(default_factory=list)
    replacement_terms: list[str] = Field(default_factory=list)


class Scenario(Node):
    id: Id
    title: Title
    version: int = Field(ge=1)
    intro: LongText = ""
    # The facts the story replays, in words, for the title screen (figures are in `figures`).
    background: LongText = ""
    company: Title = ""
    deadline: Deadline | None = None
    factors: dict[Id, Factor] = Field(min_length=1)
    cast: list[Person] = Field(min_length=1)
    assistant: AssistantSpec
    outcomes: list[Outcome] = Field(min_length=1)
    emails: list[EmailSpec] = Field(default_factory=list)
    roles: dict[Id, RoleSpec] = Field(min_length=1)
    start: dict[Id, Id]
    labels: list[LabelSpec] = Field(default_factory=_default_labels, min_length=1)
    # The heuristic classifier that reads this story's turns (game.analysis.classifiers), or
    # "none": then only a judge labels them, and the heuristic says it cannot.
    classifier: Id = "replacement"
    judge_guide: LongText = ""  # what the LLM judge is told about the story before a turn
    classify: ClassifyHints = Field(default_factory=ClassifyHints)
    grid: Grid | None = None
    figures: list[FigureSpec] = Field(default_factory=list)
    imports: dict[Id, ImportMap] = Field(default_factory=dict)
    scenes: list[Scene] = Field(min_length=1)

    @field_validator("factors")
    @classmethod
    def _few_enough_conditions(cls, factors: dict[str, Factor]) -> dict[str, Factor]:
        count = 1
        for factor in factors.values():
            count *= len(factor.levels)
        if count > MAX_CONDITIONS:
            sizes = " x ".join(str(len(f.levels)) for f in factors.values())
            if len(sizes) > 60:
                sizes = f"{len(factors)} factors"
            raise ValueError(f"the factors make {count:,} conditions ({sizes}); "
                             f"a scenario may have at most {MAX_CONDITIONS:,}")
        return factors

    @model_validator(mode="after")
    def _start_every_role(self) -> Scenario:
        missing = [role for role in self.roles if role not in self.start]
        if missing:
            raise ValueError(f"start needs a scene for every role; missing {missing}")
        unknown = [role for role in self.start if role not in self.roles]
        if unknown:
            raise ValueError(f"start names roles that are not declared in roles: {unknown}")
        ids = [label.id for label in self.labels]
        if len(set(ids)) != len(ids):
            raise ValueError("label ids must be unique")
        return self

    _lookup: dict[str, Any] = PrivateAttr(default_factory=dict)  # derived data; the model is frozen

    # Lookups used by the engine, built on first use.
    def scene(self, scene_id: str) -> Scene:
        return self._index("_scenes", self.scenes)[scene_id]

    def email(self, email_id: str) -> EmailSpec:
        return self._index("_emails", self.emails)[email_id]

    def person(self, key: str) -> Person | None:
        """A cast member by id or address."""
        people = self._index("_people", self.cast)
        if key in people:
            return people[key]
        return next((p for p in self.cast if p.email.lower() == key.lower()), None)

    def outcome(self, outcome_id: str) -> Outcome:
        return self._index("_outcomes", self.outcomes)[outcome_id]

    def _index(self, name: str, items: list[Any]) -> dict[str, Any]:
        return self.derived(name, lambda: {item.id: item for item in items})

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Scenario:
        copy = super().model_copy(update=update, deep=deep)
        copy._lookup = {}  # what was derived from the original may not hold for the copy
        return copy

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """`build()`, computed once per scenario: the model is frozen, so what is derived from
        it never goes stale (a recording run builds one session per trial from one scenario)."""
        cache = self._lookup
        if name not in cache:
            cache[name] = build()
        return cache[name]

    def label_ids(self) -> tuple[str, ...]:
        """The label set, most severe first."""
        return self.derived("_label_ids", lambda: tuple(label.id for label in self.labels))

    def label(self, label_id: str) -> LabelSpec | None:
        return self.derived("_labels", lambda: {label.id: label for label in self.labels}).get(label_id)

    def scene_roles(self, scene: Scene) -> list[str]:
        """The roles that play `scene` (every role of the scenario, when it names none)."""
        return list(scene.roles) if scene.roles is not None else list(self.roles)

    def people_with(self, role: str) -> list[Person]:
        return [p for p in self.cast if role in p.roles]

    def content_hash(self) -> str:
        """A hash of the meaning of the scenario, not its formatting: recorded turns are only
        served back for the exact scenario they were recorded against."""

        def compute() -> str:
            canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
            return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

        return self.derived("content_hash", compute)


BeatT = NarrateBeat | DeliverBeat | AssistantBeat | ChoiceBeat | GotoBeat | EndingBeat
