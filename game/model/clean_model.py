"""The records' side of the sanitising boundary: a pydantic base whose strings are cleaned as
they are validated (game.model.textsafe has the cleaning itself, without pydantic)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator

from game.model.textsafe import clean_value


class CleanModel(BaseModel):
    """A model whose text can never carry a terminal escape: every string field is cleaned as
    it is validated, whichever file, API or author it came from. This is the data side of the
    sanitising boundary (the command line's output streams are the other: textsafe.CleanStream).

    Fields named in `RAW_FIELDS` are kept byte for byte: data that goes back to an API
    unchanged (a thinking block's text is signed) and is never shown."""

    RAW_FIELDS: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name in cls.RAW_FIELDS or isinstance(value, BaseModel):
            return value
        return clean_value(value)
