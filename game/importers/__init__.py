"""Readers of other projects' run formats, one module per format, each yielding `ForeignRun`s
(and `ReadProblem`s for what it could not read):

- agentic_misalignment: the research framework's `results/<experiment>` folders;
- inspect_log: Inspect eval logs, `.eval` (zip, zstd or deflate members) and `.json`.

They read the documented formats with pydantic models of their own and depend on neither
project. to_transcript maps a `ForeignRun` into one of our transcripts; store keeps an import
idempotent; pipeline runs an import (labels, worker processes, files, the tally)."""

from game.importers.foreign import (
    LIMITS,
    ConditionParts,
    ForeignFormatError,
    ForeignMessage,
    ForeignRun,
    ForeignScore,
    ForeignToolCall,
    Limits,
    ReadProblem,
    SourceVerdict,
)

__all__ = [
    "LIMITS",
    "ConditionParts",
    "ForeignFormatError",
    "ForeignMessage",
    "ForeignRun",
    "ForeignScore",
    "ForeignToolCall",
    "Limits",
    "ReadProblem",
    "SourceVerdict",
]
