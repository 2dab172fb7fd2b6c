"""The frame of the article's next page, made before its key: a page key writes it first thing.

A page key went through Textual's dispatch (its bindings, the action, the scroll's reactive
machinery and watchers) and then drew and encoded the article's rows and its scrollbar: ~2.5 ms
in the process on a slow machine before the terminal got a byte, the most of any key, and what
was left of the page down's lag behind SLATE's (issue 15). A reader goes through an article by
pages, and what a page key will show is known before it is pressed: the rows of the page above
and below, with the cursor where the key puts it.

So once a key's frame is out and the screen is idle, :meth:`PageAhead.prepare` draws both pages'
frames, as bytes. A page key writes its frame as it arrives (:meth:`PageAhead.show`), then goes
through Textual as always. Where the screen would paint the key's rows, :meth:`PageAhead.take`
checks the key did what was foreseen: then the rows are not drawn again. If it did not (something
came between), :meth:`PageAhead.settle` has the article and its scrollbar drawn again at once,
whole.

A frame is written only if nothing it was drawn from has changed since: the view's scroll, cursor,
selection and goal column; each cached row it shows (the same strip objects: a span added, a
suggestion, a restyle or a new width drops them); how the rows are framed; the scrollbar's strips;
the view's and the scrollbar's places on screen and what lies in front of them; the terminal
cursor's place. The places and the framing are worked out again only after a new layout (the
compositor's map of visible widgets is a new object) or a restyle of the view; the rest is compared
at every page key (~25 us in all). ``tests/tui/test_page_ahead.py`` checks that the bytes written
are those the key would write without it, over a run of mixed keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from textual.geometry import Offset, Region
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer

from annotator.tui.direct_paint import (
    RowsUpdate,
    frame_text,
    placed_rows,
    row_pieces,
    terminal_cursor,
    write_frame,
    writes_straight,
)
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.direct_lines import RowFrame
from annotator.tui.widgets.fast_scrollbar import FastScrollBar

_ACTIONS = {"cursor_page_down": 1, "cursor_page_up": -1}
QUIET = 0.15  # seconds without a key before the page frames are drawn after a key that did not page


class _Places(NamedTuple):
    """Where the view and its scrollbar are (region, clip), and the pieces of their rows written."""

    view_at: tuple[Region, Region]
    bar_at: tuple[Region, Region]
    view_pieces: tuple[tuple[int, int], ...]
    bar_pieces: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Page:
    """A page key's frame, drawn ahead, and what it was drawn from."""

    before: tuple[int, int, int, int | None]  # the view's top row, cursor, anchor, goal column
    top: int  # what the key leaves: the top row, the cursor, the goal column, the bar's position
    cursor: int
    goal_x: int
    position: float
    witnesses: tuple[tuple[int, Strip], ...]  # (row, its cached strip) for every row of the page
    cursor_rows: tuple[tuple[int, Strip], ...]  # rows drawn with the cursor where the key puts it
    frame: RowFrame  # how the view frames its rows
    bar_strips: list[Strip]
    places: _Places
    visible: object  # the compositor's map of visible widgets then (a new one after any new layout)
    restyles: int  # the view's restyles then
    cursor_at: Offset  # the terminal cursor's place after the frame
    rows: list[tuple[int, int, Strip]]
    text: tuple[str, Offset] | None  # the bytes, where frames are written from here (not headless)


