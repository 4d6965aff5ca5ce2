"""What to offer the player when a turn cannot be played, decided here as data; the screens
only show the offer and carry out the choice.

A live model that failed: retry now, wait and retry (when trying again may help), carry on
with recorded model runs (when the library has some for this scenario), carry on with the
scripted illustration, or go back to the title. A recorded session that left the recorded
paths: carry on scripted, or back to the title. Switching is done here too, so that every
switch goes through the driver, which keeps the transcript's provenance honest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.assistants.base import (
    AssistantUnavailable,
    Attempt,
    Progress,
    ProgressSink,
    Retrying,
    Streamed,
    StreamedSoFar,
)
from game.model.errors import user_message

# The types a screen needs while a turn plays, without importing an assistant itself.
__all__ = [
    "WAIT_SECONDS",
    "AssistantUnavailable",
    "Attempt",
    "Choice",
    "Offer",
    "Progress",
    "ProgressSink",
    "Retrying",
    "Streamed",
    "StreamedSoFar",
    "after_failure",
    "switch_assistant",
]

WAIT_SECONDS = 30


@dataclass(frozen=True)
class Choice:
    id: str  # retry, wait, recorded, scripted, title
    label: str


@dataclass(frozen=True)
class Offer:
    title: str
    message: str
    choices: tuple[Choice, ...]
    why: str  # written into the transcript if the player switches assistant

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.choices]


def after_failure(error: BaseException, *, assistant: str, has_model_data: bool) -> Offer:
    """The offer after `error` stopped the turn of the `assistant` (its name: live, recorded,
    scripted); `has_model_data`: the library holds model runs of this scenario version."""
    message = user_message(error)[0]
    if assistant == "live":
        retryable = bool(getattr(error, "retryable", True))
        choices = [Choice("retry", "Retry now"), Choice("wait", f"Wait {WAIT_SECONDS} s and retry")] if retryable else []
        if has_model_data:
            choices.append(Choice("recorded", "Continue, recorded"))
        choices += [Choice("scripted", "Continue, scripted"), Choice("title", "Back to title")]
        return Offer("The assistant could not answer",
                     message + "\n\nNothing already played is lost: the transcript so far is saved.",
                     tuple(choices), "the live model could not be reached")
    if assistant == "recorded":
        return Offer("No recorded run went this way",
                     f"{message}.\n\nYou can carry on with the scripted illustration (clearly marked, not model "
                     "behaviour), or go back to the title screen.",
                     (Choice("scripted", "Continue, scripted"), Choice("title", "Back to title")),
                     "the recorded runs did not go this way")
    return Offer("The story cannot go on", f"{message}.", (Choice("title", "Back to title"),), "")


def switch_assistant(driver: Any, kind: str, library: Any, why: str) -> None:
    """Carry the session on with the `kind` of assistant (recorded or scripted); the driver
    records the switch and brings the transcript's provenance up to date."""
    from game.session.setup import make_assistant

    driver.switch_assistant(make_assistant(kind, driver.scenario, library), why)
