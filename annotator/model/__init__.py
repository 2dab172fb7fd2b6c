"""Pydantic models of what the tool is about, and the rules that hold everywhere.

The models are loaded on first use: start-up paths (the TUI on an existing store) need the
plain modules here (``working``, ``actions``, ``rules``, ``hashing``) and not pydantic.
"""

from __future__ import annotations

from typing import Any

from annotator.model.hashing import text_sha256
from annotator.model.types import STATUSES

__all__ = ["Document", "Flag", "Provenance", "Record", "STATUSES", "Span", "text_sha256"]


def __getattr__(name: str) -> Any:
    if name == "Document":
        from annotator.model.document import Document

        return Document
    if name == "Record":
        from annotator.model.record import Record

        return Record
    if name in ("Flag", "Provenance", "Span"):
        from annotator.model import span

        return getattr(span, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
