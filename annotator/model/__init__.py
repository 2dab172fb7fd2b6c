"""Pydantic models of what the tool is about, and the rules that hold everywhere."""

from annotator.model.document import Document, text_sha256
from annotator.model.record import STATUSES, Record
from annotator.model.span import Flag, Provenance, Span

__all__ = ["Document", "Flag", "Provenance", "Record", "STATUSES", "Span", "text_sha256"]
