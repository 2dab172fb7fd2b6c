"""Export: stream records from the store through a format writer into a file written atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.formats.atomic import write_jsonl
from annotator.schema import Scheme
from annotator.store.base import Store

DEFAULT_EXPORT = "exports/annotations.jsonl"


@dataclass(slots=True)
class ExportResult:
    records: int
    dest: str


def export_jsonl(store: Store, scheme: Scheme, dest: str = DEFAULT_EXPORT, *, annotator: str | None = None,
                 status: str | None = "done", on_line: Callable[[], None] | None = None) -> ExportResult:
    """Write native JSONL: one line per (document, annotator), in import order; memory stays flat."""
    lines = store.iter_export(annotator=annotator, status=status, scheme_name=scheme.name, scheme_version=scheme.version)
    return ExportResult(write_jsonl(lines, dest, on_line=on_line), dest)
