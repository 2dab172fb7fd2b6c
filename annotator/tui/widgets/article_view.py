"""The article view: a Line-API ``ScrollView`` showing one article with its spans.

Design (see ``shared/docs/textual.md`` §2.3):

* one canonical ``str`` plus its display twin (``display_text``: 1:1 code
  points, so every offset is shared); everything is an absolute code-point
  offset;
* the text is wrapped by cells into ``row_starts`` (``article_layout``) and
  offsets map to rows with ``bisect``; re-wrapped only when the width changes;
* spans live in a block-bucketed index (``span_index``);
* ``render_line`` serves rows from a cache; every state change drops exactly
  the rows it touches (cursor: old and new rows; selection: the rows between
  the old and new ends; a span: its rows) and refreshes only those lines.

Look: each span has its label's colour blended into the background (stronger
the deeper it is nested); a span inside another is also underlined (and
italic from the third level), so ``75 membres`` inside a quote reads as
"inner span of an outer span".  The focused span is drawn bold on its full
label colour; the selection uses the theme's selection colour; the cursor is a
reverse cell; highlights (find matches) use the theme's warning colour.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.text.sanitize import display_text
from annotator.text.words import next_word_start, prev_word_start, word_at
from annotator.tui.widgets.article_layout import Layout, grapheme_starts
from annotator.tui.widgets.span_index import SpanIndex, ViewSpan

__all__ = ["ArticleView", "ViewSpan"]

# Defence in depth: whatever ``display_text`` returns, these never reach the
# terminal (C0 but LF, DEL, C1, bidi controls, line/paragraph separators).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_UNSAFE_TABLE = {
    c: "\ufffd"
    for c in [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)]
    + [0x061C, 0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A)]
}

_PALETTE = (
    "#3b82f6",
    "#f59e0b",
    "#10b981",
    "#ef4444",
    "#8b5cf6",
    "#ec4899",
    "#14b8a6",
    "#84cc16",
)

# Blend factor of a label colour into the background by nesting depth.
_DEPTH_ALPHA = (0.0, 0.30, 0.47, 0.62)


def _safe_display(text: str) -> str:
    disp = display_text(text)
    if len(disp) != len(text):  # the contract is 1:1; never trust it blindly
        disp = text
    if _UNSAFE.search(disp) is not None:
        disp = disp.translate(_UNSAFE_TABLE)
    return disp


def _luminance(c: Color) -> float:
    def ch(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two opaque colours (1..21)."""
    la, lb = _luminance(a), _luminance(b)
    if la < lb:
        la, lb = lb, la
    return (la + 0.05) / (lb + 0.05)


def readable_on(bg: Color, preferred: Color) -> Color:
    """``preferred`` if it reads well on ``bg``, else black or white."""
    if contrast_ratio(bg, preferred) >= 4.5:
        return preferred
    black, white = Color(0, 0, 0), Color(255, 255, 255)
    return black if contrast_ratio(bg, black) >= contrast_ratio(bg, white) else white


