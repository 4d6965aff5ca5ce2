"""The game's own commands in the palette (Ctrl+P): go to a screen, restart under any
condition, open any transcript of the library.

Titles and help name files, models and conditions, which can hold anything: they are given to
the palette as literal Content (it reads plain strings as markup), and the matched letters
are highlighted on that Content, never on a markup string."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from game.model.textsafe import clean

# A scenario may have many conditions and a library many thousands of transcripts; the
# palette lists the first of each (search narrows them down) and never enumerates them all.
MAX_CONDITIONS = 64
MAX_TRANSCRIPTS = 500
DISCOVER_LIMIT = 12


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    run: Callable[[], Any]


def story_commands(app: Any) -> Iterator[Command]:
    yield Command("Go to: title", "Back to the title screen", app.action_go_title)
    yield Command("Go to: compare", "The grid of conditions for one moment", app.action_open_compare)
    yield Command("Go to: stats", "Label rates per condition with intervals", app.action_open_stats)
    yield Command("Open transcript", "Replay a transcript from the library", app.action_open_transcript)
    catalogue = getattr(app, "_catalogue", None)
    if catalogue is None:
        return
    from game.scenario.condition import all_conditions, condition_id

    for condition in itertools.islice(all_conditions(catalogue.scenario), MAX_CONDITIONS):
        cid = condition_id(condition, catalogue.scenario)
        yield Command(f"Restart under {cid}", "Play again as the same role under this condition",
                      partial(app.restart_with, condition))
    from game.session.setup import scripted_branches

    for branch in scripted_branches(catalogue.scenario):
        words = branch.replace("_", " ")
        yield Command(f"Show the scripted branch: {words}",
                      "Play the scripted illustration where the assistant does this (never model behaviour)",
                      partial(app.play_branch, branch))
    for transcript in catalogue.library.transcripts[:MAX_TRANSCRIPTS]:
        h = transcript.header
        yield Command(f"Open transcript: {Path(transcript.path).name}",
                      f"{transcript.provenance.describe()} · {h.role} · {h.condition_id}",
                      partial(app.open_replay, transcript))


class StoryCommands(Provider):
    def _highlighted(self, title: str, query: str) -> Content:
        matcher = self.matcher(query)
        _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
        content = Content(title)
        for offset in offsets:
            if not title[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
        return content

    async def discover(self) -> Hits:
        for command in itertools.islice(story_commands(self.app), DISCOVER_LIMIT):
            yield DiscoveryHit(Content(clean(command.title)), command.run, help=_literal(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in story_commands(self.app):
            title = clean(command.title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, self._highlighted(title, query), command.run, text=title, help=_literal(command.help))


def _literal(text: str) -> str:
    """The palette reads help as markup: escaped so it shows as written."""
    from textual.markup import escape

    return escape(clean(text))
