"""Connecting to PostgreSQL, and saying in one line what went wrong and what to do.

A URL's password never appears in a message: stores are named by :func:`describe_db`, and the
server's own words are quoted only where they carry no connection string.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict

CONNECT_TIMEOUT_S = 10  # unless the URL or PGCONNECT_TIMEOUT says otherwise
LOCK_TIMEOUT = "15s"  # an action waits this long for another writer of the same record


def connect(url: str, location: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A connection to ``url`` with durable commits; StoreError saying why not."""
    from annotator.errors import StoreError

    options: dict[str, Any] = {"application_name": "annotator"}
    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"{location}: not a PostgreSQL URL ({first_line(exc)}); "
                         "write postgresql://USER@HOST:PORT/DATABASE") from None
    if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
        options["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        conn = psycopg.connect(url, autocommit=autocommit, **options)
        # every commit is flushed to disk before it returns, whatever the server's default
        conn.execute(f"SET synchronous_commit = on; SET lock_timeout = '{LOCK_TIMEOUT}'")
        if not autocommit:
            conn.commit()
    except psycopg.Error as exc:
        raise StoreError(explain_connect(exc, location, given)) from None
    return conn


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def explain_connect(exc: psycopg.Error, location: str, given: dict[str, Any]) -> str:
    """One line for a connection that failed: what happened and what to do."""
    text = str(exc)
    user = given.get("user") or os.environ.get("PGUSER") or "?"
    db = given.get("dbname") or os.environ.get("PGDATABASE") or user
    if "password authentication failed" in text or "no password supplied" in text:
        return (f"{location}: the server refused the password of user {user!r}; give it in PGPASSWORD or "
                "~/.pgpass (never on the command line)")
    if f'database "{db}" does not exist' in text or "does not exist" in text and "database" in text:
        return (f"{location}: the server has no database {db!r}; create it (createdb {db}) and prepare it "
                "with `annotator db init URL`")
    if "role" in text and "does not exist" in text:
        return (f"{location}: the server has no user {user!r}; an admin adds it with "
                f"`annotator team add {user} --role annotator`")
    if "pg_hba.conf" in text or "permission denied for database" in text:
        return f"{location}: the server does not let {user!r} connect to this database; ask its admin"
    reason = _reason(text)
    return (f"{location}: cannot reach the PostgreSQL server ({reason}); check the host and port in the URL and "
            "that the server is running")


def _reason(text: str) -> str:
    for line in text.splitlines():
        for known in ("Connection refused", "No such file or directory", "timeout expired", "Name or service not known",
                      "could not translate host name", "Network is unreachable", "No route to host"):
            if known in line:
                return known.lower() if known[0].isupper() else known
    return first_line(Exception(text)).removeprefix("connection failed: ")


def explain(exc: psycopg.Error, location: str, user: str | None) -> str:
    """One line for a statement that failed."""
    if isinstance(exc, errors.ReadOnlySqlTransaction):
        return (f"{location}: the store is read-only (the database or this user's session refuses writes: "
                "default_transaction_read_only, a hot standby); nothing was changed")
    if isinstance(exc, errors.InsufficientPrivilege):
        who = user or "this user"
        reason = first_line(exc)
        admin_only = any(f" {name}" in reason for name in ("documents", "documents_pk_seq", "assignments"))
        role = "admin" if admin_only else "annotator|reviewer|admin"
        return (f"{location}: {who} may not do this ({reason}); an admin gives the rights with "
                f"`annotator team add {who} --role {role}`; nothing was changed")
    if isinstance(exc, errors.UniqueViolation):
        return (f"{location}: another process added the same rows at the same moment ({first_line(exc)}); "
                "nothing was changed, try again")
    if isinstance(exc, errors.LockNotAvailable):
        return (f"{location}: the record stayed busy for {LOCK_TIMEOUT} (another process is writing it); "
                "nothing was changed, try again")
    if isinstance(exc, psycopg.OperationalError):
        return (f"{location}: lost the connection to the server ({_reason(str(exc))}); nothing was saved; "
                "try again: it reconnects")
    return f"{location}: {first_line(exc)}"
