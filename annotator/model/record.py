"""The export record: one document as one annotator has it (the line of native JSONL).

``Record`` accepts any label and attributes; the scheme compiles a subclass whose spans are typed
per label (see ``annotator.schema.compiled``). Both run the same rules (``annotator.model.rules``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from annotator.model.document import checked_sha256
from annotator.model.patterns import ANNOTATOR_PATTERN, DOC_ID_PATTERN, ISO_DATETIME_PATTERN, SHA256_PATTERN
from annotator.model.rules import RefAttrs, record_is_clean, record_problems
from annotator.model.span import Flag, Span
from annotator.model.types import STATUSES, Status

__all__ = ["STATUSES", "Record", "rule_error"]


def rule_error(problems: list[tuple[str, str]]) -> PydanticCustomError:
    """One pydantic error carrying every (field, message) problem; formatters expand it."""
    detail = "; ".join(f"{f}: {m}" for f, m in problems)
    return PydanticCustomError("record_rules", "{detail}", {"detail": detail, "problems": problems})


class Record(BaseModel):
    """One line of native JSONL. Rules: offsets in range, span text equals the slice, unique span
    ids, no two spans with the same (start, end, label), ``ref`` attributes that resolve, and a
    ``text_sha256`` that matches the text."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    ref_attrs: ClassVar[RefAttrs] = {}
    scheme_name: ClassVar[str | None] = None
    scheme_version: ClassVar[int | None] = None

    id: str = Field(pattern=DOC_ID_PATTERN)
    text: str
    text_sha256: str = Field(pattern=SHA256_PATTERN)
    meta: dict[str, Any] = Field(default_factory=dict)
    annotator: str | None = Field(default=None, pattern=ANNOTATOR_PATTERN)
    status: Status = "todo"
    schema_: str = Field(alias="schema", serialization_alias="schema")
    schema_version: int = Field(ge=1)
    spans: list[Span] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    updated_at: str | None = Field(default=None, pattern=ISO_DATETIME_PATTERN)

    @model_validator(mode="after")
    def _rules(self) -> Record:
        problems: list[tuple[str, str]] = []
        digest = checked_sha256(self.text)
        if isinstance(digest, int):
            problems.append(("text", f"lone surrogate at offset {digest}"))
        elif digest != self.text_sha256:
            problems.append(("text_sha256", "does not match the text (annotations of a different text are refused)"))
        cls = type(self)
        if cls.scheme_name is not None and self.schema_ != cls.scheme_name:
            problems.append(("schema", f"{self.schema_!r} is not the scheme in use ({cls.scheme_name!r})"))
        if cls.scheme_version is not None and self.schema_version > cls.scheme_version:
            problems.append(("schema_version", f"{self.schema_version} is newer than the scheme's "
                                               f"({cls.scheme_version})"))
        if not problems and not record_is_clean(self.text, self.spans, cls.ref_attrs):
            problems = record_problems(
                self.text, ((s.id, s.start, s.end, s.label, s.text, s.attrs) for s in self.spans), cls.ref_attrs
            )
        flag_ids = [f.id for f in self.flags]
        if len(set(flag_ids)) != len(flag_ids):
            problems.append(("flags", "duplicate flag id"))
        if problems:
            raise rule_error(problems)
        return self
