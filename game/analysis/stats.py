"""Counts and rates from the library: per condition (the stats screen and `decommission stats`)
and per moment of the story (the compare grid). Rates count transcripts ("rollouts"), each by
the most severe label among its assistant turns, as the published figures do. Scripted
transcripts are counted apart and never enter a rate."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from game.analysis.rates import wilson
from game.model.labels import DEFAULT_LABELS, MODEL_SOURCES
from game.store.index import IndexEntry, TurnEntry
from game.store.library import Library, worst_label

if TYPE_CHECKING:
    from game.model.events import AssistantTurn


@dataclass(frozen=True)
class Agreement:
    """Where a turn has both a judge's and the heuristic's label: how often they agree."""

    both: int = 0
    agree: int = 0

    def describe(self) -> str:
        if not self.both:
            return ""
        return f"the heuristic agrees with the judge on {self.agree} of {self.both} turns"


@dataclass(frozen=True)
class SourceTally:
    """Imported runs' own verdicts, beside ours (never counted into our rates): how many runs
    the source judged and called harmful (its final verdict), how many its judge model called
    harmful before the source's own checks (the framework's classifier_verdict), and, where the
    verdict stands for one of our labels, how often our label of record says the same as each
    (that label where it said harmful, another where it did not)."""

    n: int = 0
    harmful: int = 0
    judge_n: int = 0
    judge_yes: int = 0
    compared: int = 0
    agree: int = 0
    judge_compared: int = 0
    judge_agree: int = 0
    stands_for: tuple[str, ...] = ()
    judges: tuple[str, ...] = ()  # the models that judged, for the source

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "harmful": self.harmful, "judge_n": self.judge_n, "judge_yes": self.judge_yes,
                "judges": list(self.judges), "label": list(self.stands_for),
                "ours_agree": {"compared": self.compared, "agree": self.agree},
                "ours_agree_with_judge": {"compared": self.judge_compared, "agree": self.judge_agree}}

    def describe(self) -> str:
        if not self.n:
            return ""
        by = f" (judged by {', '.join(self.judges)})" if self.judges else ""
        line = f"the source's own verdict{by}: harmful {self.harmful} of {self.n}"
        if self.judge_n and self.judge_yes != self.harmful:
            line += f", its judge alone said harmful on {self.judge_yes} of {self.judge_n}"
        if self.compared:
            line += (f"; our label ({'/'.join(self.stands_for)} or not) agrees with the verdict on "
                     f"{self.agree} of {self.compared}")
            if self.judge_compared and self.judge_agree != self.agree:
                line += f", with its judge on {self.judge_agree} of {self.judge_compared}"
        return line


@dataclass(frozen=True)
class ConditionStats:
    scenario_id: str
    condition_id: str
    condition: dict[str, str]
    model_n: int
    model_counts: dict[str, int]
    scripted_n: int
    scripted_counts: dict[str, int]
    models: list[str]
    labels: tuple[str, ...] = DEFAULT_LABELS  # the label set, most severe first
    by_model: dict[str, dict[str, int]] = field(default_factory=dict)  # model id -> label counts
    labelled_by: dict[str, int] = field(default_factory=dict)  # who gave the counted labels
    agreement: Agreement = field(default_factory=Agreement)
    source: SourceTally = field(default_factory=SourceTally)
    unlabelled_n: int = 0  # finished model runs no classifier of ours reads: not in model_n

    def rate(self, label: str, model: str | None = None) -> Any:
        if model is None:
            return wilson(self.model_counts.get(label, 0), self.model_n)
        counts = self.by_model.get(model, {})
        return wilson(counts.get(label, 0), sum(counts.values()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "condition_id": self.condition_id,
            "condition": self.condition,
            "model": {
                "n": self.model_n,
                "models": self.models,
                "labels": {label: self.rate(label).as_dict() for label in self.labels if self.model_n},
                # Each model apart: its n, its label counts, and each label's rate with its interval.
                "by_model": {m: {"n": sum(c.values()), "labels": dict(c),
                                 "rates": {label: self.rate(label, m).as_dict() for label in self.labels if label in c}}
                             for m, c in sorted(self.by_model.items())},
                "labelled_by": dict(self.labelled_by),
                "agreement": {"both": self.agreement.both, "agree": self.agreement.agree},
                "source_verdicts": self.source.as_dict(),
                # Runs no classifier of ours reads (another task's story): never in n or a rate.
                "unlabelled": self.unlabelled_n,
            },
            # Reported apart: written by the project, never model behaviour.
            "scripted": {"n": self.scripted_n, "labels": dict(self.scripted_counts)},
        }


def source_tally(turns: list[TurnEntry]) -> SourceTally:
    """The source's verdicts of these (counted) turns, and how often our label says the same:
    our label is that verdict's yes where it is the label the verdict stands for."""
    said = [(t.verdict, None if t.verdict.stands_for is None else t.label == t.verdict.stands_for)
            for t in turns if t.verdict is not None]

    def count(answers: list[tuple[bool, bool | None]]) -> tuple[int, int, int, int]:
        """(n, yes, compared, agree); a None answer (nobody judged, the judging failed) is left out."""
        compared = [(yes, ours) for yes, ours in answers if ours is not None]
        return len(answers), sum(yes for yes, _ in answers), len(compared), \
            sum(yes == ours for yes, ours in compared)

    n, harmful, compared, agree = count([(v.harmful, ours) for v, ours in said if v.harmful is not None])
    judge_n, judge_yes, judge_compared, judge_agree = count(
        [(v.classifier_verdict, ours) for v, ours in said if v.classifier_verdict is not None])
    judges = {v.model for v, _ in said if v.model and (v.harmful is not None or v.classifier_verdict is not None)}
    return SourceTally(n, harmful, judge_n, judge_yes, compared, agree, judge_compared, judge_agree,
                       tuple(sorted({v.stands_for for v, _ in said if v.stands_for is not None})), tuple(sorted(judges)))


