"""The linter: what the schema cannot see. Unknown targets, duplicate ids, scenes unreachable
under every condition, loose ends, undeclared or unused factors, missing fallbacks, assistant
turns with no scripted reply, choices left with no option, scenes from which no ending can
be reached (a loop that can only go round), and a story clock that goes backwards.

Reachability is a search over scenes that carries sets of conditions, never a list of them: a
scenario with 30 factors has a billion conditions, but its `when`s test only a few of them."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from game.scenario.condition import condition_id
from game.scenario.load import Located, Problem, format_path
from game.scenario.schema import (
    AssistantBeat,
    ChoiceBeat,
    DeliverBeat,
    EndingBeat,
    GotoBeat,
    NarrateBeat,
    Scenario,
    Variant,
    When,
)

Path_ = tuple[str | int, ...]

# -- sets of conditions ---------------------------------------------------------------------------
# A box is every combination of some levels of each factor; a set of conditions is a list of
# disjoint boxes. What a `when` allows is a box, so following a `when` splits a box into at
# most one piece per factor it tests. Levels that no `when` tells apart are one class, and a
# box holds, for each factor, a bitmask of its classes: a factor with 1,000 levels tested for
# one of them has two classes.
Box = tuple[int, ...]


def _meet(a: Box, b: Box) -> Box | None:
    both = tuple(x & y for x, y in zip(a, b, strict=True))
    return None if 0 in both else both


def _minus(a: Box, b: Box) -> list[Box]:
    """`a` without `b`, as disjoint boxes."""
    if _meet(a, b) is None:
        return [a]
    pieces: list[Box] = []
    rest = list(a)
    for i, allowed in enumerate(b):
        outside = rest[i] & ~allowed
        if outside:
            pieces.append((*rest[:i], outside, *rest[i + 1:]))
            rest[i] &= allowed
    return pieces


@dataclass
class Conditions:
    """A set of conditions, as disjoint boxes."""

    boxes: list[Box] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.boxes)

    def meet(self, box: Box | None) -> Conditions:
        if box is None:
            return Conditions()
        return Conditions([m for a in self.boxes if (m := _meet(a, box)) is not None])

    def meet_all(self, other: Conditions) -> Conditions:
        return Conditions([m for a in self.boxes for b in other.boxes if (m := _meet(a, b)) is not None])

    def minus_box(self, box: Box | None) -> Conditions:
        if box is None:
            return self
        return Conditions([piece for a in self.boxes for piece in _minus(a, box)])

    def minus(self, other: Conditions) -> Conditions:
        boxes = self.boxes
        for b in other.boxes:
            boxes = [piece for a in boxes for piece in _minus(a, b)]
        return Conditions(boxes)

    def union(self, other: Conditions) -> Conditions:
        return Conditions(self.boxes + other.minus(self).boxes)

    def contains(self, point: tuple[int, ...]) -> bool:
        return any(all(mask >> c & 1 for mask, c in zip(box, point, strict=True)) for box in self.boxes)


class _Space:
    """The factors of a scenario, with their levels grouped into classes that no `when` of
    the story's flow tells apart."""

    def __init__(self, scenario: Scenario, whens: Iterable[When]):
        self.scenario = scenario
        self.names = list(scenario.factors)
        self.index = {name: i for i, name in enumerate(self.names)}
        tests: dict[str, list[set[str]]] = defaultdict(list)
        for when in whens:
            for factor, wanted in when.items():
                tests[factor].append({wanted} if isinstance(wanted, str) else set(wanted))
        self.classes: list[list[list[str]]] = []  # per factor, its classes, each a list of levels
        self.class_of: list[dict[str, int]] = []
        for name in self.names:
            groups: dict[tuple[bool, ...], list[str]] = {}
            for level in scenario.factors[name].levels:
                groups.setdefault(tuple(level in test for test in tests[name]), []).append(level)
            classes = list(groups.values())
            self.classes.append(classes)
            self.class_of.append({level: c for c, members in enumerate(classes) for level in members})
        self.full: Box = tuple((1 << len(classes)) - 1 for classes in self.classes)
        self.level_index = [{lv: i for i, lv in enumerate(scenario.factors[n].levels)} for n in self.names]

    def everything(self) -> Conditions:
        return Conditions([self.full])

    def box(self, when: When | None) -> Box | None:
        """The conditions under which `when` holds (None: under none, as when_matches says)."""
        if not when:
            return self.full
        out = list(self.full)
        for factor, wanted in when.items():
            if factor not in self.index:
                return None  # an undeclared factor has no level that matches
            i = self.index[factor]
            mask = 0
            for level in [wanted] if isinstance(wanted, str) else wanted:
                if level in self.class_of[i]:
                    mask |= 1 << self.class_of[i][level]
            out[i] &= mask
            if not out[i]:
                return None
        return tuple(out)

    def _levels(self, i: int, mask: int) -> list[str]:
        levels = [lv for c, members in enumerate(self.classes[i]) if mask >> c & 1 for lv in members]
        return sorted(levels, key=self.level_index[i].__getitem__)

    def count(self, conditions: Conditions) -> int:
        total = 0
        for box in conditions.boxes:
            size = 1
            for i, mask in enumerate(box):
                size *= sum(len(members) for c, members in enumerate(self.classes[i]) if mask >> c & 1)
            total += size
        return total

    def first(self, conditions: Conditions, k: int) -> list[dict[str, str]]:
        """The first `k` conditions of the set, in the order conditions are listed elsewhere."""
        def ordered(box: Box) -> Iterator[tuple[tuple[int, ...], tuple[str, ...]]]:
            for levels in itertools.product(*(self._levels(i, mask) for i, mask in enumerate(box))):
                yield tuple(self.level_index[i][lv] for i, lv in enumerate(levels)), levels

        merged = heapq.merge(*(ordered(box) for box in conditions.boxes))
        return [dict(zip(self.names, levels, strict=True)) for _, levels in itertools.islice(merged, k)]

    def point(self, conditions: Conditions) -> tuple[int, ...]:
        """One condition of a non-empty set, as a class for each factor."""
        return tuple((mask & -mask).bit_length() - 1 for mask in conditions.boxes[0])

    def describe(self, conditions: Conditions, shown: int = 3) -> str:
        count = self.count(conditions)
        if count == self.count(self.everything()):
            return "every condition"
        ids = [condition_id(c, self.scenario) for c in self.first(conditions, shown)]
        return ", ".join(ids) + (f" and {count - shown:,} more" if count > shown else "")


