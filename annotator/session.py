"""An annotator's working session on a store: the verbs the TUI (and scripts) use.

Each verb plans the action with the scheme's rules (``annotator.model.actions``) and runs it
through the store as one durable transaction; it returns the :class:`Change` to repaint from.
The first edit of a document still "todo" also marks it "in_progress", in the same transaction.
"""

from __future__ import annotations

from typing import Any

from annotator.model import actions
from annotator.model.working import Op, WorkingRecord
from annotator.schema import Scheme
from annotator.store.base import Change, Store


class Session:
    def __init__(self, store: Store, scheme: Scheme, annotator: str):
        self.store = store
        self.scheme = scheme
        self.annotator = annotator

    def record(self, doc_id: str) -> WorkingRecord:
        return self.store.load(doc_id, self.annotator)

    def _edit(self, doc_id: str, plan: Any) -> Change:
        def with_status(rec: WorkingRecord) -> list[Op]:
            ops = plan(rec)
            if ops and rec.status == "todo":
                ops = [*ops, *actions.plan_set_status(rec, "in_progress")]
            return ops

        return self.store.apply(doc_id, self.annotator, with_status)

    def add_span(self, doc_id: str, start: int, end: int, label: str, attrs: dict[str, Any] | None = None,
                 **kw: Any) -> Change:
        return self._edit(doc_id, lambda r: actions.plan_add_span(r, self.scheme, start, end, label, attrs, **kw))

    def remove_span(self, doc_id: str, span_id: str) -> Change:
        return self._edit(doc_id, lambda r: actions.plan_remove_span(r, self.scheme, span_id))

    def set_attrs(self, doc_id: str, span_id: str, attrs: dict[str, Any]) -> Change:
        return self._edit(doc_id, lambda r: actions.plan_set_attrs(r, self.scheme, span_id, attrs))

    def set_status(self, doc_id: str, status: str) -> Change:
        return self.store.apply(doc_id, self.annotator, lambda r: actions.plan_set_status(r, status))

    def add_flag(self, doc_id: str, comment: str) -> Change:
        return self.store.apply(doc_id, self.annotator, lambda r: actions.plan_add_flag(r, comment))

    def remove_flag(self, doc_id: str, flag_id: str) -> Change:
        return self.store.apply(doc_id, self.annotator, lambda r: actions.plan_remove_flag(r, flag_id))

    def undo(self, doc_id: str) -> Change | None:
        return self.store.undo(doc_id, self.annotator)

    def redo(self, doc_id: str) -> Change | None:
        return self.store.redo(doc_id, self.annotator)