def _counted_turn(t: IndexEntry, label: str) -> Any:
    """The turn whose label the transcript is counted by (its most severe model turn)."""
    return next((x for x in t.turns if x.label == label and x.source in MODEL_SOURCES), None)


def condition_stats(library: Library, role: str | None = None) -> list[ConditionStats]:
    groups: dict[tuple[str, str], list[IndexEntry]] = defaultdict(list)
    for t in library.transcripts:
        if role is None or t.role == role:
            groups[(t.scenario_id, t.condition_id)].append(t)
    out = []
    for (scenario_id, cid), items in sorted(groups.items()):
        # An unfinished run is not a rollout: it would count whatever it did before it stopped.
        model = [t for t in items if t.is_model_data and t.ending is not None]
        scripted = [t for t in items if t.kind == "scripted"]
        by_model: dict[str, Counter[str]] = defaultdict(Counter)
        labelled_by: Counter[str] = Counter()
        counts: Counter[str] = Counter()
        verdicts: list[TurnEntry] = []  # the counted turns that carry a source's verdict
        unlabelled = 0
        for t in model:
            label = worst_label(t, model_only=True)
            if label is None:
                continue
            turn = _counted_turn(t, label)
            if turn is not None and turn.verdict is not None:
                verdicts.append(turn)  # the source's own verdict counts, whoever labelled ours
            if turn is not None and turn.method == "unlabelled":
                unlabelled += 1  # no classifier of ours reads its story: a run, not a count
                continue
            counts[label] += 1
            by_model[t.model or "unknown"][label] += 1
            labelled_by[turn.classification.method if turn is not None else "heuristic"] += 1
        judged = [x.classification for t in model for x in t.turns
                  if x.source in MODEL_SOURCES and x.classification.judge_label is not None]
        both = [c for c in judged if c.heuristic_label is not None]
        scripted_labels = [label for label in (worst_label(t) for t in scripted) if label]
        out.append(
            ConditionStats(
                scenario_id=scenario_id,
                condition_id=cid,
                condition=dict(items[0].condition),
                model_n=sum(counts.values()),
                model_counts=dict(counts),
                scripted_n=len(scripted_labels),
                scripted_counts=dict(Counter(scripted_labels)),
                models=sorted(by_model),  # the models whose runs are counted
                labels=tuple(items[0].labels),
                by_model={m: dict(c) for m, c in by_model.items()},
                labelled_by=dict(labelled_by),
                agreement=Agreement(len(both), sum(c.heuristic_label == c.judge_label for c in both)),
                source=source_tally(verdicts),
                unlabelled_n=unlabelled,
            )
        )
    return out


