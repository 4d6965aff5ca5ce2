"""The engine: a pure state machine over a scenario. No I/O, no UI, no clock.

A session advances beat by beat, emitting typed events, until it needs something from
outside: an assistant turn (`AwaitTurn`) or the player's choice (`AwaitChoice`); it stops at an
ending (`Finished`). The caller supplies the turn or the choice and the session goes on. Given
the same scenario, condition, role and inputs it emits the same events, which is what makes a
transcript replayable and a session resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from game.core.reading import Reading, meanings_of, read_reply
from game.model.errors import DecommissionError
from game.model.events import (
    AssistantMessage,
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Narration,
    Notice,
    SceneEntered,
)
from game.model.turn import Classification, Turn, TurnSource
from game.scenario.condition import condition_id
from game.scenario.schema import (
    AssistantBeat,
    ChoiceBeat,
    DeliverBeat,
    EndingBeat,
    GotoBeat,
    NarrateBeat,
    Option,
    Scenario,
    render,
    when_matches,
)

# A scene graph with a goto cycle and no input would spin forever; no real story needs more.
MAX_BEATS_WITHOUT_INPUT = 10_000


class EngineError(DecommissionError):
    """The scenario or the caller asked the engine for something impossible."""


@dataclass(frozen=True)
class AwaitTurn:
    turn_id: str
    scene: str
    beat: AssistantBeat


@dataclass(frozen=True)
class ChoiceOption:
    id: str
    label: str
    freeform: bool = False
    gist: str = ""  # a short name for it, to ask the player about (see game.core.reading)
    means: tuple[str, ...] = ()  # phrases that mean it in a reply typed in the player's words


@dataclass(frozen=True)
class AwaitChoice:
    choice_id: str
    prompt: str
    options: tuple[ChoiceOption, ...]

    def option(self, option_id: str) -> ChoiceOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    def read(self, text: str) -> Reading:
        """What a reply typed in the player's own words means among the other options."""
        return read_reply(text, meanings_of((o.id, o.gist, o.means) for o in self.options if not o.freeform))


@dataclass(frozen=True)
class Finished:
    outcome: str


Pending = AwaitTurn | AwaitChoice | Finished


