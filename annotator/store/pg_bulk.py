"""The PostgreSQL store's bulk path (an import): rows ``COPY``-ed in binary into a temporary table,
then one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` that says which went in.

Within one call an id (or a (document, annotator) pair) may come twice: the first one in order is
the one inserted, as when the rows go one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import orjson

from annotator.model.types import NewDocument
from annotator.store.base import NewRecord, PutDocument

if TYPE_CHECKING:
    from annotator.store.postgres import PostgresStore

TEMP_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS annotator_import_docs (ord integer, id text, text bytea, chars integer,"
    " text_sha256 text, meta text, source text) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS annotator_import_records (ord integer, doc_pk bigint, annotator text,"
    " status text, span_count integer, flag_count integer, updated_at text, base_seq bigint, spans text, flags text)"
    " ON COMMIT DELETE ROWS",
)


def _temp_tables(store: PostgresStore) -> None:
    for statement in TEMP_TABLES:
        store.run(statement)


def put_documents(store: PostgresStore, docs: Sequence[NewDocument], added_at: str) -> list[PutDocument]:
    _temp_tables(store)
    store.copy_rows("annotator_import_docs", ("ord", "id", "text", "chars", "text_sha256", "meta", "source"),
                    ("int4", "text", "bytea", "int4", "text", "text", "text"),
                    [(i, d.id, d.text.encode(), len(d.text), d.text_sha256, orjson.dumps(d.meta).decode(), d.source)
                     for i, d in enumerate(docs)])
    rows = store.run(
        "WITH ins AS (INSERT INTO documents (id, text, chars, text_sha256, meta, source, added_at)"
        " SELECT id, text, chars, text_sha256, meta, source, %s FROM"
        " (SELECT DISTINCT ON (id) * FROM annotator_import_docs ORDER BY id, ord) f ORDER BY ord"
        " ON CONFLICT (id) DO NOTHING RETURNING pk, id)"
        " SELECT ins.pk, d.pk, d.text_sha256, d.source FROM annotator_import_docs i LEFT JOIN ins ON ins.id = i.id"
        " LEFT JOIN LATERAL (SELECT pk, text_sha256, source FROM documents WHERE id = i.id) d ON true"
        " ORDER BY i.ord", (added_at,))
    out: list[PutDocument] = []
    first: dict[str, PutDocument] = {}  # added by this call
    for doc, (new_pk, old_pk, old_sha, old_source) in zip(docs, rows):
        if new_pk is None:
            out.append(PutDocument(old_pk, False, old_sha, old_source))
        elif doc.id in first:  # the same id again in this call
            put = first[doc.id]
            out.append(PutDocument(put.key, False, put.text_sha256, put.source))
        else:
            out.append(first.setdefault(doc.id, PutDocument(new_pk, True, doc.text_sha256, doc.source)))
    return out


def insert_records(store: PostgresStore, rows: Sequence[NewRecord]) -> list[int | None]:
    _temp_tables(store)

    def text(value: str | bytes) -> str:
        return value if isinstance(value, str) else value.decode()

    store.copy_rows("annotator_import_records",
                    ("ord", "doc_pk", "annotator", "status", "span_count", "flag_count", "updated_at", "base_seq",
                     "spans", "flags"),
                    ("int4", "int8", "text", "text", "int4", "int4", "text", "int8", "text", "text"),
                    [(i, r.key, r.annotator, r.counts.status, r.counts.spans, r.counts.flags, r.counts.updated_at,
                      r.base_seq, text(r.spans), text(r.flags)) for i, r in enumerate(rows)])
    inserted = store.run(
        "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq, spans, flags)"
        " SELECT doc_pk, annotator, status, span_count, flag_count, updated_at, base_seq, spans, flags FROM"
        " (SELECT DISTINCT ON (doc_pk, annotator) * FROM annotator_import_records ORDER BY doc_pk, annotator, ord) f"
        " ORDER BY ord ON CONFLICT (doc_pk, annotator) DO NOTHING RETURNING doc_pk, annotator, rid")
    rids = {(pk, who): rid for pk, who, rid in inserted}
    out: list[int | None] = []
    for r in rows:
        out.append(rids.pop((r.key, r.annotator), None))  # the first of a pair gets the row
    return out
