"""Label colours as the screens draw them, read once when a screen is built: the scheme's colour
as ``#rrggbb`` when Textual or Rich can read it (``#16a34a``, ``red``, ``bright_red``), else a
colour of the palette chosen by the label's name. A colour that is not one then never reaches a
style while drawing (where it raised and took the app down, issue 11 item 4)."""

from __future__ import annotations

from rich.color import Color as RichColor
from textual.color import Color

from annotator.schema import Scheme
from annotator.tui.widgets.article_style import label_color


def readable_color(label: str, spec: str | None) -> str:
    """``#RRGGBB`` of ``spec``, or the palette's colour for ``label`` when ``spec`` is no colour."""
    if spec:
        try:
            return Color.parse(spec).hex6
        except Exception:  # noqa: BLE001 - Textual's parser refuses; Rich may know the name
            pass
        try:
            r, g, b = RichColor.parse(spec).get_truecolor()
            return f"#{r:02X}{g:02X}{b:02X}"
        except Exception:  # noqa: BLE001 - no one can read it: the palette's
            pass
    return label_color(label, None).hex6


def label_colors(scheme: Scheme) -> dict[str, str]:
    """label name -> ``#RRGGBB``, for every label of the scheme."""
    return {lab.name: readable_color(lab.name, lab.color) for lab in scheme.labels}
