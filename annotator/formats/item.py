"""What every reader yields: a document, with one annotator's record when the source had one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.store.base import NewDocument


@dataclass(slots=True)
class Item:
    document: NewDocument
    record: dict[str, Any] | None  # canonical: annotator, status, spans, flags, updated_at
    line: int | None = None
