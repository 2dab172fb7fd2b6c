"""Reading a PostgreSQL store: the SELECT of a record query, and snapshots that stream it.

Rows stream by ``COPY (SELECT ...) TO STDOUT (FORMAT BINARY)`` inside a ``REPEATABLE READ READ
ONLY`` transaction (faster than fetching from a cursor, in constant memory). While they do, the
connection is busy, so log entries to replay are read on a second connection that joins the same
exported snapshot (``SET TRANSACTION SNAPSHOT``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import psycopg
from psycopg import sql

from annotator.model.types import Op
from annotator.store.base import Part, RecordQuery, Snapshot, SnapshotRow, StoredRecord
from annotator.store.pg_connection import connect


def text_of(value: bytes | memoryview) -> str:
    """A document's text, stored as UTF-8 bytes."""
    return bytes(value).decode()


def _pk_range(part: Part) -> tuple[int, int]:
    """This backend's parts are ranges of document keys, [lo, hi)."""
    token = part.token
    assert isinstance(token, tuple) and len(token) == 2, f"not a part of a PostgreSQL store: {part!r}"
    return token[0], token[1]


_COLUMNS = ("d.pk, d.id, d.text, d.text_sha256, d.meta, {ann}, coalesce(r.status, 'todo'), coalesce(r.spans, '[]'),"
            " coalesce(r.flags, '[]'), r.updated_at, coalesce(r.pending, 0), coalesce(r.base_seq, 0)")


def records_query(q: RecordQuery) -> tuple[str, dict[str, Any]]:
    """The SELECT of the records of ``q``, in document order, then annotator (by code point)."""
    params: dict[str, Any] = {}
    if q.annotator is not None:  # documents the annotator has not touched: to-do records, no spans
        join = "LEFT JOIN" if q.untouched else "JOIN"
        text = (f"SELECT {_COLUMNS.format(ann='%(ann)s::text')} FROM documents d"
                f" {join} records r ON r.doc_pk = d.pk AND r.annotator = %(ann)s")
        params["ann"] = q.annotator
    elif q.untouched:  # everyone's: each annotator with a record, else the documents once, with no annotator
        text = (f"SELECT {_COLUMNS.format(ann='a.annotator')} FROM documents d"
                " LEFT JOIN (SELECT DISTINCT annotator FROM records) a ON true"
                " LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = a.annotator")
    else:
        text = f"SELECT {_COLUMNS.format(ann='r.annotator')} FROM records r JOIN documents d ON d.pk = r.doc_pk"
    where = []
    if q.status is not None:
        where.append("coalesce(r.status, 'todo') = %(status)s")
        params["status"] = q.status
    if q.part is not None:
        params["lo"], params["hi"] = _pk_range(q.part)
        where.append("d.pk >= %(lo)s AND d.pk < %(hi)s")
    if where:
        text += " WHERE " + " AND ".join(where)
    by_annotator = "" if q.annotator is not None else (", a.annotator" if q.untouched else ", r.annotator")
    return text + " ORDER BY d.pk" + (by_annotator and by_annotator + ' COLLATE "C"'), params


# the columns of _COLUMNS, as COPY ... (FORMAT BINARY) sends them
_ROW_TYPES = ["int8", "text", "bytea", "text", "text", "text", "text", "text", "text", "text", "int4", "int8"]


class PgSnapshot(Snapshot):
    """One snapshot's reading (see the module's docstring)."""

    def __init__(self, conn: psycopg.Connection[Any], snapshot_id: str, url: str, location: str):
        self._conn = conn
        self._snapshot_id = snapshot_id
        self._url, self._location = url, location
        self._side: psycopg.Connection[Any] | None = None

    def rows(self, query: RecordQuery) -> Iterator[SnapshotRow]:
        text, params = records_query(query)
        statement = sql.SQL("COPY ({}) TO STDOUT (FORMAT BINARY)").format(
            sql.SQL(psycopg.ClientCursor(self._conn).mogrify(text, params)))  # parameters quoted by psycopg
        with self._conn.cursor() as cur, cur.copy(statement) as copy:
            copy.set_types(_ROW_TYPES)
            for pk, doc_id, body, sha, meta, ann, st, spans, flags, updated, pending, base in copy.rows():
                yield SnapshotRow(pk, StoredRecord(doc_id, text_of(body), sha, meta, ann, st, spans, flags, updated),
                                  pending, base)

    def entries_after(self, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
        if self._side is None:
            self._side = connect(self._url, self._location, autocommit=False)
            self._side.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            self._side.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(self._snapshot_id)))
        rows = self._side.execute(
            "SELECT effect FROM actions WHERE doc_pk = %s AND annotator = %s AND seq > %s ORDER BY seq",
            (key, annotator, seq)).fetchall()
        return (orjson.loads(effect) for (effect,) in rows)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
