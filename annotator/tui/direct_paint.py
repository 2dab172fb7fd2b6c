"""A widget's changed rows written to the terminal straight, when nothing lies over them.

Textual's compositor paints an update by rendering every widget under the box around its dirty
regions, back to front (for the article: the screen's and its container's backgrounds too, all
their rows), cutting each row at every widget's edge and keeping the front-most piece of each.
For rows of a widget that nothing covers but its own scrollbars, the front-most piece is the
widget's own line: those lines are written as they are, and the compositor is not asked. Where
anything else lies over the rows to paint (a toast, the attribute form, a tooltip) or the widget is
not wholly on screen, nothing is done and the caller leaves the update to Textual.

Written against Textual 8.2 (pinned in pyproject.toml): the compositor's ``visible_widgets`` (front
first, a widget's scrollbars just before it) and a widget's repaint regions.
``tests/tui/test_direct_paint.py`` checks the rows written against the compositor's own render.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from rich.color import ColorSystem
from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from rich.style import Style
from textual._ansi_sequences import SYNC_END, SYNC_START
from textual._compositor import CompositorUpdate
from textual.geometry import Offset, Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

# rich's attribute bits, each with the code that turns it on and the one that turns it off (as
# rich's Style._make_ansi_codes writes them); some share their off code (22: bold and dim)
_ATTRIBUTE_CODES = ((1, "1", "22"), (2, "2", "22"), (4, "3", "23"), (8, "4", "24"), (16, "5", "25"),
                    (32, "6", "25"), (64, "7", "27"), (128, "8", "28"), (256, "9", "29"), (512, "21", "24"),
                    (1024, "51", "54"), (2048, "52", "54"), (4096, "53", "55"))


def _codes(style: Style, color_system: ColorSystem) -> str:
    """A style's codes for ``color_system``, made here: rich and Textual keep a style's codes on the
    style (``Style._ansi``), whatever console they were made for, and styles are shared (rich's
    style caches), so after a screenshot (a truecolor console) theirs may be another terminal's."""
    on = style._attributes & style._set_attributes
    out = [code for bit, code, _ in _ATTRIBUTE_CODES if on & bit]
    if style._color is not None:
        out.extend(style._color.downgrade(color_system).get_ansi_codes())
    if style._bgcolor is not None:
        out.extend(style._bgcolor.downgrade(color_system).get_ansi_codes(foreground=False))
    return ";".join(out)


def _change(old: Style, new: Style, color_system: ColorSystem) -> str:
    """The codes that turn ``old`` into ``new``: the attributes turned off and on (an underlined
    name inside a quote: ``4`` then ``24``, not a reset and the whole style again each time), then
    the colours that differ; or a reset and ``new`` whole where that is shorter."""
    out: list[str] = []
    was, now = old._attributes & old._set_attributes, new._attributes & new._set_attributes
    if was != now:
        gone = was & ~now
        off = [code for bit, _, code in _ATTRIBUTE_CODES if gone & bit]
        # an off code shared by two attributes turns both off: the one kept is turned on again
        again = sum(bit for bit, _, code in _ATTRIBUTE_CODES if now & bit and code in off)
        came = (now & ~was) | again
        out.extend(dict.fromkeys(off))
        out.extend(code for bit, code, _ in _ATTRIBUTE_CODES if came & bit)
    if new._color != old._color:
        out.extend(new._color.downgrade(color_system).get_ansi_codes() if new._color is not None else ("39",))
    if new._bgcolor != old._bgcolor:
        out.extend(new._bgcolor.downgrade(color_system).get_ansi_codes(foreground=False)
                   if new._bgcolor is not None else ("49",))
    if not out:
        return ""
    diff = f"\x1b[{';'.join(out)}m"
    whole = _codes(new, color_system)
    anew = f"\x1b[0;{whole}m" if whole else "\x1b[0m"  # a reset and the style whole, if shorter
    return anew if len(anew) < len(diff) else diff


_ENCODED: dict[int, tuple[Strip, ColorSystem, str]] = {}  # id(strip) -> (strip, colours, codes)
_ENCODED_ROWS = 4096  # at most: the article keeps its rows' strips in a cache of its own


