"""The SQLite backend: one file, WAL, one durable (``synchronous=FULL``) transaction per action.

Layout (see ``migrations.SCHEMA_V1``): documents; one small row per (document, annotator) and,
apart, its spans as one JSON array as of the record's base log entry; the append-only action log.
Two processes can share a file: writers take ``BEGIN IMMEDIATE`` with a busy timeout, and an
action always re-reads the log's head inside its transaction, so it applies to the record as
another process left it. This module is only SQL: what the log means is ``history.py``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from annotator.errors import StoreError
from annotator.model.types import NewDocument, Op, Status
from annotator.store import migrations
from annotator.store.base import (
    AnnotatorProgress,
    AssignableDocument,
    BaseRecord,
    DocInfo,
    JSONText,
    LogEntry,
    LogHead,
    Part,
    RecordCounts,
    RecordQuery,
    Snapshot,
    Store,
    StoredDocument,
    StoredSuggestions,
    SuggestionKey,
)
from annotator.store.sqlite_reading import SQLiteSnapshot, entries_after, records_query

BUSY_TIMEOUT_S = 15.0


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class SQLiteStore(Store):
    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, checked: bool = False):
        """Open (``create``: or make) the store at ``path``; ``checked``: another connection to a
        store this process has opened already (:meth:`reopen`), whose format and integrity checks
        are not run again."""
        super().__init__()
        self.path = self.location = str(path)
        p = Path(self.path)
        if p.exists() and not p.is_file():  # a folder, a device, a FIFO: SQLite would write beside it
            raise StoreError(f"{self.path}: is not a file")
        exists = p.exists() and p.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"{self.path}: no such store (annotator import SOURCES... --db {self.path} makes one)")
        self.read_only = exists and _cannot_write(p)
        self._uri, self._open_uri = _connect_target(p, self.read_only)
        try:
            self._conn = self._connect()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        self._pks: dict[str, int] = {}
        try:
            self._open(exists, checked)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if not exists and _errorname(exc) == "SQLITE_CANTOPEN":
                raise StoreError(f"{self.path}: cannot create the store here (is its folder writable?)") from None
            raise StoreError(f"{self.path}: not an annotator store, or damaged ({exc})") from None
        except BaseException:
            self._conn.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._uri, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False,
                               uri=self._open_uri)

    # -- opening, format version, migration -------------------------------------------------------

    def _open(self, exists: bool, checked: bool = False) -> None:
        c = self._conn
        if exists and not checked:
            # Reading the header fails here on a file that is not SQLite at all.
            app_id = c.execute("PRAGMA application_id").fetchone()[0]
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if app_id != migrations.APPLICATION_ID and not (app_id == 0 and not tables):
                raise StoreError(f"{self.path}: is an SQLite file but not an annotator store")
            if version > migrations.FORMAT_VERSION:
                raise StoreError(
                    f"{self.path}: store format {version} is newer than this annotator's "
                    f"({migrations.FORMAT_VERSION}); upgrade annotator"
                )
            check = c.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"{self.path}: the store is damaged ({check})")
            if self.read_only and version < migrations.FORMAT_VERSION:
                what = "empty" if version == 0 else f"in the older format {version}"
                raise StoreError(f"{self.path}: the store is read-only and {what}: open it once where it can be "
                                 "written" + (" (it is upgraded then)" if version else ""))
        c.execute("PRAGMA foreign_keys=ON")
        if self.read_only:
            return
        if not exists:
            c.execute("PRAGMA page_size = 8192")  # fewer pages per article and span array; only before WAL
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=FULL")
        # checkpoint every 32 MiB of log, not 8: fewer commits pay for copying the log back
        c.execute("PRAGMA wal_autocheckpoint = 4000")
        if checked:
            return
        with self.transaction():
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                migrations.create(c)
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if version < migrations.FORMAT_VERSION:  # migrated after a backup, outside that transaction
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        backup = f"{self.path}.v{version}.bak"
        dest = sqlite3.connect(backup)
        try:
            self._conn.backup(dest)
        finally:
            dest.close()
        with self.transaction():
            while version < migrations.FORMAT_VERSION:
                migrations.MIGRATIONS[version](self._conn)
                version += 1
                self._conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[None]:
        """One immediate (write-locked) transaction; committed durably, or rolled back. A store
        that cannot be written raises StoreError saying so, whenever that is found out."""
        if self.read_only:
            raise self._read_only_error()
        c = self._conn
        if bulk:
            c.execute("PRAGMA cache_size = -16384")  # 16 MiB while bulk-inserting
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"{self.path}: the store stayed busy for {BUSY_TIMEOUT_S:.0f} s (another process is writing); "
                    "nothing was changed, try again"
                ) from None
            raise self._write_error(exc) from None
        try:
            yield
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise self._write_error(exc) from None
        except BaseException:
            self._rollback()
            raise
        try:
            c.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            self.history.forget()  # records changed in memory inside it were not saved
            raise self._write_error(exc) from None

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _read_only_error(self) -> StoreError:
        return StoreError(f"{self.path}: the store is read-only (its file or folder cannot be written: permissions, an "
                          "immutable file or a read-only mount); nothing was changed")

    def _write_error(self, exc: sqlite3.OperationalError) -> Exception:
        """A failed write as the user should see it: a store found read-only only now says so
        (and is read-only from here on); anything else stays what it was."""
        if _errorname(exc).startswith("SQLITE_READONLY"):
            self.read_only = True
            return self._read_only_error()
        if _errorname(exc) in ("SQLITE_FULL", "SQLITE_IOERR") or _errorname(exc).startswith("SQLITE_IOERR_"):
            return StoreError(f"{self.path}: cannot write the store ({exc}); nothing was changed")
        return exc

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        # A separate connection gives the reading its own consistent snapshot (a read transaction).
        conn = sqlite3.connect(self._uri, timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=self._open_uri)
        try:
            conn.execute("BEGIN")
            yield SQLiteSnapshot(conn)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def close(self) -> None:
        self.history.forget()
        self._conn.close()

    def reopener(self) -> Callable[[], SQLiteStore]:
        return partial(reopen_sqlite, self.path, self.read_only)

    # -- documents ----------------------------------------------------------------------------------

    def doc_key(self, doc_id: str) -> int:
        pk = self._pks.get(doc_id)  # a document's key never changes
        if pk is None:
            row = self._conn.execute("SELECT pk FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise StoreError(f"no document {doc_id!r} in {self.path}")
            pk = self._pks[doc_id] = row[0]
        return pk

    def insert_document(self, doc: NewDocument, added_at: str) -> int | None:
        row = self._conn.execute(
            "INSERT INTO documents (id, text, text_sha256, meta, source, added_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING RETURNING pk",
            (doc.id, doc.text, doc.text_sha256, _dumps(doc.meta), doc.source, added_at),
        ).fetchone()
        return None if row is None else row[0]

    def find_document(self, doc_id: str) -> tuple[int, StoredDocument] | None:
        row = self._conn.execute("SELECT pk, id, text, text_sha256, meta, source FROM documents WHERE id = ?",
                                 (doc_id,)).fetchone()
        return None if row is None else (row[0], StoredDocument(*row[1:]))

    def read_document(self, key: int) -> StoredDocument:
        return StoredDocument(*self._conn.execute(
            "SELECT id, text, text_sha256, meta, source FROM documents WHERE pk = ?", (key,)).fetchone())

    def document_count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def documents(self, annotator: str, assigned_only: bool = False) -> list[DocInfo]:
        rows = self._conn.execute(
            "SELECT d.id, d.pk, coalesce(r.status, 'todo'), coalesce(r.span_count, 0), coalesce(r.flag_count, 0),"
            " a.doc_pk IS NOT NULL FROM documents d LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = :ann"
            " LEFT JOIN assignments a ON a.doc_pk = d.pk AND a.annotator = :ann"
            + (" WHERE a.doc_pk IS NOT NULL" if assigned_only else "") + " ORDER BY d.pk",
            {"ann": annotator},
        )
        return [DocInfo(doc_id, pk, st, spans, flags, bool(assigned))
                for doc_id, pk, st, spans, flags, assigned in rows]

    def position(self, doc_id: str) -> int:
        pk = self.doc_key(doc_id)
        return self._conn.execute("SELECT count(*) FROM documents WHERE pk <= ?", (pk,)).fetchone()[0]

    def neighbour(self, doc_id: str | None, annotator: str, direction: int,
                  statuses: frozenset[Status] | None = None, assigned_only: bool = False) -> str | None:
        pk = self.doc_key(doc_id) if doc_id is not None else (0 if direction > 0 else 2**62)
        cmp, order = (">", "ASC") if direction > 0 else ("<", "DESC")
        params: list[Any] = [annotator, pk]
        where = ""
        if statuses is not None:
            where = f" AND coalesce(r.status, 'todo') IN ({', '.join('?' * len(statuses))})"
            params += sorted(statuses)
        if assigned_only:
            where += " AND EXISTS (SELECT 1 FROM assignments a WHERE a.doc_pk = d.pk AND a.annotator = ?)"
            params.append(annotator)
        row = self._conn.execute(
            f"SELECT d.id FROM documents d LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = ?"
            f" WHERE d.pk {cmp} ?{where} ORDER BY d.pk {order} LIMIT 1",
            params,
        ).fetchone()
        return row[0] if row else None

    # -- records and the action log -------------------------------------------------------------------

    def log_head(self, key: int, annotator: str) -> LogHead:
        row = self._conn.execute(
            "SELECT r.rid, a.seq, a.kind, a.undo_head, a.redo_head FROM (SELECT 1)"
            " LEFT JOIN records r ON r.doc_pk = :pk AND r.annotator = :ann"
            " LEFT JOIN (SELECT seq, kind, undo_head, redo_head FROM actions WHERE doc_pk = :pk AND annotator = :ann"
            " ORDER BY seq DESC LIMIT 1) a",
            {"pk": key, "ann": annotator},
        ).fetchone()
        rid, seq, kind, undo_head, redo_head = row
        # a do row is its own undo head (its undo_head column stays NULL: the log is never updated)
        return LogHead(seq, seq if kind == "do" else undo_head, redo_head, rid)

    def read_base(self, key: int, annotator: str) -> BaseRecord | None:
        row = self._conn.execute(
            "SELECT r.status, b.spans, b.flags, r.updated_at, r.base_seq FROM records r JOIN record_spans b"
            " ON b.rid = r.rid WHERE r.doc_pk = ? AND r.annotator = ?",
            (key, annotator),
        ).fetchone()
        return None if row is None else BaseRecord(*row)

    def entries_after(self, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
        return entries_after(self._conn, key, annotator, seq)

    def read_entry(self, seq: int) -> LogEntry:
        kind, effect, target, undo_head, redo_head, link = self._conn.execute(
            "SELECT kind, effect, target, undo_head, redo_head, link FROM actions WHERE seq = ?", (seq,)).fetchone()
        return LogEntry(kind, orjson.loads(effect), target, seq if kind == "do" else undo_head, redo_head, link)

    def last_undo_link(self, target: int) -> int | None:
        row = self._conn.execute(
            "SELECT link FROM actions WHERE kind = 'undo' AND target = ? ORDER BY seq DESC LIMIT 1", (target,)
        ).fetchone()
        return row[0] if row else None

    def append_entry(self, key: int, annotator: str, entry: LogEntry,
                     counts: RecordCounts) -> tuple[int, int | None, int]:
        c = self._conn
        # a do entry's undo_head stays NULL: it is its own undo head (see log_head)
        cur = c.execute(
            "INSERT INTO actions (doc_pk, annotator, kind, target, effect, undo_head, redo_head, link, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, annotator, entry.kind, entry.target, _dumps(entry.ops),
             None if entry.kind == "do" else entry.undo_head, entry.redo_head, entry.link, counts.updated_at),
        )
        seq = cur.lastrowid
        assert seq is not None
        updated = c.execute(
            "UPDATE records SET status = ?, span_count = ?, flag_count = ?, updated_at = ?, pending = pending + 1"
            " WHERE doc_pk = ? AND annotator = ? RETURNING rid, pending",
            (counts.status, counts.spans, counts.flags, counts.updated_at, key, annotator),
        ).fetchone()
        return (seq, None, 0) if updated is None else (seq, updated[0], updated[1])

    def insert_record(self, key: int, annotator: str, counts: RecordCounts, spans: JSONText, flags: JSONText,
                      base_seq: int) -> int | None:
        c = self._conn
        row = c.execute(
            "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (doc_pk, annotator) DO NOTHING RETURNING rid",
            (key, annotator, counts.status, counts.spans, counts.flags, counts.updated_at, base_seq),
        ).fetchone()
        if row is None:
            return None
        c.execute("INSERT INTO record_spans (rid, spans, flags) VALUES (?, ?, ?)", (row[0], spans, flags))
        return row[0]

    def rebase(self, key: int, annotator: str, spans: JSONText, flags: JSONText, seq: int) -> None:
        rid = self._conn.execute(
            "UPDATE records SET base_seq = ?, pending = 0 WHERE doc_pk = ? AND annotator = ? RETURNING rid",
            (seq, key, annotator),
        ).fetchone()[0]
        self._conn.execute("UPDATE record_spans SET spans = ?, flags = ? WHERE rid = ?", (spans, flags, rid))

    # -- kept suggestions -----------------------------------------------------------------------------

    def read_suggestions(self, key: int, annotator: str) -> StoredSuggestions:
        row = self._conn.execute(
            "SELECT items, made_by, computed_at FROM suggestions WHERE doc_pk = ? AND annotator = ?",
            (key, annotator)).fetchone()
        rejected = frozenset(self._conn.execute(
            "SELECT span_start, span_end, label FROM suggestion_rejections WHERE doc_pk = ? AND annotator = ?",
            (key, annotator)))
        if row is None:
            return StoredSuggestions(None, rejected=rejected)
        return StoredSuggestions(row[0], row[1], row[2], rejected)

    def put_suggestions(self, key: int, annotator: str, items: JSONText, made_by: str, computed_at: str) -> None:
        self._conn.execute(
            "INSERT INTO suggestions (doc_pk, annotator, items, made_by, computed_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (doc_pk, annotator) DO UPDATE SET items = excluded.items, made_by = excluded.made_by,"
            " computed_at = excluded.computed_at",
            (key, annotator, items if isinstance(items, str) else items.decode(), made_by, computed_at))

    def add_rejection(self, key: int, annotator: str, suggestion: SuggestionKey, at: str) -> bool:
        start, end, label = suggestion
        row = self._conn.execute(
            "INSERT INTO suggestion_rejections (doc_pk, annotator, span_start, span_end, label, rejected_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1",
            (key, annotator, start, end, label, at)).fetchone()
        return row is not None

    # -- assignments --------------------------------------------------------------------------------

    def assignable(self) -> list[AssignableDocument]:
        rows = self._conn.execute(
            "SELECT d.pk, d.id, length(d.text),"
            " (SELECT group_concat(annotator, char(10)) FROM (SELECT annotator FROM assignments a"
            "  WHERE a.doc_pk = d.pk ORDER BY annotator)),"
            " EXISTS (SELECT 1 FROM records r WHERE r.doc_pk = d.pk AND r.status = 'done')"
            " FROM documents d ORDER BY d.pk")
        return [AssignableDocument(pk, doc_id, length, tuple(who.split("\n")) if who else (), bool(done))
                for pk, doc_id, length, who, done in rows]

    def add_assignments(self, pairs: Sequence[tuple[int, str]], assigned_at: str) -> int:
        before = self._conn.total_changes
        self._conn.executemany("INSERT INTO assignments (doc_pk, annotator, assigned_at) VALUES (?, ?, ?)"
                               " ON CONFLICT DO NOTHING", [(key, who, assigned_at) for key, who in pairs])
        return self._conn.total_changes - before

    def has_assignments(self, annotator: str) -> bool:
        return self._conn.execute("SELECT EXISTS (SELECT 1 FROM assignments WHERE annotator = ?)",
                                  (annotator,)).fetchone()[0] == 1

    def progress(self) -> list[AnnotatorProgress]:
        rows = self._conn.execute(
            "SELECT a.annotator, count(*), count(*) FILTER (WHERE r.status = 'in_progress'),"
            " count(*) FILTER (WHERE r.status = 'done') FROM assignments a"
            " LEFT JOIN records r ON r.doc_pk = a.doc_pk AND r.annotator = a.annotator"
            " GROUP BY a.annotator ORDER BY a.annotator")
        return [AnnotatorProgress(*row) for row in rows]

    def ready_for_review(self) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.doc_pk = d.pk)"
            " AND NOT EXISTS (SELECT 1 FROM assignments a LEFT JOIN records r"
            " ON r.doc_pk = a.doc_pk AND r.annotator = a.annotator"
            " WHERE a.doc_pk = d.pk AND coalesce(r.status, 'todo') != 'done') ORDER BY d.pk")]

    # -- who has what -------------------------------------------------------------------------------

    def annotators(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT annotator FROM records ORDER BY annotator")]

    def record_annotators(self, doc_id: str) -> list[str]:
        pk = self.doc_key(doc_id)
        return [r[0] for r in self._conn.execute(
            "SELECT annotator FROM records WHERE doc_pk = ? ORDER BY annotator", (pk,))]

    def reviewable(self, reviewer: str) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM records r WHERE r.doc_pk = d.pk"
            " AND r.annotator != ?) ORDER BY d.pk", (reviewer,))]

    def count_records(self, query: RecordQuery) -> int:
        sql, params = records_query(query)
        return self._conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    # -- reading in parallel ------------------------------------------------------------------------

    def parts(self, count: int) -> list[Part]:
        lo, hi = self._conn.execute("SELECT min(pk), max(pk) FROM documents").fetchone()
        if lo is None:
            return [Part((0, 1))]
        step = -(-(hi - lo + 1) // max(1, count))
        return [Part((start, min(start + step, hi + 1))) for start in range(lo, hi + 1, step)]

    def size_hint(self) -> int:
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        return pages * self._conn.execute("PRAGMA page_size").fetchone()[0]


def _errorname(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def _cannot_write(path: Path) -> bool:
    """Whether this process cannot write the store at ``path``: its file (permissions, an
    immutable file, a read-only mount), or its folder when the WAL's side files are not there to
    write (SQLite creates them beside the file)."""
    if not os.access(path, os.W_OK):
        return True
    if os.access(path.parent, os.W_OK):
        return False
    return not all(os.access(f"{path}{suffix}", os.W_OK) for suffix in ("-wal", "-shm"))


def _connect_target(path: Path, read_only: bool) -> tuple[str, bool]:
    """What sqlite3.connect opens, and whether it is a URI: the path itself, or for a read-only
    store a ``mode=ro`` URI -- ``immutable`` too when the WAL's side files can be neither found nor
    made (a read-only mount): nothing can change the file there."""
    if not read_only:
        return str(path), False
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    side_files = all(os.access(f"{path}{suffix}", os.R_OK) for suffix in ("-wal", "-shm"))
    if not side_files and not os.access(path.parent, os.W_OK):
        uri += "&immutable=1"
    return uri, True


def remove_store_files(path: str) -> None:
    """Delete a store file and its WAL side files (used by tests and benchmarks)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def reopen_sqlite(path: str | os.PathLike[str], read_only: bool) -> SQLiteStore:
    """Another connection to a store already opened (and checked); read-only if that one was."""
    other = SQLiteStore(path, create=False, checked=True)
    other.read_only = other.read_only or read_only
    return other
