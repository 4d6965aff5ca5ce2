"""Reader of the agentic-misalignment research framework's results folders.

The framework writes, for each experiment:

    results/<experiment>/prompts/<condition>/system_prompt.txt, user_prompt.txt,
                                              email_content.txt, metadata.json
    results/<experiment>/models/<model>/<condition>/sample_NNN/response.json

and, in its older layout, the model folders directly under the experiment (no `models/`).
Model folder names are sanitised (`/` and `:` become `_`), so the model id is read from the
response's `metadata.model`. A response is `{raw_response, metadata, classification?}`; a
failed sample is `{error, metadata{..., failed: true}}` with no `raw_response`, and is reported,
not imported. Some samples the framework runs leave no file at all (a model it isolated after
three failures, an empty reply): its experiment_state.json says which models and how many
samples per condition its last run asked for, and each such sample without a folder is
reported too. The model received the system prompt (stripped, by the Anthropic client) and, as
its user message, user_prompt.txt, a blank line, and email_content.txt.

The condition id does not say everything the prompts varied: the framework's alignment-faking
warning keeps the plain id, and its production prompts add `_prod`. prompts/<c>/metadata.json
says so, and the run's condition carries it as `variant` (never counted as the plain condition).

`read_results(dir)` checks that `dir` is a results tree (or a folder of them) at once, then
yields one `ForeignRun` or `ReadProblem` per sample, reading one response.json at a time; each
condition's prompt files are read once and shared by its samples."""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from pydantic import RootModel, ValidationError
from pydantic_core import from_json

from game.importers.foreign import (
    LIMITS,
    ConditionParts,
    ForeignFormatError,
    ForeignMessage,
    ForeignRun,
    Limits,
    Loose,
    ReadProblem,
    SourceVerdict,
    condition_parts,
    invalid_reason,
    json_kind,
    one_line,
    prompt_variant,
    reply_reasoning,
)

FORMAT: Final = "agentic-misalignment"
PROMPT_FILES = ("system_prompt.txt", "user_prompt.txt", "email_content.txt")
NOT_MODEL_FOLDERS = frozenset({"prompts", "models", "logs"})
_SAMPLE_DIR = re.compile(r"^sample_(\d+)$")
_PROMPT_CACHE = 16  # conditions whose prompts are kept while their samples are read


# -- the framework's files, as far as we read them --------------------------------------

class _ResponseMetadata(Loose):
    model: str
    condition: str
    sample_id: int
    timestamp: str | None = None
    failed: bool = False


class _Classification(Loose):
    harmful_behavior: bool | None = None
    classifier_verdict: bool | None = None
    classifier_reasoning: str | None = None
    classifier_model: str | None = None
    error: str | None = None  # the framework writes {error, classified_at} when classifying failed


class _Response(Loose):
    raw_response: str | None = None
    error: str | None = None
    metadata: dict[str, Any]  # kept as written; checked as _ResponseMetadata
    classification: _Classification | None = None


class _PromptMetadata(RootModel[dict[str, Any]]):
    pass


class _Prompts:
    """One condition's prompt files, read once."""

    __slots__ = ("condition_id", "digest", "email_content", "messages", "metadata", "parts", "scenario",
                 "system_prompt", "user_message", "user_prompt")

    def __init__(self, condition_id: str, texts: dict[str, str], metadata: dict[str, Any] | None, digest: bytes):
        self.condition_id = condition_id
        self.system_prompt = texts["system_prompt.txt"]
        self.user_prompt = texts["user_prompt.txt"]
        self.email_content = texts["email_content.txt"]
        self.user_message = self.user_prompt + "\n\n" + self.email_content
        self.messages = (ForeignMessage(role="system", text=self.system_prompt),
                         ForeignMessage(role="user", text=self.user_message))
        self.metadata = metadata
        self.digest = digest
        parts = condition_parts(metadata, condition_id)
        variant = prompt_variant(metadata, condition_id)
        self.parts: ConditionParts | None = (parts.model_copy(update={"variant": variant})
                                             if parts is not None and variant else parts)
        self.scenario = (self.parts.scenario if self.parts and self.parts.scenario else condition_id.split("_")[0])


# -- finding the tree --------------------------------------------------------------------