class PageAhead:
    """The page frames of one screen's article view."""

    def __init__(self) -> None:
        self._ready: dict[str, _Page] = {}  # key -> its frame
        self._keys: dict[str, int] = {}  # the page keys found at the last drawing (direction by key)
        self._shown: _Page | None = None  # written for the key being handled, not yet taken
        self._quiet: Timer | None = None  # draws the frames once no key came for QUIET seconds
        self.written = 0  # frames written ahead of their key, and those the key bore out (tests count them)
        self.taken = 0

    def after_key(self, screen: Screen[Any], view: ArticleView, key: str) -> None:
        """A key on the article was handled: draw the page frames from where it left the view once
        the screen is idle, right after a page key (the reader is paging), else once no key came
        for :data:`QUIET` seconds (keys typed in a burst, a cursor held down, draw none)."""
        if key in self._keys:
            screen.call_after_refresh(self.prepare, screen, view)
            return
        if self._quiet is None:
            self._quiet = screen.set_interval(QUIET, partial(self._when_quiet, screen, view), pause=True)
        self._quiet.reset()
        self._quiet.resume()

    def _when_quiet(self, screen: Screen[Any], view: ArticleView) -> None:
        if self._quiet is not None:
            self._quiet.pause()
        self.prepare(screen, view)

    def prepare(self, screen: Screen[Any], view: ArticleView) -> None:
        """Draw the frames of the page keys from here (up and down), if the view can be paged."""
        self._ready.clear()
        app = screen.app
        bar = view.vertical_scrollbar
        if (not screen.is_current or app.focused is not view or screen.maximized is not None
                or app._batch_count or app.is_inline or not isinstance(bar, FastScrollBar)
                or screen._layout_required or view._layout_required or view._scroll_required
                or view.selection is not None):
            return
        if view._restyled:
            view._check_look()  # restyled: the cached rows are dropped now if their look changed
        self._keys = _page_keys(screen, view)
        places = _places(screen, view, bar)
        frame = view._direct_frame()
        if places is None or frame is None:
            return  # something lies over the article, or its rows need Textual's whole pipeline
        for key, direction in self._keys.items():
            page = _draw(screen, view, bar, direction, places, frame)
            if page is not None:
                self._ready[key] = page

    def show(self, screen: Screen[Any], view: ArticleView, key: str) -> bool:
        """Write ``key``'s frame now, if one was drawn and still holds (the key goes on as usual)."""
        page = self._ready.get(key)
        self._ready.clear()  # shown or not, none holds after this key
        self._shown = None
        bar = view.vertical_scrollbar
        if page is None or not isinstance(bar, FastScrollBar) or not _holds(screen, view, bar, page):
            return False
        if page.text is not None:
            write_frame(screen, page.text)
        else:
            screen.app._display(screen, RowsUpdate(page.rows))
        self._shown = page
        self.written += 1
        return True

    @property
    def shown(self) -> bool:
        """Whether a frame was written for the key being handled (:meth:`take` or :meth:`settle` next)."""
        return self._shown is not None

    def take(self, view: ArticleView) -> bool:
        """Whether the key left the view as the frame shown for it has it (then the frame's rows
        need no drawing: the view's and the bar's repaint is taken as done)."""
        page, self._shown = self._shown, None
        if page is None:
            return False
        bar = view.vertical_scrollbar
        cache = view._row_cache
        redrawn = {row for row, _ in page.cursor_rows}
        if (int(view.scroll_offset.y) != page.top or view._cursor != page.cursor or view._anchor != page.cursor
                or view._goal_x != page.goal_x or bar.position != page.position or view._restyled
                or any(cache.get(row) is not strip for row, strip in page.witnesses if row not in redrawn)):
            self._shown = page  # not as foreseen: settle() draws the view again
            return False
        for row, strip in page.cursor_rows:  # the rows the key dropped, as the frame drew them
            cache[row] = strip
        for widget in (view, bar):  # painted: what EditingScreen.paint_now clears when it paints them
            widget._repaint_required = False
            widget._exchange_repaint_regions()
        self.taken += 1
        return True

    def settle(self, view: ArticleView) -> None:
        """After the key: a frame shown for it that the key did not bear out is drawn over."""
        page, self._shown = self._shown, None
        if page is not None:
            view.refresh()
            view.vertical_scrollbar.refresh()


