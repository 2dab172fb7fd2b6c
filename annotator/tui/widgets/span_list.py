"""The side panel's list of the document's spans, in text order (an enclosing span first)."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping
from typing import Any

from rich.style import Style
from rich.text import Text

from annotator.model.types import Span
from annotator.text.sanitize import display_line
from annotator.tui.widgets.row_list import RowList, row


def _attr_summary(attrs: Mapping[str, Any], spans: Mapping[str, Span]) -> str:
    """Values only, short: ``→ Brett Mc Gurk direct`` (a ref shows the text of the span it names)."""
    parts = []
    for v in attrs.values():
        if isinstance(v, str) and v in spans:
            parts.append("→ " + spans[v]["text"][:30])
        else:
            parts.append(str(v))
    return " ".join(parts)


class SpanList(RowList):
    """Rows are spans sorted by (start, -end, label); ``order`` maps rows to span ids."""

    DEFAULT_CSS = """
    SpanList { height: 1fr; }
    """

    def __init__(self, label_colors: Mapping[str, str], *, id: str | None = None) -> None:
        self._spans: dict[str, Span] = {}
        self._keys: list[tuple[int, int, str, str]] = []
        self._colors = dict(label_colors)
        super().__init__(self._text_of, 0, id=id, row_key=lambda i: self._keys[i][3])

    @staticmethod
    def _key(span: Span) -> tuple[int, int, str, str]:
        return (span["start"], -span["end"], span["label"], span["id"])

    def set_spans(self, spans: Iterable[Span]) -> None:
        self.forget_all()
        self._spans = {s["id"]: s for s in spans}
        self._keys = sorted([(s["start"], -s["end"], s["label"], s["id"]) for s in self._spans.values()])
        self.marked = None
        self.reset(len(self._keys))

    def upsert(self, span: Span) -> None:
        old = self._spans.get(span["id"])
        if old is not None:
            self._keys.pop(bisect_left(self._keys, self._key(old)))
        self.forget(span["id"])
        self._spans[span["id"]] = span
        insort(self._keys, self._key(span))
        self.reset(len(self._keys))

    def remove_span(self, span_id: str) -> None:
        old = self._spans.pop(span_id, None)
        self.forget(span_id)
        if old is not None:
            self._keys.pop(bisect_left(self._keys, self._key(old)))
            self.reset(len(self._keys))

    def index_of(self, span_id: str) -> int | None:
        span = self._spans.get(span_id)
        if span is None:
            return None
        return bisect_left(self._keys, self._key(span))

    def id_at(self, index: int) -> str | None:
        return self._keys[index][3] if 0 <= index < len(self._keys) else None

    def first_at_or_after(self, offset: int) -> int:
        return bisect_left(self._keys, (offset, -(10**12), "", ""))

    def mark(self, span_id: str | None) -> None:
        index = self.index_of(span_id) if span_id else None
        self.set_marked(index)
        if index is not None:
            self.set_cursor(index, post=False)

    def _text_of(self, index: int) -> Text:
        span = self._spans[self._keys[index][3]]
        color = self._colors.get(span["label"], "white")
        text = span["text"]
        limit = 22 if span["attrs"] else 60
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return row(
            (f"{span['label']:<9}", Style(color=color, bold=True)),
            (display_line(text), None),
            ("  " + display_line(_attr_summary(span["attrs"], self._spans)), Style(dim=True, italic=True)),
        )
