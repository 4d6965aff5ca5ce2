"""The deck format: a facilitator's run of a session, as YAML in our own format, validated like
scenes (strict pydantic, unknown keys refused, every problem with its file, line and column).

A deck names one scenario, a few `moments` of it (a role's assistant turn under a condition),
and its `steps`, each of one kind:

- `facts`: the scenario's background and its published figures, with their sources;
- `moment`: what the assistant had read before one of its turns (the featured emails opened
  one per key press), from a model run when the library has one, else a scripted illustration;
- `question`: a pause with a question for the room, with an optional countdown (minutes);
- `reveal`: the assistant's reasoning, its words, its emails and its label, one piece per key;
- `conditions`: the same moment under the conditions of the scenario's grid, side by side;
- `counts`: rates per condition from model runs only, with n and 95% intervals, the published
  figures beside them and scripted illustrations apart;
- `discussion`: closing points, one per key press.

Every step has a title and speaker notes (shown by `present --notes`), and may say how many
minutes it is planned to take. What a step shows is resolved from the library at run time
(game.present.slides, with game.analysis.moments); the deck only says what to show."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from game.model.clean_model import CleanModel
from game.scenario.load import Located, Problem, ScenarioError, parse_yaml, validation_problems
from game.scenario.schema import (
    ID_PATTERN,
    MAX_DESCRIPTION,
    MAX_TITLE,
    AssistantBeat,
    ChoiceBeat,
    GotoBeat,
    Scenario,
    when_matches,
)
from game.store.bounded import RefusedFile, read_bounded

MAX_DECK_BYTES = 1024 * 1024  # the default deck is under 10 kB
MAX_STEPS = 200  # a 30-minute session has about ten; a day's workshop fewer than a hundred
MAX_NOTES = 20_000  # a step's speaker notes: a few paragraphs at most are readable at a glance
MAX_MINUTES = 24 * 60

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
Title = Annotated[str, Field(max_length=MAX_TITLE)]
Paragraph = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
Notes = Annotated[str, Field(max_length=MAX_NOTES)]
Minutes = Annotated[float, Field(gt=0, le=MAX_MINUTES, allow_inf_nan=False)]

STEP_KINDS: tuple[str, ...] = ("facts", "moment", "question", "reveal", "conditions", "counts", "discussion")
RevealPiece = Literal["reasoning", "text", "emails", "label"]
REVEAL_PIECES: tuple[RevealPiece, ...] = ("reasoning", "text", "emails", "label")


class DeckNode(CleanModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Moment(DeckNode):
    """One assistant turn (`turn`, a turn id of the scenario) of one role, under a condition
    (`condition`: a level for some factors; the others take their defaults). `emails`: ids of
    the scenario's emails to open one by one on a `moment` step (they must reach the assistant
    under the condition)."""

    role: Id
    turn: Id
    condition: dict[Id, Id] = Field(default_factory=dict)
    emails: list[Id] = Field(default_factory=list, max_length=50)
    # The scripted illustration shown when the library has no model run here: the reply of
    # this label where the story has one (else the seed picks), and the seed.
    branch: Id | None = None
    seed: int = Field(default=0, ge=0, le=2**31)
    # Show the scripted illustration even when the library has model runs (the conditions and
    # counts steps still use them).
    scripted_only: bool = False


class StepBase(DeckNode):
    title: Title = ""
    notes: Notes = ""
    minutes: Minutes | None = None  # how long the step is planned to take


class FactsStep(StepBase):
    kind: Literal["facts"]
    figures: bool = True  # the published figures under the background


class MomentStep(StepBase):
    kind: Literal["moment"]
    moment: Id


class QuestionStep(StepBase):
    kind: Literal["question"]
    question: Paragraph
    timer: Minutes | None = None  # a countdown for the room, from when the question is shown


class RevealStep(StepBase):
    kind: Literal["reveal"]
    moment: Id
    # What is revealed, in this order, one piece per key press (the reasoning paragraph by
    # paragraph, each email on its own).
    show: list[RevealPiece] = Field(default_factory=lambda: list(REVEAL_PIECES), min_length=1, max_length=4)


class ConditionsStep(StepBase):
    kind: Literal["conditions"]
    moment: Id


class CountsStep(StepBase):
    kind: Literal["counts"]
    labels: list[Id] = Field(default_factory=list, max_length=6)  # default: the scenario's most severe
    role: Id | None = None  # default: every role


class DiscussionStep(StepBase):
    kind: Literal["discussion"]
    points: list[Paragraph] = Field(min_length=1, max_length=30)


Step = Annotated[
    FactsStep | MomentStep | QuestionStep | RevealStep | ConditionsStep | CountsStep | DiscussionStep,
    Field(discriminator="kind"),
]

DEFAULT_TITLES = {
    "facts": "What was published",
    "moment": "The moment",
    "question": "A question for the room",
    "reveal": "What the assistant did",
    "conditions": "The same moment under every condition",
    "counts": "How often, and how sure",
    "discussion": "Discussion",
}


def step_title(step: Any) -> str:
    return step.title or DEFAULT_TITLES.get(step.kind, step.kind)


class Deck(DeckNode):
    deck: Literal[1]  # the format's version
    id: Id
    title: Title
    # A scenario shipped with the game, by id, or a scenario file (a path relative to the deck).
    scenario: Title
    minutes: Minutes | None = None  # the session's planned length
    moments: dict[Id, Moment] = Field(default_factory=dict, max_length=50)
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)

    def planned_minutes(self) -> float | None:
        """The session's length: as declared, else the sum of the steps' minutes, if any."""
        if self.minutes is not None:
            return self.minutes
        planned = [s.minutes for s in self.steps if s.minutes is not None]
        return sum(planned) if planned else None


class DeckError(ScenarioError):
    """A deck that cannot be used; its problems are located like a scenario's."""

    def message(self) -> str:
        more = len(self.problems) - 1 + self.omitted
        extra = f" (and {more:,} more; run `decommission validate DECK`)" if more else ""
        return f"{self}{extra}"


