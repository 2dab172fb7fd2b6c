"""The storage interface. Everything above the store speaks to this, never to SQL.

A store holds documents and, per (document, annotator), the record being annotated, plus an
append-only log of actions from which undo and redo work. Every call that changes something is
one durable transaction, committed before it returns.

The class has two halves:

- what a BACKEND implements (the abstract methods: documents, records, the action log,
  assignments, kept suggestions and consistent snapshots, in its own SQL). SQLite
  (``sqlite.py``) and PostgreSQL (``postgres.py``) write only these and pass the same contract
  tests (``tests/store/``).
- what everything above CALLS (``load``, ``apply``, ``undo``, ``redo``, ``import_items``,
  ``iter_records``), written once for every backend: what the log means (replay, undo/redo,
  compaction) in ``history.py``, the rules of importing over a record in ``importer.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Literal

from annotator.model.actions import now_iso
from annotator.model.types import ImportItem, NewDocument, Op, Status
from annotator.model.working import WorkingRecord
from annotator.store.rows import (
    AnnotatorProgress,
    AssignableDocument,
    BaseRecord,
    Change,
    DocInfo,
    EntryKind,
    ImportRejected,
    ImportSummary,
    JSONText,
    LogEntry,
    LogHead,
    NewRecord,
    Part,
    Plan,
    PutDocument,
    RecordCounts,
    RecordQuery,
    Snapshot,
    SnapshotRow,
    StoredDocument,
    StoredRecord,
    StoredSuggestions,
    SuggestionKey,
    SuggestionsRow,
)

if TYPE_CHECKING:
    from annotator.store.history import History

__all__ = [  # the interface, and the rows it speaks in (defined in rows.py)
    "AnnotatorProgress",
    "AssignableDocument",
    "BaseRecord",
    "Change",
    "DocInfo",
    "EntryKind",
    "ImportRejected",
    "ImportSummary",
    "JSONText",
    "LogEntry",
    "LogHead",
    "NewRecord",
    "Part",
    "Plan",
    "PutDocument",
    "RecordCounts",
    "RecordQuery",
    "Snapshot",
    "SnapshotRow",
    "Store",
    "StoredDocument",
    "StoredRecord",
    "StoredSuggestions",
    "SuggestionKey",
    "SuggestionsRow",
]

# -- the interface -------------------------------------------------------------------------------


class Store(ABC):
    """Documents, records, the action log and snapshots (abstract: a backend's SQL), and the
    verbs written once above them (concrete)."""

    location: str  # what messages call this store: a path, or user@host/db (never a password)
    # Set by the backend when it opens a store it can read but not write (a file's permissions, an
    # immutable file, a read-only mount, a role without write grants); it may also turn True when
    # a write finds it out. Every write then raises StoreError("...: the store is read-only ...")
    # and changes nothing; reading, snapshots and exports work. Screens show it.
    read_only: bool = False
    # items an import puts at once (put_documents, insert_records): few where each goes in alone
    # anyway (SQLite: fewer held in memory is faster), many where a batch is one statement
    import_batch: int = 50
    # who the store says is working (PostgreSQL: the database user, current_user, which its
    # row-level security holds to their own records); None where a name is only a label (SQLite)
    user: str | None = None

    def __init__(self) -> None:
        from annotator.store.history import History

        self.history: History = History(self)

    # == what a backend implements ====================================================================

    # -- transactions --

    @abstractmethod
    def transaction(self, *, bulk: bool = False) -> AbstractContextManager[None]:
        """One write transaction, committed durably on exit or rolled back on an exception;
        ``bulk``: many rows follow (an import). Raises StoreError when the store stays busy or
        cannot be written (``read_only``), never the driver's own error."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """A consistent read of the store (its own read transaction)."""

    @abstractmethod
    def close(self) -> None: ...

    # -- documents --

    @abstractmethod
    def insert_document(self, doc: NewDocument, added_at: str) -> int | None:
        """Add a document and return its key; None when its id is in the store already."""

    @abstractmethod
    def find_document(self, doc_id: str) -> tuple[int, StoredDocument] | None:
        """The key and the stored document of ``doc_id``, if any."""

    @abstractmethod
    def doc_key(self, doc_id: str) -> int:
        """The key of a document (StoreError naming it when there is none). Keys never change."""

    @abstractmethod
    def read_document(self, key: int) -> StoredDocument: ...

    @abstractmethod
    def documents(self, annotator: str, assigned_only: bool = False) -> list[DocInfo]:
        """Every document in import order (only those assigned to the annotator when
        ``assigned_only``), with the annotator's status and counts."""

    @abstractmethod
    def document_count(self) -> int: ...

    @abstractmethod
    def position(self, doc_id: str) -> int:
        """1-based place of the document in import order."""

    @abstractmethod
    def neighbour(self, doc_id: str | None, annotator: str, direction: int,
                  statuses: frozenset[Status] | None = None, assigned_only: bool = False) -> str | None:
        """The next (+1) or previous (-1) document id after ``doc_id`` (None: from the edge),
        with one of ``statuses`` for the annotator when given, among the documents assigned to
        the annotator when ``assigned_only``."""

    # -- records and the action log (each called inside a transaction) --

    @abstractmethod
    def log_head(self, key: int, annotator: str) -> LogHead:
        """One query: where the record's history stands."""

    @abstractmethod
    def read_base(self, key: int, annotator: str) -> BaseRecord | None:
        """The record as stored at its base entry; None when the annotator has no record."""

    @abstractmethod
    def entries_after(self, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
        """The ops of each of the record's log entries after ``seq``, in order."""

    @abstractmethod
    def read_entry(self, seq: int) -> LogEntry: ...

    @abstractmethod
    def last_undo_link(self, target: int) -> int | None:
        """The ``link`` of the newest undo entry that reverted ``target`` (the redo stack below it)."""

    @abstractmethod
    def append_entry(self, key: int, annotator: str, entry: LogEntry,
                     counts: RecordCounts) -> tuple[int, int | None, int]:
        """Append ``entry`` to the log and bring the record row's counts up to date; return the
        entry's seq, the record row's identity (None: the record has no row yet, the caller
        inserts it with :meth:`insert_record`) and how many entries now lag behind its JSON."""

    @abstractmethod
    def insert_record(self, key: int, annotator: str, counts: RecordCounts, spans: JSONText, flags: JSONText,
                      base_seq: int) -> int | None:
        """Add a record row with its JSON as of ``base_seq``; None when the record exists."""

    @abstractmethod
    def rebase(self, key: int, annotator: str, spans: JSONText, flags: JSONText, seq: int) -> None:
        """Store the record's JSON as of entry ``seq``, which becomes its base (compaction)."""

    # -- suggestions kept per (document, annotator) (each write inside a transaction) --

    @abstractmethod
    def read_suggestions(self, key: int, annotator: str) -> StoredSuggestions:
        """The record's kept suggestions and rejections (``items`` None: never computed)."""

    @abstractmethod
    def put_suggestions(self, key: int, annotator: str, items: JSONText, made_by: str, computed_at: str) -> None:
        """Keep ``items`` as the record's suggestions, replacing any kept before (rejections stay)."""

    @abstractmethod
    def add_rejection(self, key: int, annotator: str, suggestion: SuggestionKey, at: str) -> bool:
        """Remember that the annotator rejected this suggestion; False when it was already."""

    # -- another connection --

    @abstractmethod
    def reopener(self) -> Callable[[], Store]:
        """How to open another connection to this same store, in another thread or another
        process: a function that pickles (a screen's suggestions are made in a child process)."""

    def reopen(self) -> Store:
        """Another connection to this same store, for another thread (a screen's background
        worker): what it writes is committed as durably, in transactions of its own. The checks
        made when this store was opened are not repeated."""
        return self.reopener()()

    # -- many rows at once (an import; one at a time unless a backend has a faster way) --

    def put_documents(self, docs: Sequence[NewDocument], added_at: str) -> list[PutDocument]:
        """Add each document whose id is new (in order), and say for every one what happened."""
        out = []
        for doc in docs:
            key = self.insert_document(doc, added_at)
            if key is not None:
                out.append(PutDocument(key, True, doc.text_sha256, doc.source))
                continue
            found = self.find_document(doc.id)
            assert found is not None  # its id was just refused as taken
            out.append(PutDocument(found[0], False, found[1].text_sha256, found[1].source))
        return out

    def insert_records(self, rows: Sequence[NewRecord]) -> list[bool]:
        """:meth:`insert_record` of each row, in order: whether it was added (False: the record
        exists, or came earlier in ``rows``)."""
        return [self.insert_record(*row) is not None for row in rows]

    # -- assignments --

    @abstractmethod
    def assignable(self) -> list[AssignableDocument]:
        """Every document in import order, with who it is assigned to."""

    @abstractmethod
    def add_assignments(self, pairs: Sequence[tuple[int, str]], assigned_at: str) -> int:
        """Assign documents (by key) to annotators; return how many were new. In a transaction."""

    @abstractmethod
    def has_assignments(self, annotator: str) -> bool:
        """Whether any document is assigned to the annotator."""

    @abstractmethod
    def progress(self) -> list[AnnotatorProgress]:
        """Per annotator with assignments (sorted): assigned, in progress and done documents."""

    @abstractmethod
    def ready_for_review(self) -> list[str]:
        """Ids of the assigned documents that every annotator they are assigned to has marked
        done, in import order."""

    # -- who has what --

    @abstractmethod
    def annotators(self) -> list[str]:
        """Everyone with a record, sorted."""

    @abstractmethod
    def record_annotators(self, doc_id: str) -> list[str]:
        """Who has a record of this document (sorted)."""

    @abstractmethod
    def reviewable(self, reviewer: str) -> list[str]:
        """Ids of the documents someone other than ``reviewer`` has a record of, in order."""

    @abstractmethod
    def count_records(self, query: RecordQuery) -> int: ...

    # -- reading in parallel --

    @abstractmethod
    def parts(self, count: int) -> list[Part]:
        """The documents cut into about ``count`` parts of similar size, for reading in several
        processes (each part read in its own snapshot)."""

    @abstractmethod
    def size_hint(self) -> int:
        """About how many bytes the store holds (whether reading it is worth several processes)."""

    # == what everything above calls (written once, for every backend) ================================

    def load(self, doc_id: str, annotator: str) -> WorkingRecord:
        """The current record (an empty one, status todo, if the annotator has not started)."""
        return self.history.load(self.doc_key(doc_id), annotator)

    def version(self, doc_id: str, annotator: str) -> tuple[int | None, int | None]:
        """A token that changes whenever the record does (another process's action included)."""
        return self.log_head(self.doc_key(doc_id), annotator).version

    def apply(self, doc_id: str, annotator: str, plan: Plan) -> Change:
        """Run ``plan`` on the fresh record inside one durable transaction and log its ops."""
        return self.history.apply(doc_id, annotator, plan)

    def undo(self, doc_id: str, annotator: str) -> Change | None:
        return self.history.step(doc_id, annotator, "undo")

    def redo(self, doc_id: str, annotator: str) -> Change | None:
        return self.history.step(doc_id, annotator, "redo")

    def next_step(self, doc_id: str, annotator: str, kind: Literal["undo", "redo"]) -> list[Op] | None:
        """The ops the next undo (redo) would apply, read without changing anything (None: none)."""
        return self.history.next_step(doc_id, annotator, kind)

    def compact(self, doc_id: str, annotator: str) -> None:
        """Fold the record's pending log entries into its stored JSON (makes exports cheaper)."""
        self.history.compact(doc_id, annotator)

    def import_items(self, items: Iterable[ImportItem], *, replace: bool = False,
                     accept: Callable[[], bool] = lambda: True) -> ImportSummary:
        """Add documents, each with an annotator's validated record or None, in ONE transaction.

        The same id and hash is a no-op; the same id with another text is a problem naming both
        sources. Any problem, or ``accept()`` returning False once ``items`` is exhausted, rolls the
        whole transaction back: the store is unchanged (InvalidData / ImportRejected is raised)."""
        from annotator.store.importer import import_items

        return import_items(self, items, replace=replace, accept=accept)

    def add_documents(self, docs: Iterable[NewDocument]) -> ImportSummary:
        return self.import_items(ImportItem(doc, None) for doc in docs)

    def suggestions(self, doc_id: str, annotator: str) -> StoredSuggestions:
        """The document's suggestions kept for the annotator, with their rejections."""
        return self.read_suggestions(self.doc_key(doc_id), annotator)

    def save_suggestions(self, rows: Iterable[SuggestionsRow], *, batch: int = 500) -> int:
        """Keep each row's suggestions (replacing those kept before; rejections stay), ``batch``
        rows per durable transaction; return how many rows were kept."""
        n = 0
        pending: list[SuggestionsRow] = []

        def flush() -> None:
            with self.transaction(bulk=len(pending) > 1):
                for row in pending:
                    self.put_suggestions(self.doc_key(row.doc_id), row.annotator, row.items, row.made_by,
                                         row.computed_at)
            pending.clear()

        for row in rows:
            pending.append(row)
            n += 1
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
        return n

    def reject_suggestion(self, doc_id: str, annotator: str, suggestion: SuggestionKey) -> bool:
        """Remember, durably, that the annotator rejected this suggestion of the document: it is
        never proposed to them there again. False when it was rejected already."""
        key = self.doc_key(doc_id)
        with self.transaction():
            return self.add_rejection(key, annotator, suggestion, now_iso())

    def iter_records(self, query: RecordQuery = RecordQuery()) -> Iterator[StoredRecord]:
        """The records of ``query`` as stored (JSON parts unparsed), in document order, from one
        consistent snapshot (pending log entries replayed)."""
        return self.history.iter_records(query)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

