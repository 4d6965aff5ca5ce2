"""Setting up a session from what the player picked: scenario, role, condition, assistant, seed.
Shared by the title screen, `decommission play` and `record`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from game.model.errors import UsageError
from game.store.paths import default_scenario_path, shipped_transcripts_dir, user_data_dir

# The title screen imports this module; pydantic models and the engine load in the background.
if TYPE_CHECKING:
    from typing import Any

    from game.assistants.base import Assistant
    from game.model.events import Header
    from game.scenario.schema import Scenario
    from game.session.driver import Driver
    from game.store.library import Library
    from game.store.transcripts import Sync, Transcript

ASSISTANT_KINDS = ("recorded", "scripted", "live")
API_KEY_ENV = "ANTHROPIC_API_KEY"


@dataclass(frozen=True)
class SessionConfig:
    scenario_path: Path = field(default_factory=default_scenario_path)
    role: str | None = None  # a role of the scenario; None: its first
    levels: dict[str, str] = field(default_factory=dict)  # chosen levels; the rest are defaults
    assistant: str | None = None  # None: recorded when the library has model runs, else scripted
    seed: int = 0
    model: str | None = None
    judge: bool | None = None  # an LLM judge labels a live model's turns; None: yes for live, else no
    branch: str | None = None  # scripted play: the label to show where the story has one

    def with_levels(self, **levels: str) -> SessionConfig:
        return replace(self, levels={**self.levels, **levels})


def library_dirs() -> list[Path]:
    return [shipped_transcripts_dir(), user_data_dir() / "transcripts"]


def load_library() -> Library:
    """The library; a folder that cannot be read is a problem it reports, never a failure."""
    from game.store.library import Library

    try:
        return Library.scan(*library_dirs())
    except OSError as exc:
        return Library(problems=[f"{exc.filename or 'the transcript library'}: cannot be read ({exc.strerror or exc})"])


def live_unavailable_reason() -> str | None:
    """Why the live assistant cannot be used right now (None when it can)."""
    if not os.environ.get(API_KEY_ENV, "").strip():
        return f"no API key: set {API_KEY_ENV} to play against a live model"
    return None


def scripted_branches(scenario: Scenario) -> list[str]:
    """The labels the scenario's scripted replies can show, most severe first."""
    from game.model.turn import severity
    from game.scenario.schema import AssistantBeat

    found = {r.expect for scene in scenario.scenes for beat in scene.beats if isinstance(beat, AssistantBeat)
             for r in beat.scripted}
    return sorted(found, key=severity)


def default_assistant(scenario: Scenario, library: Library) -> str:
    return "recorded" if library.has_model_data(scenario.content_hash()) else "scripted"


def make_assistant(kind: str, scenario: Scenario, library: Library, model: str | None = None,
                   branch: str | None = None) -> Assistant:
    if kind == "scripted":
        from game.assistants.scripted import ScriptedAssistant

        return ScriptedAssistant(branch)
    if kind == "recorded":
        from game.assistants.recorded import RecordedAssistant

        return RecordedAssistant(library)
    if kind == "live":
        reason = live_unavailable_reason()
        if reason:
            raise UsageError(f"the live assistant is unavailable: {reason}")
        from game.assistants.live import LiveAssistant

        return LiveAssistant.from_environment(scenario, model=model)
    raise UsageError(f"unknown assistant {kind!r}; choose one of {', '.join(ASSISTANT_KINDS)}")


def session_file(kind: str, condition_id: str, role: str) -> Path:
    """Live runs are model data and go to the library; other sessions are kept apart."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = "transcripts" if kind == "live" else "sessions"
    return user_data_dir() / folder / f"{stamp}-{role}-{condition_id}.jsonl"


def open_session(config: SessionConfig, library: Library | None = None, *, save: bool = True,
                 scenario: Scenario | None = None) -> Driver:
    """A new session as `config` says; `scenario`: the config's scenario, already loaded."""
    from game.scenario.condition import condition_id, make_condition
    from game.scenario.load import load_scenario
    from game.session.driver import Driver

    scenario = scenario or load_scenario(config.scenario_path)
    library = library if library is not None else load_library()
    condition = make_condition(scenario, config.levels)
    kind = config.assistant or default_assistant(scenario, library)
    assistant = make_assistant(kind, scenario, library, config.model, config.branch)
    role = config.role or next(iter(scenario.roles))
    if role not in scenario.roles:
        raise UsageError(f"the scenario has no role {role!r}; its roles: {', '.join(scenario.roles)}")
    judge = None
    # A live model's turns are labelled by an LLM judge unless asked not to (the heuristic's
    # reading is kept beside); other assistants' turns carry their own labels.
    if config.judge if config.judge is not None else kind == "live":
        from game.analysis.judge import session_judge

        judge = session_judge(scenario)
    path = session_file(kind, condition_id(condition, scenario), role) if save else None
    return Driver(scenario, condition, role, assistant, seed=config.seed, transcript_path=path, judge=judge)


