"""The rules of putting documents and records into a store, written once for every backend.

- a document whose id is stored with the same text is a no-op; with another text, a problem that
  names both sources;
- a record the annotator does not have yet is added as it is (no log entry: an import is not an
  action to undo);
- a record equal to the stored one is a no-op; a different one is a problem unless ``replace``,
  and then one undoable action turns the stored record into the imported one.

Everything happens in one transaction: any problem, or ``accept()`` saying no at the end, rolls
the whole import back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from annotator.errors import InvalidData, Problem
from annotator.files.lines import text_too_long
from annotator.model.actions import now_iso
from annotator.model.types import ImportItem, NewDocument, Op, RecordParts, Span
from annotator.model.working import WorkingRecord, span_sort_key
from annotator.store.base import ImportRejected, ImportSummary, JSONText, RecordCounts
from annotator.store.history import dumps

if TYPE_CHECKING:
    from annotator.store.base import Store


def replacement(current: WorkingRecord, rec: RecordParts, spans: list[Span]) -> list[Op]:
    """The ops that turn ``current`` into the imported record (``--replace``: one undoable action)."""
    ops: list[Op] = [{"op": "remove_span", "span": s} for s in current.sorted_spans()]
    ops += [{"op": "remove_flag", "flag": f} for f in current.flags]
    ops += [{"op": "add_span", "span": s} for s in spans]
    ops += [{"op": "add_flag", "flag": f} for f in rec["flags"]]
    if current.status != rec["status"]:
        ops.append({"op": "set_status", "status": rec["status"], "old": current.status})
    return ops


def holds(store: Store, doc: NewDocument, rec: RecordParts | None) -> bool:
    """Whether importing ``doc`` (with ``rec``) would change nothing: the document is stored with
    the same text and the record (if any) equals the annotator's stored one."""
    found = store.find_document(doc.id)
    if found is None or found[1].text_sha256 != doc.text_sha256:
        return False
    if rec is None or untouched(rec):
        return True
    key, annotator = found[0], rec["annotator"]
    try:
        spans = sorted(rec["spans"], key=span_sort_key)
    except (TypeError, KeyError, AttributeError):
        return False
    head = store.log_head(key, annotator)
    base = store.read_base(key, annotator)
    if base is None:
        return False
    if head.last is None or head.last <= base.base_seq:  # no entry to replay: compare the stored JSON as it is
        return base.status == rec["status"] and _same_json(base.spans, spans) and _same_json(base.flags, rec["flags"])
    current = store.history.load(key, annotator, head)
    return (current.status, current.sorted_spans(), current.flags) == (rec["status"], spans, rec["flags"])


def _same_json(stored: JSONText, value: object) -> bool:
    text = dumps(value)
    return (stored if isinstance(stored, str) else stored.decode()) == text


def _put_document(store: Store, doc: NewDocument, summary: ImportSummary, problems: list[Problem],
                  added_at: str, counted: set[int]) -> int | None:
    """The document's key once it is in the store; each document is counted once per import
    (``counted``: the keys counted so far), however many records of it follow."""
    big = text_too_long(doc.text)  # every format's documents pass here
    if big is not None:
        problems.append(Problem(doc.source, None, "text", big))
        return None
    key = store.insert_document(doc, added_at)
    if key is not None:
        summary.documents_added += 1
        counted.add(key)
        return key
    found = store.find_document(doc.id)
    assert found is not None  # its id was just refused as taken
    key, stored = found
    if stored.text_sha256 != doc.text_sha256:
        problems.append(Problem(doc.source, None, "id",
                                f"document {doc.id!r} is already in the store with a different text (from "
                                f"{stored.source})"))
        return None
    if key not in counted:
        summary.documents_unchanged += 1
        counted.add(key)
    return key


def untouched(rec: RecordParts) -> bool:
    """A record that says nothing but "not started" (what export writes for a document nobody, or
    this annotator, has opened): importing it is importing the document alone."""
    return rec["status"] == "todo" and not rec["spans"] and not rec["flags"] and rec.get("updated_at") is None


def _put_record(store: Store, key: int, doc: NewDocument, rec: RecordParts, replace: bool, summary: ImportSummary,
                problems: list[Problem], added_at: str) -> None:
    if untouched(rec):
        return
    annotator = rec["annotator"]
    try:
        spans = sorted(rec["spans"], key=span_sort_key)
    except (TypeError, KeyError, AttributeError):  # only unvalidated input can get here
        problems.append(Problem(doc.source, None, "spans", "spans of the wrong shape"))
        return
    counts = RecordCounts(rec["status"], len(spans), len(rec["flags"]), rec.get("updated_at") or added_at)
    if store.insert_record(key, annotator, counts, dumps(spans), dumps(rec["flags"]), 0) is not None:
        summary.records_added += 1
        return
    history = store.history
    head = store.log_head(key, annotator)
    current = history.load(key, annotator, head)
    if (current.status, current.sorted_spans(), current.flags) == (rec["status"], spans, rec["flags"]):
        summary.records_unchanged += 1
    elif not replace:
        problems.append(Problem(doc.source, None, "annotator",
            f"the store already holds different work of {annotator!r} on {doc.id!r}; use --replace to overwrite it "
            "(undoable)"))
    else:
        history.log_do(key, annotator, current, replacement(current, rec, spans), head.undo)
        summary.records_replaced += 1


def import_items(store: Store, items: Iterable[ImportItem], *, replace: bool = False,
                 accept: Callable[[], bool] = lambda: True) -> ImportSummary:
    summary = ImportSummary()
    problems: list[Problem] = []
    added_at = now_iso()
    counted: set[int] = set()
    try:
        with store.transaction(bulk=True):
            for item in items:
                doc = item.document
                key = _put_document(store, doc, summary, problems, added_at, counted)
                if key is not None and item.record is not None:
                    _put_record(store, key, doc, item.record, replace, summary, problems, added_at)
            if problems:
                raise InvalidData(problems)
            if not accept():
                raise ImportRejected(summary)
    except BaseException:
        store.history.forget()  # records replaced in memory were rolled back in the store
        raise
    return summary
