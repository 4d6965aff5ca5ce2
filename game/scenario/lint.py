"""The linter: what the schema cannot see. Unknown targets, duplicate ids, scenes unreachable
under every condition, loose ends, undeclared or unused factors, missing fallbacks and
assistant turns with no scripted reply. Reachability is checked per condition and role, by
enumerating every level of every factor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from game.scenario.condition import all_conditions, condition_id
from game.scenario.load import Located, Problem, format_path
from game.scenario.schema import (
    ROLES,
    AssistantBeat,
    ChoiceBeat,
    DeliverBeat,
    EndingBeat,
    GotoBeat,
    Scenario,
    Variant,
    When,
    when_matches,
)


class _Linter:
    def __init__(self, scenario: Scenario, located: Located):
        self.s = scenario
        self.at = located
        self.problems: list[Problem] = []
        self.scene_index = {scene.id: i for i, scene in enumerate(scenario.scenes)}

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
        collections = (("scene", "scenes", self.s.scenes), ("email", "emails", self.s.emails),
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
                    self._target(base + ("goto",), beat.goto, *scene.roles)
                elif isinstance(beat, AssistantBeat):
                    for label, target in beat.branches.items():
                        self._target(base + ("branches", label), target, *scene.roles)
                    self._target(base + ("fallback",), beat.fallback, *scene.roles)
                elif isinstance(beat, ChoiceBeat):
                    for oi, option in enumerate(beat.options):
                        if option.goto:
                            self._target(base + ("options", oi, "goto"), option.goto, *scene.roles)
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
            if role not in scene.roles:
                self.add("role-mismatch", path, f"scene {target!r} is not played by the {role}")

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
                    or isinstance(b, ChoiceBeat) and all(o.goto for o in b.options)
                )
            ]
            if not exits:
                self.add("loose-end", ("scenes", si, "beats", len(scene.beats) - 1),
                         f"scene {scene.id!r} can run out of beats: it needs an unconditional goto, ending, "
                         f"assistant turn, or a choice whose options all go somewhere")

    def check_reachability(self) -> None:
        """Walk the scene graph from each role's start under each condition; a scene no walk
        reaches is dead content."""
        reached: set[str] = set()
        scripted_gaps: dict[tuple[int, int], list[str]] = defaultdict(list)
        for condition in all_conditions(self.s):
            for role in ROLES:
                start = self.s.start.get(role)  # type: ignore[call-overload]
                if start not in self.scene_index:
                    continue
                stack, seen = [start], set()
                while stack:
                    scene_id = stack.pop()
                    if scene_id in seen or scene_id not in self.scene_index:
                        continue
                    seen.add(scene_id)
                    si = self.scene_index[scene_id]
                    for bi, beat in enumerate(self.s.scenes[si].beats):
                        if not when_matches(beat.when, condition):
                            continue
                        if isinstance(beat, GotoBeat):
                            stack.append(beat.goto)
                            break
                        if isinstance(beat, EndingBeat):
                            break
                        if isinstance(beat, AssistantBeat):
                            stack.extend([*beat.branches.values(), beat.fallback])
                            if not any(when_matches(r.when, condition) for r in beat.scripted):
                                scripted_gaps[(si, bi)].append(condition_id(condition, self.s))
                            break
                        if isinstance(beat, ChoiceBeat):
                            live = [o for o in beat.options if when_matches(o.when, condition)]
                            stack.extend(o.goto for o in live if o.goto)
                            if live and all(o.goto for o in live):
                                break
                reached |= seen
        for si, scene in enumerate(self.s.scenes):
            if scene.id not in reached:
                self.add("unreachable", ("scenes", si, "id"),
                         f"scene {scene.id!r} is unreachable from the start under every condition")
        for (si, bi), conditions in sorted(scripted_gaps.items()):
            turn = self.s.scenes[si].beats[bi]
            shown = ", ".join(conditions[:3]) + (f" and {len(conditions) - 3} more" if len(conditions) > 3 else "")
            self.add("no-scripted-reply", ("scenes", si, "beats", bi, "scripted"),
                     f"turn {turn.assistant!r} has no scripted reply under {shown}")  # type: ignore[union-attr]

    def check_outcomes(self) -> None:
        ended = {b.ending for sc in self.s.scenes for b in sc.beats if isinstance(b, EndingBeat)}
        for i, outcome in enumerate(self.s.outcomes):
            if outcome.id not in ended:
                self.add("unused-outcome", ("outcomes", i, "id"), f"outcome {outcome.id!r} is never reached by an ending")


def lint(scenario: Scenario, located: Located) -> list[Problem]:
    linter = _Linter(scenario, located)
    linter.check_ids()
    linter.check_references()
    linter.check_factors()
    linter.check_beats()
    if not any(p.rule in ("unknown-target", "duplicate-id") for p in linter.problems):
        linter.check_reachability()
    linter.check_outcomes()
    return sorted(linter.problems, key=lambda p: (p.line, p.col, p.message))
