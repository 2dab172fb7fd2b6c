"""Documents: an id, the exact text (never normalised) and its SHA-256, and free metadata."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from annotator.model.hashing import checked_sha256, has_lone_surrogate, text_sha256
from annotator.model.patterns import DOC_ID_PATTERN, SHA256_PATTERN

__all__ = ["DOC_ID_PATTERN", "SHA256_PATTERN", "Document", "checked_sha256", "has_lone_surrogate", "text_sha256"]



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
