"""Suggestions kept for an annotator until they decide on them: how they are written into the
store, and which of them are still pending for a record.

The store keeps a document's suggestions as one JSON array (``encode`` / ``decode``: a span's
offsets, label, attributes and source; a speaker named by position as ``{"ref": [start, end,
label]}``) and the (start, end, label) of each one the annotator rejected. A kept suggestion is
pending while it is not rejected, not a span of the record already (accepted, or tagged by hand:
same start, end and label) and does not overlap a span of its label (the annotator tagged that
text otherwise). :class:`Pending` follows a record's ops, so a screen learns which suggestions to
show or hide after each action without looking at the others.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from annotator.model.types import Op, Span
from annotator.store.base import JSONText, SuggestionKey
from annotator.suggest.base import AttrValue, SpanRef, Suggestion

__all__ = ["Delta", "Pending", "decode", "encode"]


def _attr_json(value: AttrValue) -> object:
    return {"ref": [value.start, value.end, value.label]} if isinstance(value, SpanRef) else value


def _attr_value(value: Any) -> AttrValue:
    if isinstance(value, dict):
        start, end, label = value["ref"]
        return SpanRef(int(start), int(end), str(label))
    return value


def encode(suggestions: Iterable[Suggestion]) -> bytes:
    """The JSON array the store keeps."""
    return orjson.dumps([{"start": s.start, "end": s.end, "label": s.label,
                          "attrs": {k: _attr_json(v) for k, v in s.attrs.items()}, "source": s.source}
                         for s in suggestions])


def decode(items: JSONText) -> list[Suggestion]:
    """The suggestions of a JSON array written by :func:`encode`, in text order."""
    out = [Suggestion(int(d["start"]), int(d["end"]), str(d["label"]),
                      {k: _attr_value(v) for k, v in (d.get("attrs") or {}).items()}, str(d["source"]))
           for d in orjson.loads(items)]
    out.sort(key=lambda s: (s.start, -s.end, s.label))
    return out


class _Ranges:
    """Ranges of one label, sorted, for the overlap test: one overlapping [s, e) starts in
    [s - longest, e), found by bisection. The same range may be held more than once."""

    __slots__ = ("items", "longest")

    def __init__(self) -> None:
        self.items: list[tuple[int, int]] = []
        self.longest = 0

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.items, (start, end))
        self.longest = max(self.longest, end - start)

    def remove(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.items, (start, end))
        if i < len(self.items) and self.items[i] == (start, end):
            del self.items[i]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        lo = bisect.bisect_left(self.items, (start - self.longest,))
        hi = bisect.bisect_left(self.items, (end,))
        return [(s, e) for s, e in self.items[lo:hi] if s < end and e > start]


@dataclass(slots=True)
class Delta:
    """What an action changed among the pending suggestions: those to show again and to hide."""

    shown: list[Suggestion] = field(default_factory=list)
    hidden: list[Suggestion] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.shown or self.hidden)


class Pending:
    """The pending suggestions of one record (see the module docstring), in text order."""

    def __init__(self, kept: Sequence[Suggestion], rejected: Iterable[SuggestionKey], spans: Iterable[Span]):
        self.kept: dict[SuggestionKey, Suggestion] = {s.key: s for s in kept}
        self.rejected: set[SuggestionKey] = set(rejected)
        self._kept_by_label: dict[str, _Ranges] = {}
        for s in self.kept.values():
            self._kept_by_label.setdefault(s.label, _Ranges()).add(s.start, s.end)
        self._spans: dict[str, _Ranges] = {}
        for span in spans:
            self._spans.setdefault(span["label"], _Ranges()).add(span["start"], span["end"])
        self._order: list[SuggestionKey] = sorted((k for k, s in self.kept.items() if self._open(s)),
                                                  key=_text_order)

    def _open(self, s: Suggestion) -> bool:
        """Whether ``s`` is pending: not rejected, and no span of its label at or over its text."""
        if s.key in self.rejected:
            return False
        ranges = self._spans.get(s.label)
        return ranges is None or not ranges.overlapping(s.start, s.end)

    # -- what is pending ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple):
            return False
        i = bisect.bisect_left(self._order, _text_order(key), key=_text_order)
        return i < len(self._order) and self._order[i] == key

    def get(self, key: SuggestionKey) -> Suggestion | None:
        """The suggestion ``key`` if it is pending."""
        return self.kept[key] if key in self else None

    def pending(self) -> list[Suggestion]:
        """Every pending suggestion, in text order."""
        return [self.kept[k] for k in self._order]

    def step(self, key: SuggestionKey | None, offset: int, direction: int) -> Suggestion | None:
        """The pending suggestion after (``direction`` 1) or before (-1) ``key``, or when ``key``
        is None, the first starting at or after ``offset`` (1) or before it (-1); wrapping around."""
        order = self._order
        if not order:
            return None
        if key is not None:
            i = bisect.bisect_left(order, _text_order(key), key=_text_order)
            i = i + 1 if direction > 0 and i < len(order) and order[i] == key else i
        else:
            i = bisect.bisect_left(order, (offset,), key=lambda k: (k[0],))
        i = i if direction > 0 else i - 1
        return self.kept[order[i % len(order)]]

    # -- following the record and the annotator's decisions --------------------------------------------

    def _hide(self, key: SuggestionKey, delta: Delta) -> None:
        i = bisect.bisect_left(self._order, _text_order(key), key=_text_order)
        if i < len(self._order) and self._order[i] == key:
            del self._order[i]
            delta.hidden.append(self.kept[key])

    def _show(self, key: SuggestionKey, delta: Delta) -> None:
        i = bisect.bisect_left(self._order, _text_order(key), key=_text_order)
        if not (i < len(self._order) and self._order[i] == key):
            self._order.insert(i, key)
            delta.shown.append(self.kept[key])

    def _kept_over(self, label: str, start: int, end: int) -> list[Suggestion]:
        ranges = self._kept_by_label.get(label)
        if ranges is None:
            return []
        return [self.kept[(s, e, label)] for s, e in ranges.overlapping(start, end)]

    def apply(self, ops: Sequence[Op]) -> Delta:
        """Follow the record's ops (an action, its undo or redo): a span added hides the
        suggestions of its label over its text; a span removed shows them again unless another
        span of their label is still there or they were rejected."""
        delta = Delta()
        for op in ops:
            if op["op"] == "add_span":
                span = op["span"]
                self._spans.setdefault(span["label"], _Ranges()).add(span["start"], span["end"])
                for s in self._kept_over(span["label"], span["start"], span["end"]):
                    self._hide(s.key, delta)
            elif op["op"] == "remove_span":
                span = op["span"]
                ranges = self._spans.get(span["label"])
                if ranges is not None:
                    ranges.remove(span["start"], span["end"])
                for s in self._kept_over(span["label"], span["start"], span["end"]):
                    if self._open(s):
                        self._show(s.key, delta)
        # a suggestion both hidden and shown again in one action is where it was
        shown = {s.key for s in delta.shown}
        hidden = {s.key for s in delta.hidden}
        delta.shown = [s for s in delta.shown if s.key not in hidden]
        delta.hidden = [s for s in delta.hidden if s.key not in shown]
        return delta

    def reject(self, key: SuggestionKey) -> Delta:
        """The annotator rejected ``key``: it is pending no more, whatever the record does."""
        self.rejected.add(key)
        delta = Delta()
        self._hide(key, delta)
        return delta


def _text_order(key: Any) -> tuple[int, int, str]:
    start, end, label = key
    return (start, -end, label)
