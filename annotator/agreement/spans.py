"""Spans compared by value: :class:`Mark` is a span without its id, whose ``ref`` attributes
(a QUOTE's speaker) point to the referenced span by offsets and label instead of by id.

Two annotators' records give their spans different ids, so ids cannot be compared; a speaker is
"the same" in both records when it is the same ACTOR text range. Both the agreement figures and
the review merge compare spans this way.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any, NamedTuple

from annotator.model.rules import RefAttrs


class Ref(NamedTuple):
    """The span a ``ref`` attribute points to, by value: its offsets and label."""

    start: int
    end: int
    label: str


Attrs = frozenset  # of (name, value) pairs


class Mark(NamedTuple):
    """A span by value: offsets, label and attributes as a frozenset of ``(name, value)`` pairs
    (compared without regard to order; iterate ``sorted(mark.attrs)`` for a stable order).

    Unset attributes are absent; a ``ref`` attribute's value is a :class:`Ref`. Values are the
    scheme's JSON scalars (text, number, bool), so marks are hashable.
    """

    start: int
    end: int
    label: str
    attrs: frozenset[tuple[str, Any]] = frozenset()

    @property
    def range_key(self) -> tuple[int, int, str]:
        """What an exact match compares: start, end and label."""
        return (self.start, self.end, self.label)

    def attr(self, name: str) -> Any:
        for key, value in self.attrs:
            if key == name:
                return value
        return None


def _resolved(attrs: Mapping[str, Any], ref_names: frozenset[str],
              by_id: Mapping[str, Mapping[str, Any]]) -> frozenset[tuple[str, Any]]:
    """Attributes with each ``ref`` value replaced by a :class:`Ref` to its target."""
    items = []
    for name, value in attrs.items():
        if value is None:
            continue
        if name in ref_names:
            target = by_id.get(value)
            if target is None:  # a dangling ref (the record rules refuse them): treat as unset
                continue
            value = Ref(target["start"], target["end"], target["label"])
        items.append((name, value))
    return frozenset(items)


def marks_of(spans: Iterable[Mapping[str, Any]], ref_attrs: RefAttrs,
             labels: Container[str] | None = None) -> list[Mark]:
    """The spans of one record as marks, in the same order (``ref`` attributes resolved by id
    within this record); with ``labels``, only the spans with one of those labels."""
    spans = list(spans)
    by_id = {s["id"]: s for s in spans} if ref_attrs else {}
    ref_names = {label: frozenset(name for name, _targets in refs) for label, refs in ref_attrs.items()}
    new = tuple.__new__  # Mark(...) without the namedtuple constructor's Python-level call
    empty: frozenset = frozenset()
    out = []
    for s in spans:
        label = s["label"]
        if labels is not None and label not in labels:
            continue
        attrs = s.get("attrs")
        if not attrs:
            by_value = empty
        elif label in ref_names:
            by_value = _resolved(attrs, ref_names[label], by_id)
        elif None in attrs.values():
            by_value = frozenset(item for item in attrs.items() if item[1] is not None)
        else:
            by_value = frozenset(attrs.items())
        out.append(new(Mark, (s["start"], s["end"], label, by_value)))
    return out
