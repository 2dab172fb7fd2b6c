"""How the article view looks: safe display text, label colours, contrast, the style of a run
of cells and the strip drawing one wrapped row.

Pure helpers of :mod:`annotator.tui.widgets.article_view` (no widget state here): the view
caches what they return and feeds them its state and theme (base colours, component styles).

Look: each span has its label's colour blended into the background (stronger the deeper it is
nested); a span inside another is also underlined (and italic from the third level), so
``75 membres`` inside a quote reads as "inner span of an outer span".  The focused span is
drawn bold on its full label colour; the selection uses the theme's selection colour; the
cursor is a reverse cell; highlights (find matches) use the theme's warning colour.

A suggestion (a proposed span, not an annotation until accepted) is drawn apart: its text in its
label's colour, underlined, on whatever background is there (no tint of its own); the focused
suggestion gets a half tint of its label's colour, bold and underlined -- never the full colour
of a focused span.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from annotator.text.sanitize import safe_display
from annotator.tui.widgets.article_layout import grapheme_starts
from annotator.tui.widgets.span_index import ViewSpan

__all__ = [
    "DEPTH_ALPHA",
    "PALETTE",
    "ComponentStyle",
    "CURSOR_FLAG",
    "StyleKey",
    "contrast_ratio",
    "label_color",
    "readable_on",
    "row_strip",
    "safe_display",
    "span_style",
]

PALETTE = (
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
DEPTH_ALPHA = (0.0, 0.30, 0.47, 0.62)

# Blend factor of a label colour into the background under the focused suggestion.
SUGGESTION_FOCUS_ALPHA = 0.5
# Least contrast for a suggestion's text in its label colour (else the readable colour is used).
SUGGESTION_MIN_CONTRAST = 3.0

# (label of the innermost span, nesting depth, label of the focused span, highlighted,
#  selected, cursor, label of the innermost suggestion, the focused suggestion): everything that
#  decides the style of a run of cells.
StyleKey = tuple[str | None, int, str | None, bool, bool, bool, str | None, bool]
CURSOR_FLAG = 5  # where the cursor's flag is in a StyleKey
# A component class's (background, colour, text style); colours None when the CSS sets none.
ComponentStyle = tuple[Color | None, Color | None, Style]


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


def label_color(label: str, spec: str | None) -> Color:
    """The colour of ``label``: its ``spec`` when it parses, else one of the palette's by name."""
    try:
        color = Color.parse(spec) if spec else None
    except Exception:  # noqa: BLE001 - a bad colour must not crash the view
        color = None
    if color is None:
        color = Color.parse(PALETTE[sum(map(ord, label)) % len(PALETTE)])
    return color


def span_style(
    key: StyleKey,
    base_bg: Color,
    base_fg: Color,
    color_of: Callable[[str], Color],
    component: Callable[[str], ComponentStyle],
) -> Style:
    """The style of cells described by ``key`` on the view's ``base_bg``/``base_fg``.

    ``color_of`` gives a label's colour; ``component`` a component class's
    :data:`ComponentStyle` (``article-view--focused-span``, ``--highlight``,
    ``--selection``, ``--cursor``).
    """
    label, depth, focus_label, hl, sel, cur, suggested, suggested_focus = key
    bg = base_bg
    extra = Style()
    suggested_fg: Color | None = None
    if label is not None:
        alpha = DEPTH_ALPHA[min(depth, len(DEPTH_ALPHA) - 1)]
        bg = base_bg.blend(color_of(label), alpha)
        if depth >= 2:
            extra += Style(underline=True)
        if depth >= 3:
            extra += Style(italic=True)
    if suggested is not None:
        extra += Style(underline=True)
        if suggested_focus:
            bg = bg.blend(color_of(suggested), SUGGESTION_FOCUS_ALPHA)
            extra += Style(bold=True)
        else:
            suggested_fg = color_of(suggested)
    if focus_label is not None:
        bg = color_of(focus_label)
        extra += component("article-view--focused-span")[2]
    if hl:
        hbg, hfg, hts = component("article-view--highlight")
        if hbg is not None:
            bg = base_bg + hbg
        extra += hts
    fg = readable_on(bg, base_fg)
    if suggested_fg is not None and focus_label is None and not hl \
            and contrast_ratio(bg, suggested_fg) >= SUGGESTION_MIN_CONTRAST:
        fg = suggested_fg
    if sel:
        sbg, sfg, sts = component("article-view--selection")
        if sbg is not None:
            bg = base_bg + sbg
        fg = readable_on(bg, (base_bg + sfg) if sfg is not None else base_fg)
        extra += sts
    style = Style(color=fg.rich_color, bgcolor=bg.rich_color) + extra
    if cur:
        cbg, cfg, cts = component("article-view--cursor")
        if cbg is not None or cfg is not None:
            style += Style(
                color=(base_bg + cfg).rich_color if cfg is not None else None,
                bgcolor=(base_bg + cbg).rich_color if cbg is not None else None,
            )
        style += cts
    return style


