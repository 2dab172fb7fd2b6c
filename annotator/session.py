"""An annotator's working session on a store: the verbs the TUI (and scripts) use, and which
document comes next.

Each verb plans the action with the scheme's rules (``annotator.model.actions``) and runs it
through the store as one durable transaction; it returns the :class:`Change` to repaint from.
The first edit of a document still to do also marks it in progress, in the same action.

A session remembers the version of each record it read (:meth:`Session.record`) or wrote. When the
record has changed since (the same annotator in another window or process), a verb on it does
nothing and raises :class:`RecordChanged`, so a screen reloads before acting rather than act on
what it never showed. The check of an edit runs inside its transaction; undo and redo check just
before theirs. (A change made in the instant between one of this session's commits and its reading
of the new version goes unnoticed until the record changes again; the action is still planned on
the record as stored, so nothing is lost or misplaced.)

An annotator with assignments (``annotator assign``) goes through the documents assigned to them:
next, previous, next to do and the document list follow them until ``show_all`` is set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from annotator.errors import ActionRefused
from annotator.model import actions
from annotator.model.actions import LabelRules, Plan
from annotator.model.types import TODO_STATUSES, Op, Provenance, Status
from annotator.model.working import WorkingRecord
from annotator.store.base import Change, DocInfo, Store

Version = tuple[int | None, int | None]  # Store.version: changes with every action on the record


class RecordChanged(ActionRefused):
    """The record changed since this session read it (another window or process acted on it):
    nothing was done; read it again (:meth:`Session.record`) before acting."""

    def __init__(self, doc_id: str):
        super().__init__(f"{doc_id} changed in another window or process since it was shown; nothing was done",
                         "record")
        self.doc_id = doc_id


def who_where(store: Store, name: str) -> str:
    if store.user is None:
        return name
    return store.location.partition("://")[2] or name


class Session:
    def __init__(self, store: Store, scheme: LabelRules, annotator: str):
        self.store = store
        self.scheme = scheme
        self.annotator = annotator
        self._seen: dict[str, Version] = {}  # doc id -> the version of the record as last read or written
        # called inside an action's transaction, once it holds the store's write lock (a screen that
        # waits for its writes learns that what is left is short: planning and the commit)
        self.on_locked: Callable[[], None] | None = None
        self.has_assignments = store.has_assignments(annotator)
        self.show_all = False  # go through every document, not only the assigned ones

    @property
    def label(self) -> str:
        """Who is working, as the header shows it: the name, and on a shared store its user, host
        and database (``alice@db.example.org:5432/team``; never a password)."""
        return who_where(self.store, self.annotator)

    @property
    def assigned_only(self) -> bool:
        """Whether navigation follows the annotator's assignments."""
        return self.has_assignments and not self.show_all

    # -- documents ---------------------------------------------------------------------------------

    def record(self, doc_id: str) -> WorkingRecord:
        """The record as stored now; later verbs on it refuse to act if it changes elsewhere."""
        version = self.store.version(doc_id, self.annotator)  # before loading: a change in between is seen
        rec = self.store.load(doc_id, self.annotator)
        self._seen[doc_id] = version
        return rec

    def changed(self, doc_id: str) -> bool:
        """Whether the record changed since this session last read or wrote it (one small query)."""
        seen = self._seen.get(doc_id)
        return seen is not None and self.store.version(doc_id, self.annotator) != seen

    def _check(self, doc_id: str) -> None:
        if self.changed(doc_id):
            raise RecordChanged(doc_id)

    def _guarded(self, doc_id: str, plan: Plan) -> Plan:
        """``plan``, refused inside the transaction when the record is not the one last seen."""
        seen = self._seen.get(doc_id)
        locked = self.on_locked
        if seen is None and locked is None:
            return plan

        def checked(rec: WorkingRecord) -> list[Op]:
            if locked is not None:
                locked()
            if seen is not None and self.store.version(doc_id, self.annotator) != seen:
                raise RecordChanged(doc_id)
            return plan(rec)

        return checked

    def _wrote(self, doc_id: str, change: Change | None) -> None:
        """This session's own action is seen: the version it left, known inside its transaction
        (asked afterwards, another terminal's action in between would pass for seen)."""
        if doc_id in self._seen:
            if change is not None and change.version is not None:
                self._seen[doc_id] = change.version
            else:
                self._seen[doc_id] = self.store.version(doc_id, self.annotator)

    def _apply(self, doc_id: str, plan: Plan) -> Change:
        change = self.store.apply(doc_id, self.annotator, self._guarded(doc_id, plan))
        self._wrote(doc_id, change)
        return change

    def documents(self) -> list[DocInfo]:
        return self.store.documents(self.annotator, self.assigned_only)

    def document_count(self) -> int:
        return self.store.document_count()

    def position(self, doc_id: str) -> int:
        """1-based place of the document (StoreError for an id the store lacks)."""
        return self.store.position(doc_id)

    def first_document(self) -> str | None:
        """Where a session opens: the first document still to do (of those assigned, if any), else
        the first."""
        store, who = self.store, self.annotator
        return (self.next_todo(None) or store.neighbour(None, who, 1, assigned_only=self.assigned_only)
                or store.neighbour(None, who, 1))

    def neighbour(self, doc_id: str, direction: int) -> str | None:
        """The next (+1) or previous (-1) document in import order."""
        return self.store.neighbour(doc_id, self.annotator, direction, assigned_only=self.assigned_only)

    def next_todo(self, doc_id: str | None) -> str | None:
        """The next document still to do (todo or in progress) after ``doc_id``, wrapping around
        to the first; never ``doc_id`` itself (None: nothing else is to do)."""
        store, who, mine = self.store, self.annotator, self.assigned_only
        found = store.neighbour(doc_id, who, 1, TODO_STATUSES, mine) if doc_id is not None else None
        found = found or store.neighbour(None, who, 1, TODO_STATUSES, mine)
        return None if found == doc_id else found

    # -- actions -----------------------------------------------------------------------------------

    def edit(self, doc_id: str, plans: Sequence[Plan]) -> Change:
        """Several steps as ONE durable, undoable action (e.g. many suggestions accepted at once);
        a document still to do moves to in progress with it."""
        return self._apply(doc_id, actions.started(lambda r: actions.sequence(r, plans)))

    def plan(self, rec: WorkingRecord, plans: Sequence[Plan]) -> list[Op]:
        """The ops of ONE action of ``plans`` (as :meth:`edit` makes it, the move to in progress
        included), planned on ``rec``, the caller's copy of the record as this session last read or
        wrote it; nothing is written. A screen plans, draws, then :meth:`commit` s the same ops."""
        return actions.started(lambda r: actions.sequence(r, plans))(rec)

    def commit(self, doc_id: str, ops: list[Op]) -> Change:
        """Commit ``ops`` from :meth:`plan` as one durable action; refused (RecordChanged) when the
        record changed since this session last read or wrote it, so the ops are those of the
        record they were planned on."""
        return self._apply(doc_id, lambda rec: list(ops))

    def next_step(self, doc_id: str, kind: Literal["undo", "redo"]) -> list[Op] | None:
        """The ops :meth:`undo` (or :meth:`redo`) would apply now (None: nothing to undo or redo);
        read only, so a screen can draw them before the undo itself is committed."""
        return self.store.next_step(doc_id, self.annotator, kind)

    def add_span(self, doc_id: str, start: int, end: int, label: str, attrs: Mapping[str, Any] | None = None, *,
                 source: str = "manual", provenance: Provenance | None = None) -> Change:
        return self.edit(doc_id, [lambda r: actions.plan_add_span(r, self.scheme, start, end, label, attrs,
                                                                  source=source, provenance=provenance)])

    def remove_span(self, doc_id: str, span_id: str) -> Change:
        return self.edit(doc_id, [lambda r: actions.plan_remove_span(r, self.scheme, span_id)])

    def set_attrs(self, doc_id: str, span_id: str, attrs: Mapping[str, Any]) -> Change:
        return self.edit(doc_id, [lambda r: actions.plan_set_attrs(r, self.scheme, span_id, attrs)])

    def change_span(self, doc_id: str, span_id: str, *, label: str | None = None, start: int | None = None,
                    end: int | None = None) -> Change:
        """Another label and/or other edges for a span, keeping its id, links and attributes (one action)."""
        return self.edit(doc_id, [lambda r: actions.plan_change_span(r, self.scheme, span_id, label=label,
                                                                     start=start, end=end)])

    def set_status(self, doc_id: str, status: Status) -> Change:
        return self._apply(doc_id, lambda r: actions.plan_set_status(r, status))

    def add_flag(self, doc_id: str, comment: str) -> Change:
        return self._apply(doc_id, lambda r: actions.plan_add_flag(r, comment))

    def remove_flag(self, doc_id: str, flag_id: str) -> Change:
        return self._apply(doc_id, lambda r: actions.plan_remove_flag(r, flag_id))

    def undo(self, doc_id: str) -> Change | None:
        self._check(doc_id)
        change = self.store.undo(doc_id, self.annotator)
        self._wrote(doc_id, change)
        return change

    def redo(self, doc_id: str) -> Change | None:
        self._check(doc_id)
        change = self.store.redo(doc_id, self.annotator)
        self._wrote(doc_id, change)
        return change
