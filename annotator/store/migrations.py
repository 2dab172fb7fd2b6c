"""The SQLite store's file format: its tables, its version, and the steps from older versions.

``PRAGMA application_id`` marks a file as an annotator store; ``PRAGMA user_version`` is its format
version. An older file is copied (``<file>.v<N>.bak``, with SQLite's backup API) before it is migrated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x414E4E54  # "ANNT"
FORMAT_VERSION = 3

SCHEMA_V1 = """
CREATE TABLE documents (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    text        TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    meta        TEXT NOT NULL,           -- JSON object
    source      TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
-- One row per (document, annotator): small, rewritten by every action.
CREATE TABLE records (
    rid         INTEGER PRIMARY KEY,
    doc_pk      INTEGER NOT NULL REFERENCES documents(pk),
    annotator   TEXT NOT NULL,
    status      TEXT NOT NULL,
    span_count  INTEGER NOT NULL,
    flag_count  INTEGER NOT NULL,
    updated_at  TEXT,
    base_seq    INTEGER NOT NULL DEFAULT 0,
    pending     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (doc_pk, annotator)
);
-- Its spans and flags as JSON arrays as of action base_seq (spliced unparsed into exports). Kept
-- apart so that an action does not rewrite them: actions after base_seq (pending of them) are
-- replayed on load and folded in here in batches.
CREATE TABLE record_spans (
    rid         INTEGER PRIMARY KEY REFERENCES records(rid),
    spans       TEXT NOT NULL,
    flags       TEXT NOT NULL
);
CREATE INDEX records_by_annotator ON records(annotator, status);
-- The append-only action log. kind: do, undo or redo. effect: the ops this row applied.
-- undo_head / redo_head: the tops of the undo and redo stacks after this row (a do row is its own undo head),
-- link: for do rows the undo entry below it, for undo rows the redo entry below it.
CREATE TABLE actions (
    seq         INTEGER PRIMARY KEY,
    doc_pk      INTEGER NOT NULL,
    annotator   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    target      INTEGER,
    effect      TEXT NOT NULL,
    undo_head   INTEGER,
    redo_head   INTEGER,
    link        INTEGER,
    at          TEXT NOT NULL
);
CREATE INDEX actions_by_record ON actions(doc_pk, annotator, seq);
CREATE INDEX actions_by_target ON actions(target) WHERE kind = 'undo';
"""

# Format 2: which annotators each document is handed to (annotator assign).
ASSIGNMENTS = """
CREATE TABLE assignments (
    doc_pk      INTEGER NOT NULL REFERENCES documents(pk),
    annotator   TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (doc_pk, annotator)
) WITHOUT ROWID;
CREATE INDEX assignments_by_annotator ON assignments(annotator, doc_pk);
"""


# Format 3: suggestions kept per (document, annotator) until the annotator decides on them. The
# items are the JSON array annotator.suggest writes (the store does not read it); a rejection is
# one small row, so rejecting is one insert, and what was rejected never comes back. Accepted
# suggestions are spans of the record: nothing here is exported.
SUGGESTIONS = """
CREATE TABLE suggestions (
    doc_pk      INTEGER NOT NULL REFERENCES documents(pk),
    annotator   TEXT NOT NULL,
    items       TEXT NOT NULL,
    made_by     TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (doc_pk, annotator)
);
CREATE TABLE suggestion_rejections (
    doc_pk      INTEGER NOT NULL REFERENCES documents(pk),
    annotator   TEXT NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    label       TEXT NOT NULL,
    rejected_at TEXT NOT NULL,
    PRIMARY KEY (doc_pk, annotator, span_start, span_end, label)
) WITHOUT ROWID;
"""


def _add_assignments(conn: sqlite3.Connection) -> None:
    run_script(conn, ASSIGNMENTS)


def _add_suggestions(conn: sqlite3.Connection) -> None:
    run_script(conn, SUGGESTIONS)


# from_version -> function that upgrades a connection (inside a transaction) to from_version + 1
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _add_assignments, 2: _add_suggestions}


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the caller's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def create(conn: sqlite3.Connection) -> None:
    run_script(conn, SCHEMA_V1)
    for version in range(1, FORMAT_VERSION):
        MIGRATIONS[version](conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
