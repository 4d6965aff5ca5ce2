"""Readers of other projects' run formats, one module per format, each yielding `ForeignRun`s
(and `ReadProblem`s for what it could not read):

- agentic_misalignment: the research framework's `results/<experiment>` folders;
- inspect_log: Inspect eval logs, `.eval` (zip, zstd or deflate members) and `.json`.

They read the documented formats with pydantic models of their own and depend on neither
project. Mapping a `ForeignRun` into one of our transcripts happens elsewhere."""

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