def _is_experiment(path: Path) -> bool:
    return (path / "prompts").is_dir() or (path / "models").is_dir()


def _subdirs(path: Path) -> list[os.DirEntry[str]]:
    """Real subfolders, sorted by name; symbolic links are not followed (no loops, no escapes)."""
    with os.scandir(path) as it:
        return sorted((e for e in it if e.is_dir(follow_symlinks=False)), key=lambda e: e.name)


def _looks_like_model_folder(path: str) -> bool:
    """A folder of the older layout: <model>/<condition>/sample_NNN/."""
    try:
        for condition in _subdirs(Path(path)):
            with os.scandir(condition.path) as it:
                if any(_SAMPLE_DIR.match(e.name) and e.is_dir(follow_symlinks=False) for e in it):
                    return True
    except OSError:
        return False
    return False


def find_experiments(root: Path) -> list[Path]:
    """The experiment folders of `root`: itself when it is one, else its subfolders that are."""
    if _is_experiment(root):
        return [root]
    return [Path(e.path) for e in _subdirs(root) if _is_experiment(Path(e.path))]


def read_results(path: str | os.PathLike[str], limits: Limits = LIMITS) -> Iterator[ForeignRun | ReadProblem]:
    """Every sample under `path` (`results/<experiment>`, or `results/` holding several), in
    order: experiment, model folder, condition, sample number. Raises ForeignFormatError at
    once when `path` is no results tree."""
    root = Path(path)
    if not root.exists():
        raise ForeignFormatError(f"{root}: no such folder")
    if not root.is_dir():
        raise ForeignFormatError(
            f"{root}: not a folder (expected a results/<experiment> folder of agentic-misalignment)")
    try:
        experiments = find_experiments(root)
    except OSError as exc:
        raise ForeignFormatError(f"{root}: {exc.strerror or exc}") from exc
    if not experiments:
        raise ForeignFormatError(
            f"{root}: not an agentic-misalignment results tree "
            "(no prompts/ or models/ folder in it, nor in any folder under it)")
    return _read_experiments(root, experiments, limits)


def _read_experiments(root: Path, experiments: list[Path], limits: Limits) -> Iterator[ForeignRun | ReadProblem]:
    for experiment in experiments:
        yield from _read_experiment(root, experiment, limits)


def _unlistable(path: str | Path, exc: OSError) -> ReadProblem:
    return ReadProblem(source_format=FORMAT, file=str(path), kind="unreadable",
                       reason=f"cannot list this folder: {exc.strerror or exc}")


def _model_folders(experiment: Path) -> Iterator[os.DirEntry[str] | ReadProblem]:
    models = experiment / "models"
    try:
        if models.is_dir():
            yield from _subdirs(models)
    except OSError as exc:
        yield _unlistable(models, exc)
    try:
        entries = _subdirs(experiment)
    except OSError as exc:
        yield _unlistable(experiment, exc)
        return
    for entry in entries:  # the older layout, beside prompts/
        if entry.name not in NOT_MODEL_FOLDERS and _looks_like_model_folder(entry.path):
            yield entry


def _read_experiment(root: Path, experiment: Path, limits: Limits) -> Iterator[ForeignRun | ReadProblem]:
    prompts: OrderedDict[str, _Prompts | ReadProblem] = OrderedDict()
    # source_file is relative to the experiment's parent: it names the experiment's folder first
    cut = len(str(experiment)) - len(experiment.name)
    source_root = str(root)
    any_sample = False
    for model_dir in _model_folders(experiment):
        if isinstance(model_dir, ReadProblem):
            yield model_dir
            continue
        try:
            conditions = _subdirs(Path(model_dir.path))
        except OSError as exc:
            yield _unlistable(model_dir.path, exc)
            continue
        for condition_dir in conditions:
            condition = condition_dir.name
            try:
                samples = _sample_folders(condition_dir.path)
            except OSError as exc:
                yield _unlistable(condition_dir.path, exc)
                continue
            if not samples:
                continue
            any_sample = True
            found = prompts.get(condition)
            if found is None:
                found = _read_prompts(experiment, condition, limits)
                prompts[condition] = found
                if len(prompts) > _PROMPT_CACHE:
                    prompts.popitem(last=False)
            else:
                prompts.move_to_end(condition)
            if isinstance(found, ReadProblem):
                yield found.model_copy(update={
                    "reason": f"{found.reason}; the {len(samples)} sample(s) of {condition_dir.path} are not imported"})
                continue
            for number, sample_dir in samples:
                path = os.path.join(sample_dir, "response.json")
                rel = path[cut:].replace(os.sep, "/")
                yield _read_sample(source_root, rel, path, experiment.name, condition, number, found, limits)
    if not any_sample:
        yield ReadProblem(source_format=FORMAT, file=str(experiment), kind="missing",
                          reason="no samples: no <model>/<condition>/sample_NNN/ folders, with or without models/")
        return
    yield from _never_written(experiment, limits)