class ArticleView(ScrollView, can_focus=True):
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

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--cursor",
        "article-view--selection",
        "article-view--highlight",
        "article-view--focused-span",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "cursor_left", "Left", show=False),
        Binding("right", "cursor_right", "Right", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("home", "cursor_row_start", "Row start", show=False),
        Binding("end", "cursor_row_end", "Row end", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("ctrl+home", "cursor_doc_start", "Document start", show=False),
        Binding("ctrl+end", "cursor_doc_end", "Document end", show=False),
        Binding("ctrl+left", "cursor_word_left", "Word left", show=False),
        Binding("ctrl+right", "cursor_word_right", "Word right", show=False),
        Binding("shift+left", "cursor_left(True)", "Extend left", show=False),
        Binding("shift+right", "cursor_right(True)", "Extend right", show=False),
        Binding("shift+up", "cursor_up(True)", "Extend up", show=False),
        Binding("shift+down", "cursor_down(True)", "Extend down", show=False),
        Binding("shift+home", "cursor_row_start(True)", "Extend to row start", show=False),
        Binding("shift+end", "cursor_row_end(True)", "Extend to row end", show=False),
        Binding("shift+pageup", "cursor_page_up(True)", "Extend page up", show=False),
        Binding("shift+pagedown", "cursor_page_down(True)", "Extend page down", show=False),
        Binding("ctrl+shift+home", "cursor_doc_start(True)", "Extend to start", show=False),
        Binding("ctrl+shift+end", "cursor_doc_end(True)", "Extend to end", show=False),
        Binding("ctrl+shift+left", "cursor_word_left(True)", "Extend word left", show=False),
        Binding("ctrl+shift+right", "cursor_word_right(True)", "Extend word right", show=False),
    ]

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
        self._style_cache: dict[tuple, Style] = {}
        self._base_style: Style | None = None
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
        self._disp = _safe_display(text)
        self._len = len(text)
        self._index = SpanIndex(spans)
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
    def anchor(self) -> int:
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
        self._base_style = None
        self._style_cache.clear()
        self._row_cache.clear()

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
            spec = self._label_colors.get(label)
            try:
                color = Color.parse(spec) if spec else None
            except Exception:  # noqa: BLE001 - a bad colour must not crash the view
                color = None
            if color is None:
                color = Color.parse(_PALETTE[sum(map(ord, label)) % len(_PALETTE)])
            self._color_cache[label] = color
        return color

    def _component(self, name: str) -> tuple[Color | None, Color | None, Style]:
        styles = self.get_component_styles(name)
        bg = styles.background if styles.has_rule("background") else None
        fg = styles.color if styles.has_rule("color") else None
        return bg, fg, styles.text_style

    def _style(self, key: tuple) -> Style:
        style = self._style_cache.get(key)
        if style is not None:
            return style
        label, depth, focus_label, hl, sel, cur = key
        base = self._base
        base_bg = (
            Color.from_rich_color(base.bgcolor) if base.bgcolor else self.background_colors[1]
        )
        base_fg = Color.from_rich_color(base.color) if base.color else Color(200, 200, 200)
        bg = base_bg
        extra = Style()
        if label is not None:
            alpha = _DEPTH_ALPHA[min(depth, len(_DEPTH_ALPHA) - 1)]
            bg = base_bg.blend(self._label_color(label), alpha)
            if depth >= 2:
                extra += Style(underline=True)
            if depth >= 3:
                extra += Style(italic=True)
        if focus_label is not None:
            bg = self._label_color(focus_label)
            extra += self._component("article-view--focused-span")[2]
        if hl:
            hbg, hfg, hts = self._component("article-view--highlight")
            if hbg is not None:
                bg = base_bg + hbg
            extra += hts
        fg = readable_on(bg, base_fg)
        if sel:
            sbg, sfg, sts = self._component("article-view--selection")
            if sbg is not None:
                bg = base_bg + sbg
            fg = readable_on(bg, (base_bg + sfg) if sfg is not None else base_fg)
            extra += sts
        style = Style(color=fg.rich_color, bgcolor=bg.rich_color) + extra
        if cur:
            cbg, cfg, cts = self._component("article-view--cursor")
            if cbg is not None or cfg is not None:
                style += Style(
                    color=(base_bg + cfg).rich_color if cfg is not None else None,
                    bgcolor=(base_bg + cbg).rich_color if cbg is not None else None,
                )
            style += cts
        self._style_cache[key] = style
        return style

    # ------------------------------------------------------------- rendering
    def render_line(self, y: int) -> Strip:
        lay = self._layout
        row = int(self.scroll_offset.y) + y
        if lay is None or row >= lay.row_count or row < 0:
            return Strip.blank(self.scrollable_content_region.width, self._base)
        strip = self._row_cache.get(row)
        if strip is None:
            strip = self._render_row(row)
            self._row_cache[row] = strip
            self.rows_rendered += 1
        return strip

    def _highlights_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        if not self._highlights:
            return []
        i0 = bisect_left(self._hl_starts, lo - self._hl_maxlen)
        i1 = bisect_left(self._hl_starts, hi)
        return [(s, e) for s, e in self._highlights[i0:i1] if e > lo]

    def _render_row(self, row: int) -> Strip:
        lay = self._layout
        assert lay is not None
        disp = self._disp
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

        cuts = {start, vis_end, cur, cur + 1}
        for s in spans:
            cuts.add(s.start)
            cuts.add(s.end)
        for s, e in hls:
            cuts.add(s)
            cuts.add(e)
        if sel is not None:
            cuts.update(sel)
        if focus is not None:
            cuts.add(focus.start)
            cuts.add(focus.end)
        points = sorted(c for c in cuts if start <= c <= vis_end)

        single = lay.is_single_cell_row(row)
        if not single and len(points) > 2:
            # Never split a grapheme cluster between two segments: a cut that
            # falls inside a cluster becomes the cluster's both ends.
            gs = [start + g for g in grapheme_starts(disp[start:text_end])]
            gs.append(text_end)
            snapped = set()
            for c in points:
                if c >= text_end:
                    snapped.add(c)
                    continue
                i = bisect_right(gs, c) - 1
                if gs[i] == c:
                    snapped.add(c)
                else:
                    snapped.add(gs[i])
                    snapped.add(gs[i + 1])
            points = sorted(snapped)

        style_of = self._style
        segments: list[Segment] = []
        for a, b in zip(points, points[1:]):
            if a >= b:
                continue
            covering = [s for s in spans if s.start < b and s.end > a]
            if covering:
                inner = min(covering, key=_inner_key)
                label = inner.label
                depth = len(covering)
            else:
                label = None
                depth = 0
            focus_label = (
                focus.label if focus is not None and focus.start < b and focus.end > a else None
            )
            hl = any(s < b and e > a for s, e in hls)
            selected = sel is not None and sel[0] < b and sel[1] > a
            is_cur = a <= cur < b
            if b <= text_end:
                chunk = disp[a:b]
            elif a >= text_end:
                chunk = " " * (b - a)
            else:
                chunk = disp[a:text_end] + " " * (b - text_end)
            segments.append(
                Segment(chunk, style_of((label, depth, focus_label, hl, selected, is_cur)))
            )
        # One Strip of exactly the row width (no crop/extend copies when it fits).
        if single:
            cells = vis_end - start
        else:
            cells = sum(seg.cell_length for seg in segments)
        width = lay.width
        if cells < width:
            segments.append(Segment(" " * (width - cells), self._base))
            return Strip(segments, width)
        if cells == width:
            return Strip(segments, width)
        return Strip(segments, cells).crop(0, width)

    # ------------------------------------------------------------- actions
    def _row_and_x(self) -> tuple[int, int]:
        lay = self._layout
        assert lay is not None
        row = lay.row_of(self._cursor)
        x = self._goal_x if self._goal_x is not None else lay.column_of(self._cursor)
        return row, x

    def action_cursor_left(self, extend: bool = False) -> None:
        self.move_cursor(self._cursor - 1, extend=extend)

    def action_cursor_right(self, extend: bool = False) -> None:
        self.move_cursor(self._cursor + 1, extend=extend)

    def _vertical(self, delta: int, extend: bool) -> None:
        lay = self._layout
        if lay is None:
            return
        row, x = self._row_and_x()
        target = row + delta
        if target < 0:
            new = 0
        elif target >= lay.row_count:
            new = self._len
        else:
            new = lay.offset_at(target, x)
        self._set_cursor(new, extend=extend)
        self._goal_x = x

    def action_cursor_up(self, extend: bool = False) -> None:
        self._vertical(-1, extend)

    def action_cursor_down(self, extend: bool = False) -> None:
        self._vertical(1, extend)

    def action_cursor_row_start(self, extend: bool = False) -> None:
        lay = self._layout
        if lay is None:
            return
        self.move_cursor(lay.row_starts[lay.row_of(self._cursor)], extend=extend)

    def action_cursor_row_end(self, extend: bool = False) -> None:
        lay = self._layout
        if lay is None:
            return
        self.move_cursor(lay.row_end_offset(lay.row_of(self._cursor)), extend=extend)

    def _page(self, direction: int, extend: bool) -> None:
        lay = self._layout
        if lay is None:
            return
        h = self._viewport_height
        row, x = self._row_and_x()
        target = max(0, min(lay.row_count - 1, row + direction * h))
        max_top = max(0, lay.row_count - h)
        top = max(0, min(max_top, int(self.scroll_offset.y) + direction * h))
        if top != int(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False)
        if target == row:
            new = 0 if direction < 0 else self._len
        else:
            new = lay.offset_at(target, x)
        self._set_cursor(new, extend=extend)
        self._goal_x = x

    def action_cursor_page_up(self, extend: bool = False) -> None:
        self._page(-1, extend)

    def action_cursor_page_down(self, extend: bool = False) -> None:
        self._page(1, extend)

    def action_cursor_doc_start(self, extend: bool = False) -> None:
        self.move_cursor(0, extend=extend)

    def action_cursor_doc_end(self, extend: bool = False) -> None:
        self.move_cursor(self._len, extend=extend)

    def action_cursor_word_left(self, extend: bool = False) -> None:
        self.move_cursor(prev_word_start(self._text, self._cursor), extend=extend)

    def action_cursor_word_right(self, extend: bool = False) -> None:
        self.move_cursor(next_word_start(self._text, self._cursor), extend=extend)

    def action_select_word(self) -> None:
        """Select the word under the cursor."""
        self._select_word_at(self._cursor)

    def _select_word_at(self, offset: int) -> None:
        found = word_at(self._text, offset)
        if found is not None:
            self.select(*found)

    # ------------------------------------------------------------- mouse
    def _event_offset(self, event: events.MouseEvent) -> int:
        pos = event.get_content_offset_capture(self)
        h = self._viewport_height
        if self._dragging and (pos.y < 0 or pos.y >= h) and self._layout is not None:
            # Dragging above or below the view: scroll one row that way.
            top = int(self.scroll_offset.y)
            step = -1 if pos.y < 0 else 1
            max_top = max(0, self._layout.row_count - h)
            self.scroll_to(y=max(0, min(max_top, top + step)), animate=False)
        y = max(0, min(pos.y, h - 1))
        return self.offset_at_point(max(0, pos.x), y)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button not in (0, 1):
            return
        offset = self._event_offset(event)
        if event.ctrl:
            span = self.span_at(offset)
            if span is not None:
                self.post_message(self.SpanClicked(self, span.id))
            event.stop()
            return
        self.focus()
        self.move_cursor(offset)
        self._dragging = True
        self.capture_mouse()
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        self.move_cursor(self._event_offset(event), extend=True)
        event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        event.stop()

    def on_click(self, event: events.Click) -> None:
        if event.ctrl:
            return
        if event.chain == 2:
            self._select_word_at(self._event_offset(event))
            event.stop()
        elif event.chain >= 3:
            offset = self._event_offset(event)
            text = self._text
            start = text.rfind("\n", 0, offset) + 1
            stop = text.find("\n", offset)
            self.select(start, self._len if stop == -1 else stop)
            event.stop()


def _inner_key(s: ViewSpan) -> tuple[int, int]:
    return (s.end - s.start, -s.start)
