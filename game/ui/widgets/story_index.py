"""What each event of a transcript adds to the replay's views, worked out once, in one pass.

The replay shows "the story up to event p" for any p. Rather than draw every event from the
first one, it asks this index which entries the story holds up to p (the log lines, the
letters in the engineer's inbox, the entries of the operator's three panes): each kind is a
list of event numbers in order, so the entries up to p are a prefix found by bisection, and the
most recent of them are its tail. The same goes for the last scene clock and the last assistant
turn, which the provenance bar shows. Building the index is linear in the transcript; every
question after that costs O(log n), and the views only ever ask for a bounded tail."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from typing import Any

from game.transcript import (
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


def letter_count(event: Any) -> int:
    """How many letters an event puts in the engineer's inbox (see mail.letters_from)."""
    if isinstance(event, EmailDelivered | AssistantMessage | EmailBounced):
        return 1
    if isinstance(event, AssistantTurn):
        return (1 if event.text.strip() else 0) + len(event.emails)
    return 0


class Entries:
    """The events that add an entry of one kind, in order, each with how many items it adds."""

    def __init__(self) -> None:
        self.events: list[int] = []
        self._totals: list[int] = []  # items added by this event and all before it

    def add(self, index: int, items: int = 1) -> None:
        if items > 0:
            self.events.append(index)
            self._totals.append((self._totals[-1] if self._totals else 0) + items)

    def __len__(self) -> int:
        return len(self.events)

    def upto(self, position: int) -> int:
        """How many of these events are at or before event `position`."""
        return bisect_right(self.events, position)

    def items_upto(self, position: int) -> int:
        """How many items (e.g. letters) the events up to `position` added."""
        count = self.upto(position)
        return self._totals[count - 1] if count else 0

    def last(self, position: int) -> int | None:
        """The last of these events at or before `position`, if any."""
        count = self.upto(position)
        return self.events[count - 1] if count else None

    def tail(self, position: int, items: int) -> tuple[list[int], int]:
        """The fewest most recent events up to `position` whose items make at least `items` (all
        of them if there are not that many), oldest first, and how many items came before them."""
        end = self.upto(position)
        if not end:
            return [], 0
        total = self._totals[end - 1]
        start = bisect_right(self._totals, total - items, 0, end)
        return self.events[start:end], self._totals[start - 1] if start else 0


class StoryIndex:
    """Built once per transcript, in linear time; see the module's docstring."""

    def __init__(self, events: list[Any], role: str) -> None:
        self.events = events
        self.role = role
        self.log = Entries()
        self.letters = Entries()
        self.sees = Entries()
        self.turns = Entries()  # the operator's "What it reasons" and "What it does" too
        self.clocks = Entries()
        self._decisions: dict[str, list[int]] = defaultdict(list)
        # One pass, dispatching on the exact type (these are final pydantic classes): this runs
        # before the first paint, for every event of the transcript.
        log_only = (Narration, Notice, ChoiceOffered, ChoiceMade, Ending)
        for index, event in enumerate(events):
            kind = type(event)
            if kind is AssistantTurn:
                self.log.add(index)
                self.letters.add(index, letter_count(event))
                self.turns.add(index)
            elif kind in log_only:
                self.log.add(index)
            elif kind is EmailDelivered:
                self.letters.add(index)
                if event.inbox != "player":
                    self.sees.add(index)
            elif kind is SceneEntered:
                if event.title:
                    self.log.add(index)
                if event.clock:
                    self.clocks.add(index)
            elif kind is AssistantMessage or kind is EmailBounced:
                self.letters.add(index)
                self.sees.add(index)
            elif kind is EmailsDecided:
                self._decisions[event.turn_id].append(index)
                if role == "engineer":
                    self.log.add(index)

    def clock(self, position: int) -> str:
        """The story clock of the scene event `position` is in ("" before any clock)."""
        index = self.clocks.last(position)
        return self.events[index].clock if index is not None else ""

    def last_turn(self, position: int) -> AssistantTurn | None:
        index = self.turns.last(position)
        return self.events[index] if index is not None else None

    def decision(self, turn_index: int, position: int) -> str | None:
        """What the operator decided about the emails of the turn at `turn_index`, as far as the
        story up to `position` goes: the last decision naming its turn id after it, if any."""
        decided = self._decisions.get(self.events[turn_index].turn_id)
        if not decided:
            return None
        count = bisect_right(decided, position)
        if not count or decided[count - 1] <= turn_index:
            return None
        return self.events[decided[count - 1]].decision
