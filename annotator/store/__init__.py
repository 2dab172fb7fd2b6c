"""Where work is kept: the interface (``base.Store``), the meaning of its action log written once
(``history``, ``importer``), and its backends (``sqlite``, ``postgres``).

``open_store`` dispatches on the ``--db`` value: a path is an SQLite file; a URL names its backend
by its scheme (``postgresql://`` or ``postgres://``: PostgreSQL, whose driver is imported only then).
"""

from __future__ import annotations

import os

from annotator.errors import StoreError
from annotator.store.base import Change, DocInfo, ImportSummary, RecordQuery, Store

__all__ = ["Change", "DocInfo", "ImportSummary", "RecordQuery", "Store", "describe_db", "open_store", "resolve_db",
           "store_exists"]

DEFAULT_DB = "annotator.db"


def resolve_db(db: str | os.PathLike[str] | None) -> str:
    """``--db VALUE``, else ``$ANNOTATOR_DB``, else ``annotator.db`` in the current folder."""
    return str(db) if db is not None else (os.environ.get("ANNOTATOR_DB") or DEFAULT_DB)


def _url_scheme(target: str) -> str | None:
    head, sep, _ = target.partition("://")
    return head.lower() if sep and head.isascii() and head.replace("+", "").isalpha() else None


def describe_db(target: str) -> str:
    """What to call a store in messages: its path, or a URL without its password."""
    if _url_scheme(target) is None:
        return target
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    user = f"{parts.username}@" if parts.username else ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def store_exists(target: str) -> bool:
    """Whether a store is there without opening it: a file path that exists; a URL is taken to
    name one (only connecting tells)."""
    return _url_scheme(target) is not None or os.path.exists(target)


def open_store(db: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    """The store named by ``db`` (see :func:`resolve_db`); ``create``: make it when missing."""
    target = resolve_db(db)
    scheme = _url_scheme(target)
    if scheme is None:
        from annotator.store.sqlite import SQLiteStore

        return SQLiteStore(target, create=create)
    if scheme in POSTGRES_SCHEMES:
        require_postgres(target)
        from annotator.store.postgres import PostgresStore

        return PostgresStore(target, create=create)
    raise StoreError(f"{describe_db(target)}: no store backend for {scheme}:// URLs "
                     "(a store is a file path, --db annotator.db, or a PostgreSQL URL, "
                     "--db postgresql://USER@HOST:PORT/DATABASE)")


POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_postgres(target: str) -> bool:
    return _url_scheme(target) in POSTGRES_SCHEMES


def require_postgres(target: str) -> None:
    """StoreError saying what to install when the PostgreSQL driver is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError(f"{describe_db(target)}: a PostgreSQL store needs the postgres extra: "
                         "pip install 'annotator[postgres]'") from None