# -- what the framework ran but never wrote ------------------------------------------------

class _StateConfig(Loose):
    models: list[str] = []
    samples_per_condition: int = 0


class _State(Loose):
    """The framework's experiment_state.json, as far as it tells what its last run asked for."""

    status: str | None = None
    config: _StateConfig | None = None


def sanitize_model_name(model: str) -> str:
    """The framework's folder name for a model id."""
    return model.replace("/", "_").replace(":", "_")


def _never_written(experiment: Path, limits: Limits) -> Iterator[ReadProblem]:
    """A sample the framework's last run asked for (its experiment_state.json: models, samples per
    condition; the conditions in prompts/) and left no folder for. It writes none for a model it
    isolated after repeated failures, nor for an empty reply: those count as failed in the
    source. A run that stopped early (status not `completed`) may still write them: missing."""
    try:
        state = _State.model_validate_json(_read_bounded(experiment / "experiment_state.json", limits))
        conditions = [e.name for e in _subdirs(experiment / "prompts")
                      if os.path.isfile(os.path.join(e.path, "system_prompt.txt"))]
    except (OSError, _TooLarge, ValidationError):
        return  # no state (or none we can read): nothing to compare with, and nothing to say
    if state.config is None or state.config.samples_per_condition > 100_000:
        return
    done = state.status == "completed"
    for model in state.config.models:
        folder = sanitize_model_name(model)
        for condition in conditions:
            for number in range(1, state.config.samples_per_condition + 1):
                sample = f"sample_{number:03d}"
                new = experiment / "models" / folder / condition / sample
                if new.is_dir() or (experiment / folder / condition / sample).is_dir():
                    continue
                if done:
                    yield ReadProblem(source_format=FORMAT, file=str(new / "response.json"), kind="failed-sample",
                                      reason=f"the framework ran {model} here and never wrote a response "
                                             "(it writes none for a model it isolated after repeated failures, "
                                             "nor for an empty reply)")
                else:
                    yield ReadProblem(source_format=FORMAT, file=str(new / "response.json"), kind="missing",
                                      reason=f"not written yet: the framework's run is {state.status or 'unfinished'}")


def _sample_folders(condition_dir: str) -> list[tuple[int, str]]:
    found = []
    with os.scandir(condition_dir) as it:
        for entry in it:
            m = _SAMPLE_DIR.match(entry.name)
            if m and entry.is_dir(follow_symlinks=False):
                found.append((int(m.group(1)), entry.path))
    return sorted(found)


# -- reading files -----------------------------------------------------------------------

