"""Keyboard movement and mouse handling of the article view.

:class:`ArticleInput` is a mixin of :class:`~annotator.tui.widgets.article_view.ArticleView`:
the ``action_*`` methods its key bindings name (the bindings themselves come from the action
registry, :data:`annotator.tui.actions.VIEW_ACTIONS`) and its mouse handlers.  It holds no
state of its own; it moves the view's cursor through the view's API (``move_cursor``,
``_set_cursor``, ``select``), which invalidates, scrolls and posts ``CursorMoved``.

Vertical moves keep a goal column (``_goal_x``) so that up/down through short rows come back
to the column they started from; any other move forgets it.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from textual import events


def _words() -> ModuleType:
    """annotator.text.words, imported on the first word key: it loads ``regex`` (~10 ms) that the
    first frame does not need (the annotate screen imports it in a thread after that frame)."""
    from annotator.text import words

    return words

if TYPE_CHECKING:
    from textual.message import Message
    from textual.scroll_view import ScrollView as _Host

    from annotator.tui.widgets.article_layout import Layout
    from annotator.tui.widgets.span_index import ViewSpan

else:
    _Host = object  # the mixin's host, ArticleView (a ScrollView), as the type checker sees it

__all__ = ["ArticleInput"]


class ArticleInput(_Host):
    """The article view's movement actions and mouse handlers (a mixin; no state)."""

    if TYPE_CHECKING:  # provided by ArticleView / ScrollView
        _layout: Layout | None
        _text: str
        _len: int
        _cursor: int
        _goal_x: int | None
        _dragging: bool

        @property
        def _viewport_height(self) -> int: ...

        def move_cursor(self, offset: int, *, extend: bool = False) -> None: ...
        def _set_cursor(self, offset: int, *, extend: bool) -> None: ...
        def render_ahead(self, direction: int) -> None: ...
        def select(self, start: int, end: int) -> None: ...
        def offset_at_point(self, x: int, y: int) -> int: ...
        def span_at(self, offset: int) -> ViewSpan | None: ...
        def SpanClicked(self, view: object, span_id: str) -> Message: ...  # noqa: N802 - the message class
        def SuggestionClicked(self, view: object, span_id: str) -> Message: ...  # noqa: N802 - the message class
        def suggestion_at(self, offset: int) -> ViewSpan | None: ...

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

    def page_target(self, direction: int) -> tuple[int, int, int] | None:
        """Where a page key (``direction`` 1: down, -1: up) takes the view: its top row, the
        cursor's offset and the column kept for the next vertical move (None: not laid out)."""
        lay = self._layout
        if lay is None:
            return None
        h = self._viewport_height
        row, x = self._row_and_x()
        target = max(0, min(lay.row_count - 1, row + direction * h))
        max_top = max(0, lay.row_count - h)
        top = max(0, min(max_top, int(self.scroll_offset.y) + direction * h))
        if target == row:
            new = 0 if direction < 0 else self._len
        else:
            new = lay.offset_at(target, x)
        return top, new, x

    def _page(self, direction: int, extend: bool) -> None:
        went = self.page_target(direction)
        if went is None:
            return
        top, new, x = went
        if top != int(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False)
        self._set_cursor(new, extend=extend)
        self._goal_x = x
        self.render_ahead(direction)

    def action_cursor_page_up(self, extend: bool = False) -> None:
        self._page(-1, extend)

    def action_cursor_page_down(self, extend: bool = False) -> None:
        self._page(1, extend)

    def action_cursor_doc_start(self, extend: bool = False) -> None:
        self.move_cursor(0, extend=extend)

    def action_cursor_doc_end(self, extend: bool = False) -> None:
        self.move_cursor(self._len, extend=extend)

    def action_cursor_word_left(self, extend: bool = False) -> None:
        self.move_cursor(_words().prev_word_start(self._text, self._cursor), extend=extend)

    def action_cursor_word_right(self, extend: bool = False) -> None:
        self.move_cursor(_words().next_word_start(self._text, self._cursor), extend=extend)

    def action_select_word(self) -> None:
        """Select the word under the cursor."""
        self._select_word_at(self._cursor)

    def _select_word_at(self, offset: int) -> None:
        found = _words().word_at(self._text, offset)
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
            elif (suggested := self.suggestion_at(offset)) is not None:
                self.post_message(self.SuggestionClicked(self, suggested.id))
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