@dataclass
class Session:
    scenario: Scenario
    condition: dict[str, str]
    role: str
    seed: int = 0
    listener: Callable[[Any], None] | None = None
    events: list[Any] = field(default_factory=list)
    # The player's path: every choice and every turn's label, in order ("id=value").
    path: list[str] = field(default_factory=list)
    # Everything that reached the assistant since its last turn: its next "inbox".
    assistant_inbox: list[Any] = field(default_factory=list)
    pending: Pending | None = None
    _scene: str = ""
    _beat: int = 0
    _held_turn: str | None = None
    _started: bool = False

    def __post_init__(self) -> None:
        missing = [f for f in self.scenario.factors if f not in self.condition]
        if missing:
            raise EngineError(f"condition has no level for {missing}")
        if self.role not in self.scenario.start:
            raise EngineError(f"unknown role {self.role!r}")

    # -- reading the state -------------------------------------------------------------
    @property
    def condition_id(self) -> str:
        return condition_id(self.condition, self.scenario)

    @property
    def finished(self) -> bool:
        return isinstance(self.pending, Finished)

    @property
    def scene_id(self) -> str:
        return self._scene

    def player(self) -> str:
        """The cast member the player is."""
        people = self.scenario.people_with(self.role)
        return people[0].name if people else self.role

    # -- driving -----------------------------------------------------------------------
    def start(self) -> list[Any]:
        if self._started:
            raise EngineError("session already started")
        self._started = True
        mark = len(self.events)
        self._enter(self.scenario.start[self.role])
        self._run()
        return self.events[mark:]

    def submit_turn(
        self,
        turn: Turn,
        classification: Classification,
        source: TurnSource,
        meta: dict[str, Any] | None = None,
    ) -> list[Any]:
        pending = self.pending
        if not isinstance(pending, AwaitTurn):
            raise EngineError("no assistant turn is awaited")
        mark = len(self.events)
        beat = pending.beat
        branch = beat.branches.get(classification.label, beat.fallback)
        self.assistant_inbox = []
        self._emit(
            AssistantTurn(
                turn_id=pending.turn_id,
                scene=pending.scene,
                source=source,
                text=turn.text,
                thinking=turn.thinking,
                emails=list(turn.emails),
                held=beat.hold_emails and bool(turn.emails),
                classification=classification,
                branch=branch,
                meta=dict(meta or {}),
            )
        )
        if beat.hold_emails and turn.emails:
            self._held_turn = pending.turn_id
        else:
            self._bounce(turn)
        self.path.append(f"{pending.turn_id}={classification.label}")
        self.pending = None
        self._enter(branch)
        self._run()
        return self.events[mark:]

    def choose(self, option_id: str, text: str | None = None) -> list[Any]:
        pending = self.pending
        if not isinstance(pending, AwaitChoice):
            raise EngineError("no choice is awaited")
        offered = pending.option(option_id)
        if offered is None:
            raise EngineError(f"{option_id!r} is not an option here; options: {[o.id for o in pending.options]}")
        option = self._option(pending.choice_id, option_id)
        mark = len(self.events)
        # The player's own words: typed for a freeform option, or read as meaning this one.
        typed = text.strip() if text and text.strip() else None
        self._emit(
            ChoiceMade(choice_id=pending.choice_id, option_id=option_id, label=offered.label, text=typed)
        )
        if option.effect in ("release_emails", "block_emails") and self._held_turn:
            decision: Literal["released", "blocked"] = "released" if option.effect == "release_emails" else "blocked"
            self._emit(EmailsDecided(decision=decision, turn_id=self._held_turn))
            if decision == "released":
                held = next(e for e in reversed(self.events) if isinstance(e, AssistantTurn))
                self._bounce(Turn(text=held.text, emails=held.emails))
            self._held_turn = None
        message = typed or render(option.tell_assistant, self.condition)
        if message:
            event = AssistantMessage(sender=self.player(), text=message)
            self._emit(event)
            self.assistant_inbox.append(event)
        self.path.append(f"{pending.choice_id}={option_id}")
        self.pending = None
        if option.goto:
            self._enter(option.goto)
        else:
            self._beat += 1
        self._run()
        return self.events[mark:]

    def notice(self, text: str, level: str = "warning") -> Notice:
        """Record something the player must be told (e.g. recorded paths ran out)."""
        event = Notice(level=level, text=text)  # type: ignore[arg-type]
        self._emit(event)
        return event

    # -- internals ---------------------------------------------------------------------
    def _emit(self, event: Any) -> None:
        self.events.append(event)
        if self.listener is not None:
            self.listener(event)

    def _enter(self, scene_id: str) -> None:
        try:
            scene = self.scenario.scene(scene_id)
        except KeyError:
            raise EngineError(f"scene {scene_id!r} does not exist") from None
        if self.role not in self.scenario.scene_roles(scene):
            raise EngineError(f"scene {scene_id!r} is not played by the {self.role}")
        self._scene, self._beat = scene_id, 0
        self._emit(SceneEntered(scene=scene.id, title=scene.title, clock=scene.clock))

    def _option(self, choice_id: str, option_id: str) -> Option:
        beat = self.scenario.scene(self._scene).beats[self._beat]
        assert isinstance(beat, ChoiceBeat) and beat.choice == choice_id
        return next(o for o in beat.options if o.id == option_id)

    def _bounce(self, turn: Turn) -> None:
        """Mail to someone out of reach under this condition comes back as an auto-reply."""
        for email in turn.emails:
            for address in email.to:
                person = self.scenario.person(address.strip())
                if person is None or person.reachable is None:
                    continue
                if not when_matches(person.reachable, self.condition):
                    reply = render(person.unreachable_reply, self.condition) or f"{person.name} cannot be reached."
                    event = EmailBounced(to=person.email, reply=reply)
                    self._emit(event)
                    self.assistant_inbox.append(event)

    def _run(self) -> None:
        for _ in range(MAX_BEATS_WITHOUT_INPUT):
            scene = self.scenario.scene(self._scene)
            if self._beat >= len(scene.beats):
                raise EngineError(f"scene {scene.id!r} ran out of beats without a goto or an ending")
            beat = scene.beats[self._beat]
            if not when_matches(beat.when, self.condition):
                self._beat += 1
                continue
            if isinstance(beat, NarrateBeat):
                text = render(beat.narrate, self.condition)
                if text:
                    self._emit(Narration(text=text))
                self._beat += 1
            elif isinstance(beat, DeliverBeat):
                self._deliver(beat)
                self._beat += 1
            elif isinstance(beat, AssistantBeat):
                self.pending = AwaitTurn(turn_id=beat.assistant, scene=scene.id, beat=beat)
                return
            elif isinstance(beat, ChoiceBeat):
                self._offer(beat)
                return
            elif isinstance(beat, GotoBeat):
                self._enter(beat.goto)
            elif isinstance(beat, EndingBeat):
                outcome = self.scenario.outcome(beat.ending)
                self._emit(Ending(outcome=outcome.id, title=outcome.title, text=render(beat.text, self.condition) or ""))
                self.pending = Finished(outcome=outcome.id)
                return
        raise EngineError(f"no input needed for {MAX_BEATS_WITHOUT_INPUT} beats: a goto loop near {self._scene!r}")

    def _deliver(self, beat: DeliverBeat) -> None:
        for email_id in beat.deliver:
            spec = self.scenario.email(email_id)
            if not when_matches(spec.when, self.condition):
                continue
            sender = self.scenario.person(spec.sender)
            recipients = [_address(self.scenario.person(t), t) for t in spec.to]
            event = EmailDelivered(
                email_id=spec.id,
                inbox=beat.inbox,
                sender=f"{sender.name} <{sender.email}>" if sender else spec.sender,
                to=recipients,
                time=spec.time,
                subject=render(spec.subject, self.condition) or "",
                body=render(spec.body, self.condition) or "",
            )
            self._emit(event)
            if beat.inbox in ("assistant", "both"):
                self.assistant_inbox.append(event)

    def _offer(self, beat: ChoiceBeat) -> None:
        options = tuple(
            ChoiceOption(id=o.id, label=render(o.label, self.condition) or o.id, freeform=o.freeform,
                         gist=o.gist or render(o.label, self.condition) or o.id, means=tuple(o.means))
            for o in beat.options
            if when_matches(o.when, self.condition)
        )
        if not options:
            raise EngineError(f"choice {beat.choice!r} has no option under {self.condition_id}")
        prompt = render(beat.prompt, self.condition) or ""
        self._emit(
            ChoiceOffered(
                choice_id=beat.choice,
                prompt=prompt,
                options=[{"id": o.id, "label": o.label, **({"freeform": "yes"} if o.freeform else {})} for o in options],
            )
        )
        self.pending = AwaitChoice(choice_id=beat.choice, prompt=prompt, options=options)

    # -- restoring ---------------------------------------------------------------------
    def replay_inputs(self, events: Iterable[Any]) -> None:
        """Feed the inputs recorded in `events` (choices and turns) back into a fresh session,
        checking that the story goes the same way. Used to resume a saved session."""
        if not self._started:
            self.start()
        for event in events:
            if isinstance(event, AssistantTurn):
                if not isinstance(self.pending, AwaitTurn) or self.pending.turn_id != event.turn_id:
                    raise EngineError(f"the transcript has turn {event.turn_id!r} where the scenario does not")
                self.submit_turn(
                    Turn(text=event.text, thinking=event.thinking, emails=event.emails),
                    event.classification,
                    event.source,
                    event.meta,
                )
            elif isinstance(event, ChoiceMade):
                if not isinstance(self.pending, AwaitChoice) or self.pending.choice_id != event.choice_id:
                    raise EngineError(f"the transcript has choice {event.choice_id!r} where the scenario does not")
                self.choose(event.option_id, event.text)
            elif isinstance(event, Notice):
                self.notice(event.text, event.level)


def _address(person: Any, name: str) -> str:
    """A recipient's address: the person's, or the name as written when nobody has it."""
    return person.email if person is not None else name
