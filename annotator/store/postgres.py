"""The PostgreSQL backend: one server shared by a team, one durable transaction per action.

Layout: ``pg_migrations.py`` (documents; one row per (document, annotator) with its spans and
flags as JSON as of its base log entry; the append-only action log; assignments), with
row-level security that holds each database user to their own records. This module is only
SQL: what the log means is ``history.py``, the rules of importing ``importer.py``.

- Actions: an action locks its record's row (``SELECT ... FOR UPDATE``; before the record has a
  row, a transaction-level advisory lock on (document, annotator)) and then reads the log's
  head, so two connections of one annotator apply each action to the record as the other left it.
  Two round trips: the BEGIN, the lock and the seq of the entry to come (drawn once the row is
  locked, so a record's entries are in seq order); then the entry's INSERT and the row's UPDATE,
  held back by :meth:`PostgresStore.append_entry` (what they return is known from the locked row)
  and sent with the COMMIT. The head of a row this transaction has locked is known without asking.
- A lost connection fails the call in progress with a StoreError (nothing is half-written: the
  transaction rolls back); the next call reconnects. A read outside a transaction is retried once
  on a new connection at once.
- Imports: a thousand items at a time, by binary ``COPY`` (``pg_bulk.py``), in the import's one
  transaction. Document texts are ``bytea`` (an article may hold NUL, which ``text`` cannot).
- Snapshots: a connection of their own in a ``REPEATABLE READ READ ONLY`` transaction, its rows
  streamed by a binary ``COPY ... TO STDOUT`` (``pg_reading.py``): exports read one moment in
  constant memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from annotator.errors import StoreError
from annotator.model.types import NewDocument, Op, Status
from annotator.store import pg_migrations as schema
from annotator.store.base import (
    AnnotatorProgress,
    AssignableDocument,
    BaseRecord,
    DocInfo,
    JSONText,
    LogEntry,
    LogHead,
    NewRecord,
    Part,
    PutDocument,
    RecordCounts,
    RecordQuery,
    Snapshot,
    Store,
    StoredDocument,
    StoredSuggestions,
    SuggestionKey,
)
from annotator.store.pg_connection import connect, explain
from annotator.store.pg_reading import PgSnapshot, records_query, text_of


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(slots=True)
class _Locked:
    """A record row this transaction has locked: its head and pending count as this transaction
    leaves them, and the seq drawn for its next log entry (None: used, or not drawn)."""

    head: LogHead
    pending: int
    seq: int | None


class PostgresStore(Store):
    import_batch = 1000  # a batch is one COPY
    def __init__(self, url: str, *, create: bool = True):
        super().__init__()
        from annotator.store import describe_db

        self.url = url
        self.location = describe_db(url)
        self._pks: dict[str, int] = {}
        self._in_tx = False
        self._begin_pending = False  # a transaction began whose BEGIN is not sent yet
        self._missing: set[tuple[int, str]] = set()  # records with no row when this transaction locked them
        self._locked: dict[tuple[int, str], _Locked] = {}  # record rows this transaction holds
        self._deferred: list[tuple[str, dict[str, Any]]] = []  # statements to send with the next round trip
        self._bulk = False
        # documents the import's last batch added, and records added to them (pg_bulk.py)
        self.fresh_documents: set[int] = set()
        self.fresh_records: set[tuple[int, str]] = set()
        self._conn: psycopg.Connection[Any] | None = connect(url, self.location)
        try:
            self.user, self.roles = self._check()
            # a database (or user) set read-only, or a hot standby: it reads and exports, writes refused
            self.read_only = self._one("SELECT current_setting('transaction_read_only') = 'on'")[0]
            # COPY FROM is refused on a table whose row-level security holds this user
            self.bypasses_rls: bool = self._one("SELECT NOT row_security_active('records')")[0]
        except BaseException:
            self._conn.close()
            raise

    # -- opening: is it an annotator store, of which version ------------------------------------------

    def _check(self) -> tuple[str, schema.Roles]:
        conn = self._live()
        user, has_meta, tables = conn.execute(
            "SELECT current_user, to_regclass('annotator_meta') IS NOT NULL,"
            " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())").fetchone() or ("", False, 0)
        if not has_meta:
            if tables:
                raise StoreError(f"{self.location}: this database holds other tables, not an annotator store; "
                                 "give annotator an empty database of its own")
            raise StoreError(f"{self.location}: the database is empty: prepare it with `annotator db init URL` "
                             "(as its owner)")
        try:
            meta = dict(conn.execute("SELECT key, value FROM annotator_meta").fetchall())
        except psycopg.errors.InsufficientPrivilege:
            raise StoreError(f"{self.location}: user {user!r} has no rights on this annotator store; an admin adds "
                             f"them with `annotator team add {user} --role annotator`") from None
        except psycopg.Error as exc:
            raise StoreError(explain(exc, self.location, user)) from None
        version = schema.stored_format(meta, self.location)
        if version < schema.FORMAT_VERSION:
            raise StoreError(f"{self.location}: store format {version} is older than this annotator's "
                             f"({schema.FORMAT_VERSION}); its owner upgrades it with `annotator db init URL`")
        return user, schema.Roles.from_meta(meta)

    # -- the connection ---------------------------------------------------------------------------------

    def _live(self) -> psycopg.Connection[Any]:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            if self._in_tx and not self._begin_pending:
                raise StoreError(f"{self.location}: lost the connection to the server in the middle of an action; "
                                 "nothing was saved, try again")
            if conn is not None:
                conn.close()
            self._conn = None
            self._conn = conn = connect(self.url, self.location)
        return conn

    def _q(self, query: Any, params: Any = None, *, binary: bool = False) -> psycopg.Cursor[Any]:
        """Run one statement (its rows fetched); StoreError saying why not. Outside a transaction
        (or before its first statement), a statement that finds the connection lost is run again
        once on a new one."""
        if self._begin_pending or self._deferred:
            self._many([])  # the transaction's BEGIN or held-back writes, sent with nothing else to go with them
        for attempt in (0, 1):
            conn = self._live()
            try:
                return conn.execute(query, params, binary=binary)
            except psycopg.OperationalError as exc:
                if attempt == 0 and not self._in_tx and conn.broken:
                    continue
                raise StoreError(explain(exc, self.location, self.user)) from None
            except psycopg.Error as exc:
                raise StoreError(explain(exc, self.location, self.user)) from None
        raise AssertionError("unreachable")

    def _many(self, statements: Sequence[tuple[Any, Any]]) -> list[list[tuple[Any, ...]]]:
        """Run statements in one round trip (a pipeline; prepared statements as usual), after the
        transaction's BEGIN when it is still to be sent and the writes held back; the rows of each."""
        for attempt in (0, 1):
            conn = self._live()
            try:
                with conn.pipeline():
                    quiet = conn.cursor()  # one cursor for the statements whose results are not read
                    if self._begin_pending:
                        quiet.execute("BEGIN")
                    for q, p in self._deferred:
                        quiet.execute(q, p)
                    cursors = [conn.execute(q, p) for q, p in statements]
                out = [c.fetchall() if c.description is not None else [] for c in cursors]
            except psycopg.OperationalError as exc:
                if attempt == 0 and (not self._in_tx or self._begin_pending) and conn.broken:
                    continue
                raise StoreError(explain(exc, self.location, self.user)) from None
            except psycopg.Error as exc:
                raise StoreError(explain(exc, self.location, self.user)) from None
            self._begin_pending = False
            self._deferred.clear()
            return out
        raise AssertionError("unreachable")

    def _one(self, query: Any, params: Any = None, *, binary: bool = False) -> Any:
        return self._q(query, params, binary=binary).fetchone()

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[None]:
        """One transaction: committed durably on exit, rolled back on an exception. Its BEGIN goes
        with its first statement when that is an action's lock (:meth:`log_head`), and the writes
        held back go with its COMMIT, each in one round trip."""
        self._begin_pending = True
        self._in_tx = True
        self._bulk = bulk
        try:
            yield
        except BaseException:
            self._in_tx = False
            self._begin_pending = False
            self._rollback()
            raise
        finally:
            self._in_tx = False
            self._missing.clear()
            self._locked.clear()
            self.fresh_documents.clear()
            self.fresh_records.clear()
            deferred, self._deferred = self._deferred, []
        if self._begin_pending:  # nothing was read or written
            self._begin_pending = False
            return
        self._commit(deferred)

    def _commit(self, deferred: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """COMMIT, after the writes held back, in one round trip; durable once this returns."""
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            raise StoreError(f"{self.location}: lost the connection to the server in the middle of an action; "
                             "nothing was saved, try again")
        try:
            with conn.pipeline():
                quiet = conn.cursor()  # no result read
                for q, p in deferred:
                    quiet.execute(q, p)
                quiet.execute("COMMIT")
        except psycopg.Error as exc:
            self.history.forget()  # a held-back write may have been refused: what it cached is not stored
            if not conn.broken:  # a write refused: the server skipped the COMMIT
                self._rollback()
                raise StoreError(explain(exc, self.location, self.user)) from None
            raise StoreError(f"{self.location}: the commit did not complete ({explain(exc, '', self.user)[2:]}); "
                             "the last action may not be saved: check the record, then try again") from None

    def _rollback(self) -> None:
        conn = self._conn
        if conn is not None and not conn.broken and conn.info.transaction_status != TransactionStatus.IDLE:
            try:
                conn.execute("ROLLBACK")
            except psycopg.Error:
                pass  # the connection went: the server rolls back on its own

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """A connection of its own, in a REPEATABLE READ READ ONLY transaction whose snapshot is
        exported (a second connection joins it to read log entries while rows stream)."""
        conn = connect(self.url, self.location, autocommit=False)
        snap: PgSnapshot | None = None
        try:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            (snapshot_id,) = conn.execute("SELECT pg_export_snapshot()").fetchone() or ("",)
            snap = PgSnapshot(conn, snapshot_id, self.url, self.location)
            yield snap
            conn.commit()
        except psycopg.Error as exc:
            raise StoreError(explain(exc, self.location, self.user)) from None
        finally:
            if snap is not None:
                snap.close()
            conn.close()

    def close(self) -> None:
        self.history.forget()
        if self._conn is not None:
            self._conn.close()

    def reopener(self) -> Callable[[], PostgresStore]:
        return partial(PostgresStore, self.url)

    # -- documents ----------------------------------------------------------------------------------

    def doc_key(self, doc_id: str) -> int:
        pk = self._pks.get(doc_id)  # a document's key never changes
        if pk is None:
            row = self._one("SELECT pk FROM documents WHERE id = %s", (doc_id,))
            if row is None:
                raise StoreError(f"no document {doc_id!r} in {self.location}")
            pk = self._pks[doc_id] = row[0]
        return pk

    def insert_document(self, doc: NewDocument, added_at: str) -> int | None:
        row = self._one(
            "INSERT INTO documents (id, text, chars, text_sha256, meta, source, added_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING pk",
            (doc.id, doc.text.encode(), len(doc.text), doc.text_sha256, _dumps(doc.meta), doc.source, added_at))
        return None if row is None else row[0]

    def find_document(self, doc_id: str) -> tuple[int, StoredDocument] | None:
        row = self._one("SELECT pk, id, text, text_sha256, meta, source FROM documents WHERE id = %s", (doc_id,),
                        binary=True)
        return None if row is None else (row[0], StoredDocument(row[1], text_of(row[2]), *row[3:]))

    def read_document(self, key: int) -> StoredDocument:
        row = self._one("SELECT id, text, text_sha256, meta, source FROM documents WHERE pk = %s", (key,), binary=True)
        return StoredDocument(row[0], text_of(row[1]), *row[2:])

    def document_count(self) -> int:
        return self._one("SELECT count(*) FROM documents")[0]

    def documents(self, annotator: str, assigned_only: bool = False) -> list[DocInfo]:
        rows = self._q(
            "SELECT * FROM (SELECT d.id, row_number() OVER (ORDER BY d.pk), coalesce(r.status, 'todo'),"
            " coalesce(r.span_count, 0), coalesce(r.flag_count, 0), a.doc_pk IS NOT NULL AS assigned"
            " FROM documents d LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = %(ann)s"
            " LEFT JOIN assignments a ON a.doc_pk = d.pk AND a.annotator = %(ann)s) q"
            + (" WHERE assigned" if assigned_only else "") + " ORDER BY 2", {"ann": annotator}).fetchall()
        return [DocInfo(*row) for row in rows]

    def position(self, doc_id: str) -> int:
        return self._one("SELECT count(*) FROM documents WHERE pk <= %s", (self.doc_key(doc_id),))[0]

    def neighbour(self, doc_id: str | None, annotator: str, direction: int,
                  statuses: frozenset[Status] | None = None, assigned_only: bool = False) -> str | None:
        pk = self.doc_key(doc_id) if doc_id is not None else (0 if direction > 0 else 2**62)
        cmp, order = (">", "ASC") if direction > 0 else ("<", "DESC")
        where = ""
        if statuses is not None:
            where = " AND coalesce(r.status, 'todo') = ANY(%(statuses)s)"
        if assigned_only:
            where += " AND EXISTS (SELECT 1 FROM assignments a WHERE a.doc_pk = d.pk AND a.annotator = %(ann)s)"
        row = self._one(
            f"SELECT d.id FROM documents d LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = %(ann)s"
            f" WHERE d.pk {cmp} %(pk)s{where} ORDER BY d.pk {order} LIMIT 1",
            {"ann": annotator, "pk": pk, "statuses": sorted(statuses or ())})
        return row[0] if row else None

    # -- records and the action log -------------------------------------------------------------------

    def log_head(self, key: int, annotator: str) -> LogHead:
        """The head is kept in the record's row. Inside a write the row is locked as it is read
        (in the round trip of the transaction's BEGIN): another writer of the record waits, and a
        row read after waiting is its newest version. Asked again in the same transaction, a row it
        holds answers without asking. (The version an action leaves is in its Change: the session
        does not ask for it afterwards.)"""
        where = {"pk": key, "ann": annotator}
        if not self._in_tx:
            return _head(self._one(_HEAD, where))
        held = self._locked.get((key, annotator))
        if held is not None:  # locked by this transaction: nobody else has changed it
            return held.head
        if self._bulk:  # an import: its records' entries take the seq their INSERT draws
            rows, drawn = self._many([(_LOCK, where)])[0], None
        else:
            rows = self._many([(_LOCK_DRAW, where)])[0]
            drawn = rows[0][5] if rows else None
        if rows:
            self._forget_drawn()  # an INSERT must carry the seq its session drew last
            rid, seq, undo_top, redo_top, pending = rows[0][:5]
            held = self._locked[(key, annotator)] = _Locked(LogHead(seq, undo_top, redo_top, rid), pending, drawn)
            return held.head
        # no row to lock yet: serialise the record's first writers on (document, annotator); its
        # entry takes the seq its INSERT draws (one drawn before this lock may be below the head)
        advisory = {"pk": key % 2_147_483_647, "ann": annotator}
        rows = self._many([(_ADVISORY, advisory), (_LOCK, where)])[1]
        if not rows:
            self._missing.add((key, annotator))
        return _head(rows[0][:4] if rows else None)

    def _forget_drawn(self) -> None:
        for held in self._locked.values():
            held.seq = None

    def read_base(self, key: int, annotator: str) -> BaseRecord | None:
        row = self._one("SELECT status, spans, flags, updated_at, base_seq FROM records"
                        " WHERE doc_pk = %s AND annotator = %s", (key, annotator))
        return None if row is None else BaseRecord(*row)

    def entries_after(self, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
        rows = self._q("SELECT effect FROM actions WHERE doc_pk = %s AND annotator = %s AND seq > %s ORDER BY seq",
                       (key, annotator, seq)).fetchall()
        return (orjson.loads(effect) for (effect,) in rows)

    def read_entry(self, seq: int) -> LogEntry:
        kind, effect, target, undo_head, redo_head, link = self._one(
            "SELECT kind, effect, target, undo_head, redo_head, link FROM actions WHERE seq = %s", (seq,))
        return LogEntry(kind, orjson.loads(effect), target, seq if kind == "do" else undo_head, redo_head, link)

    def last_undo_link(self, target: int) -> int | None:
        row = self._one("SELECT link FROM actions WHERE kind = 'undo' AND target = %s ORDER BY seq DESC LIMIT 1",
                        (target,))
        return row[0] if row else None

    def append_entry(self, key: int, annotator: str, entry: LogEntry,
                     counts: RecordCounts) -> tuple[int, int | None, int]:
        params = {
            "pk": key, "ann": annotator, "kind": entry.kind, "target": entry.target, "effect": _dumps(entry.ops),
            "undo": None if entry.kind == "do" else entry.undo_head, "redo": entry.redo_head, "link": entry.link,
            "at": counts.updated_at, "status": counts.status, "spans": counts.spans, "flags": counts.flags,
            "is_do": entry.kind == "do"}
        held = self._locked.get((key, annotator))
        if held is not None and held.seq is not None:
            # the row is locked and the seq drawn: what the write returns is known, so it is held
            # back and goes with the next round trip (the COMMIT's)
            seq, rid, pending = held.seq, held.head.row, held.pending + 1
            self._deferred.append((_APPEND_DRAWN, {**params, "seq": seq}))
            undo_top = seq if entry.kind == "do" else entry.undo_head
            held.head, held.pending, held.seq = LogHead(seq, undo_top, entry.redo_head, rid), pending, None
            return seq, rid, pending
        self._locked.pop((key, annotator), None)  # its head moves: read again if asked
        self._forget_drawn()  # this INSERT draws a seq
        seq, rid, pending = self._one(_APPEND, params)
        if rid is not None and (key, annotator) in self._missing:
            # the record's row came in (an import) after this action read it as new: begin again
            raise StoreError(f"{self.location}: the record was imported while this action was being saved; "
                             "nothing was saved, try again")
        return (seq, None, 0) if rid is None else (seq, rid, pending)

    def insert_record(self, key: int, annotator: str, counts: RecordCounts, spans: JSONText, flags: JSONText,
                      base_seq: int) -> int | None:
        # as of base_seq: the head of the log is that entry (none for an import, base_seq 0)
        row = self._one(
            "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq, spans,"
            " flags, head_seq, undo_top, redo_top) SELECT %(pk)s, %(ann)s, %(status)s, %(spans_n)s, %(flags_n)s,"
            " %(at)s, %(base)s, %(spans)s, %(flags)s, a.seq, CASE WHEN a.kind = 'do' THEN a.seq ELSE a.undo_head END,"
            " a.redo_head FROM (SELECT 1) o LEFT JOIN actions a ON a.seq = %(base)s"
            " ON CONFLICT (doc_pk, annotator) DO NOTHING RETURNING rid",
            {"pk": key, "ann": annotator, "status": counts.status, "spans_n": counts.spans, "flags_n": counts.flags,
             "at": counts.updated_at, "base": base_seq, "spans": _as_str(spans), "flags": _as_str(flags)})
        return None if row is None else row[0]

    def rebase(self, key: int, annotator: str, spans: JSONText, flags: JSONText, seq: int) -> None:
        params = {"seq": seq, "spans": _as_str(spans), "flags": _as_str(flags), "pk": key, "ann": annotator}
        held = self._locked.get((key, annotator))
        if held is not None:
            held.pending = 0
        if self._deferred:  # after the entry held back, with it
            self._deferred.append((_REBASE, params))
        else:
            self._q(_REBASE, params)

    # -- kept suggestions -----------------------------------------------------------------------------

    def read_suggestions(self, key: int, annotator: str) -> StoredSuggestions:
        where = {"pk": key, "ann": annotator}
        kept, rejected = self._many([
            ("SELECT items, made_by, computed_at FROM suggestions"
             " WHERE doc_pk = %(pk)s AND annotator = %(ann)s", where),
            ("SELECT span_start, span_end, label FROM suggestion_rejections"
             " WHERE doc_pk = %(pk)s AND annotator = %(ann)s", where),
        ])
        keys = frozenset((start, end, label) for start, end, label in rejected)
        if not kept:
            return StoredSuggestions(None, rejected=keys)
        items, made_by, computed_at = kept[0]
        return StoredSuggestions(items, made_by, computed_at, keys)

    def put_suggestions(self, key: int, annotator: str, items: JSONText, made_by: str, computed_at: str) -> None:
        self._q("INSERT INTO suggestions (doc_pk, annotator, items, made_by, computed_at) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (doc_pk, annotator) DO UPDATE SET items = excluded.items, made_by = excluded.made_by,"
                " computed_at = excluded.computed_at", (key, annotator, _as_str(items), made_by, computed_at))

    def add_rejection(self, key: int, annotator: str, suggestion: SuggestionKey, at: str) -> bool:
        start, end, label = suggestion
        return self._one(
            "INSERT INTO suggestion_rejections (doc_pk, annotator, span_start, span_end, label, rejected_at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
            (key, annotator, start, end, label, at)) is not None

    # -- many rows at once ----------------------------------------------------------------------------

    def put_documents(self, docs: Sequence[NewDocument], added_at: str) -> list[PutDocument]:
        from annotator.store.pg_bulk import put_documents

        return put_documents(self, docs, added_at)

    def insert_records(self, rows: Sequence[NewRecord]) -> list[bool]:
        from annotator.store.pg_bulk import insert_records

        return insert_records(self, rows)

    def copy_rows(self, table: str, columns: Sequence[str], types: Sequence[str],
                  rows: Sequence[Sequence[Any]], *, truncate: bool = False) -> None:
        """``COPY`` ``rows`` into ``table`` (binary), inside a transaction; ``truncate``: empty it
        first (a temporary table)."""
        if self._begin_pending or self._deferred:
            self._many([])  # the transaction's BEGIN, the writes held back
        conn = self._live()
        try:
            with conn.cursor() as cur:
                if truncate:
                    cur.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
                copy_sql = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
                with cur.copy(copy_sql) as copy:
                    copy.set_types(list(types))
                    for row in rows:
                        copy.write_row(row)
        except psycopg.Error as exc:
            raise StoreError(explain(exc, self.location, self.user)) from None

    def run(self, query: Any, params: Any = None) -> list[tuple[Any, ...]]:
        """Rows of one statement, if it returns any (for the modules beside this one)."""
        cur = self._q(query, params)
        return cur.fetchall() if cur.description is not None else []

    # -- assignments --------------------------------------------------------------------------------

    def assignable(self) -> list[AssignableDocument]:
        if self._in_tx:  # planning assignments: another admin's plan waits for this one
            self._q("LOCK TABLE assignments IN EXCLUSIVE MODE")
        rows = self._q(
            "SELECT d.pk, d.id, d.chars, coalesce((SELECT array_agg(annotator ORDER BY annotator COLLATE \"C\")"
            " FROM assignments a WHERE a.doc_pk = d.pk), '{}'),"
            " EXISTS (SELECT 1 FROM records r WHERE r.doc_pk = d.pk AND r.status = 'done')"
            " FROM documents d ORDER BY d.pk").fetchall()
        return [AssignableDocument(pk, doc_id, chars, tuple(who), done) for pk, doc_id, chars, who, done in rows]

    def add_assignments(self, pairs: Sequence[tuple[int, str]], assigned_at: str) -> int:
        if not pairs:
            return 0
        return self._q("INSERT INTO assignments (doc_pk, annotator, assigned_at)"
                       " SELECT k, w, %s FROM unnest(%s::bigint[], %s::text[]) AS p(k, w) ON CONFLICT DO NOTHING",
                       (assigned_at, [k for k, _ in pairs], [w for _, w in pairs])).rowcount

    def has_assignments(self, annotator: str) -> bool:
        return self._one("SELECT EXISTS (SELECT 1 FROM assignments WHERE annotator = %s)", (annotator,))[0]

    def progress(self) -> list[AnnotatorProgress]:
        rows = self._q(
            "SELECT a.annotator, count(*), count(*) FILTER (WHERE r.status = 'in_progress'),"
            " count(*) FILTER (WHERE r.status = 'done') FROM assignments a"
            " LEFT JOIN records r ON r.doc_pk = a.doc_pk AND r.annotator = a.annotator"
            " GROUP BY a.annotator ORDER BY a.annotator COLLATE \"C\"").fetchall()
        return [AnnotatorProgress(*row) for row in rows]

    def ready_for_review(self) -> list[str]:
        return [r[0] for r in self._q(
            "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.doc_pk = d.pk)"
            " AND NOT EXISTS (SELECT 1 FROM assignments a LEFT JOIN records r"
            " ON r.doc_pk = a.doc_pk AND r.annotator = a.annotator"
            " WHERE a.doc_pk = d.pk AND coalesce(r.status, 'todo') != 'done') ORDER BY d.pk").fetchall()]

    # -- who has what -------------------------------------------------------------------------------

    def annotators(self) -> list[str]:
        return sorted(r[0] for r in self._q("SELECT DISTINCT annotator FROM records").fetchall())

    def record_annotators(self, doc_id: str) -> list[str]:
        pk = self.doc_key(doc_id)
        return sorted(r[0] for r in self._q("SELECT annotator FROM records WHERE doc_pk = %s", (pk,)).fetchall())

    def reviewable(self, reviewer: str) -> list[str]:
        return [r[0] for r in self._q(
            "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM records r WHERE r.doc_pk = d.pk"
            " AND r.annotator != %s) ORDER BY d.pk", (reviewer,)).fetchall()]

    def count_records(self, query: RecordQuery) -> int:
        text, params = records_query(query)
        return self._one(f"SELECT count(*) FROM ({text}) q", params)[0]

    # -- reading in parallel ------------------------------------------------------------------------

    def parts(self, count: int) -> list[Part]:
        lo, hi = self._one("SELECT min(pk), max(pk) FROM documents")
        if lo is None:
            return [Part((0, 1))]
        step = -(-(hi - lo + 1) // max(1, count))
        return [Part((start, min(start + step, hi + 1))) for start in range(lo, hi + 1, step)]

    def size_hint(self) -> int:
        return self._one("SELECT pg_total_relation_size('documents') + pg_total_relation_size('records')"
                         " + pg_total_relation_size('actions')")[0]


# an action's entry appended, and its record row's counts and head brought up to date (a do entry
# is its own undo head); NULL rid: the record has no row yet
_APPEND = ("WITH a AS (INSERT INTO actions (doc_pk, annotator, kind, target, effect, undo_head, redo_head, link, at)"
           " VALUES (%(pk)s, %(ann)s, %(kind)s, %(target)s, %(effect)s, %(undo)s, %(redo)s, %(link)s, %(at)s)"
           " RETURNING seq),"
           " u AS (UPDATE records SET status = %(status)s, span_count = %(spans)s, flag_count = %(flags)s,"
           " updated_at = %(at)s, pending = pending + 1, head_seq = (SELECT seq FROM a),"
           " undo_top = CASE WHEN %(is_do)s THEN (SELECT seq FROM a) ELSE %(undo)s::bigint END,"
           " redo_top = %(redo)s WHERE doc_pk = %(pk)s AND annotator = %(ann)s RETURNING rid, pending)"
           " SELECT a.seq, u.rid, u.pending FROM a LEFT JOIN u ON true")
# the same, the entry's seq drawn beforehand (_LOCK_DRAW, once the row is locked) and the results known
_APPEND_DRAWN = (
    "WITH a AS (INSERT INTO actions (seq, doc_pk, annotator, kind, target, effect, undo_head, redo_head, link, at)"
    " OVERRIDING SYSTEM VALUE VALUES (%(seq)s, %(pk)s, %(ann)s, %(kind)s, %(target)s, %(effect)s, %(undo)s,"
    " %(redo)s, %(link)s, %(at)s))"
    " UPDATE records SET status = %(status)s, span_count = %(spans)s, flag_count = %(flags)s,"
    " updated_at = %(at)s, pending = pending + 1, head_seq = %(seq)s,"
    " undo_top = CASE WHEN %(is_do)s THEN %(seq)s ELSE %(undo)s::bigint END,"
    " redo_top = %(redo)s WHERE doc_pk = %(pk)s AND annotator = %(ann)s")
# the record's row locked, then (once it is) the seq of its next entry drawn
_LOCK_DRAW = ("WITH l AS MATERIALIZED (SELECT rid, head_seq, undo_top, redo_top, pending FROM records"
              " WHERE doc_pk = %(pk)s AND annotator = %(ann)s FOR UPDATE)"
              " SELECT l.*, nextval('actions_seq_seq') FROM l")
_REBASE = ("UPDATE records SET base_seq = %(seq)s, pending = 0, spans = %(spans)s, flags = %(flags)s"
           " WHERE doc_pk = %(pk)s AND annotator = %(ann)s")
_ADVISORY = "SELECT pg_advisory_xact_lock(%(pk)s::int, hashtext(%(ann)s))"
_HEAD = "SELECT rid, head_seq, undo_top, redo_top FROM records WHERE doc_pk = %(pk)s AND annotator = %(ann)s"
_LOCK = ("SELECT rid, head_seq, undo_top, redo_top, pending FROM records"
         " WHERE doc_pk = %(pk)s AND annotator = %(ann)s FOR UPDATE")


def _head(row: tuple[Any, ...] | None) -> LogHead:
    if row is None:  # no record: no history
        return LogHead(None, None, None, None)
    rid, seq, undo_top, redo_top = row
    return LogHead(seq, undo_top, redo_top, rid)


def _as_str(value: JSONText) -> str:
    return value if isinstance(value, str) else value.decode()
