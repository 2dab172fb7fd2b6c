"""The rules a record obeys, as small functions shared by the record model and by single actions.

Each returns ``(field, message)`` pairs; the callers add where (``spans[3]``) and raise.
They take plain values so the record validator and the store's per-action checks run the same code.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

# label -> ((attribute name, allowed target labels), ...)
RefAttrs = Mapping[str, tuple[tuple[str, frozenset[str]], ...]]


def _short(s: str, limit: int = 40) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def check_offsets(doc_text: str, start: int, end: int, span_text: str | None) -> tuple[str, str] | None:
    """``0 <= start < end <= len(text)`` and, when given, ``span_text == doc_text[start:end]``."""
    n = len(doc_text)
    if start < 0:
        return "start", f"{start} is negative"
    if start >= end:
        return "end", f"end {end} must be greater than start {start}"
    if end > n:
        return "end", f"end {end} is past the end of the text ({n} characters)"
    if span_text is not None and doc_text[start:end] != span_text:
        return "text", (f"{_short(span_text)} differs from the document text at {start}:{end}, "
                        f"{_short(doc_text[start:end])}")
    return None


def check_refs(
    label: str, attrs: Mapping[str, object], ref_attrs: RefAttrs, label_of: Mapping[str, str], self_id: str | None
) -> list[tuple[str, str]]:
    """Every ``ref`` attribute names another span of the record, with one of the allowed labels."""
    problems: list[tuple[str, str]] = []
    for name, targets in ref_attrs.get(label, ()):
        target = attrs.get(name)
        if target is None:
            continue
        if not isinstance(target, str):
            problems.append((f"attrs.{name}", f"a reference to a span is its id, not {target!r}"))
            continue
        if target == self_id:
            problems.append((f"attrs.{name}", "a span cannot refer to itself"))
        elif target not in label_of:
            problems.append((f"attrs.{name}", f"refers to span {_short(str(target))}, which does not exist in this "
                                              "record"))
        elif label_of[target] not in targets:
            allowed = " or ".join(sorted(targets))
            problems.append((f"attrs.{name}",
                             f"refers to span {target!r}, a {label_of[target]}; it must be a {allowed}"))
    return problems


def record_is_clean(doc_text: str, spans: Sequence[object], ref_attrs: RefAttrs) -> bool:
    """The fast path of :func:`record_problems` for span objects (attributes ``id``, ``start``...):
    True when no rule is broken. Bulk validation calls this first and only explains failures."""
    return spans_are_clean(doc_text, SpanColumns.of(spans), ref_attrs)


class SpanColumns(NamedTuple):
    """A record's spans as columns (lists in span order), what the rules and bulk readers use."""

    ids: list[str]
    starts: list[int]
    ends: list[int]
    labels: list[str]
    texts: list[str]
    spans: Sequence[object]  # the span objects themselves (for their ``attrs``)

    @classmethod
    def of(cls, spans: Sequence[object]) -> SpanColumns:
        return cls(list(map(_ID, spans)), list(map(_START, spans)), list(map(_END, spans)),
                   list(map(_LABEL, spans)), list(map(_TEXT, spans)), spans)


_ID, _START, _END, _LABEL, _TEXT = map(operator.attrgetter, ("id", "start", "end", "label", "text"))


def spans_are_clean(doc_text: str, cols: SpanColumns, ref_attrs: RefAttrs) -> bool:
    """True when the spans break no rule: offsets in range, text equal to the slice, unique ids,
    no two spans with the same (start, end, label), ``ref`` attributes that resolve. Start >= 0 is
    the models' type check. Whole columns at a time, at C speed where Python allows."""
    ids, starts, ends, labels = cols.ids, cols.starts, cols.ends, cols.labels
    k = len(ids)
    if not k:
        return True
    if max(ends) > len(doc_text) or any(map(operator.ge, starts, ends)):
        return False
    if list(map(doc_text.__getitem__, map(slice, starts, ends))) != cols.texts:
        return False
    if len(set(ids)) != k or len(set(zip(starts, ends, labels))) != k:
        return False
    for label, refs in ref_attrs.items():
        i = -1
        while True:  # the spans with this label (list.index: no Python loop over every span)
            try:
                i = labels.index(label, i + 1)
            except ValueError:
                break
            attrs = cols.spans[i].attrs  # type: ignore[attr-defined]
            for name, targets in refs:
                target = attrs.get(name)
                if target is None:
                    continue
                try:
                    t = ids.index(target)
                except ValueError:
                    return False
                if t == i or labels[t] not in targets:
                    return False
    return True


def record_problems(
    doc_text: str, spans: Iterable[tuple[str, int, int, str, str, Mapping[str, object]]], ref_attrs: RefAttrs
) -> list[tuple[str, str]]:
    """All rule violations of one record's spans, as (``spans[i].field``, message).

    ``spans`` yields ``(id, start, end, label, text, attrs)``.
    """
    problems: list[tuple[str, str]] = []
    label_of: dict[str, str] = {}
    seen_ranges: dict[tuple[int, int, str], str] = {}
    items = list(spans)
    for i, (sid, start, end, label, text, _attrs) in enumerate(items):
        bad = check_offsets(doc_text, start, end, text)
        if bad:
            problems.append((f"spans[{i}].{bad[0]}", bad[1]))
        if sid in label_of:
            problems.append((f"spans[{i}].id", f"duplicate span id {sid!r}"))
        else:
            label_of[sid] = label
        key = (start, end, label)
        if key in seen_ranges:
            problems.append((f"spans[{i}]", f"same start, end and label as span {seen_ranges[key]!r}"))
        else:
            seen_ranges[key] = sid
    if ref_attrs:
        for i, (sid, _s, _e, label, _t, attrs) in enumerate(items):
            if label in ref_attrs:
                for field, msg in check_refs(label, attrs, ref_attrs, label_of, sid):
                    problems.append((f"spans[{i}].{field}", msg))
    return problems
