"""The mutable, in-memory state of one record while it is being edited, and the patches (ops)
that change it. The store persists ops in its action log; undo applies their inverse.

An op is a small JSON-able dict (its shapes: :data:`annotator.model.types.Op`):
``add_span``/``remove_span`` (the whole span), ``set_attrs`` (id, attrs, old),
``set_status`` (status, old), ``add_flag``/``remove_flag`` (the whole flag).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.model.types import Attrs, Flag, JSONObject, Op, RecordDict, Span, Status

_SEQ_RE = re.compile(r"^[sf](\d{1,9})$")


def invert(op: Op) -> Op:
    """The op that undoes ``op``."""
    if op["op"] == "add_span":
        return {"op": "remove_span", "span": op["span"]}
    if op["op"] == "remove_span":
        return {"op": "add_span", "span": op["span"]}
    if op["op"] == "set_attrs":
        return {"op": "set_attrs", "id": op["id"], "attrs": op["old"], "old": op["attrs"]}
    if op["op"] == "set_status":
        return {"op": "set_status", "status": op["old"], "old": op["status"]}
    if op["op"] == "add_flag":
        return {"op": "remove_flag", "flag": op["flag"]}
    if op["op"] == "remove_flag":
        return {"op": "add_flag", "flag": op["flag"]}
    raise ValueError(f"unknown op {op!r}")


def invert_all(ops: list[Op]) -> list[Op]:
    return [invert(op) for op in reversed(ops)]


def span_sort_key(span: Span) -> tuple[int, int, str]:
    """Text order; an enclosing span before the spans it holds."""
    return (span["start"], -span["end"], span["label"])


@dataclass(slots=True)
class WorkingRecord:
    """One document as one annotator has it, ready to edit. Spans are plain dicts keyed by id."""

    doc_id: str
    text: str
    text_sha256: str
    meta: JSONObject
    annotator: str
    status: Status = "todo"
    spans: dict[str, Span] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    updated_at: str | None = None
    _next: int = 0  # the next free number for s<N>/f<N> ids; 0: not computed yet
    # indexes kept in step with ``spans`` so single actions stay O(1) on documents with many spans
    _by_range: dict[tuple[int, int, str], str] = field(default_factory=dict)
    _refs: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """(Re)build the indexes after ``spans``/``flags`` were set (one pass, no per-span calls:
        a 20,000-span record opens in a few milliseconds)."""
        self._next = 0  # computed on first need (see _ensure_next)
        spans = self.spans
        self._by_range = {(s["start"], s["end"], s["label"]): sid for sid, s in spans.items()}
        refs: dict[str, set[tuple[str, str]]] = {}
        for sid, s in spans.items():
            attrs = s["attrs"]
            if attrs:
                for name, value in attrs.items():
                    if isinstance(value, str):
                        refs.setdefault(value, set()).add((sid, name))
        self._refs = refs

    def _ensure_next(self) -> None:
        if not self._next:
            top = max((self._seq_of(i) for i in self.spans), default=0)
            self._next = 1 + max(top, max((self._seq_of(f["id"]) for f in self.flags), default=0))

    @classmethod
    def of(cls, doc_id: str, text: str, text_sha256: str, meta: JSONObject, annotator: str, status: Status,
           spans: Iterable[Span], flags: list[Flag], updated_at: str | None) -> WorkingRecord:
        """A record from its stored parts (spans in any order), its indexes built."""
        return cls(doc_id, text, text_sha256, meta, annotator, status, {s["id"]: s for s in spans}, flags, updated_at)

    def copy(self) -> WorkingRecord:
        """A scratch copy to plan on (spans and flags are shared, not copied: ops replace them)."""
        return WorkingRecord(self.doc_id, self.text, self.text_sha256, self.meta, self.annotator, self.status,
                             dict(self.spans), list(self.flags), self.updated_at)

    def _index(self, span: Span) -> None:
        self._by_range[(span["start"], span["end"], span["label"])] = span["id"]
        self._index_attrs(span["id"], span["attrs"])

    def _index_attrs(self, sid: str, attrs: Attrs) -> None:
        for name, value in attrs.items():
            if isinstance(value, str):
                self._refs.setdefault(value, set()).add((sid, name))

    def _unindex_attrs(self, sid: str, attrs: Attrs) -> None:
        for name, value in attrs.items():
            if isinstance(value, str) and value in self._refs:
                self._refs[value].discard((sid, name))
                if not self._refs[value]:
                    del self._refs[value]

    def span_with_range(self, start: int, end: int, label: str) -> str | None:
        """The id of the span with exactly this start, end and label, if any."""
        return self._by_range.get((start, end, label))

    def referrers(self, value: str) -> list[tuple[str, str]]:
        """(span id, attribute) pairs whose attribute value is ``value`` (candidates for refs)."""
        return sorted(self._refs.get(value, ()))

    @staticmethod
    def _seq_of(ident: str) -> int:
        m = _SEQ_RE.match(ident)
        return int(m.group(1)) if m else 0

    def new_span_id(self) -> str:
        self._ensure_next()
        while f"s{self._next}" in self.spans:
            self._next += 1
        return f"s{self._next}"

    def new_flag_id(self) -> str:
        self._ensure_next()
        ids = {f["id"] for f in self.flags}
        while f"f{self._next}" in ids:
            self._next += 1
        return f"f{self._next}"

    def sorted_spans(self) -> list[Span]:
        return sorted(self.spans.values(), key=span_sort_key)

    def apply(self, ops: list[Op]) -> None:
        """Apply ops in order. They were validated when planned; this only changes state."""
        for op in ops:
            if op["op"] == "add_span":
                span = op["span"]
                self.spans[span["id"]] = span
                self._index(span)
                if self._next:
                    self._next = max(self._next, self._seq_of(span["id"]) + 1)
            elif op["op"] == "remove_span":
                gone = self.spans.pop(op["span"]["id"], None)
                if gone is not None:
                    self._by_range.pop((gone["start"], gone["end"], gone["label"]), None)
                    self._unindex_attrs(gone["id"], gone["attrs"])
            elif op["op"] == "set_attrs":
                old = self.spans[op["id"]]
                self._unindex_attrs(old["id"], old["attrs"])
                self.spans[op["id"]] = {**old, "attrs": op["attrs"]}
                self._index_attrs(old["id"], op["attrs"])
            elif op["op"] == "set_status":
                self.status = op["status"]
            elif op["op"] == "add_flag":
                self.flags.append(op["flag"])
                if self._next:
                    self._next = max(self._next, self._seq_of(op["flag"]["id"]) + 1)
            elif op["op"] == "remove_flag":
                self.flags = [f for f in self.flags if f["id"] != op["flag"]["id"]]
            else:
                raise ValueError(f"unknown op {op!r}")

    def to_record(self, scheme_name: str, scheme_version: int) -> RecordDict:
        """The export record (native JSONL line) as a dict."""
        return {
            "id": self.doc_id,
            "text": self.text,
            "text_sha256": self.text_sha256,
            "meta": self.meta,
            "annotator": self.annotator,
            "status": self.status,
            "schema": scheme_name,
            "schema_version": scheme_version,
            "spans": self.sorted_spans(),
            "flags": self.flags,
            "updated_at": self.updated_at,
        }