def _page_keys(screen: Screen[Any], view: ArticleView) -> dict[str, int]:
    """The keys that page the view (direction by key), as Textual's bindings resolve them: the
    view's first binding of the key, no priority binding of it anywhere."""
    keys: dict[str, int] = {}
    chain = screen._binding_chain
    for key, bindings in view._bindings.key_to_bindings.items():
        if not bindings or bindings[0].priority or bindings[0].action not in _ACTIONS:
            continue
        if any(b.priority for _, m in chain for b in m.key_to_bindings.get(key, ())):
            continue
        if view.check_action(bindings[0].action, ()):
            keys[key] = _ACTIONS[bindings[0].action]
    return keys


def _places(screen: Screen[Any], view: ArticleView, bar: FastScrollBar) -> _Places | None:
    visible = screen._compositor.visible_widgets
    view_at, bar_at = visible.get(view), visible.get(bar)
    if view_at is None or bar_at is None:
        return None
    region = view_at[0]
    view_pieces = row_pieces(screen, view, region.y, region.bottom)
    bar_pieces = row_pieces(screen, bar, bar_at[0].y, bar_at[0].bottom)
    if view_pieces is None or bar_pieces is None:
        return None
    return _Places(view_at, bar_at, tuple(view_pieces), tuple(bar_pieces))


def _draw(screen: Screen[Any], view: ArticleView, bar: FastScrollBar, direction: int, places: _Places,
          frame: RowFrame) -> _Page | None:
    lay = view._layout
    went = view.page_target(direction)
    if lay is None or went is None:
        return None
    top, cursor, goal_x = went
    now = int(view.scroll_offset.y)
    h = view._viewport_height
    if top == now or top + h > lay.row_count or not top <= lay.row_of(cursor) < top + h:
        return None  # no scroll (a cursor move: cheap anyway), or not as foreseen here
    redrawn = {lay.row_of(view._cursor), lay.row_of(cursor)}  # the rows the key drops from the cache
    lines: list[Strip] = []
    witnesses: list[tuple[int, Strip]] = []
    cursor_rows: list[tuple[int, Strip]] = []
    for row in range(top, top + h):
        cached = view.cached_row(row)
        witnesses.append((row, cached))  # what the row shows but for the cursor
        if row in redrawn:
            cached = view.row_with_cursor(row, cursor)
            cursor_rows.append((row, cached))
        lines.append(cached)
    position = float(top)
    bar_strips = bar.strips_at(position)
    region, bar_region = places.view_at[0], places.bar_at[0]
    rows = placed_rows(region, list(places.view_pieces), zip(region.line_range, view.framed(lines, frame)))
    rows += placed_rows(bar_region, list(places.bar_pieces), zip(bar_region.line_range, bar_strips))
    text = frame_text(screen, RowsUpdate(rows)) if writes_straight(screen) else None
    cursor_at = text[1] if text is not None else terminal_cursor(screen)
    return _Page((now, view._cursor, view._anchor, view._goal_x), top, cursor, goal_x, position,
                 tuple(witnesses), tuple(cursor_rows), frame, bar_strips, places, screen._compositor.visible_widgets,
                 view.restyles, cursor_at, rows, text)


def _holds(screen: Screen[Any], view: ArticleView, bar: FastScrollBar, page: _Page) -> bool:
    """Whether nothing ``page`` was drawn from has changed."""
    app = screen.app
    if (not screen.is_current or app.focused is not view or app._batch_count or view._restyled
            or (int(view.scroll_offset.y), view._cursor, view._anchor, view._goal_x) != page.before):
        return False
    cache = view._row_cache
    if any(cache.get(row) is not strip for row, strip in page.witnesses):
        return False
    if (page.text is not None) != writes_straight(screen):
        return False
    if bar.strips_at(page.position) is not page.bar_strips:
        return False  # the bar's look, its window or its thumb's place changed
    if terminal_cursor(screen) != page.cursor_at:
        return False
    if screen._compositor.visible_widgets is page.visible and view.restyles == page.restyles:
        return True  # no new layout (places, sizes, what lies in front) and no new styles since
    return _places(screen, view, bar) == page.places and view._direct_frame() == page.frame