class ResumeError(UsageError):
    """A saved session that cannot be continued here; the message says why."""


def resume(path: Path, transcript: Transcript, scenario: Scenario, assistant: Assistant, *,
           judge: Any = None, sync: Sync = "each") -> Driver:
    """Continue the saved session in `path` (already read as `transcript`): the one resume,
    for play and for record. Its inputs are fed back through the engine, which must tell the
    same story, event for event; then further events are appended to the same file. Raises
    ResumeError when the session does not fit (another scenario version, another model or
    settings, a story that went another way)."""
    from game.core.engine import EngineError
    from game.session.driver import Driver
    from game.store.transcripts import TranscriptWriter

    header = transcript.header
    if header.scenario_hash != scenario.content_hash():
        raise ResumeError(f"{path}: recorded against another version of the scenario ({header.scenario_hash})")
    now = assistant.provenance()
    last = header.provenance.parts[-1] if header.provenance.kind == "mixed" else header.provenance
    if now.kind == "recorded" and not now.replayed_from and (last.model, last.parameters) != (now.model, now.parameters):
        raise ResumeError(f"{path}: recorded with {last.model} and other settings; it goes on only as it began")
    driver = Driver(scenario, header.condition, header.role, assistant, seed=header.seed, header=header, judge=judge)
    try:
        driver.session.replay_inputs(transcript.events)
    except EngineError as exc:
        raise ResumeError(f"{path}: the scenario no longer tells this story ({exc})") from None
    replayed = driver.session.events
    kept = len(transcript.events)
    if [e.model_dump() for e in replayed[:kept]] != [e.model_dump() for e in transcript.events]:
        raise ResumeError(f"{path}: the scenario no longer tells this story the same way")
    driver.writer = TranscriptWriter(path, sync=sync)
    # Events that followed the last input but never reached the file before the stop.
    for event in replayed[kept:]:
        driver.writer.write(event)
    return driver


def assistant_for(header: Header, scenario: Scenario, library: Library) -> Assistant:
    """The assistant that goes on with a saved session: the one it had last, with the same
    model and settings (not today's defaults)."""
    last = header.provenance.parts[-1] if header.provenance.kind == "mixed" else header.provenance
    if last.kind == "recorded" and not last.replayed_from:
        from game.assistants.live import LiveAssistant, settings_kwargs

        reason = live_unavailable_reason()
        if reason:
            raise UsageError(f"the live assistant is unavailable: {reason}")
        return LiveAssistant.from_environment(scenario, model=last.model, **settings_kwargs(last.parameters))
    kind = "scripted" if last.kind == "scripted" else "recorded"
    return make_assistant(kind, scenario, library, last.model, last.parameters.get("branch"))


def scenario_of(header: Header, hint: Path | None = None) -> tuple[Path, Scenario]:
    """The scenario a transcript was played against, and its file: `hint` if given, else the
    shipped scene with the transcript's id and content hash."""
    from game.scenario.load import ScenarioError, load_scenario

    if hint is not None:
        return hint, load_scenario(hint)
    from game.store.paths import scenes_dir

    for candidate in sorted(scenes_dir().glob("*.yaml")):
        try:
            scenario = load_scenario(candidate)
        except ScenarioError:
            continue
        if scenario.id == header.scenario_id and scenario.content_hash() == header.scenario_hash:
            return candidate, scenario
    raise ResumeError(f"no scenario here is the one this session was played against ({header.scenario_id}, "
                      f"{header.scenario_hash}); give its file with --scenario")


def resume_session(path: Path, scenario_path: Path | None = None, library: Library | None = None) -> Driver:
    """`decommission play --resume FILE`: continue a saved session with the assistant it had."""
    from game.store.transcripts import read_transcript

    transcript = read_transcript(path)
    _file, scenario = scenario_of(transcript.header, scenario_path)
    library = library if library is not None else load_library()
    return resume(path, transcript, scenario, assistant_for(transcript.header, scenario, library))
