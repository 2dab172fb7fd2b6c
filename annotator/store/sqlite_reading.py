"""Reading an SQLite store in bulk: the SELECT of a query's records (its part a range of document
keys), a record's log entries after its base, and the snapshot that yields both (what export,
agree and suggest read through)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import orjson

from annotator.model.types import Op
from annotator.store.base import Part, RecordQuery, Snapshot, SnapshotRow, StoredRecord


def pk_range(part: Part) -> tuple[int, int]:
    """This backend's parts are ranges of document keys, [lo, hi)."""
    token = part.token
    assert isinstance(token, tuple) and len(token) == 2, f"not a part of an SQLite store: {part!r}"
    return token[0], token[1]


def entries_after(conn: sqlite3.Connection, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
    for (effect,) in conn.execute(
        "SELECT effect FROM actions WHERE doc_pk = ? AND annotator = ? AND seq > ? ORDER BY seq", (key, annotator, seq)
    ):
        yield orjson.loads(effect)


_COLUMNS = ("d.pk, d.id, d.text, d.text_sha256, d.meta, {ann}, coalesce(r.status, 'todo'), coalesce(b.spans, '[]'),"
            " coalesce(b.flags, '[]'), r.updated_at, coalesce(r.pending, 0), coalesce(r.base_seq, 0)")


def records_query(q: RecordQuery) -> tuple[str, list[Any]]:
    """The SELECT of the records of ``q``, in document order, then annotator."""
    params: list[Any] = []
    if q.annotator is not None:  # documents the annotator has not touched: to-do records, no spans
        join = "LEFT JOIN" if q.untouched else "JOIN"
        sql = (f"SELECT {_COLUMNS.format(ann='?')} FROM documents d"
               f" {join} records r ON r.doc_pk = d.pk AND r.annotator = ? LEFT JOIN record_spans b ON b.rid = r.rid")
        params += [q.annotator, q.annotator]
    elif q.untouched:  # everyone's: each annotator with a record, else the documents once, with no annotator
        sql = (f"SELECT {_COLUMNS.format(ann='a.annotator')} FROM documents d"
               " LEFT JOIN (SELECT DISTINCT annotator FROM records) a ON 1"
               " LEFT JOIN records r ON r.doc_pk = d.pk AND r.annotator = a.annotator"
               " LEFT JOIN record_spans b ON b.rid = r.rid")
    else:
        sql = (f"SELECT {_COLUMNS.format(ann='r.annotator')} FROM records r JOIN documents d ON d.pk = r.doc_pk"
               " JOIN record_spans b ON b.rid = r.rid")
    where = []
    if q.status is not None:
        where.append("coalesce(r.status, 'todo') = ?")
        params.append(q.status)
    if q.part is not None:
        lo, hi = pk_range(q.part)
        where.append("d.pk >= ? AND d.pk < ?")
        params += [lo, hi]
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY d.pk" + ("" if q.annotator is not None else ", 6"), params


class SQLiteSnapshot(Snapshot):
    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def rows(self, query: RecordQuery) -> Iterator[SnapshotRow]:
        sql, params = records_query(query)
        for row in self._conn.execute(sql, params):
            pk, doc_id, text, sha, meta, ann, st, spans, flags, updated, pending, base = row
            yield SnapshotRow(pk, StoredRecord(doc_id, text, sha, meta, ann, st, spans, flags, updated), pending, base)

    def entries_after(self, key: int, annotator: str, seq: int) -> Iterator[list[Op]]:
        return entries_after(self._conn, key, annotator, seq)
