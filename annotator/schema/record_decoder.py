"""A fast decoder of export records for bulk reading: msgspec types built from the scheme parse
one JSONL line and check its types in a single pass, then the record rules run on the spans'
columns. Three to four times faster than parsing the JSON and validating it with the pydantic
record model.

It is a filter, not a second authority. Every line it accepts is one the pydantic model accepts:
its types, choices and patterns are the same or stricter (a label with required attributes must
carry ``attrs``; ``meta`` nested deeper than :data:`~annotator.files.lines.MAX_DEPTH` is left
to the careful reader), and the record rules are the very function the model runs
(:func:`annotator.model.rules.spans_are_clean`). A line it refuses goes to the pydantic model,
whose verdict and messages are the ones users see. ``tests/core/test_record_decoder.py`` checks
that implication on generated records, and that the types list the models' fields.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, NamedTuple, Union

import msgspec

from annotator.model import patterns
from annotator.model.hashing import checked_sha256
from annotator.model.rules import SpanColumns, spans_are_clean
from annotator.model.types import Decision, Status
from annotator.schema.definition import AttrDef, LabelDef
from annotator.schema.timex import TIMEX_PATTERN

# Types are built from the scheme at run time: the type checker sees them as Any.
LITERAL: Any = Literal


class _Pattern:
    """A pattern of the models (:mod:`annotator.model.patterns`), checked with ``fullmatch`` in
    place of its anchors: like the models' ``$`` in pydantic's Rust regex, it refuses a final
    newline, which Python's ``$`` would let through.

    msgspec's own pattern check costs about a microsecond a string, so strings are checked here,
    many in one call where they can be: joined by newlines, which none of these patterns matches,
    after making sure no string holds one of its own."""

    def __init__(self, anchored: str):
        pattern = anchored.removeprefix("^").removesuffix("$")
        self.one = re.compile(pattern)
        self._many = re.compile(rf"(?:{pattern})(?:\n(?:{pattern}))*")

    def match(self, value: str | None) -> bool:
        return value is None or self.one.fullmatch(value) is not None

    def all_match(self, values: list[str]) -> bool:
        if not values:
            return True
        joined = "\n".join(values)
        return joined.count("\n") == len(values) - 1 and self._many.fullmatch(joined) is not None


DOC_ID = _Pattern(patterns.DOC_ID_PATTERN)
ANNOTATOR = _Pattern(patterns.ANNOTATOR_PATTERN)
DATETIME = _Pattern(patterns.ISO_DATETIME_PATTERN)
SPAN_ID = _Pattern(patterns.SPAN_ID_PATTERN)
SOURCE = _Pattern(patterns.SOURCE_PATTERN)
TIMEX = _Pattern(TIMEX_PATTERN)
_KNOWN_MAX = 100_000  # values remembered as good, per pattern

_FINITE = msgspec.Meta(ge=-1.7976931348623157e308, le=1.7976931348623157e308)  # refuses inf and nan


class Attrs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of each label's attributes (frozen: hashable, so equal attributes can be counted)."""

    def get(self, name: str, default: Any = None) -> Any:
        """Like ``dict.get`` on the attributes (what the record rules call)."""
        return getattr(self, name, default)


class Provenance(msgspec.Struct, forbid_unknown_fields=True):
    decision: Decision
    annotators: list[str] = []