def row_strip(
    disp: str,
    start: int,
    vis_end: int,
    text_end: int,
    single: bool,
    width: int,
    spans: Sequence[ViewSpan],
    hls: Sequence[tuple[int, int]],
    sel: tuple[int, int] | None,
    cur: int,
    focus: ViewSpan | None,
    style_of: Callable[[StyleKey], Style],
    pad_style: Style,
    suggested: Sequence[ViewSpan] = (),
    focus_suggested: ViewSpan | None = None,
) -> Strip:
    """The strip, ``width`` cells wide, drawing the cells ``[start, vis_end)`` of one wrapped row.

    ``disp[start:text_end]`` is the row's text; the cells from ``text_end`` on are blank (the
    newline, or the end of the text).  ``spans`` and ``hls`` (highlights) are those overlapping
    the row; ``sel``, ``cur`` and ``focus`` the selection, cursor and focused span; ``single``
    says every character of the row is one cell wide.  The row is cut wherever one of these
    starts or ends (never inside a grapheme cluster) and each run gets ``style_of`` its
    :data:`StyleKey`; cells past the text up to ``width`` are blank in ``pad_style``.
    ``suggested`` are the suggestions overlapping the row, ``focus_suggested`` the focused one.
    """
    cuts = {start, vis_end, cur, cur + 1}
    for s in spans:
        cuts.add(s.start)
        cuts.add(s.end)
    for a, b in hls:
        cuts.add(a)
        cuts.add(b)
    if sel is not None:
        cuts.update(sel)
    if focus is not None:
        cuts.add(focus.start)
        cuts.add(focus.end)
    for s in suggested:
        cuts.add(s.start)
        cuts.add(s.end)
    points = sorted(c for c in cuts if start <= c <= vis_end)

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
        if suggested:
            proposed = [s for s in suggested if s.start < b and s.end > a]
            suggested_focus = (focus_suggested is not None and focus_suggested.start < b
                               and focus_suggested.end > a)
            if suggested_focus:
                assert focus_suggested is not None
                suggested_label: str | None = focus_suggested.label
            else:
                suggested_label = min(proposed, key=_inner_key).label if proposed else None
        else:
            suggested_label, suggested_focus = None, False
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
            Segment(chunk, style_of((label, depth, focus_label, hl, selected, is_cur, suggested_label,
                                     suggested_focus)))
        )
    # One Strip of exactly the row width (no crop/extend copies when it fits).
    if single:
        cells = vis_end - start
    else:
        cells = sum(seg.cell_length for seg in segments)
    if cells < width:
        segments.append(Segment(" " * (width - cells), pad_style))
        return Strip(segments, width)
    if cells == width:
        return Strip(segments, width)
    return Strip(segments, cells).crop(0, width)


def _inner_key(s: ViewSpan) -> tuple[int, int]:
    return (s.end - s.start, -s.start)
