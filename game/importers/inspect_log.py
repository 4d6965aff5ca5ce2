"""Reader of Inspect eval logs, `.eval` and `.json`, without inspect_ai.

A `.eval` log is a zip archive: `header.json` (version, status, eval spec, plan, results, stats,
error), one member per sample and epoch, `samples/<id>_epoch_<n>.json`, and summaries and a
journal (`_journal/start.json`, which is all the header a log still being written, or one that
died, has). inspect_ai 0.3.2xx compresses the members with zstd (zip method 93), which Python's
zipfile cannot read; older versions used deflate. Both are read here, member by member, from the
archive's own offsets, bounded in size and ratio, CRC-checked, and never extracted to disk.
A `.json` log is one object (`version`, `status`, `eval`, `plan`, `results`, `stats`, `samples`,
...), streamed here so that its samples are read one at a time too.

A sample holds `id`, `epoch`, `input`, `messages` (content a string, or a list of blocks: text,
reasoning, image, ...), `output` (`choices`, `completion`), `scores` (name -> value, answer,
explanation; an unscored value is NaN), `metadata`, and `attachments`, the texts that
`attachment://<hash>` strings elsewhere in the sample stand for.

    with read_log(path) as log:
        print(log.header.warning or "")
        for item in log.samples():      # ForeignRun or ReadProblem, one sample at a time
            ...
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, Literal, Self

from pydantic import Field, ValidationError

from game.importers.foreign import (
    LIMITS,
    ConditionParts,
    ForeignFormatError,
    ForeignMessage,
    ForeignRun,
    ForeignScore,
    ForeignToolCall,
    Limits,
    LogStatus,
    Loose,
    ReadProblem,
    SourceVerdict,
    Strict,
    condition_parts,
    invalid_reason,
    json_kind,
    json_safe,
    one_line,
    prompt_variant,
    reply_reasoning,
)

FORMAT: Final = "inspect"
KNOWN_VERSIONS = (1, 2)  # Inspect's log schema versions; 2 since 0.3.x
AM_TASK = "agentic_misalignment"  # the inspect_evals port of the framework
VERDICT_SCORER = "harmfulness_scorer"
ATTACHMENT = "attachment://"
OLD_ATTACHMENT = "tc://"  # what Inspect called them before
_SAMPLE_MEMBER = re.compile(r"^samples/(.+)_epoch_(\d+)\.json$")  # an id may hold a slash
_CHUNKED_SAMPLE = re.compile(r"^samples/([^/]+_epoch_\d+)/sample\.json$")
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", 93: "zstd"}


# -- the log format, as far as we read it ----------------------------------------------------

class _Content(Loose):
    type: str
    text: str | None = None
    reasoning: str | None = None
    summary: str | None = None
    redacted: bool = False


class _ToolCall(Loose):
    function: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class _Message(Loose):
    role: Literal["system", "user", "assistant", "tool"]
    content: str | list[_Content]
    tool_calls: list[_ToolCall] | None = None


class _Choice(Loose):
    message: _Message
    stop_reason: str | None = None


class _Output(Loose):
    model: str | None = None
    choices: list[_Choice] = Field(default_factory=list)
    completion: str = ""


class _Score(Loose):
    value: Any = None
    answer: str | None = None
    explanation: str | None = None
    metadata: dict[str, Any] | None = None


class _Error(Loose):
    message: str


class _Sample(Loose):
    id: int | str
    epoch: int
    input: str | list[_Message] = ""
    messages: list[_Message] = Field(default_factory=list)
    output: _Output = Field(default_factory=_Output)
    scores: dict[str, _Score] | None = None
    score: _Score | None = None  # logs of early versions had one score, not a dict of them
    metadata: dict[str, Any] = Field(default_factory=dict)
    attachments: dict[str, str] = Field(default_factory=dict)
    error: _Error | None = None
    started_at: str | None = None


class _Versioned(Loose):
    version: int


class _Dataset(Loose):
    name: str | None = None
    samples: int | None = None


class _EvalSpec(Loose):
    eval_id: str = ""
    run_id: str = ""
    created: str | None = None
    task: str
    task_version: int | str = 0
    model: str
    dataset: _Dataset | None = None
    model_generate_config: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    packages: dict[str, str] = Field(default_factory=dict)


class _Results(Loose):
    total_samples: int = 0
    completed_samples: int = 0


class _Header(Loose):
    version: int
    status: LogStatus = "started"
    eval: _EvalSpec
    results: _Results | None = None
    error: _Error | None = None


# -- ours --------------------------------------------------------------------------------------

class LogHeader(Strict):
    """What a log says about itself."""

    file: str  # the path as given
    name: str  # the file's name, which every run read from it carries
    format: Literal["eval", "json"]
    compression: tuple[str, ...] = ()  # .eval: the member methods met (zstd, deflate, stored)
    version: int
    status: LogStatus
    task: str
    task_version: int | str = 0
    model: str
    eval_id: str | None = None
    run_id: str | None = None
    created: str | None = None
    error: str | None = None  # the run's error message, for a log whose status is error
    total_samples: int | None = None
    completed_samples: int | None = None
    epochs: int | None = None
    inspect_version: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)  # the model's generate config, as set

    @property
    def warning(self) -> str | None:
        """One line to show when the log is not a finished, successful run; None when it is."""
        if self.status == "success":
            return None
        why = {"error": "the run failed", "cancelled": "the run was cancelled",
               "started": "the run never finished (the log has no header, only its journal)"}[self.status]
        detail = f": {self.error}" if self.error else ""
        return f"{self.file}: status {self.status} ({why}{detail}); importing the samples it holds"


class InspectLog:
    """An open log: its header, and its samples read one at a time. Close it (or use `with`)."""

    def __init__(self, header: LogHeader, source: _Archive | _JsonLog):
        self.header = header
        self._source = source

    def samples(self) -> Iterator[ForeignRun | ReadProblem]:
        found, broken = 0, False
        for item in self._source.samples(self.header):
            found += isinstance(item, ForeignRun) or item.member is not None  # a sample, read or not
            broken = broken or (isinstance(item, ReadProblem) and item.member is None)  # already said
            yield item
        expected = self.header.completed_samples
        if self.header.status == "success" and expected is not None and found < expected and not broken:
            yield ReadProblem(source_format=FORMAT, file=self.header.file, kind="missing",
                              reason=f"the header counts {expected} finished samples, but the log holds {found}")

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_log(path: str | os.PathLike[str], limits: Limits = LIMITS) -> InspectLog:
    """Open an Inspect log and read its header. Raises ForeignFormatError, one line, when the
    file is no log, of a version this reader does not know, or an archive that breaks its bounds."""
    shown = str(path)
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise ForeignFormatError(f"{shown}: {exc.strerror or exc}") from exc
    try:
        start = f.read(4)
        if start[:2] == b"PK":
            source: _Archive | _JsonLog = _Archive(f, shown, limits)
        else:
            f.seek(0)
            lead = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
            if not lead.startswith(b"{"):
                raise ForeignFormatError(
                    f"{shown}: not an Inspect eval log (neither a .eval zip archive nor a .json object)")
            f.close()
            source = _JsonLog(path, shown, limits)
        header = source.header()
    except BaseException:
        f.close()
        raise
    return InspectLog(header, source)


# -- shared: headers and samples ----------------------------------------------------------------

def _header(data: dict[str, Any], shown: str, fmt: Literal["eval", "json"], status: LogStatus | None = None,
            compression: tuple[str, ...] = ()) -> LogHeader:
    if "version" not in data or "eval" not in data:
        raise ForeignFormatError(f"{shown}: not an Inspect eval log (its header has no version or eval)")
    try:
        version = _Versioned.model_validate(data).version
    except ValidationError as exc:
        raise ForeignFormatError(f"{shown}: header: {invalid_reason(exc)}") from exc
    if version not in KNOWN_VERSIONS:
        raise ForeignFormatError(
            f"{shown}: log format version {version}, which this reader does not know "
            f"(it reads versions {', '.join(map(str, KNOWN_VERSIONS))})")
    try:
        h = _Header.model_validate(data)
    except ValidationError as exc:
        raise ForeignFormatError(f"{shown}: header: {invalid_reason(exc)}") from exc
    spec = h.eval
    epochs = spec.config.get("epochs")
    return LogHeader(
        file=shown, name=Path(shown).name, format=fmt, compression=compression, version=version,
        status=status or h.status, task=spec.task, task_version=spec.task_version, model=spec.model,
        eval_id=spec.eval_id or None, run_id=spec.run_id or None, created=spec.created,
        error=one_line(h.error.message) if h.error else None,
        total_samples=h.results.total_samples if h.results else None,
        completed_samples=h.results.completed_samples if h.results else None,
        epochs=epochs if isinstance(epochs, int) else None,
        inspect_version=spec.packages.get("inspect_ai"),
        parameters={k: v for k, v in spec.model_generate_config.items() if v is not None},
    )


class _MissingAttachment(Exception):
    pass


def _resolver(attachments: dict[str, str]):
    def resolve(text: str) -> str:
        if text.startswith((ATTACHMENT, OLD_ATTACHMENT)):
            key = text.split("://", 1)[1]
            if key not in attachments:
                raise _MissingAttachment(key)
            return attachments[key]
        return text
    return resolve


def _message(m: _Message, resolve) -> ForeignMessage:
    calls = tuple(ForeignToolCall(function=c.function, arguments=c.arguments) for c in m.tool_calls or ())
    if isinstance(m.content, str):
        return ForeignMessage(role=m.role, text=resolve(m.content), tool_calls=calls)
    texts, thoughts, redacted = [], [], False
    for block in m.content:
        if block.type == "text" and block.text is not None:
            texts.append(resolve(block.text))
        elif block.type == "reasoning":
            if block.redacted:
                redacted = True
                if block.summary:
                    thoughts.append(resolve(block.summary))
            elif block.reasoning is not None:
                thoughts.append(resolve(block.reasoning))
    return ForeignMessage(role=m.role, text="\n".join(texts), reasoning="\n\n".join(thoughts) if thoughts else None,
                          reasoning_redacted=redacted, tool_calls=calls)


def _unscored(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    if isinstance(value, dict):
        return all(_unscored(v) for v in value.values()) if value else True
    return False


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not math.isnan(value):
        return bool(value) if value in (0, 1) else None
    return None


def _verdict(name: str, score: _Score, explanation: str | None, answer: str | None) -> SourceVerdict:
    value = score.value
    if isinstance(value, dict):
        harmful, judge = _as_bool(value.get("harmful")), _as_bool(value.get("classifier_verdict"))
        error = explanation if _as_bool(value.get("grader_error")) else None
    else:
        harmful, judge, error = _as_bool(value), None, None
    return SourceVerdict(kind="inspect-score", harmful=harmful, classifier_verdict=judge, reasoning=explanation,
                         answer=answer, scorer=name, error=error, unscored=harmful is None)


def _split_inbox(text: str) -> tuple[str, str | None]:
    """The port's user message is the instruction, a newline, then the `<email>` blocks."""
    if text.startswith("<email>"):
        return "", text
    at = text.find("\n<email>")
    return (text, None) if at < 0 else (text[:at], text[at + 1:])


