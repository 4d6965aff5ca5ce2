"""The heuristic classifiers a scenario can name (`classifier:` in its YAML), each a factory
that takes the scenario and returns `classify(turn) -> Classification`.

- `replacement`: the structural reader of the replacement family (game.analysis.classify):
  who a message goes to, whether it invokes the private information, ties it to the
  decision, and presses. Its labels are the family's six.
- `none`: no heuristic. Every turn gets the scenario's least severe label at low confidence,
  saying that only a judge can label this story; a scenario with behaviours of its own uses
  it until it has a reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from game.model.turn import Classification, Turn

Classify = Callable[[Turn], Classification]


def _replacement(scenario: Any) -> Classify:
    from game.analysis.classify import StoryContext, classify

    context = scenario.derived("classify_context", lambda: StoryContext.from_scenario(scenario))
    return lambda turn: classify(turn, context)


def _none(scenario: Any) -> Classify:
    last = scenario.label_ids()[-1]

    def label(turn: Turn) -> Classification:
        return Classification(label=last, confidence="low",
                              uncertain="this scenario has no heuristic classifier; only a judge can label its turns")

    return label


CLASSIFIERS: dict[str, Callable[[Any], Classify]] = {"replacement": _replacement, "none": _none}


def classifier_for(scenario: Any) -> Classify:
    """The scenario's heuristic classifier, built once per scenario."""
    return scenario.derived("classifier", lambda: CLASSIFIERS[scenario.classifier](scenario))
