"""Suggestions written into a native record: span dicts with ids, each ``SpanRef`` (a quote's
speaker) resolved to the id of the span it names, the way :func:`annotator.review.merge.resolve_refs`
does for review candidates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from annotator.model.types import Attrs, Flag, JSONObject, RecordDict, Span, Status
from annotator.suggest.base import SpanRef, Suggestion

__all__ = ["record_with_suggestions", "resolve_refs", "span_dicts"]
Key = tuple[int, int, str]


def resolve_refs(s: Suggestion, ids: Mapping[Key, str]) -> tuple[Attrs, list[str]]:
    """The attributes of ``s`` for a record whose spans are ``ids`` (by start, end, label): each
    :class:`SpanRef` becomes the id of that span; also the names of refs with no such span (left unset)."""
    attrs: Attrs = {}
    missing = []
    for name, value in s.attrs.items():
        if isinstance(value, SpanRef):
            target = ids.get(value.key)
            if target is None:
                missing.append(name)
                continue
            attrs[name] = target
        else:
            attrs[name] = value
    return attrs, missing


def span_dicts(suggestions: Sequence[Suggestion], text: str, existing: Iterable[Span] = (),
               prefix: str = "x") -> list[Span]:
    """The suggestions as record spans, with ids ``x1``, ``x2``... not used by ``existing`` (the
    record's spans, which refs may also name)."""
    existing = list(existing)
    taken = {s["id"] for s in existing}
    ids: dict[Key, str] = {(s["start"], s["end"], s["label"]): s["id"] for s in existing}
    n = 0
    for s in suggestions:
        key = (s.start, s.end, s.label)
        if key in ids:
            continue
        n += 1
        while taken and f"{prefix}{n}" in taken:
            n += 1
        ids[key] = f"{prefix}{n}"
    out: list[Span] = []
    for s in suggestions:
        if any(isinstance(v, SpanRef) for v in s.attrs.values()):
            attrs, _missing = resolve_refs(s, ids)
        else:
            attrs = cast(Attrs, dict(s.attrs))  # as resolve_refs would give them: no ref to resolve
        out.append({"id": ids[(s.start, s.end, s.label)], "start": s.start, "end": s.end, "label": s.label,
                    "text": text[s.start:s.end], "attrs": attrs, "source": s.source})
    return out


def record_with_suggestions(*, doc_id: str, text: str, text_sha256: str, meta: JSONObject,
                            suggestions: Sequence[Suggestion], existing: Sequence[Span] = (),
                            annotator: str, status: Status, scheme_name: str, scheme_version: int,
                            updated_at: str, flags: Sequence[Flag] = ()) -> RecordDict:
    """A native record holding the document's spans (kept as they are) and the suggestions."""
    spans = [*existing, *span_dicts(suggestions, text, existing)]
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return {"id": doc_id, "text": text, "text_sha256": text_sha256, "meta": dict(meta), "annotator": annotator,
            "status": status, "schema": scheme_name, "schema_version": scheme_version, "spans": spans,
            "flags": list(flags), "updated_at": updated_at}
