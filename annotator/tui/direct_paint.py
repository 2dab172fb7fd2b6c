"""A widget's changed rows written to the terminal straight, when nothing lies over them.

Textual's compositor paints an update by rendering every widget under the box around its dirty
regions, back to front (for the article: the screen's and its container's backgrounds too, all
their rows), cutting each row at every widget's edge and keeping the front-most piece of each.
For a widget that nothing covers but its own scrollbars, the front-most piece of its rows is the
widget's own line: those lines are written as they are, and the compositor is not asked. Where
anything else lies over the widget (a toast, the attribute form, a tooltip) or the widget is not
wholly on screen, nothing is done and the caller leaves the update to Textual.

Written against Textual 8.2 (pinned in pyproject.toml): the compositor's ``visible_widgets`` (front
first, a widget's scrollbars just before it) and a widget's repaint regions.
``tests/tui/test_direct_paint.py`` checks the rows written against the compositor's own render.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.control import Control
from textual._compositor import CompositorUpdate
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class RowsUpdate(CompositorUpdate):
    """Whole rows of widgets at their places: (x, y, strip), each written from its first cell."""

    def __init__(self, rows: list[tuple[int, int, Strip]]) -> None:
        self.rows = rows

    def render_segments(self, console: Console) -> str:
        return "".join(Control.move_to(x, y).segment.text + strip.render(console) for x, y, strip in self.rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for x, y, strip in self.rows:  # as a Rich renderable too, as Textual's updates are
            yield Control.move_to(x, y).segment
            yield from strip


def paint_rows(screen: Screen[Any], widgets: tuple[Widget, ...]) -> list[tuple[int, int, Strip]] | None:
    """Write the rows of ``widgets`` that asked for a repaint, if nothing but their own scrollbars
    lies over them (the columns under a scrollbar are left to it): the pieces of rows written
    (none: nothing had changed). None when that cannot be done (the caller lets the compositor
    paint them); their repaint regions are then left as they were."""
    if screen.app.is_inline:
        return None  # rows are placed by absolute moves
    visible = screen._compositor.visible_widgets
    plan: list[tuple[Widget, Region, Region, list[tuple[int, int]]]] = []
    for widget in widgets:
        geometry = visible.get(widget)
        if geometry is None:
            continue  # not on screen: nothing of it to paint
        region, clip = geometry
        if not clip.contains_region(region):
            return None
        covered: list[tuple[int, int]] = []  # columns (from, to) of its own vertical scrollbars
        for front, (front_region, front_clip) in visible.items():
            if front is widget:
                break
            if not front_region.intersection(front_clip).overlaps(region):
                continue
            if front.parent is widget and front_region.y <= region.y and front_region.bottom >= region.bottom:
                covered.append((front_region.x, front_region.right))
                continue
            return None  # something else lies over it
        pieces, x = [], region.x
        for start, end in sorted(covered):
            if start > x:
                pieces.append((x, start))
            x = max(x, end)
        if x < region.right:
            pieces.append((x, region.right))
        plan.append((widget, region, clip, pieces))
    rows: list[tuple[int, int, Strip]] = []
    for widget, region, clip, pieces in plan:
        lines: set[int] = set()
        for dirty in widget._exchange_repaint_regions():
            part = clip.intersection(dirty.translate(region.offset))
            if part:
                lines.update(part.line_range)
        if not lines:
            continue
        # one render of the rows from the first to the last changed (a page: all of them at once)
        top, bottom = min(lines), max(lines) + 1
        strips = widget.render_lines(Region(0, top - region.y, region.width, bottom - top))
        whole = pieces == [(region.x, region.right)]
        for y, strip in zip(range(top, bottom), strips):
            if y not in lines:
                continue
            if whole:
                rows.append((region.x, y, strip))
            else:
                rows.extend((start, y, strip.crop(start - region.x, end - region.x)) for start, end in pieces)
    if rows:
        screen.app._display(screen, RowsUpdate(rows))
    return rows