def row_codes(strip: Strip, console: Console) -> str:
    """:func:`encode_row`, kept for the strip: the article's rows are the same strips from one
    frame to the next (its row cache), as Textual's own render keeps its string."""
    color_system = console._color_system
    kept = _ENCODED.get(id(strip))
    if kept is not None and kept[0] is strip and kept[1] == color_system:
        return kept[2]
    codes = encode_row(strip, console)
    if color_system is not None:
        if len(_ENCODED) >= _ENCODED_ROWS:
            _ENCODED.clear()
        _ENCODED[id(strip)] = (strip, color_system, codes)
    return codes


def encode_row(strip: Strip, console: Console) -> str:
    """A strip as the terminal is sent it, each style's codes written only where it changes.

    Textual's ``Strip.render`` writes each segment as ``ESC[codes m text ESC[0m``, every colour
    whole: an article row of a few spans, cut at the cursor and the padding, came to ~300 bytes,
    two thirds of them codes. Here a change of style is only what changed: the attributes turned
    off and on, the colour that differs (a span's background); the row's first style needs no
    reset, as Textual's output and these rows all end with one. The same cells in fewer bytes,
    for the pty to carry and the terminal to read."""
    color_system = console._color_system
    if color_system is None:
        return strip.render(console)  # no colours at all (NO_COLOR): as Textual writes it
    out: list[str] = []
    last: Style | None = None  # the style in force (None: reset)
    for text, style, _ in strip._segments:
        if style is not None and style._link:  # a link opens and closes itself, from a reset
            out.append("\x1b[0m" if last is not None else "")
            out.append(style.render(text, color_system=color_system))
            last = None
            continue
        if style is None or not (codes := _codes(style, color_system)):
            if last is not None:
                out.append("\x1b[0m")
            last = None
        elif last is None:
            out.append(f"\x1b[{codes}m")
            last = style
        elif style is not last and style != last:
            out.append(_change(last, style, color_system))
            last = style
        out.append(text)
    if last is not None:
        out.append("\x1b[0m")
    return "".join(out)


