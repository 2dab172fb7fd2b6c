"""A widget whose drawing cannot take the app down: an exception while it renders is drawn in its
place as a one-line notice (and logged), the rest of the screen and every key keep working, and
ctrl+q still quits. Mixed into the annotator's own widgets (article, lists, header, panels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from annotator.text.sanitize import display_line

NOTICE_STYLE = Style(color="white", bgcolor="red", bold=True)


if TYPE_CHECKING:
    from textual.widget import Widget as _Host
else:
    _Host = object  # a plain mixin at run time: a Widget base here would change the host's CSS and layout


class RenderGuard(_Host):
    """Mixin: put it before the widget's Textual base (``class View(RenderGuard, ScrollView)``)."""

    render_failures = 0  # how many times drawing failed (tests count it)

    def render_lines(self, crop: Region) -> list[Strip]:
        try:
            return super().render_lines(crop)
        except Exception as exc:  # noqa: BLE001 - whatever broke, the app must go on and quit on ctrl+q
            self.render_failures += 1
            self.log.error(f"{type(self).__name__} could not be drawn", exc)
            return failure_strips(exc, crop.width, crop.height)


def failure_strips(exc: BaseException, width: int, height: int) -> list[Strip]:
    """``height`` rows: the notice on the first, blank rows below."""
    notice = display_line(f"⚠ cannot draw this: {type(exc).__name__}: {exc}")
    first = Strip([Segment(notice, NOTICE_STYLE)]).crop_extend(0, width, NOTICE_STYLE)
    return [first, *(Strip.blank(width) for _ in range(max(0, height - 1)))]
