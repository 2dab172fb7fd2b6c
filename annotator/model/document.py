"""Documents: an id, the exact text (never normalised) and its SHA-256, and free metadata."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Ids become file names in some exports (brat), keys in others: keep them printable and bounded.
DOC_ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]{1,256}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


def text_sha256(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes, as 64 lower-case hex digits.

    ``surrogatepass`` keeps the function total; the models refuse lone surrogates before this runs.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def checked_sha256(text: str) -> str | int:
    """The text's SHA-256, or the offset of its first lone surrogate (one UTF-8 encoding for both)."""
    try:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as exc:
        return exc.start


def has_lone_surrogate(text: str) -> int | None:
    """The code-point offset of the first lone surrogate in ``text``, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


class Document(BaseModel):
    """One article as imported. ``text`` is kept exactly as read; offsets index it by code point."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: str = Field(pattern=DOC_ID_PATTERN)
    text: str
    text_sha256: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")
    meta: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_text(self) -> Document:
        bad = has_lone_surrogate(self.text)
        if bad is not None:
            raise ValueError(f"text: lone surrogate at offset {bad}")
        digest = text_sha256(self.text)
        if not self.text_sha256:
            object.__setattr__(self, "text_sha256", digest)
        elif self.text_sha256 != digest:
            raise ValueError("text_sha256 does not match the text")
        return self
