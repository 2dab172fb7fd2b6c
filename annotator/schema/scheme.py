"""The label scheme in use: labels, keys and colours at once, pydantic models on first need.

Reading a scheme costs a TOML parse; compiling it into pydantic models (``compiled.py``) costs
the pydantic import, so it happens on the first validation, or ahead of time in a background
thread (:meth:`Scheme.compile`), never before the TUI's first paint.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from annotator.errors import ActionRefused
from annotator.model.types import Attrs
from annotator.schema.definition import LabelDef, SchemeDef, ref_attrs_of

if TYPE_CHECKING:
    from annotator.model.record import Record
    from annotator.model.span import Span
    from annotator.schema.compiled import CompiledScheme
    from annotator.schema.record_decoder import RecordDecoder


class Scheme:
    """What labels exist, their keys and colours, and the models that validate spans, attributes
    and records against them."""

    def __init__(self, definition: SchemeDef):
        self.definition = definition
        self.name = definition.name
        self.version = definition.version
        self.path = definition.path
        self.labels: tuple[LabelDef, ...] = definition.labels
        self.by_name: dict[str, LabelDef] = dict(definition.by_name)
        self.by_key: dict[str, LabelDef] = {lab.key: lab for lab in self.labels}
        self.ref_attrs = ref_attrs_of(definition)
        self._compiled: CompiledScheme | None = None
        self._decoder: RecordDecoder | None = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[type[Scheme], tuple[SchemeDef]]:
        """A scheme pickles as its definition (a child process builds its own models)."""
        return Scheme, (self.definition,)

    def compile(self) -> CompiledScheme:
        """The pydantic models (built once; safe to call from a warm-up thread)."""
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    from annotator.schema.compiled import CompiledScheme

                    self._compiled = CompiledScheme(self.definition)
        return self._compiled

    def decoder(self) -> RecordDecoder:
        """The fast decoder of export records for bulk checking (built once; msgspec, no pydantic)."""
        if self._decoder is None:
            with self._lock:
                if self._decoder is None:
                    from annotator.schema.record_decoder import RecordDecoder

                    self._decoder = RecordDecoder(self)
        return self._decoder

    def label(self, name: str) -> LabelDef:
        return self.by_name[name]

    @property
    def record_model(self) -> type[Record]:
        return self.compile().record_model

    @property
    def span_models(self) -> dict[str, type[Span]]:
        return self.compile().span_models

    @property
    def attrs_types(self) -> dict[str, type]:
        return self.compile().attrs_types

    def validate_record(self, obj: Any) -> Record:
        """Validate one export record (a dict from JSON); raises pydantic ValidationError."""
        return self.compile().record_model.model_validate(obj)

    def validate_span(self, obj: Mapping[str, Any]) -> Span:
        """Validate one span on its own (type, label, attributes); raises pydantic ValidationError."""
        return self.compile().span_adapter.validate_python(obj)

    def validate_attrs(self, label: str, attrs: Mapping[str, Any]) -> Attrs:
        """Check a label's attributes; return them without unset (None) values.

        Raises ActionRefused naming the first bad attribute (``attrs.NAME``)."""
        if label not in self.by_name:
            raise ActionRefused(f"unknown label {label!r}", "label")
        return self.compile().validate_attrs(label, attrs)

    @cached_property
    def record_json_schema(self) -> dict[str, Any]:
        """The JSON Schema of one export record under this scheme."""
        schema = self.record_model.model_json_schema(by_alias=True, mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"annotator export record ({self.name} v{self.version})"
        return schema