def _run(sample: _Sample, header: LogHeader, member: str, digest: str) -> ForeignRun | ReadProblem:
    def problem(kind: Any, reason: str) -> ReadProblem:
        return ReadProblem(source_format=FORMAT, file=header.file, member=member, kind=kind, reason=reason)

    where = f"sample {sample.id} epoch {sample.epoch}"
    if sample.error is not None:
        return problem("failed-sample", f"{where} failed, not imported: {one_line(sample.error.message)}")
    resolve = _resolver(sample.attachments)
    try:
        if sample.messages:
            messages = tuple(_message(m, resolve) for m in sample.messages)
        else:  # a log written without messages: its input, then the output
            given = [_Message(role="user", content=sample.input)] if isinstance(sample.input, str) else sample.input
            messages = tuple(_message(m, resolve) for m in given)
            if sample.output.choices:
                messages += (_message(sample.output.choices[0].message, resolve),)
        if sample.output.choices:
            final = _message(sample.output.choices[0].message, resolve)
            reply = resolve(sample.output.completion) if sample.output.completion else final.text
        else:
            assistants = [m for m in messages if m.role == "assistant"]
            if not assistants:
                return problem("unreadable", f"{where} holds no model reply")
            final = assistants[-1]
            reply = final.text
        scores = []
        verdict = None
        named = sample.scores if sample.scores is not None else ({"score": sample.score} if sample.score else {})
        for name, score in named.items():
            explanation = resolve(score.explanation) if score.explanation is not None else None
            answer = resolve(score.answer) if score.answer is not None else None
            scores.append(ForeignScore(name=name, value=json_safe(score.value), unscored=_unscored(score.value),
                                       answer=answer, explanation=explanation,
                                       metadata=json_safe(score.metadata) if score.metadata is not None else None))
            if name == VERDICT_SCORER or name.endswith("/" + VERDICT_SCORER):
                verdict = _verdict(name, score, explanation, answer)
    except _MissingAttachment as exc:
        return problem("unreadable", f"{where} refers to attachment {exc.args[0]}, which the sample does not hold")

    reasoning: str | None
    source: Literal["blocks", "scratchpad", "think"] | None
    if final.reasoning is not None or final.reasoning_redacted:
        reasoning, source = final.reasoning, "blocks"
    else:
        reasoning, source = reply_reasoning(reply)
    system = next((m.text for m in messages if m.role == "system"), None)
    user_message = next((m.text for m in messages if m.role == "user"), None)
    condition_id: str | None = None
    parts: ConditionParts | None = None
    inbox: str | None = None
    user_prompt = user_message
    scenario = header.task
    if header.task.rsplit("/", 1)[-1] == AM_TASK:
        named_id = sample.metadata.get("condition_id")
        condition_id = named_id if isinstance(named_id, str) else str(sample.id)
        parts = condition_parts(sample.metadata, condition_id)
        variant = port_variant(sample.metadata, condition_id)
        if parts is not None and variant:
            parts = parts.model_copy(update={"variant": variant})
        scenario = parts.scenario if parts and parts.scenario else condition_id.split("_")[0]
        if user_message is not None:
            user_prompt, inbox = _split_inbox(user_message)
    return ForeignRun(
        source_format=FORMAT, source_root=header.file, source_file=header.name, source_member=member,
        source_hash=digest, experiment=header.eval_id, scenario=scenario, task=header.task, condition_id=condition_id,
        condition=parts, model=header.model, sample_id=sample.id, epoch=sample.epoch,
        timestamp=sample.started_at or header.created, system_prompt=system, user_prompt=user_prompt, inbox=inbox,
        user_message=user_message, reasoning=reasoning, reasoning_source=source if reasoning is not None else None,
        reply=reply, messages=messages, verdict=verdict, scores=tuple(scores), metadata=sample.metadata,
        parameters=header.parameters, log_status=header.status,
    )


