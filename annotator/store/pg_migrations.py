"""The PostgreSQL store's layout: its tables, the roles and row-level security that keep each
annotator's work their own, its format version, and the steps from older versions.

The table ``annotator_meta`` marks a database as an annotator store and holds its format version
and the names of its three group roles (``<db>.annotator``, ``<db>.reviewer``, ``<db>.admin``).
A team member is a login role that belongs to one of them (``annotator team add``):

- an annotator reads the documents and their own assignments, and writes only their own records
  and actions (the ``annotator`` column must be ``current_user``);
- a reviewer is also an annotator and reads everyone's records (to merge them into gold);
- an admin is also a reviewer, adds documents (imports), assigns, and may write anyone's records
  (an import of several annotators' records).

The owner of the tables (who ran ``annotator db init``) and superusers are not held by the
policies: they are the database's administrators. Everything here runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

APPLICATION = "annotator"
FORMAT_VERSION = 1
ROLE_KINDS = ("annotator", "reviewer", "admin")

SCHEMA_V1 = """
CREATE TABLE annotator_meta (
    key         text PRIMARY KEY,
    value       text NOT NULL
);
CREATE TABLE documents (
    pk          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    text        bytea NOT NULL,           -- UTF-8, exactly as imported (an article may hold NUL)
    chars       integer NOT NULL,         -- its length in code points
    text_sha256 text NOT NULL,
    meta        text NOT NULL,            -- JSON object
    source      text NOT NULL,
    added_at    text NOT NULL
);
-- One row per (document, annotator), with its spans and flags as JSON arrays as of action
-- base_seq (spliced unparsed into exports); the actions after it (pending of them) are replayed
-- on load and folded in every 200. A long array is TOASTed: an action's UPDATE keeps it as it is.
CREATE TABLE records (
    rid         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_pk      bigint NOT NULL REFERENCES documents(pk),
    annotator   text NOT NULL,
    status      text NOT NULL,
    span_count  integer NOT NULL,
    flag_count  integer NOT NULL,
    updated_at  text,
    base_seq    bigint NOT NULL DEFAULT 0,
    pending     integer NOT NULL DEFAULT 0,
    spans       text NOT NULL,
    flags       text NOT NULL,
    UNIQUE (doc_pk, annotator)
);
CREATE INDEX records_by_annotator ON records(annotator, status);
-- The append-only action log (see the SQLite layout, the same columns). No foreign key to documents:
-- checking one would lock the document's row at every action, and all annotators act on the same rows.
CREATE TABLE actions (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_pk      bigint NOT NULL,
    annotator   text NOT NULL,
    kind        text NOT NULL,
    target      bigint,
    effect      text NOT NULL,
    undo_head   bigint,
    redo_head   bigint,
    link        bigint,
    at          text NOT NULL
);
CREATE INDEX actions_by_record ON actions(doc_pk, annotator, seq);
CREATE INDEX actions_by_target ON actions(target) WHERE kind = 'undo';
-- Which annotators each document is handed to (annotator assign).
CREATE TABLE assignments (
    doc_pk      bigint NOT NULL REFERENCES documents(pk),
    annotator   text NOT NULL,
    assigned_at text NOT NULL,
    PRIMARY KEY (doc_pk, annotator)
);
CREATE INDEX assignments_by_annotator ON assignments(annotator, doc_pk);
"""


@dataclass(frozen=True, slots=True)
class Roles:
    """The names of a store's three group roles."""

    annotator: str
    reviewer: str
    admin: str

    def of(self, kind: str) -> str:
        return {"annotator": self.annotator, "reviewer": self.reviewer, "admin": self.admin}[kind]

    @staticmethod
    def for_database(db: str) -> Roles:
        base = db.encode()[:48].decode(errors="ignore")  # a role name is at most 63 bytes
        return Roles(f"{base}.annotator", f"{base}.reviewer", f"{base}.admin")


