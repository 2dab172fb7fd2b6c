"""Spans, flags and provenance: the parts of a record that annotators make."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from annotator.model.patterns import SOURCE_PATTERN, SPAN_ID_PATTERN
from annotator.model.types import Decision


class Provenance(BaseModel):
    """Where a gold span came from: the annotators who had it and the reviewer's decision."""

    model_config = ConfigDict(extra="forbid", strict=True)

    annotators: list[str] = Field(default_factory=list)
    decision: Decision


class Span(BaseModel):
    """A labelled range of the document text: ``text == document.text[start:end]``.

    The scheme compiles one subclass per label with typed ``attrs``; this base accepts any attrs.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(pattern=SPAN_ID_PATTERN)
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    label: str
    text: str
    attrs: dict[str, Any] = Field(default_factory=dict)
    source: str = Field(default="manual", pattern=SOURCE_PATTERN)
    provenance: Provenance | None = None


class Flag(BaseModel):
    """A comment an annotator attaches to a whole document ("ambiguous date", "not news")."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(pattern=SPAN_ID_PATTERN)
    comment: str = Field(max_length=10_000)
    at: str | None = None
