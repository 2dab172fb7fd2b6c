"""A vertical scrollbar that draws its rows directly, and the mixin that gives a widget one.

Textual's ``ScrollBar`` renders through a Rich renderable (``ScrollBarRender``), the Visual
pipeline and the styles cache: about 1.4 ms for 38 rows here, paid on every page of the article
and on every span added to the side list (the thumb moves). This one asks the same renderer for
the same segments (``ScrollBarRender.render_bar``: same glyphs, colours and mouse actions) and
makes one strip per row, about 0.1 ms. Dragging, clicking and hovering are Textual's, unchanged.
"""

from __future__ import annotations

from math import ceil
from typing import cast

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

_BACK, _BAR = Color.parse("#555555"), Color.parse("bright_magenta")  # ScrollBarRender's defaults
_KEPT_BARS = 4


class FastScrollBar(ScrollBar):
    """A ``ScrollBar`` whose ``render_lines`` builds its strips from ``render_bar`` directly."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        # the strips of the last few bars drawn, by what they depend on: a page down and back up
        # draws the same two bars again (and their rows, the same strips, are encoded once); the
        # bars of the page frames drawn ahead (tui/page_ahead.py) are among them
        self._kept: dict[tuple[object, ...], list[Strip]] = {}

    def _bar_style(self) -> Style:
        """The bar's style, as ``ScrollBar.render`` computes it."""
        parent = self.parent
        assert isinstance(parent, Widget)
        styles = parent.styles
        if self.grabbed:
            background, color = styles.scrollbar_background_active, styles.scrollbar_color_active
        elif self.mouse_over:
            background, color = styles.scrollbar_background_hover, styles.scrollbar_color_hover
        else:
            background, color = styles.scrollbar_background, styles.scrollbar_color
        if background.a < 1:
            background = parent.background_colors[0] + background
        color = background + color
        return Style.from_color(color.rich_color, background.rich_color)

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.vertical:
            return super().render_lines(crop)
        strips = self.strips_at(self.position)[crop.y : crop.bottom]
        if crop.x or crop.width != self.size.width:
            strips = [strip.crop(crop.x, crop.right) for strip in strips]
        return strips

    def strips_at(self, position: float) -> list[Strip]:
        """The bar's rows with its thumb at ``position`` (the same list while nothing else changed:
        the last few bars are kept)."""
        width, height = self.size
        style = self._bar_style()
        hidden = self.screen.styles.scrollbar_color.a == 0  # ScrollBar.render then draws no thumb
        window_size = self.window_size if self.window_size < self.window_virtual_size else 0
        filters = tuple(self.get_line_filters())
        key = (width, height, style, hidden, self.window_virtual_size, window_size, position, filters)
        kept = self._kept.pop(key, None)
        if kept is None:
            kept = self._render_strips(width, height, style, hidden, window_size, position, filters)
            if len(self._kept) >= _KEPT_BARS:
                del self._kept[next(iter(self._kept))]  # the one used least lately
        self._kept[key] = kept  # last: used now
        return kept

    def _render_strips(self, width: int, height: int, style: Style, hidden: bool, window_size: int,
                       position: float, filters: tuple[object, ...]) -> list[Strip]:
        if hidden:
            cells = [Segment(" " * width, style)] * height
        else:
            bar = self.renderer.render_bar(
                size=height,
                virtual_size=ceil(self.window_virtual_size),
                window_size=ceil(window_size),
                position=position,
                thickness=width,
                vertical=True,
                back_color=style.bgcolor or _BACK,
                bar_color=style.color or _BAR,
            )
            cells = list(bar.segments)[:height]
        background = self.parent.background_colors[1] if isinstance(self.parent, Widget) else None
        by_cell: dict[Segment, Strip] = {}  # a bar has at most five different cells
        strips = []
        for cell in cells:
            strip = by_cell.get(cell)
            if strip is None:
                strip = Strip([cell], width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)  # type: ignore[arg-type]
                by_cell[cell] = strip
            strips.append(strip)
        return strips


class FastScrollBars:
    """Mixin (put it before the scrolling Textual base, e.g. ``class L(FastScrollBars, ScrollView)``):
    the widget's vertical scrollbar is a :class:`FastScrollBar`. Not a DOM node itself, so the
    widget's CSS and type names are its Textual base's."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # Textual's Widget.vertical_scrollbar (textual 8.2.8), with the class swapped
        widget = cast(Widget, self)
        if widget._vertical_scrollbar is not None:
            return widget._vertical_scrollbar
        widget._vertical_scrollbar = scroll_bar = FastScrollBar(
            vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
        )
        scroll_bar.display = False
        widget.app._start_widget(widget, scroll_bar)
        return scroll_bar