def _security(roles: Roles) -> list[str]:
    """Row-level security and grants (``{...}`` filled with quoted role names and literals)."""
    return [
        # STABLE functions in (SELECT ...) below: evaluated once per statement, not per row
        "CREATE FUNCTION annotator_may_review() RETURNS boolean LANGUAGE sql STABLE"
        " AS $$ SELECT pg_has_role(current_user, {reviewer_lit}, 'MEMBER') $$",
        "CREATE FUNCTION annotator_may_admin() RETURNS boolean LANGUAGE sql STABLE"
        " AS $$ SELECT pg_has_role(current_user, {admin_lit}, 'MEMBER') $$",
        *(stmt for table in ("records", "actions") for stmt in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY {table}_read ON {table} FOR SELECT"
            " USING (annotator = current_user OR (SELECT annotator_may_review()))",
            f"CREATE POLICY {table}_insert ON {table} FOR INSERT"
            " WITH CHECK (annotator = current_user OR (SELECT annotator_may_admin()))",
            f"CREATE POLICY {table}_update ON {table} FOR UPDATE"
            " USING (annotator = current_user OR (SELECT annotator_may_admin()))"
            " WITH CHECK (annotator = current_user OR (SELECT annotator_may_admin()))",
        )),
        "ALTER TABLE assignments ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY assignments_read ON assignments FOR SELECT"
        " USING (annotator = current_user OR (SELECT annotator_may_review()))",
        "CREATE POLICY assignments_write ON assignments FOR ALL"
        " USING ((SELECT annotator_may_admin())) WITH CHECK ((SELECT annotator_may_admin()))",
        "GRANT SELECT ON annotator_meta, documents, assignments TO {annotator}",
        "GRANT SELECT, INSERT, UPDATE ON records, actions TO {annotator}",
        "GRANT {annotator} TO {reviewer}",
        "GRANT {reviewer} TO {admin}",
        "GRANT INSERT, UPDATE ON documents TO {admin}",
        "GRANT INSERT, UPDATE, DELETE ON assignments TO {admin}",
    ]


def _missing_roles(cur: Any, roles: Roles) -> list[str]:
    names = [roles.annotator, roles.reviewer, roles.admin]
    cur.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (names,))
    have = {r[0] for r in cur.fetchall()}
    return [n for n in names if n not in have]


def create(cur: Any, db: str) -> Roles:
    """Lay out an empty database at the current format version, with its group roles."""
    from psycopg import sql

    roles = Roles.for_database(db)
    for name in _missing_roles(cur, roles):
        cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    cur.execute(SCHEMA_V1)  # several statements at once (no parameters)
    names = {k: sql.Identifier(roles.of(k)) for k in ROLE_KINDS}
    literals = {f"{k}_lit": sql.Literal(roles.of(k)) for k in ROLE_KINDS}
    for statement in _security(roles):
        cur.execute(sql.SQL(statement).format(**names, **literals))
    cur.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
        sql.Identifier(db), names["annotator"]))
    meta = {"application": APPLICATION, "format": str(FORMAT_VERSION), "role_annotator": roles.annotator,
            "role_reviewer": roles.reviewer, "role_admin": roles.admin}
    cur.executemany("INSERT INTO annotator_meta (key, value) VALUES (%s, %s)", list(meta.items()))
    for version in range(1, FORMAT_VERSION):
        MIGRATIONS[version](cur)
    return roles


def migrate(cur: Any, version: int) -> None:
    """Bring a store of format ``version`` up to :data:`FORMAT_VERSION`."""
    while version < FORMAT_VERSION:
        MIGRATIONS[version](cur)
        version += 1
        cur.execute("UPDATE annotator_meta SET value = %s WHERE key = 'format'", (str(version),))


# from_version -> a function that upgrades a cursor's database (inside a transaction) to from_version + 1
MIGRATIONS: dict[int, Callable[[Any], None]] = {}
