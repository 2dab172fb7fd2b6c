"""The article view's suggestions: proposed spans kept in an index of their own, with their own
focus, drawn apart from the spans (see :mod:`annotator.tui.widgets.article_style`). Mixed into
:class:`annotator.tui.widgets.article_view.ArticleView`; like its spans, a change re-renders only
the rows it touches. Ids are the caller's (the annotate screen names a suggestion by its key).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from annotator.tui.widgets.span_index import SpanIndex, ViewSpan

__all__ = ["ArticleSuggestions"]


class ArticleSuggestions:
    """Suggestions of the article view (the view supplies the row invalidation and scrolling)."""

    _suggested: SpanIndex
    _focused_suggestion: str | None

    if TYPE_CHECKING:  # provided by ArticleView
        def _invalidate_range(self, lo: int, hi: int) -> None: ...
        def _invalidate_all(self) -> None: ...
        def _scroll_range_into_view(self, start: int, end: int) -> None: ...

    def _reset_suggestions(self) -> None:
        self._suggested = SpanIndex()
        self._focused_suggestion = None

    def _rows_of(self, span: ViewSpan) -> None:
        self._invalidate_range(span.start, max(span.start, span.end - 1))

    @property
    def suggestions(self) -> list[ViewSpan]:
        return list(self._suggested)

    def get_suggestion(self, suggestion_id: str) -> ViewSpan | None:
        return self._suggested.get(suggestion_id)

    def suggestion_at(self, offset: int) -> ViewSpan | None:
        """The innermost suggestion containing ``offset``."""
        return self._suggested.innermost_at(offset)

    def set_suggestions(self, spans: Iterable[ViewSpan] | SpanIndex) -> None:
        """Replace every suggestion (a document's arrive, or they are turned off or on); an index
        is taken as it is (built off the event loop, it is not read again)."""
        self._suggested = spans if isinstance(spans, SpanIndex) else SpanIndex(spans)
        if self._focused_suggestion is not None and self._focused_suggestion not in self._suggested:
            self._focused_suggestion = None
        self._invalidate_all()

    def add_suggestion(self, span: ViewSpan) -> None:
        """Show one suggestion (again); re-renders only its rows."""
        old = self._suggested.add(span)
        if old is not None:
            self._rows_of(old)
        self._rows_of(span)

    def remove_suggestion(self, suggestion_id: str) -> None:
        """Stop showing one suggestion (no-op when absent); re-renders only its rows."""
        old = self._suggested.remove(suggestion_id)
        if old is None:
            return
        if self._focused_suggestion == suggestion_id:
            self._focused_suggestion = None
        self._rows_of(old)

    @property
    def focused_suggestion(self) -> str | None:
        return self._focused_suggestion

    @focused_suggestion.setter
    def focused_suggestion(self, suggestion_id: str | None) -> None:
        if suggestion_id is not None and suggestion_id not in self._suggested:
            suggestion_id = None
        if suggestion_id == self._focused_suggestion:
            return
        old = self._suggested.get(self._focused_suggestion) if self._focused_suggestion else None
        self._focused_suggestion = suggestion_id
        if old is not None:
            self._rows_of(old)
        new = self._suggested.get(suggestion_id) if suggestion_id else None
        if new is not None:
            self._rows_of(new)
            self._scroll_range_into_view(new.start, new.end)
