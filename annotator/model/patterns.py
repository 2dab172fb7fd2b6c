"""The patterns that strings of a record must match, in one place with no pydantic import: the
models (``document``, ``record``, ``span``) put them in their fields, and the fast decoder of
``annotator.schema.record_decoder`` checks the same ones."""

# Ids become file names in some exports (brat), keys in others: keep them printable and bounded.
DOC_ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]{1,256}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ANNOTATOR_PATTERN = r"^[A-Za-z0-9_.@+-]{1,64}$"
ISO_DATETIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?$"
SPAN_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
# Where a span came from: "manual", "gazetteer", "rule:date", "model:fr_core_news_sm" (suggesters name
# themselves KIND:NAME; a model name can be long).
SOURCE_PATTERN = r"^[a-z][a-z0-9_.:-]{0,63}$"
