"""The patterns that strings of a record must match, in one place with no pydantic import: the
models (``document``, ``record``, ``span``) put them in their fields, and the fast decoder of
``annotator.schema.record_decoder`` checks the same ones."""

import re

# Ids become file names in some exports (brat), keys in others: keep them printable and bounded.
DOC_ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]{1,256}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ANNOTATOR_PATTERN = r"^[A-Za-z0-9_.@+-]{1,64}$"
ISO_DATETIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?$"
SPAN_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
# Where a span came from: "manual", "gazetteer", "rule:date", "model:fr_core_news_sm" (suggesters name
# themselves KIND:NAME; a model name can be long).
SOURCE_PATTERN = r"^[a-z][a-z0-9_.:-]{0,63}$"

# The same patterns compiled, for code that checks or cleans strings outside the models.

SPAN_ID_RE = re.compile(SPAN_ID_PATTERN)
ANNOTATOR_RE = re.compile(ANNOTATOR_PATTERN)
_NOT_IN_ANNOTATOR = re.compile(r"[^A-Za-z0-9_.@+-]")


def as_annotator_name(value: str) -> str:
    """``value`` with every character an annotator name cannot hold replaced by ``_``, cut to 64
    (may be empty: check it with :data:`ANNOTATOR_RE`)."""
    return _NOT_IN_ANNOTATOR.sub("_", value)[:64]
