"""What one reader of annotators' records extracts, as columns: a :class:`Batch` (one row per
record, the spans of the labels in scope as numbers, their attributes interned, the token
boundaries of the texts read), and the :class:`Extractor` that builds it record by record.

Attributes are compared by value (see :class:`~annotator.agreement.spans.Mark`): a ``ref``
attribute (a quote's speaker) stands for its target's offsets and label, not its id. Each
distinct set of attributes gets an id, so that matched spans are compared by integers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import numpy as np

from annotator.agreement.spans import Ref
from annotator.errors import Problem
from annotator.model.rules import SpanColumns
from annotator.schema.record_decoder import Attrs

COUNTED_STATUSES = frozenset({"in_progress", "done"})

_NO_ATTRS: frozenset = frozenset()
_ATTRS = operator.attrgetter("attrs")


def _empty(dtype: type[np.integer] = np.int64) -> Callable[[], np.ndarray]:
    """A default factory: an empty array of ``dtype``."""
    return partial(np.zeros, 0, dtype)


@dataclass(slots=True)
class Batch:
    """What one reader extracted, in reading order. ``records[r]`` is (source index, line,
    document id, text_sha256, annotator, status); its spans in scope are the next ``n_spans[r]``
    entries of the span columns. ``attrs`` index ``attr_values`` (attributes as in
    :class:`~annotator.agreement.spans.Mark`: unset ones left out, refs as :class:`Ref`).
    Tokens: the text with sha256 ``token_sha[t]`` has ``tok_count[t]`` tokens, text after text."""

    records: list[tuple[int, int | None, str, str, str, str]] = field(default_factory=list)
    text_len: np.ndarray = field(default_factory=_empty())
    n_spans: np.ndarray = field(default_factory=_empty())
    starts: np.ndarray = field(default_factory=_empty())
    ends: np.ndarray = field(default_factory=_empty())
    codes: np.ndarray = field(default_factory=_empty(np.int8))
    attrs: np.ndarray = field(default_factory=_empty(np.int32))
    attr_values: list[frozenset] = field(default_factory=list)
    token_sha: list[str] = field(default_factory=list)
    tok_start: np.ndarray = field(default_factory=_empty())
    tok_end: np.ndarray = field(default_factory=_empty())
    tok_count: np.ndarray = field(default_factory=_empty())
    problems: list[Problem] = field(default_factory=list)
    problem_sources: list[int] = field(default_factory=list)  # the source of each problem
    problem_total: int = 0
    lines_in: list[int] = field(default_factory=list)  # physical lines read, per source


class Extractor:
    """Builds a :class:`Batch` record by record."""

    def __init__(self, labels: Sequence[str], ref_attrs: Mapping[str, Any], limit: int = 50):
        self.code_of = {lab: i + 1 for i, lab in enumerate(labels)}
        # label -> names of its ``ref`` attributes
        self.ref_names = {label: tuple(name for name, _targets in refs) for label, refs in ref_attrs.items()}
        self.limit = limit
        self.source = 0  # the source being read, for problems
        self.batch = Batch()
        self._text_len: list[int] = []
        self._n_spans: list[int] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._codes: list[int] = []
        self._attrs: list[int] = []
        self._key_ids: dict[Any, int] = {}  # attributes as read (hashable) -> id
        self._value_ids: dict[frozenset, int] = {}  # canonical attributes -> id
        self._texts: dict[str, str] = {}  # sha256 -> text, to tokenize

    def problem(self, problem: Problem) -> None:
        b = self.batch
        b.problem_total += 1
        if len(b.problems) < self.limit:
            b.problems.append(problem)
            b.problem_sources.append(self.source)

    def add(self, source: int, line: int | None, doc_id: str, text: str, sha: str, annotator: str, status: str,
            cols: SpanColumns) -> None:
        """One valid record: ``cols`` its spans' columns (the spans: decoder structs, models, or
        dicts of an export record)."""
        self.batch.records.append((source, line, doc_id, sha, annotator, status))
        if status not in COUNTED_STATUSES:
            self._text_len.append(0)
            self._n_spans.append(0)
            return
        self._text_len.append(len(text))
        if sha not in self._texts:
            self._texts[sha] = text
        starts, ends, labels = cols.starts, cols.ends, cols.labels
        codes = list(map(self.code_of.get, labels))
        spans = cols.spans
        attrs: list[Any]
        if spans and isinstance(spans[0], dict):  # dicts of an export record
            attrs = [s.get("attrs") for s in cast("Sequence[dict[str, Any]]", spans)]
        else:  # decoder structs or models
            attrs = list(map(_ATTRS, spans))
        if attrs and not isinstance(attrs[0], Attrs):  # dicts: their items, hashable, stand for them
            attrs = [frozenset(a.items()) if a else _NO_ATTRS for a in attrs]
        keys = attrs
        if None in codes:  # labels out of scope
            keep = [i for i, c in enumerate(codes) if c is not None]
            codes = [codes[i] for i in keep]
            starts, ends = [starts[i] for i in keep], [ends[i] for i in keep]
            labels, keys = [labels[i] for i in keep], [attrs[i] for i in keep]
        for label, names in self.ref_names.items():
            i = -1
            while True:  # the spans with this label: their refs resolved to (start, end, label)
                try:
                    i = labels.index(label, i + 1)
                except ValueError:
                    break
                if keys is attrs:
                    keys = list(attrs)
                keys[i] = (keys[i], tuple((n, _target(_get(keys[i], n), cols)) for n in names))
        ids = list(map(self._key_ids.get, keys))
        if None in ids:
            for i, k in enumerate(keys):
                if ids[i] is None:
                    ids[i] = self._intern(k)
        self._n_spans.append(len(codes))
        self._starts += starts
        self._ends += ends
        self._codes += cast("list[int]", codes)  # no None left: labels out of scope were dropped
        self._attrs += cast("list[int]", ids)  # no None left: every key was interned

    def _intern(self, key: Any) -> int:
        value = _canonical(key)
        found = self._value_ids.get(value)
        if found is None:
            found = self._value_ids[value] = len(self.batch.attr_values)
            self.batch.attr_values.append(value)
        self._key_ids[key] = found
        return found

    def finish(self, tokenize: bool = True) -> Batch:
        b = self.batch
        b.text_len = np.array(self._text_len, dtype=np.int64)
        b.n_spans = np.array(self._n_spans, dtype=np.int64)
        b.starts = np.array(self._starts, dtype=np.int64)
        b.ends = np.array(self._ends, dtype=np.int64)
        b.codes = np.array(self._codes, dtype=np.int8 if len(self.code_of) < 127 else np.int16)
        b.attrs = np.array(self._attrs, dtype=np.int32)
        if tokenize and self._texts:
            from annotator.text.token_arrays import token_bounds_many

            b.token_sha = list(self._texts)
            b.tok_start, b.tok_end, b.tok_count = token_bounds_many(list(self._texts.values()))
        self._texts = {}
        return b


def _target(span_id: Any, cols: SpanColumns) -> Ref | None:
    if span_id is None:
        return None
    try:
        t = cols.ids.index(span_id)
    except ValueError:  # a dangling ref (the record rules refuse them): as if unset
        return None
    return Ref(cols.starts[t], cols.ends[t], cols.labels[t])


def _get(attrs: Any, name: str) -> Any:
    if isinstance(attrs, frozenset):  # a dict's items
        return next((v for n, v in attrs if n == name), None)
    return attrs.get(name)  # a decoder struct


def _items(attrs: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(attrs, frozenset):  # a dict's items
        return attrs
    return ((f, getattr(attrs, f)) for f in attrs.__struct_fields__)


def _canonical(key: Any) -> frozenset:
    """Attributes as a :class:`~annotator.agreement.spans.Mark` holds them."""
    if isinstance(key, tuple):  # (attributes, ((ref name, Ref or None), ...))
        attrs, refs = key
        resolved = dict(refs)
        return frozenset((n, w) for n, v in _items(attrs) if (w := resolved.get(n, v)) is not None)
    return frozenset((n, v) for n, v in _items(key) if v is not None)
