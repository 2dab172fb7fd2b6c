"""Line-API widgets whose rows reach the compositor as the same objects while they are unchanged.

Textual's styles cache pads every repainted line, builds a new ``Strip`` for it and passes that
through the app's line filters; the compositor then divides the new strip at the screen's cuts.
So a row that did not change but is repainted (every row of the article when it scrolls by one
line, every row of the span list when a span is added above them) costs the whole pipeline again.
A widget with this mixin frames each of its rows (padding, filters) once and hands the compositor
that framed strip for as long as its ``render_line`` returns the same strip object; the strips'
own caches (``Strip.divide``, ``Strip.crop``) then hit as well.

Only for plain boxes: a widget with a border, an outline, a tint, opacity, text opacity, a hatch
or vertical padding goes through Textual's pipeline as before (``super().render_lines``).
"""

from __future__ import annotations

from typing import NamedTuple, cast

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

_CACHE_LIMIT = 2048  # framed rows kept (a few screens of a long article)


class RowFrame(NamedTuple):
    """How a plain box frames the lines its render_line gives: its padding, then its line filters."""

    width: int  # the widget's whole width (padding included)
    content_width: int  # what render_line's strips are extended to
    pad_left: int
    pad_right: int
    inner: Style  # the padding's style: the widget's background over its parent's
    filters: tuple[LineFilter, ...]
    background: Color


class DirectLines:
    """Mixin, before the Textual base: ``class V(DirectLines, ScrollView)``. The widget's
    ``render_line(y)`` must return the same ``Strip`` object for as long as line ``y`` shows the
    same thing (a row cache), and draw no links."""

    _framed: dict[int, tuple[Strip, RowFrame, Strip]]  # id(row) -> (row, its frame, the framed strip)

    def _direct_frame(self) -> RowFrame | None:
        """How rows are framed, or None when the styles need Textual's full pipeline."""
        widget = cast(Widget, self)
        styles = widget.styles
        padding = styles.padding
        if (
            padding.top
            or padding.bottom
            or any(edge for edge, _ in styles.border)
            or any(edge for edge, _ in styles.outline)
            or styles.tint.a
            or styles.opacity != 1.0
            or styles.text_opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
        ):
            return None
        base_background, background = widget.background_colors
        inner = Style.from_color(bgcolor=(base_background + background).rich_color)
        return RowFrame(widget.region.width, widget.content_region.width, padding.left, padding.right, inner,
                      tuple(widget.get_line_filters()), background)

    def render_lines(self, crop: Region) -> list[Strip]:
        widget = cast(Widget, self)
        frame = self._direct_frame()
        if frame is None:
            return Widget.render_lines(widget, crop)
        strips = self.framed([widget.render_line(y) for y in crop.line_range], frame)
        if crop.x or crop.width != frame.width:
            strips = [strip.crop(crop.x, crop.right) for strip in strips]
        return strips

    def framed(self, rows: list[Strip], frame: RowFrame) -> list[Strip]:
        """``rows`` (what ``render_line`` gives) as ``render_lines`` hands them on, whole width."""
        try:
            framed = self._framed
        except AttributeError:
            framed = self._framed = {}
        if len(framed) > _CACHE_LIMIT:
            framed.clear()
        strips: list[Strip] = []
        for row in rows:
            hit = framed.get(id(row))
            if hit is not None and hit[0] is row and hit[1] == frame:
                strips.append(hit[2])
                continue
            strip = self._framed_row(row, frame)
            framed[id(row)] = (row, frame, strip)
            strips.append(strip)
        return strips

    def frame_ahead(self, rows: list[Strip]) -> None:
        """Frame ``rows`` now (rows about to be shown, e.g. the next page), so that showing them
        costs no framing."""
        frame = self._direct_frame()
        if frame is None:
            return
        try:
            framed = self._framed
        except AttributeError:
            framed = self._framed = {}
        for row in rows:
            hit = framed.get(id(row))
            if hit is None or hit[0] is not row or hit[1] != frame:
                framed[id(row)] = (row, frame, self._framed_row(row, frame))

    @staticmethod
    def _framed_row(row: Strip, frame: RowFrame) -> Strip:
        """What Textual's styles cache makes of a content line of a plain box, then the filters."""
        line = row.adjust_cell_length(frame.content_width, frame.inner)
        if frame.pad_left or frame.pad_right:
            segments = list(line)
            if frame.pad_left:
                segments.insert(0, Segment(" " * frame.pad_left, frame.inner))
            if frame.pad_right:
                segments.append(Segment(" " * frame.pad_right, frame.inner))
            line = Strip(segments, frame.width)
        for line_filter in frame.filters:
            line = line.apply_filter(line_filter, frame.background)
        return line