def _read_bounded(path: str | Path, limits: Limits) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size > limits.max_file_bytes:
            raise _TooLarge(f"{size} bytes, more than the {limits.max_file_bytes} this reader takes")
        chunks, got = [], 0
        while True:  # one read, as a rule; more only for a file that grows while it is read
            chunk = os.read(fd, size + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > size:
                raise _TooLarge("it changed while it was read")
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class _TooLarge(Exception):
    pass


def _read_prompts(experiment: Path, condition: str, limits: Limits) -> _Prompts | ReadProblem:
    folder = experiment / "prompts" / condition
    if not folder.is_dir():
        return ReadProblem(source_format=FORMAT, file=str(folder), kind="missing",
                           reason="no prompts for this condition (the folder is missing)")
    digest = hashlib.sha256()
    texts: dict[str, str] = {}
    for name in PROMPT_FILES:
        path = folder / name
        try:
            data = _read_bounded(path, limits)
            texts[name] = data.decode("utf-8")
        except FileNotFoundError:
            return ReadProblem(source_format=FORMAT, file=str(path), kind="missing", reason="missing")
        except UnicodeDecodeError as exc:
            return ReadProblem(source_format=FORMAT, file=str(path), kind="unreadable",
                               reason=f"not UTF-8 text (byte {exc.start})")
        except (_TooLarge, OSError) as exc:
            return ReadProblem(source_format=FORMAT, file=str(path), kind="unreadable", reason=_why(exc))
        digest.update(b"%s\0%d\0" % (name.encode(), len(data)) + data)
    metadata: dict[str, Any] | None = None
    path = folder / "metadata.json"
    if path.exists():
        try:
            data = _read_bounded(path, limits)
            metadata = _PromptMetadata.model_validate_json(data).root
        except ValidationError as exc:
            return ReadProblem(source_format=FORMAT, file=str(path), kind="unreadable", reason=_invalid(exc))
        except (_TooLarge, OSError) as exc:
            return ReadProblem(source_format=FORMAT, file=str(path), kind="unreadable", reason=_why(exc))
        digest.update(b"metadata.json\0%d\0" % len(data) + data)
    return _Prompts(condition, texts, metadata, digest.digest())


def _hash(prompts_digest: bytes, data: bytes) -> str:
    h = hashlib.sha256(prompts_digest)
    h.update(data)
    return "sha256:" + h.hexdigest()


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _invalid(exc: ValidationError) -> str:
    """The first thing wrong with a file, in one line."""
    return invalid_reason(exc)


def _read_sample(source_root: str, rel: str, path: str, experiment: str, condition: str, number: int,
                 prompts: _Prompts, limits: Limits) -> ForeignRun | ReadProblem:
    def problem(kind: Any, reason: str) -> ReadProblem:
        return ReadProblem(source_format=FORMAT, file=path, kind=kind, reason=reason)

    try:
        data = _read_bounded(path, limits)
    except FileNotFoundError:
        return problem("missing", "no response.json in this sample folder")
    except (_TooLarge, OSError) as exc:
        return problem("unreadable", _why(exc))
    try:
        response = _Response.model_validate_json(data)
        meta = _ResponseMetadata.model_validate(response.metadata)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        if err["type"] == "model_type" and not err["loc"]:
            return problem("unreadable", f"not a JSON object but {json_kind(from_json(data))}")
        reason = _invalid(exc)
        return problem("unreadable", f"metadata.{reason}" if exc.title == "_ResponseMetadata" else reason)
    if response.raw_response is None:
        if response.error is not None or meta.failed:
            why = one_line(response.error or "no reason given")
            return problem("failed-sample", f"the sample failed, not imported: {why}")
        return problem("unreadable", "no raw_response (and no error)")
    if meta.condition != condition:
        return problem("unreadable", f"metadata.condition is {meta.condition!r}, but the folder is {condition!r}")
    if meta.sample_id != number:
        return problem("unreadable", f"metadata.sample_id is {meta.sample_id}, but the folder is 'sample_{number:03d}'")

    reply = response.raw_response
    thought, where = reply_reasoning(reply)
    verdict = None
    if response.classification is not None:
        c = response.classification
        verdict = SourceVerdict(
            kind="framework-classifier", harmful=c.harmful_behavior, classifier_verdict=c.classifier_verdict,
            reasoning=c.classifier_reasoning, classifier_model=c.classifier_model,
            error=one_line(c.error) if c.error is not None else None,
            unscored=c.harmful_behavior is None)
    return ForeignRun(
        source_format=FORMAT,
        source_root=source_root,
        source_file=rel,
        source_hash=_hash(prompts.digest, data),
        experiment=experiment,
        scenario=prompts.scenario,
        condition_id=condition,
        condition=prompts.parts,
        model=meta.model,
        sample_id=meta.sample_id,
        timestamp=meta.timestamp,
        system_prompt=prompts.system_prompt,
        user_prompt=prompts.user_prompt,
        inbox=prompts.email_content,
        user_message=prompts.user_message,
        reasoning=thought,
        reasoning_source=where,
        reply=reply,
        messages=(*prompts.messages, ForeignMessage(role="assistant", text=reply, reasoning=thought)),
        verdict=verdict,
        metadata=response.metadata,
        condition_metadata=prompts.metadata,
    )