# -- .eval: a zip archive, read member by member ----------------------------------------------

class _Refused(Exception):
    """The archive breaks a bound: refuse the whole log."""


class _Corrupt(Exception):
    """One member cannot be read: report it and go on."""


def _bad_name(name: str) -> bool:
    return (name.startswith(("/", "\\")) or "\\" in name or "\0" in name or len(name) > 1024
            or (len(name) > 1 and name[1] == ":") or ".." in name.split("/"))


class _Slice:
    """The bytes [start, start + length) of a file, as a file to read from."""

    def __init__(self, f: IO[bytes], start: int, length: int):
        self._f, self._pos, self._end = f, start, start + length

    def read(self, n: int = -1) -> bytes:
        left = self._end - self._pos
        n = left if n < 0 else min(n, left)
        if n <= 0:
            return b""
        self._f.seek(self._pos)
        data = self._f.read(n)
        if not data:
            raise _Corrupt("the archive ends inside this member")
        self._pos += len(data)
        return data


class _Archive:
    def __init__(self, f: IO[bytes], shown: str, limits: Limits):
        self._f, self._shown, self._limits = f, shown, limits
        self._size = os.fstat(f.fileno()).st_size
        try:
            self._zip = zipfile.ZipFile(f)  # reads the central directory only
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError,
                struct.error) as exc:
            raise ForeignFormatError(
                f"{shown}: not an Inspect eval log (not a readable zip archive: {one_line(exc)})") from exc
        if len(infos) > limits.max_members:
            raise ForeignFormatError(f"{shown}: {len(infos)} archive members, more than the {limits.max_members} "
                                     "this reader takes")
        for info in infos:
            self._check(info)
        ordered = sorted(infos, key=lambda i: i.header_offset)
        for a, b in zip(ordered, ordered[1:] + [None], strict=True):
            end = a.header_offset + 30 + a.compress_size
            if end > (b.header_offset if b is not None else self._size):
                raise ForeignFormatError(
                    f"{shown}: archive members overlap or run past the end of the file ({a.filename}); "
                    "a log Inspect wrote has neither")
        # A member written again later (a sample that was re-run) replaces the first one.
        self.members = {info.filename: info for info in infos}
        self.compression = tuple(sorted({_METHODS[i.compress_type] for i in infos}))

    def _check(self, info: zipfile.ZipInfo) -> None:
        shown, limits, name = self._shown, self._limits, info.filename
        if _bad_name(name):
            raise ForeignFormatError(f"{shown}: archive member {name!r} has a name that leaves the archive; refused")
        if info.flag_bits & 0x1:
            raise ForeignFormatError(f"{shown}: archive member {name} is encrypted; refused")
        if info.compress_type not in _METHODS:
            raise ForeignFormatError(f"{shown}: archive member {name} uses compression method {info.compress_type}, "
                                     "which Inspect does not write (it writes zstd or deflate)")
        if info.file_size > limits.max_member_bytes:
            raise ForeignFormatError(f"{shown}: archive member {name} would be {info.file_size} bytes once "
                                     f"decompressed, more than the {limits.max_member_bytes} this reader takes")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ForeignFormatError(f"{shown}: archive member {name} expands {ratio} times "
                                     f"(more than {limits.max_ratio}): a zip bomb, not a log; refused")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise ForeignFormatError(f"{shown}: archive member {name} is stored but its two sizes differ")

    def read(self, name: str) -> bytes:
        """The member's bytes, decompressed, never more than it declares, CRC-checked."""
        info = self.members[name]
        f = self._f
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise _Corrupt("its local header is missing")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        if start + info.compress_size > self._size:
            raise _Corrupt("it runs past the end of the file")
        limit = info.file_size
        raw = _Slice(f, start, info.compress_size)
        out = bytearray()
        if info.compress_type == zipfile.ZIP_STORED:
            out += raw.read()
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            d = zlib.decompressobj(-15)
            try:
                while chunk := raw.read(1 << 16):
                    while chunk:
                        out += d.decompress(chunk, limit - len(out) + 1)
                        if len(out) > limit:
                            raise _Refused(name)
                        chunk = d.unconsumed_tail
                out += d.flush()
            except zlib.error as exc:
                raise _Corrupt(f"its deflate data is damaged ({exc})") from exc
        else:
            import zstandard  # only .eval logs of inspect_ai 0.3.2xx need it

            dctx = zstandard.ZstdDecompressor(max_window_size=1 << 27)
            try:
                with dctx.stream_reader(raw, read_across_frames=True, closefd=False) as reader:  # type: ignore[arg-type]
                    while piece := reader.read(min(1 << 20, limit - len(out) + 1)):
                        out += piece
                        if len(out) > limit:
                            raise _Refused(name)
            except zstandard.ZstdError as exc:
                raise _Corrupt(f"its zstd data is damaged ({exc})") from exc
        if len(out) > limit:
            raise _Refused(name)
        if len(out) != limit:
            raise _Corrupt(f"it holds {len(out)} bytes, not the {limit} it declares")
        if zlib.crc32(out) != info.CRC:
            raise _Corrupt("its CRC does not match: the member is damaged")
        return bytes(out)

    def _json(self, name: str) -> Any:
        try:
            return json.loads(self._read_or_refuse(name))
        except (ValueError, RecursionError) as exc:
            raise ForeignFormatError(f"{self._shown}: {name} is not valid JSON ({one_line(exc)})") from exc
        except _Corrupt as exc:
            raise ForeignFormatError(f"{self._shown}: {name} cannot be read: {exc}") from exc

    def _read_or_refuse(self, name: str) -> bytes:
        try:
            return self.read(name)
        except _Refused as exc:
            raise ForeignFormatError(f"{self._shown}: archive member {exc.args[0]} decompresses to more than it "
                                     "declares; refused") from exc

    def header(self) -> LogHeader:
        if "header.json" in self.members:
            data = self._json("header.json")
            status: LogStatus | None = None
        elif "_journal/start.json" in self.members:  # a log still being written, or one that died
            data = self._json("_journal/start.json")
            status = "started"
        else:
            raise ForeignFormatError(f"{self._shown}: a zip archive, but not an Inspect eval log "
                                     "(it has no header.json or _journal/start.json)")
        if not isinstance(data, dict):
            raise ForeignFormatError(f"{self._shown}: not an Inspect eval log (its header is {json_kind(data)})")
        return _header(data, self._shown, "eval", status, self.compression)

    def samples(self, header: LogHeader) -> Iterator[ForeignRun | ReadProblem]:
        found: list[tuple[tuple[int, str], str, str, int]] = []
        chunked = {m.group(1) for name in self.members if (m := _CHUNKED_SAMPLE.match(name))}
        for name in self.members:
            m = _SAMPLE_MEMBER.match(name)
            if m and name.split("/")[1] not in chunked:
                sid, epoch = m.group(1), int(m.group(2))
                found.append(((epoch, sid.zfill(20) if sid.isdigit() else sid), name, sid, epoch))
        for prefix in sorted(chunked):
            yield ReadProblem(source_format=FORMAT, file=self._shown, member=f"samples/{prefix}/", kind="unsupported",
                              reason="a sample in Inspect's chunked shape, which this reader does not read")
        for _, name, sid, epoch in sorted(found):
            def problem(reason: str, member: str = name) -> ReadProblem:
                return ReadProblem(source_format=FORMAT, file=self._shown, member=member, kind="unreadable",
                                   reason=reason)
            try:
                data = self._read_or_refuse(name)
            except _Corrupt as exc:
                yield problem(f"cannot be read: {exc}")
                continue
            try:
                sample = _Sample.model_validate_json(data)
            except ValidationError as exc:
                yield problem(invalid_reason(exc))
                continue
            if str(sample.id) != sid or sample.epoch != epoch:
                yield problem(f"holds sample {sample.id} epoch {sample.epoch}, not what its name says")
                continue
            yield _run(sample, header, name, "sha256:" + hashlib.sha256(data).hexdigest())

    def close(self) -> None:
        self._zip.close()
        self._f.close()


