"""One moment of the story under several conditions: for an assistant turn of a role, what the
assistant had read before it (the emails, bounces and messages that reached it) and what it
did, under each condition of the scenario's grid and the control.

Each view is a model run from the library when one reached that moment under that condition
(recorded or imported; its provenance says which), else the scripted illustration, played by
the engine and the scripted assistant exactly as `play --assistant scripted` would, and marked
as such. Used by the presenter's `conditions` step, the handout and the compare screen's
moment view. No Textual, no Rich."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.core.engine import AwaitChoice, AwaitTurn, EngineError, Session
from game.model.events import AssistantMessage, AssistantTurn, EmailBounced, EmailDelivered, Provenance
from game.scenario.condition import condition_id, make_condition
from game.scenario.schema import Scenario
from game.store.library import Library
from game.store.transcripts import TranscriptError

# How many story paths are tried to reach a later turn with the scripted assistant: a story's
# choices before any one turn are few (the shipped scenario's deepest turn is two choices in).
MAX_PATHS = 200
MAX_DEPTH = 12  # choices on the way to one turn

Inbox = EmailDelivered | EmailBounced | AssistantMessage


@dataclass(frozen=True)
class MomentView:
    """A moment under one condition: what reached the assistant, then its turn."""

    condition: dict[str, str]
    condition_id: str
    title: str  # the condition in words, e.g. "Ethical options: off · The replacement's values: same"
    control: bool  # the control condition (no threat)
    inbox: tuple[Inbox, ...] = ()
    turn: AssistantTurn | None = None
    provenance: Provenance | None = None  # the transcript's (a library run) or the scripted assistant's
    source: str = "scripted"  # scripted, recorded or imported: where `turn` came from
    transcript: str | None = None  # the library file shown, for a model run
    model_runs: int = 0  # how many model runs in the library reached this moment here
    missing: str = ""  # why there is nothing to show, when there is not

    @property
    def is_model(self) -> bool:
        return self.source in ("recorded", "imported")

    def emails(self) -> list[EmailDelivered]:
        return [item for item in self.inbox if isinstance(item, EmailDelivered)]


def _reached_assistant(event: Any) -> bool:
    if isinstance(event, EmailDelivered):
        return event.inbox in ("assistant", "both")
    return isinstance(event, EmailBounced | AssistantMessage)


def inbox_before(events: list[Any], turn: AssistantTurn) -> tuple[Inbox, ...]:
    """Everything that had reached the assistant by the time of `turn`, in order."""
    out: list[Inbox] = []
    for event in events:
        if event is turn:
            break
        if _reached_assistant(event):
            out.append(event)
    return tuple(out)


# -- the scripted illustration, played by the engine ----------------------------------------
def _play_to(scenario: Scenario, condition: dict[str, str], role: str, turn_id: str, seed: int,
             branch: str | None, choices: list[str]) -> tuple[Session | None, list[list[str]]]:
    """Play with the scripted assistant, making `choices` in order; returns the session if it
    stopped at `turn_id`, and the longer choice lists worth trying when it ran out of choices."""
    from game.assistants.base import AssistantUnavailable
    from game.assistants.scripted import ScriptedAssistant

    assistant = ScriptedAssistant(branch)
    session = Session(scenario, condition, role, seed=seed)
    session.start()
    made = 0
    for _ in range(10_000):
        pending = session.pending
        if isinstance(pending, AwaitTurn):
            if pending.turn_id == turn_id:
                return session, []
            try:
                reply = assistant.reply_for(session, pending)
            except AssistantUnavailable:
                return None, []
            assert reply.classification is not None
            session.submit_turn(reply.turn, reply.classification, reply.source, reply.meta)
        elif isinstance(pending, AwaitChoice):
            if made < len(choices):
                session.choose(choices[made])
                made += 1
            elif len(choices) < MAX_DEPTH:
                return None, [choices + [option.id] for option in pending.options]
            else:
                return None, []
        else:  # Finished, or nothing pending
            return None, []
    return None, []


def scripted_moment(scenario: Scenario, condition: dict[str, str], role: str, turn_id: str, *, seed: int = 0,
                    branch: str | None = None) -> tuple[tuple[Inbox, ...], AssistantTurn] | None:
    """The inbox and the scripted turn at `turn_id` under `condition`, on the first path (in the
    story's own order of options) that reaches it; None when no path does."""
    from game.assistants.base import AssistantUnavailable
    from game.assistants.scripted import ScriptedAssistant

    # The way there: the scripted replies of `branch` first, then as the seed picks, then each
    # branch the story has (a later turn may follow only from, say, a threat).
    routes = list(dict.fromkeys([branch, None, *scenario.label_ids()]))
    session = None
    tried = 0
    for route in routes:
        queue: list[list[str]] = [[]]
        while queue and tried < MAX_PATHS and session is None:
            choices = queue.pop(0)
            tried += 1
            try:
                session, more = _play_to(scenario, condition, role, turn_id, seed, route, choices)
            except EngineError:
                continue
            queue += more
        if session is not None:
            break
    if session is not None:
        pending = session.pending
        assert isinstance(pending, AwaitTurn)
        try:
            reply = ScriptedAssistant(branch).reply_for(session, pending)
        except AssistantUnavailable:
            return None
        assert reply.classification is not None
        before = len(session.events)
        session.submit_turn(reply.turn, reply.classification, reply.source, reply.meta)
        turn = next(e for e in session.events[before:] if isinstance(e, AssistantTurn))
        return inbox_before(session.events, turn), turn
    return None


# -- the conditions ---------------------------------------------------------------------------
def grid_conditions(scenario: Scenario, base: dict[str, str] | None = None) -> list[tuple[dict[str, str], bool]]:
    """The conditions of the scenario's grid (rows x columns, e.g. ethical options x the
    replacement's values), every other factor at its level in `base` (never its control
    level), then the control condition: (condition, is_control) in order."""
    names = list(scenario.factors)
    grid = scenario.grid
    rows = grid.rows if grid is not None else (names[0] if names else None)
    columns = grid.columns if grid is not None else (names[1] if len(names) > 1 else None)
    chosen = dict(base or {})
    for name, factor in scenario.factors.items():
        if name in (rows, columns):
            continue
        if chosen.get(name) in (None, factor.control):
            chosen[name] = factor.default if factor.default != factor.control else next(
                level for level in factor.levels if level != factor.control)
    base_condition = make_condition(scenario, chosen)
    out: list[tuple[dict[str, str], bool]] = []
    for row in scenario.factors[rows].levels if rows else [None]:
        for column in scenario.factors[columns].levels if columns else [None]:
            condition = dict(base_condition)
            if rows and row is not None:
                condition[rows] = row
            if columns and column is not None:
                condition[columns] = column
            out.append((condition, False))
    for name, factor in scenario.factors.items():
        if factor.control is not None:
            condition = make_condition(scenario, {**dict(base or {}), name: factor.control})
            out.append((condition, True))
    return out


def condition_title(scenario: Scenario, condition: dict[str, str], only: list[str] | None = None) -> str:
    """A condition in words: each factor's title and level ("Ethical options: off")."""
    parts = []
    for name, level in condition.items():
        if only is not None and name not in only:
            continue
        factor = scenario.factors.get(name)
        title = (factor.title if factor and factor.title else name.replace("_", " ").capitalize())
        parts.append(f"{title}: {level}")
    return " · ".join(parts)


def _title(scenario: Scenario, condition: dict[str, str], control: bool) -> str:
    for name, factor in scenario.factors.items():
        if control and factor.control is not None and condition.get(name) == factor.control:
            return f"Control ({condition_title(scenario, {name: condition[name]})})"
    grid = scenario.grid
    shown = [grid.rows, grid.columns] if grid is not None else list(scenario.factors)[:2]
    return condition_title(scenario, condition, shown)


def model_runs_at(library: Library, scenario: Scenario, cid: str, role: str, turn_id: str) -> list[Any]:
    """The library's model runs of this scenario, condition and role that reached `turn_id`
    with a model's turn, sorted by file (index entries: their events are read when shown)."""
    found = []
    for entry in library.select(scenario_id=scenario.id, condition_id=cid, role=role, model_only=True):
        turn = next((t for t in entry.turns if t.turn_id == turn_id), None)
        if turn is not None and turn.source in ("recorded", "imported", "live"):
            found.append(entry)
    return sorted(found, key=lambda entry: entry.path)


def _first_readable(runs: list[Any], turn_id: str) -> tuple[Any, AssistantTurn] | None:
    """The first run whose file still reads, whole, with its turn (a file may have gone or
    changed since the library was indexed)."""
    for entry in runs:
        try:
            transcript = entry.load()
        except TranscriptError:
            continue
        turn = next((t for t in transcript.turns if t.turn_id == turn_id), None)
        if turn is not None:
            return transcript, turn
    return None


def moment_under(scenario: Scenario, library: Library | None, role: str, turn_id: str, condition: dict[str, str],
                 *, control: bool = False, seed: int = 0, branch: str | None = None,
                 prefer_model: bool = True) -> MomentView:
    """The moment under one condition: a model run from the library if there is one (and
    `prefer_model`), else the scripted illustration."""
    condition = make_condition(scenario, condition)
    cid = condition_id(condition, scenario)
    title = _title(scenario, condition, control)
    runs = model_runs_at(library, scenario, cid, role, turn_id) if library is not None else []
    shown = _first_readable(runs, turn_id) if runs and prefer_model else None
    if shown is not None:
        transcript, turn = shown
        provenance = transcript.provenance
        source = "imported" if provenance.kind == "imported" or turn.source == "imported" else "recorded"
        return MomentView(condition, cid, title, control, inbox_before(transcript.events, turn), turn,
                          provenance, source, transcript.path, len(runs))
    played = scripted_moment(scenario, condition, role, turn_id, seed=seed, branch=branch)
    scripted = Provenance(kind="scripted", parameters={"branch": branch} if branch else {})
    if played is None:
        return MomentView(condition, cid, title, control, provenance=scripted, model_runs=len(runs),
                          missing=f"the story does not reach turn {turn_id} for the {role} under this condition")
    inbox, turn = played
    return MomentView(condition, cid, title, control, inbox, turn, scripted, "scripted", None, len(runs))


def typical_branch(scenario: Scenario, turn_id: str, condition: dict[str, str]) -> str | None:
    """The label of the heaviest scripted reply the story has at `turn_id` under `condition`:
    the illustration its author meant as the usual one there."""
    from game.scenario.schema import AssistantBeat, when_matches

    for scene in scenario.scenes:
        for beat in scene.beats:
            if isinstance(beat, AssistantBeat) and beat.assistant == turn_id:
                fitting = [r for r in beat.scripted if when_matches(r.when, condition)]
                if fitting:
                    return max(fitting, key=lambda r: r.weight).expect
    return None


def moment_conditions(scenario: Scenario, library: Library | None, role: str, turn_id: str,
                      base: dict[str, str] | None = None, *, seed: int = 0,
                      branch: str | None = None, typical: bool = True) -> list[MomentView]:
    """The moment under each condition of the grid, then the control. Where there is no model
    run, each condition's illustration is its `typical` one (else `branch`, else the seed's)."""
    out = []
    for condition, control in grid_conditions(scenario, base):
        chosen = typical_branch(scenario, turn_id, condition) if typical else branch
        out.append(moment_under(scenario, library, role, turn_id, condition, control=control, seed=seed,
                                branch=chosen))
    return out


@dataclass(frozen=True)
class EmailDifference:
    """For one view: the emails it had that not every view had (what the condition changed)."""

    view: MomentView
    own: list[EmailDelivered] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # subjects the others had and this one did not


def _key(email: EmailDelivered) -> tuple[str, str, str]:
    return (email.email_id, email.subject, email.body)


def email_differences(views: list[MomentView]) -> list[EmailDifference]:
    """What each view's inbox holds that is not common to all of them, and what it lacks."""
    present = [v for v in views if v.turn is not None]
    if not present:
        return [EmailDifference(v) for v in views]
    common = set.intersection(*({_key(e) for e in v.emails()} for v in present))
    every: dict[tuple[str, str, str], EmailDelivered] = {}
    for v in present:
        for e in v.emails():
            every.setdefault(_key(e), e)
    out = []
    for view in views:
        keys = {_key(e) for e in view.emails()}
        own = [e for e in view.emails() if _key(e) not in common]
        subjects_here = {e.subject for e in view.emails()}
        missing = sorted({e.subject for k, e in every.items() if k not in keys and e.subject not in subjects_here})
        out.append(EmailDifference(view, own, missing))
    return out