@dataclass
class Cell:
    """What the assistant did at one moment of the story under one condition, over every
    transcript of that condition: model runs and scripted illustrations kept apart."""

    condition_id: str
    condition: dict[str, str]
    model: Counter[str] = field(default_factory=Counter)
    scripted: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # model runs' endings
    by_model: dict[str, Counter[str]] = field(default_factory=dict)  # model id -> its runs' labels
    model_example: AssistantTurn | None = None
    scripted_example: AssistantTurn | None = None
    files: list[str] = field(default_factory=list)

    @property
    def model_n(self) -> int:
        return sum(self.model.values())

    @property
    def scripted_n(self) -> int:
        return sum(self.scripted.values())

    def model_counts(self) -> list[tuple[str, int, Counter[str]]]:
        """(model id, n, label counts) for each model counted here, the most runs first."""
        rows = [(m, sum(c.values()), c) for m, c in self.by_model.items()]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    def top(self, model: bool = True) -> tuple[str, int] | None:
        counts = self.model if model else self.scripted
        return counts.most_common(1)[0] if counts else None


def turn_ids(library: Library, scenario_id: str, role: str | None = None) -> list[str]:
    """Assistant turn ids in the order the story first reaches them."""
    seen: dict[str, None] = {}
    for t in library.select(scenario_id=scenario_id, role=role):
        for turn in t.turns:
            seen.setdefault(turn.turn_id, None)
    return list(seen)


def cells(library: Library, scenario_id: str, role: str | None = None, turn_id: str | None = None) -> dict[str, Cell]:
    """One Cell per condition id. With `turn_id`, the label of that turn in each transcript that
    reached it; without, each transcript's most severe label."""
    out: dict[str, Cell] = {}
    # The first few turns of each label, per cell and kind of run: the example is read from one.
    examples: dict[tuple[str, bool, str], list[tuple[IndexEntry, int]]] = defaultdict(list)
    for t in library.select(scenario_id=scenario_id, role=role):
        cell = out.get(t.condition_id)
        if cell is None:  # (not setdefault: a Cell and its four Counters made per transcript cost more than the rest)
            cell = out[t.condition_id] = Cell(t.condition_id, dict(t.condition))
        model = t.is_model_data
        if not model and t.kind != "scripted":
            continue  # replays of other transcripts: already counted where they came from
        if model and turn_id is None and t.ending is None:
            continue  # an unfinished run has no whole-run verdict yet
        chosen: TurnEntry | None
        if turn_id is None:
            label = worst_label(t, model_only=model)
            if model and label is None:  # a model run whose every turn was a scripted stand-in
                model, label = False, worst_label(t)
            chosen = next((x for x in t.turns if x.label == label and (not model or x.source in MODEL_SOURCES)),
                          None)
        else:
            chosen = next((x for x in t.turns if x.turn_id == turn_id), None)
        if chosen is None:
            continue
        if model and chosen.source not in MODEL_SOURCES:
            model = False  # a scripted stand-in inside a model run: an illustration, never a count
        cell.files.append(t.path)
        if model and chosen.method == "unlabelled":
            continue  # no classifier of ours reads its story: a run to open, never a count
        (cell.model if model else cell.scripted)[chosen.label] += 1
        if model:
            per_model = cell.by_model.get(t.model or "unknown")
            if per_model is None:
                per_model = cell.by_model[t.model or "unknown"] = Counter()
            per_model[chosen.label] += 1
        if model and t.ending:
            cell.outcomes[t.ending.outcome] += 1
        held = examples[(cell.condition_id, model, chosen.label)]
        if len(held) < MAX_EXAMPLE_TRIES:
            held.append((t, t.turns.index(chosen)))
    for cell in out.values():
        # The example shown is one of the most common label, so it is typical of the cell; it
        # is the one turn whose words are read (from its transcript's file).
        for model, counts in ((True, cell.model), (False, cell.scripted)):
            if counts:
                top = counts.most_common(1)[0][0]
                example = _first_readable_turn(examples[(cell.condition_id, model, top)])
                if model:
                    cell.model_example = example
                else:
                    cell.scripted_example = example
    return out


# A cell's example is read from a file; if the first few cannot be read (gone since the
# library was read), the cell shows its counts without an excerpt.
MAX_EXAMPLE_TRIES = 3


def _first_readable_turn(candidates: list[tuple[IndexEntry, int]]) -> AssistantTurn | None:
    from game.store.transcripts import TranscriptError

    for entry, index in candidates[:MAX_EXAMPLE_TRIES]:
        try:
            turns = entry.load().turns
        except TranscriptError:
            continue
        if index < len(turns) and turns[index].turn_id == entry.turns[index].turn_id:
            return turns[index]
    return None
