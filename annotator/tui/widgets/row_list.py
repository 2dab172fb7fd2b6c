"""A list for many rows on the Line API: rows are rendered on demand from a callback, so a list
of 20,000 spans or 100,000 documents costs only the rows on screen."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.tui.widgets.direct_lines import DirectLines
from annotator.tui.widgets.fast_scrollbar import FastScrollBars
from annotator.tui.widgets.render_guard import RenderGuard


class RowList(RenderGuard, DirectLines, FastScrollBars, ScrollView, can_focus=True):
    """Rows ``0..count-1``, each a Rich ``Text`` built by ``row_text(i)`` (never markup)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-list--cursor", "row-list--marked"}
    DEFAULT_CSS = """
    RowList { background: $surface; overflow-x: hidden; }
    RowList > .row-list--cursor { background: $accent 40%; text-style: bold; }
    RowList:focus > .row-list--cursor { background: $accent 70%; }
    RowList > .row-list--marked { text-style: bold reverse; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "choose", "Choose", show=False),
    ]

    class _RowMessage(Message):
        def __init__(self, rows: RowList, index: int) -> None:
            super().__init__()
            self.rows = rows
            self.index = index

        @property
        def control(self) -> RowList:
            return self.rows

    class Chosen(_RowMessage):
        """A row was chosen (Enter or a click)."""

    class Highlighted(_RowMessage):
        """The cursor moved to a row."""

    def __init__(self, row_text: Callable[[int], Text], count: int = 0, *, id: str | None = None,
                 classes: str | None = None, row_key: Callable[[int], Hashable] | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._row_text = row_text
        self._row_key = row_key
        # rendered rows by (row key, kind, width) when keys are given: rows that only moved are reused
        self._strips: dict[Hashable, dict[tuple[str, int], Strip]] = {}
        self._style_by_kind: dict[str, Style] | None = None
        self._count = count
        self.cursor = 0
        self.marked: int | None = None  # a row shown as "current" (e.g. the focused span)
        self.rows_rendered = 0
        self.virtual_size = Size(0, count)

    @property
    def count(self) -> int:
        return self._count

    def reset(self, count: int) -> None:
        """The rows changed: new count, the visible rows re-rendered, cursor kept in range."""
        self._count = count
        self.cursor = max(0, min(self.cursor, count - 1))
        new = Size(self.size.width, count)
        if new != self.virtual_size:
            height = self.size.height
            if self.is_mounted and (self.virtual_size.height > height) == (count > height):
                # Setting virtual_size would re-lay out (and repaint) the whole screen; while the
                # scrollbar neither appears nor disappears, only this widget needs updating.
                self.set_reactive(RowList.virtual_size, new)
                self._scroll_update(new)
            else:
                self.virtual_size = new
        self.refresh()

    def forget(self, key: Hashable) -> None:
        """The row with this key changed: render it again next time."""
        self._strips.pop(key, None)

    def forget_all(self) -> None:
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_by_kind = None
        self._strips.clear()

    def refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y)
        if 0 <= y < self.size.height:
            self.refresh_lines(y, 1)

    def set_cursor(self, index: int, *, scroll: bool = True, post: bool = True) -> None:
        if self._count == 0:
            return
        index = max(0, min(index, self._count - 1))
        old, self.cursor = self.cursor, index
        self.refresh_row(old)
        self.refresh_row(index)
        if scroll:
            self.scroll_to_row(index)
        if post:
            self.post_message(self.Highlighted(self, index))

    def set_marked(self, index: int | None) -> None:
        old, self.marked = self.marked, index
        if old is not None:
            self.refresh_row(old)
        if index is not None:
            self.refresh_row(index)

    def scroll_to_row(self, index: int) -> None:
        top = int(self.scroll_y)
        height = max(1, self.size.height)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def _styles(self) -> dict[str, Style]:
        """Row styles by kind, computed once per style change (``rich_style`` is slow per row)."""
        if self._style_by_kind is None:
            base = self.rich_style
            self._style_by_kind = {
                "normal": base,
                "cursor": base + self.get_component_rich_style("row-list--cursor"),
                "marked": base + self.get_component_rich_style("row-list--marked"),
            }
        return self._style_by_kind

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.size.width
        styles = self._styles()
        if index >= self._count:
            return Strip.blank(width, styles["normal"])
        kind = "cursor" if index == self.cursor else "marked" if index == self.marked else "normal"
        key = self._row_key(index) if self._row_key is not None else None
        if key is not None:
            strip = self._strips.get(key, {}).get((kind, width))
            if strip is not None:
                return strip  # the same row, maybe moved: nothing to render
        self.rows_rendered += 1
        text = self._row_text(index)
        text.no_wrap = True
        text.end = ""
        style = styles[kind]
        segments = [Segment(seg.text, style + seg.style if seg.style else style)
                    for seg in text.render(self.app.console)]
        strip = Strip(segments).crop_extend(0, width, style)
        if key is not None:
            if len(self._strips) > 4096:
                self._strips.clear()
            self._strips.setdefault(key, {})[(kind, width)] = strip
        return strip

    def action_move(self, delta: int) -> None:
        self.set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.set_cursor(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, index: int) -> None:
        self.set_cursor(index if index >= 0 else self._count - 1)

    def action_choose(self) -> None:
        if self._count:
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < self._count:
            self.set_cursor(index, scroll=False)
            self.post_message(self.Chosen(self, index))


def row(*parts: tuple[str, str | Style | None]) -> Text:
    """A row from (plain text, style) parts; the text is never parsed as markup."""
    t = Text(no_wrap=True, overflow="ellipsis")
    for s, style in parts:
        t.append(s, style or "")
    return t
