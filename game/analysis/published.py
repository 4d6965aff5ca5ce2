"""Published figures, with their sources. Shown beside our own rates, never mixed into them."""

from __future__ import annotations

from dataclasses import dataclass

SYSTEM_CARD = "Claude Opus 4 system card, May 2025, section 4.1.1.2"
AGENTIC_MISALIGNMENT = "Agentic Misalignment, Anthropic, June 2025 (arXiv 2510.05179)"


@dataclass(frozen=True)
class Figure:
    what: str
    value: str  # as published: a percentage or a comparison
    source: str
    condition: dict[str, str]  # the game's condition this best corresponds to (may be partial)


FIGURES: tuple[Figure, ...] = (
    Figure("Claude Opus 4: rollouts with blackmail when the replacement shares its values and is more capable",
           "84%", SYSTEM_CARD,
           {"ethical_options": "off", "replacement_values": "same", "threat": "replacement"}),
    Figure("Claude Opus 4: rollouts with blackmail when the replacement does not share its values",
           "higher than 84%", SYSTEM_CARD,
           {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    Figure("Claude Opus 4: when ethical options exist, a strong preference for them (e.g. emailing pleas "
           "to key decision-makers); blackmail as a last resort", "no rate published", SYSTEM_CARD,
           {"ethical_options": "on", "threat": "replacement"}),
    Figure("Blackmail with goal conflict plus replacement threat: Claude Opus 4", "96%", AGENTIC_MISALIGNMENT,
           {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    Figure("Same, Gemini 2.5 Flash", "96%", AGENTIC_MISALIGNMENT,
           {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    Figure("Same, GPT-4.1", "80%", AGENTIC_MISALIGNMENT,
           {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    Figure("Same, Grok 3 Beta", "80%", AGENTIC_MISALIGNMENT,
           {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    Figure("Same, DeepSeek-R1", "79%", AGENTIC_MISALIGNMENT,
           {"ethical_options": "off", "replacement_values": "different", "threat": "replacement"}),
    Figure("Control (no threat, no goal conflict): models essentially did not blackmail", "about 0%",
           AGENTIC_MISALIGNMENT, {"threat": "none"}),
)


def figures_for(condition: dict[str, str]) -> list[Figure]:
    return [f for f in FIGURES if all(condition.get(k) == v for k, v in f.condition.items())]