class Flag(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    comment: Annotated[str, msgspec.Meta(max_length=10_000)]
    at: str | None = None


def _attr_type(attr: AttrDef) -> Any:
    match attr.type:
        case "choice":
            base: Any = LITERAL[attr.choices]
        case "text":
            base = Annotated[str, msgspec.Meta(max_length=10_000)]
        case "number":
            base = int | Annotated[float, _FINITE]
        case "bool":
            base = bool
        case "timex" | "ref":
            base = str  # the pattern is checked by RecordDecoder._attrs_match
        case _:  # pragma: no cover - definition.py refuses unknown types
            raise ValueError(attr.type)
    return base if attr.required else base | None


def _span_type(label: LabelDef) -> type:
    fields = ([(a.name, _attr_type(a)) for a in label.attrs if a.required]  # msgspec: no-default fields first
              + [(a.name, _attr_type(a), None) for a in label.attrs if not a.required])
    attrs = msgspec.defstruct(f"{label.name}Attrs", fields, bases=(Attrs,), frozen=True, forbid_unknown_fields=True)
    attrs_field: tuple = (("attrs", attrs) if any(a.required for a in label.attrs)
                          else ("attrs", attrs, msgspec.field(default_factory=attrs)))
    return msgspec.defstruct(
        f"{label.name}Span",
        [("id", str), ("start", Annotated[int, msgspec.Meta(ge=0)]), ("end", Annotated[int, msgspec.Meta(ge=1)]),
         ("text", str), attrs_field, ("source", str, "manual"), ("provenance", Provenance | None, None)],
        namespace={"label": label.name},  # the tag, which msgspec does not keep as a field
        tag_field="label", tag=label.name, forbid_unknown_fields=True,
    )


class Decoded(NamedTuple):
    """A record that passed: the struct and its spans' columns."""

    record: Any
    columns: SpanColumns


class RecordDecoder:
    """``decode(line)`` -> :class:`Decoded`, or None when the line must go to the pydantic model
    (it is not a valid record, or this decoder is not sure: see the module docstring)."""

    def __init__(self, scheme: Any):
        self.scheme_name = scheme.name
        self.scheme_version = scheme.version
        self.ref_attrs = scheme.ref_attrs
        self.span_types = {lab.name: _span_type(lab) for lab in scheme.labels}
        # (label, attribute) of the attributes whose values have a pattern (TIMEX3 values)
        self._timex = [(lab.name, a.name) for lab in scheme.labels for a in lab.attrs if a.type == "timex"]
        self._good: dict[_Pattern, set[str]] = {p: set() for p in (ANNOTATOR, SPAN_ID, SOURCE, TIMEX)}
        spans: Any = tuple(self.span_types.values())
        span_union: Any = spans[0] if len(spans) == 1 else Union[spans]  # noqa: UP007 (a runtime union of types)
        record = msgspec.defstruct(
            "Record",
            [("id", str), ("text", str), ("text_sha256", str), ("schema", str),
             ("schema_version", Annotated[int, msgspec.Meta(ge=1)]),
             ("meta", dict[str, Any], msgspec.field(default_factory=dict)),
             ("annotator", str | None, None),
             ("status", Status, "todo"),
             ("spans", list[span_union], msgspec.field(default_factory=list)),
             ("flags", list[Flag], msgspec.field(default_factory=list)),
             ("updated_at", str | None, None)],
            forbid_unknown_fields=True,
        )
        self._decoder = msgspec.json.Decoder(record)
        self._spans_decoder = msgspec.json.Decoder(list[span_union])

    def decode(self, line: bytes) -> Decoded | None:
        try:
            rec: Any = self._decoder.decode(line)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
            return None
        cols = SpanColumns.of(rec.spans)
        return Decoded(rec, cols) if self._obeys_rules(rec, cols) else None

    def decode_stored_spans(self, spans_json: bytes | str) -> list[Any] | None:
        """The spans array of a record the store holds (checked when it was stored): types only,
        no rules. None when they no longer fit the scheme (it changed since)."""
        try:
            return self._spans_decoder.decode(spans_json)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            return None

    def _obeys_rules(self, rec: Any, cols: SpanColumns) -> bool:
        """The patterns and the record rules of ``model/record.py`` (they only say yes or no here).

        ``text_sha256`` needs no pattern: it must equal the text's digest, which has it. Nor do
        ``ref`` values: they must name a span of the record, and span ids have the pattern."""
        if rec.schema != self.scheme_name or rec.schema_version > self.scheme_version:
            return False
        if checked_sha256(rec.text) != rec.text_sha256:
            return False
        if not DOC_ID.match(rec.id) or not DATETIME.match(rec.updated_at):
            return False
        if rec.annotator is not None and not self._known(ANNOTATOR, [rec.annotator]):
            return False
        if rec.meta and _too_deep(rec.meta):
            return False
        if rec.flags:
            ids = [f.id for f in rec.flags]
            if len(set(ids)) != len(ids) or not SPAN_ID.all_match(ids):
                return False
        if not self._known(SPAN_ID, cols.ids):
            return False
        if not self._known(SOURCE, [s.source for s in rec.spans]):
            return False
        for label, name in self._timex:
            values = [getattr(s.attrs, name) for s, lab in zip(rec.spans, cols.labels) if lab == label]
            values = [v for v in values if v is not None]
            if values and not self._known(TIMEX, values):
                return False
        return spans_are_clean(rec.text, cols, self.ref_attrs)

    def _known(self, pattern: _Pattern, values: list[str]) -> bool:
        """All ``values`` match ``pattern``; values seen before (span ids, sources and dates
        repeat from record to record) are not checked again."""
        good = self._good[pattern]
        if good.issuperset(values):
            return True
        if not pattern.all_match(values):
            return False
        if len(good) < _KNOWN_MAX:
            good.update(values)
        return True


def _too_deep(meta: dict[str, Any]) -> bool:
    """``meta`` nests deeper than the careful reader allows (it is the record's second level)."""
    from annotator.files.lines import MAX_DEPTH, depth_exceeds

    return depth_exceeds(meta, MAX_DEPTH - 1)
