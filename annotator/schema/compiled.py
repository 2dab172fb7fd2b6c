"""A scheme compiled into pydantic models: one span model per label with typed attributes, a
discriminated union over labels, and the record model that validates whole export records.

Imported on first use by :class:`annotator.schema.scheme.Scheme` (pydantic is not on start-up paths)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, NotRequired, Union

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from annotator.errors import ActionRefused
from annotator.model.patterns import SPAN_ID_PATTERN
from annotator.model.problems import error_message
from annotator.model.record import Record
from annotator.model.span import Span
from annotator.model.types import Attrs
from annotator.schema.definition import AttrDef, LabelDef, SchemeDef, ref_attrs_of
from annotator.schema.timex import TIMEX_PATTERN, timex_problem


def _timex(value: str) -> str:
    problem = timex_problem(value)
    if problem is not None:  # in words, with a suggestion: the pattern is 400 characters long
        raise PydanticCustomError("timex_value", "{message}", {"message": problem})
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("number_type", "must be a number, not {kind}", {"kind": type(value).__name__})
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number_finite", "must be a finite number")
    return value


# Models and types are built from the scheme at run time: the type checker sees them as Any.
LITERAL: Any = Literal
TYPED_DICT: Any = TypedDict
CREATE_MODEL: Any = create_model

Number = Annotated[Any, PlainValidator(_number), WithJsonSchema({"type": "number"})]
SpanId = Annotated[str, Field(pattern=SPAN_ID_PATTERN)]


def _attr_type(attr: AttrDef) -> Any:
    match attr.type:
        case "choice":
            base: Any = LITERAL[attr.choices]
        case "text":
            base = Annotated[str, Field(max_length=10_000)]
        case "number":
            base = Number
        case "bool":
            base = bool
        case "timex":
            base = Annotated[str, AfterValidator(_timex), WithJsonSchema({"type": "string", "pattern": TIMEX_PATTERN})]
        case "ref":
            base = SpanId
        case _:  # pragma: no cover - definition.py refuses unknown types
            raise ValueError(attr.type)
    if attr.description:
        base = Annotated[base, Field(description=attr.description)]
    return base if attr.required else NotRequired[base | None]


def _attrs_type(label: LabelDef) -> type:
    fields = {a.name: _attr_type(a) for a in label.attrs}
    td: Any = TYPED_DICT(f"{label.name}Attrs", fields)
    td.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)
    return td


class CompiledScheme:
    """The pydantic side of a scheme: span models typed per label, a discriminated union over
    labels, and the record model that validates whole export records."""

    def __init__(self, definition: SchemeDef):
        self.labels = definition.labels
        self.ref_attrs = ref_attrs_of(definition)
        self.attrs_types = {lab.name: _attrs_type(lab) for lab in self.labels}
        self.span_models: dict[str, type[Span]] = {
            lab.name: CREATE_MODEL(
                f"{lab.name}Span",
                __base__=Span,
                __doc__=lab.description or f"A {lab.name} span.",
                label=(LITERAL[lab.name], ...),
                attrs=(self.attrs_types[lab.name], Field(default_factory=dict)),
            )
            for lab in self.labels
        }
        models = tuple(self.span_models.values())
        # Union[...] of a tuple built at run time (the | operator needs the members one by one)
        span_union: Any = models[0] if len(models) == 1 else Annotated[Union[models], Field(discriminator="label")]  # noqa: UP007
        self.record_model: type[Record] = CREATE_MODEL(
            "Record",
            __base__=Record,
            __doc__=Record.__doc__,
            spans=(list[span_union], Field(default_factory=list)),
        )
        self.record_model.ref_attrs = self.ref_attrs
        self.record_model.scheme_name = definition.name
        self.record_model.scheme_version = definition.version
        self.attrs_adapters: dict[str, TypeAdapter[Any]] = {
            name: TypeAdapter(t) for name, t in self.attrs_types.items()}
        self.span_adapter = TypeAdapter(span_union)

    def validate_attrs(self, label: str, attrs: Mapping[str, Any]) -> Attrs:
        try:
            clean = self.attrs_adapters[label].validate_python(attrs)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
            raise ActionRefused(error_message(err), f"attrs.{loc}" if loc else "attrs") from None
        return {k: v for k, v in clean.items() if v is not None}
