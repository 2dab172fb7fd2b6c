"""What the action log means, written once for every backend: a record is its stored JSON plus
the log entries after it, replayed; an action appends an entry; undo and redo are entries too,
linked so that the stacks survive restarts; every ``COMPACT_AFTER`` entries the record's JSON is
rewritten (compaction), so an action writes one small row, not the whole span array.

The undo and redo stacks live in the log itself: each entry records the stack tops after it
(``undo_head``, ``redo_head``; a do entry is its own undo head) and the entry below the one it
pushed (``link``). Undo reverts the undo head and pushes it on the redo stack; redo re-applies the
redo head; a new action empties the redo stack.

Records are cached per process while their version (:attr:`LogHead.version`) is unchanged, so a
key press does not re-read a long article; another process's action changes the version.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import orjson

from annotator.model.actions import now_iso
from annotator.model.types import Op
from annotator.model.working import WorkingRecord, invert_all
from annotator.store.base import Change, LogEntry, LogHead, Plan, RecordCounts, RecordQuery, StoredRecord

if TYPE_CHECKING:
    from annotator.store.base import Store

COMPACT_AFTER = 200  # pending log entries replayed on load before the record's JSON is rewritten


def dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def counts_of(rec: WorkingRecord) -> RecordCounts:
    return RecordCounts(rec.status, len(rec.spans), len(rec.flags), rec.updated_at)


class History:
    """Loading, acting, undoing and redoing on one store's records."""

    def __init__(self, store: Store):
        self.store = store
        self._cache: dict[tuple[int, str], tuple[WorkingRecord, tuple[int | None, int | None]]] = {}

    def forget(self, key: tuple[int, str] | None = None) -> None:
        """Drop cached records (one, or all): a transaction that changed them rolled back."""
        if key is None:
            self._cache.clear()
        else:
            self._cache.pop(key, None)

    # -- reading -----------------------------------------------------------------------------------

    def load(self, key: int, annotator: str, head: LogHead | None = None) -> WorkingRecord:
        """The record as its log leaves it (cached while its version is unchanged)."""
        store = self.store
        head = head or store.log_head(key, annotator)
        cached = self._cache.get((key, annotator))
        if cached is not None and cached[1] == head.version:
            return cached[0]
        doc = store.read_document(key)
        rec = WorkingRecord(doc.id, doc.text, doc.text_sha256, orjson.loads(doc.meta), annotator)
        base = store.read_base(key, annotator)
        if base is not None:
            rec.status = base.status
            rec.spans = {s["id"]: s for s in orjson.loads(base.spans)}
            rec.flags = orjson.loads(base.flags)
            rec.updated_at = base.updated_at
            rec.__post_init__()
            for ops in store.entries_after(key, annotator, base.base_seq):
                rec.apply(ops)
        self._cache[(key, annotator)] = (rec, head.version)
        return rec

    def iter_records(self, query: RecordQuery) -> Iterator[StoredRecord]:
        """The records of ``query`` from one snapshot; a record whose log runs ahead of its stored
        JSON is replayed and its spans and flags serialised again."""
        with self.store.snapshot() as snap:
            for row in snap.rows(query):
                r = row.record
                if not row.pending or r.annotator is None:
                    yield r
                    continue
                rec = WorkingRecord.of(r.id, r.text, r.text_sha256, {}, r.annotator, r.status,
                                       orjson.loads(r.spans), orjson.loads(r.flags), r.updated_at)
                for ops in snap.entries_after(row.key, r.annotator, row.base_seq):
                    rec.apply(ops)
                yield r._replace(spans=orjson.dumps(rec.sorted_spans()), flags=orjson.dumps(rec.flags))

    # -- acting (each inside one durable transaction) -----------------------------------------------

    def _log(self, key: int, annotator: str, entry: LogEntry, rec: WorkingRecord) -> tuple[int, int | None]:
        """Append ``entry`` (already applied to ``rec``), bring the record row up to date (insert
        it on the first action), compact when enough entries lag behind, and remember ``rec``;
        the record's version after it."""
        store = self.store
        rec.updated_at = now_iso()
        counts = counts_of(rec)
        seq, row, pending = store.append_entry(key, annotator, entry, counts)
        if row is None:
            row = store.insert_record(key, annotator, counts, dumps(rec.sorted_spans()), dumps(rec.flags), seq)
        elif pending >= COMPACT_AFTER:
            store.rebase(key, annotator, dumps(rec.sorted_spans()), dumps(rec.flags), seq)
        self._cache[(key, annotator)] = (rec, (seq, row))
        return (seq, row)

    def log_do(self, key: int, annotator: str, rec: WorkingRecord, ops: list[Op],
               undo_head: int | None) -> tuple[int, int | None]:
        """Apply and log ``ops`` as a new action on top of the undo stack (the redo stack empties);
        the record's version after it."""
        rec.apply(ops)
        return self._log(key, annotator, LogEntry("do", ops, link=undo_head), rec)

    def apply(self, doc_id: str, annotator: str, plan: Plan) -> Change:
        store = self.store
        key = store.doc_key(doc_id)
        with store.transaction():
            head = store.log_head(key, annotator)
            rec = self.load(key, annotator, head)
            ops = plan(rec)
            if not ops:
                return Change([], rec, "none", head.version)
            try:
                version = self.log_do(key, annotator, rec, ops, head.undo)
            except BaseException:
                self.forget((key, annotator))
                raise
        return Change(ops, rec, "do", version)

    def next_step(self, doc_id: str, annotator: str, kind: str) -> list[Op] | None:
        """The ops an undo (``kind`` "undo") or a redo would apply now (None: nothing to undo or
        redo), read outside any transaction: nothing is changed or locked."""
        store = self.store
        head = store.log_head(store.doc_key(doc_id), annotator)
        target = head.undo if kind == "undo" else head.redo
        if target is None:
            return None
        ops = store.read_entry(target).ops
        return invert_all(ops) if kind == "undo" else ops

    def step(self, doc_id: str, annotator: str, kind: str) -> Change | None:
        """Undo or redo the record's last action (None: nothing to undo or redo)."""
        store = self.store
        key = store.doc_key(doc_id)
        with store.transaction():
            head = store.log_head(key, annotator)
            rec = self.load(key, annotator, head)
            target = head.undo if kind == "undo" else head.redo
            if target is None:
                return None
            done = store.read_entry(target)
            try:
                if kind == "undo":
                    ops = invert_all(done.ops)
                    # the undone entry goes on the redo stack; below it, the previous redo head
                    entry = LogEntry("undo", ops, target=target, undo_head=done.link, redo_head=target,
                                     link=head.redo)
                else:
                    ops = done.ops
                    entry = LogEntry("redo", ops, target=target, undo_head=target,
                                     redo_head=store.last_undo_link(target))
                rec.apply(ops)
                version = self._log(key, annotator, entry, rec)
            except BaseException:
                self.forget((key, annotator))
                raise
        return Change(ops, rec, entry.kind, version)

    def compact(self, doc_id: str, annotator: str) -> None:
        store = self.store
        key = store.doc_key(doc_id)
        with store.transaction():
            head = store.log_head(key, annotator)
            if head.last is not None:
                rec = self.load(key, annotator, head)
                store.rebase(key, annotator, dumps(rec.sorted_spans()), dumps(rec.flags), head.last)
