"""The rules of putting documents and records into a store, written once for every backend.

- a document whose id is stored with the same text is a no-op; with another text, a problem that
  names both sources;
- a record the annotator does not have yet is added as it is (no log entry: an import is not an
  action to undo);
- a record equal to the stored one is a no-op; a different one is a problem unless ``replace``,
  and then one undoable action turns the stored record into the imported one.

Everything happens in one transaction: any problem, or ``accept()`` saying no at the end, rolls
the whole import back. Items go to the store ``Store.import_batch`` at a time, through its bulk
path (:meth:`Store.put_documents`, :meth:`Store.insert_records`: one statement each on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from annotator.errors import InvalidData, Problem
from annotator.files.lines import text_too_long
from annotator.gc_pause import gc_paused
from annotator.model.actions import now_iso
from annotator.model.types import ImportItem, NewDocument, Op, RecordParts, Span
from annotator.model.working import WorkingRecord, span_sort_key
from annotator.store.base import ImportRejected, ImportSummary, JSONText, NewRecord, PutDocument, RecordCounts
from annotator.store.history import dumps

if TYPE_CHECKING:
    from annotator.store.base import Store



def batched(items: Iterable[ImportItem], size: int) -> Iterator[list[ImportItem]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


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


def _document_problem(doc: NewDocument, put: PutDocument) -> Problem | None:
    if put.added or put.text_sha256 == doc.text_sha256:
        return None
    return Problem(doc.source, None, "id",
                   f"document {doc.id!r} is already in the store with a different text (from {put.source})")


def untouched(rec: RecordParts) -> bool:
    """A record that says nothing but "not started" (what export writes for a document nobody, or
    this annotator, has opened): importing it is importing the document alone."""
    return rec["status"] == "todo" and not rec["spans"] and not rec["flags"] and rec.get("updated_at") is None


def _new_record(key: int, doc: NewDocument, rec: RecordParts, added_at: str) -> NewRecord | Problem | None:
    """The record row to add for ``rec`` (None: an untouched record, nothing to add)."""
    if untouched(rec):
        return None
    try:
        spans = sorted(rec["spans"], key=span_sort_key)
    except (TypeError, KeyError, AttributeError):  # only unvalidated input can get here
        return Problem(doc.source, None, "spans", "spans of the wrong shape")
    counts = RecordCounts(rec["status"], len(spans), len(rec["flags"]), rec.get("updated_at") or added_at)
    return NewRecord(key, rec["annotator"], counts, dumps(spans), dumps(rec["flags"]), 0)


def _over_stored(store: Store, row: NewRecord, doc: NewDocument, rec: RecordParts, replace: bool,
                 summary: ImportSummary) -> Problem | None:
    """A record the annotator has already: the same is a no-op, another needs ``replace``."""
    annotator = rec["annotator"]
    spans = sorted(rec["spans"], key=span_sort_key)
    history = store.history
    head = store.log_head(row.key, annotator)
    current = history.load(row.key, annotator, head)
    if (current.status, current.sorted_spans(), current.flags) == (rec["status"], spans, rec["flags"]):
        summary.records_unchanged += 1
    elif not replace:
        return Problem(doc.source, None, "annotator",
                       f"the store already holds different work of {annotator!r} on {doc.id!r}; use --replace to "
                       "overwrite it (undoable)")
    else:
        history.log_do(row.key, annotator, current, replacement(current, rec, spans), head.undo)
        summary.records_replaced += 1
    return None


def _put_batch(store: Store, batch: list[ImportItem], replace: bool, summary: ImportSummary,
               problems: list[Problem], added_at: str, counted: set[int]) -> None:
    """Documents first (in one go), then records (new ones in one go, the others one by one);
    the problems listed in item order. Each document is counted once per import (``counted``:
    the keys counted so far), however many records of it follow."""
    found: list[list[Problem]] = [[] for _ in batch]
    for i, item in enumerate(batch):
        big = text_too_long(item.document.text)  # every format's documents pass here
        if big is not None:
            found[i].append(Problem(item.document.source, None, "text", big))
    fits = [i for i, f in enumerate(found) if not f]
    puts = store.put_documents([batch[i].document for i in fits], added_at)
    rows: list[tuple[int, NewRecord]] = []
    for i, put in zip(fits, puts):
        item = batch[i]
        problem = _document_problem(item.document, put)
        if problem is not None:
            found[i].append(problem)
            continue
        if put.key not in counted:
            counted.add(put.key)
            if put.added:
                summary.documents_added += 1
            else:
                summary.documents_unchanged += 1
        if item.record is not None:
            row = _new_record(put.key, item.document, item.record, added_at)
            if isinstance(row, Problem):
                found[i].append(row)
            elif row is not None:
                rows.append((i, row))
    added = store.insert_records([row for _, row in rows]) if rows else []
    for (i, row), was_added in zip(rows, added):
        if was_added:
            summary.records_added += 1
            continue
        item = batch[i]
        assert item.record is not None
        problem = _over_stored(store, row, item.document, item.record, replace, summary)
        if problem is not None:
            found[i].append(problem)
    for item_problems in found:
        problems.extend(item_problems)


def import_items(store: Store, items: Iterable[ImportItem], *, replace: bool = False,
                 accept: Callable[[], bool] = lambda: True) -> ImportSummary:
    summary = ImportSummary()
    problems: list[Problem] = []
    added_at = now_iso()
    counted: set[int] = set()
    try:
        # its batches are thousands of small containers alive until they are put: at 100k documents,
        # 3,900 cyclic collections and a sixth of the import's time otherwise
        with store.transaction(bulk=True), gc_paused():
            for batch in batched(items, store.import_batch):
                _put_batch(store, batch, replace, summary, problems, added_at, counted)
            if problems:
                raise InvalidData(problems)
            if not accept():
                raise ImportRejected(summary)
    except BaseException:
        store.history.forget()  # records replaced in memory were rolled back in the store
        raise
    return summary
