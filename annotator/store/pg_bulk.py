"""The PostgreSQL store's bulk path (an import), a batch of rows at a time:

- documents: one query finds the ids already stored; the new ones (the first of an id in the
  batch) get keys drawn from the table's sequence in one query and go in by ``COPY`` (binary);
- records of documents the same batch added cannot exist yet: they go straight in by ``COPY``
  too (where row-level security does not hold the user: it refuses ``COPY FROM``); the others
  through a temporary table and one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``.

Within one call an id (or a (document, annotator) pair) may come twice: the first one in order is
the one inserted, as when the rows go one at a time. Another import adding the same document at
the same moment makes this one fail whole (the unique index refuses it): nothing is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import orjson

from annotator.model.types import NewDocument
from annotator.store.base import NewRecord, PutDocument

if TYPE_CHECKING:
    from annotator.store.postgres import PostgresStore

RECORD_COLUMNS = ("doc_pk", "annotator", "status", "span_count", "flag_count", "updated_at", "base_seq", "spans",
                  "flags")
RECORD_TYPES = ("int8", "text", "text", "int4", "int4", "text", "int8", "text", "text")
TEMP_RECORDS = ("CREATE TEMP TABLE IF NOT EXISTS annotator_import_records (ord integer, doc_pk bigint,"
                " annotator text, status text, span_count integer, flag_count integer, updated_at text,"
                " base_seq bigint, spans text, flags text) ON COMMIT DELETE ROWS")


def put_documents(store: PostgresStore, docs: Sequence[NewDocument], added_at: str) -> list[PutDocument]:
    stored = {doc_id: (pk, sha, source) for doc_id, pk, sha, source in store.run(
        "SELECT id, pk, text_sha256, source FROM documents WHERE id = ANY(%s)", (list({d.id for d in docs}),))}
    new: dict[str, NewDocument] = {}
    for d in docs:
        if d.id not in stored and d.id not in new:
            new[d.id] = d
    keys = sorted(k for (k,) in store.run(
        "SELECT nextval(pg_get_serial_sequence('documents', 'pk')) FROM generate_series(1, %s)", (len(new),)))
    added = dict(zip(new, keys))
    if new:
        store.copy_rows("documents", ("pk", "id", "text", "chars", "text_sha256", "meta", "source", "added_at"),
                        ("int8", "text", "bytea", "int4", "text", "text", "text", "text"),
                        [(added[d.id], d.id, d.text.encode(), len(d.text), d.text_sha256,
                          orjson.dumps(d.meta).decode(), d.source, added_at) for d in new.values()])
    # the documents of this batch only: memory stays flat; a record of one in a later batch takes the INSERT path
    store.fresh_documents = set(keys)
    store.fresh_records = set()
    out: list[PutDocument] = []
    first = set()
    for d in docs:
        if d.id in stored:
            pk, sha, source = stored[d.id]
            out.append(PutDocument(pk, False, sha, source))
        elif d.id in first:  # the same id again in this call
            n = new[d.id]
            out.append(PutDocument(added[d.id], False, n.text_sha256, n.source))
        else:
            first.add(d.id)
            out.append(PutDocument(added[d.id], True, d.text_sha256, d.source))
    return out


def _row(r: NewRecord) -> tuple[object, ...]:
    def text(value: str | bytes) -> str:
        return value if isinstance(value, str) else value.decode()

    return (r.key, r.annotator, r.counts.status, r.counts.spans, r.counts.flags, r.counts.updated_at, r.base_seq,
            text(r.spans), text(r.flags))


def insert_records(store: PostgresStore, rows: Sequence[NewRecord]) -> list[bool]:
    out = [False] * len(rows)
    direct: list[NewRecord] = []
    rest: list[int] = []
    for i, r in enumerate(rows):
        pair = (r.key, r.annotator)
        if store.bypasses_rls and r.key in store.fresh_documents and pair not in store.fresh_records:
            store.fresh_records.add(pair)
            direct.append(r)
            out[i] = True
        else:
            rest.append(i)
    if direct:
        store.copy_rows("records", RECORD_COLUMNS, RECORD_TYPES, [_row(r) for r in direct])
    if rest:
        store.run(TEMP_RECORDS)
        store.copy_rows("annotator_import_records", ("ord", *RECORD_COLUMNS), ("int4", *RECORD_TYPES),
                        [(i, *_row(rows[i])) for i in rest], truncate=True)
        inserted = store.run(
            "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq, spans,"
            " flags) SELECT doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq, spans, flags"
            " FROM (SELECT DISTINCT ON (doc_pk, annotator) * FROM annotator_import_records"
            " ORDER BY doc_pk, annotator, ord) f ORDER BY ord"
            " ON CONFLICT (doc_pk, annotator) DO NOTHING RETURNING doc_pk, annotator")
        new = set(inserted)
        for i in rest:
            pair = (rows[i].key, rows[i].annotator)
            if pair in new:  # the first of a pair gets the row
                new.discard(pair)
                out[i] = True
    return out