class RowsUpdate(CompositorUpdate):
    """Whole rows of widgets at their places: (x, y, strip), each written from its first cell."""

    def __init__(self, rows: list[tuple[int, int, Strip]]) -> None:
        self.rows = rows

    def render_segments(self, console: Console) -> str:
        """The rows, top to bottom, each piece after a cursor move unless it goes on where the last
        ended (an article row and the scrollbar cell and padding cut out of it: one move, not three)."""
        out: list[str] = []
        at = (-1, -1)  # where the terminal's cursor is after the last piece
        for x, y, strip in sorted(self.rows, key=lambda row: (row[1], row[0])):
            if (x, y) != at:
                out.append(f"\x1b[{y + 1};{x + 1}H")  # rich's Control.move_to, without its objects
            out.append(row_codes(strip, console))
            at = (x + strip.cell_length, y)
        return "".join(out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for x, y, strip in self.rows:  # as a Rich renderable too, as Textual's updates are
            yield Control.move_to(x, y).segment
            yield from strip


def display(screen: Screen[Any], update: RowsUpdate) -> None:
    """Write ``update`` as ``App._display`` does, in one write: that writes the synchronised
    update's start, the frame and its end apart, and each write wakes the output thread (a queue
    put, a futex, a context switch: ~0.4 ms each on a slow machine, spent before the next frame of
    the same key could start). With the app's own driver the write is made at once by this thread
    when nothing is queued before it (key_driver.PromptWriter). Anything out of the ordinary is
    left to ``App._display``."""
    if not writes_straight(screen):
        screen.app._display(screen, update)
        return
    try:
        frame = frame_text(screen, update)
    except Exception as error:  # noqa: BLE001 - as App._display: the app reports it
        screen.app._handle_exception(error)
        return
    write_frame(screen, frame)


def writes_straight(screen: Screen[Any]) -> bool:
    """Whether a frame goes to the terminal from here (else ``App._display`` writes it)."""
    app = screen.app
    driver = app._driver
    return not (sys.platform == "win32" or driver is None or driver.is_inline or app.is_headless
                or app._batch_count or not app._running or app._closed)


def terminal_cursor(screen: Screen[Any]) -> Offset:
    """Where a frame leaves the terminal's cursor (the app's cursor position, on screen)."""
    app = screen.app
    return app.screen.outer_size.clamp_offset(app.cursor_position)


def frame_text(screen: Screen[Any], update: RowsUpdate) -> tuple[str, Offset]:
    """What :func:`display` writes for ``update``, and where it leaves the terminal's cursor."""
    app = screen.app
    cursor = terminal_cursor(screen)
    sequence = update.render_segments(app.console) + Control.move_to(*cursor).segment.text
    if app._sync_available:
        sequence = SYNC_START + sequence + SYNC_END
    return sequence, cursor


def write_frame(screen: Screen[Any], frame: tuple[str, Offset]) -> None:
    """Write a frame made by :func:`frame_text` (where :func:`writes_straight`)."""
    app = screen.app
    sequence, cursor = frame
    app._previous_cursor_position = cursor
    driver = app._driver
    assert driver is not None
    write_now = getattr(driver, "write_now", None)  # tui/key_driver.py: no wait for the output thread
    if write_now is not None:
        write_now(sequence)
    else:
        driver.write(sequence)
        driver.flush()
    app.post_display_hook()


def paint_rows(screen: Screen[Any], widgets: tuple[Widget, ...], *,
               write: bool = True) -> list[tuple[int, int, Strip]] | None:
    """Write the rows of ``widgets`` that asked for a repaint, if nothing but their own scrollbars
    lies over those rows (the columns under a scrollbar are left to it, those of padding alone
    beside it are not written again; a toast at the bottom of
    the article leaves a row at its top to be written): the pieces of rows written (none: nothing
    had changed). None when that cannot be done (the caller lets the compositor paint them);
    their repaint regions are then left as they were. With ``write`` False the caller writes
    the rows (with others: :func:`display`, one write for a key's frames)."""
    if screen.app.is_inline:
        return None  # rows are placed by absolute moves
    visible = screen._compositor.visible_widgets
    plan: list[tuple[Widget, Region, list[int], list[tuple[int, int]]]] = []
    for widget in widgets:
        geometry = visible.get(widget)
        if geometry is None:
            continue  # not on screen: nothing of it to paint
        region, clip = geometry
        if not clip.contains_region(region):
            return None
        lines = sorted({y for dirty in widget._repaint_regions
                        for y in clip.intersection(dirty.translate(region.offset)).line_range})
        if not lines:
            continue
        pieces = row_pieces(screen, widget, lines[0], lines[-1] + 1)
        if pieces is None:
            return None
        plan.append((widget, region, lines, pieces))
    rows: list[tuple[int, int, Strip]] = []
    for widget, region, lines, pieces in plan:
        widget._exchange_repaint_regions()  # painted here: Textual's update has nothing left of it
        # one render of the rows from the first to the last changed (a page: all of them at once)
        top, bottom = lines[0], lines[-1] + 1
        strips = widget.render_lines(Region(0, top - region.y, region.width, bottom - top))
        rows += placed_rows(region, pieces, zip(range(top, bottom), strips), set(lines))
    if rows and write:
        display(screen, RowsUpdate(rows))
    return rows


def row_pieces(screen: Screen[Any], widget: Widget, top: int, bottom: int) -> list[tuple[int, int]] | None:
    """The pieces (from, to columns) of the screen rows ``top..bottom`` of ``widget`` (on screen)
    to write: its whole width but the columns under its own vertical scrollbars, and those of
    padding alone beside them (a repaint changes content; a restyle is Textual's to paint). None
    if the widget is not wholly on screen, or anything else lies over those rows (a toast, the
    form, a tooltip)."""
    visible = screen._compositor.visible_widgets
    region, clip = visible[widget]
    if not clip.contains_region(region):
        return None
    painted = Region(region.x, top, region.width, bottom - top)
    covered: list[tuple[int, int]] = []  # columns (from, to) of its own vertical scrollbars
    for front, (front_region, front_clip) in visible.items():
        if front is widget:
            break
        shown = front_region.intersection(front_clip)
        if front.parent is widget and shown.overlaps(region):
            if front_region.y <= region.y and front_region.bottom >= region.bottom:
                covered.append((front_region.x, front_region.right))
                continue
            return None
        if shown.overlaps(painted):
            return None  # something else lies over the rows to paint
    pieces, x = [], region.x
    for start, end in sorted(covered):
        if start > x:
            pieces.append((x, start))
        x = max(x, end)
    if x < region.right:
        pieces.append((x, region.right))
    content = widget.content_region
    return [(start, end) for start, end in pieces if start < content.right and end > content.x]


def placed_rows(region: Region, pieces: list[tuple[int, int]], strips: Iterable[tuple[int, Strip]],
                wanted: set[int] | None = None) -> list[tuple[int, int, Strip]]:
    """The rows (x, y, strip) to write of a widget at ``region``: each of its lines ``(y, strip)``
    (screen rows; those of ``wanted`` only, if given) cut to ``pieces``."""
    rows: list[tuple[int, int, Strip]] = []
    whole = pieces == [(region.x, region.right)]
    for y, strip in strips:
        if wanted is not None and y not in wanted:
            continue
        if whole:
            rows.append((region.x, y, strip))
        else:
            rows.extend((start, y, strip.crop(start - region.x, end - region.x)) for start, end in pieces)
    return rows


def paint_overlay(screen: Screen[Any], root: Widget) -> list[tuple[int, int, Strip]] | None:
    """Write the box of ``root``, an opaque widget drawn over others (the attribute form), from its
    own widgets alone: the rows written (x, y, strip), or None where that cannot be done (the
    caller lets the compositor paint it). Its box is then taken off the compositor's dirty regions.

    The compositor renders every widget under an update's box, whole (the article's 38 rows
    under a form 14 rows high, the side panel, the containers, the screen), and keeps the
    front-most piece of each cell. Nothing behind ``root`` can show through it (it fills its
    box), so its own widgets give the same cells: nothing is done if ``root`` leaves a cell
    unfilled, is not wholly on screen, or anything but its own widgets lies in front of it."""
    if screen.app.is_inline:
        return None
    compositor = screen._compositor
    geometry = compositor.visible_widgets.get(root)
    if geometry is None or not geometry[1].contains_region(geometry[0]):
        return None
    box = geometry[0]
    members: list[tuple[Widget, Region]] = []  # front first, as the compositor draws them
    for widget, (region, clip) in compositor.visible_widgets.items():
        shown = region.intersection(clip)
        if widget is root:
            members.append((widget, shown))
            break
        if root in widget.ancestors:
            if not box.contains_region(shown):
                return None
            members.append((widget, shown))
        elif shown.overlaps(box):
            return None  # a toast, a tooltip over the form
    cuts: dict[int, set[int]] = {y: {box.x, box.right} for y in box.line_range}
    for _, shown in members:
        for y in shown.line_range:
            cuts[y].update(shown.column_span)
    ordered = {y: sorted(line) for y, line in cuts.items()}
    chops: dict[int, dict[int, Strip | None]] = {y: dict.fromkeys(line[:-1]) for y, line in ordered.items()}
    for widget, shown in members:
        if not shown:
            continue
        region = compositor.visible_widgets[widget][0]
        strips = widget.render_lines(Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height))
        first, last = shown.column_span
        for y, strip in zip(shown.line_range, strips):
            line_cuts = [cut for cut in ordered[y] if first <= cut <= last]
            chop = chops[y]
            for cut, piece in zip(line_cuts, strip.divide([cut - first for cut in line_cuts[1:]])):
                if chop.get(cut) is None:
                    chop[cut] = piece
    rows: list[tuple[int, int, Strip]] = []
    for y in box.line_range:
        pieces = list(chops[y].values())
        if any(piece is None for piece in pieces):
            return None  # a cell it leaves unfilled would show what lies behind
        rows.append((box.x, y, Strip.join(pieces)))
    display(screen, RowsUpdate(rows))
    compositor._dirty_regions.difference_update([r for r in compositor._dirty_regions if box.contains_region(r)])
    return rows
