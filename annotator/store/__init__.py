"""Where work is kept: a small interface (``base.Store``) and its SQLite implementation."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.store.base import Change, DocInfo, ImportSummary, NewDocument, Store
from annotator.store.sqlite import SQLiteStore

__all__ = ["Change", "DocInfo", "ImportSummary", "NewDocument", "SQLiteStore", "Store", "open_store", "resolve_db_path"]


def resolve_db_path(db: str | None) -> Path:
    """``--db PATH``, else ``$ANNOTATOR_DB``, else ``annotator.db`` in the current folder."""
    return Path(db or os.environ.get("ANNOTATOR_DB") or "annotator.db")


def open_store(db: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    return SQLiteStore(resolve_db_path(str(db) if db is not None else None), create=create)
