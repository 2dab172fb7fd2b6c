"""The article view: a Line-API ``ScrollView`` showing one article with its spans.

Design (see ``shared/docs/textual.md`` §2.3):

* one canonical ``str`` plus its display twin (``display_text``: 1:1 code
  points, so every offset is shared); everything is an absolute code-point
  offset;
* the text is wrapped by cells into ``row_starts`` (``article_layout``) and
  offsets map to rows with ``bisect``; re-wrapped only when the width changes;
* spans live in a block-bucketed index (``span_index``); suggestions (proposed spans, drawn
  apart: see ``article_style``) in another, with their own focus;
* ``render_line`` serves rows from a cache; every state change drops exactly
  the rows it touches (cursor: old and new rows; selection: the rows between
  the old and new ends; a span: its rows) and refreshes only those lines.

Beside it: ``article_style`` (safe display text, label colours, contrast, the
style of a run of cells, the strip of a row: how it looks) and ``article_input`` (the movement
actions and mouse handlers, mixed in); the key bindings come from the action
registry (``annotator.tui.actions.VIEW_ACTIONS``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.tui.actions import VIEW_ACTIONS, bindings
from annotator.tui.widgets.article_input import ArticleInput
from annotator.tui.widgets.article_layout import Layout
from annotator.tui.widgets.article_style import (
    CURSOR_FLAG,
    ComponentStyle,
    StyleKey,
    contrast_ratio,
    label_color,
    readable_on,
    row_strip,
    safe_display,
    span_style,
)
from annotator.tui.widgets.article_suggestions import ArticleSuggestions
from annotator.tui.widgets.direct_lines import DirectLines
from annotator.tui.widgets.fast_scrollbar import FastScrollBars
from annotator.tui.widgets.render_guard import RenderGuard
from annotator.tui.widgets.span_index import SpanIndex, ViewSpan

__all__ = ["ArticleView", "ViewSpan", "contrast_ratio", "readable_on"]


class ArticleView(RenderGuard, ArticleSuggestions, ArticleInput, DirectLines, FastScrollBars, ScrollView,
                  can_focus=True):
    """Shows an article, its spans, a cursor and a selection; fast on 1 MB."""

    ALLOW_SELECT = False

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        height: 1fr;
        & > .article-view--cursor {
            text-style: reverse;
        }
        & > .article-view--cursor-blurred {
            text-style: underline;
        }
        & > .article-view--selection {
            background: $foreground 32%;
        }
        & > .article-view--highlight {
            background: $warning 75%;
        }
        & > .article-view--focused-span {
            text-style: bold;
        }
    }
    """

    # The cursor's look follows the focus in Python, not through a ``:focus`` rule: Textual would
    # restyle the view on every focus change and repaint all its rows (an attribute form opened
    # over it wrote the whole screen); here only the cursor's row is drawn again.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--cursor",
        "article-view--cursor-blurred",
        "article-view--selection",
        "article-view--highlight",
        "article-view--focused-span",
    }

    BINDINGS: ClassVar[list[BindingType]] = bindings(VIEW_ACTIONS, "view")  # type: ignore[assignment]

    class CursorMoved(Message):
        """The cursor or the selection changed."""

        def __init__(
            self, view: ArticleView, cursor: int, selection: tuple[int, int] | None
        ) -> None:
            super().__init__()
            self.view = view
            self.cursor = cursor
            self.selection = selection

        @property
        def control(self) -> ArticleView:
            return self.view

    class SpanClicked(Message):
        """A span was ctrl+clicked (the innermost span under the pointer)."""

        def __init__(self, view: ArticleView, span_id: str) -> None:
            super().__init__()
            self.view = view
            self.span_id = span_id

        @property
        def control(self) -> ArticleView:
            return self.view

    class SuggestionClicked(SpanClicked):
        """A suggestion was ctrl+clicked where no span is (``span_id``: the suggestion's id in the view)."""

    def __init__(
        self,
        text: str = "",
        spans: Iterable[ViewSpan] = (),
        label_colors: Mapping[str, str] = {},  # noqa: B006 - never mutated
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._label_colors: dict[str, str] = dict(label_colors)
        self.snap: bool = False
        self.rows_rendered: int = 0
        self._row_cache: dict[int, Strip] = {}
        self._style_cache: dict[StyleKey, Style] = {}
        self._base_style: Style | None = None
        self._drawn_with: tuple[object, ...] | None = None  # the styles the cached rows were drawn with
        self._restyled = True  # restyled since the last row drawn: compare the styles before the next
        self.restyles = 0  # times restyled (its own styles or an ancestor's: a frame drawn ahead is redone)
        self._color_cache: dict[str, Color] = {}
        self._layout: Layout | None = None
        self._dragging = False
        self._goal_x: int | None = None
        self._focused_span: str | None = None
        self._highlights: list[tuple[int, int]] = []
        self._hl_starts: list[int] = []
        self._hl_maxlen = 0
        self._set_document(text, spans)

    # ------------------------------------------------------------------ state
    def _set_document(self, text: str, spans: Iterable[ViewSpan]) -> None:
        self._text = text
        self._disp = safe_display(text)
        self._len = len(text)
        self._index = SpanIndex(spans)
        self._reset_suggestions()
        self._anchor = 0
        self._cursor = 0
        self._goal_x = None
        self._focused_span = None
        self._highlights = []
        self._hl_starts = []
        self._hl_maxlen = 0
        self._layout = None
        self._row_cache.clear()

    @property
    def text(self) -> str:
        """The exact text shown (offsets index into it)."""
        return self._text

    @property
    def display_string(self) -> str:
        """The sanitised twin of :attr:`text` that is drawn (same offsets)."""
        return self._disp

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def selection_anchor(self) -> int:
        """Where the selection started (the cursor is its other end); not Widget.anchor."""
        return self._anchor

    @property
    def selection(self) -> tuple[int, int] | None:
        a, c = self._anchor, self._cursor
        if a == c:
            return None
        return (a, c) if a < c else (c, a)

    @property
    def layout_info(self) -> Layout | None:
        """The current wrap (None before the first resize)."""
        return self._layout

    @property
    def row_starts(self) -> list[int]:
        return self._layout.row_starts if self._layout is not None else [0]

    @property
    def label_colors(self) -> dict[str, str]:
        return dict(self._label_colors)

    @label_colors.setter
    def label_colors(self, colors: Mapping[str, str]) -> None:
        self._label_colors = dict(colors)
        self._color_cache.clear()
        self._style_cache.clear()
        self._invalidate_all()

    @property
    def spans(self) -> list[ViewSpan]:
        return list(self._index)

    def get_span(self, span_id: str) -> ViewSpan | None:
        return self._index.get(span_id)

    def spans_at(self, offset: int) -> list[ViewSpan]:
        """Spans containing ``offset``, outermost first."""
        return self._index.at(offset)

    def span_at(self, offset: int) -> ViewSpan | None:
        """The innermost span containing ``offset``."""
        return self._index.innermost_at(offset)

    def spans_in(self, start: int, end: int) -> list[ViewSpan]:
        """Spans overlapping ``[start, end)``, by start."""
        return self._index.overlapping(start, end)

    # -------------------------------------------------------------- public API
    def load(self, text: str, spans: Iterable[ViewSpan]) -> None:
        """Show a new document; cursor to 0, no selection, scrolled to top."""
        self._set_document(text, spans)
        if self.is_mounted:
            self._rewrap(force=True)
            self.scroll_to(y=0, animate=False)
            self.refresh()
        self._post_cursor_moved()

    def set_spans(self, spans: Iterable[ViewSpan]) -> None:
        """Replace every span."""
        self._index = SpanIndex(spans)
        if self._focused_span is not None and self._focused_span not in self._index:
            self._focused_span = None
        self._invalidate_all()

    def add_span(self, span: ViewSpan) -> None:
        """Add (or replace, by id) one span; re-renders only its rows."""
        old = self._index.add(span)
        if old is not None:
            self._invalidate_range(old.start, max(old.start, old.end - 1))
        self._invalidate_range(span.start, max(span.start, span.end - 1))

    def remove_span(self, span_id: str) -> None:
        """Remove a span (no-op when absent); re-renders only its rows."""
        old = self._index.remove(span_id)
        if old is None:
            return
        if self._focused_span == span_id:
            self._focused_span = None
        self._invalidate_range(old.start, max(old.start, old.end - 1))

    @property
    def focused_span(self) -> str | None:
        return self._focused_span

    @focused_span.setter
    def focused_span(self, span_id: str | None) -> None:
        if span_id is not None and span_id not in self._index:
            span_id = None
        old = self._index.get(self._focused_span) if self._focused_span else None
        self._focused_span = span_id
        if old is not None:
            self._invalidate_range(old.start, max(old.start, old.end - 1))
        new = self._index.get(span_id) if span_id else None
        if new is not None:
            self._invalidate_range(new.start, max(new.start, new.end - 1))
            self._scroll_range_into_view(new.start, new.end)

    @property
    def highlights(self) -> list[tuple[int, int]]:
        return list(self._highlights)

    @highlights.setter
    def highlights(self, ranges: Iterable[tuple[int, int]]) -> None:
        new = sorted((int(s), int(e)) for s, e in ranges if e > s)
        if new == self._highlights:
            return
        self._highlights = new
        self._hl_starts = [s for s, _ in new]
        self._hl_maxlen = max((e - s for s, e in new), default=0)
        self._invalidate_all()

    def move_cursor(self, offset: int, *, extend: bool = False) -> None:
        """Put the cursor at ``offset`` (clamped); keep the anchor when ``extend``."""
        self._goal_x = None
        self._set_cursor(offset, extend=extend)

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)``: the anchor at ``start``, the cursor at ``end``."""
        self._goal_x = None
        start = self._clamp(start)
        end = self._clamp(end)
        old_a, old_c = self._anchor, self._cursor
        self._anchor, self._cursor = start, end
        self._after_move(old_a, old_c)

    def clear_selection(self) -> None:
        if self._anchor == self._cursor:
            return
        old_a, old_c = self._anchor, self._cursor
        self._anchor = self._cursor
        self._after_move(old_a, old_c, scroll=False)

    @property
    def laid_out(self) -> bool:
        """Whether the text is wrapped to the view's width (keys that move by rows need it)."""
        return self._layout is not None

    def offset_at_point(self, x: int, y: int) -> int:
        """The offset drawn at cell ``(x, y)`` of the widget's content region."""
        if self._layout is None:
            return 0
        row = int(self.scroll_offset.y) + y
        row = max(0, min(row, self._layout.row_count - 1))
        return self._layout.offset_at(row, x)

    # ---------------------------------------------------------------- helpers
    def _clamp(self, offset: int) -> int:
        return 0 if offset < 0 else self._len if offset > self._len else offset

    def _set_cursor(self, offset: int, *, extend: bool) -> None:
        offset = self._clamp(offset)
        old_a, old_c = self._anchor, self._cursor
        self._cursor = offset
        if not extend:
            self._anchor = offset
        self._after_move(old_a, old_c)

    def _after_move(self, old_a: int, old_c: int, *, scroll: bool = True) -> None:
        a, c = self._anchor, self._cursor
        if (a, c) == (old_a, old_c):
            if scroll:
                self._scroll_cursor_into_view()
            return
        if a == old_a:
            # Same anchor: the cells that changed lie between the two cursors.
            self._invalidate_range(min(c, old_c), max(c, old_c))
        else:
            if old_a != old_c:
                self._invalidate_range(min(old_a, old_c), max(old_a, old_c))
            else:
                self._invalidate_range(old_c, old_c)
            self._invalidate_range(min(a, c), max(a, c))
        if scroll:
            self._scroll_cursor_into_view()
        self._post_cursor_moved()

    def _post_cursor_moved(self) -> None:
        self.post_message(self.CursorMoved(self, self._cursor, self.selection))

    @property
    def _viewport_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _scroll_cursor_into_view(self) -> None:
        lay = self._layout
        if lay is None:
            return
        row = lay.row_of(self._cursor)
        top = int(self.scroll_offset.y)
        h = self._viewport_height
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + h:
            self.scroll_to(y=row - h + 1, animate=False)

    def _scroll_range_into_view(self, start: int, end: int) -> None:
        lay = self._layout
        if lay is None:
            return
        r0 = lay.row_of(start)
        r1 = lay.row_of(max(start, end - 1))
        top = int(self.scroll_offset.y)
        h = self._viewport_height
        if r0 >= top and r1 < top + h:
            return
        if r1 - r0 + 1 >= h or r0 < top or r0 >= top + h:
            self.scroll_to(y=max(0, r0 - h // 3), animate=False)
        else:
            self.scroll_to(y=r1 - h + 1, animate=False)

    def _invalidate_range(self, lo: int, hi: int) -> None:
        """Drop cached rows showing offsets ``lo..hi`` (inclusive) and refresh them."""
        lay = self._layout
        if lay is None:
            return
        r0 = lay.row_of(lo)
        r1 = lay.row_of(hi)
        cache = self._row_cache
        if r1 - r0 + 1 > len(cache):
            for r in [r for r in cache if r0 <= r <= r1]:
                del cache[r]
        else:
            for r in range(r0, r1 + 1):
                cache.pop(r, None)
        top = int(self.scroll_offset.y)
        v0 = max(r0, top)
        v1 = min(r1, top + self._viewport_height - 1)
        if v0 <= v1:
            self.refresh_lines(v0, v1 - v0 + 1)

    def _invalidate_all(self) -> None:
        self._row_cache.clear()
        self.refresh()

    # ------------------------------------------------------------- wrapping
    def _wrap_width(self) -> int:
        return self.scrollable_content_region.width

    def _rewrap(self, *, force: bool = False) -> None:
        width = self._wrap_width()
        if width <= 0:
            return
        lay = self._layout
        if not force and lay is not None and lay.width == max(2, width):
            return
        top_offset = None
        if lay is not None and not force:
            top = min(int(self.scroll_offset.y), lay.row_count - 1)
            top_offset = lay.row_starts[top]
        self._layout = Layout(self._disp, width)
        self._row_cache.clear()
        self.virtual_size = Size(width, self._layout.row_count)
        if top_offset is not None:
            self.scroll_to(y=self._layout.row_of(top_offset), animate=False)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def on_mount(self) -> None:
        super().on_mount()
        self._rewrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Textual calls this after every restyle of the view (a focus change included), changed or
        # not, and before the component styles are worked out: the next row drawn compares them.
        self._restyled = True
        self.restyles += 1

    def _check_look(self) -> None:
        """Drop the rows drawn (and the styles) when what they are drawn with has changed."""
        self._restyled = False
        look = (self.rich_style, self.background_colors,
                *(self._component_style(name) for name in sorted(self.COMPONENT_CLASSES)))
        if look != self._drawn_with:
            self._drawn_with = look
            self._base_style = None
            self._style_cache.clear()
            self._row_cache.clear()

    def on_focus(self, event: events.Focus) -> None:
        self._focus_moved(event, True)

    def on_blur(self, event: events.Blur) -> None:
        self._focus_moved(event, False)

    def _focus_moved(self, event: events.Focus | events.Blur, focused: bool) -> None:
        """What Textual's own handlers (Widget._on_focus / _on_blur, their default prevented here)
        do, but for their repaint of the whole view: all its rows under the box of an update (the
        attribute form's opening and closing included). What focus changes of the view is its
        cursor's look: that row alone is drawn again."""
        event.prevent_default()
        self.has_focus = focused
        for key in [k for k in self._style_cache if k[CURSOR_FLAG]]:
            del self._style_cache[key]
        self._invalidate_range(self._cursor, self._cursor)
        if self.parent is not None:
            self.parent.post_message((events.DescendantFocus if focused else events.DescendantBlur)(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        cache = self._row_cache
        h = self._viewport_height
        if len(cache) > max(512, 8 * h):
            top = int(new_value)
            lo, hi = top - 2 * h, top + 3 * h
            for r in [r for r in cache if r < lo or r > hi]:
                del cache[r]

    # ------------------------------------------------------------- styles
    @property
    def _base(self) -> Style:
        """``self.rich_style``, cached until the next style update (it is slow)."""
        style = self._base_style
        if style is None:
            style = self._base_style = self.rich_style
        return style

    def _label_color(self, label: str) -> Color:
        color = self._color_cache.get(label)
        if color is None:
            color = self._color_cache[label] = label_color(label, self._label_colors.get(label))
        return color

    def _component(self, name: str) -> ComponentStyle:
        """A component class's style as the cells are drawn with it (the cursor's as the focus is)."""
        if name == "article-view--cursor" and not self.has_focus:
            name = "article-view--cursor-blurred"
        return self._component_style(name)

    def _component_style(self, name: str) -> ComponentStyle:
        styles = self.get_component_styles(name)
        bg = styles.background if styles.has_rule("background") else None
        fg = styles.color if styles.has_rule("color") else None
        return bg, fg, styles.text_style

    def _style(self, key: StyleKey) -> Style:
        style = self._style_cache.get(key)
        if style is not None:
            return style
        base = self._base
        base_bg = (
            Color.from_rich_color(base.bgcolor) if base.bgcolor else self.background_colors[1]
        )
        base_fg = Color.from_rich_color(base.color) if base.color else Color(200, 200, 200)
        style = span_style(key, base_bg, base_fg, self._label_color, self._component)
        self._style_cache[key] = style
        return style

    # ------------------------------------------------------------- rendering
    def render_line(self, y: int) -> Strip:
        if self._restyled:
            self._check_look()
        lay = self._layout
        row = int(self.scroll_offset.y) + y
        if lay is None or row >= lay.row_count or row < 0:
            return Strip.blank(self.scrollable_content_region.width, self._base)
        return self.cached_row(row)

    def cached_row(self, row: int) -> Strip:
        """Row ``row`` of the text (laid out, in range) as drawn now, from the row cache."""
        strip = self._row_cache.get(row)
        if strip is None:
            strip = self._row_cache[row] = self._render_row(row)
            self.rows_rendered += 1
        return strip

    def row_with_cursor(self, row: int, offset: int) -> Strip:
        """Row ``row`` as it would be drawn with the cursor at ``offset`` and nothing selected (not
        kept: what the next page key will show, drawn ahead, tui/page_ahead.py)."""
        if self._restyled:
            self._check_look()
        cursor, anchor = self._cursor, self._anchor
        self._cursor = self._anchor = offset
        try:
            return self._render_row(row)
        finally:
            self._cursor, self._anchor = cursor, anchor

    def render_ahead(self, direction: int) -> None:
        """After a page: render (and frame) the page beyond it in that direction, once this frame
        is on screen, so that the next page key only composes rows it already has."""
        self.call_after_refresh(self._render_ahead, direction)

    def _render_ahead(self, direction: int) -> None:
        if self._restyled:
            self._check_look()
        lay = self._layout
        if lay is None:
            return
        h = self._viewport_height
        first = int(self.scroll_offset.y) + (h if direction > 0 else -h)
        rows = []
        for row in range(max(0, first), min(lay.row_count, first + h)):
            rows.append(self.cached_row(row))
        self.frame_ahead(rows)

    def _highlights_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        if not self._highlights:
            return []
        i0 = bisect_left(self._hl_starts, lo - self._hl_maxlen)
        i1 = bisect_left(self._hl_starts, hi)
        return [(s, e) for s, e in self._highlights[i0:i1] if e > lo]

    def _render_row(self, row: int) -> Strip:
        lay = self._layout
        assert lay is not None
        start, end = lay.row_span(row)
        text_end = lay.row_text_end(row)
        last_row = row == lay.row_count - 1
        # Cells [start, vis_end): characters up to text_end, then one blank
        # cell for the newline (or the end of the text on the last row).
        vis_end = end if text_end < end else (self._len + 1 if last_row else end)

        spans = [s for s in self._index.overlapping(start, vis_end) if s.end > s.start]
        hls = self._highlights_in(start, vis_end)
        sel = self.selection
        cur = self._cursor
        focus = self._index.get(self._focused_span) if self._focused_span else None
        suggested = self._suggested
        if len(suggested):
            proposed = [s for s in suggested.overlapping(start, vis_end) if s.end > s.start]
            focus_suggested = suggested.get(self._focused_suggestion) if self._focused_suggestion else None
        else:
            proposed, focus_suggested = [], None

        return row_strip(self._disp, start, vis_end, text_end, lay.is_single_cell_row(row), lay.width,
                         spans, hls, sel, cur, focus, self._style, self._base, proposed, focus_suggested)