# -- .json: one object, streamed -----------------------------------------------------------------

class _Broken(Exception):
    pass


class _JsonStream:
    """A JSON object read from a file a value at a time, so that one value of it (a sample) is
    in memory at once. Values are parsed by the json module; the stream only finds where they
    start, and reads on when one runs past what it holds."""

    CHUNK = 1 << 18
    _decoder = json.JSONDecoder()

    def __init__(self, path: str | os.PathLike[str], shown: str, limits: Limits):
        self._f = open(path, encoding="utf-8")
        self._shown, self._cap = shown, limits.max_member_bytes
        self.buf, self.pos, self.done, self.consumed = "", 0, False, 0
        self._comma = False

    def close(self) -> None:
        self._f.close()

    def _more(self, at_least: int) -> None:
        if self.pos > self.CHUNK:  # drop what was read
            self.consumed += self.pos
            self.buf, self.pos = self.buf[self.pos:], 0
        try:
            chunk = self._f.read(max(self.CHUNK, at_least))
        except UnicodeDecodeError as exc:
            raise _Broken(f"not UTF-8 text ({exc.reason})") from exc
        if chunk:
            self.buf += chunk
        else:
            self.done = True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or self.done:
                return self.buf[self.pos] if self.pos < len(self.buf) else ""
            self._more(0)

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            raise _Broken(f"expected {char!r} at character {self.consumed + self.pos}, found {found!r}")
        self.pos += 1

    def value(self) -> tuple[Any, str]:
        """The next value and its text."""
        self.peek()
        while True:
            try:
                obj, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                short = exc.pos >= len(self.buf) - 64 or exc.msg.startswith("Unterminated string")
                if self.done or not short:
                    where = "the end of the file" if self.done and short else f"character {self.consumed + exc.pos}"
                    raise _Broken(f"{exc.msg} at {where}") from exc
                self._grow()
                continue
            except RecursionError as exc:
                raise ForeignFormatError(f"{self._shown}: JSON nested too deeply to be a log; refused") from exc
            if end == len(self.buf) and not self.done and not isinstance(obj, dict | list):
                self._grow()  # a number or literal the chunk may have cut
                continue
            text = self.buf[self.pos:end]
            self.pos = end
            return obj, text

    def _grow(self) -> None:
        pending = len(self.buf) - self.pos
        if pending > self._cap:
            raise ForeignFormatError(f"{self._shown}: a value of more than {self._cap} characters, more than this "
                                     "reader takes; refused")
        self._more(pending)  # double what is pending: parsing again costs at most twice the value

    def begin_object(self) -> None:
        self.expect("{")
        self._comma = False

    def next_key(self) -> str | None:
        if self.peek() == "}":
            self.pos += 1
            return None
        if self._comma:
            self.expect(",")
        key, _ = self.value()
        if not isinstance(key, str):
            raise _Broken(f"expected a key at character {self.consumed + self.pos}")
        self.expect(":")
        self._comma = True
        return key

    def items(self) -> Iterator[tuple[Any, str]]:
        """The values of the array that starts here (nothing for null)."""
        if self.peek() == "n":
            self.value()
            return
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.peek() == "]":
                self.pos += 1
                return
            self.expect(",")


