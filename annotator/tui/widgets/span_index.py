"""Positional index of the spans shown by the article view.

No Textual import here, so it can be unit tested without a terminal.

Spans are bucketed by fixed blocks of ``BLOCK`` code points: a span is listed in
every block it overlaps.  The spans overlapping a range are found by visiting
only the blocks of that range (cost: the spans nearby, not the document), and
adding or removing a span costs ``O(span length / BLOCK)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["BLOCK", "SpanIndex", "ViewSpan"]

BLOCK = 512


@dataclass(frozen=True, slots=True)
class ViewSpan:
    """A span as the view shows it: code-point offsets, end exclusive."""

    id: str
    start: int
    end: int
    label: str


class SpanIndex:
    """Spans by id, plus ``blocks[offset // BLOCK] -> {span ids}``."""

    __slots__ = ("_spans", "_blocks", "block")

    def __init__(self, spans: Iterable[ViewSpan] = (), *, block: int = BLOCK) -> None:
        self.block = block
        self._spans: dict[str, ViewSpan] = {}
        self._blocks: dict[int, set[str]] = {}
        for span in spans:
            self.add(span)

    def _block_range(self, start: int, end: int) -> range:
        b = self.block
        return range(start // b, max(start, end - 1) // b + 1)

    # -- mutation -----------------------------------------------------------
    def add(self, span: ViewSpan) -> ViewSpan | None:
        """Add ``span`` (replacing any span with the same id); return the old one."""
        old = self.remove(span.id)
        self._spans[span.id] = span
        blocks = self._blocks
        sid = span.id
        for k in self._block_range(span.start, span.end):
            bucket = blocks.get(k)
            if bucket is None:
                blocks[k] = {sid}
            else:
                bucket.add(sid)
        return old

    def remove(self, span_id: str) -> ViewSpan | None:
        """Remove the span ``span_id``; return it (None when absent)."""
        span = self._spans.pop(span_id, None)
        if span is None:
            return None
        blocks = self._blocks
        for k in self._block_range(span.start, span.end):
            bucket = blocks.get(k)
            if bucket is not None:
                bucket.discard(span_id)
                if not bucket:
                    del blocks[k]
        return span

    def clear(self) -> None:
        self._spans.clear()
        self._blocks.clear()

    # -- queries ------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._spans

    def __iter__(self) -> Iterator[ViewSpan]:
        return iter(self._spans.values())

    def get(self, span_id: str) -> ViewSpan | None:
        return self._spans.get(span_id)

    def overlapping(self, lo: int, hi: int) -> list[ViewSpan]:
        """Spans overlapping ``[lo, hi)``, sorted by (start, -end, id).

        A span overlaps when ``start < hi and end > lo``; an empty span
        (``start == end``) counts when ``lo <= start < hi``.
        """
        if hi <= lo:
            hi = lo + 1
        spans = self._spans
        blocks = self._blocks
        b = self.block
        found: set[str] = set()
        for k in range(lo // b, (hi - 1) // b + 1):
            bucket = blocks.get(k)
            if bucket:
                found |= bucket
        out = []
        for sid in found:
            s = spans[sid]
            if s.start < hi and (s.end > lo or (s.start == s.end and s.start >= lo)):
                out.append(s)
        out.sort(key=_outer_first)
        return out

    def at(self, offset: int) -> list[ViewSpan]:
        """Spans containing ``offset``, outermost first."""
        return [s for s in self.overlapping(offset, offset + 1) if s.start <= offset < s.end]

    def innermost_at(self, offset: int) -> ViewSpan | None:
        """The innermost (shortest, then latest-starting) span containing ``offset``."""
        here = self.at(offset)
        if not here:
            return None
        return min(here, key=_inner_first)


def _outer_first(s: ViewSpan) -> tuple[int, int, str]:
    return (s.start, -s.end, s.id)


def _inner_first(s: ViewSpan) -> tuple[int, int, str]:
    return (s.end - s.start, -s.start, s.id)
