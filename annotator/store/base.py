"""The storage interface. Everything above the store speaks to this, never to SQL.

A store holds documents and, per (document, annotator), the record being annotated, plus an
append-only log of actions from which undo and redo work. Every call that changes something is
one durable transaction, committed before it returns.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from annotator.model.working import Op, WorkingRecord

Plan = Callable[[WorkingRecord], list[Op]]


@dataclass(frozen=True, slots=True)
class DocInfo:
    """A document as the document list shows it, for one annotator."""

    id: str
    position: int  # 1-based, in import order
    status: str
    spans: int
    flags: int


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


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document ready to store: validated, hashed, with where it came from."""

    id: str
    text: str
    text_sha256: str
    meta: dict[str, Any]
    source: str


@dataclass(slots=True)
class Change:
    """What an action did: the ops applied (in order) and the record after them."""

    ops: list[Op]
    record: WorkingRecord
    kind: str = "do"  # do | undo | redo
    info: dict[str, Any] = field(default_factory=dict)


class StoredRecord(NamedTuple):
    """One record as the store holds it: ``meta``, ``spans`` and ``flags`` are JSON (bytes or
    str), unparsed, for whoever reads them to parse as it needs."""

    id: str
    text: str
    text_sha256: str
    meta: Any
    annotator: str
    status: str
    spans: Any
    flags: Any
    updated_at: str | None


class ImportRejected(Exception):
    """An import rolled back because its source had invalid lines (the caller lists them)."""

    def __init__(self, summary: ImportSummary):
        self.summary = summary
        super().__init__("import rolled back")


class Store(ABC):
    path: str

    @abstractmethod
    def add_documents(self, docs: Iterable[NewDocument]) -> ImportSummary:
        """Add documents in one transaction (see :meth:`import_items`)."""

    @abstractmethod
    def import_items(self, items: Iterable[tuple[NewDocument, dict[str, Any] | None]], *, replace: bool = False,
                     accept: Callable[[], bool] = lambda: True) -> ImportSummary:
        """Add documents, each with an annotator's validated record or None, in ONE transaction.

        The same id and hash is a no-op; the same id with another text is a problem naming both
        sources. Any problem, or ``accept()`` returning False once ``items`` is exhausted, rolls the
        whole transaction back: the store is unchanged (InvalidData / ImportRejected is raised)."""

    @abstractmethod
    def documents(self, annotator: str) -> list[DocInfo]: ...

    @abstractmethod
    def document_count(self) -> int: ...

    @abstractmethod
    def neighbour(self, doc_id: str | None, annotator: str, direction: int, *, todo_only: bool = False) -> str | None:
        """The next (+1) or previous (-1) document id after ``doc_id`` (None: from the edge)."""

    @abstractmethod
    def position(self, doc_id: str) -> int: ...

    @abstractmethod
    def load(self, doc_id: str, annotator: str) -> WorkingRecord:
        """The current record (an empty one, status todo, if the annotator has not started)."""

    @abstractmethod
    def apply(self, doc_id: str, annotator: str, plan: Plan) -> Change:
        """Run ``plan`` on the fresh record inside one durable transaction and log its ops."""

    @abstractmethod
    def undo(self, doc_id: str, annotator: str) -> Change | None: ...

    @abstractmethod
    def redo(self, doc_id: str, annotator: str) -> Change | None: ...

    @abstractmethod
    def iter_records(self, *, annotator: str | None = None, status: str | None = None,
                     part: tuple[int, int] | None = None) -> Iterator[StoredRecord]:
        """The records as stored (JSON parts unparsed), in document order, from one consistent
        snapshot; ``part``: only the documents of one of :meth:`parts`."""

    @abstractmethod
    def iter_export(self, *, annotator: str | None = None, status: str | None = None,
                    scheme_name: str, scheme_version: int) -> Iterator[bytes]:
        """Native JSONL lines (without newline), streamed in document order."""

    @abstractmethod
    def parts(self, count: int) -> list[tuple[int, int]]:
        """The documents cut into about ``count`` parts of similar size, for :meth:`iter_records`
        in several processes (each part read in its own snapshot)."""

    @abstractmethod
    def count_records(self, *, annotator: str | None = None, status: str | None = None) -> int: ...

    @abstractmethod
    def annotators(self) -> list[str]: ...

    @abstractmethod
    def record_annotators(self, doc_id: str) -> list[str]:
        """Who has a record of this document (sorted)."""

    @abstractmethod
    def reviewable(self, reviewer: str) -> list[str]:
        """Ids of the documents someone other than ``reviewer`` has a record of, in order."""

    @abstractmethod
    def stats(self) -> dict[str, Any]: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
