"""The rules a record obeys, as small functions shared by the record model and by single actions.

Each returns ``(field, message)`` pairs; the callers add where (``spans[3]``) and raise.
They take plain values so the record validator and the store's per-action checks run the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

STATUSES = ("todo", "in_progress", "done", "skipped")

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
        return "text", f"{_short(span_text)} differs from the document text at {start}:{end}, {_short(doc_text[start:end])}"
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
        if target == self_id:
            problems.append((f"attrs.{name}", "a span cannot refer to itself"))
        elif target not in label_of:
            problems.append((f"attrs.{name}", f"refers to span {_short(str(target))}, which does not exist in this record"))
        elif label_of[target] not in targets:
            allowed = " or ".join(sorted(targets))
            problems.append((f"attrs.{name}", f"refers to span {target!r}, a {label_of[target]}; it must be a {allowed}"))
    return problems


def record_is_clean(doc_text: str, spans: Iterable[object], ref_attrs: RefAttrs) -> bool:
    """The fast path of :func:`record_problems` for span models (attributes ``id``, ``start``...):
    True when no rule is broken. Bulk validation calls this first and only explains failures."""
    n = len(doc_text)
    label_of: dict[str, str] = {}
    ranges: set[tuple[int, int, str]] = set()
    refs = []
    for s in spans:
        start, end, label, sid = s.start, s.end, s.label, s.id  # type: ignore[attr-defined]
        if end > n or start >= end or sid in label_of or doc_text[start:end] != s.text:  # type: ignore[attr-defined]
            return False
        key = (start, end, label)
        if key in ranges:
            return False
        ranges.add(key)
        label_of[sid] = label
        if label in ref_attrs:
            refs.append(s)
    for s in refs:
        for name, targets in ref_attrs[s.label]:  # type: ignore[attr-defined]
            target = s.attrs.get(name)  # type: ignore[attr-defined]
            if target is not None and (target == s.id or label_of.get(target) not in targets):  # type: ignore[attr-defined]
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