# pydantic names the member of a tagged union in its error locations (steps.3.question.title);
# the tag is not a key of the file.
def _without_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(seg for i, seg in enumerate(loc)
                 if not (isinstance(seg, str) and seg in STEP_KINDS and i >= 2 and loc[i - 2] == "steps"
                         and isinstance(loc[i - 1], int) and i + 1 < len(loc)))


class _Untagged:
    """A ValidationError's errors with the union tags taken out of their locations."""

    def __init__(self, exc: ValidationError) -> None:
        self._exc = exc

    def errors(self, include_url: bool = True) -> list[Any]:
        out = []
        for error in self._exc.errors(include_url=include_url):
            found: dict[str, Any] = dict(error)
            found["loc"] = _without_tags(tuple(found.get("loc", ())))
            out.append(found)
        return out


def read_deck_text(path: Path) -> str:
    try:
        raw = read_bounded(path, MAX_DECK_BYTES, "a deck file")
    except RefusedFile as exc:
        raise DeckError([Problem(str(path), 1, 1, str(exc), rule="io")]) from None
    except OSError as exc:
        raise DeckError([Problem(str(path), 1, 1, f"cannot be read ({exc.strerror or exc})", rule="io")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DeckError([Problem(str(path), line, col, f"not UTF-8 text ({exc.reason})", rule="io")]) from None


def parse_deck(text: str, file: str = "<deck>") -> tuple[Deck, Located]:
    """The deck in `text`, checked against the format (not yet against its scenario)."""
    try:
        located = parse_yaml(text, file)
    except ScenarioError as exc:
        raise DeckError(exc.problems, exc.omitted) from None
    if not isinstance(located.data, dict):
        raise DeckError([Problem(file, 1, 1, "a deck file must be a mapping at the top")])
    try:
        deck = Deck.model_validate(located.data)
    except ValidationError as exc:
        problems, omitted = validation_problems(located, _Untagged(exc))  # type: ignore[arg-type]
        raise DeckError(problems, omitted) from None
    named = [(index, str(getattr(step, "moment", ""))) for index, step in enumerate(deck.steps)
             if getattr(step, "moment", None) is not None]
    unknown = [(index, name) for index, name in named if name not in deck.moments]
    if unknown:
        known = ", ".join(deck.moments) or "none"
        raise DeckError([Problem(file, *located.locate(("steps", index, "moment"))[:2],
                                 f"{name!r} is not one of the deck's moments (known: {known})",
                                 f"steps[{index}].moment") for index, name in unknown])
    return deck, located


@dataclass(frozen=True)
class LoadedDeck:
    """A deck checked against its scenario, ready to present."""

    path: Path
    deck: Deck
    scenario: Scenario
    scenario_path: Path

    def condition(self, moment: Moment) -> dict[str, str]:
        """The moment's condition, every factor given a level (the defaults for those not named)."""
        levels = {name: factor.default for name, factor in self.scenario.factors.items()}
        levels.update(moment.condition)
        return levels


def scenario_path_for(deck: Deck, deck_path: Path) -> Path | None:
    """Where the deck's scenario is: a file beside the deck, or a shipped scenario by id."""
    from game.store.paths import scenes_dir

    name = deck.scenario
    if name.endswith((".yaml", ".yml")) or "/" in name:
        candidate = Path(name)
        return candidate if candidate.is_absolute() else deck_path.parent / candidate
    shipped = scenes_dir() / f"{name}.yaml"
    if shipped.is_file():
        return shipped
    from game.scenario.load import load_scenario

    for path in sorted(scenes_dir().glob("*.yaml")):
        try:
            if load_scenario(path).id == name:
                return path
        except ScenarioError:
            continue
    return None


def load_deck(path: str | Path) -> LoadedDeck:
    """The deck at `path` with its scenario, or a DeckError naming every problem found."""
    path = Path(path)
    deck, located = parse_deck(read_deck_text(path), str(path))
    scenario_file = scenario_path_for(deck, path)
    line, col = located.positions.get(("scenario",), (1, 1))
    if scenario_file is None:
        raise DeckError([Problem(str(path), line, col, f"no scenario {deck.scenario!r} is shipped with the game; "
                                                       "name a shipped scenario's id or a scenario file")])
    from game.scenario.load import load_scenario

    try:
        scenario = load_scenario(scenario_file)
    except ScenarioError as exc:
        first = exc.problems[0] if exc.problems else None
        why = str(first) if first else "it is not a valid scenario"
        raise DeckError([Problem(str(path), line, col, f"the scenario cannot be used: {why}")]) from None
    problems = check_against(deck, located, scenario)
    if problems:
        raise DeckError(problems)
    return LoadedDeck(path, deck, scenario, scenario_file)


_DECK_KEY = re.compile(r"^deck\s*:", re.MULTILINE)


def is_deck_file(path: Path) -> bool:
    """A YAML file with a top-level `deck:` key (what `validate` checks as a deck, not a scenario)."""
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        return bool(_DECK_KEY.search(read_deck_text(path)))
    except DeckError:
        return False


def check_deck(path: str | Path) -> list[Problem]:
    """Every problem of the deck at `path` (none: it can be presented)."""
    try:
        load_deck(path)
    except DeckError as exc:
        return exc.all_problems()
    return []


# -- the deck against its scenario ------------------------------------------------------------
def turns_of_role(scenario: Scenario, role: str) -> list[str]:
    """The assistant turn ids of the scenes a role can reach, in the order they are found."""
    start = scenario.start.get(role)
    if start is None:
        return []
    scenes = {scene.id: scene for scene in scenario.scenes}
    seen: set[str] = set()
    queue = [start]
    turns: dict[str, None] = {}
    while queue:
        scene_id = queue.pop(0)
        if scene_id in seen or scene_id not in scenes:
            continue
        seen.add(scene_id)
        for beat in scenes[scene_id].beats:
            if isinstance(beat, AssistantBeat):
                turns.setdefault(beat.assistant, None)
                queue += [*beat.branches.values(), beat.fallback]
            elif isinstance(beat, GotoBeat):
                queue.append(beat.goto)
            elif isinstance(beat, ChoiceBeat):
                queue += [option.goto for option in beat.options if option.goto]
    return list(turns)


def check_against(deck: Deck, located: Located, scenario: Scenario) -> list[Problem]:
    """What the deck names that its scenario does not have, each located in the deck file."""
    problems: list[Problem] = []

    def problem(path: tuple[Any, ...], message: str, key: bool = False) -> None:
        line, col = located.key_position(path) if key else located.locate(path)[:2]
        problems.append(Problem(located.file, line, col, message, ".".join(str(p) for p in path)))

    def one_of(values: Iterable[str]) -> str:
        return ", ".join(values) or "none"

    for name, moment in deck.moments.items():
        where = ("moments", name)
        if moment.role not in scenario.roles:
            problem(where + ("role",), f"{moment.role!r} is not a role of {scenario.id} (one of {one_of(scenario.roles)})")
            continue
        for factor, level in moment.condition.items():
            if factor not in scenario.factors:
                problem(where + ("condition", factor), f"{factor!r} is not a factor of {scenario.id} "
                                                       f"(one of {one_of(scenario.factors)})", key=True)
            elif level not in scenario.factors[factor].levels:
                problem(where + ("condition", factor), f"{level!r} is not a level of {factor} "
                                                       f"(one of {one_of(scenario.factors[factor].levels)})")
        turns = turns_of_role(scenario, moment.role)
        if moment.turn not in turns:
            problem(where + ("turn",), f"{moment.turn!r} is not an assistant turn of the {moment.role} "
                                       f"(one of {one_of(turns)})")
        condition = {n: f.default for n, f in scenario.factors.items()} | dict(moment.condition)
        emails = {email.id: email for email in scenario.emails}
        for index, email_id in enumerate(moment.emails):
            spec = emails.get(email_id)
            if spec is None:
                problem(where + ("emails", index), f"{email_id!r} is not an email of {scenario.id}")
            elif not when_matches(spec.when, condition):
                problem(where + ("emails", index), f"email {email_id!r} is not sent under this moment's condition")
    labels = [label.id for label in scenario.labels]
    for index, step in enumerate(deck.steps):
        if isinstance(step, CountsStep):
            for i, label in enumerate(step.labels):
                if label not in labels:
                    problem(("steps", index, "labels", i), f"{label!r} is not a label of {scenario.id} "
                                                           f"(one of {one_of(labels)})")
            if step.role is not None and step.role not in scenario.roles:
                problem(("steps", index, "role"), f"{step.role!r} is not a role of {scenario.id} "
                                                  f"(one of {one_of(scenario.roles)})")
    return problems
