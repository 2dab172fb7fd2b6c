"""The rows that cross the store's interface: what a backend gives and takes (documents, records,
log entries, snapshots, kept suggestions, assignments, progress), as named types. ``base.py``
states the interface over them and re-exports them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from annotator.model.types import Op, Status
from annotator.model.working import WorkingRecord

Plan = Callable[[WorkingRecord], list[Op]]
JSONText = str | bytes  # a JSON value as stored, unparsed
EntryKind = Literal["do", "undo", "redo"]


# -- what crosses the interface ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocInfo:
    """A document as the document list shows it, for one annotator."""

    id: str
    position: int  # 1-based, in import order
    status: Status
    spans: int
    flags: int
    assigned: bool = False  # handed to this annotator (annotator assign)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: str
    text: str
    text_sha256: str
    meta: JSONText
    source: str


@dataclass(frozen=True, slots=True)
class PutDocument:
    """What putting one document did: its key, whether it was added, and the stored document's
    hash and source (those of the one already there when it was not added)."""

    key: int
    added: bool
    text_sha256: str
    source: str


@dataclass(frozen=True, slots=True)
class AssignableDocument:
    """A document as ``annotator assign`` sees it."""

    key: int
    id: str
    length: int  # characters of its text
    assigned: tuple[str, ...]  # who has it already, sorted
    finished: bool  # someone has marked it done


@dataclass(frozen=True, slots=True)
class AnnotatorProgress:
    """One annotator's assigned documents, by their status."""

    annotator: str
    assigned: int
    in_progress: int
    done: int


@dataclass(slots=True)
class ImportSummary:
    documents_added: int = 0
    documents_unchanged: int = 0
    records_added: int = 0
    records_unchanged: int = 0
    records_replaced: int = 0

    def __str__(self) -> str:
        parts = [f"{self.documents_added} new document(s)", f"{self.documents_unchanged} already in the store"]
        if self.records_added or self.records_unchanged or self.records_replaced:
            parts.append(f"{self.records_added} record(s) added")
            parts.append(f"{self.records_unchanged} unchanged")
            if self.records_replaced:
                parts.append(f"{self.records_replaced} replaced")
        return ", ".join(parts)


@dataclass(slots=True)
class Change:
    """What an action did: the ops applied (in order) and the record after them."""

    ops: list[Op]
    record: WorkingRecord
    kind: Literal["do", "undo", "redo", "none"] = "do"
    # the record's version (Store.version) as the action left it, known inside its transaction;
    # None: not known (then ask the store)
    version: tuple[int | None, int | None] | None = None


class StoredRecord(NamedTuple):
    """One record as the store holds it: ``meta``, ``spans`` and ``flags`` are JSON (bytes or
    str), unparsed, for whoever reads them to parse as it needs."""

    id: str
    text: str
    text_sha256: str
    meta: JSONText
    annotator: str | None  # None: a document nobody has a record of (exported as to do)
    status: Status
    spans: JSONText
    flags: JSONText
    updated_at: str | None


@dataclass(frozen=True, slots=True)
class LogHead:
    """Where a record's history stands: its newest log entry and the tops of its undo and redo
    stacks. ``version`` changes with every action and every import that puts the record."""

    last: int | None  # seq of the newest entry; None: no action yet
    undo: int | None  # the entry an undo reverts
    redo: int | None  # the entry a redo applies again
    row: int | None  # the record row's identity; None: no record yet

    @property
    def version(self) -> tuple[int | None, int | None]:
        return (self.last, self.row)


@dataclass(frozen=True, slots=True)
class BaseRecord:
    """A record as stored at log entry ``base_seq``; the entries after it are replayed on load."""

    status: Status
    spans: JSONText
    flags: JSONText
    updated_at: str | None
    base_seq: int


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the action log. ``undo_head``/``redo_head``: the stack tops after it (a do
    entry is its own undo head); ``link``: for a do entry the undo entry below it, for an undo
    entry the redo entry below it; ``target``: the entry an undo or redo reverted or re-applied."""

    kind: EntryKind
    ops: list[Op]
    target: int | None = None
    undo_head: int | None = None
    redo_head: int | None = None
    link: int | None = None


@dataclass(frozen=True, slots=True)
class RecordCounts:
    """What the record row keeps beside the log (what the document list shows)."""

    status: Status
    spans: int
    flags: int
    updated_at: str | None


class NewRecord(NamedTuple):
    """A record row to add with its JSON as of ``base_seq`` (see :meth:`Store.insert_record`)."""

    key: int
    annotator: str
    counts: RecordCounts
    spans: JSONText
    flags: JSONText
    base_seq: int


class SnapshotRow(NamedTuple):
    """A record in a snapshot, with how far its stored JSON lags behind its log (a tuple: one is
    made per record of an export, and a frozen dataclass costs several times as much to make)."""

    key: int
    record: StoredRecord
    pending: int  # log entries after base_seq, to replay
    base_seq: int


@dataclass(frozen=True, slots=True)
class Part:
    """One of the pieces :meth:`Store.parts` cuts the documents into: opaque to everyone but the
    store that made it (which reads ``token``)."""

    token: object


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Which records a snapshot yields: one annotator's or everyone's, of a status or any, of a
    part of the documents or all; with ``untouched``, also a to-do record (no spans) for each
    document an annotator has not touched (everyone's: each annotator who has a record in the
    store; no annotator at all: each document once, with annotator None)."""

    annotator: str | None = None
    status: Status | None = None
    part: Part | None = None
    untouched: bool = False


class Snapshot(ABC):
    """A consistent read of the whole store: nothing written after it began is seen."""

    @abstractmethod
    def rows(self, query: RecordQuery) -> Iterator[SnapshotRow]:
        """The records of ``query`` in document order (then annotator)."""

    @abstractmethod
    def entries_after(self, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
        """The ops of each log entry of the record after ``seq``, in order."""


SuggestionKey = tuple[int, int, str]  # (start, end, label): what a suggestion is known by


@dataclass(frozen=True, slots=True)
class StoredSuggestions:
    """A (document, annotator)'s suggestions as the store keeps them, until the annotator decides:
    the JSON array ``annotator.suggest`` wrote (opaque to the store; None: never computed), what
    made them and when, and the (start, end, label) of each one the annotator rejected, which
    never comes back for that document. Accepted ones are spans of the record (their ``source``
    says where they came from); nothing here is exported."""

    items: JSONText | None
    made_by: str = ""
    computed_at: str | None = None
    rejected: frozenset[SuggestionKey] = frozenset()


class SuggestionsRow(NamedTuple):
    """One (document, annotator)'s computed suggestions to keep (see :meth:`Store.save_suggestions`)."""

    doc_id: str
    annotator: str
    items: JSONText
    made_by: str
    computed_at: str


class ImportRejected(Exception):
    """An import rolled back because its source had invalid lines (the caller lists them)."""

    def __init__(self, summary: ImportSummary):
        self.summary = summary
        super().__init__("import rolled back")