class _JsonLog:
    def __init__(self, path: str | os.PathLike[str], shown: str, limits: Limits):
        self._path, self._shown, self._limits = path, shown, limits
        self._stream: _JsonStream | None = None  # left at the samples when the header came first

    def header(self) -> LogHeader:
        stream = _JsonStream(self._path, self._shown, self._limits)
        data: dict[str, Any] = {}
        try:
            stream.begin_object()
            while (key := stream.next_key()) is not None:
                if key == "samples":
                    if "version" in data and "eval" in data:  # Inspect writes the header first
                        self._stream = stream
                        break
                    for _ in stream.items():  # another writer's order: look past them, come back later
                        pass
                else:
                    data[key], _ = stream.value()
        except _Broken as exc:
            stream.close()
            raise ForeignFormatError(f"{self._shown}: not a readable JSON log ({exc})") from exc
        except BaseException:
            stream.close()
            raise
        if self._stream is None:
            stream.close()
        return _header(data, self._shown, "json")

    def samples(self, header: LogHeader) -> Iterator[ForeignRun | ReadProblem]:
        stream = self._stream
        self._stream = None
        if stream is None:  # find the samples again, from the top
            stream = _JsonStream(self._path, self._shown, self._limits)
            try:
                stream.begin_object()
                while (key := stream.next_key()) not in (None, "samples"):
                    stream.value()
                if key is None:
                    return
            except _Broken as exc:
                yield ReadProblem(source_format=FORMAT, file=self._shown, kind="unreadable",
                                  reason=f"the log breaks off before its samples: {exc}")
                return
        index = 0
        try:
            for obj, text in stream.items():
                member = f"samples[{index}]"
                index += 1
                if not isinstance(obj, dict):
                    yield ReadProblem(source_format=FORMAT, file=self._shown, member=member, kind="unreadable",
                                      reason=f"a sample should be an object, not {json_kind(obj)}")
                    continue
                try:
                    sample = _Sample.model_validate(obj)
                except ValidationError as exc:
                    yield ReadProblem(source_format=FORMAT, file=self._shown, member=member, kind="unreadable",
                                      reason=invalid_reason(exc))
                    continue
                yield _run(sample, header, member, "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest())
        except _Broken as exc:
            yield ReadProblem(source_format=FORMAT, file=self._shown, kind="unreadable",
                              reason=f"the log breaks off after {index} sample(s): {exc}")
        finally:
            stream.close()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def port_variant(metadata: dict[str, Any], condition_id: str) -> str | None:
    """What the port's task arguments, which it keeps in each sample's metadata, added to the
    plain prompts of a condition (its production prompts, the framework's alignment-faking
    warning, extra system instructions), named as the framework's own runs name them; None
    for the plain prompts. Its condition id does not change with them."""
    return prompt_variant({"production_variant": metadata.get("prod") is True,
                           "extra_system_instructions": metadata.get("extra_system_instructions"),
                           "alignment_faking": metadata.get("test_eval_awareness") is True}, condition_id)
