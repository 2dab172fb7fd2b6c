"""Reusable widgets of the annotator TUI.

``ArticleView`` and ``ViewSpan`` are loaded lazily, so importing the pure
modules (``article_layout``, ``span_index``) does not import Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.tui.widgets.article_view import ArticleView, ViewSpan

__all__ = ["ArticleView", "ViewSpan"]


def __getattr__(name: str) -> Any:
    if name == "ArticleView":
        from annotator.tui.widgets.article_view import ArticleView

        return ArticleView
    if name == "ViewSpan":
        from annotator.tui.widgets.span_index import ViewSpan

        return ViewSpan
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
