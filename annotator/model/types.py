"""The shapes of the data that crosses every boundary (readers, the store, the screens, writers),
named once, with no pydantic import.

Spans, flags and records travel as plain JSON-able dicts (that is what the store keeps and what
export writes), so their shapes are ``TypedDict``s; ops are a tagged union on their ``op`` key.
The pydantic models (``span.py``, ``record.py``) validate data INTO these shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict, get_args

Status = Literal["todo", "in_progress", "done", "skipped"]
STATUSES: tuple[Status, ...] = get_args(Status)
IN_PROGRESS: Status = "in_progress"
# the statuses of documents still to do, for "next to do"
TODO_STATUSES: frozenset[Status] = frozenset({"todo", "in_progress"})

# How a reviewer's gold span came to be (``provenance.decision``).
Decision = Literal["auto_accepted", "accepted", "picked", "added"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)

# Keys only an export record has: a JSONL line with any of them is a record, else a document.
RECORD_ONLY_KEYS = frozenset({"spans", "text_sha256", "annotator", "status", "schema", "schema_version", "flags"})

AttrValue = str | int | float | bool
Attrs = dict[str, AttrValue]
# Free JSON metadata of a document (``meta``): whatever the source carried.
JSONObject = dict[str, Any]


class Provenance(TypedDict):
    annotators: list[str]
    decision: Decision


class Span(TypedDict):
    """A span as stored and exported: ``text == document text[start:end]``."""

    id: str
    start: int
    end: int
    label: str
    text: str
    attrs: Attrs
    source: str
    provenance: NotRequired[Provenance]


class Flag(TypedDict):
    id: str
    comment: str
    at: NotRequired[str]


class RecordParts(TypedDict):
    """What the store keeps of one annotator's record besides the document (canonical form:
    defaults filled in, unset attributes dropped)."""

    annotator: str
    status: Status
    spans: list[Span]
    flags: list[Flag]
    updated_at: str | None


class RecordDict(TypedDict):
    """One export record: a line of native JSONL (``schemas/record.schema.json``)."""

    id: str
    text: str
    text_sha256: str
    meta: JSONObject
    annotator: str | None
    status: Status
    schema: str
    schema_version: int
    spans: list[Span]
    flags: list[Flag]
    updated_at: str | None


# -- ops: the patches the action log records ------------------------------------------------------


class AddSpan(TypedDict):
    op: Literal["add_span"]
    span: Span


class RemoveSpan(TypedDict):
    op: Literal["remove_span"]
    span: Span


class SetAttrs(TypedDict):
    op: Literal["set_attrs"]
    id: str
    attrs: Attrs
    old: Attrs


class SetStatus(TypedDict):
    op: Literal["set_status"]
    status: Status
    old: Status


class AddFlag(TypedDict):
    op: Literal["add_flag"]
    flag: Flag


class RemoveFlag(TypedDict):
    op: Literal["remove_flag"]
    flag: Flag


Op = AddSpan | RemoveSpan | SetAttrs | SetStatus | AddFlag | RemoveFlag


# -- documents on their way in --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document ready to store: validated, hashed, with where it came from."""

    id: str
    text: str
    text_sha256: str
    meta: JSONObject
    source: str


@dataclass(slots=True)
class ImportItem:
    """What every reader yields: a document, with one annotator's record when the source had one."""

    document: NewDocument
    record: RecordParts | None
    line: int | None = None
