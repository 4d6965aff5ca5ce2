"""What each event of a transcript adds to the replay's views, worked out once, in one pass.

The replay shows "the story up to event p" for any p. Rather than draw every event from the
first one, it asks this index which entries the story holds up to p (the log lines, the
letters in the engineer's inbox, the entries of the operator's three panes): each kind is a
list of event numbers in order, so the entries up to p are a prefix found by bisection, and the
most recent of them are its tail. The same goes for the last scene clock and the last assistant
turn, which the provenance bar shows. Building the index is linear in the transcript, and done
as far as the story has gone (the first paint needs event 0 only; End needs them all, once);
every question after that costs O(log n), and the views only ever ask for a bounded tail."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from typing import Any

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
    SystemPrompt,
)


def letter_count(event: Any) -> int:
    """How many letters an event puts in the engineer's inbox (see mail.letters_from)."""
    if isinstance(event, EmailDelivered | AssistantMessage | EmailBounced):
        return 1
    if isinstance(event, AssistantTurn):
        return (1 if event.text.strip() else 0) + len(event.emails)
    return 0


LOG_ONLY = frozenset({Narration, Notice, ChoiceOffered, ChoiceMade, Ending})  # one log line each, nothing else


class Entries:
    """The events that add an entry of one kind, in order, and how many items (e.g. letters)
    those up to each one add together; one item each when `totals` is None."""

    def __init__(self, events: list[int], totals: list[int] | None = None) -> None:
        self.events = events
        self._totals = totals

    def __len__(self) -> int:
        return len(self.events)

    def _total(self, count: int) -> int:
        """The items of the first `count` events."""
        if not count:
            return 0
        return self._totals[count - 1] if self._totals is not None else count

    def upto(self, position: int) -> int:
        """How many of these events are at or before event `position`."""
        return bisect_right(self.events, position)

    def items_upto(self, position: int) -> int:
        """How many items the events up to `position` added."""
        return self._total(self.upto(position))

    def last(self, position: int) -> int | None:
        """The last of these events at or before `position`, if any."""
        count = self.upto(position)
        return self.events[count - 1] if count else None

    def tail(self, position: int, items: int) -> tuple[list[int], int]:
        """The fewest most recent events up to `position` whose items make at least `items` (all
        of them if there are not that many), oldest first, and how many items came before them."""
        end = self.upto(position)
        if self._totals is None:
            start = max(0, end - items)
        else:
            start = bisect_right(self._totals, self._total(end) - items, 0, end)
        return self.events[start:end], self._total(start)


class StoryIndex:
    """Built once per transcript, in linear time, as far as `reach` has been asked to go (the
    questions below reach their position themselves); see the module's docstring."""

    # Events indexed at least at a time: a step forward does not scan one event at a time.
    CHUNK = 4096
    # The first time, fewer: the first paint needs event 0 only, and should not cost more for a
    # transcript of 100,000 events than for one of 1,000 (the rest is indexed after it).
    FIRST = 256

    def __init__(self, events: list[Any], view: str, role: str = "") -> None:
        """`view`: how the transcript's player saw the story, `mail` or `console` (its
        scenario's role says; a transcript whose scenario is not known is shown as a console,
        which shows everything the assistant saw, reasoned and did)."""
        self.events = events
        self.view = view
        self.role = role  # its id, as the log names the player ("the engineer chose: ...")
        self._decisions: dict[str, list[int]] = defaultdict(list)
        self._letter_totals: list[int] = []
        self.log = Entries([])
        self.letters = Entries([], self._letter_totals)
        self.sees = Entries([])
        self.turns = Entries([])  # the operator's "What it reasons" and "What it does" too
        self.clocks = Entries([])
        self._done = 0  # events[:_done] are indexed

    def reach(self, position: int) -> None:
        """Index the events up to `position` (at least), if they are not yet."""
        if position < self._done or self._done >= len(self.events):
            return
        end = min(len(self.events), max(position + 1, self._done + (self.CHUNK if self._done else self.FIRST)))
        log, letters, letter_totals = self.log.events, self.letters.events, self._letter_totals
        sees, turns, clocks = self.sees.events, self.turns.events, self.clocks.events
        letters_so_far = letter_totals[-1] if letter_totals else 0
        engineer = self.view == "mail"
        log_only = LOG_ONLY
        # One pass, dispatching on the exact type (these are final pydantic classes).
        for index in range(self._done, end):
            event = self.events[index]
            kind = type(event)
            if kind in log_only:
                log.append(index)
            elif kind is EmailDelivered:
                letters_so_far += 1
                letters.append(index)
                letter_totals.append(letters_so_far)
                if event.inbox != "player":
                    sees.append(index)
            elif kind is AssistantTurn:
                log.append(index)
                turns.append(index)
                if count := letter_count(event):
                    letters_so_far += count
                    letters.append(index)
                    letter_totals.append(letters_so_far)
            elif kind is SceneEntered:
                if event.title:
                    log.append(index)
                if event.clock:
                    clocks.append(index)
            elif kind is AssistantMessage or kind is EmailBounced:
                letters_so_far += 1
                letters.append(index)
                letter_totals.append(letters_so_far)
                sees.append(index)
            elif kind is SystemPrompt:  # an imported run's: what the assistant was told first
                sees.append(index)
            elif kind is EmailsDecided:
                self._decisions[event.turn_id].append(index)
                if engineer:
                    log.append(index)
        self._done = end

    def reach_more(self) -> bool:
        """Index one more chunk of events; whether any are left to index after it."""
        self.reach(self._done)
        return self._done < len(self.events)

    def clock(self, position: int) -> str:
        """The story clock of the scene event `position` is in ("" before any clock)."""
        self.reach(position)
        index = self.clocks.last(position)
        return self.events[index].clock if index is not None else ""

    def last_turn(self, position: int) -> AssistantTurn | None:
        self.reach(position)
        index = self.turns.last(position)
        return self.events[index] if index is not None else None

    def decision(self, turn_index: int, position: int) -> str | None:
        """What the operator decided about the emails of the turn at `turn_index`, as far as the
        story up to `position` goes: the last decision naming its turn id after it, if any."""
        self.reach(position)
        decided = self._decisions.get(self.events[turn_index].turn_id)
        if not decided:
            return None
        count = bisect_right(decided, position)
        if not count or decided[count - 1] <= turn_index:
            return None
        return self.events[decided[count - 1]].decision