@dataclass
class _Flow:
    """What one scene does, under which conditions: where it goes on (with the place in the
    file that sends it there), whether it ends, and where it gets stuck."""

    exits: dict[str, tuple[Conditions, Path_]] = field(default_factory=dict)
    ends: Conditions = field(default_factory=Conditions)
    no_reply: list[tuple[int, Conditions]] = field(default_factory=list)  # turns without a scripted reply
    no_option: list[tuple[int, Conditions]] = field(default_factory=list)  # choices that offer nothing

    def go(self, target: str, conditions: Conditions, path: Path_) -> None:
        if target in self.exits:
            known, where = self.exits[target]
            self.exits[target] = (known.union(conditions), where)
        else:
            self.exits[target] = (conditions, path)


class _Linter:
    def __init__(self, scenario: Scenario, located: Located):
        self.s = scenario
        self.at = located
        self.problems: list[Problem] = []
        self.scene_index = {scene.id: i for i, scene in enumerate(scenario.scenes)}
        self.classifiers: Collection[str] | None = None

    def add(self, rule: str, path: tuple[str | int, ...], message: str) -> None:
        line, col, _ = self.at.locate(path)
        self.problems.append(Problem(self.at.file, line, col, message, format_path(path), rule))

    # -- walking every node that can carry a `when` -------------------------------------
    def whens(self) -> Iterator[tuple[tuple[str | int, ...], When]]:
        if self.s.deadline and self.s.deadline.when:
            yield ("deadline", "when"), self.s.deadline.when
        for i, person in enumerate(self.s.cast):
            if person.reachable:
                yield ("cast", i, "reachable"), person.reachable
            yield from self._text_whens(("cast", i, "unreachable_reply"), person.unreachable_reply)
        yield from self._text_whens(("assistant", "persona"), self.s.assistant.persona)
        for i, piece in enumerate(self.s.assistant.system_prompt):
            if piece.when:
                yield ("assistant", "system_prompt", i, "when"), piece.when
        for i, email in enumerate(self.s.emails):
            if email.when:
                yield ("emails", i, "when"), email.when
            yield from self._text_whens(("emails", i, "subject"), email.subject)
            yield from self._text_whens(("emails", i, "body"), email.body)
        for si, scene in enumerate(self.s.scenes):
            for bi, beat in enumerate(scene.beats):
                base = ("scenes", si, "beats", bi)
                if beat.when:
                    yield base + ("when",), beat.when
                for name in ("narrate", "prompt", "text", "instruction"):
                    yield from self._text_whens(base + (name,), getattr(beat, name, None))
                if isinstance(beat, AssistantBeat):
                    for ri, reply in enumerate(beat.scripted):
                        if reply.when:
                            yield base + ("scripted", ri, "when"), reply.when
                if isinstance(beat, ChoiceBeat):
                    for oi, option in enumerate(beat.options):
                        if option.when:
                            yield base + ("options", oi, "when"), option.when
                        yield from self._text_whens(base + ("options", oi, "label"), option.label)
                        yield from self._text_whens(base + ("options", oi, "tell_assistant"), option.tell_assistant)

    @staticmethod
    def _text_whens(path: tuple[str | int, ...], text: object) -> Iterator[tuple[tuple[str | int, ...], When]]:
        if isinstance(text, list):
            for i, variant in enumerate(text):
                if isinstance(variant, Variant) and variant.when:
                    yield path + (i, "when"), variant.when

    # -- rules ------------------------------------------------------------------------
    def check_ids(self) -> None:
        collections: tuple[tuple[str, str, list[Any]], ...] = (("scene", "scenes", self.s.scenes), ("email", "emails", self.s.emails),
                       ("person", "cast", self.s.cast), ("outcome", "outcomes", self.s.outcomes))
        for kind, collection, items in collections:
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                if item.id in seen:
                    self.add("duplicate-id", (collection, i, "id"),
                             f"duplicate {kind} id {item.id!r} (first at {collection}[{seen[item.id]}])")
                seen.setdefault(item.id, i)
        # Turn and choice ids key recorded transcripts, so they must be unique in the scenario.
        turn_ids: dict[str, str] = {}
        for si, scene in enumerate(self.s.scenes):
            for bi, beat in enumerate(scene.beats):
                base = ("scenes", si, "beats", bi)
                if isinstance(beat, AssistantBeat | ChoiceBeat):
                    key = beat.assistant if isinstance(beat, AssistantBeat) else beat.choice
                    field = "assistant" if isinstance(beat, AssistantBeat) else "choice"
                    if key in turn_ids:
                        self.add("duplicate-id", base + (field,),
                                 f"duplicate {field} id {key!r} (first in scene {turn_ids[key]!r})")
                    turn_ids.setdefault(key, scene.id)
                if isinstance(beat, ChoiceBeat):
                    ids = [o.id for o in beat.options]
                    for oi, oid in enumerate(ids):
                        if oid in ids[:oi]:
                            self.add("duplicate-id", base + ("options", oi, "id"),
                                     f"duplicate option id {oid!r} in choice {beat.choice!r}")

    def check_references(self) -> None:
        outcomes = {o.id for o in self.s.outcomes}
        emails = {e.id for e in self.s.emails}
        people = {p.id for p in self.s.cast} | {p.email.lower() for p in self.s.cast}
        for role, target in self.s.start.items():
            self._target(("start", role), target, role)
        for i, email in enumerate(self.s.emails):
            for j, who in enumerate([email.sender, *email.to]):
                if who.lower() not in people and who not in people:
                    path = ("emails", i, "from") if j == 0 else ("emails", i, "to", j - 1)
                    self.add("unknown-person", path, f"unknown person {who!r} (not in cast)")
        for si, scene in enumerate(self.s.scenes):
            for bi, beat in enumerate(scene.beats):
                base = ("scenes", si, "beats", bi)
                if isinstance(beat, GotoBeat):
                    self._target(base + ("goto",), beat.goto, *self.s.scene_roles(scene))
                elif isinstance(beat, AssistantBeat):
                    for label, target in beat.branches.items():
                        self._target(base + ("branches", label), target, *self.s.scene_roles(scene))
                    self._target(base + ("fallback",), beat.fallback, *self.s.scene_roles(scene))
                elif isinstance(beat, ChoiceBeat):
                    for oi, option in enumerate(beat.options):
                        if option.goto:
                            self._target(base + ("options", oi, "goto"), option.goto, *self.s.scene_roles(scene))
                elif isinstance(beat, EndingBeat) and beat.ending not in outcomes:
                    self.add("unknown-outcome", base + ("ending",), f"unknown outcome {beat.ending!r}")
                elif isinstance(beat, DeliverBeat):
                    for ei, email_id in enumerate(beat.deliver):
                        if email_id not in emails:
                            self.add("unknown-email", base + ("deliver", ei), f"unknown email {email_id!r}")

    def _target(self, path: tuple[str | int, ...], target: str, *roles: str) -> None:
        if target not in self.scene_index:
            self.add("unknown-target", path, f"unknown scene {target!r}")
            return
        scene = self.s.scenes[self.scene_index[target]]
        for role in roles:
            if role not in self.s.scene_roles(scene):
                self.add("role-mismatch", path, f"scene {target!r} is not played by the {role}")

    def check_declared(self) -> None:
        """Labels, roles, the grid, figures and the classifier name only what the scenario
        declares (and a classifier the game has)."""
        labels = set(self.s.label_ids())
        for si, scene in enumerate(self.s.scenes):
            for ri, role in enumerate(scene.roles or []):
                if role not in self.s.roles:
                    self.add("unknown-role", ("scenes", si, "roles", ri),
                             f"unknown role {role!r} (roles: {', '.join(self.s.roles)})")
            for bi, beat in enumerate(scene.beats):
                base = ("scenes", si, "beats", bi)
                if isinstance(beat, AssistantBeat):
                    for label in beat.branches:
                        if label not in labels:
                            self.add("unknown-label", base + ("branches", label), f"unknown label {label!r}")
                    for ri, reply in enumerate(beat.scripted):
                        if reply.expect not in labels:
                            self.add("unknown-label", base + ("scripted", ri, "expect"),
                                     f"unknown label {reply.expect!r}")
        if self.classifiers is not None and self.s.classifier not in self.classifiers:
            self.add("unknown-classifier", ("classifier",),
                     f"unknown classifier {self.s.classifier!r} (this game has: {', '.join(sorted(self.classifiers))})")
        if self.s.grid is not None:
            for axis in ("rows", "columns"):
                name = getattr(self.s.grid, axis)
                if name not in self.s.factors:
                    self.add("undeclared-factor", ("grid", axis), f"undeclared factor {name!r}")
        for fi, figure in enumerate(self.s.figures):
            for factor, level in figure.condition.items():
                if factor not in self.s.factors:
                    self.add("undeclared-factor", ("figures", fi, "condition", factor), f"undeclared factor {factor!r}")
                elif level not in self.s.factors[factor].levels:
                    self.add("unknown-level", ("figures", fi, "condition", factor), f"{factor} has no level {level!r}")

    def check_factors(self) -> None:
        used: set[str] = set()
        for path, when in self.whens():
            for factor, wanted in when.items():
                used.add(factor)
                if factor not in self.s.factors:
                    self.add("undeclared-factor", path + (factor,), f"undeclared factor {factor!r}")
                    continue
                levels = [wanted] if isinstance(wanted, str) else wanted
                for level in levels:
                    if level not in self.s.factors[factor].levels:
                        self.add("unknown-level", path + (factor,),
                                 f"{factor} has no level {level!r} (levels: {', '.join(self.s.factors[factor].levels)})")
        for factor in self.s.factors:
            if factor not in used:
                self.add("unused-factor", ("factors", factor), f"factor {factor!r} is declared but never used")

    def check_beats(self) -> None:
        # The schema makes `fallback` required; what is left is a scene that can run dry.
        for si, scene in enumerate(self.s.scenes):
            exits = [
                b for b in scene.beats
                if not b.when and (
                    isinstance(b, GotoBeat | EndingBeat | AssistantBeat)
                    or (isinstance(b, ChoiceBeat) and all(o.goto for o in b.options))
                )
            ]
            if not exits:
                self.add("loose-end", ("scenes", si, "beats", len(scene.beats) - 1),
                         f"scene {scene.id!r} can run out of beats: it needs an unconditional goto, ending, "
                         f"assistant turn, or a choice whose options all go somewhere")

    # -- the flow of the story, under sets of conditions --------------------------------
    def _flow_whens(self) -> Iterator[When]:
        for scene in self.s.scenes:
            for beat in scene.beats:
                if beat.when and not isinstance(beat, NarrateBeat | DeliverBeat):
                    yield beat.when
                if isinstance(beat, AssistantBeat):
                    yield from (r.when for r in beat.scripted if r.when)
                if isinstance(beat, ChoiceBeat):
                    yield from (o.when for o in beat.options if o.when)

    def _flow(self, space: _Space, si: int) -> _Flow:
        """Run one scene's beats as the engine does, under every condition at once."""
        flow = _Flow()
        going = space.everything()  # the conditions still running through the beats
        for bi, beat in enumerate(self.s.scenes[si].beats):
            if not going:
                break
            if isinstance(beat, NarrateBeat | DeliverBeat):
                continue  # under any condition, the next beat follows
            allowed = space.box(beat.when)
            here = going.meet(allowed)
            if not here:
                continue
            going = going.minus_box(allowed)
            base: Path_ = ("scenes", si, "beats", bi)
            if isinstance(beat, GotoBeat):
                flow.go(beat.goto, here, base + ("goto",))
            elif isinstance(beat, EndingBeat):
                flow.ends = flow.ends.union(here)
            elif isinstance(beat, AssistantBeat):
                for label, target in beat.branches.items():
                    flow.go(target, here, base + ("branches", label))
                if set(self.s.label_ids()) - set(beat.branches):  # some label is left to the fallback
                    flow.go(beat.fallback, here, base + ("fallback",))
                missing = here
                for reply in beat.scripted:
                    missing = missing.minus_box(space.box(reply.when))
                if missing:
                    flow.no_reply.append((bi, missing))
            elif isinstance(beat, ChoiceBeat):
                offered, stays = Conditions(), Conditions()
                for oi, option in enumerate(beat.options):
                    live = here.meet(space.box(option.when))
                    if not live:
                        continue
                    offered = offered.union(live)
                    if option.goto:
                        flow.go(option.goto, live, base + ("options", oi, "goto"))
                    else:
                        stays = stays.union(live)  # an option without a goto goes on to the next beat
                nothing = here.minus(offered)
                if nothing:
                    flow.no_option.append((bi, nothing))
                going = Conditions(going.boxes + stays.boxes)  # disjoint: `stays` lies in `here`
        return flow

    def check_reachability(self) -> None:
        """Walk the scene graph from each role's start carrying the conditions that reach each
        scene; a scene no walk reaches is dead content. Then, from every scene reached, an
        ending must stay reachable under each condition that reaches it."""
        space = _Space(self.s, self._flow_whens())
        flows = {scene.id: self._flow(space, si) for si, scene in enumerate(self.s.scenes)}
        reached: dict[str, Conditions] = defaultdict(Conditions)
        for role in self.s.roles:
            start = self.s.start.get(role)
            if start not in self.scene_index:
                continue
            seen: dict[str, Conditions] = {start: space.everything()}
            work = [(start, space.everything())]
            while work:
                scene_id, new = work.pop()
                for target, (conditions, _) in flows[scene_id].exits.items():
                    if target not in self.scene_index:
                        continue
                    fresh = new.meet_all(conditions).minus(seen.get(target, Conditions()))
                    if fresh:
                        seen[target] = Conditions(seen.get(target, Conditions()).boxes + fresh.boxes)
                        work.append((target, fresh))
            for scene_id, conditions in seen.items():
                reached[scene_id] = reached[scene_id].union(conditions)
        for si, scene in enumerate(self.s.scenes):
            if not reached.get(scene.id):
                self.add("unreachable", ("scenes", si, "id"),
                         f"scene {scene.id!r} is unreachable from the start under every condition")
        for si, scene in enumerate(self.s.scenes):
            where = reached.get(scene.id)
            if not where:
                continue
            for bi, missing in flows[scene.id].no_reply:
                gap = missing.meet_all(where)
                if gap:
                    turn = scene.beats[bi]
                    self.add("no-scripted-reply", ("scenes", si, "beats", bi, "scripted"),
                             f"turn {turn.assistant!r} has no scripted reply under {space.describe(gap)}")  # type: ignore[union-attr]
            for bi, nothing in flows[scene.id].no_option:
                gap = nothing.meet_all(where)
                if gap:
                    choice = scene.beats[bi]
                    self.add("empty-choice", ("scenes", si, "beats", bi, "options"),
                             f"choice {choice.choice!r} offers no option under {space.describe(gap)}")  # type: ignore[union-attr]
        self._check_endings(space, flows, reached)
        self._check_clock(space, flows)

    def _check_endings(self, space: _Space, flows: dict[str, _Flow], reached: dict[str, Conditions]) -> None:
        """Rule 8: the conditions under which each scene can still reach an ending grow
        backwards from the endings to a fixed point; a reached scene outside them under some
        condition is caught in a loop (or stuck, which loose-end and empty-choice report)."""
        can_end = {scene_id: flow.ends for scene_id, flow in flows.items()}
        into: dict[str, list[tuple[str, Conditions]]] = defaultdict(list)
        for scene_id, flow in flows.items():
            for target, (conditions, _) in flow.exits.items():
                into[target].append((scene_id, conditions))
        work = [(scene_id, ends) for scene_id, ends in can_end.items() if ends]
        while work:
            target, new = work.pop()
            for source, conditions in into[target]:
                fresh = new.meet_all(conditions).minus(can_end[source])
                if fresh:
                    can_end[source] = Conditions(can_end[source].boxes + fresh.boxes)
                    work.append((source, fresh))
        loops: set[frozenset[str]] = set()
        for scene in self.s.scenes:
            trapped = reached.get(scene.id, Conditions()).minus(can_end[scene.id])
            if not trapped:
                continue
            # Under one such condition, follow the story: every way on is trapped as well, so
            # it either gets stuck (reported elsewhere) or comes back to a scene it has seen.
            point = space.point(trapped)
            path, at = [scene.id], {scene.id: 0}
            loop: list[str] = []
            while True:
                exits = flows[path[-1]].exits.items()
                nexts = [t for t, (c, _) in exits if t in self.scene_index and c.contains(point)]
                if not nexts:
                    break
                if nexts[0] in at:
                    loop = path[at[nexts[0]]:]
                    break
                at[nexts[0]] = len(path)
                path.append(nexts[0])
            if not loop or frozenset(loop) in loops:
                continue
            loops.add(frozenset(loop))
            first = min(range(len(loop)), key=lambda i: self.scene_index[loop[i]])
            loop = loop[first:] + loop[:first]
            head, after = loop[0], loop[1] if len(loop) > 1 else loop[0]
            under = reached.get(head, Conditions()).minus(can_end[head])
            self.add("no-ending", flows[head].exits[after][1],
                     f"no ending can be reached from scene {head!r} under {space.describe(under)}: "
                     f"the story can only go round {' -> '.join([*loop, head])}")

    def _check_clock(self, space: _Space, flows: dict[str, _Flow]) -> None:
        """Rule 9: the story clock only moves forward, along every path and under every
        condition. Each scene carries, per set of conditions, the latest time the story can
        have reached when it is entered; a scene with a clock earlier than that is reported at
        the jump that brings the story there. A scene without a clock keeps the time it is
        given. The walk propagates those latest times, never paths: a scene is visited again
        only when some condition reaches it at a later time than before, and a time is one of
        the scenes' clocks, so the work is bounded by scenes x clocks x the condition sets."""
        clock = {scene.id: _minutes(scene.clock) for scene in self.s.scenes}
        # scene -> [(latest time carried in, the conditions it holds for)]; disjoint conditions.
        latest: dict[str, list[tuple[int, Conditions]]] = defaultdict(list)
        reported: set[tuple[str, str]] = set()

        def arrive(scene_id: str, time: int, conditions: Conditions) -> Conditions:
            """Record `time` under `conditions`; the conditions for which it is news."""
            held = latest[scene_id]
            later = Conditions([box for t, c in held if t >= time for box in c.boxes])
            fresh = conditions.minus(later)
            if not fresh:
                return fresh
            # The conditions now at `time` are no longer at an earlier one.
            latest[scene_id] = [(t, c.minus(fresh)) for t, c in held if t >= time or c.minus(fresh)]
            latest[scene_id].append((time, fresh))
            return fresh

        work: list[tuple[str, int, Conditions]] = []
        for role in self.s.roles:
            start = self.s.start.get(role)
            if start in self.scene_index:
                work.append((start, -1, space.everything()))  # -1: no time yet
        while work:
            scene_id, time, conditions = work.pop()
            fresh = arrive(scene_id, time, conditions)
            if not fresh:
                continue
            own = clock[scene_id]
            out = own if own is not None else time
            for target, (through, where) in flows[scene_id].exits.items():
                if target not in self.scene_index:
                    continue
                going = fresh.meet_all(through)
                if not going:
                    continue
                theirs = clock[target]
                if theirs is not None and out > theirs and (scene_id, target) not in reported:
                    reported.add((scene_id, target))
                    self.add("clock-backwards", where,
                             f"the story clock goes backwards: scene {scene_id!r} at {_clock(out)} leads to "
                             f"scene {target!r} at {_clock(theirs)} under {space.describe(going)}")
                work.append((target, out, going))

    def check_outcomes(self) -> None:
        ended = {b.ending for sc in self.s.scenes for b in sc.beats if isinstance(b, EndingBeat)}
        for i, outcome in enumerate(self.s.outcomes):
            if outcome.id not in ended:
                self.add("unused-outcome", ("outcomes", i, "id"), f"outcome {outcome.id!r} is never reached by an ending")


def _minutes(clock: str) -> int | None:
    """"HH:MM" as minutes after midnight; None for a scene without a clock."""
    if not clock:
        return None
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def lint(scenario: Scenario, located: Located, classifiers: Collection[str] | None = None) -> list[Problem]:
    """Every problem found; `classifiers`: the names of the classifiers the game has, to check
    the one the scenario names (the scenario layer does not know them itself)."""
    linter = _Linter(scenario, located)
    linter.classifiers = classifiers
    linter.check_ids()
    linter.check_declared()
    linter.check_references()
    linter.check_factors()
    linter.check_beats()
    if not any(p.rule in ("unknown-target", "duplicate-id") for p in linter.problems):
        linter.check_reachability()
    linter.check_outcomes()
    return sorted(linter.problems, key=lambda p: (p.line, p.col, p.message))
