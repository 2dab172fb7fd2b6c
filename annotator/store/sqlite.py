"""The SQLite store: one file, WAL, one durable (``synchronous=FULL``) transaction per action.

Layout (see ``migrations.SCHEMA_V1``): documents; one small row per (document, annotator) and,
apart, its spans as one JSON array (spliced unparsed into exports); an append-only action log
whose rows after the array's base are replayed on load. Two processes
can share a file: writers take ``BEGIN IMMEDIATE`` with a busy timeout, and an action always
re-reads the log's head so it applies to the record as another process left it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import InvalidData, Problem, StoreError
from annotator.model.actions import now_iso
from annotator.model.working import Op, WorkingRecord, invert_all, span_sort_key
from annotator.store import migrations
from annotator.store.base import Change, DocInfo, ImportRejected, ImportSummary, NewDocument, Plan, Store, StoredRecord

BUSY_TIMEOUT_S = 15.0
COMPACT_AFTER = 200  # pending actions replayed on load before the record's JSON is rewritten


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class SQLiteStore(Store):
    def __init__(self, path: str | os.PathLike[str], *, create: bool = True):
        self.path = str(path)
        p = Path(self.path)
        exists = p.exists() and p.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"{self.path}: no such store")
        if exists and not p.is_file():
            raise StoreError(f"{self.path}: is not a file")
        try:
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        self._cache: dict[tuple[int, str], tuple[WorkingRecord, tuple[int | None, int | None]]] = {}
        self._pks: dict[str, int] = {}
        try:
            self._open(exists)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path}: not an annotator store, or damaged ({exc})") from None

    # -- opening, format version, migration -------------------------------------------------------

    def _open(self, exists: bool) -> None:
        c = self._conn
        if exists:
            # Reading the header fails here on a file that is not SQLite at all.
            app_id = c.execute("PRAGMA application_id").fetchone()[0]
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if app_id != migrations.APPLICATION_ID and not (app_id == 0 and not tables):
                raise StoreError(f"{self.path}: is an SQLite file but not an annotator store")
            if version > migrations.FORMAT_VERSION:
                raise StoreError(
                    f"{self.path}: store format {version} is newer than this annotator's ({migrations.FORMAT_VERSION}); upgrade annotator"
                )
            check = c.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"{self.path}: the store is damaged ({check})")
        if not exists:
            c.execute("PRAGMA page_size = 8192")  # fewer pages per article and span array; only before WAL
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=FULL")
        # checkpoint every 32 MiB of log, not 8: fewer commits pay for copying the log back
        c.execute("PRAGMA wal_autocheckpoint = 4000")
        c.execute("PRAGMA foreign_keys=ON")
        with self._write():
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                migrations.create(c)
            elif version < migrations.FORMAT_VERSION:
                pass  # migrated below, after a backup, outside this transaction
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if version < migrations.FORMAT_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        backup = f"{self.path}.v{version}.bak"
        dest = sqlite3.connect(backup)
        try:
            self._conn.backup(dest)
        finally:
            dest.close()
        with self._write():
            while version < migrations.FORMAT_VERSION:
                migrations.MIGRATIONS[version](self._conn)
                version += 1
                self._conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate (write-locked) transaction; committed durably, or rolled back."""
        c = self._conn
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"{self.path}: the store stayed busy for {BUSY_TIMEOUT_S:.0f} s (another process is writing); nothing was changed, try again"
                ) from None
            raise
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        else:
            c.execute("COMMIT")

    def close(self) -> None:
        self._cache.clear()
        self._conn.close()

    # -- documents ----------------------------------------------------------------------------------

    def _doc_pk(self, doc_id: str) -> int:
        pk = self._pks.get(doc_id)  # a document's key never changes
        if pk is None:
            row = self._conn.execute("SELECT pk FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise StoreError(f"no document {doc_id!r} in {self.path}")
            pk = self._pks[doc_id] = row[0]
        return pk

    def _put_document(self, doc: NewDocument, summary: ImportSummary, problems: list[Problem],
                      added_at: str) -> int | None:
        c = self._conn
        row = c.execute(
            "INSERT INTO documents (id, text, text_sha256, meta, source, added_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING RETURNING pk",
            (doc.id, doc.text, doc.text_sha256, _dumps(doc.meta), doc.source, added_at),
        ).fetchone()
        if row is not None:
            summary.documents_added += 1
            return row[0]
        row = c.execute("SELECT pk, text_sha256, source FROM documents WHERE id = ?", (doc.id,)).fetchone()
        if row[1] != doc.text_sha256:
            problems.append(Problem(doc.source, None, "id",
                f"document {doc.id!r} is already in the store with a different text (from {row[2]})"))
            return None
        summary.documents_unchanged += 1
        return row[0]

    def add_documents(self, docs: Iterable[NewDocument]) -> ImportSummary:
        return self.import_items((doc, None) for doc in docs)

    def import_items(self, items: Iterable[tuple[NewDocument, dict[str, Any] | None]], *, replace: bool = False,
                     accept: Callable[[], bool] = lambda: True) -> ImportSummary:
        summary = ImportSummary()
        problems: list[Problem] = []
        added_at = now_iso()
        self._conn.execute("PRAGMA cache_size = -16384")  # 16 MiB while bulk-inserting
        try:
            with self._write():
                for doc, rec in items:
                    pk = self._put_document(doc, summary, problems, added_at)
                    if pk is not None and rec is not None:
                        self._put_record(pk, doc, rec, replace, summary, problems, added_at)
                if problems:
                    raise InvalidData(problems)
                if not accept():
                    raise ImportRejected(summary)
        except BaseException:
            self._cache.clear()  # records replaced in memory were rolled back on disk
            raise
        return summary

    def _put_record(self, pk: int, doc: NewDocument, rec: dict[str, Any], replace: bool,
                    summary: ImportSummary, problems: list[Problem], added_at: str) -> None:
        c = self._conn
        annotator = rec["annotator"]
        try:
            spans = sorted(rec["spans"], key=span_sort_key)
        except (TypeError, KeyError, AttributeError):  # only unvalidated input can get here
            problems.append(Problem(doc.source, None, "spans", "spans of the wrong shape"))
            return
        inserted = c.execute(
            "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (doc_pk, annotator) DO NOTHING RETURNING rid",
            (pk, annotator, rec["status"], len(spans), len(rec["flags"]), rec.get("updated_at") or added_at),
        ).fetchone()
        if inserted is not None:
            c.execute("INSERT INTO record_spans (rid, spans, flags) VALUES (?, ?, ?)",
                      (inserted[0], _dumps(spans), _dumps(rec["flags"])))
            summary.records_added += 1
            return
        state = self._state(pk, annotator)
        current = self._load(pk, annotator, state)
        if (current.status, current.sorted_spans(), current.flags) == (rec["status"], spans, rec["flags"]):
            summary.records_unchanged += 1
        elif not replace:
            problems.append(Problem(doc.source, None, "annotator",
                f"the store already holds different work of {annotator!r} on {doc.id!r}; use --replace to overwrite it (undoable)"))
        else:
            ops: list[Op] = [{"op": "remove_span", "span": s} for s in current.sorted_spans()]
            ops += [{"op": "remove_flag", "flag": f} for f in current.flags]
            ops += [{"op": "add_span", "span": s} for s in spans]
            ops += [{"op": "add_flag", "flag": f} for f in rec["flags"]]
            if current.status != rec["status"]:
                ops.append({"op": "set_status", "status": rec["status"], "old": current.status})
            self._log_do(pk, annotator, current, ops, state[1])
            summary.records_replaced += 1

    def document_count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def documents(self, annotator: str) -> list[DocInfo]:
        rows = self._conn.execute(
            "SELECT d.id, d.pk, coalesce(r.status, 'todo'), coalesce(r.span_count, 0), coalesce(r.flag_count, 0)"
            " FROM documents d LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = ? ORDER BY d.pk",
            (annotator,),
        )
        return [DocInfo(*row) for row in rows]

    def position(self, doc_id: str) -> int:
        pk = self._doc_pk(doc_id)
        return self._conn.execute("SELECT count(*) FROM documents WHERE pk <= ?", (pk,)).fetchone()[0]

    def neighbour(self, doc_id: str | None, annotator: str, direction: int, *, todo_only: bool = False) -> str | None:
        pk = self._doc_pk(doc_id) if doc_id is not None else (0 if direction > 0 else 2**62)
        cmp, order = (">", "ASC") if direction > 0 else ("<", "DESC")
        todo = " AND coalesce(r.status, 'todo') IN ('todo', 'in_progress')" if todo_only else ""
        row = self._conn.execute(
            f"SELECT d.id FROM documents d LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = ?"
            f" WHERE d.pk {cmp} ?{todo} ORDER BY d.pk {order} LIMIT 1",
            (annotator, pk),
        ).fetchone()
        return row[0] if row else None

    # -- records, actions, undo/redo ----------------------------------------------------------------

    def _state(self, pk: int, annotator: str) -> tuple[int | None, int | None, int | None, int | None]:
        """(last seq, undo head, redo head, record row id) in one query. The last seq and the row id
        identify the record's state: a cached record is used only while they are unchanged (an
        import adds a row without logging an action)."""
        row = self._conn.execute(
            "SELECT r.rid, a.seq, a.kind, a.undo_head, a.redo_head FROM (SELECT 1)"
            " LEFT JOIN records r ON r.doc_pk = :pk AND r.annotator = :ann"
            " LEFT JOIN (SELECT seq, kind, undo_head, redo_head FROM actions WHERE doc_pk = :pk AND annotator = :ann"
            " ORDER BY seq DESC LIMIT 1) a",
            {"pk": pk, "ann": annotator},
        ).fetchone()
        rid, seq, kind, undo_head, redo_head = row
        # a do row is its own undo head (its undo_head column stays NULL: the log is never updated)
        return seq, (seq if kind == "do" else undo_head), redo_head, rid

    def _load(self, pk: int, annotator: str, state: tuple[int | None, ...] | None = None) -> WorkingRecord:
        c = self._conn
        last, _undo, _redo, rid = state or self._state(pk, annotator)
        token = (last, rid)
        cached = self._cache.get((pk, annotator))
        if cached is not None and cached[1] == token:
            return cached[0]
        d = c.execute("SELECT id, text, text_sha256, meta FROM documents WHERE pk = ?", (pk,)).fetchone()
        r = c.execute(
            "SELECT r.status, b.spans, b.flags, r.updated_at, r.base_seq FROM records r JOIN record_spans b"
            " ON b.rid = r.rid WHERE r.doc_pk = ? AND r.annotator = ?",
            (pk, annotator),
        ).fetchone()
        rec = WorkingRecord(d[0], d[1], d[2], orjson.loads(d[3]), annotator)
        if r is not None:
            rec.status = r[0]
            rec.spans = {s["id"]: s for s in orjson.loads(r[1])}
            rec.flags = orjson.loads(r[2])
            rec.updated_at = r[3]
            rec.__post_init__()
            for (effect,) in c.execute(
                "SELECT effect FROM actions WHERE doc_pk = ? AND annotator = ? AND seq > ? ORDER BY seq",
                (pk, annotator, r[4]),
            ):
                rec.apply(orjson.loads(effect))
        self._cache[(pk, annotator)] = (rec, token)
        return rec

    def load(self, doc_id: str, annotator: str) -> WorkingRecord:
        return self._load(self._doc_pk(doc_id), annotator)

    def _log(self, pk: int, annotator: str, kind: str, ops: list[Op], *, target: int | None,
             undo_head: int | None, redo_head: int | None, link: int | None, rec: WorkingRecord) -> None:
        """Append one row to the action log, update the record's row, and remember ``rec`` as the
        record's state after it."""
        c = self._conn
        at = now_iso()
        cur = c.execute(
            "INSERT INTO actions (doc_pk, annotator, kind, target, effect, undo_head, redo_head, link, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pk, annotator, kind, target, _dumps(ops), undo_head, redo_head, link, at),
        )
        seq = cur.lastrowid
        rec.updated_at = at
        updated = c.execute(
            "UPDATE records SET status = ?, span_count = ?, flag_count = ?, updated_at = ?, pending = pending + 1"
            " WHERE doc_pk = ? AND annotator = ? RETURNING pending, rid",
            (rec.status, len(rec.spans), len(rec.flags), at, pk, annotator),
        ).fetchone()
        if updated is None:
            rid = c.execute(
                "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING rid",
                (pk, annotator, rec.status, len(rec.spans), len(rec.flags), at, seq),
            ).fetchone()[0]
            c.execute("INSERT INTO record_spans (rid, spans, flags) VALUES (?, ?, ?)",
                      (rid, _dumps(rec.sorted_spans()), _dumps(rec.flags)))
        else:
            rid = updated[1]
            if updated[0] >= COMPACT_AFTER:
                self._compact(pk, annotator, rec, seq)
        self._cache[(pk, annotator)] = (rec, (seq, rid))

    def _compact(self, pk: int, annotator: str, rec: WorkingRecord, seq: int) -> None:
        rid = self._conn.execute(
            "UPDATE records SET base_seq = ?, pending = 0 WHERE doc_pk = ? AND annotator = ? RETURNING rid",
            (seq, pk, annotator),
        ).fetchone()[0]
        self._conn.execute("UPDATE record_spans SET spans = ?, flags = ? WHERE rid = ?",
                           (_dumps(rec.sorted_spans()), _dumps(rec.flags), rid))

    def _log_do(self, pk: int, annotator: str, rec: WorkingRecord, ops: list[Op], undo_head: int | None) -> None:
        """Apply and log ``ops`` as a new action on top of the undo stack (the redo stack empties)."""
        rec.apply(ops)
        self._log(pk, annotator, "do", ops, target=None, undo_head=None, redo_head=None, link=undo_head, rec=rec)

    def apply(self, doc_id: str, annotator: str, plan: Plan) -> Change:
        pk = self._doc_pk(doc_id)
        with self._write():
            state = self._state(pk, annotator)
            rec = self._load(pk, annotator, state)
            ops = plan(rec)
            if not ops:
                return Change([], rec, "none")
            try:
                self._log_do(pk, annotator, rec, ops, state[1])
            except BaseException:
                self._cache.pop((pk, annotator), None)
                raise
        return Change(ops, rec, "do")

    def _step(self, doc_id: str, annotator: str, kind: str) -> Change | None:
        pk = self._doc_pk(doc_id)
        c = self._conn
        with self._write():
            state = self._state(pk, annotator)
            rec = self._load(pk, annotator, state)
            _last, undo_head, redo_head, _rid = state
            target = undo_head if kind == "undo" else redo_head
            if target is None:
                return None
            row = c.execute("SELECT effect, link, kind, target FROM actions WHERE seq = ?", (target,)).fetchone()
            forward = orjson.loads(row[0])
            try:
                if kind == "undo":
                    ops = invert_all(forward)
                    # the undone entry goes on the redo stack; below it, the previous redo head
                    new_undo, new_redo, link = row[1], target, redo_head
                else:
                    ops = forward
                    pushed = c.execute(
                        "SELECT link FROM actions WHERE kind = 'undo' AND target = ? ORDER BY seq DESC LIMIT 1", (target,)
                    ).fetchone()
                    new_undo, new_redo, link = target, (pushed[0] if pushed else None), None
                rec.apply(ops)
                self._log(pk, annotator, kind, ops, target=target, undo_head=new_undo, redo_head=new_redo,
                          link=link, rec=rec)
            except BaseException:
                self._cache.pop((pk, annotator), None)
                raise
        return Change(ops, rec, kind)

    def undo(self, doc_id: str, annotator: str) -> Change | None:
        return self._step(doc_id, annotator, "undo")

    def redo(self, doc_id: str, annotator: str) -> Change | None:
        return self._step(doc_id, annotator, "redo")

    def compact(self, doc_id: str, annotator: str) -> None:
        """Fold the record's pending actions into its stored JSON (makes exports cheaper)."""
        pk = self._doc_pk(doc_id)
        with self._write():
            state = self._state(pk, annotator)
            if state[0] is not None:
                self._compact(pk, annotator, self._load(pk, annotator, state), state[0])

    # -- export and statistics ----------------------------------------------------------------------

    def _export_query(self, annotator: str | None, status: str | None,
                      part: tuple[int, int] | None = None) -> tuple[str, list[Any]]:
        """FROM/WHERE of the records to export. With an annotator, documents they have not
        touched count as empty records with status todo. ``part``: documents pk in [lo, hi)."""
        cols = ("d.pk, d.id, d.text, d.text_sha256, d.meta, {ann}, coalesce(r.status, 'todo'), coalesce(b.spans, '[]'),"
                " coalesce(b.flags, '[]'), r.updated_at, coalesce(r.pending, 0), coalesce(r.base_seq, 0)")
        params: list[Any] = []
        if annotator is not None:
            sql = (f"SELECT {cols.format(ann='?')} FROM documents d"
                   " LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = ? LEFT JOIN record_spans b ON b.rid = r.rid")
            params += [annotator, annotator]
        else:
            sql = (f"SELECT {cols.format(ann='r.annotator')} FROM records r JOIN documents d ON d.pk = r.doc_pk"
                   " JOIN record_spans b ON b.rid = r.rid")
        where = []
        if status is not None:
            where.append("coalesce(r.status, 'todo') = ?")
            params.append(status)
        if part is not None:
            where.append("d.pk >= ? AND d.pk < ?")
            params += list(part)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql + " ORDER BY d.pk" + ("" if annotator is not None else ", r.annotator"), params

    def count_records(self, *, annotator: str | None = None, status: str | None = None) -> int:
        sql, params = self._export_query(annotator, status)
        return self._conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def iter_records(self, *, annotator: str | None = None, status: str | None = None,
                     part: tuple[int, int] | None = None) -> Iterator[StoredRecord]:
        sql, params = self._export_query(annotator, status, part)
        # A separate connection gives the reading its own consistent snapshot (a read transaction).
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("BEGIN")
            dumps = orjson.dumps
            for pk, doc_id, text, sha, meta, ann, st, spans, flags, updated, pending, base in conn.execute(sql, params):
                if pending:
                    rec = WorkingRecord(doc_id, text, sha, orjson.loads(meta), ann, st,
                                        {s["id"]: s for s in orjson.loads(spans)}, orjson.loads(flags), updated)
                    for (effect,) in conn.execute(
                        "SELECT effect FROM actions WHERE doc_pk = ? AND annotator = ? AND seq > ? ORDER BY seq", (pk, ann, base)
                    ):
                        rec.apply(orjson.loads(effect))
                    spans = dumps(rec.sorted_spans())
                    flags = dumps(rec.flags)
                yield StoredRecord(doc_id, text, sha, meta, ann, st, spans, flags, updated)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def iter_export(self, *, annotator: str | None = None, status: str | None = None,
                    scheme_name: str, scheme_version: int) -> Iterator[bytes]:
        Fragment = orjson.Fragment
        dumps = orjson.dumps
        for r in self.iter_records(annotator=annotator, status=status):
            yield dumps({
                "id": r.id, "text": r.text, "text_sha256": r.text_sha256, "meta": Fragment(r.meta), "annotator": r.annotator,
                "status": r.status, "schema": scheme_name, "schema_version": scheme_version,
                "spans": Fragment(r.spans), "flags": Fragment(r.flags), "updated_at": r.updated_at,
            })

    def parts(self, count: int) -> list[tuple[int, int]]:
        lo, hi = self._conn.execute("SELECT min(pk), max(pk) FROM documents").fetchone()
        if lo is None:
            return [(0, 1)]
        step = -(-(hi - lo + 1) // max(1, count))
        return [(start, min(start + step, hi + 1)) for start in range(lo, hi + 1, step)]

    def annotators(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT annotator FROM records ORDER BY annotator")]

    def record_annotators(self, doc_id: str) -> list[str]:
        pk = self._doc_pk(doc_id)
        return [r[0] for r in self._conn.execute(
            "SELECT annotator FROM records WHERE doc_pk = ? ORDER BY annotator", (pk,))]

    def reviewable(self, reviewer: str) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM records r WHERE r.doc_pk = d.pk"
            " AND r.annotator != ?) ORDER BY d.pk", (reviewer,))]

    def stats(self) -> dict[str, Any]:
        c = self._conn
        by_status: dict[str, dict[str, int]] = {}
        for ann, st, n in c.execute("SELECT annotator, status, count(*) FROM records GROUP BY annotator, status"):
            by_status.setdefault(ann, {})[st] = n
        by_label: dict[str, dict[str, int]] = {}
        for ann, label, n in c.execute(
            "SELECT r.annotator, j.value ->> 'label', count(*) FROM records r JOIN record_spans b ON b.rid = r.rid,"
            " json_each(b.spans) j"
            " WHERE r.pending = 0 GROUP BY r.annotator, 2"
        ):
            by_label.setdefault(ann, {})[label] = n
        for pk, ann in c.execute("SELECT doc_pk, annotator FROM records WHERE pending > 0").fetchall():
            counts = by_label.setdefault(ann, {})
            for s in self._load(pk, ann).spans.values():
                counts[s["label"]] = counts.get(s["label"], 0) + 1
        return {"documents": self.document_count(), "records_by_status": by_status, "spans_by_label": by_label}


def remove_store_files(path: str) -> None:
    """Delete a store file and its WAL side files (used by tests and benchmarks)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
