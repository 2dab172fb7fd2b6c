"""An annotator's working session on a store: the verbs the TUI (and scripts) use, and which
document comes next.

Each verb plans the action with the scheme's rules (``annotator.model.actions``) and runs it
through the store as one durable transaction; it returns the :class:`Change` to repaint from.
The first edit of a document still to do also marks it in progress, in the same action.

An annotator with assignments (``annotator assign``) goes through the documents assigned to them:
next, previous, next to do and the document list follow them until ``show_all`` is set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.model import actions
from annotator.model.actions import LabelRules, Plan
from annotator.model.types import TODO_STATUSES, Provenance, Status
from annotator.model.working import WorkingRecord
from annotator.store.base import Change, DocInfo, Store


def who_where(store: Store, name: str) -> str:
    if store.user is None:
        return name
    return store.location.partition("://")[2] or name


class Session:
    def __init__(self, store: Store, scheme: LabelRules, annotator: str):
        self.store = store
        self.scheme = scheme
        self.annotator = annotator
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
        return self.store.load(doc_id, self.annotator)

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
        return self.store.apply(doc_id, self.annotator, actions.started(lambda r: actions.sequence(r, plans)))

    def add_span(self, doc_id: str, start: int, end: int, label: str, attrs: Mapping[str, Any] | None = None, *,
                 source: str = "manual", provenance: Provenance | None = None) -> Change:
        return self.edit(doc_id, [lambda r: actions.plan_add_span(r, self.scheme, start, end, label, attrs,
                                                                  source=source, provenance=provenance)])

    def remove_span(self, doc_id: str, span_id: str) -> Change:
        return self.edit(doc_id, [lambda r: actions.plan_remove_span(r, self.scheme, span_id)])

    def set_attrs(self, doc_id: str, span_id: str, attrs: Mapping[str, Any]) -> Change:
        return self.edit(doc_id, [lambda r: actions.plan_set_attrs(r, self.scheme, span_id, attrs)])

    def set_status(self, doc_id: str, status: Status) -> Change:
        return self.store.apply(doc_id, self.annotator, lambda r: actions.plan_set_status(r, status))

    def add_flag(self, doc_id: str, comment: str) -> Change:
        return self.store.apply(doc_id, self.annotator, lambda r: actions.plan_add_flag(r, comment))

    def remove_flag(self, doc_id: str, flag_id: str) -> Change:
        return self.store.apply(doc_id, self.annotator, lambda r: actions.plan_remove_flag(r, flag_id))

    def undo(self, doc_id: str) -> Change | None:
        return self.store.undo(doc_id, self.annotator)

    def redo(self, doc_id: str) -> Change | None:
        return self.store.redo(doc_id, self.annotator)
